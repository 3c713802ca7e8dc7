"""Figuur bij de quintuple aim, uitsluitend uit de publiceerbare indicatortabel.

De invoer is de vrijgegeven tabel ``quintuple/indicatoren`` (getypeerd gelezen met
:meth:`evaluatie.rapport.Resultaten.tabel`) of de uitvoer van
:func:`evaluatie.quintuple.bereken_indicatoren`; de functie krijgt nooit gegevens van
individuele deelnemers. :func:`indicatornaam` en :func:`aantal_tekst` stellen de naam en het
aantal van een indicatorrij samen uit de sleutel- en aantalkolommen; de scorekaart in het
rapport gebruikt dezelfde functies, zodat figuur en tabel hetzelfde zeggen.
"""

from __future__ import annotations

from typing import Any

# Figures are plain matplotlib.figure.Figure objects (no pyplot, no global state, no
# matplotlib.use): a Jupyter kernel neither shows them twice nor loses its inline backend.
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from evaluatie.contract import onderdrukte_cellen
from evaluatie.rapport import ONDERDRUKT, getal, is_leeg

__all__ = ["AANTALKOLOMMEN", "KERNINDICATOREN", "aantal_tekst", "figuur_vijf_doelen",
           "indicatornaam", "kernindicatoren"]

#: Per doel de kernindicatoren in volgorde van voorkeur; de figuur toont de eerste die een
#: waarde heeft (bij een gelijkheidsindicator de kloof laag − hoog).
KERNINDICATOREN: dict[int, tuple[str, ...]] = {
    1: ("bmi_z_verandering", "pg_verandering"),
    2: ("rapportcijfer", "nps"),
    3: ("kosten_did", "kosten_verschil"),
    4: ("werkplezier",),
    5: ("uitval_ses", "bereik_lage_ses", "pg_verandering_ses", "bmi_z_verandering_ses"),
}
_VASTE_AS = {"cijfer 0-10": (0, 10), "NPS (-100 tot 100)": (-100, 100)}
_KLEUR = {"groen": "#1a9850", "oranje": "#f39c12", "rood": "#d73027", "": "#2c5d8a"}
_REFERENTIE = {"verhouding": 1.0}
#: De aantalkolommen in de volgorde waarin een rij ze gebruikt: per rij is er één gevuld
#: (completers bij gezondheid, deelnemers met kostengegevens bij kosten, anders personen);
#: ``n_vergelijking`` staat ernaast bij het verschil-in-verschillen.
AANTALKOLOMMEN = ("n_paren", "n_deelnemers", "n")


def _leeg(x: Any) -> bool:
    return x is None or is_leeg(x) or (isinstance(x, str) and not x)


def _float(x: Any) -> float:
    return float("nan") if _leeg(x) else float(x)


def indicatornaam(rij: Any, met_groep: bool = True) -> str:
    """De naam van een indicatorrij met wat hem afbakent, uit de sleutelkolommen: de vergeleken
    meetmomenten (``T2 − T0``), het uitvraagjaar en (``met_groep``) de kloof laag − hoog."""
    delen = []
    if met_groep and rij.get("groep") == "kloof_laag_hoog":
        delen.append("kloof laag − hoog")
    if not _leeg(rij.get("pre")) and not _leeg(rij.get("post")):
        delen.append(f"{rij['post']} − {rij['pre']}")
    if not _leeg(rij.get("jaar")):
        delen.append(f"uitvraag {int(rij['jaar'])}")
    naam = str(rij["naam"])
    return f"{naam} ({'; '.join(delen)})" if delen else naam


def aantal_tekst(rij: Any) -> str:
    """Het aantal personen waarop de waarde van een indicatorrij rust, als tekst.

    De eerste gevulde (of onderdrukte) kolom uit :data:`AANTALKOLOMMEN`; met een
    vergelijkingsgroep ``interventie + vergelijking``. Een onderdrukt aantal wordt
    "onderdrukt", een rij zonder aantal "–".
    """
    weg = onderdrukte_cellen(rij.get("onderdrukking"))

    def een(kolom: str) -> str | None:
        if kolom in weg:
            return ONDERDRUKT
        x = rij.get(kolom)
        return None if _leeg(x) else getal(x, 0)

    tekst = next((t for t in (een(k) for k in AANTALKOLOMMEN) if t is not None), None)
    vergelijking = een("n_vergelijking")
    if vergelijking is not None:
        return f"{tekst or '–'}\u00a0+\u00a0{vergelijking}"
    return tekst or "–"


def kernindicatoren(indicatoren: pd.DataFrame) -> pd.DataFrame:
    """Eén rij per doel (1-5): de eerste kernindicator met een waarde, of een lege rij."""
    _controleer(indicatoren)
    kop = indicatoren[indicatoren["groep"].isin(["alle", "kloof_laag_hoog"])]
    rijen = []
    for doel, ids in KERNINDICATOREN.items():
        gekozen = None
        for i in ids:
            sub = kop[(kop["indicator"] == i) & kop["waarde"].notna()]
            if len(sub):
                gekozen = sub.iloc[0]
                break
        if gekozen is None:
            rijen.append({"doel_nr": doel, "indicator": None})
        else:
            rijen.append(gekozen.to_dict())
    return pd.DataFrame(rijen)


def _controleer(tabel: pd.DataFrame) -> None:
    nodig = {"indicator", "doel_nr", "doel", "naam", "groep", "waarde", "ci95_onder", "ci95_boven",
             "eenheid", "n"}
    ontbrekend = nodig - set(tabel.columns)
    if ontbrekend:
        raise ValueError(f"indicatortabel mist kolommen: {sorted(ontbrekend)}")
    if "pseudo_id" in tabel.columns:
        raise ValueError("indicatortabel bevat pseudo_id: figuren gebruiken alleen geaggregeerde tabellen.")


def figuur_vijf_doelen(indicatoren: pd.DataFrame, doelen: dict[int, str] | None = None,
                       titel: str | None = None) -> Figure:
    """Vijf assen, één per doel van de quintuple aim, met de kernindicator en zijn 95%-interval.

    Parameters
    ----------
    indicatoren : DataFrame
        Publiceerbare indicatortabel (``quintuple/indicatoren``).
    doelen : dict, optional
        Naam per doelnummer; standaard uit de tabel.
    titel : str, optional
        Titel boven de figuur.

    Returns
    -------
    matplotlib.figure.Figure
        Per doel een horizontale as in de eenheid van de indicator: punt = waarde, lijn =
        95%-interval, grijze stippellijn = geen verschil (0, of 1 bij een verhouding), gekleurde
        streep = streefwaarde (alleen als die er is; de punt krijgt dan de stoplichtkleur). De
        kop noemt de indicator (:func:`indicatornaam`), de waarde met interval en n
        (:func:`aantal_tekst`). Een doel zonder waarde (niet gemeten of onderdrukt) krijgt de
        tekst "geen waarde".
    """
    kern = kernindicatoren(indicatoren)
    namen = dict(doelen or {})
    for _, r in indicatoren.drop_duplicates("doel_nr").iterrows():
        namen.setdefault(int(r["doel_nr"]), str(r["doel"]))
    fig = Figure(figsize=(7.5, 7.6), layout="constrained")
    assen = fig.subplots(5, 1)
    for ax, (_, r) in zip(assen, kern.iterrows(), strict=True):
        doel = int(r["doel_nr"])
        kop = f"{doel}. {namen.get(doel, '')}"
        ax.set_yticks([])
        for kant in ("top", "right", "left"):
            ax.spines[kant].set_visible(False)
        if _leeg(r.get("indicator")):
            ax.set_title(kop, loc="left", fontsize=9.5, fontweight="bold")
            ax.set_xticks([])
            ax.text(0.5, 0.5, "geen waarde (niet gemeten, niet te berekenen of onderdrukt)",
                    transform=ax.transAxes, ha="center", va="center", color="grey", fontsize=9)
            continue
        w, o, b = (_float(r.get(k)) for k in ("waarde", "ci95_onder", "ci95_boven"))
        dec = 1 if _leeg(r.get("decimalen")) else int(r["decimalen"])
        eenheid = str(r["eenheid"])
        kleur = _KLEUR.get("" if _leeg(r.get("stoplicht")) else str(r["stoplicht"]), _KLEUR[""])
        ref = _REFERENTIE.get(eenheid, 0.0)
        if eenheid not in _VASTE_AS:
            ax.axvline(ref, color="grey", linestyle=":", linewidth=1)
        heeft_ci = np.isfinite(o) and np.isfinite(b)
        if heeft_ci:
            ax.plot([o, b], [0, 0], color=kleur, linewidth=2.5, solid_capstyle="butt")
        ax.plot([w], [0], "o", color=kleur, markersize=9)
        streef = _float(r.get("streefwaarde"))
        if np.isfinite(streef):
            ax.axvline(streef, color="#555555", linestyle="--", linewidth=1.2)
        waarde = getal(w, dec) + (f" [{getal(o, dec)}; {getal(b, dec)}]" if heeft_ci else "")
        ax.set_title(f"{kop}\n{indicatornaam(r)}: {waarde} (n = {aantal_tekst(r)})",
                     loc="left", fontsize=9.5)
        if eenheid in _VASTE_AS:
            ax.set_xlim(*_VASTE_AS[eenheid])
        else:
            punten = [v for v in (w, o, b, ref, streef) if np.isfinite(v)]
            lo, hi = min(punten), max(punten)
            marge = 0.15 * (hi - lo or abs(hi) or 1.0)
            ax.set_xlim(lo - marge, hi + marge)
        ax.set_ylim(-1, 1)
        stap = float(np.diff(ax.get_xticks())[0])
        tick_dec = max(0, int(np.ceil(-np.log10(stap)))) if stap > 0 else 0
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p, d=tick_dec: getal(x, d)))
        kloof = r.get("groep") == "kloof_laag_hoog"
        ax.set_xlabel("procentpunt (laag − hoog)" if kloof and eenheid == "procent" else
                      f"{eenheid} (laag − hoog)" if kloof else eenheid, fontsize=8, loc="right")
        ax.tick_params(axis="x", labelsize=8)
    if titel:
        fig.suptitle(titel)
    return fig
