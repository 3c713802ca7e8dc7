"""Disclosure control: nothing about fewer than ``min_n`` people leaves ``intern/``.

Convention for every releasable table: count columns are named ``n`` or start with
``n_``; every row that holds a mean, SD, percentage or other statistic over a group
carries that group's count in one of those columns. Suppression then works on any
table without knowing what it means:

- a count ``1 <= n < min_n`` is replaced by a missing value;
- in a row where any count is suppressed, every other statistic of that row is too;
- the row is marked ``onderdrukt = True`` so a report can say why a cell is empty.

:func:`controleer_map` scans every releasable file and lists violations; the
pipeline fails on any.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from evaluatie.fouten import EvaluatieFout


class OnthullingsFout(EvaluatieFout):
    """A releasable output holds a count below the threshold."""


def telkolommen(df: pd.DataFrame) -> list[str]:
    """Columns that hold counts of people, by the naming convention."""
    return [k for k in df.columns if k == "n" or str(k).startswith("n_")]


def onderdruk(df: pd.DataFrame, min_n: int, sleutelkolommen: list[str] | None = None) -> pd.DataFrame:
    """Suppress small counts and the statistics that rest on them (primary suppression).

    Parameters
    ----------
    df
        A results table following the count-column convention.
    min_n
        Smallest count that may be released.
    sleutelkolommen
        Columns that describe the row (labels) and are never suppressed. Default: all
        non-numeric columns.

    Returns
    -------
    DataFrame
        A copy with small counts and the statistics of their rows set to missing, and
        a boolean column ``onderdrukt``.
    """
    uit = df.copy()
    tel = telkolommen(uit)
    if sleutelkolommen is None:
        sleutelkolommen = [k for k in uit.columns if not pd.api.types.is_numeric_dtype(uit[k])
                           or pd.api.types.is_bool_dtype(uit[k])]
    klein = np.zeros(len(uit), dtype=bool)
    for k in tel:
        waarden = pd.to_numeric(uit[k], errors="coerce")
        te_klein = ((waarden > 0) & (waarden < min_n)).fillna(False).to_numpy(bool)
        klein |= te_klein
    statistieken = [k for k in uit.columns if k not in sleutelkolommen and k != "onderdrukt"]
    for k in statistieken:
        if pd.api.types.is_integer_dtype(uit[k]) and not pd.api.types.is_extension_array_dtype(uit[k]):
            uit[k] = uit[k].astype("Int64")
        elif pd.api.types.is_bool_dtype(uit[k]):
            uit[k] = uit[k].astype("boolean")
        uit.loc[klein, k] = pd.NA if uit[k].dtype == object else np.nan
    uit["onderdrukt"] = klein | (uit["onderdrukt"].fillna(False).astype(bool)
                                 if "onderdrukt" in uit else False)
    return uit


def controleer_tabel(df: pd.DataFrame, min_n: int, naam: str) -> list[str]:
    """Violations in one table: counts in ``[1, min_n)``."""
    fouten = []
    for k in telkolommen(df):
        waarden = pd.to_numeric(df[k], errors="coerce")
        for i in np.flatnonzero(((waarden > 0) & (waarden < min_n)).fillna(False).to_numpy(bool)):
            fouten.append(f"{naam}, rij {i + 2}, kolom '{k}': aantal {waarden.iloc[i]:g} < {min_n}")
    return fouten


def controleer_map(map_: Path, min_n: int) -> list[str]:
    """Scan every releasable CSV under ``map_`` (recursively) for small counts."""
    fouten: list[str] = []
    for pad in sorted(Path(map_).rglob("*.csv")):
        fouten += controleer_tabel(pd.read_csv(pad), min_n, str(pad))
    return fouten


def eis_schoon(map_: Path, min_n: int) -> None:
    """Raise :class:`OnthullingsFout` listing every violation under ``map_``."""
    fouten = controleer_map(map_, min_n)
    if fouten:
        raise OnthullingsFout(
            f"Onthullingscontrole: {len(fouten)} aantal(len) onder {min_n} in publiceerbare "
            "uitvoer:\n" + "\n".join(f"  - {f}" for f in fouten)
        )
