"""Figures for dropout: participant-flow diagram and Kaplan–Meier curve.

All take the released tables of the ``uitval`` analysis (never individual participants)
and return a matplotlib Figure; nothing is shown or saved here. A count that disclosure
control removed (an empty cell marked in ``onderdrukking``) is drawn as "onderdrukt",
never as ``<min_n``: a hidden count is not necessarily small.
"""

from __future__ import annotations

# Figures are built on matplotlib.figure.Figure directly (no pyplot, no matplotlib.use),
# so importing this module never switches the backend of a report kernel.
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import PercentFormatter

from evaluatie.contract import onderdrukte_cellen

__all__ = ["figuur_deelnemersstroom", "figuur_kaplan_meier", "figuur_uitvalcurve",
           "ONDERDRUKT", "REDEN_LABELS", "STAP_LABELS", "VERLIES_LABELS", "aantal_tekst"]

#: What a figure draws for a suppressed count.
ONDERDRUKT = "onderdrukt"

#: Readable Dutch text for the stages of the flow.
STAP_LABELS = {"aangemeld": "Aangemeld", "gestart": "Gestart", "afgerond": "Afgerond"}

#: Readable Dutch text for the loss groups of the flow (rows ``soort == "verlies"``).
VERLIES_LABELS = {
    "niet_gestart": "Niet gestart",
    "uitgevallen": "Uitgevallen",
    "nog_actief": "Nog actief op de peildatum",
}

#: Readable Dutch text for the dropout reasons (``reden_uitval`` codes, rows ``soort == "reden"``).
REDEN_LABELS = {
    "geen_motivatie": "geen motivatie",
    "verhuisd": "verhuisd",
    "doelen_bereikt_voortijdig": "doelen voortijdig bereikt",
    "medische_redenen": "medische redenen",
    "praktische_redenen": "praktische redenen",
    "doorverwezen": "doorverwezen",
    "onbekend": "reden onbekend",
}


def _leeg(x: Any) -> bool:
    if x is None or x is pd.NA:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _tekst(x: Any) -> str:
    """A key cell as text ("" when empty)."""
    return "" if _leeg(x) else str(x)


def aantal_tekst(rij: Any, kolom: str = "n") -> str:
    """A released count as Dutch text (``1.118``), "onderdrukt" when disclosure control
    removed it, "–" when the cell is empty without being suppressed (not applicable).

    ``rij`` is a table row (Series or dict). A table without the ``onderdrukking``
    companion column (not yet through disclosure control) counts an empty cell as
    suppressed.
    """
    waarde = rij.get(kolom)
    if not _leeg(waarde):
        return f"{int(waarde):,}".replace(",", ".")
    if "onderdrukking" not in rij or kolom in onderdrukte_cellen(rij.get("onderdrukking")):
        return ONDERDRUKT
    return "–"


def _n_is(tekst: str) -> str:
    """'n = 1.118' or 'n onderdrukt'."""
    return f"n = {tekst}" if tekst not in (ONDERDRUKT, "–") else f"n {tekst}"


def _is_nul(rij: Any) -> bool:
    return not _leeg(rij.get("n")) and int(rij.get("n")) == 0


def figuur_deelnemersstroom(stroom: pd.DataFrame, titel: str | None = None,
                            min_n: int | None = None, peildatum: str | None = None) -> Figure:
    """Flow diagram (TREND/CONSORT): aangemeld → gestart → afgerond, losses beside.

    Main boxes, top to bottom, for the stages (rows ``soort == "stap"``). Between two
    stages, side boxes hold the participants lost on the way (rows ``soort ==
    "verlies"`` whose ``van`` is the earlier stage): niet gestart; uitgevallen, with the
    count per reason (rows ``soort == "reden"`` of that group); nog actief on the
    peildatum. A loss of 0 gets no box. Under the flow, a box gives the started
    participants measured per meetmoment (rows ``soort == "meting"``), whatever
    happened to them afterwards.

    Parameters
    ----------
    stroom : DataFrame
        The released ``uitval/stroom`` table (see
        :func:`evaluatie.uitval.deelnemersstroom`). Suppressed counts are drawn as
        "onderdrukt".
    titel : str, optional
        Figure title.
    min_n : int, optional
        Not used (kept for callers of the earlier signature): a suppressed count is
        never drawn as ``<min_n``.
    peildatum : str, optional
        The peildatum as text for the "nog actief" box (e.g. ``31 oktober 2026``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    del min_n
    rijen = [r for _, r in stroom.iterrows()] if len(stroom) else []
    stappen = [r for r in rijen if _tekst(r["soort"]) == "stap"]
    breedte = 8.0
    regel = 0.21  # inch per line unit
    if not stappen:
        fig = Figure(figsize=(breedte, 1.2))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "Geen deelnemersstroom beschikbaar.", ha="center", va="center")
        return fig

    # side boxes between stage i-1 and stage i: (title, detail lines [(text, count)])
    def verliezen(van: str) -> list[tuple[str, list[tuple[str, str]]]]:
        uit = []
        for r in rijen:
            if _tekst(r["soort"]) != "verlies" or _tekst(r["van"]) != van or _is_nul(r):
                continue
            groep = _tekst(r["groep"])
            kop = f"{VERLIES_LABELS.get(groep, groep.replace('_', ' ').capitalize())}: " \
                  f"{_n_is(aantal_tekst(r))}"
            regels: list[tuple[str, str]] = []
            if groep == "uitgevallen":
                regels = [(REDEN_LABELS.get(_tekst(w["reden"]), _tekst(w["reden"]).replace("_", " ")),
                           aantal_tekst(w))
                          for w in rijen if _tekst(w["soort"]) == "reden" and _tekst(w["groep"]) == groep]
            elif groep == "nog_actief":
                regels = [(f"op {peildatum or 'de peildatum'} nog in de interventie", "")]
            elif groep == "niet_gestart":
                regels = [("aangemeld, maar niet met de interventie begonnen", "")]
            uit.append((kop, regels))
        return uit

    metingen = [r for r in rijen if _tekst(r["soort"]) == "meting"]
    h_hoofd, marge, tussen = 2.4, 0.6, 0.5
    plan = []  # (kind, y_top, height, payload)
    y = 0.4 + (1.6 if titel else 0)
    for i, stap in enumerate(stappen):
        if i > 0:
            zij = verliezen(_tekst(stappen[i - 1]["stap"]))
            hoogtes = [1.0 * (1 + len(regels)) + 0.8 for _, regels in zij]
            gat = max(1.6, sum(hoogtes) + tussen * max(len(zij) - 1, 0) + 2 * marge)
            yz = y + (gat - sum(hoogtes) - tussen * max(len(zij) - 1, 0)) / 2
            for (kop, regels), h in zip(zij, hoogtes, strict=True):
                plan.append(("zij", yz, h, (kop, regels)))
                yz += h + tussen
            plan.append(("pijl", y, gat, None))
            y += gat
        plan.append(("hoofd", y, h_hoofd, stap))
        y += h_hoofd
    if metingen:
        y += 1.0
        plan.append(("meting", y, 2.8, metingen))
        y += 2.8
    totaal = y + 0.4

    fig = Figure(figsize=(breedte, totaal * regel))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(totaal, 0)
    ax.axis("off")
    aspect = breedte / regel  # y units per x unit, for round corners that look round

    def kader(x0: float, y0: float, b: float, h: float, kleur: str, rand: str,
              stijl: str = "-") -> None:
        ax.add_patch(FancyBboxPatch((x0, y0), b, h, boxstyle="round,pad=0,rounding_size=0.012",
                                    mutation_aspect=aspect, facecolor=kleur, edgecolor=rand,
                                    linewidth=1, linestyle=stijl))

    x_hoofd, b_hoofd = 0.24, 0.34
    x_zij, b_zij = 0.50, 0.47
    for soort, y0, h, inhoud in plan:
        if soort == "hoofd":
            kader(x_hoofd - b_hoofd / 2, y0, b_hoofd, h, "#dbe9f6", "#333333")
            naam = _tekst(inhoud["stap"])
            ax.text(x_hoofd, y0 + h / 2 - 0.5, STAP_LABELS.get(naam, naam.replace("_", " ")),
                    ha="center", va="center", fontsize=10.5, fontweight="bold")
            ax.text(x_hoofd, y0 + h / 2 + 0.55, _n_is(aantal_tekst(inhoud)), ha="center",
                    va="center", fontsize=10.5)
        elif soort == "pijl":
            ax.annotate("", xy=(x_hoofd, y0 + h), xytext=(x_hoofd, y0),
                        arrowprops=dict(arrowstyle="-|>", color="#333333", lw=1.2,
                                        shrinkA=0, shrinkB=0))
        elif soort == "zij":
            kop, regels = inhoud
            kader(x_zij, y0, b_zij, h, "#f5f5f5", "#777777")
            ym = y0 + h / 2
            ax.annotate("", xy=(x_zij, ym), xytext=(x_hoofd, ym),
                        arrowprops=dict(arrowstyle="-|>", color="#777777", lw=1,
                                        shrinkA=0, shrinkB=0))
            ax.text(x_zij + 0.015, y0 + 0.4 + 0.5, kop, ha="left", va="center", fontsize=9.5,
                    fontweight="bold")
            for j, (tekst, n) in enumerate(regels):
                yr = y0 + 0.4 + 1.5 + j
                if n:
                    ax.text(x_zij + 0.03, yr, f"• {tekst}", ha="left", va="center", fontsize=9)
                    ax.text(x_zij + b_zij - 0.02, yr, n, ha="right", va="center", fontsize=9)
                else:
                    ax.text(x_zij + 0.015, yr, tekst, ha="left", va="center", fontsize=9,
                            color="#444444")
        elif soort == "meting":
            x0, b = x_hoofd - b_hoofd / 2, x_zij + b_zij - (x_hoofd - b_hoofd / 2)
            kader(x0, y0, b, h, "white", "#777777", "--")
            ax.text(x0 + 0.015, y0 + 0.9, "Gemeten: gestarte deelnemers met een meting "
                    "(ook wie later uitviel of nog actief is)", ha="left", va="center",
                    fontsize=9.5, fontweight="bold")
            delen = [f"{_tekst(r['stap']).removeprefix('gemeten_')}: {aantal_tekst(r)}"
                     for r in inhoud]
            ax.text(x0 + 0.015, y0 + 1.95, "   ·   ".join(delen), ha="left", va="center",
                    fontsize=9.5)
    if titel:
        ax.text(0.5, 0.9, titel, ha="center", va="center", fontsize=11)
    return fig


def _aantal_risico(km: pd.DataFrame, t: float) -> float:
    """Participants at risk at time t: n_risico of the first row at or after t, else 0."""
    later = km[km["tijd_dagen"] >= t]
    return 0 if len(later) == 0 else later["n_risico"].iloc[0]


def figuur_kaplan_meier(
    km: pd.DataFrame,
    tijdstippen_maanden: list[float] | None = None,
    titel: str | None = None,
) -> Figure:
    """Kaplan–Meier curve of the share not yet dropped out, with 95% band and numbers at risk.

    Parameters
    ----------
    km : DataFrame
        Output of :func:`evaluatie.uitval.kaplan_meier_uitval`.
    tijdstippen_maanden : list of float, optional
        Times (months since start) for the numbers-at-risk row; default every 3 months.
    titel : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        A step curve with a shaded pointwise 95% interval; no censoring marks, so no
        individual follow-up end is visible. If ``km`` has no usable rows, the figure
        shows the ``reden``.
    """
    fig = Figure(figsize=(8, 5.2))
    ax, tabel = fig.subplots(2, 1, gridspec_kw=dict(height_ratios=[4, 1]), sharex=True)
    bruikbaar = km[km["overleving"].notna()]
    if len(bruikbaar) == 0:
        reden = km["reden"].iloc[0] if len(km) else "Geen gegevens."
        ax.text(0.5, 0.5, f"Geen uitvalcurve: {reden}", ha="center", va="center",
                transform=ax.transAxes)
        ax.axis("off")
        tabel.axis("off")
        return fig
    maand = 365.25 / 12
    t = np.concatenate([[0.0], bruikbaar["tijd_dagen"].to_numpy() / maand])
    s = np.concatenate([[1.0], bruikbaar["overleving"].to_numpy()])
    lo = np.concatenate([[1.0], bruikbaar["ci95_onder"].to_numpy()])
    hi = np.concatenate([[1.0], bruikbaar["ci95_boven"].to_numpy()])
    ax.fill_between(t, lo, hi, step="post", color="#1f77b4", alpha=0.2, linewidth=0,
                    label="95%-betrouwbaarheidsinterval")
    ax.step(t, s, where="post", color="#1f77b4", linewidth=2, label="Nog niet uitgevallen")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    ax.set_ylabel("Aandeel nog niet uitgevallen")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", frameon=False)
    if titel:
        ax.set_title(titel)
    if tijdstippen_maanden is None:
        tijdstippen_maanden = list(np.arange(0, np.floor(t.max()) + 1, 3))
    tabel.set_ylim(0, 1)
    tabel.set_yticks([])
    for spine in ("top", "right", "left"):
        tabel.spines[spine].set_visible(False)
    tabel.text(0, 0.85, "Aantal in follow-up:", transform=tabel.transAxes, fontsize=9,
               ha="left", va="top")
    for tm in tijdstippen_maanden:
        n = _aantal_risico(km, tm * maand)
        tabel.text(tm, 0.35, "–" if pd.isna(n) else f"{int(n)}", ha="center", va="center",
                   fontsize=9)
    tabel.set_xticks(tijdstippen_maanden)
    tabel.set_xlabel("Maanden sinds start")
    ax.set_xlim(0, max(t.max(), max(tijdstippen_maanden, default=0)) * 1.02)
    fig.tight_layout()
    return fig


def figuur_uitvalcurve(km: pd.DataFrame, titel: str | None = None,
                       min_n: int | None = None) -> Figure:
    """Kaplan–Meier curve drawn from the releasable table at fixed times.

    Parameters
    ----------
    km : DataFrame
        The released ``uitval/km`` table (output of
        :func:`evaluatie.uitval.km_op_vaste_tijden` after disclosure control); rows
        without an estimate are left out, a suppressed number in follow-up is drawn as
        "onderdrukt".
    titel : str, optional
        Figure title.
    min_n : int, optional
        Not used (kept for callers of the earlier signature).

    Returns
    -------
    matplotlib.figure.Figure
        The estimate at the released times, joined by straight lines (between two
        times the exact course is not released), with its 95% band and the number
        still in follow-up under each time. If no row has an estimate, the figure
        shows the ``reden``.
    """
    bruikbaar = km[km["overleving"].notna() & km["tijd_maanden"].notna()].sort_values(
        "tijd_maanden") if len(km) else km
    if len(bruikbaar) == 0:  # a small figure that says why there is no curve
        reden = next((str(r).strip() for r in km.get("reden", pd.Series(dtype=object)).dropna()
                      if str(r).strip()), "te weinig gegevens om te publiceren.")
        fig = Figure(figsize=(8, 1.0))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.text(0.5, 0.5, f"Geen uitvalcurve: {reden[:1].lower()}{reden[1:]}", ha="center",
                va="center", transform=ax.transAxes, wrap=True)
        ax.axis("off")
        return fig
    fig = Figure(figsize=(8, 4.8))
    ax, tabel = fig.subplots(2, 1, gridspec_kw=dict(height_ratios=[5, 1]), sharex=True)
    t = bruikbaar["tijd_maanden"].to_numpy(dtype=float)
    s = bruikbaar["overleving"].to_numpy(dtype=float)
    lo = bruikbaar["ci95_onder"].to_numpy(dtype=float)
    hi = bruikbaar["ci95_boven"].to_numpy(dtype=float)
    if t[0] > 0:  # everyone is in the programme at the start
        t, s, lo, hi = (np.concatenate([[0.0], a]) for a in (t, s, lo, hi))
        s[0] = lo[0] = hi[0] = 1.0
    # the estimate is known at the released times only: join them by straight lines
    # rather than steps, which would suggest that nobody dropped out in between
    ax.fill_between(t, lo, hi, color="#1f77b4", alpha=0.2, linewidth=0,
                    label="95%-betrouwbaarheidsinterval")
    ax.plot(t, s, "-o", color="#1f77b4", linewidth=2, markersize=4,
            label="Nog niet uitgevallen")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.set_ylabel("Aandeel nog niet uitgevallen")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", frameon=False)
    if titel:
        ax.set_title(titel)
    tabel.set_ylim(0, 1)
    tabel.set_yticks([])
    for spine in ("top", "right", "left"):
        tabel.spines[spine].set_visible(False)
    tabel.text(0, 0.95, "Aantal nog in follow-up:", transform=tabel.transAxes, fontsize=9,
               ha="left", va="top")
    for _, rij in bruikbaar.iterrows():
        tabel.text(rij["tijd_maanden"], 0.3, aantal_tekst(rij, "n_risico"), ha="center",
                   va="center", fontsize=9)
    tabel.set_xticks(bruikbaar["tijd_maanden"].to_numpy(dtype=float))
    tabel.set_xticklabels([f"{x:g}" for x in bruikbaar["tijd_maanden"]])
    tabel.set_xlabel("Maanden sinds start")
    ax.set_xlim(-0.3, t.max() * 1.03 + 0.3)
    fig.tight_layout()
    return fig
