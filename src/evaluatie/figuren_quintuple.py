"""Figuur bij de quintuple aim, uitsluitend uit de publiceerbare indicatortabel.

De invoer is de (onderdrukte) tabel van :func:`evaluatie.quintuple.bereken_indicatoren`; de
functie krijgt nooit gegevens van individuele deelnemers.
"""

from __future__ import annotations

# Figures are plain matplotlib.figure.Figure objects (no pyplot, no global state, no
# matplotlib.use): a Jupyter kernel neither shows them twice nor loses its inline backend.
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from evaluatie.rapport import getal

__all__ = ["KERNINDICATOREN", "figuur_vijf_doelen", "kernindicatoren"]

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
        Publiceerbare indicatortabel (kolommen van :data:`evaluatie.quintuple.KOLOMMEN`).
    doelen : dict, optional
        Naam per doelnummer; standaard uit de tabel.
    titel : str, optional
        Titel boven de figuur.

    Returns
    -------
    matplotlib.figure.Figure
        Per doel een horizontale as in de eenheid van de indicator: punt = waarde, lijn =
        95%-interval, grijze stippellijn = geen verschil (0, of 1 bij een verhouding), gekleurde
        streep = streefwaarde (alleen als die er is; de punt krijgt dan de stoplichtkleur). Een
        doel zonder waarde (niet gemeten of onderdrukt) krijgt de tekst "geen waarde".
    """
    kern = kernindicatoren(indicatoren)
    namen = dict(doelen or {})
    for _, r in indicatoren.drop_duplicates("doel_nr").iterrows():
        namen.setdefault(int(r["doel_nr"]), str(r["doel"]))
    fig = Figure(figsize=(7.5, 6.8), layout="constrained")
    assen = fig.subplots(5, 1)
    for ax, (_, r) in zip(assen, kern.iterrows(), strict=True):
        doel = int(r["doel_nr"])
        ax.set_title(f"{doel}. {namen.get(doel, '')}", loc="left", fontsize=9.5)
        ax.set_yticks([])
        for kant in ("top", "right", "left"):
            ax.spines[kant].set_visible(False)
        if r.get("indicator") is None or pd.isna(r.get("indicator")):
            ax.set_xticks([])
            ax.text(0.5, 0.5, "geen waarde (niet gemeten, niet te berekenen of onderdrukt)",
                    transform=ax.transAxes, ha="center", va="center", color="grey", fontsize=9)
            continue
        w, o, b = (float(r[k]) for k in ("waarde", "ci95_onder", "ci95_boven"))
        dec = int(r["decimalen"]) if "decimalen" in r and pd.notna(r["decimalen"]) else 1
        eenheid = str(r["eenheid"])
        kleur = _KLEUR.get(str(r.get("stoplicht") or "") if pd.notna(r.get("stoplicht")) else "", _KLEUR[""])
        ref = _REFERENTIE.get(eenheid, 0.0)
        if eenheid not in _VASTE_AS:
            ax.axvline(ref, color="grey", linestyle=":", linewidth=1)
        if np.isfinite(o) and np.isfinite(b):
            ax.plot([o, b], [0, 0], color=kleur, linewidth=2.5, solid_capstyle="butt")
        ax.plot([w], [0], "o", color=kleur, markersize=9)
        streef = r.get("streefwaarde")
        if streef is not None and pd.notna(streef):
            ax.axvline(float(streef), color="#555555", linestyle="--", linewidth=1.2)
        label = str(r["naam"]) + (" (kloof laag − hoog)" if r["groep"] == "kloof_laag_hoog" else "")
        ax.set_title(f"{doel}. {namen.get(doel, '')} — {label}: {getal(w, dec)} (n = {getal(r['n'], 0)})",
                     loc="left", fontsize=9.5)
        if eenheid in _VASTE_AS:
            ax.set_xlim(*_VASTE_AS[eenheid])
        else:
            punten = [v for v in (w, o, b, ref, streef) if v is not None and pd.notna(v)]
            lo, hi = min(punten), max(punten)
            marge = 0.15 * (hi - lo or abs(hi) or 1.0)
            ax.set_xlim(lo - marge, hi + marge)
        ax.set_ylim(-1, 1)
        stap = float(np.diff(ax.get_xticks())[0])
        tick_dec = max(0, int(np.ceil(-np.log10(stap)))) if stap > 0 else 0
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p, d=tick_dec: getal(x, d)))
        ax.set_xlabel(eenheid, fontsize=8, loc="right")
        ax.tick_params(axis="x", labelsize=8)
    if titel:
        fig.suptitle(titel)
    return fig
