"""Uitbreiding: buikomvang (taille) voor en na, als voorbeeld voor onderzoekers.

Een analyse toevoegen zonder een kernbestand te wijzigen kost drie dingen:

1. deze module (TITEL, TABELLEN met een specificatie per tabel, EXTRA_VELDEN, analyseer);
2. een item onder ``extra_analyses`` in de configuratie (module, sectie, instellingen);
3. een rapportsectie (``_taille.qmd``), die de tabellen bij hun naam leest.

De pijplijn valideert ``taille_cm`` zoals elk veld uit het datawoordenboek, voert
``analyseer`` per interventie uit, controleert elke tabel tegen zijn specificatie en laat ze
door dezelfde onthullingscontrole gaan als de kernanalyses: de specificatie zegt welke
kolommen aantallen zijn en waarop de statistieken rusten, en met ``grootheid`` dat ``n`` op
een meetmoment dezelfde groep is als in de andere tabellen (zodat niets via een andere
tabel terug te rekenen is).
"""

from __future__ import annotations

import pandas as pd

from evaluatie.analyses import Context
from evaluatie.analyses.beschrijving import GEMETEN, GEMETEN_ALLE
from evaluatie.contract import Som, Tabel, aantal, code, sleutel, statistiek, tekst
from evaluatie.prepost import gemiddelden_per_meetmoment, gepaarde_vergelijking

TITEL = "Buikomvang"
_STATUS = ("ok", "niet_te_berekenen")
TABELLEN = {
    "voor_na": Tabel(
        "Gepaarde vergelijking van de buikomvang per paar meetmomenten (na − voor; kolommen als "
        "evaluatie.prepost.gepaarde_vergelijking).",
        [
            sleutel("uitkomst"), sleutel("pre"), sleutel("post"),
            aantal("n_paren", "Deelnemers met beide metingen",
                   grootheid="paren/{uitkomst}/{pre}/{post}"),
            *[statistiek(k) for k in ("gemiddelde_pre", "sd_pre", "gemiddelde_post", "sd_post",
                                      "verschil", "sd_verschil", "ci95_onder", "ci95_boven", "t",
                                      "df", "p")],
            code("status", woorden=_STATUS), tekst("reden"),
        ],
        basis="n_paren",
        # the pairs are part of everyone measured at the voormeting (same quantity as the
        # core's counts per meetmoment)
        relaties=[Som("n_paren", GEMETEN_ALLE.replace("{meetmoment}", "{pre}"),
                      per=("uitkomst", "pre", "post"), rest="alleen_voor/{uitkomst}/{pre}/{post}")],
    ),
    "verloop": Tabel(
        "Gemiddelde buikomvang met 95%-BI per meetmoment; na de voormeting alleen wie ook op de "
        "voormeting gemeten is (evaluatie.prepost.gemiddelden_per_meetmoment).",
        [
            sleutel("uitkomst"), sleutel("meetmoment"), sleutel("populatie"),
            aantal("n", "Deelnemers met een meting", grootheid=GEMETEN),
            *[statistiek(k) for k in ("gemiddelde", "sd", "ci95_onder", "ci95_boven")],
            code("status", woorden=_STATUS), tekst("reden"),
        ],
        basis="n",
    ),
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

_KOLOMMEN = [k.naam for k in TABELLEN["voor_na"].kolommen]


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    instellingen = ctx.config["extra_analyses"]["taille"].get("instellingen", {})
    paren = instellingen.get("paren", [["T0", "T1"], ["T0", "T2"]])
    m = ctx.metingen
    voor_na = pd.concat(
        [gepaarde_vergelijking(m, "taille_cm", pre, post, hoger_is_beter=False)
         for pre, post in paren],
        ignore_index=True,
    )
    ctx.vastleggen("gepaarde_t", paren=paren, uitkomst="taille_cm")
    verloop = gemiddelden_per_meetmoment(m, ["taille_cm"], voormeting=ctx.meetmomenten[0])
    return {"voor_na": voor_na[_KOLOMMEN], "verloop": verloop}
