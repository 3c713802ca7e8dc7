"""Beschrijving: n and mean (SD) per outcome per meetmoment."""

from __future__ import annotations

import pandas as pd

from evaluatie import beschrijving
from evaluatie.analyses import Context

TITEL = "Metingen per meetmoment"
TABELLEN = {
    "beschrijving": "Per uitkomst en meetmoment: n (deelnemers met een meting), gemiddelde en sd "
                    "(zie evaluatie.beschrijving.beschrijf).",
}


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    m = ctx.metingen
    uitkomsten = beschrijving.uitkomsten_voor(m, ctx.spec.get("uitkomsten"), ctx.spec["doelgroep"])
    return {"beschrijving": beschrijving.beschrijf(m, uitkomsten, ctx.meetmomenten)}
