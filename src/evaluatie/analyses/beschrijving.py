"""Beschrijving: n and mean (SD) per outcome per meetmoment."""

from __future__ import annotations

import pandas as pd

from evaluatie import beschrijving
from evaluatie.analyses import Context
from evaluatie.contract import Tabel, aantal, sleutel, statistiek

TITEL = "Metingen per meetmoment"

#: Participants with a value of an outcome at a meetmoment, in a population: ``alle`` at
#: the voormeting, ``met_voormeting`` later (also measured at the voormeting); the same
#: quantity as the ``n`` of ``voor_na/gemiddelden``.
GEMETEN = "gemeten/{uitkomst}/{meetmoment}/{populatie}"
#: Everyone measured at a meetmoment (released for the voormeting only).
GEMETEN_ALLE = "gemeten/{uitkomst}/{meetmoment}/alle"

TABELLEN = {
    "beschrijving": Tabel(
        "Per uitkomst en meetmoment: het aantal deelnemers met een meting, gemiddelde en SD; na "
        "de voormeting alleen deelnemers die ook op de voormeting gemeten zijn "
        "(evaluatie.beschrijving.beschrijf).",
        [
            sleutel("uitkomst", "Uitkomst (naam in het datawoordenboek)"),
            sleutel("meetmoment", "Meetmoment"),
            sleutel("populatie", "alle (voormeting) of met_voormeting (latere meetmomenten)"),
            aantal("n", "Deelnemers met een waarde op dit meetmoment", grootheid=GEMETEN, gewicht=5),
            statistiek("gemiddelde", "Gemiddelde"),
            statistiek("sd", "Standaarddeviatie (n − 1)"),
        ],
        basis="n",
    ),
}


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    m = ctx.metingen
    uitkomsten = beschrijving.uitkomsten_voor(m, ctx.spec.get("uitkomsten"), ctx.spec["doelgroep"])
    ctx.vastleggen("beschrijving", uitkomsten=uitkomsten)
    return {"beschrijving": beschrijving.beschrijf(m, uitkomsten, ctx.meetmomenten,
                                                   voormeting=ctx.meetmomenten[0])}
