"""Figures for dropout: participant-flow diagram and Kaplan–Meier curve.

All take the aggregated tables of :mod:`evaluatie.uitval` (never individual
participants) and return a matplotlib Figure; nothing is shown or saved here.
Counts removed by disclosure control (missing ``n``) are drawn as ``<min_n`` when the
threshold is given and the row was suppressed for being small, else as "onderdrukt".
"""

from __future__ import annotations

# Figures are built on matplotlib.figure.Figure directly (no pyplot, no matplotlib.use),
# so importing this module never switches the backend of a report kernel.
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import PercentFormatter

__all__ = ["figuur_deelnemersstroom", "figuur_kaplan_meier", "figuur_uitvalcurve",
           "REDEN_LABELS"]

#: Readable Dutch text for the loss reasons in the flow table.
REDEN_LABELS = {
    "geen_motivatie": "geen motivatie",
    "verhuisd": "verhuisd",
    "doelen_bereikt_voortijdig": "doelen voortijdig bereikt",
    "medische_redenen": "medische redenen",
    "praktische_redenen": "praktische redenen",
    "doorverwezen": "doorverwezen",
    "onbekend": "reden onbekend",
    "niet_gestart": "niet gestart",
    "geen_meting": "geen meting",
    "nog_actief": "nog actief (meting nog niet gedaan)",
}


def _aantal(n, min_n: int | None = None, secundair: bool = False) -> str:
    """A count as text; a suppressed one as ``<min_n`` (primary) or "onderdrukt"."""
    if not pd.isna(n):
        return f"{int(n):,}".replace(",", ".")
    return f"<{min_n}" if min_n and not secundair else "onderdrukt"


def _n_is(tekst: str) -> str:
    """'n = 12', 'n < 10' or 'n onderdrukt'."""
    if tekst.startswith("<"):
        return f"n < {tekst[1:]}"
    return "n onderdrukt" if tekst == "onderdrukt" else f"n = {tekst}"


def _secundair(rij) -> bool:
    """True when disclosure control marks the row as secondarily suppressed."""
    waarde = getattr(rij, "onderdrukking", "")
    return isinstance(waarde, str) and waarde.startswith("secundair")


def _kader(ax, x: float, y: float, b: float, h: float, tekst: str, kleur: str) -> None:
    ax.add_patch(FancyBboxPatch((x - b / 2, y - h / 2), b, h,
                                boxstyle="round,pad=0.01,rounding_size=0.015",
                                facecolor=kleur, edgecolor="#333333", linewidth=1))
    ax.text(x, y, tekst, ha="center", va="center", fontsize=9, wrap=True)


def figuur_deelnemersstroom(stroom: pd.DataFrame, titel: str | None = None,
                            min_n: int | None = None) -> Figure:
    """Flow diagram: stages top to bottom, the losses with their reasons in side boxes.

    Parameters
    ----------
    stroom : DataFrame
        Output of :func:`evaluatie.uitval.deelnemersstroom`, possibly after disclosure
        control. A missing ``n`` is shown as ``<min_n``, or as "onderdrukt" when
        ``min_n`` is not given or the row's ``onderdrukking`` column (if present)
        says ``secundair``.
    titel : str, optional
        Figure title.
    min_n : int, optional
        The disclosure threshold.

    Returns
    -------
    matplotlib.figure.Figure
    """
    # flow order is row order: disclosure control may blank the numeric stap_nr
    stappen = stroom[stroom["soort"] == "stap"]
    verlies = stroom[stroom["soort"] == "uitval"]
    totalen = stroom[stroom["soort"] == "uitval_totaal"]
    k = len(stappen)
    fig = Figure(figsize=(9, 1.55 * k + 0.6))
    ax = fig.add_subplot()
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.5, k - 0.5)
    ax.invert_yaxis()
    ax.axis("off")
    x_hoofd, b_hoofd, h_hoofd = 0.25, 0.36, 0.42
    x_zij, b_zij = 0.74, 0.46
    for i, rij in enumerate(stappen.itertuples()):
        _kader(ax, x_hoofd, i, b_hoofd, h_hoofd,
               f"{rij.label}\n{_n_is(_aantal(rij.n, min_n, _secundair(rij)))}", "#dbe9f6")
        if i == 0:
            continue
        ax.annotate("", xy=(x_hoofd, i - h_hoofd / 2), xytext=(x_hoofd, i - 1 + h_hoofd / 2),
                    arrowprops=dict(arrowstyle="-|>", color="#333333", lw=1.2))
        weg = verlies[verlies["stap"] == rij.stap]
        totaalrij = totalen[totalen["stap"] == rij.stap]
        if len(totaalrij):
            t = next(totaalrij.itertuples())
            totaal = _aantal(t.n, min_n, _secundair(t))
            if not pd.isna(t.n) and int(t.n) == 0:
                continue
        elif len(weg):
            totaal = _aantal(weg["n"].sum(min_count=len(weg)), None)
        else:
            continue
        regels = [f"Niet verder: {_n_is(totaal)}"]
        regels += [f"• {REDEN_LABELS.get(w.reden_uitval, str(w.reden_uitval).replace('_', ' '))}: "
                   f"{_aantal(w.n, min_n, _secundair(w))}" for w in weg.itertuples()]
        y = i - 0.5
        h = min(0.9, 0.12 + 0.085 * len(regels))
        ax.annotate("", xy=(x_zij - b_zij / 2, y), xytext=(x_hoofd, y),
                    arrowprops=dict(arrowstyle="-|>", color="#777777", lw=1))
        ax.add_patch(FancyBboxPatch((x_zij - b_zij / 2, y - h / 2), b_zij, h,
                                    boxstyle="round,pad=0.01,rounding_size=0.015",
                                    facecolor="#f7f7f7", edgecolor="#777777", linewidth=1))
        ax.text(x_zij - b_zij / 2 + 0.015, y, "\n".join(regels), ha="left", va="center",
                fontsize=8)
    if titel:
        ax.set_title(titel, fontsize=11)
    fig.tight_layout()
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
        Output of :func:`evaluatie.uitval.km_op_vaste_tijden`, possibly after
        disclosure control (rows without an estimate are left out).
    titel : str, optional
        Figure title.
    min_n : int, optional
        The disclosure threshold, for the note under the numbers at risk.

    Returns
    -------
    matplotlib.figure.Figure
        The estimate at the released times, joined by straight lines (between two
        times the exact course is not released), with its 95% band and the number
        still in follow-up under each time. If no row has an estimate, the figure
        shows the ``reden``.
    """
    fig = Figure(figsize=(8, 4.8))
    ax, tabel = fig.subplots(2, 1, gridspec_kw=dict(height_ratios=[5, 1]), sharex=True)
    bruikbaar = km[km["overleving"].notna() & km["tijd_maanden"].notna()].sort_values(
        "tijd_maanden")
    if len(bruikbaar) == 0:
        reden = next((r for r in km.get("reden", pd.Series(dtype=object)).dropna()
                      if str(r).strip()), "te weinig gegevens om te publiceren.")
        ax.text(0.5, 0.5, f"Geen uitvalcurve: {reden}", ha="center", va="center",
                transform=ax.transAxes, wrap=True)
        ax.axis("off")
        tabel.axis("off")
        return fig
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
    for rij in bruikbaar.itertuples():
        tabel.text(rij.tijd_maanden, 0.3, _aantal(rij.n_risico, min_n), ha="center",
                   va="center", fontsize=9)
    tabel.set_xticks(bruikbaar["tijd_maanden"].to_numpy(dtype=float))
    tabel.set_xticklabels([f"{x:g}" for x in bruikbaar["tijd_maanden"]])
    tabel.set_xlabel("Maanden sinds start")
    ax.set_xlim(-0.3, t.max() * 1.03 + 0.3)
    fig.tight_layout()
    return fig
