"""The Methoden section, generated from what actually ran.

Reads the releasable results directory of one interventie: each analysis' ``_tabellen.json``
(written by :func:`evaluatie.analyses.voer_uit`), the columns of its tables, and the run
metadata in ``interventie.json``. A method is described only when a table shows it was
used (e.g. the Wilcoxon test only when a ``wilcoxon_v`` column exists), so the text cannot
claim an analysis that did not run. References are collected from the methods described.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from evaluatie.rapport import geheel, getal

__all__ = ["Analyse", "Methoden", "datum_nl", "instellingen_tabel", "lees_methoden", "software_tabel"]

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
class Analyse:
    """One analysis that ran: its name, title, described tables and the columns they hold."""

    naam: str
    titel: str
    tabellen: dict[str, str]
    kolommen: dict[str, list[str]] = field(default_factory=dict)  # tabel -> columns (written tables)
    waarden: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def heeft_resultaten(self) -> bool:
        return any(len(df) for df in self.waarden.values())

    def heeft(self, *kolommen: str) -> bool:
        """Does any written table have all ``kolommen`` (and a row)?"""
        return any(set(kolommen) <= set(k) and len(self.waarden[t]) for t, k in self.kolommen.items())

    def uniek(self, kolom: str) -> list[Any]:
        """Distinct non-missing values of ``kolom`` over all tables."""
        uit: list[Any] = []
        for df in self.waarden.values():
            if kolom in df.columns:
                uit += [v for v in df[kolom].dropna().unique() if v not in uit]
        return uit


@dataclass
class Methoden:
    """Paragraphs (Markdown) and the references they cite."""

    alineas: list[tuple[str, str]]  # (subheading, text)
    referenties: list[str]
    analyses: list[Analyse]


def _lees_analyses(map_: Path) -> list[Analyse]:
    uit = []
    for pad in sorted(map_.glob("*/_tabellen.json")):
        info = json.loads(pad.read_text(encoding="utf-8"))
        a = Analyse(info.get("analyse", pad.parent.name), info.get("titel", pad.parent.name),
                    dict(info.get("tabellen", {})))
        for t in sorted(pad.parent.glob("*.csv")):
            try:
                df = pd.read_csv(t)
            except pd.errors.EmptyDataError:
                df = pd.DataFrame()
            a.kolommen[t.stem] = [str(k) for k in df.columns]
            a.waarden[t.stem] = df
        uit.append(a)
    return uit


def _opsomming(delen: list[str]) -> str:
    delen = [d for d in delen if d]
    if len(delen) <= 1:
        return "".join(delen)
    return ", ".join(delen[:-1]) + " en " + delen[-1]


def lees_methoden(map_: str | Path, meta: dict[str, Any] | None = None,
                  regio_map: str | Path | None = None) -> Methoden:
    """Describe the methods of one interventie's run from its releasable results."""
    map_ = Path(map_)
    if meta is None:
        meta = json.loads((map_ / "interventie.json").read_text("utf-8"))
    analyses = _lees_analyses(map_)
    per = {a.naam: a for a in analyses}
    refs: list[str] = []
    alineas: list[tuple[str, str]] = []

    def cite(*sleutels: str) -> str:
        for s in sleutels:
            if s not in refs:
                refs.append(s)
        return ""

    # Design and data
    mm = list(meta.get("meetmomenten", []))
    ontwerp = (f"De evaluatie volgt deelnemers van de interventie over de meetmomenten "
               f"{_opsomming(mm)} (voormeting {mm[0] if mm else 'T0'}); de status van deelnemers "
               f"is bepaald op peildatum {datum_nl(meta.get('peildatum', ''))}.")
    if meta.get("synthetisch"):
        ontwerp += (" **De gegevens in dit rapport zijn synthetisch** (gegenereerd voor demonstratie); "
                    "de uitkomsten zeggen niets over een echte interventie.")
    alineas.append(("Opzet en gegevens", ontwerp))

    if "uitval" in per and per["uitval"].heeft_resultaten:
        a = per["uitval"]
        zinnen = []
        if a.heeft("stap", "soort", "n"):
            cite("trend")
            zinnen.append("De deelnemersstroom (aangemeld, gestart, gemeten per meetmoment, afgerond) "
                          "met de redenen van uitval volgt het TREND-stroomdiagram")
        if a.heeft("percentage", "n_gestart"):
            cite("wilson")
            zinnen.append("uitvalpercentages zijn berekend over iedereen die begon, met een "
                          "Wilson-95%-betrouwbaarheidsinterval")
        if a.heeft("overleving") or any("km" in t for t in a.kolommen):
            cite("km")
            zinnen.append("de tijd tot uitval is geschat met de Kaplan-Meiermethode (wie nog "
                          "deelneemt op de peildatum telt mee tot die datum)")
        if a.heeft("smd"):
            cite("smd")
            zinnen.append("uitvallers en afronders zijn vergeleken met gestandaardiseerde "
                          "verschillen (SMD; |SMD| > 0,1 geldt als een relevant verschil)")
        if zinnen:
            alineas.append(("Deelnemers en uitval", _zin(_opsomming(zinnen)) + "."))

    if "voor_na" in per and per["voor_na"].heeft_resultaten:
        a = per["voor_na"]
        zinnen = []
        if a.heeft("n_paren", "t"):
            zinnen.append("Veranderingen zijn getoetst bij deelnemers met een meting op beide "
                          "momenten (completers) met de gepaarde t-toets; het verschil is steeds "
                          "nameting − voormeting")
        if a.heeft("wilcoxon_v"):
            zinnen.append("met de Wilcoxon-rangtekentoets als verdelingsvrije controle")
        if a.heeft("cohens_dz") or a.heeft("hedges_gz"):
            cite("lakens")
            zinnen.append("effectgroottes zijn Cohen's d_z en Hedges' g_z met 95%-interval")
        tekst = _zin(_opsomming(zinnen)) + "." if zinnen else ""
        if any("gemengd" in t for t in a.kolommen) or a.heeft("effect", "df_satterthwaite"):
            cite("satterthwaite")
            tekst += (" Een lineair gemengd model (willekeurig intercept per deelnemer, REML, "
                      "vrijheidsgraden volgens Satterthwaite) gebruikt alle beschikbare metingen, "
                      "ook van deelnemers die een meting misten.")
        if a.heeft("rci") or any("categor" in t for t in a.kolommen):
            cite("rci")
            tekst += (" Verandercategorieën (verbeterd, gelijk, verslechterd) volgen de Reliable "
                      "Change Index van Jacobson en Truax (grens 1,96).")
        correcties = [str(c).lower() for c in a.uniek("correctie")]
        namen = []
        if "holm" in correcties:
            cite("holm")
            namen.append("Holm")
        if "bh" in correcties or "fdr_bh" in correcties:
            cite("bh")
            namen.append("Benjamini-Hochberg")
        if namen:
            tekst += (" Omdat per uitkomst meerdere vergelijkingen zijn getoetst, zijn de p-waarden "
                      f"gecorrigeerd voor meervoudig toetsen ({_opsomming(namen)}; per uitkomst "
                      "vermeld in de tabel met instellingen).")
        if tekst:
            alineas.append(("Uitkomsten", tekst.strip()))

    if "gewichtsstatus" in per and per["gewichtsstatus"].heeft_resultaten:
        a = per["gewichtsstatus"]
        tekst = ""
        for df in a.waarden.values():
            if {"maat", "referentie"} <= set(df.columns):
                delen = [f"{r['maat']}: {r['referentie']}" + (f" ({r['bron']})" if "bron" in df.columns
                                                              and not pd.isna(r["bron"]) else "")
                         for _, r in df.iterrows() if not pd.isna(r["referentie"])]
                if delen:
                    tekst = "Gebruikte groeireferenties: " + "; ".join(delen) + "."
        if any("overgang" in t for t in a.kolommen) or a.heeft("van", "naar"):
            tekst += (" Overgangen tussen gewichtsklassen zijn geteld bij deelnemers met een "
                      "gewichtsstatus op beide meetmomenten.")
        if tekst:
            alineas.append(("Gewichtsstatus", tekst.strip()))

    if "kosten" in per and per["kosten"].heeft_resultaten:
        a = per["kosten"]
        tekst = ("Zorgkosten zijn per deelnemer en per kostendomein opgeteld vóór en na de start; "
                 "het verschil is na − voor (een negatief bedrag is een daling).")
        inst = a.waarden.get("instellingen")
        if inst is not None and {"onderdeel", "waarde"} <= set(inst.columns):
            w = {str(r["onderdeel"]): str(r["waarde"]) for _, r in inst.iterrows()
                 if not pd.isna(r["waarde"])}
            if "venster_voor" in w and "venster_na" in w:
                tekst += f" Periode vóór: {w['venster_voor']}; periode na: {w['venster_na']}."
            if "prijsindexering" in w:
                tekst += f" Prijsindexering: {w['prijsindexering']}."
            if "bootstrap" in w:
                cite("bca")
                tekst += (" Het 95%-interval van het gemiddelde verschil is een bootstrapinterval "
                          f"({w['bootstrap']}).")
        elif a.heeft("ci95_onder", "gemiddeld_verschil"):
            cite("bca")
            tekst += " Het 95%-interval van het gemiddelde verschil is een BCa-bootstrapinterval."
        if a.heeft("verschil_in_verschillen") or any(
                "verschil_in_verschillen" in t and len(a.waarden[t].columns) > 1 for t in a.kolommen):
            cite("did")
            tekst += (" Met een vergelijkingsgroep is het effect geschat als verschil-in-verschillen "
                      "(de verandering bij deelnemers min die in de vergelijkingsgroep).")
        alineas.append(("Zorgkosten", tekst))

    if "quintuple" in per and per["quintuple"].heeft_resultaten:
        cite("quintuple", "pg")
        alineas.append(("Quintuple aim", "De indicatoren van de quintuple aim (gezondheid, "
                        "ervaring van deelnemers, kosten, werkplezier van professionals en "
                        "gezondheidsgelijkheid) komen uit het indicatorregister; een stoplicht "
                        "(groen: streefwaarde gehaald; oranje: gemist maar binnen het 95%-interval; "
                        "rood: gemist) staat alleen bij indicatoren met een streefwaarde."))

    ontbrekend = ("Ontbrekende gegevens: toetsen tussen twee meetmomenten gebruiken alleen "
                  "deelnemers met beide metingen (completers)")
    if "voor_na" in per and any("gemengd" in t for t in per["voor_na"].kolommen):
        ontbrekend += ("; het gemengde model gebruikt alle metingen (geldig als ontbreken samenhangt "
                       "met wat wél gemeten is)")
    if "uitval" in per and per["uitval"].heeft("methode", "schatting"):
        cite("rubin")
        m = per["uitval"].uniek("m_imputaties") or per["uitval"].uniek("mice_m")
        ontbrekend += ("; een gevoeligheidsanalyse vergelijkt completers, het gemengde model en "
                       "meervoudige imputatie" + (f" ({geheel(m[0])} imputaties, regels van Rubin)"
                                                  if m else " (regels van Rubin)"))
    alineas.append(("Ontbrekende gegevens en drempels", ontbrekend + ". Statistische toetsen zijn "
                    "tweezijdig met α = 0,05. Onthullingscontrole: aantallen onder "
                    f"{meta.get('min_n', 10)} en gemiddelden en percentages over minder dan "
                    f"{meta.get('min_n', 10)} deelnemers zijn onderdrukt, en waar een onderdrukt "
                    "aantal uit totalen terug te rekenen zou zijn, ook het volgende kleinste aantal "
                    "(secundaire onderdrukking)."))

    volgorde = [k for k in REFERENTIES if k in refs]
    return Methoden(alineas, [REFERENTIES[k] for k in volgorde], analyses)


def _zin(tekst: str) -> str:
    return tekst[:1].upper() + tekst[1:]


_MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
            "september", "oktober", "november", "december")


def datum_nl(datum: Any) -> str:
    """An ISO date as Dutch text: ``2026-10-31`` → ``31 oktober 2026`` (else unchanged)."""
    try:
        d = dt.date.fromisoformat(str(datum)[:10])
    except ValueError:
        return str(datum)
    return f"{d.day} {_MAANDEN[d.month - 1]} {d.year}"


def instellingen_tabel(map_: str | Path) -> pd.DataFrame | None:
    """Per outcome the thresholds the pre/post analysis used (``voor_na/instellingen.csv``)."""
    pad = Path(map_) / "voor_na" / "instellingen.csv"
    if not pad.exists():
        return None
    df = pd.read_csv(pad)
    if not len(df) or "uitkomst" not in df.columns:
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
