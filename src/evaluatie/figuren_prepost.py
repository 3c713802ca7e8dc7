"""Figuren bij de voor/na-vergelijkingen, uitsluitend uit geaggregeerde tabellen.

Geen enkele functie krijgt of toont individuele deelnemers: de invoer is de uitvoer van
:mod:`evaluatie.prepost` (eventueel na onthullingscontrole). Figuren worden gemaakt met
:class:`matplotlib.figure.Figure` (geen pyplot, geen globale toestand; werkt met de
Agg-backend). Kleuren: Okabe–Ito, veilig bij kleurenblindheid; lijnen verschillen ook in
stijl en marker, zodat de figuur zonder kleur leesbaar blijft.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

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
        de uitvoer van :func:`evaluatie.prepost.gemiddelden_per_meetmoment`. Andere
        uitkomsten worden genegeerd.
    titel : str
        Titel boven de figuur.

    Returns
    -------
    matplotlib.figure.Figure
        Radarfiguur, schaal 0–10, één lijn per meetmoment; de legenda noemt het kleinste
        en grootste n van de dimensies per meetmoment.
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
        waarden = deel["gemiddelde"].reindex(dimensies).astype(float).to_numpy()
        n = deel["n"].reindex(dimensies)
        n_tekst = (f"n = {int(n.min())}" if n.min() == n.max()
                   else f"n = {int(n.min())}–{int(n.max())}") if n.notna().any() else "n onbekend"
        ax.plot(np.append(hoeken, hoeken[0]), np.append(waarden, waarden[0]),
                linewidth=2, label=f"{m} ({n_tekst})", **_stijl(i))
    ax.set_xticks(hoeken, [PG_LABELS[d] for d in dimensies], fontsize=_LETTER["as"])
    ax.set_ylim(0, 10)
    ax.set_yticks([2, 4, 6, 8, 10], ["2", "4", "6", "8", "10"], fontsize=_LETTER["tekst"] - 1)
    ax.set_rlabel_position(90)
    ax.tick_params(axis="x", pad=12)
    fig.legend(loc="outside lower center", ncols=3, fontsize=_LETTER["tekst"],
               title="Meetmoment", title_fontsize=_LETTER["tekst"], frameon=False)
    fig.suptitle(titel, fontsize=_LETTER["titel"])
    return fig


def figuur_verandering(
    klassen: pd.DataFrame,
    min_n: int,
    label: str | None = None,
    eenheid: str | None = None,
) -> Figure:
    """Histogram van de verandering (post − pre) uit geklasseerde aantallen.

    Parameters
    ----------
    klassen : pandas.DataFrame
        Uitvoer van :func:`evaluatie.prepost.verandering_histogram_tabel`, eventueel na
        onthullingscontrole: ``uitkomst``, ``pre``, ``post``, ``klasse_onder``,
        ``klasse_boven``, ``n``. Een leeg (onderdrukt) ``n`` wordt niet getekend.
    min_n : int
        Klassen met minder dan ``min_n`` deelnemers worden niet getekend; onder de figuur
        staat hoeveel klassen dat betreft.
    label : str, optional
        Naam van de uitkomst op de as; standaard de kolomnaam uit ``klassen``.
    eenheid : str, optional
        Eenheid, tussen haakjes achter het label.

    Returns
    -------
    matplotlib.figure.Figure
        Staafdiagram zonder individuele punten; verticale lijn bij 0 (geen verandering).
    """
    fig = Figure(figsize=(8.0, 5.0), layout="constrained")
    ax = fig.add_subplot()
    n = pd.to_numeric(klassen["n"], errors="coerce")
    getoond = klassen.loc[n.notna() & (n >= min_n)]
    verborgen = int((~(n.notna() & (n >= min_n))).sum())
    ax.bar(getoond["klasse_onder"], pd.to_numeric(getoond["n"]),
           width=getoond["klasse_boven"] - getoond["klasse_onder"], align="edge",
           color=OKABE_ITO[0], edgecolor="white", linewidth=1)
    ax.axvline(0, color="#444444", linestyle="--", linewidth=1.2)
    if len(klassen):
        ax.set_xlim(float(klassen["klasse_onder"].min()), float(klassen["klasse_boven"].max()))
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
        fig.supxlabel(f"{verborgen} klasse(n) met minder dan {min_n} deelnemers niet getoond.",
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
        (bijv. :func:`evaluatie.prepost.gemiddelden_per_meetmoment` na onthullingscontrole).
        Rijen zonder gemiddelde (onderdrukt of niet te berekenen) worden niet getekend.
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
        deel = gemiddelden.loc[gemiddelden["uitkomst"] == u].set_index("meetmoment")
        deel = deel.reindex(momenten)
        y = pd.to_numeric(deel["gemiddelde"], errors="coerce")
        onder = pd.to_numeric(deel["ci95_onder"], errors="coerce")
        boven = pd.to_numeric(deel["ci95_boven"], errors="coerce")
        x = np.arange(len(momenten), dtype=float)
        ok = y.notna().to_numpy()
        fout = np.vstack([(y - onder).fillna(0), (boven - y).fillna(0)])[:, ok]
        ax.errorbar(x[ok], y[ok], yerr=fout, capsize=4, linewidth=2, markersize=6, **_stijl(0))
        n = pd.to_numeric(deel["n"], errors="coerce")
        ax.set_xticks(x, [f"{m}\n(n = {int(n[m])})" if pd.notna(n[m]) else f"{m}\n(n < grens)"
                          for m in momenten], fontsize=_LETTER["tekst"] - 2)
        ax.set_xlim(-0.5, len(momenten) - 0.5)
        ax.set_title(labels.get(u, u), fontsize=_LETTER["tekst"])
        if eenheden.get(u):
            ax.set_ylabel(eenheden[u], fontsize=_LETTER["tekst"] - 2)
        ax.tick_params(axis="y", labelsize=_LETTER["tekst"] - 2)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
    return fig


def figuur_veranderingen(
    klassen: pd.DataFrame,
    min_n: int,
    labels: Mapping[str, str] | None = None,
    eenheden: Mapping[str, str] | None = None,
) -> Figure:
    """Verdeling van de verandering (post − pre), één paneel per uitkomst.

    Parameters
    ----------
    klassen : pandas.DataFrame
        Geklasseerde aantallen per uitkomst (``uitkomst``, ``pre``, ``post``,
        ``klasse_onder``, ``klasse_boven``, ``n``, ``n_totaal``), na onthullingscontrole.
        Een open staartklasse (``klasse_onder`` of ``klasse_boven`` leeg) wordt gearceerd
        getekend naast de buitenste klasse; een leeg (onderdrukt) ``n`` niet.
    min_n : int
        Klassen met minder dan ``min_n`` deelnemers worden niet getekend.
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
    for ax, u in zip(assen, uitkomsten, strict=True):
        deel = klassen.loc[klassen["uitkomst"] == u]
        onder = pd.to_numeric(deel["klasse_onder"], errors="coerce")
        boven = pd.to_numeric(deel["klasse_boven"], errors="coerce")
        n = pd.to_numeric(deel["n"], errors="coerce")
        gesloten = onder.notna() & boven.notna()
        breedte = float((boven - onder)[gesloten].median()) if gesloten.any() else 1.0
        links = onder.where(onder.notna(), boven - breedte)
        rechts = boven.where(boven.notna(), onder + breedte)
        toon = n.notna() & (n >= min_n) & links.notna() & rechts.notna()
        ax.bar(links[toon & gesloten], n[toon & gesloten],
               width=(rechts - links)[toon & gesloten], align="edge",
               color=OKABE_ITO[0], edgecolor="white", linewidth=1)
        ax.bar(links[toon & ~gesloten], n[toon & ~gesloten],
               width=(rechts - links)[toon & ~gesloten], align="edge", color="white",
               edgecolor=OKABE_ITO[0], hatch="///", linewidth=1)
        ax.axvline(0, color="#444444", linestyle="--", linewidth=1.2)
        totaal = pd.to_numeric(deel["n_totaal"], errors="coerce").max()
        titel = labels.get(u, u) + (f" (n = {int(totaal)})" if pd.notna(totaal) else "")
        ax.set_title(titel, fontsize=_LETTER["tekst"])
        ax.set_xlabel(f"verandering{' (' + eenheden[u] + ')' if eenheden.get(u) else ''}",
                      fontsize=_LETTER["tekst"] - 2)
        ax.tick_params(labelsize=_LETTER["tekst"] - 2)
        ax.spines[["top", "right"]].set_visible(False)
    if len(assen):
        assen[0].set_ylabel("Aantal deelnemers", fontsize=_LETTER["tekst"] - 2)
    return fig
