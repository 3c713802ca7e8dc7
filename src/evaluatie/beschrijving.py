"""Descriptive results: participants measured and mean (SD) per outcome and meetmoment."""

from __future__ import annotations

import pandas as pd

from evaluatie import woordenboek


def uitkomsten_voor(metingen: pd.DataFrame, gekozen: list[str] | None = None,
                    doelgroep: str | None = None) -> list[str]:
    """Outcomes to analyse: ``gekozen``, or every dictionary outcome with any data that
    applies to ``doelgroep`` (an outcome's ``x-uitkomst.doelgroep`` lists where it applies,
    e.g. BMI z-score for children and BMI for adults; no list means everywhere)."""
    alle = woordenboek.uitkomsten()
    if gekozen:
        onbekend = [u for u in gekozen if u not in alle and u != "pg_totaal"]
        if onbekend:
            raise ValueError(f"onbekende uitkomsten in de configuratie: {onbekend}")
        return list(gekozen)
    def past(u: str) -> bool:
        dg = alle[u].doelgroep if u in alle else ()
        return doelgroep is None or not dg or doelgroep in dg

    return [u for u in [*alle, "pg_totaal"]
            if u in metingen and metingen[u].notna().any() and past(u)]


def voeg_pg_totaal_toe(metingen: pd.DataFrame) -> pd.DataFrame:
    """Add ``pg_totaal``: the mean of the six Positieve Gezondheid dimensions.

    Missing when any dimension is missing (a mean over fewer dimensions would not be
    comparable between participants).
    """
    dims = woordenboek.pg_dimensies()
    uit = metingen.copy()
    if all(d in uit for d in dims) and uit[dims].notna().any().all():
        uit["pg_totaal"] = uit[dims].mean(axis=1, skipna=False)
    return uit


def met_voormeting(metingen: pd.DataFrame, uitkomst: str, voormeting: str) -> pd.DataFrame:
    """The rows of participants with a value of ``uitkomst`` at ``voormeting`` (all their
    meetmomenten): the baseline cohort of that outcome."""
    ids = metingen.loc[(metingen["meetmoment"].astype(str) == voormeting) & metingen[uitkomst].notna(),
                       "pseudo_id"]
    return metingen[metingen["pseudo_id"].isin(set(ids))]


def populatie(meetmoment: str, voormeting: str | None) -> str:
    """``alle`` for the baseline (or without one), ``met_voormeting`` for later moments."""
    return "alle" if voormeting is None or meetmoment == voormeting else "met_voormeting"


def beschrijf(metingen: pd.DataFrame, uitkomsten: list[str], meetmomenten: list[str],
              voormeting: str | None = None) -> pd.DataFrame:
    """Number measured and mean (SD) of each outcome at each meetmoment.

    Parameters
    ----------
    metingen
        Long table, one row per ``pseudo_id`` x ``meetmoment``.
    uitkomsten
        Outcome columns to describe.
    meetmomenten
        Meetmomenten in order.
    voormeting
        With a voormeting, a later meetmoment counts only participants who were also
        measured on that outcome at the voormeting (the baseline cohort; column
        ``populatie``). Then each later cell holds the people of the pre/post comparison
        with the voormeting, and no count of people measured later but not at baseline
        (usually a handful) can be had by subtraction.

    Returns
    -------
    DataFrame
        One row per outcome x meetmoment, with columns ``uitkomst``, ``meetmoment``,
        ``populatie`` (:func:`populatie`), ``n`` (participants with a non-missing value),
        ``gemiddelde`` and ``sd`` (sample SD, ``ddof=1``; missing when ``n < 2``).

    Notes
    -----
    Available-case within the population: each cell uses every participant measured on
    that outcome at that moment. Participants are never counted twice: (pseudo_id,
    meetmoment) is unique by validation.
    """
    rijen = []
    for u in uitkomsten:
        mu = met_voormeting(metingen, u, voormeting) if voormeting else metingen
        for t in meetmomenten:
            bron = metingen if populatie(t, voormeting) == "alle" else mu
            x = bron.loc[bron["meetmoment"] == t, u].dropna().astype(float)
            rijen.append({
                "uitkomst": u,
                "meetmoment": t,
                "populatie": populatie(t, voormeting),
                "n": int(x.size),
                "gemiddelde": float(x.mean()) if x.size else float("nan"),
                "sd": float(x.std(ddof=1)) if x.size > 1 else float("nan"),
            })
    return pd.DataFrame(rijen, columns=["uitkomst", "meetmoment", "populatie", "n", "gemiddelde", "sd"])
