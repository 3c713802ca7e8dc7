"""Key findings in Dutch sentences, laid out from the release only.

Every sentence reads tables by their declared name (:class:`evaluatie.rapport.Resultaten`);
the estimates, intervals, corrected p-values and verdicts come from the findings table
(``bevindingen``), which the analysis stage wrote once. Nothing here compares a p-value
with alpha or picks a table by its columns. A suppressed number is never used: a part
whose numbers are suppressed says so instead.

Each ``zin_*`` function returns one sentence (plain text, escaped by the template) or
``None``; :func:`kernpunten` collects them in report order. The eindrapport uses the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from evaluatie.rapport import Resultaten, euro, geheel, getal, is_leeg, p_waarde, procent

__all__ = ["OORDEEL", "SCHATTER", "kernpunten", "naast_bevinding", "oordeel_tekst", "primaire_bevinding",
           "zin_deelnemers", "zin_kosten", "zin_onderdrukt", "zin_overige_uitkomsten",
           "zin_primaire_uitkomst", "zin_quintuple", "zin_uitval"]

#: How a report words each estimator of the findings table.
SCHATTER = {
    "gemengd_model": "volgens het gemengde model op alle metingen",
    "completers": "bij de deelnemers met beide metingen",
    "did_gemengd_model": "ten opzichte van de vergelijkingsgroep (verschil-in-verschillen)",
    "kosten_did": "ten opzichte van de vergelijkingsgroep (verschil-in-verschillen)",
    "kosten_voor_na": "na de start vergeleken met ervoor",
}

#: The verdict codes of :mod:`evaluatie.oordeel` in words (health; costs: see oordeel_tekst).
OORDEEL = {
    "verbeterd": "een statistisch significante verbetering",
    "verslechterd": "een statistisch significante verslechtering",
    "geen_aantoonbare_verandering": "geen aantoonbare verandering (niet statistisch significant)",
    "niet_te_berekenen": "niet te berekenen",
}


def oordeel_tekst(oordeel: Any, kosten: bool = False) -> str:
    """The verdict in words; for costs an improvement is a fall."""
    if kosten:
        return {"verbeterd": "een statistisch significante daling",
                "verslechterd": "een statistisch significante stijging"}.get(
                    str(oordeel), OORDEEL.get(str(oordeel), "niet te beoordelen"))
    return OORDEEL.get(str(oordeel), "niet te beoordelen")


def _rijen(df: pd.DataFrame) -> Iterable[pd.Series]:
    for _, r in df.iterrows():
        yield r


def _zin(tekst: str) -> str:
    return tekst[0].upper() + tekst[1:]


def _p(p: Any) -> str:
    t = p_waarde(p)
    return f"p {t.replace('<', '< ')}" if t.startswith("<") else f"p = {t}"


def _ci(r: pd.Series, fmt) -> str:
    if is_leeg(r.get("ci95_onder")) or is_leeg(r.get("ci95_boven")):
        return ""
    return f" (95%-betrouwbaarheidsinterval {fmt(r['ci95_onder'])} tot {fmt(r['ci95_boven'])})"


# ----------------------------------------------------------------------------- parts


def zin_deelnemers(R: Resultaten) -> str | None:
    """How many took part: from the participant flow."""
    s = R.tabel("uitval", "stroom")
    if not len(s):
        return None
    stap = s[s["soort"] == "stap"].set_index("stap")["n"]
    n = {k: v for k, v in stap.items() if not is_leeg(v)}
    if "aangemeld" not in n or "gestart" not in n:
        return None
    tekst = (f"Er meldden zich {geheel(n['aangemeld'])} deelnemers aan, van wie er "
             f"{geheel(n['gestart'])} met de interventie begonnen")
    if "afgerond" in n:
        tekst += f" en {geheel(n['afgerond'])} de interventie afrondden"
    return tekst + "."


def uitval_totaal(R: Resultaten) -> pd.Series | None:
    """The overall dropout row of ``uitval/percentages``, or None."""
    df = R.tabel("uitval", "percentages")
    if not len(df):
        return None
    df = df[df["indeling"] == "totaal"]
    return df.iloc[0] if len(df) else None


def zin_uitval(R: Resultaten) -> str | None:
    """Dropout percentage among those who started, with its CI."""
    r = uitval_totaal(R)
    if r is None:
        return None
    if is_leeg(r["percentage"]) or is_leeg(r["n_uitgevallen"]):
        return "Het uitvalpercentage is niet gepubliceerd, omdat het op te weinig deelnemers berust."
    tekst = (f"Van de {geheel(r['n_gestart'])} deelnemers die begonnen, vielen er "
             f"{geheel(r['n_uitgevallen'])} voortijdig uit ({procent(r['percentage'])}")
    if not is_leeg(r["ci95_onder"]) and not is_leeg(r["ci95_boven"]):
        tekst += f"; 95%-betrouwbaarheidsinterval {procent(r['ci95_onder'])} tot {procent(r['ci95_boven'])}"
    return tekst + ")."


def primaire_bevinding(R: Resultaten) -> pd.Series | None:
    """The findings row of the primary outcome (None without one)."""
    b = R.bevindingen()
    if not len(b):
        return None
    b = b[b["rol"] == "primair"]
    return b.iloc[0] if len(b) else None


def zin_primaire_uitkomst(R: Resultaten) -> str | None:
    """The primary estimand: estimate, CI, corrected p and verdict, as the findings state them."""
    r = primaire_bevinding(R)
    if r is None:
        return None
    titel = R.uitkomst_titel(r["uitkomst"])
    if is_leeg(r["schatting"]):
        reden = ("te weinig deelnemers (gegevens onderdrukt)" if R.weg(r, "schatting")
                 else "niet te berekenen")
        return f"Voor de primaire uitkomst, {titel}, is geen schatting gepubliceerd: {reden}."
    tekst = (f"De primaire uitkomst, {titel}, veranderde van {r['pre']} tot {r['post']} "
             f"{SCHATTER.get(r['schatter'], '')} gemiddeld met {getal(r['schatting'], 2)}"
             f"{_ci(r, lambda x: getal(x, 2))}: {oordeel_tekst(r['oordeel'])}")
    if not is_leeg(r["p_gecorrigeerd"]):
        corr = {"holm": "na Holm-correctie", "bh": "na Benjamini–Hochberg-correctie"}.get(
            str(r["correctie"]), "")
        tekst += f" ({_p(r['p_gecorrigeerd'])}{' ' + corr if corr else ''})"
    naast = naast_bevinding(R, r["uitkomst"])
    if r["schatter"] == "did_gemengd_model" and naast is not None and not is_leeg(naast["schatting"]):
        tekst += (f". Binnen de interventiegroep alleen was de verandering "
                  f"{SCHATTER.get(naast['schatter'], '')} {getal(naast['schatting'], 2)}"
                  f"{_ci(naast, lambda x: getal(x, 2))}")
    return tekst + "."


def naast_bevinding(R: Resultaten, uitkomst: str) -> pd.Series | None:
    """The estimate beside a headline (the pre/post change next to a DiD), or None."""
    b = R.bevindingen()
    if not len(b):
        return None
    b = b[(b["rol"] == "naast") & (b["uitkomst"] == uitkomst)]
    return b.iloc[0] if len(b) else None


def _aantal_tekst(n: int) -> str:
    """Small whole numbers in words (Dutch style guides: up to twelve), else digits."""
    woorden = ("geen", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen",
               "tien", "elf", "twaalf")
    return woorden[n] if 0 <= n < len(woorden) else geheel(n)


def _opsomming(delen: list[str]) -> str:
    if len(delen) <= 1:
        return "".join(delen)
    return ", ".join(delen[:-1]) + " en " + delen[-1]


def zin_overige_uitkomsten(R: Resultaten) -> str | None:
    """How the secondary outcomes fared, in the same window and by the same estimator."""
    b = R.bevindingen()
    if not len(b):
        return None
    sec = b[b["rol"] == "secundair"]
    if not len(sec):
        return None
    beter = [R.uitkomst_titel(r["uitkomst"]) for r in _rijen(sec) if r["oordeel"] == "verbeterd"]
    slechter = [R.uitkomst_titel(r["uitkomst"]) for r in _rijen(sec) if r["oordeel"] == "verslechterd"]
    gelijk = [r for r in _rijen(sec) if r["oordeel"] == "geen_aantoonbare_verandering"]
    onbekend = len(sec) - len(beter) - len(slechter) - len(gelijk)
    eerste = sec.iloc[0]
    delen = []
    if beter:
        delen.append(f"verbeterden er {_aantal_tekst(len(beter))} statistisch significant "
                     f"({_opsomming(sorted(beter))})" if len(beter) > 1 else
                     f"verbeterde er één statistisch significant ({beter[0]})")
    if slechter:
        delen.append(f"verslechterden er {_aantal_tekst(len(slechter))} statistisch significant "
                     f"({_opsomming(sorted(slechter))})" if len(slechter) > 1 else
                     f"verslechterde er één statistisch significant ({slechter[0]})")
    if gelijk:
        delen.append(f"{'veranderden er' if len(gelijk) > 1 else 'veranderde er'} "
                     f"{_aantal_tekst(len(gelijk))} niet aantoonbaar")
    if onbekend:
        delen.append(f"{'waren er' if onbekend > 1 else 'was er'} {_aantal_tekst(onbekend)} "
                     "niet te beoordelen")
    n = len(sec)
    onderwerp = (f"Van de {_aantal_tekst(n)} andere uitkomsten" if n > 1 else "Van de andere uitkomst")
    return (f"{onderwerp} {_opsomming(delen)}, van {eerste['pre']} tot {eerste['post']} "
            f"{SCHATTER.get(eerste['schatter'], '')} (na Benjamini–Hochberg-correctie).")


def zin_kosten(R: Resultaten) -> str | None:
    """The headline cost estimate with its CI (with a comparison group: the DiD, with the
    pre/post change beside it)."""
    b = R.bevindingen()
    if not len(b):
        return None
    hoofd = b[b["rol"] == "kosten"]
    if not len(hoofd):
        return None
    r = hoofd.iloc[0]
    if is_leeg(r["schatting"]):
        return ("De verandering in zorgkosten is niet gepubliceerd (te weinig deelnemers of niet te "
                "berekenen).")
    v = float(r["schatting"])
    if r["schatter"] == "kosten_did":
        tekst = (f"Ten opzichte van de vergelijkingsgroep veranderden de zorgkosten per deelnemer met "
                 f"{euro(v)} per jaar{_ci(r, euro)}: {oordeel_tekst(r['oordeel'], kosten=True)}")
        n = naast_bevinding(R, r["uitkomst"])
        if n is not None and not is_leeg(n["schatting"]):
            tekst += (f". Binnen de interventiegroep alleen was het verschil na − voor "
                      f"{euro(n['schatting'])}{_ci(n, euro)}")
    else:
        tekst = (f"De zorgkosten per deelnemer waren na de start gemiddeld {euro(abs(v))} "
                 f"{'lager' if v < 0 else 'hoger'} dan ervoor{_ci(r, euro)}: "
                 f"{oordeel_tekst(r['oordeel'], kosten=True)}; zonder vergelijkingsgroep is dit "
                 "geen effect van de interventie")
    return tekst + "."


def zin_quintuple(R: Resultaten) -> str | None:
    """Traffic lights of the quintuple-aim indicators, if any indicator has a target."""
    df = R.tabel("quintuple", "indicatoren")
    if not len(df):
        return None
    df = df[df["groep"] == "alle"]
    kleuren = df["stoplicht"].fillna("").astype(str)
    telling = {k: int((kleuren == k).sum()) for k in ("groen", "oranje", "rood")}
    totaal = sum(telling.values())
    if not totaal:
        return None
    delen = [f"{_aantal_tekst(n)} {k}" for k, n in telling.items() if n]
    return (f"Van de {_aantal_tekst(totaal)} quintuple-aim-indicatoren met een streefwaarde "
            f"scoren er {_opsomming(delen)} (groen: streefwaarde gehaald).")


def zin_onderdrukt(R: Resultaten) -> str | None:
    """That numbers were withheld, in plain words."""
    aantal = 0
    for pad in sorted(R.map.glob("*/_tabellen.json")):
        for tabel in __import__("json").loads(pad.read_text("utf-8"))["tabellen"]:
            df = R.tabel(pad.parent.name, tabel)
            if "onderdrukt" in df.columns:
                aantal += int(df["onderdrukt"].fillna(False).sum())
    if not aantal:
        return None
    return (f"Om de privacy van deelnemers te beschermen, zijn getallen over minder dan {R.min_n} "
            "personen, en getallen waaruit zo'n klein aantal terug te rekenen zou zijn, weggelaten.")


def kernpunten(R: Resultaten | str | Path, meta: dict[str, Any] | None = None) -> list[str]:
    """The key findings, in report order; parts without releasable numbers are left out."""
    if not isinstance(R, Resultaten):
        R = Resultaten(R)
    zinnen = [f(R) for f in (zin_deelnemers, zin_uitval, zin_primaire_uitkomst, zin_overige_uitkomsten,
                             zin_kosten, zin_quintuple, zin_onderdrukt)]
    return [_zin(z) for z in zinnen if z]
