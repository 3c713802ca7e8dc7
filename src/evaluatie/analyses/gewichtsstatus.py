"""Gewichtsstatus: verdeling per meetmoment, overgangen tussen twee meetmomenten, herkomst.

Leest de afgeleide kolommen van ``metingen`` (zie :mod:`evaluatie.afleiden`):
``gewichtsstatus_hoofdgroep`` (IOTF voor 2-18 jaar, BMI-grenzen 18,5/25/30 voor volwassenen),
``gewichtsstatus_methode``, ``bmi_z`` en ``bmi_z_referentie``. Tabellen gebruiken de vier
hoofdgroepen (ondergewicht, gezond gewicht, overgewicht, obesitas): minder kleine cellen, en
vergelijkbaar over de grens van 18 jaar heen.

Onthulling: de specificaties (:data:`TABELLEN`) leggen vast hoe de cellen optellen (de
categorieën van één meetmoment; rijen, kolommen en richtingen van de kruistabel; de
kruistabel tegenover de verdeling), zodat de onthullingscontrole geen cel uit een totaal
terug laat rekenen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluatie import groei
from evaluatie.analyses import Context
from evaluatie.contract import Som, Tabel, aandeel, aantal, sleutel

TITEL = "Gewichtsstatus"
VERDELING = "gewichtsstatus/{meetmoment}/{gewichtsstatus}"
PAREN = "gewichtsstatus/paren/{meetmoment_van}/{meetmoment_naar}"
RICHTING = "gewichtsstatus/paren/{meetmoment_van}/{meetmoment_naar}/{richting}"
_OVERGANG = [sleutel("meetmoment_van"), sleutel("meetmoment_naar")]

TABELLEN = {
    "verdeling": Tabel(
        "Per meetmoment en gewichtsstatus (hoofdgroep): n, n_gemeten (deelnemers met een "
        "gewichtsstatus op dat meetmoment) en procent = 100 · n / n_gemeten.",
        [sleutel("meetmoment"), sleutel("gewichtsstatus"),
         aantal("n", grootheid=VERDELING.replace("{meetmoment}", "{meetmoment}")),
         aantal("n_gemeten", grootheid="gewichtsstatus/{meetmoment}", gewicht=5),
         aandeel("procent", teller="n", noemer="n_gemeten")],
        relaties=[Som("n", "gewichtsstatus/{meetmoment}", per=("meetmoment",))],
    ),
    "overgangen": Tabel(
        "Kruistabel van gewichtsstatus tussen de eerste twee meetmomenten (complete paren), met de "
        "richting van de overgang (lager, gelijk, hoger).",
        [*_OVERGANG, sleutel("status_van"), sleutel("status_naar"), sleutel("richting"),
         aantal("n")],
        relaties=[
            Som("n", PAREN, per=("meetmoment_van", "meetmoment_naar")),
            Som("n", RICHTING, per=("meetmoment_van", "meetmoment_naar", "richting")),
            Som("n", "gewichtsstatus/{meetmoment_van}/{status_van}",
                per=("meetmoment_van", "meetmoment_naar", "status_van"),
                rest="gewichtsstatus/{meetmoment_van}/{meetmoment_naar}/{status_van}/zonder_paar"),
            Som("n", "gewichtsstatus/{meetmoment_naar}/{status_naar}",
                per=("meetmoment_van", "meetmoment_naar", "status_naar"),
                rest="gewichtsstatus/{meetmoment_van}/{meetmoment_naar}/{status_naar}/zonder_voor"),
        ],
    ),
    "overgangen_samenvatting": Tabel(
        "Complete paren per richting (lager, gelijk, hoger: naar een lagere, dezelfde of een "
        "hogere categorie): n, n_paren, procent = 100 · n / n_paren.",
        [*_OVERGANG, sleutel("richting"), aantal("n", grootheid=RICHTING),
         aantal("n_paren", grootheid=PAREN, gewicht=5),
         aandeel("procent", teller="n", noemer="n_paren")],
    ),
    "herkomst": Tabel(
        "Welke referentie of grenzen gebruikt zijn: maat (BMI-z-score, gewichtsstatus), "
        "referentie (naam en versie), bron (berekend of geleverd), n (metingen).",
        [sleutel("maat"), sleutel("referentie"), sleutel("bron"), aantal("n", "Metingen")],
    ),
}

_GROEPEN = list(groei.CATEGORIEEN_HOOFDGROEP)


def verdeling(metingen: pd.DataFrame, meetmomenten: list[str]) -> pd.DataFrame:
    """Gewichtsstatus (hoofdgroep) per meetmoment: n, n_gemeten en procent."""
    rijen = []
    for t in meetmomenten:
        s = metingen.loc[metingen["meetmoment"] == t, "gewichtsstatus_hoofdgroep"].dropna()
        totaal = int(s.size)
        for cat in _GROEPEN:
            n = int((s == cat).sum())
            rijen.append({"meetmoment": t, "gewichtsstatus": cat, "n": n, "n_gemeten": totaal,
                          "procent": 100.0 * n / totaal if totaal else np.nan})
    return pd.DataFrame(rijen, columns=["meetmoment", "gewichtsstatus", "n", "n_gemeten", "procent"])


def overgangen(metingen: pd.DataFrame, van: str, naar: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kruistabel en samenvatting van de overgangen ``van`` → ``naar`` (complete paren)."""
    kruis = groei.gewichtsstatus_overgangen(metingen, van, naar, kolom="gewichtsstatus_hoofdgroep")
    rang = {c: i for i, c in enumerate(_GROEPEN)}
    verschil = np.sign(kruis["status_naar"].map(rang) - kruis["status_van"].map(rang))
    kruis["richting"] = verschil.map({-1: "lager", 0: "gelijk", 1: "hoger"})
    n_paren = int(kruis["n"].sum())
    samenvatting = pd.DataFrame([
        {"meetmoment_van": van, "meetmoment_naar": naar, "richting": richting,
         "n": int(kruis.loc[kruis["richting"] == richting, "n"].sum()), "n_paren": n_paren}
        for richting in ("lager", "gelijk", "hoger")
    ])
    samenvatting["procent"] = (100.0 * samenvatting["n"] / n_paren) if n_paren else np.nan
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
    kruis, samenvatting = overgangen(m, van, naar)
    ctx.vastleggen("gewichtsstatus", van=van, naar=naar)
    return {
        "verdeling": verdeling(m, ctx.meetmomenten),
        "overgangen": kruis[["meetmoment_van", "meetmoment_naar", "status_van", "status_naar",
                             "richting", "n"]],
        "overgangen_samenvatting": samenvatting,
        "herkomst": herkomst(m),
    }
