"""Figuren bij de zorgkosten, uitsluitend uit geaggregeerde tabellen.

Geen enkele functie hier krijgt gegevens van individuele deelnemers: de invoer is een
vrijgegeven tabel van de analyse ``kosten`` (``kwartalen`` of ``kostentabel``, getypeerd
gelezen met :meth:`evaluatie.rapport.Resultaten.tabel`) of de uitvoer van
:func:`evaluatie.kosten.kosten_per_kwartaal` en :func:`evaluatie.kosten.kostentabel`.

Een cel die de onthullingscontrole onderdrukte, is leeg; de figuren laten die waarde weg
en zeggen dat ze onderdrukt is (kolom ``onderdrukking``). De figuren onderdrukken zelf
niets.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Figures are plain matplotlib.figure.Figure objects (no pyplot, no global state, no
# matplotlib.use): a Jupyter kernel neither shows them twice nor loses its inline backend.
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from evaluatie.contract import onderdrukte_cellen
from evaluatie.rapport import ONDERDRUKT, getal, is_leeg

__all__ = ["GROEPLABELS", "figuur_kostenverloop", "figuur_parallelle_trends"]

_DOMEINLABELS = {
    "zvw_huisarts": "Huisarts",
    "zvw_ggz": "GGZ",
    "zvw_msz": "Medisch-specialistisch",
    "zvw_farmacie": "Farmacie",
    "zvw_overig": "Zvw overig",
    "wmo": "Wmo",
    "jeugdwet": "Jeugdwet",
    "participatiewet": "Participatiewet",
    "totaal": "Totaal",
}
#: Standaardlabels van de onderzoeksgroepen in legenda's.
GROEPLABELS = {"interventie": "interventiegroep", "vergelijking": "vergelijkingsgroep"}
#: Euro's op de as in Nederlandse notatie (duizendtallen met een punt).
_EURO_AS = FuncFormatter(lambda x, _p: f"€ {getal(x, 0)}")
_GRIJS = "#666666"


def _controleer(tabel: pd.DataFrame, kolommen: set[str], naam: str) -> None:
    ontbrekend = kolommen - set(tabel.columns)
    if ontbrekend:
        raise ValueError(f"{naam} mist kolommen: {sorted(ontbrekend)}")
    if "pseudo_id" in tabel.columns:
        raise ValueError(
            f"{naam} bevat pseudo_id: figuren gebruiken alleen geaggregeerde tabellen."
        )


def _weg(rij: Any, kolommen: Iterable[str]) -> bool:
    """Is one of these cells suppressed (kolom ``onderdrukking`` of a released table)?"""
    cellen = onderdrukte_cellen(rij.get("onderdrukking"))
    return any(k in cellen for k in kolommen)


def _getallen(reeks: pd.Series) -> np.ndarray:
    """A (possibly nullable) column as floats, missing as NaN."""
    return pd.to_numeric(reeks, errors="coerce").astype("float64").to_numpy()


def _n_tekst(tabel: pd.DataFrame, kolom: str) -> str:
    """``n = …`` for a legend or label: the smallest released count, or "n onderdrukt"."""
    n = pd.to_numeric(tabel[kolom], errors="coerce").dropna()
    if len(n):
        return f"n = {getal(n.min(), 0)}"
    if any(_weg(r, (kolom,)) for _, r in tabel.iterrows()):
        return f"n {ONDERDRUKT}"
    return "n onbekend"


def _kwartaallabel(k: int) -> str:
    """K−4 … K−1 voor de start, K+1 … K+4 vanaf de start (kwartaal 0 is het eerste na de start)."""
    return f"K+{k + 1}" if k >= 0 else f"K−{-k}"


def figuur_parallelle_trends(
    trendtabel: pd.DataFrame,
    groep_kolom: str = "onderzoeksgroep",
    titel: str | None = None,
    groeplabels: dict[str, str] | None = None,
) -> Figure:
    """Gemiddelde kosten per groep per kwartaal rond de start, om parallelle trends te beoordelen.

    Parameters
    ----------
    trendtabel : DataFrame
        De vrijgegeven tabel ``kosten/kwartalen`` (één kostendomein) of de uitvoer van
        :func:`evaluatie.kosten.kosten_per_kwartaal`: `groep_kolom`, ``kwartaal``, ``n``,
        ``gemiddeld_eur``, en zo mogelijk ``ci95_onder``, ``ci95_boven``, ``kostendomein``,
        ``periode`` (voor/na) en ``onderdrukking``.
    groep_kolom : str
        Kolom met de groep.
    titel : str, optional
        Titel; standaard op basis van het kostendomein.
    groeplabels : dict, optional
        Tekst per groepswaarde in de legenda; standaard :data:`GROEPLABELS`.

    Returns
    -------
    matplotlib.figure.Figure
        Lijn per groep met 95%-band; een stippellijn markeert de start (tussen het laatste
        kwartaal ``voor`` en het eerste ``na``). De legenda noemt het aantal deelnemers per
        groep (kleinste n over de kwartalen). Onderdrukte kwartalen ontbreken in de lijn; een
        voetnoot zegt dat.
    """
    _controleer(trendtabel, {groep_kolom, "kwartaal", "n", "gemiddeld_eur"}, "trendtabel")
    if "kostendomein" in trendtabel and trendtabel["kostendomein"].nunique() > 1:
        raise ValueError("trendtabel: kies één kostendomein (meer dan één gevonden)")
    fig = Figure(figsize=(7.5, 4.5), layout="constrained")
    ax = fig.subplots()
    onderdrukt = False
    for groep, sub in trendtabel.groupby(groep_kolom, sort=True):
        sub = sub.dropna(subset=["kwartaal"]).sort_values("kwartaal")
        x = _getallen(sub["kwartaal"])
        y = _getallen(sub["gemiddeld_eur"])
        naam = (groeplabels or GROEPLABELS).get(groep, groep)
        lijn = ax.plot(x, y, marker="o", label=f"{naam} ({_n_tekst(sub, 'n')})")
        if {"ci95_onder", "ci95_boven"} <= set(sub.columns):
            ax.fill_between(x, _getallen(sub["ci95_onder"]), _getallen(sub["ci95_boven"]),
                            color=lijn[0].get_color(), alpha=0.15, linewidth=0)
        if "onderdrukking" in sub:
            onderdrukt |= any(_weg(r, ("gemiddeld_eur",)) for _, r in sub.iterrows())
    kwartalen = sorted({int(k) for k in trendtabel["kwartaal"].dropna()})
    start = -0.5
    if "periode" in trendtabel and {"voor", "na"} <= set(trendtabel["periode"].dropna()):
        voor = _getallen(trendtabel.loc[trendtabel["periode"] == "voor", "kwartaal"])
        na = _getallen(trendtabel.loc[trendtabel["periode"] == "na", "kwartaal"])
        start = (np.nanmax(voor) + np.nanmin(na)) / 2
    ax.axvline(start, color="grey", linestyle="--", linewidth=1)
    ax.set_xticks(kwartalen, [_kwartaallabel(k) for k in kwartalen])
    ax.set_xlabel("Kwartaal ten opzichte van de start (stippellijn = start)"
                  + (f"\nOntbrekende punten: {ONDERDRUKT} (onthullingscontrole)" if onderdrukt else ""))
    ax.set_ylabel("Gemiddelde kosten per deelnemer per kwartaal")
    ax.yaxis.set_major_formatter(_EURO_AS)
    domein = trendtabel["kostendomein"].iloc[0] if "kostendomein" in trendtabel else "totaal"
    ax.set_title(titel or f"Zorgkosten per kwartaal: {_DOMEINLABELS.get(domein, domein)}")
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig


def figuur_kostenverloop(
    kostentabel: pd.DataFrame,
    met_totaal: bool = False,
    titel: str = "Gemiddelde zorgkosten per deelnemer voor en na de start",
) -> Figure:
    """Gegroepeerde staven: gemiddelde kosten per kostendomein voor en na de start.

    Parameters
    ----------
    kostentabel : DataFrame
        De vrijgegeven tabel ``kosten/kostentabel`` gefilterd op één onderzoeksgroep, of de
        uitvoer van :func:`evaluatie.kosten.kostentabel`: ``kostendomein``, ``n_deelnemers``,
        ``gemiddeld_voor``, ``gemiddeld_na`` (en zo mogelijk ``onderdrukking``).
    met_totaal : bool
        Ook de staaf voor ``totaal`` tonen.
    titel : str
        Titel van de figuur.

    Returns
    -------
    matplotlib.figure.Figure
        Per domein twee staven (voor, na); een onderdrukt gemiddelde krijgt geen staaf maar de
        tekst "onderdrukt". De x-as noemt n per domein, of de titel als n overal gelijk is.
    """
    _controleer(kostentabel, {"kostendomein", "n_deelnemers", "gemiddeld_voor", "gemiddeld_na"},
                "kostentabel")
    if "onderzoeksgroep" in kostentabel and kostentabel["onderzoeksgroep"].nunique() > 1:
        raise ValueError("kostentabel: kies één onderzoeksgroep (meer dan één gevonden)")
    tabel = kostentabel if met_totaal else kostentabel[kostentabel["kostendomein"] != "totaal"]
    tabel = tabel.reset_index(drop=True)
    x = np.arange(len(tabel))
    breedte = 0.4
    fig = Figure(figsize=(max(6.0, 0.9 * len(tabel) + 2), 4.5), layout="constrained")
    ax = fig.subplots()
    voor, na = _getallen(tabel["gemiddeld_voor"]), _getallen(tabel["gemiddeld_na"])
    ax.bar(x - breedte / 2, voor, breedte, label="voor de start")
    ax.bar(x + breedte / 2, na, breedte, label="na de start")
    for i, r in tabel.iterrows():
        for dx, kolom, waarde in ((-breedte / 2, "gemiddeld_voor", voor[i]),
                                  (breedte / 2, "gemiddeld_na", na[i])):
            if np.isnan(waarde):
                tekst = ONDERDRUKT if _weg(r, (kolom,)) else "–"
                ax.text(i + dx, 0, tekst, rotation=90, ha="center", va="bottom", fontsize=8,
                        color=_GRIJS)
    n = pd.to_numeric(tabel["n_deelnemers"], errors="coerce")
    een_n = n.notna().all() and n.nunique() == 1
    if een_n:
        labels = [_DOMEINLABELS.get(d, d) for d in tabel["kostendomein"]]
        titel = f"{titel} (n = {getal(n.iloc[0], 0)})"
    else:
        labels = [f"{_DOMEINLABELS.get(d, d)}\n"
                  + (f"(n = {getal(r['n_deelnemers'], 0)})" if not is_leeg(r["n_deelnemers"])
                     else f"(n {ONDERDRUKT})" if _weg(r, ("n_deelnemers",)) else "")
                  for (_, r), d in zip(tabel.iterrows(), tabel["kostendomein"], strict=True)]
    ax.set_xticks(x, labels, rotation=30, ha="right")
    ax.set_ylabel("Gemiddelde kosten per deelnemer")
    ax.yaxis.set_major_formatter(_EURO_AS)
    ax.set_title(titel)
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig
