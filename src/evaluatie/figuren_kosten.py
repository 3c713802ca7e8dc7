"""Figuren bij de zorgkosten, uitsluitend uit geaggregeerde tabellen.

Geen enkele functie hier krijgt gegevens van individuele deelnemers: de invoer is de uitvoer
van :func:`evaluatie.kosten.kosten_per_kwartaal` of :func:`evaluatie.kosten.kostentabel`.
"""

from __future__ import annotations

# Figures are plain matplotlib.figure.Figure objects (no pyplot, no global state, no
# matplotlib.use): a Jupyter kernel neither shows them twice nor loses its inline backend.
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from evaluatie.rapport import getal

__all__ = ["figuur_kostenverloop", "figuur_parallelle_trends"]

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


def _controleer(tabel: pd.DataFrame, kolommen: set[str], naam: str) -> None:
    ontbrekend = kolommen - set(tabel.columns)
    if ontbrekend:
        raise ValueError(f"{naam} mist kolommen: {sorted(ontbrekend)}")
    if "pseudo_id" in tabel.columns:
        raise ValueError(
            f"{naam} bevat pseudo_id: figuren gebruiken alleen geaggregeerde tabellen."
        )


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
        Uitvoer van :func:`evaluatie.kosten.kosten_per_kwartaal`: `groep_kolom`, ``kwartaal``,
        ``n``, ``gemiddeld_eur``, ``ci95_onder``, ``ci95_boven``, ``kostendomein``.
    groep_kolom : str
        Kolom met de groep.
    titel : str, optional
        Titel; standaard op basis van het kostendomein.
    groeplabels : dict, optional
        Tekst per groepswaarde in de legenda; standaard :data:`GROEPLABELS`.

    Returns
    -------
    matplotlib.figure.Figure
        Lijn per groep met 95%-band; een stippellijn markeert de start. De legenda noemt het
        aantal deelnemers per groep (kleinste n over de kwartalen).
    """
    _controleer(trendtabel, {groep_kolom, "kwartaal", "n", "gemiddeld_eur"}, "trendtabel")
    fig = Figure(figsize=(7.5, 4.5), layout="constrained")
    ax = fig.subplots()
    for groep, sub in trendtabel.groupby(groep_kolom, sort=True):
        sub = sub.sort_values("kwartaal")
        x = sub["kwartaal"].to_numpy(float)
        naam = (groeplabels or GROEPLABELS).get(groep, groep)
        lijn = ax.plot(x, sub["gemiddeld_eur"], marker="o",
                       label=f"{naam} (n = {getal(sub['n'].min(), 0)})")
        if {"ci95_onder", "ci95_boven"} <= set(sub.columns):
            ax.fill_between(x, sub["ci95_onder"].to_numpy(float),
                            sub["ci95_boven"].to_numpy(float),
                            color=lijn[0].get_color(), alpha=0.15, linewidth=0)
    kwartalen = np.sort(trendtabel["kwartaal"].unique())
    ax.axvline(-0.5, color="grey", linestyle="--", linewidth=1)
    ax.set_xticks(kwartalen, [f"K{k + 1:+d}" if k >= 0 else f"K{k:d}" for k in kwartalen])
    ax.set_xlabel("Kwartaal ten opzichte van de start (stippellijn = start)")
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
        Uitvoer van :func:`evaluatie.kosten.kostentabel` (zonder groep_kolom, of gefilterd op
        één groep): ``kostendomein``, ``n_deelnemers``, ``gemiddeld_voor``, ``gemiddeld_na``.
    met_totaal : bool
        Ook de staaf voor ``totaal`` tonen.
    titel : str
        Titel van de figuur.

    Returns
    -------
    matplotlib.figure.Figure
        Per domein twee staven (voor, na); de x-as noemt n per domein, of de titel als n overal
        gelijk is.
    """
    _controleer(kostentabel, {"kostendomein", "n_deelnemers", "gemiddeld_voor", "gemiddeld_na"},
                "kostentabel")
    tabel = kostentabel if met_totaal else kostentabel[kostentabel["kostendomein"] != "totaal"]
    x = np.arange(len(tabel))
    breedte = 0.4
    fig = Figure(figsize=(max(6.0, 0.9 * len(tabel) + 2), 4.5), layout="constrained")
    ax = fig.subplots()
    ax.bar(x - breedte / 2, tabel["gemiddeld_voor"], breedte, label="voor de start")
    ax.bar(x + breedte / 2, tabel["gemiddeld_na"], breedte, label="na de start")
    een_n = tabel["n_deelnemers"].nunique() == 1
    labels = [_DOMEINLABELS.get(d, d) if een_n else f"{_DOMEINLABELS.get(d, d)}\n(n = {getal(n, 0)})"
              for d, n in zip(tabel["kostendomein"], tabel["n_deelnemers"], strict=True)]
    if een_n:
        titel = f"{titel} (n = {getal(tabel['n_deelnemers'].iloc[0], 0)})"
    ax.set_xticks(x, labels, rotation=30, ha="right")
    ax.set_ylabel("Gemiddelde kosten per deelnemer")
    ax.yaxis.set_major_formatter(_EURO_AS)
    ax.set_title(titel)
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig
