"""Uitbreiding: buikomvang (taille) voor en na, als voorbeeld voor onderzoekers.

Een analyse toevoegen zonder een kernbestand te wijzigen kost drie dingen:

1. deze module (TITEL, TABELLEN, EXTRA_VELDEN, analyseer);
2. een item onder ``extra_analyses`` in de configuratie (module, sectie, instellingen);
3. een rapportsectie (``_taille.qmd``).

De pijplijn valideert ``taille_cm`` zoals elk veld uit het datawoordenboek, voert
``analyseer`` per interventie uit en laat de tabellen door dezelfde
onthullingscontrole gaan als de kernanalyses.
"""

from __future__ import annotations

import pandas as pd

from evaluatie.analyses import Context
from evaluatie.prepost import gemiddelden_per_meetmoment, gepaarde_vergelijking

TITEL = "Buikomvang"
TABELLEN = {
    "voor_na": "Gepaarde vergelijking van de buikomvang per paar meetmomenten "
               "(kolommen zie evaluatie.prepost.gepaarde_vergelijking).",
    "verloop": "Gemiddelde buikomvang met 95%-BI per meetmoment "
               "(kolommen zie evaluatie.prepost.gemiddelden_per_meetmoment).",
}
EXTRA_VELDEN = {
    "metingen": [{
        "name": "taille_cm",
        "title": "Buikomvang",
        "type": "number",
        "unit": "cm",
        "description": "Buikomvang (tailleomtrek), gemeten halverwege onderste rib en bekkenkam.",
        "constraints": {"required": False, "minimum": 40, "maximum": 200},
    }],
}


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    instellingen = ctx.config["extra_analyses"]["taille"].get("instellingen", {})
    paren = instellingen.get("paren", [["T0", "T1"], ["T0", "T2"]])
    m = ctx.metingen
    voor_na = pd.concat(
        [gepaarde_vergelijking(m, "taille_cm", pre, post, hoger_is_beter=False)
         for pre, post in paren],
        ignore_index=True,
    )
    return {"voor_na": voor_na, "verloop": gemiddelden_per_meetmoment(m, ["taille_cm"])}
