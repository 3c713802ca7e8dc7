"""Key findings in Dutch sentences, generated from releasable tables only.

The Samenvatting of a report states numbers, so it obeys disclosure control like any
table: it reads only files under ``publiceerbaar/`` (already suppressed), and a sentence
never uses a value from a suppressed row (``onderdrukt``) or a missing cell; a part
whose numbers are all suppressed says so instead. Tables are recognised by their
columns, not their file names, so the summary keeps working while analyses change and
skips every part whose analysis produced nothing (e.g. no costs for an interventie
without cost data).

Each ``zin_*`` function returns one sentence (Markdown) or ``None``; :func:`kernpunten`
collects them in report order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from evaluatie.rapport import euro, geheel, getal, is_leeg, p_waarde, procent

__all__ = ["Bron", "kernpunten", "zin_deelnemers", "zin_kosten", "zin_onderdrukt",
           "zin_primaire_uitkomst", "zin_overige_uitkomsten", "zin_quintuple", "zin_uitval"]


class Bron:
    """The releasable tables of one interventie, found by their columns."""

    def __init__(self, map_: str | Path, meta: dict[str, Any] | None = None):
        self.map = Path(map_)
        if meta is None:
            meta = json.loads((self.map / "interventie.json").read_text("utf-8"))
        self.meta = meta

    @property
    def min_n(self) -> int:
        return int(self.meta.get("min_n", 10))

    def tabellen(self, analyse: str | None = None) -> Iterator[tuple[str, pd.DataFrame]]:
        """``(relative path, table)`` for every CSV (of one analysis), sorted by path."""
        basis = self.map / analyse if analyse else self.map
        if not basis.is_dir():
            return
        for pad in sorted(basis.rglob("*.csv")):
            try:
                df = pd.read_csv(pad)
            except (pd.errors.EmptyDataError, pd.errors.ParserError):
                continue
            yield str(pad.relative_to(self.map)), df

    def met_kolommen(self, analyse: str, *kolommen: str) -> pd.DataFrame | None:
        """The first table of ``analyse`` that has all ``kolommen`` (and at least one row)."""
        for _, df in self.tabellen(analyse):
            if set(kolommen) <= set(df.columns) and len(df):
                return df
        return None

    def titel(self, uitkomst: str) -> str:
        return self.meta.get("uitkomsten", {}).get(uitkomst, {}).get("titel", uitkomst)

    def hoger_is_beter(self, uitkomst: str) -> bool | None:
        return self.meta.get("uitkomsten", {}).get(uitkomst, {}).get("hoger_is_beter")


def _vrijgegeven(df: pd.DataFrame) -> pd.DataFrame:
    """Rows that are not suppressed."""
    if "onderdrukt" in df.columns:
        return df[~df["onderdrukt"].map(lambda x: str(x).strip().lower() in ("true", "1"))]
    return df


def _ok(df: pd.DataFrame) -> pd.DataFrame:
    if "status" in df.columns:
        return df[df["status"].fillna("ok") == "ok"]
    return df


def _waarde(rij: pd.Series, kolom: str) -> Any:
    return rij[kolom] if kolom in rij.index and not is_leeg(rij[kolom]) else None


def _volgnummer(meetmoment: Any) -> int:
    try:
        return int(str(meetmoment).lstrip("Tt"))
    except ValueError:
        return -1


def _zin(tekst: str) -> str:
    return tekst[0].upper() + tekst[1:]


# ----------------------------------------------------------------------------- parts


def zin_deelnemers(b: Bron) -> str | None:
    """How many took part: from the participant flow, else from the measurements."""
    stroom = b.met_kolommen("uitval", "stap", "soort", "n")
    if stroom is not None:
        stappen = _vrijgegeven(stroom[stroom["soort"] == "stap"])
        n = {r["stap"]: r["n"] for _, r in stappen.iterrows() if not is_leeg(r["n"])}
        if "aangemeld" in n and "gestart" in n:
            tekst = (f"Er meldden zich {geheel(n['aangemeld'])} deelnemers aan, van wie er "
                     f"{geheel(n['gestart'])} met de interventie begonnen")
            if "afgerond" in n:
                tekst += f" en {geheel(n['afgerond'])} de interventie afrondden (met alle metingen)"
            return tekst + "."
    besch = b.met_kolommen("beschrijving", "uitkomst", "meetmoment", "n")
    if besch is not None:
        eerste = str(sorted(besch["meetmoment"].astype(str).unique())[0])
        t0 = _vrijgegeven(besch[besch["meetmoment"].astype(str) == eerste]).dropna(subset=["n"])
        if len(t0):
            rij = t0.sort_values("n", ascending=False).iloc[0]
            return (f"Bij de voormeting ({eerste}) zijn {geheel(rij['n'])} deelnemers gemeten "
                    f"({b.titel(rij['uitkomst'])}, de uitkomst met de meeste metingen).")
    return None


def uitval_totaal(b: Bron) -> pd.DataFrame | None:
    """The released overall dropout row(s) (``periode == "totaal"``); None without the table."""
    df = b.met_kolommen("uitval", "n_gestart", "n_uitgevallen", "percentage")
    if df is None:
        return None
    if "periode" in df.columns:
        df = df[df["periode"].astype(str) == "totaal"]
    return _ok(_vrijgegeven(df))


def zin_uitval(b: Bron) -> str | None:
    """Dropout percentage among those who started, with its CI."""
    df = uitval_totaal(b)
    if df is None:
        return None
    if not len(df):
        return ("Het uitvalpercentage is niet gepubliceerd, omdat het op te weinig deelnemers "
                f"berust (minder dan {b.min_n}).")
    r = df.iloc[0]
    if any(_waarde(r, k) is None for k in ("n_gestart", "n_uitgevallen", "percentage")):
        return None
    tekst = (f"Van de {geheel(r['n_gestart'])} deelnemers die begonnen, vielen er "
             f"{geheel(r['n_uitgevallen'])} voortijdig uit ({procent(r['percentage'])}")
    if _waarde(r, "ci95_onder") is not None and _waarde(r, "ci95_boven") is not None:
        tekst += f"; 95%-BI {procent(r['ci95_onder'])} tot {procent(r['ci95_boven'])}"
    return tekst + ")."


def _voor_na(b: Bron) -> pd.DataFrame | None:
    df = b.met_kolommen("voor_na", "uitkomst", "pre", "post", "n_paren", "verschil")
    if df is None:
        return None
    return _ok(_vrijgegeven(df)).dropna(subset=["n_paren", "verschil"])


def _primaire_uitkomst(b: Bron, df: pd.DataFrame) -> str | None:
    if "primair" in df.columns:
        vlag = df["primair"].map(lambda x: str(x).strip().lower() in ("true", "1"))
        if vlag.any():
            return str(df.loc[vlag, "uitkomst"].iloc[0])
    primair = [u for u, spec in b.meta.get("uitkomsten", {}).items() if spec.get("primair")]
    for u in primair:
        if u in set(df["uitkomst"]):
            return u
    return None


def zin_primaire_uitkomst(b: Bron) -> str | None:
    """Change in the primary outcome between the first and the last measurement."""
    df = _voor_na(b)
    if df is None:
        return None
    alle = b.met_kolommen("voor_na", "uitkomst", "pre", "post", "n_paren", "verschil")
    u = _primaire_uitkomst(b, df)
    if u is None:
        primair = [x for x, s in b.meta.get("uitkomsten", {}).items() if s.get("primair")]
        verborgen = [x for x in primair if alle is not None and x in set(alle["uitkomst"])]
        if verborgen:
            return (f"Voor de primaire uitkomst, {b.titel(verborgen[0])}, zijn geen resultaten "
                    f"gepubliceerd: te weinig deelnemers hadden beide metingen (minder dan {b.min_n}) "
                    "of het resultaat was niet te berekenen.")
        return None
    rijen = df[df["uitkomst"] == u]
    r = max((r for _, r in rijen.iterrows()), key=lambda r: _volgnummer(r["post"]))
    titel = b.titel(u)
    tekst = (f"De primaire uitkomst, {titel}, veranderde tussen {r['pre']} en {r['post']} gemiddeld "
             f"met {getal(r['verschil'], 2)}")
    if _waarde(r, "ci95_onder") is not None and _waarde(r, "ci95_boven") is not None:
        tekst += f" (95%-BI {getal(r['ci95_onder'], 2)} tot {getal(r['ci95_boven'], 2)})"
    tekst += f" bij {geheel(r['n_paren'])} deelnemers met beide metingen"
    p = _waarde(r, "p")
    if p is not None:
        significant = float(p) < 0.05
        richting = _waarde(r, "richting") or ""
        if significant and richting in ("verbeterd", "verslechterd"):
            woord = "verbetering" if richting == "verbeterd" else "verslechtering"
            tekst += f"; een statistisch significante {woord}"
        elif significant:
            tekst += "; statistisch significant"
        else:
            tekst += "; het verschil is niet statistisch significant"
        pt = p_waarde(p)
        tekst += f" (p {pt.replace('<', '< ')})" if pt.startswith("<") else f" (p = {pt})"
    return tekst + "."


def zin_overige_uitkomsten(b: Bron) -> str | None:
    """How many other outcomes improved or worsened significantly (first pre/post pair).

    Uses the p-value corrected for multiple testing when the table has one.
    """
    df = _voor_na(b)
    if df is None or not len(df) or "p" not in df.columns or "richting" not in df.columns:
        return None
    primair = _primaire_uitkomst(b, df)
    pk = "p_gecorrigeerd" if "p_gecorrigeerd" in df.columns and df["p_gecorrigeerd"].notna().any() else "p"
    eerste = df.iloc[0]
    paar = df[(df["pre"] == eerste["pre"]) & (df["post"] == eerste["post"]) & (df["uitkomst"] != primair)]
    paar = paar.dropna(subset=[pk])
    if not len(paar):
        return None
    sig = paar[paar[pk] < 0.05]
    beter = sorted(b.titel(u) for u in sig.loc[sig["richting"] == "verbeterd", "uitkomst"])
    slechter = sorted(b.titel(u) for u in sig.loc[sig["richting"] == "verslechterd", "uitkomst"])
    n = len(paar)
    na = " (na correctie voor meervoudig toetsen)" if pk == "p_gecorrigeerd" else ""
    periode = f"tussen {eerste['pre']} en {eerste['post']}"
    if n == 1:
        titel = b.titel(paar.iloc[0]["uitkomst"])
        oordeel = ("verbeterde statistisch significant" if beter else
                   "verslechterde statistisch significant" if slechter else
                   "veranderde niet statistisch significant")
        return f"De andere uitkomst, {titel}, {oordeel} {periode}{na}."
    delen = []
    if beter:
        delen.append(f"{_aantal_tekst(len(beter))} verbeterde{'n' if len(beter) > 1 else ''} "
                     f"statistisch significant ({_opsomming(beter)})")
    if slechter:
        delen.append(f"{_aantal_tekst(len(slechter))} verslechterde{'n' if len(slechter) > 1 else ''} "
                     f"statistisch significant ({_opsomming(slechter)})")
    rest = n - len(beter) - len(slechter)
    if rest:
        delen.append(f"{_aantal_tekst(rest)} veranderde{'n' if rest > 1 else ''} niet statistisch "
                     "significant")
    return f"Van de {_aantal_tekst(n)} andere uitkomsten {_opsomming(delen)} {periode}{na}."


def zin_kosten(b: Bron) -> str | None:
    """Mean change in costs per participant (all domains), with its CI."""
    df = b.met_kolommen("kosten", "kostendomein", "n_deelnemers", "gemiddeld_verschil")
    if df is None:
        return None
    if "groep" in df.columns or "onderzoeksgroep" in df.columns:
        kol = "onderzoeksgroep" if "onderzoeksgroep" in df.columns else "groep"
        df = df[df[kol].astype(str) == "interventie"] if (df[kol] == "interventie").any() else df
    tot = df[df["kostendomein"].astype(str) == "totaal"]
    tot = _ok(_vrijgegeven(tot)).dropna(subset=["gemiddeld_verschil", "n_deelnemers"])
    if not len(tot):
        return None
    r = tot.iloc[0]
    v = float(r["gemiddeld_verschil"])
    tekst = (f"De zorgkosten per deelnemer waren na de start gemiddeld {euro(abs(v))} "
             f"{'lager' if v < 0 else 'hoger'} dan ervoor")
    if _waarde(r, "ci95_onder") is not None and _waarde(r, "ci95_boven") is not None:
        tekst += (f" (95%-BI voor de verandering {euro(r['ci95_onder'])} tot "
                  f"{euro(r['ci95_boven'])})")
    return tekst + f", over {geheel(r['n_deelnemers'])} deelnemers met kostengegevens."


def zin_quintuple(b: Bron) -> str | None:
    """Traffic lights of the quintuple-aim indicators, if any indicator has a target."""
    df = b.met_kolommen("quintuple", "indicator", "stoplicht")
    if df is None:
        return None
    if "groep" in df.columns:
        df = df[df["groep"].astype(str) == "alle"]
    df = _vrijgegeven(df)
    kleuren = df["stoplicht"].fillna("").astype(str)
    telling = {k: int((kleuren == k).sum()) for k in ("groen", "oranje", "rood")}
    totaal = sum(telling.values())
    if not totaal:
        return None
    delen = [f"{_aantal_tekst(n)} {k}" for k, n in telling.items() if n]
    return (f"Van de {_aantal_tekst(totaal)} quintuple-aim-indicatoren met een streefwaarde "
            f"scoren er {_opsomming(delen)} (groen: streefwaarde gehaald).")


def zin_onderdrukt(b: Bron) -> str | None:
    """How many table rows were suppressed (a count of cells, not of people)."""
    aantal = 0
    for _, df in b.tabellen():
        if "onderdrukt" in df.columns:
            aantal += int(df["onderdrukt"].map(lambda x: str(x).strip().lower() in ("true", "1")).sum())
    if not aantal:
        return None
    return (f"In de tabellen {'is' if aantal == 1 else 'zijn'} {_aantal_tekst(aantal)} "
            f"{'rij' if aantal == 1 else 'rijen'} onderdrukt, omdat ze op minder dan "
            f"{b.min_n} deelnemers berusten of anders terug te rekenen zouden zijn.")


def kernpunten(map_: str | Path, meta: dict[str, Any] | None = None) -> list[str]:
    """The key findings, in report order; parts without releasable numbers are left out."""
    b = Bron(map_, meta)
    zinnen = [f(b) for f in (zin_deelnemers, zin_uitval, zin_primaire_uitkomst, zin_overige_uitkomsten,
                             zin_kosten, zin_quintuple, zin_onderdrukt)]
    return [_zin(z) for z in zinnen if z]


# ----------------------------------------------------------------------------- words

_TELWOORDEN = ("geen", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen",
               "tien", "elf", "twaalf")


def _aantal_tekst(n: int) -> str:
    """Small whole numbers in words (Dutch style guides: up to twelve), else digits."""
    return _TELWOORDEN[n] if 0 <= n < len(_TELWOORDEN) else geheel(n)


def _opsomming(delen: list[str]) -> str:
    if len(delen) <= 1:
        return "".join(delen)
    return ", ".join(delen[:-1]) + " en " + delen[-1]
