"""Disclosure control: nothing about fewer than ``min_n`` people leaves ``intern/``.

Convention for every releasable table: count columns are named ``n`` or start with
``n_``; every row that holds a mean, SD, percentage or other statistic over a group
carries that group's count in one of those columns. Suppression then works on any
table without knowing what it means.

Primary suppression (:func:`onderdruk`, applied by the analysis runner to every table):

- a count ``1 <= n < min_n`` is replaced by a missing value;
- in a row where any count is suppressed, every other statistic of that row is too
  (so a mean or percentage over fewer than ``min_n`` people is never released);
- the row is marked ``onderdrukt = True`` so a report can say why a cell is empty.

Secondary suppression (:func:`onderdruk_met_totalen`, called by an analysis module for
a table whose counts add up to a total that is released, in the same table or
elsewhere): after primary suppression, in every *additive group* (a set of cells whose
sum is known, e.g. the categories of one variable with their total row) that has
exactly one hidden cell, the smallest other non-zero cell is hidden as well, and again
while the hidden cells of a group add up to less than ``min_n`` (otherwise their sum
would reveal a small group). This is repeated until no group changes, so a cell hidden
for one group is accounted for in the other groups it belongs to (rows and columns of a
cross table). The result has a text column ``onderdrukking``: ``"primair"`` (count
below ``min_n``), ``"secundair"`` (hidden to protect another cell; its count is at
least ``min_n``, so a report shows it as "onderdrukt", not as "<min_n") or ``""``.

The checker (:func:`controleer_map`, :func:`eis_schoon`) scans every releasable file
(CSV, JSON, XLSX) and lists violations: a count in ``[1, min_n)``, a statistic left in
a suppressed row, or a file type it cannot check (row-level formats such as Parquet
never belong in ``publiceerbaar/``). The pipeline fails on any.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluatie.fouten import EvaluatieFout

__all__ = [
    "GECONTROLEERDE_TYPEN",
    "STATISTIEK_PATROON",
    "OnthullingsFout",
    "controleer_bestand",
    "controleer_map",
    "controleer_tabel",
    "eis_schoon",
    "groepen_per",
    "onderdruk",
    "onderdruk_met_totalen",
    "telkolommen",
]

#: File types the checker reads; any other file under ``publiceerbaar/`` is a violation.
GECONTROLEERDE_TYPEN = (".csv", ".json", ".xlsx")


class OnthullingsFout(EvaluatieFout):
    """A releasable output holds a count below the threshold."""


def is_telkolom(naam: Any) -> bool:
    """Does a column (or JSON key) hold a count of people, by the naming convention?"""
    naam = str(naam)
    return naam == "n" or naam.startswith("n_")


def telkolommen(df: pd.DataFrame) -> list[str]:
    """Columns that hold counts of people, by the naming convention."""
    return [k for k in df.columns if is_telkolom(k)]


def _is_klein(waarden: pd.Series, min_n: int) -> np.ndarray:
    w = pd.to_numeric(waarden, errors="coerce")
    return ((w > 0) & (w < min_n)).fillna(False).to_numpy(bool)


def _sleutelkolommen(df: pd.DataFrame) -> list[str]:
    return [k for k in df.columns if not pd.api.types.is_numeric_dtype(df[k])
            or pd.api.types.is_bool_dtype(df[k])]


def _maak_leeg(uit: pd.DataFrame, rijen: np.ndarray, sleutelkolommen: list[str]) -> None:
    """Set every non-key column of the selected rows to missing (in place)."""
    for k in uit.columns:
        if k in sleutelkolommen or k in ("onderdrukt", "onderdrukking"):
            continue
        if pd.api.types.is_integer_dtype(uit[k]) and not pd.api.types.is_extension_array_dtype(uit[k]):
            uit[k] = uit[k].astype("Int64")
        elif pd.api.types.is_bool_dtype(uit[k]):
            uit[k] = uit[k].astype("boolean")
        if rijen.any():
            uit.loc[rijen, k] = pd.NA if uit[k].dtype == object else np.nan


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
        a boolean column ``onderdrukt`` (kept true where it already was).
    """
    uit = df.copy()
    if sleutelkolommen is None:
        sleutelkolommen = _sleutelkolommen(uit)
    klein = np.zeros(len(uit), dtype=bool)
    for k in telkolommen(uit):
        klein |= _is_klein(uit[k], min_n)
    _maak_leeg(uit, klein, sleutelkolommen)
    uit["onderdrukt"] = klein | (uit["onderdrukt"].fillna(False).astype(bool).to_numpy()
                                 if "onderdrukt" in uit else False)
    return uit


def groepen_per(df: pd.DataFrame, kolommen: str | Sequence[str]) -> list[list[Hashable]]:
    """Additive groups: rows with equal values in ``kolommen`` (index labels per group).

    Rows with a missing value in any of ``kolommen`` belong to no group of this kind.
    """
    kolommen = [kolommen] if isinstance(kolommen, str) else list(kolommen)
    ontbreekt = [k for k in kolommen if k not in df.columns]
    if ontbreekt:
        raise KeyError(f"groepen_per: kolom(men) {ontbreekt} niet in de tabel")
    geldig = df[kolommen].notna().all(axis=1)
    sleutel = kolommen[0] if len(kolommen) == 1 else kolommen
    return [list(ix) for ix in df[geldig].groupby(sleutel, sort=False).groups.values()]


def onderdruk_met_totalen(
    df: pd.DataFrame,
    min_n: int,
    per: Iterable[str | Sequence[str]] = (),
    groepen: Iterable[Sequence[Hashable]] = (),
    waarde: str = "n",
    sleutelkolommen: list[str] | None = None,
) -> pd.DataFrame:
    """Primary and secondary suppression for a long table whose counts add up to totals.

    Parameters
    ----------
    df
        Long table: one count per row in column ``waarde``; label columns describe the
        cell (e.g. ``rij``, ``kolom``; total rows have a label such as ``"totaal"``).
    min_n
        Smallest count that may be released.
    per
        Grouping dimensions: each a column name or list of column names; rows with the
        same value(s) form one additive group. Include the total row in the group when
        the table has one (the rule treats a total like any other member of the sum).
        A cross table in long form with margins: ``per=["rij", "kolom"]``.
    groepen
        Extra additive groups as lists of index labels of ``df``, for relations that are
        not "same value in a column", e.g. a participant flow where
        ``n(step k-1) = n(step k) + sum(losses at step k)``.
    waarde
        The count column the groups add up (default ``n``).
    sleutelkolommen
        As in :func:`onderdruk`.

    Returns
    -------
    DataFrame
        As :func:`onderdruk`, plus a text column ``onderdrukking``: ``"primair"``,
        ``"secundair"`` (hidden only to protect another cell) or ``""``.

    Notes
    -----
    The rule is the usual one in official statistics (hypercube-style cell suppression,
    simplified for one-count-per-row tables): no additive group may hold exactly one
    hidden cell, because it would be the known total minus the visible cells; and the
    hidden cells of a group must add up to at least ``min_n``, because that sum is
    recoverable too. Complements are chosen smallest non-zero count first (ties: table
    order), which loses the least information. Zero cells are never chosen: hiding a
    zero protects nothing. A group that cannot be protected this way (no other non-zero
    cell) is left as is; its hidden cells then add up to its own total, which is itself
    below ``min_n`` and therefore hidden as well when it is in the table.
    """
    if waarde not in df.columns:
        raise KeyError(f"onderdruk_met_totalen: kolom {waarde!r} niet in de tabel")
    if sleutelkolommen is None:
        sleutelkolommen = _sleutelkolommen(df)
    uit = onderdruk(df, min_n, sleutelkolommen)
    waarden = pd.to_numeric(df[waarde], errors="coerce")
    alle_groepen: list[list[Hashable]] = [list(g) for g in groepen]
    for p in per:
        alle_groepen += groepen_per(df, p)
    positie = {label: i for i, label in enumerate(df.index)}
    for g in alle_groepen:
        onbekend = [label for label in g if label not in positie]
        if onbekend:
            raise KeyError(f"onderdruk_met_totalen: rijen {onbekend} niet in de tabel")
    w = waarden.to_numpy(float)
    verborgen = uit["onderdrukt"].to_numpy(bool).copy()
    primair = verborgen.copy()
    veranderd = True
    while veranderd:
        veranderd = False
        for g in alle_groepen:
            leden = [positie[label] for label in g if not math.isnan(w[positie[label]])]
            weg = [i for i in leden if verborgen[i]]
            if not weg:
                continue
            if len(weg) >= 2 and sum(w[i] for i in weg) >= min_n:
                continue
            kandidaten = sorted((i for i in leden if not verborgen[i] and w[i] > 0),
                                key=lambda i: (w[i], i))
            if not kandidaten:
                continue
            verborgen[kandidaten[0]] = True
            veranderd = True
    secundair = verborgen & ~primair
    _maak_leeg(uit, secundair, sleutelkolommen)
    uit["onderdrukt"] = verborgen
    uit["onderdrukking"] = np.where(secundair, "secundair", np.where(verborgen, "primair", ""))
    return uit


# --------------------------------------------------------------------------------------
# The checker
# --------------------------------------------------------------------------------------


#: Column names that hold a statistic over the row's group (a mean, SD, percentage, …).
#: In a suppressed row they must be empty. Counts are not listed: a suppressed row may keep
#: a released total of its group (e.g. ``n_totaal`` next to a hidden category).
STATISTIEK_PATROON = re.compile(
    r"^(gemiddeld|gem_|sd|se_|percentage|pct|procent|mediaan|aandeel|proportie|waarde$|verschil"
    r"|mean|median|prop)", re.IGNORECASE)


def _statistiekkolommen(df: pd.DataFrame) -> list[str]:
    """Columns that hold statistics over the row's group, by name (:data:`STATISTIEK_PATROON`)."""
    return [k for k in df.columns if STATISTIEK_PATROON.match(str(k)) and not is_telkolom(k)]


def _controleer_stroom(df: pd.DataFrame, min_n: int, naam: str, eerste_rij: int) -> list[str]:
    """A participant flow (``stap_nr``, ``soort``, ``n``): no hidden count may follow from sums.

    Relations of :func:`evaluatie.uitval.deelnemersstroom`: n(stap k-1) = n(stap k) +
    n(uitval_totaal k), and n(uitval_totaal k) = sum of n(uitval k) (without a total row:
    n(stap k-1) = n(stap k) + sum of n(uitval k)). A relation with exactly one missing
    count gives that count away; it is a violation when it lies in ``[1, min_n)``.
    """
    fouten = []
    n = pd.to_numeric(df["n"], errors="coerce")
    soort = df["soort"].astype(str)
    nr = pd.to_numeric(df["stap_nr"], errors="coerce")
    if "stap" in df.columns:
        # primary suppression empties the numeric stap_nr of a suppressed row; the step's
        # name (text) stays, so take the number from the step row with that name
        nummer = {st: k for st, k, so in zip(df["stap"], nr, soort, strict=True)
                  if so == "stap" and not pd.isna(k)}
        nr = nr.fillna(df["stap"].map(nummer))

    def rijen(s: str, k: float) -> list[int]:
        return list(np.flatnonzero(((soort == s) & (nr == k)).to_numpy(bool)))

    stappen = sorted(nr[soort == "stap"].dropna().unique())
    for k in stappen[1:]:
        vorige, deze, totaal, verlies = rijen("stap", k - 1), rijen("stap", k), rijen("uitval_totaal", k), \
            rijen("uitval", k)
        relaties = ([(vorige, [*deze, *totaal]), (totaal, verlies)] if totaal
                    else [(vorige, [*deze, *verlies])])
        for geheel_, delen in relaties:
            if not geheel_ or not delen:
                continue
            leden = geheel_ + delen
            weg = [i for i in leden if pd.isna(n.iloc[i])]
            if len(weg) != 1:
                continue
            i = weg[0]
            som_delen = sum(n.iloc[j] for j in delen if j != i)
            waarde = (n.iloc[geheel_[0]] - som_delen) if i in delen else som_delen
            if 1 <= waarde < min_n:
                fouten.append(f"{naam}, rij {i + eerste_rij}, kolom 'n': onderdrukt aantal is terug te "
                              f"rekenen uit de stroom ({waarde:g} < {min_n}); secundaire onderdrukking nodig")
    return fouten


def controleer_tabel(df: pd.DataFrame, min_n: int, naam: str, eerste_rij: int = 2) -> list[str]:
    """Violations in one table.

    - a count (column ``n``/``n_*``) in ``[1, min_n)``;
    - a row marked ``onderdrukt`` that still shows a statistic (a mean, SD, percentage, …,
      by column name: :data:`STATISTIEK_PATROON`);
    - in a participant flow (columns ``stap_nr``, ``soort``, ``n``): a suppressed count that
      follows from the released ones (:func:`_controleer_stroom`).

    ``eerste_rij`` is the file row of the first data row (2 for a CSV with a header).
    """
    fouten = []
    for k in telkolommen(df):
        waarden = pd.to_numeric(df[k], errors="coerce")
        for i in np.flatnonzero(_is_klein(waarden, min_n)):
            fouten.append(f"{naam}, rij {i + eerste_rij}, kolom '{k}': aantal {waarden.iloc[i]:g} "
                          f"< {min_n}")
    if "onderdrukt" in df.columns:
        vlag = df["onderdrukt"].map(lambda x: str(x).strip().lower() in ("true", "1", "1.0", "ja"))
        for k in _statistiekkolommen(df):
            zichtbaar = vlag.to_numpy(bool) & pd.to_numeric(df[k], errors="coerce").notna().to_numpy(bool)
            for i in np.flatnonzero(zichtbaar):
                fouten.append(f"{naam}, rij {i + eerste_rij}, kolom '{k}': waarde zichtbaar in een "
                              "onderdrukte rij")
    if {"stap_nr", "soort", "n"} <= set(df.columns):
        fouten += _controleer_stroom(df, min_n, naam, eerste_rij)
    return fouten


def _controleer_json(waarde: Any, min_n: int, naam: str, pad: str = "$") -> list[str]:
    fouten: list[str] = []
    if isinstance(waarde, dict):
        for k, v in waarde.items():
            sub = f"{pad}.{k}"
            if (is_telkolom(k) and isinstance(v, int | float) and not isinstance(v, bool)
                    and 0 < v < min_n):
                fouten.append(f"{naam}, {sub}: aantal {v:g} < {min_n}")
            fouten += _controleer_json(v, min_n, naam, sub)
    elif isinstance(waarde, list):
        for i, v in enumerate(waarde):
            fouten += _controleer_json(v, min_n, naam, f"{pad}[{i}]")
    return fouten


def controleer_bestand(pad: Path, min_n: int) -> list[str]:
    """Violations in one releasable file (CSV, JSON or XLSX; any other type is one)."""
    pad = Path(pad)
    naam = str(pad)
    soort = pad.suffix.lower()
    try:
        if soort == ".csv":
            try:
                df = pd.read_csv(pad)
            except pd.errors.EmptyDataError:
                return []
            return controleer_tabel(df, min_n, naam)
        if soort == ".json":
            return _controleer_json(json.loads(pad.read_text(encoding="utf-8")), min_n, naam)
        if soort == ".xlsx":
            fouten: list[str] = []
            bladen = pd.read_excel(pad, sheet_name=None, header=None)
            for blad, ruw in bladen.items():
                fouten += _controleer_blad(ruw, min_n, f"{naam} [{blad}]")
            return fouten
    except (ValueError, OSError, UnicodeDecodeError) as e:
        return [f"{naam}: niet te lezen ({e})"]
    return [f"{naam}: bestandstype '{soort or pad.name}' kan niet worden gecontroleerd en hoort "
            f"niet in publiceerbare uitvoer (toegestaan: {', '.join(GECONTROLEERDE_TYPEN)})"]


def _controleer_blad(ruw: pd.DataFrame, min_n: int, naam: str) -> list[str]:
    """An XLSX sheet: the header is the first row that names a count column.

    Sheets may start with a title and notes above the table (the export does); a sheet
    without a count column in any row holds no counts and passes.
    """
    for i in range(len(ruw)):
        kop = [str(x) for x in ruw.iloc[i].tolist()]
        if any(is_telkolom(x) for x in kop):
            df = ruw.iloc[i + 1:].copy()
            df.columns = kop
            df = df.dropna(how="all")
            df = df.loc[:, [not (k == "nan" or k.startswith("Unnamed")) for k in df.columns]]
            for k in df.columns:
                omgezet = pd.to_numeric(df[k], errors="coerce")
                if omgezet.notna().sum() == df[k].notna().sum():
                    df[k] = omgezet
            return controleer_tabel(df.reset_index(drop=True), min_n, naam, eerste_rij=i + 2)
    return []


def controleer_map(map_: Path, min_n: int) -> list[str]:
    """Scan every releasable file under ``map_`` (recursively) for violations.

    Hidden files (e.g. Snakemake's ``.snakemake_timestamp``) are skipped; ``map_`` may
    also be a single file.
    """
    map_ = Path(map_)
    if map_.is_file():
        return controleer_bestand(map_, min_n)
    fouten: list[str] = []
    for pad in sorted(map_.rglob("*")):
        if pad.is_dir() or any(deel.startswith(".") for deel in pad.relative_to(map_).parts):
            continue
        fouten += controleer_bestand(pad, min_n)
    return fouten


def eis_schoon(map_: Path, min_n: int) -> None:
    """Raise :class:`OnthullingsFout` listing every violation under ``map_``."""
    fouten = controleer_map(map_, min_n)
    if fouten:
        raise OnthullingsFout(
            f"Onthullingscontrole: {len(fouten)} overtreding(en) (drempel {min_n}) in publiceerbare "
            "uitvoer:\n" + "\n".join(f"  - {f}" for f in fouten)
        )
