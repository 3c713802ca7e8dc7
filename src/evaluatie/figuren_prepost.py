"""Figuren bij de voor/na-vergelijkingen, uitsluitend uit geaggregeerde tabellen.

Geen enkele functie krijgt of toont individuele deelnemers: de invoer is een vrijgegeven
tabel van de analyse ``voor_na`` (zie :data:`evaluatie.analyses.voor_na.TABELLEN`), na de
onthullingscontrole. Die controle gebeurt vóór de vrijgave, voor de hele regio tegelijk;
de figuren doen zelf geen onthullingscontrole. Een onderdrukte cel is leeg: de figuren
tekenen haar niet en zetten er, waar dat kan, "onderdrukt" bij (kolom ``onderdrukking``,
zie :meth:`evaluatie.rapport.Resultaten.weg`).

Figuren worden gemaakt met :class:`matplotlib.figure.Figure` (geen pyplot, geen globale
toestand; werkt met de Agg-backend). Kleuren: Okabe–Ito, veilig bij kleurenblindheid;
lijnen verschillen ook in stijl en marker, zodat de figuur zonder kleur leesbaar blijft.
Getallen op de assen staan met een decimale komma.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from evaluatie.rapport import ONDERDRUKT, Resultaten, geheel

__all__ = [
    "OKABE_ITO",
    "PG_LABELS",
    "figuur_gemiddeld_verloop",
    "figuur_positieve_gezondheid",
    "figuur_verandering",
    "figuur_veranderingen",
    "figuur_verloop_per_uitkomst",
]

#: Okabe–Ito-palet (zonder zwart en geel, die slecht zichtbaar zijn als lijn op wit).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
_LIJNSTIJLEN = ("-", "--", ":", "-.")
_MARKERS = ("o", "s", "^", "D", "v", "P")

#: Nederlandse labels van de zes dimensies van Positieve Gezondheid, in vaste volgorde.
PG_LABELS: dict[str, str] = {
    "pg_lichaamsfuncties": "Lichaamsfuncties",
    "pg_mentaal_welbevinden": "Mentaal welbevinden",
    "pg_zingeving": "Zingeving",
    "pg_kwaliteit_van_leven": "Kwaliteit van leven",
    "pg_meedoen": "Meedoen",
    "pg_dagelijks_functioneren": "Dagelijks functioneren",
}

_LETTER = {"titel": 14, "as": 12, "tekst": 11}

#: Kleur van de aanduiding "onderdrukt" in een figuur.
_GRIJS = "#666666"


def _nl_getal(x: float, _pos: object = None) -> str:
    """Getal op een as met decimale komma (``-0,5`` als ``−0,5``)."""
    if abs(x) < 1e-12:
        return "0"
    return f"{x:.6g}".replace(".", ",").replace("-", "\u2212")


_NL_AS = FuncFormatter(_nl_getal)


def _paneeltitel(tekst: str, breedte: int = 34) -> str:
    """Titel van een paneel in een raster, zo nodig over meer regels."""
    return textwrap.fill(tekst, breedte, break_long_words=False)


def _volgorde_meetmomenten(meetmomenten: pd.Series) -> list[str]:
    return sorted({str(m) for m in meetmomenten}, key=lambda m: int(m.lstrip("Tt")))


def _stijl(i: int) -> dict[str, object]:
    return {"color": OKABE_ITO[i % len(OKABE_ITO)],
            "linestyle": _LIJNSTIJLEN[i % len(_LIJNSTIJLEN)],
            "marker": _MARKERS[i % len(_MARKERS)]}


def figuur_positieve_gezondheid(
    gemiddelden: pd.DataFrame,
    titel: str = "Positieve Gezondheid: gemiddelde per dimensie",
) -> Figure:
    """Spinnenweb van de zes dimensies van Positieve Gezondheid per meetmoment.

    Parameters
    ----------
    gemiddelden : pandas.DataFrame
        Geaggregeerde tabel met kolommen ``uitkomst`` (``pg_lichaamsfuncties`` …
        ``pg_dagelijks_functioneren``), ``meetmoment``, ``gemiddelde`` en ``n``; bijvoorbeeld
        de vrijgegeven tabel ``voor_na/gemiddelden``. Andere uitkomsten worden genegeerd.
        Een leeg (onderdrukt) gemiddelde wordt niet getekend; een meetmoment zonder enig
        gemiddelde krijgt geen lijn.
    titel : str
        Titel boven de figuur.

    Returns
    -------
    matplotlib.figure.Figure
        Radarfiguur, schaal 0–10, één lijn per meetmoment; de legenda noemt het kleinste
        en grootste n van de dimensies per meetmoment, en hoeveel dimensies onderdrukt zijn.
    """
    tabel = gemiddelden.loc[gemiddelden["uitkomst"].isin(PG_LABELS)]
    dimensies = list(PG_LABELS)
    hoeken = np.linspace(0, 2 * np.pi, len(dimensies), endpoint=False)
    fig = Figure(figsize=(8.5, 8.0), layout="constrained")
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    for i, m in enumerate(_volgorde_meetmomenten(tabel["meetmoment"])):
        deel = tabel.loc[tabel["meetmoment"].astype(str) == m].set_index("uitkomst")
        waarden = pd.to_numeric(deel["gemiddelde"], errors="coerce").reindex(dimensies)
        waarden = waarden.astype(float).to_numpy()
        if np.isnan(waarden).all():
            continue
        n = pd.to_numeric(deel["n"], errors="coerce").reindex(dimensies).dropna()
        delen = []
        if len(n):
            delen.append(f"n = {geheel(n.min())}" if n.min() == n.max()
                         else f"n = {geheel(n.min())}–{geheel(n.max())}")
        leeg = sum(Resultaten.weg(r, "gemiddelde") for _, r in deel.iterrows())
        if leeg:
            delen.append(f"{leeg} {'dimensie' if leeg == 1 else 'dimensies'} {ONDERDRUKT}")
        ax.plot(np.append(hoeken, hoeken[0]), np.append(waarden, waarden[0]),
                linewidth=2, label=f"{m} ({'; '.join(delen) or 'n onbekend'})", **_stijl(i))
    ax.set_xticks(hoeken, [PG_LABELS[d] for d in dimensies], fontsize=_LETTER["as"])
    ax.set_ylim(0, 10)
    ax.set_yticks([2, 4, 6, 8, 10], ["2", "4", "6", "8", "10"], fontsize=_LETTER["tekst"] - 1)
    ax.set_rlabel_position(90)
    ax.tick_params(axis="x", pad=12)
    fig.legend(loc="outside lower center", ncols=3, fontsize=_LETTER["tekst"],
               title="Meetmoment", title_fontsize=_LETTER["tekst"], frameon=False)
    fig.suptitle(titel, fontsize=_LETTER["titel"])
    return fig


def _klassen_plaats(deel: pd.DataFrame) -> pd.DataFrame:
    """Positie van de klassen van één histogram: ``links``, ``rechts``, ``open``, ``n``, ``weg``.

    Volgorde: kolom ``klasse`` (de vrijgegeven tabel), anders de ondergrens. Een open
    staartklasse (een grens leeg, niet onderdrukt) krijgt de klassebreedte (kolom
    ``klassebreedte``, anders de mediane breedte van de gesloten klassen) naast de
    buitenste klasse. ``weg``: het aantal is onderdrukt (een leeg aantal is altijd
    onderdrukt). Een klasse met een onderdrukte grens heeft geen positie.
    """
    if "klasse" in deel.columns:
        deel = deel.sort_values("klasse", kind="stable")
    else:
        deel = deel.sort_values("klasse_onder", kind="stable", na_position="first")
    onder = pd.to_numeric(deel["klasse_onder"], errors="coerce").astype(float)
    boven = pd.to_numeric(deel["klasse_boven"], errors="coerce").astype(float)
    gesloten = onder.notna() & boven.notna()
    breedte = np.nan
    if "klassebreedte" in deel.columns:
        b = pd.to_numeric(deel["klassebreedte"], errors="coerce").dropna()
        breedte = float(b.iloc[0]) if len(b) else np.nan
    if not np.isfinite(breedte) or breedte <= 0:
        breedte = float((boven - onder)[gesloten].median()) if gesloten.any() else 1.0
    grens_weg = pd.Series([Resultaten.weg(r, "klasse_onder") or Resultaten.weg(r, "klasse_boven")
                           for _, r in deel.iterrows()], index=deel.index, dtype=bool)
    links = onder.where(onder.notna(), boven - breedte).where(~grens_weg)
    rechts = boven.where(boven.notna(), onder + breedte).where(~grens_weg)
    n = pd.to_numeric(deel["n"], errors="coerce").astype(float)
    return pd.DataFrame({"links": links, "rechts": rechts, "open": ~gesloten & ~grens_weg,
                         "n": n, "weg": n.isna()}, index=deel.index)


def _teken_klassen(ax: Axes, deel: pd.DataFrame, min_n: int | None = None) -> int:
    """Teken de klassen van één histogram op ``ax``; geeft het aantal niet getekende klassen.

    Gesloten klassen zijn gevuld, open staartklassen gearceerd. Een onderdrukte klasse krijgt
    geen staaf maar het woord "onderdrukt" op haar plaats (geen hoogte: een verborgen aantal
    is niet klein). ``min_n`` is alleen een vangnet voor tabellen die niet door de
    onthullingscontrole zijn gegaan: een aantal tussen 0 en ``min_n`` wordt dan niet getekend.
    """
    k = _klassen_plaats(deel)
    plaats = k["links"].notna() & k["rechts"].notna()
    klein = (k["n"] > 0) & (k["n"] < min_n) if min_n else pd.Series(False, index=k.index)
    toon = plaats & ~k["weg"] & ~klein
    if not toon.any():
        ax.text(0.5, 0.5, f"aantallen {ONDERDRUKT}", transform=ax.transAxes, ha="center",
                va="center", fontsize=_LETTER["tekst"] - 1, color=_GRIJS)
        ax.set_xticks([])
        ax.set_yticks([])
        return len(k)
    for open_, stijl in ((False, {"color": OKABE_ITO[0], "edgecolor": "white"}),
                         (True, {"color": "white", "edgecolor": OKABE_ITO[0], "hatch": "///"})):
        d = k[toon & (k["open"] == open_)]
        ax.bar(d["links"], d["n"], width=d["rechts"] - d["links"], align="edge", linewidth=1, **stijl)
    hoogte = float(k.loc[toon, "n"].max())
    for _, r in k[plaats & (k["weg"] | klein)].iterrows():
        ax.text((r["links"] + r["rechts"]) / 2, 0.02 * hoogte, ONDERDRUKT, rotation=90,
                ha="center", va="bottom", fontsize=_LETTER["tekst"] - 3, color=_GRIJS)
    ax.set_xlim(float(k.loc[plaats, "links"].min()), float(k.loc[plaats, "rechts"].max()))
    ax.axvline(0, color="#444444", linestyle="--", linewidth=1.2)
    ax.xaxis.set_major_formatter(_NL_AS)
    return int((~toon).sum())


def figuur_verandering(
    klassen: pd.DataFrame,
    min_n: int | None = None,
    label: str | None = None,
    eenheid: str | None = None,
) -> Figure:
    """Histogram van de verandering (post − pre) uit geklasseerde aantallen, één uitkomst.

    Parameters
    ----------
    klassen : pandas.DataFrame
        De vrijgegeven tabel ``voor_na/histogram`` voor één uitkomst en paar (``uitkomst``,
        ``pre``, ``post``, ``klasse``, ``klasse_onder``, ``klasse_boven``, ``klassebreedte``,
        ``n``), of de uitvoer van :func:`evaluatie.prepost.verandering_histogram_tabel`.
        Een open staartklasse (een grens leeg) wordt gearceerd naast de buitenste klasse
        getekend; een leeg (onderdrukt) ``n`` niet.
    min_n : int, optional
        Alleen voor tabellen die niet door de onthullingscontrole zijn gegaan: aantallen
        tussen 0 en ``min_n`` worden dan niet getekend. Een vrijgegeven tabel heeft dit niet
        nodig.
    label : str, optional
        Naam van de uitkomst op de as; standaard de kolomnaam uit ``klassen``.
    eenheid : str, optional
        Eenheid, tussen haakjes achter het label.

    Returns
    -------
    matplotlib.figure.Figure
        Staafdiagram zonder individuele punten; verticale lijn bij 0 (geen verandering).
        Onder de figuur staat hoeveel klassen niet getekend zijn.
    """
    fig = Figure(figsize=(8.0, 5.0), layout="constrained")
    ax = fig.add_subplot()
    verborgen = _teken_klassen(ax, klassen, min_n) if len(klassen) else 0
    if len(klassen):
        uitkomst, pre, post = (str(klassen[k].iloc[0]) for k in ("uitkomst", "pre", "post"))
    else:
        uitkomst, pre, post = "uitkomst", "pre", "post"
    naam = label or uitkomst
    naam += f" ({eenheid})" if eenheid else ""
    ax.set_xlabel(f"Verandering {naam}, {post} − {pre}", fontsize=_LETTER["as"])
    ax.set_ylabel("Aantal deelnemers", fontsize=_LETTER["as"])
    ax.tick_params(labelsize=_LETTER["tekst"])
    ax.spines[["top", "right"]].set_visible(False)
    if verborgen:
        fig.supxlabel(f"{verborgen} klasse(n) niet getekend ({ONDERDRUKT}).",
                      x=0.01, ha="left", fontsize=_LETTER["tekst"] - 1, style="italic")
    return fig


def figuur_gemiddeld_verloop(
    gemiddelden: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    ylabel: str = "Gemiddelde (95%-betrouwbaarheidsinterval)",
) -> Figure:
    """Gemiddeld verloop met 95%-BI over de meetmomenten.

    Parameters
    ----------
    gemiddelden : pandas.DataFrame
        Geaggregeerde tabel met ``meetmoment``, ``gemiddelde``, ``ci95_onder``,
        ``ci95_boven``, ``n`` en optioneel ``uitkomst`` (één lijn per uitkomst); bijvoorbeeld
        :func:`evaluatie.prepost.gemiddelden_per_meetmoment`.
    labels : Mapping[str, str], optional
        Nederlandse namen per uitkomst voor de legenda.
    ylabel : str
        Label van de y-as.

    Returns
    -------
    matplotlib.figure.Figure
        Lijnfiguur met foutbalken; de x-as noemt per meetmoment het n (bij één uitkomst).
    """
    tabel = gemiddelden.copy()
    if "uitkomst" not in tabel.columns:
        tabel["uitkomst"] = ""
    labels = dict(labels or {})
    momenten = _volgorde_meetmomenten(tabel["meetmoment"])
    positie = {m: i for i, m in enumerate(momenten)}
    uitkomsten = list(dict.fromkeys(tabel["uitkomst"]))
    fig = Figure(figsize=(7.5, 5.0), layout="constrained")
    ax = fig.add_subplot()
    verschuiving = np.linspace(-0.08, 0.08, len(uitkomsten)) if len(uitkomsten) > 1 else [0.0]
    for i, uitkomst in enumerate(uitkomsten):
        deel = tabel.loc[tabel["uitkomst"] == uitkomst].copy()
        deel["x"] = deel["meetmoment"].astype(str).map(positie) + verschuiving[i]
        deel = deel.sort_values("x")
        y = deel["gemiddelde"].astype(float)
        fout = np.vstack([y - deel["ci95_onder"].astype(float),
                          deel["ci95_boven"].astype(float) - y])
        ax.errorbar(deel["x"], y, yerr=fout, capsize=5, linewidth=2, markersize=7,
                    label=labels.get(uitkomst, uitkomst) or None, **_stijl(i))
    if len(uitkomsten) == 1:
        n = tabel.set_index(tabel["meetmoment"].astype(str))["n"]
        xlabels = [f"{m}\n(n = {int(n[m])})" if m in n.index and pd.notna(n[m]) else m
                   for m in momenten]
    else:
        xlabels = momenten
        ax.legend(fontsize=_LETTER["tekst"])
    ax.set_xticks(range(len(momenten)), xlabels, fontsize=_LETTER["tekst"])
    ax.set_xlim(-0.5, len(momenten) - 0.5)
    ax.set_xlabel("Meetmoment", fontsize=_LETTER["as"])
    ax.set_ylabel(ylabel, fontsize=_LETTER["as"])
    ax.tick_params(axis="y", labelsize=_LETTER["tekst"])
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig


def _raster(aantal: int, kolommen: int = 3, breedte: float = 9.0, hoogte: float = 2.8
            ) -> tuple[Figure, list]:
    k = min(kolommen, max(aantal, 1))
    r = max(1, int(np.ceil(aantal / k)))
    fig = Figure(figsize=(breedte, hoogte * r + 0.6), layout="constrained")
    assen = list(np.atleast_1d(fig.subplots(r, k, squeeze=False)).ravel())
    for ax in assen[aantal:]:
        ax.set_visible(False)
    return fig, assen[:aantal]


def figuur_verloop_per_uitkomst(
    gemiddelden: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    eenheden: Mapping[str, str] | None = None,
) -> Figure:
    """Gemiddeld verloop met 95%-BI, één paneel per uitkomst (eigen schaal per paneel).

    Parameters
    ----------
    gemiddelden : pandas.DataFrame
        ``uitkomst``, ``meetmoment``, ``gemiddelde``, ``ci95_onder``, ``ci95_boven``, ``n``
        (de vrijgegeven tabel ``voor_na/gemiddelden``). Rijen zonder gemiddelde (onderdrukt
        of niet te berekenen) worden niet getekend; onder een meetmoment waarvan het
        gemiddelde of het aantal onderdrukt is, staat dat.
    labels, eenheden : Mapping[str, str], optional
        Nederlandse naam en eenheid per uitkomst (paneeltitel en y-as).

    Returns
    -------
    matplotlib.figure.Figure
        Raster van lijnfiguren met foutbalken; onder elk meetmoment het n.
    """
    labels, eenheden = dict(labels or {}), dict(eenheden or {})
    uitkomsten = list(dict.fromkeys(gemiddelden["uitkomst"]))
    fig, assen = _raster(len(uitkomsten))
    momenten = _volgorde_meetmomenten(gemiddelden["meetmoment"])
    for ax, u in zip(assen, uitkomsten, strict=True):
        deel = gemiddelden.loc[gemiddelden["uitkomst"] == u]
        deel = deel.set_index(deel["meetmoment"].astype(str)).reindex(momenten)
        y = pd.to_numeric(deel["gemiddelde"], errors="coerce").astype(float)
        onder = pd.to_numeric(deel["ci95_onder"], errors="coerce").astype(float)
        boven = pd.to_numeric(deel["ci95_boven"], errors="coerce").astype(float)
        x = np.arange(len(momenten), dtype=float)
        ok = y.notna().to_numpy()
        fout = np.vstack([(y - onder).fillna(0), (boven - y).fillna(0)])[:, ok]
        ax.errorbar(x[ok], y[ok], yerr=fout, capsize=4, linewidth=2, markersize=6, **_stijl(0))
        if not ok.any():
            ax.text(0.5, 0.5, f"gemiddelden {ONDERDRUKT}", transform=ax.transAxes, ha="center",
                    va="center", fontsize=_LETTER["tekst"] - 1, color=_GRIJS)
        n = pd.to_numeric(deel["n"], errors="coerce")

        def _xlabel(m: str, n: pd.Series = n, deel: pd.DataFrame = deel) -> str:
            if pd.notna(n[m]):
                return f"{m}\n(n = {geheel(n[m])})"
            if Resultaten.weg(deel.loc[m], "gemiddelde"):
                return f"{m}\n({ONDERDRUKT})"
            return f"{m}\n(n {ONDERDRUKT})" if Resultaten.weg(deel.loc[m], "n") else m

        ax.set_xticks(x, [_xlabel(m) for m in momenten], fontsize=_LETTER["tekst"] - 2)
        ax.set_xlim(-0.5, len(momenten) - 0.5)
        ax.set_title(_paneeltitel(labels.get(u, u)), fontsize=_LETTER["tekst"])
        if eenheden.get(u):
            ax.set_ylabel(eenheden[u], fontsize=_LETTER["tekst"] - 2)
        ax.yaxis.set_major_formatter(_NL_AS)
        ax.tick_params(axis="y", labelsize=_LETTER["tekst"] - 2)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
    return fig


def figuur_veranderingen(
    klassen: pd.DataFrame,
    min_n: int | None = None,
    labels: Mapping[str, str] | None = None,
    eenheden: Mapping[str, str] | None = None,
) -> Figure:
    """Verdeling van de verandering (post − pre), één paneel per uitkomst.

    Parameters
    ----------
    klassen : pandas.DataFrame
        De vrijgegeven tabel ``voor_na/histogram`` voor één paar meetmomenten: per uitkomst
        de klassen (``klasse``: volgnummer) ``[klasse_onder, klasse_boven)`` met hun aantal
        ``n``, ``klassebreedte`` en ``n_totaal``. Een open staartklasse (``klasse_onder`` of
        ``klasse_boven`` leeg) wordt gearceerd getekend, met de klassebreedte naast de
        buitenste klasse. Een leeg (onderdrukt) ``n`` krijgt geen staaf maar het woord
        "onderdrukt".
    min_n : int, optional
        Alleen voor tabellen die niet door de onthullingscontrole zijn gegaan (zie
        :func:`figuur_verandering`); een rapport geeft het niet mee.
    labels, eenheden : Mapping[str, str], optional
        Nederlandse naam en eenheid per uitkomst.

    Returns
    -------
    matplotlib.figure.Figure
        Raster van staafdiagrammen (geen individuele punten) met een stippellijn bij 0.
    """
    labels, eenheden = dict(labels or {}), dict(eenheden or {})
    uitkomsten = list(dict.fromkeys(klassen["uitkomst"]))
    fig, assen = _raster(len(uitkomsten))
    for i, (ax, u) in enumerate(zip(assen, uitkomsten, strict=True)):
        deel = klassen.loc[klassen["uitkomst"] == u]
        _teken_klassen(ax, deel, min_n)
        totaal = pd.to_numeric(deel["n_totaal"], errors="coerce").dropna()
        if len(totaal):
            n_tekst = f" (n = {geheel(totaal.max())})"
        elif any(Resultaten.weg(r, "n_totaal") for _, r in deel.iterrows()):
            n_tekst = f" (n {ONDERDRUKT})"
        else:
            n_tekst = ""
        ax.set_title(_paneeltitel(labels.get(u, u) + n_tekst), fontsize=_LETTER["tekst"])
        ax.set_xlabel(f"verandering{' (' + eenheden[u] + ')' if eenheden.get(u) else ''}",
                      fontsize=_LETTER["tekst"] - 2)
        ax.tick_params(labelsize=_LETTER["tekst"] - 2)
        ax.spines[["top", "right"]].set_visible(False)
        if i % 3 == 0:
            ax.set_ylabel("Aantal deelnemers", fontsize=_LETTER["tekst"] - 2)
    return fig
