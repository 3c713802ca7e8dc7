"""Derived measures: from validated input tables to analysis-ready tables.

Runs once per region, between validation and the analyses. Adds to ``metingen``:

- ``leeftijd_meting``: age in decimal years at the measurement date,
  ``leeftijd_start + (meetdatum − startdatum) / 365.25``;
- ``pg_totaal``: mean of the six Positieve Gezondheid dimensions (missing when any
  dimension is missing).

Every derivation reports what it did in the data-quality summary
(:func:`leid_af` returns rows for it), so nothing changes silently.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from evaluatie import beschrijving


def leeftijd_bij_meting(metingen: pd.DataFrame, deelnemers: pd.DataFrame) -> pd.Series:
    """Age in decimal years at each measurement (days / 365.25 after the start)."""
    d = deelnemers.drop_duplicates("pseudo_id").set_index("pseudo_id")
    start = metingen["pseudo_id"].map(d["startdatum"])
    leeftijd = metingen["pseudo_id"].map(d["leeftijd_start"])
    return leeftijd + (metingen["meetdatum"] - start).dt.days / 365.25


def leid_af(tabellen: dict[str, pd.DataFrame], config: dict[str, Any]
            ) -> tuple[dict[str, pd.DataFrame], list[dict[str, Any]]]:
    """Analysis-ready tables and data-quality rows (``stap``, ``omschrijving``, ``n``)."""
    uit = dict(tabellen)
    m = tabellen["metingen"].copy()
    m["leeftijd_meting"] = leeftijd_bij_meting(m, tabellen["deelnemers"])
    m = beschrijving.voeg_pg_totaal_toe(m)
    kwaliteit = [{"stap": "leeftijd_meting", "omschrijving": "leeftijd bij meting afgeleid uit "
                  "leeftijd_start en startdatum", "n": int(m["leeftijd_meting"].notna().sum())}]
    if "pg_totaal" in m:
        kwaliteit.append({"stap": "pg_totaal", "omschrijving": "Positieve Gezondheid totaal = "
                          "gemiddelde van de zes dimensies", "n": int(m["pg_totaal"].notna().sum())})
    uit["metingen"] = m
    return uit, kwaliteit
