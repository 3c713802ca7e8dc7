"""Gewichtsstatus: verdeling per meetmoment, overgangen tussen twee meetmomenten, herkomst.

Leest de afgeleide kolommen van ``metingen`` (zie :mod:`evaluatie.afleiden`):
``gewichtsstatus_hoofdgroep`` (IOTF voor 2-18 jaar, BMI-grenzen 18,5/25/30 voor volwassenen),
``gewichtsstatus_methode``, ``bmi_z`` en ``bmi_z_referentie``. Tabellen gebruiken de vier
hoofdgroepen (ondergewicht, gezond gewicht, overgewicht, obesitas): minder kleine cellen, en
vergelijkbaar over de grens van 18 jaar heen.

Onthulling: de pijplijn onderdrukt aantallen onder ``min_n`` (primair). Omdat de tabellen ook
totalen geven (``n_gemeten`` per meetmoment, ``n_paren``), onderdrukt deze module zelf ook
secundair met :func:`evaluatie.disclosure.onderdruk_met_totalen` (groepen: de categorieën van
één meetmoment; rijen, kolommen, de hele kruistabel en de drie richtingen van de overgangen),
zodat geen cel uit een totaal is terug te rekenen. Kolom ``onderdrukking``: primair,
secundair of leeg.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluatie import disclosure, groei
from evaluatie.analyses import Context

TITEL = "Gewichtsstatus"
TABELLEN = {
    "verdeling": "Per meetmoment en gewichtsstatus (hoofdgroep): n, n_gemeten (deelnemers met een "
                 "gewichtsstatus op dat meetmoment) en procent = 100 · n / n_gemeten.",
    "overgangen": "Kruistabel van gewichtsstatus tussen de eerste twee meetmomenten (complete paren): "
                  "meetmoment_van, meetmoment_naar, status_van, status_naar, n.",
    "overgangen_samenvatting": "Complete paren per richting (lager, gelijk, hoger: naar een lagere, "
                               "dezelfde of een hogere categorie): n, n_paren, procent = 100 · n / "
                               "n_paren.",
    "herkomst": "Welke referentie of grenzen gebruikt zijn: maat (BMI-z-score, gewichtsstatus), "
                "referentie (naam en versie), bron (berekend of geleverd), n (metingen).",
}

_GROEPEN = list(groei.CATEGORIEEN_HOOFDGROEP)


def verdeling(metingen: pd.DataFrame, meetmomenten: list[str], min_n: int) -> pd.DataFrame:
    """Gewichtsstatus (hoofdgroep) per meetmoment, met secundaire onderdrukking.

    Returns
    -------
    DataFrame
        Eén rij per meetmoment x hoofdgroep: ``meetmoment``, ``gewichtsstatus``, ``n``,
        ``n_gemeten``, ``procent`` (van ``n_gemeten``), ``onderdrukt`` (secundair; de
        pijplijn voegt de primaire toe).
    """
    rijen = []
    for t in meetmomenten:
        s = metingen.loc[metingen["meetmoment"] == t, "gewichtsstatus_hoofdgroep"].dropna()
        totaal = int(s.size)
        for cat in _GROEPEN:
            n = int((s == cat).sum())
            rijen.append({"meetmoment": t, "gewichtsstatus": cat, "n": n, "n_gemeten": totaal,
                          "procent": 100.0 * n / totaal if totaal else np.nan})
    df = pd.DataFrame(rijen, columns=["meetmoment", "gewichtsstatus", "n", "n_gemeten", "procent"])
    return disclosure.onderdruk_met_totalen(df, min_n, per=["meetmoment"])


def overgangen(metingen: pd.DataFrame, van: str, naar: str, min_n: int
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kruistabel en samenvatting van de overgangen ``van`` → ``naar`` (complete paren)."""
    kruis = groei.gewichtsstatus_overgangen(metingen, van, naar, kolom="gewichtsstatus_hoofdgroep")
    rang = {c: i for i, c in enumerate(_GROEPEN)}
    verschil = kruis["status_naar"].map(rang) - kruis["status_van"].map(rang)
    n_paren = int(kruis["n"].sum())
    samenvatting = pd.DataFrame([
        {"meetmoment_van": van, "meetmoment_naar": naar, "richting": richting,
         "n": int(kruis.loc[np.sign(verschil) == teken, "n"].sum()), "n_paren": n_paren}
        for richting, teken in (("lager", -1), ("gelijk", 0), ("hoger", 1))
    ])
    samenvatting["procent"] = (100.0 * samenvatting["n"] / n_paren) if n_paren else np.nan
    samenvatting = disclosure.onderdruk_met_totalen(samenvatting, min_n, per=["meetmoment_van"])
    # every row and column of the cross table, the whole table (n_paren) and the three
    # directions (published in the summary) add up to a released total
    richting = [list(kruis.index[np.sign(verschil) == teken]) for teken in (-1, 0, 1)]
    kruis = disclosure.onderdruk_met_totalen(kruis, min_n, per=["status_van", "status_naar"],
                                             groepen=[list(kruis.index), *richting])
    return kruis, samenvatting


def herkomst(metingen: pd.DataFrame) -> pd.DataFrame:
    """Welke referentie (BMI-z-score) en welke grenzen (gewichtsstatus) zijn gebruikt.

    Raises
    ------
    evaluatie.groei.GemengdeReferentiesFout
        Als de z-scores van deze interventie met meer dan één referentie zijn berekend.
    """
    rijen = []
    if "bmi_z" in metingen and metingen["bmi_z"].notna().any():
        label = groei.controleer_een_referentie(metingen.get("bmi_z_referentie", pd.Series(dtype=str)))
        bron = metingen.get("bmi_z_bron", pd.Series("", index=metingen.index))
        for b, tekst in (("berekend", "berekend uit lengte en gewicht (of BMI)"),
                         ("geleverd", "geleverd door de regio")):
            n = int((metingen["bmi_z"].notna() & (bron == b)).sum())
            if n:
                rijen.append({"maat": "BMI-z-score", "referentie": label or "onbekend",
                              "bron": tekst, "n": n})
    if "gewichtsstatus_methode" in metingen:
        for methode, n in metingen["gewichtsstatus_methode"].value_counts().sort_index().items():
            if methode:
                rijen.append({"maat": "gewichtsstatus", "referentie": methode,
                              "bron": "berekend uit de BMI", "n": int(n)})
    return pd.DataFrame(rijen, columns=["maat", "referentie", "bron", "n"])


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    m = ctx.metingen
    if "gewichtsstatus_hoofdgroep" not in m or m["gewichtsstatus_hoofdgroep"].notna().sum() == 0:
        # no BMI for this interventie: empty tables, the report says so in one sentence
        return {"herkomst": herkomst(m)}
    van, naar = ctx.meetmomenten[:2]
    kruis, samenvatting = overgangen(m, van, naar, ctx.min_n)
    return {
        "verdeling": verdeling(m, ctx.meetmomenten, ctx.min_n),
        "overgangen": kruis,
        "overgangen_samenvatting": samenvatting,
        "herkomst": herkomst(m),
    }
