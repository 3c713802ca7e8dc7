"""An attacker that knows nothing of the specifications: subtraction, complements and
percentage × n on released CSV files, as an outsider would try them.

Used by the tests as a check that is independent of the disclosure engine (which works
from the specifications). It only reads files under ``publiceerbaar/`` and treats every
column named ``n`` or ``n_*`` as a count of persons, every column named like a percentage
or share as a proportion, and every text column as a key.

Attacks (each returns findings ``(bestand, omschrijving, waarde)``):

- ``kleine_aantallen``: a shown count in (0, min_n);
- ``aandeel_maal_n``: a shown proportion × a shown count of the same row that is a whole
  number in (0, min_n) (percentage × denominator);
- ``complementen``: in one row, a count minus a smaller count in (0, min_n), where the
  smaller is declared a part of the larger by its name (``n_met_*`` of ``n_deelnemers``,
  ``n_uitgevallen`` of ``n_gestart``, ``n`` of ``n_noemer``/``n_totaal``/``n_paren``, ...);
- ``totaal_min_delen``: in a group of rows that share all keys but one, with a row labelled
  ``totaal``/``alle`` there: the total minus the shown parts, in (0, min_n).

Relations between tables are the specifications' business; the engine's own checker
(verify mode) and the linear programs in ``tests/test_disclosure.py`` prove those.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

TEL = re.compile(r"^n(_.*)?$")
AANDEEL = re.compile(r"^(percentage|procent|pct|aandeel.*)$")
#: (part, whole) by name, within one row
DEEL_VAN = [(re.compile(r"^n_met_kosten(_voor|_na)?$"), "n_deelnemers"),
            (re.compile(r"^n_met_kosten_(voor|na)$"), "n_met_kosten"),
            (re.compile(r"^n_uitgevallen$"), "n_gestart"),
            (re.compile(r"^n_uitgevallen$"), "n"),
            (re.compile(r"^n$"), "n_noemer"), (re.compile(r"^n$"), "n_totaal"),
            (re.compile(r"^n_categorie$"), "n_totaal"), (re.compile(r"^n$"), "n_paren"),
            (re.compile(r"^n$"), "n_gemeten"), (re.compile(r"^n_compleet$"), "n_populatie"),
            (re.compile(r"^n_uitval_cum$"), "n_gestart")]


#: labels of a total row
TOTAAL = {"totaal", "alle", "Totaal"}
#: (proportion, denominator) by name, within one row
NOEMERS = [(re.compile(r"^(percentage|procent)$"), ("n_noemer", "n_totaal", "n_gestart", "n_gemeten",
                                                   "n_paren")),
           (re.compile(r"^aandeel_nul_(voor|na)$"), ("n_deelnemers",))]


def _lees(pad: Path) -> pd.DataFrame:
    return pd.read_csv(pad, dtype=str, keep_default_na=False, na_values=[""])


def _verborgen(df: pd.DataFrame, kolom: str) -> pd.Series:
    """Cells the release marks as suppressed (an empty cell may also just not apply)."""
    if "onderdrukking" not in df.columns:
        return df[kolom].isna()
    return df["onderdrukking"].fillna("").map(
        lambda w: kolom in {d.split(":")[0] for d in str(w).split("|") if d})


def _getallen(df: pd.DataFrame) -> pd.DataFrame:
    uit = df.copy()
    for k in uit.columns:
        if TEL.match(k) or AANDEEL.match(k):
            uit[k] = pd.to_numeric(uit[k], errors="coerce")
    return uit


def _sleutels(df: pd.DataFrame) -> list[str]:
    return [k for k in df.columns if not TEL.match(k) and not AANDEEL.match(k)
            and k not in ("onderdrukt", "onderdrukking")
            and pd.to_numeric(df[k], errors="coerce").isna().all()]


def _klein(x: float, min_n: int) -> bool:
    return 0.5 <= x < min_n - 0.5 and abs(x - round(x)) < 1e-6


def bestanden(map_: Path) -> Iterator[tuple[Path, pd.DataFrame]]:
    for pad in sorted(Path(map_).rglob("*.csv")):
        yield pad, _getallen(_lees(pad))


def kleine_aantallen(map_: Path, min_n: int) -> list[tuple[str, str, float]]:
    uit = []
    for pad, df in bestanden(map_):
        for k in [k for k in df.columns if TEL.match(k)]:
            for i, x in df[k].items():
                if pd.notna(x) and 0 < x < min_n:
                    uit.append((str(pad), f"rij {i + 2}, {k}", float(x)))
    return uit


def aandeel_maal_n(map_: Path, min_n: int) -> list[tuple[str, str, float]]:
    """A shown proportion times its denominator (and the complement), in (0, min_n)."""
    uit = []
    for pad, df in bestanden(map_):
        for patroon, noemers in NOEMERS:
            for a in [k for k in df.columns if patroon.match(k)]:
                schaal = 1.0 if a.startswith("aandeel") else 100.0
                for n in [k for k in noemers if k in df.columns]:
                    x = df[a] * df[n] / schaal
                    for i, v in x.items():
                        if pd.isna(v):
                            continue
                        for w, wat in ((v, f"{a} × {n}"), (df.at[i, n] - v, f"{n} − {a} × {n}")):
                            if _klein(w, min_n):
                                uit.append((str(pad), f"rij {i + 2}, {wat}", float(w)))
    return uit


def complementen(map_: Path, min_n: int) -> list[tuple[str, str, float]]:
    uit = []
    for pad, df in bestanden(map_):
        for deel, geheel in DEEL_VAN:
            if geheel not in df.columns:
                continue
            for d in [k for k in df.columns if deel.match(k) and k != geheel]:
                x = df[geheel] - df[d]
                for i, v in x.items():
                    if pd.notna(v) and _klein(v, min_n):
                        uit.append((str(pad), f"rij {i + 2}, {geheel} − {d}", float(v)))
    return uit


def totaal_min_delen(map_: Path, min_n: int) -> list[tuple[str, str, float]]:
    """Rows that agree on every key but one, with a row labelled as the total there: the
    total minus the shown parts is what the hidden parts hold together."""
    uit = []
    for pad, df in bestanden(map_):
        sleutels = _sleutels(df)
        met_totaal = [k for k in sleutels if df[k].isin(TOTAAL).any()]
        for n in [k for k in df.columns if TEL.match(k)]:
            weg = _verborgen(df, n)
            if not weg.any():
                continue
            for vrij in met_totaal:
                vast = [k for k in sleutels if k != vrij]
                groepen = df.groupby(vast, dropna=False, sort=False) if vast else [((), df)]
                for _, g in groepen:
                    tot = g[g[vrij].isin(TOTAAL)]
                    delen = g[~g[vrij].isin(TOTAAL)]
                    if len(tot) != 1 or not weg[delen.index].any() or pd.isna(tot[n].iloc[0]):
                        continue
                    rest = tot[n].iloc[0] - delen.loc[~weg[delen.index], n].sum()
                    if _klein(rest, min_n):
                        uit.append((str(pad), f"{n}: totaal − getoonde delen per {vast}", float(rest)))
    return uit


ALLE = (kleine_aantallen, aandeel_maal_n, complementen, totaal_min_delen)


def val_aan(map_: Path, min_n: int) -> dict[str, list[tuple[str, str, float]]]:
    return {f.__name__: f(map_, min_n) for f in ALLE}


if __name__ == "__main__":
    import sys

    res = val_aan(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 10)
    for naam, lijst in res.items():
        print(f"{naam}: {len(lijst)}")
        for r in lijst[:40]:
            print("   ", r)
