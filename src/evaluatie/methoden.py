"""The Methoden section, generated from the analyses' provenance: what actually ran.

Every analysis records the methods it used and their settings (``Context.vastleggen``;
released in ``_tabellen.json`` as ``herkomst``). This module turns those records into
paragraphs, so the text describes exactly what ran with which settings, and never infers
a method from a table's name or columns. References are collected from the methods
described.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from evaluatie.rapport import Resultaten, geheel, getal

__all__ = ["Methoden", "datum_nl", "instellingen_tabel", "lees_methoden", "software_tabel"]

#: References by key, in the style of Dutch public-health reports (author year, title, source).
REFERENTIES = {
    "trend": "Des Jarlais DC, Lyles C, Crepaz N (2004). Improving the reporting quality of "
             "nonrandomized evaluations of behavioral and public health interventions: the TREND "
             "statement. American Journal of Public Health 94(3):361-366.",
    "wilson": "Wilson EB (1927). Probable inference, the law of succession, and statistical "
              "inference. Journal of the American Statistical Association 22:209-212.",
    "km": "Kaplan EL, Meier P (1958). Nonparametric estimation from incomplete observations. "
          "Journal of the American Statistical Association 53:457-481.",
    "smd": "Austin PC (2009). Balance diagnostics for comparing the distribution of baseline "
           "covariates between treatment groups in propensity-score matched samples. Statistics "
           "in Medicine 28:3083-3107.",
    "rubin": "Rubin DB (1987). Multiple Imputation for Nonresponse in Surveys. New York: Wiley.",
    "lakens": "Lakens D (2013). Calculating and reporting effect sizes to facilitate cumulative "
              "science: a practical primer for t-tests and ANOVAs. Frontiers in Psychology 4:863.",
    "rci": "Jacobson NS, Truax P (1991). Clinical significance: a statistical approach to defining "
           "meaningful change in psychotherapy research. Journal of Consulting and Clinical "
           "Psychology 59:12-19.",
    "satterthwaite": "Kuznetsova A, Brockhoff PB, Christensen RHB (2017). lmerTest package: tests "
                     "in linear mixed effects models. Journal of Statistical Software 82(13).",
    "holm": "Holm S (1979). A simple sequentially rejective multiple test procedure. "
            "Scandinavian Journal of Statistics 6:65-70.",
    "bh": "Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate: a practical and "
          "powerful approach to multiple testing. Journal of the Royal Statistical Society B "
          "57:289-300.",
    "bca": "Efron B (1987). Better bootstrap confidence intervals. Journal of the American "
           "Statistical Association 82:171-185.",
    "did": "Wing C, Simon K, Bello-Gomez RA (2018). Designing difference in difference studies: "
           "best practices for public health policy research. Annual Review of Public Health "
           "39:453-469.",
    "pg": "Huber M, et al. (2016). Towards a 'patient-centred' operationalisation of the new "
          "dynamic concept of health: a mixed methods study. BMJ Open 6:e010091.",
    "quintuple": "Nundy S, Cooper LA, Mate KS (2022). The quintuple aim for health care "
                 "improvement: a new imperative to advance health equity. JAMA 327(6):521-522.",
}


@dataclass
class Methoden:
    """Paragraphs (Markdown), the references they cite and the analyses that ran."""

    alineas: list[tuple[str, str]]  # (subheading, text)
    referenties: list[str]
    analyses: list[tuple[str, str]]  # (name, title)


def _opsomming(delen: list[str]) -> str:
    delen = [d for d in delen if d]
    if len(delen) <= 1:
        return "".join(delen)
    return ", ".join(delen[:-1]) + " en " + delen[-1]


def _zin(tekst: str) -> str:
    return tekst[:1].upper() + tekst[1:]


_MULTIPLICITEIT = {"holm": "Holm", "bh": "Benjamini-Hochberg"}


def lees_methoden(R: Resultaten | str | Path, meta: dict[str, Any] | None = None) -> Methoden:
    """Describe the methods of one interventie from the provenance in its release."""
    if not isinstance(R, Resultaten):
        R = Resultaten(R)
    meta = meta or R.meta
    h: dict[str, dict[str, Any]] = {}
    for rec in R.herkomst():
        h.setdefault(rec["methode"], rec)
    refs: list[str] = []
    alineas: list[tuple[str, str]] = []

    def cite(*sleutels: str) -> None:
        for s_ in sleutels:
            if s_ not in refs:
                refs.append(s_)

    mm = list(meta.get("meetmomenten", []))
    ontwerp = (f"De evaluatie volgt deelnemers van de interventie over de meetmomenten "
               f"{_opsomming(mm)} (voormeting {mm[0] if mm else 'T0'}); de status van deelnemers "
               f"is bepaald op peildatum {datum_nl(meta.get('peildatum', ''))}. Er is geen "
               "gerandomiseerde controlegroep: veranderingen zijn samenhang in de tijd, geen bewezen "
               "effect van de interventie.")
    if meta.get("synthetisch"):
        ontwerp += (" De gegevens in dit rapport zijn synthetisch (gegenereerd voor demonstratie); "
                    "de uitkomsten zeggen niets over een echte interventie.")
    alineas.append(("Opzet en gegevens", ontwerp))

    if "bevindingen" in h:
        b = h["bevindingen"]
        schatter = {"gemengd_model": "de verandering volgens het lineaire gemengde model op alle "
                                     "metingen (met een gemeten vergelijkingsgroep: het "
                                     "verschil-in-verschillen met dat model)",
                    "completers": "de gemiddelde verandering bij deelnemers met beide metingen"}.get(
                        b.get("schatter"), b.get("schatter"))
        prim = b.get("primaire_uitkomst")
        tekst = (f"De hoofdschatting (het estimand) is {schatter}, van {b.get('pre')} tot "
                 f"{b.get('post')}. " + (f"De primaire uitkomst is {R.uitkomst_titel(prim)} "
                                         "(vastgelegd in de configuratie). " if prim else
                                         "Er is geen primaire uitkomst vastgelegd. ")
                 + "Een uitkomst heet verbeterd of verslechterd als de toets na correctie voor "
                 f"meervoudig toetsen significant is bij α = {getal(b.get('alpha', 0.05), 2)}; anders "
                 "is er geen aantoonbare verandering. Het samenvattende oordeel staat één keer vast, in "
                 "de analyse, en elke plek in dit rapport neemt het over.")
        alineas.append(("Hoofdschatting", tekst))

    zinnen = []
    if "stroom" in h:
        cite("trend")
        zinnen.append("de deelnemersstroom (aangemeld, gestart, afgerond, met de redenen van uitval) "
                      "volgt het TREND-stroomdiagram")
    if "wilson" in h:
        cite("wilson")
        zinnen.append("uitvalpercentages zijn berekend over iedereen die begon, met een "
                      "Wilson-95%-betrouwbaarheidsinterval")
    if "kaplan_meier" in h:
        cite("km")
        zinnen.append("de tijd tot uitval is geschat met de Kaplan-Meiermethode (wie nog deelneemt "
                      "op de peildatum telt mee tot die datum)")
    if "tabel1_smd" in h:
        cite("smd")
        zinnen.append("uitvallers en afronders zijn vergeleken met gestandaardiseerde verschillen "
                      "(SMD; |SMD| > 0,1 geldt als een relevant verschil)")
    if "uitvalmodel" in h:
        zinnen.append("de kans op uitval naar kenmerken bij de start is geschat met logistische "
                      "regressie (Wald-intervallen)")
    if zinnen:
        alineas.append(("Deelnemers en uitval", _zin(_opsomming(zinnen)) + "."))

    tekst = ""
    if "gepaarde_t" in h:
        tekst += ("Veranderingen zijn getoetst bij deelnemers met een meting op beide momenten "
                  "(completers) met de gepaarde t-toets; het verschil is steeds nameting − voormeting.")
    if "wilcoxon" in h:
        tekst += (" De Wilcoxon-rangtekentoets is berekend als verdelingsvrije controle; hij staat in "
                  "de tabellenbijlage (XLSX, blad met de gepaarde vergelijking).")
    if "effectgrootte_dz" in h:
        cite("lakens")
        tekst += " Effectgroottes zijn Cohen's d_z en Hedges' g_z met 95%-interval."
    if "gemengd_model" in h:
        cite("satterthwaite")
        cov = h["gemengd_model"].get("covariaten") or []
        tekst += (" Een lineair gemengd model (willekeurig intercept per deelnemer, REML, "
                  "vrijheidsgraden volgens Satterthwaite) gebruikt alle beschikbare metingen, ook van "
                  "deelnemers die een meting misten"
                  + (f"; het corrigeert voor {_opsomming([str(c) for c in cov])}." if cov else "."))
    if "did_gemengd_model" in h:
        cite("did", "satterthwaite")
        uit = h["did_gemengd_model"].get("uitkomsten") or []
        tekst += (" De vergelijkingsgroep is ook gemeten"
                  + (f" ({_opsomming([R.uitkomst_titel(str(u)) for u in uit])})" if uit else "")
                  + ": voor die uitkomsten is de hoofdschatting het verschil-in-verschillen, het "
                  "gemengde model met groep × meetmoment (de verandering in de interventiegroep min die "
                  "in de vergelijkingsgroep). Dat veronderstelt dat beide groepen zonder interventie "
                  "dezelfde ontwikkeling zouden hebben doorgemaakt; dat is niet getoetst.")
    if "stabiliteitsband" in h:
        tekst += (" Individuele verandering is ingedeeld in gestegen, gelijk gebleven (binnen een "
                  "stabiliteitsband per uitkomst) en gedaald")
        if "klinisch_relevant" in h:
            tekst += ", en voor uitkomsten met een drempel in klinisch relevant verbeterd of niet"
        tekst += "."
    if "rci" in h:
        cite("rci")
        tekst += (" Voor uitkomsten met een bekende betrouwbaarheid is de Reliable Change Index van "
                  "Jacobson en Truax berekend (grens 1,96).")
    if "multipliciteit" in h:
        cite("holm", "bh")
        tekst += (" Omdat meerdere vergelijkingen zijn getoetst, zijn de p-waarden gecorrigeerd voor "
                  "meervoudig toetsen: Holm voor de primaire uitkomst, Benjamini-Hochberg voor de "
                  "overige uitkomsten.")
    if "subgroepen" in h:
        kenm = h["subgroepen"].get("kenmerken") or []
        tekst += (f" Subgroepen ({_opsomming([str(k) for k in kenm])}) zijn vergeleken met een F-toets "
                  "op de verschilscores; niveaus met te weinig deelnemers zijn daarvoor samengevoegd. "
                  "Subgroepresultaten zijn verkennend.")
    if tekst:
        alineas.append(("Uitkomsten", tekst.strip()))

    if "gewichtsstatus" in h:
        hk = R.tabel("gewichtsstatus", "herkomst")
        delen = [f"{r['maat']}: {r['referentie']} ({r['bron']})" for _, r in hk.iterrows()
                 if not pd.isna(r["referentie"])] if len(hk) else []
        tekst = ("Gebruikte groeireferenties: " + "; ".join(delen) + ". ") if delen else ""
        tekst += ("Overgangen tussen gewichtsklassen zijn geteld bij deelnemers met een gewichtsstatus "
                  f"op {h['gewichtsstatus'].get('van')} en {h['gewichtsstatus'].get('naar')}.")
        alineas.append(("Gewichtsstatus", tekst))

    if "kosten_bca" in h:
        k = h["kosten_bca"]
        cite("bca")
        voor, na = (k.get("vensters") or [None, None])[:2]
        tekst = ("Zorgkosten zijn per deelnemer en per kostendomein opgeteld in een periode van "
                 f"{voor} maanden vóór en {na} maanden vanaf de start; het verschil is na − voor (een "
                 "negatief bedrag is een daling). Het 95%-interval van het gemiddelde verschil is een "
                 f"BCa-bootstrapinterval ({geheel(k.get('n_resamples'))} trekkingen, seed {k.get('seed')}"
                 "), één per schatting. " + ("Bedragen zijn geïndexeerd naar één prijsniveau."
                                             if k.get("prijsindex") else
                                             "Bedragen zijn niet geïndexeerd (geen prijsindex ingesteld)."))
        if "kosten_did" in h:
            cite("did")
            cluster = {"pseudo_id": "deelnemer", "wijk": "wijk"}.get(
                h["kosten_did"].get("cluster"), "cluster")
            tekst += (" Met een vergelijkingsgroep is het effect geschat als verschil-in-verschillen "
                      "(de verandering bij deelnemers min die in de vergelijkingsgroep), met "
                      f"clusterrobuuste standaardfouten per {cluster}.")
        if "kosten_glm" in h:
            tekst += (" Een tweedelig model (logistisch voor de kans op kosten, Gamma met log-link voor "
                      "de hoogte) beschrijft de kosten na de start.")
        alineas.append(("Zorgkosten", tekst))

    if "quintuple" in h:
        cite("quintuple", "pg")
        alineas.append(("Quintuple aim", "De indicatoren van de quintuple aim (gezondheid, "
                        "ervaring van deelnemers, kosten, werkplezier van professionals en "
                        "gezondheidsgelijkheid) komen uit het indicatorregister; een stoplicht "
                        "(groen: streefwaarde gehaald; oranje: gemist maar binnen het 95%-interval; "
                        "rood: gemist) staat alleen bij indicatoren met een streefwaarde."))

    ontbrekend = ("Ontbrekende gegevens: toetsen tussen twee meetmomenten gebruiken alleen "
                  "deelnemers met beide metingen (completers)")
    if "gemengd_model" in h:
        ontbrekend += ("; het gemengde model gebruikt alle metingen (geldig als ontbreken samenhangt "
                       "met wat wél gemeten is)")
    if "gevoeligheid" in h:
        cite("rubin")
        g = h["gevoeligheid"]
        ontbrekend += ("; een gevoeligheidsanalyse zet completers, het gemengde model en meervoudige "
                       f"imputatie naast elkaar ({geheel(g.get('m'))} imputaties, regels van Rubin)")
    alineas.append(("Ontbrekende gegevens en privacy", ontbrekend + ". Statistische toetsen zijn "
                    "tweezijdig. Onthullingscontrole: aantallen onder "
                    f"{meta.get('min_n', 10)} personen, en alles wat op zo'n kleine groep rust, zijn "
                    "weggelaten, net als elk getal waaruit zo'n aantal terug te rekenen zou zijn (uit "
                    "totalen, complementen of dezelfde groep in een andere tabel); sommen van "
                    "zorgkosten waarin één of twee huishoudens de doorslag geven ook (dominantieregel)."))

    volgorde = [k for k in REFERENTIES if k in refs]
    gedraaid = []
    for pad in sorted(R.map.glob("*/_tabellen.json")):
        import json

        info = json.loads(pad.read_text("utf-8"))
        gedraaid.append((info["analyse"], info["titel"]))
    return Methoden(alineas, [REFERENTIES[k] for k in volgorde], gedraaid)


_MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
            "september", "oktober", "november", "december")


def datum_nl(datum: Any) -> str:
    """An ISO date as Dutch text: ``2026-10-31`` → ``31 oktober 2026`` (else unchanged)."""
    try:
        d = dt.date.fromisoformat(str(datum)[:10])
    except ValueError:
        return str(datum)
    return f"{d.day} {_MAANDEN[d.month - 1]} {d.year}"


def instellingen_tabel(R: Resultaten | str | Path) -> pd.DataFrame | None:
    """Per outcome the thresholds the pre/post analysis used (table ``voor_na/instellingen``)."""
    if not isinstance(R, Resultaten):
        R = Resultaten(R)
    df = R.tabel("voor_na", "instellingen")
    if not len(df):
        return None
    namen = {"holm": "Holm", "bh": "Benjamini-Hochberg", "fdr_bh": "Benjamini-Hochberg",
             "bonferroni": "Bonferroni", "geen": "geen"}
    uit = pd.DataFrame({"Uitkomst": df.get("titel", df["uitkomst"])})
    if "klinisch_relevant" in df.columns:
        uit["Klinisch relevant verschil"] = [getal(x, 2) if not pd.isna(x) else "–"
                                             for x in df["klinisch_relevant"]]
    if "stabiliteitsband" in df.columns:
        uit["Band 'gelijk gebleven'"] = [f"± {getal(x, 2)}" if not pd.isna(x) else "–"
                                         for x in df["stabiliteitsband"]]
    if "correctie" in df.columns:
        uit["Correctie meervoudig toetsen"] = [namen.get(str(x).lower(), str(x)) if not pd.isna(x) else "–"
                                               for x in df["correctie"]]
    if "alpha" in df.columns:
        uit["α"] = [getal(x, 2) for x in df["alpha"]]
    return uit


def software_tabel(meta: dict[str, Any]) -> pd.DataFrame:
    """Software and versions of the run (from ``interventie.json``)."""
    v = meta.get("verantwoording", {})
    rijen = [{"Programma": "evaluatie", "Versie": v.get("evaluatie_versie", "onbekend")}]
    rijen += [{"Programma": k, "Versie": str(w)} for k, w in v.get("software", {}).items()]
    return pd.DataFrame(rijen)
