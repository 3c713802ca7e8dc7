"""The results contract: one specification per releasable table.

Every analysis declares each table it releases as a :class:`Tabel`. The specification
says, per column, its dtype and its *kind*:

``sleutel``
    Describes the row (outcome code, meetmoment, category). Never suppressed.
``aantal``
    A count of persons. Suppressed below ``disclosure.min_n``. ``grootheid`` names the
    quantity it counts, so the same quantity in two tables is one unknown for the
    disclosure engine (see below).
``statistiek``
    A number computed over persons (mean, SD, estimate, CI bound, p-value). It *rests
    on* the count(s) in ``basis`` and is suppressed whenever one of them is.
``aandeel``
    A proportion ``teller / noemer × schaal``. Released, it gives the ``teller`` away
    (``aandeel × noemer``), so it is treated as another view of that count.
``bedrag``
    A sum of money over persons (a magnitude). Subject to the dominance rule, using the
    largest contributions the analysis hands over in hidden helper columns.
``code``
    A result from a fixed vocabulary (``status``, ``oordeel``); rests on ``basis``.
``tekst``
    Free text, released only when it is in the vocabulary (see
    :mod:`evaluatie.disclosure.woorden`); rests on ``basis``.
``instelling``
    A setting or constant that does not depend on persons (``alpha``, ``seed``).
``hulp``
    A helper column for the disclosure engine (name starts with ``_``); never written.

Tables also declare their *relations*, the sums that hold between their counts (and
between counts of different tables): :class:`Som` (rows that add up to a total),
:class:`RijSom` (columns of one row that add up) and :class:`Cumulatief` (running
totals). A relation may have a ``rest``: an unreleased remainder that is itself a count
of persons (e.g. participants without costs = all − with costs). The disclosure engine
(:mod:`evaluatie.disclosure`) turns all of this into one linear system per region and
proves that no count below ``min_n`` can be derived from it.

Quantity names (``grootheid``) are templates over the row's key columns, for example
``"paren/{uitkomst}/{pre}/{post}"``. They are scoped to the interventie of the table
(the engine prefixes ``<interventie>/``); a template that starts with ``/`` is absolute,
for relations across interventies.

Readers find a table by its declared name (:func:`lees`) and get it typed; nothing is
recognised by its columns. :func:`documentatie` generates ``docs/resultaten.md``.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluatie.fouten import EvaluatieFout

__all__ = [
    "COMPANIONS",
    "Cumulatief",
    "Kolom",
    "RijSom",
    "Som",
    "Tabel",
    "ContractFout",
    "aandeel",
    "aantal",
    "bedrag",
    "code",
    "controleer",
    "documentatie",
    "hulp",
    "instelling",
    "lees",
    "onderdrukte_cellen",
    "schrijf",
    "sleutel",
    "statistiek",
    "tekst",
]

#: dtypes a released column may have (pandas names).
DTYPES = ("string", "Int64", "float64", "boolean")

#: Columns the disclosure engine adds to every released table.
COMPANIONS = ("onderdrukt", "onderdrukking")

SOORTEN = ("sleutel", "aantal", "statistiek", "aandeel", "bedrag", "code", "tekst",
           "instelling", "hulp")


class ContractFout(EvaluatieFout):
    """A table does not match its specification (a programming or spec error)."""


# --------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kolom:
    """One column of a releasable table. Use the constructors below, not this class."""

    naam: str
    soort: str
    dtype: str
    omschrijving: str = ""
    #: counts (column names or quantity templates) this value rests on
    basis: tuple[str, ...] | None = None
    #: quantity template of a count or amount (default: unique per cell)
    grootheid: str | None = None
    #: aandeel: teller and noemer (column name or quantity template), schaal (1 or 100)
    teller: str | None = None
    noemer: str | None = None
    schaal: float = 1.0
    #: bedrag: helper columns with the largest and second largest contribution
    top: tuple[str, str] | None = None
    #: statistics that follow an amount (e.g. a mean of a total): hidden with it
    volgt: tuple[str, ...] = ()
    #: fixed vocabulary for code/tekst columns (None: the context vocabulary)
    woorden: tuple[str, ...] | None = None
    #: weight in the choice of complementary cells (higher: hidden less readily)
    gewicht: float = 1.0
    #: does the value (with the others of its row) give its basis count away? A mean with
    #: its SD and t-interval, a percentage, a df of n − 1 do; a logit coefficient does not.
    #: A revealing value is hidden whenever its basis is; one that is not, only when the
    #: basis is smaller than ``min_n``. A tuple names the basis columns it reveals (a row
    #: of one estimator reveals its count, a row of another does not).
    onthult: bool | tuple[str, ...] = True

    def onthult_basis(self, basis: str) -> bool:
        """Does this value give the count in basis column (or template) ``basis`` away?"""
        return self.onthult if isinstance(self.onthult, bool) else basis in self.onthult

    def __post_init__(self) -> None:
        if self.soort not in SOORTEN:
            raise ContractFout(f"kolom {self.naam!r}: onbekende soort {self.soort!r}")
        if self.dtype not in DTYPES:
            raise ContractFout(f"kolom {self.naam!r}: dtype {self.dtype!r} niet in {DTYPES}")
        if (self.soort == "hulp") != self.naam.startswith("_"):
            raise ContractFout(f"kolom {self.naam!r}: hulpkolommen (en alleen die) beginnen met '_'")
        if self.naam in COMPANIONS:
            raise ContractFout(f"kolom {self.naam!r} is gereserveerd voor de onthullingscontrole")


def _basis(basis: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if basis is None:
        return None
    return (basis,) if isinstance(basis, str) else tuple(basis)


def sleutel(naam: str, omschrijving: str = "", dtype: str = "string",
            woorden: Sequence[str] | None = None) -> Kolom:
    """A key column: describes the row, never suppressed."""
    return Kolom(naam, "sleutel", dtype, omschrijving,
                 woorden=tuple(woorden) if woorden is not None else None)


def aantal(naam: str, omschrijving: str = "", grootheid: str | None = None,
           gewicht: float = 1.0) -> Kolom:
    """A count of persons (suppressed below ``min_n``)."""
    return Kolom(naam, "aantal", "Int64", omschrijving, grootheid=grootheid, gewicht=gewicht)


def statistiek(naam: str, omschrijving: str = "", basis: str | Sequence[str] | None = None,
               dtype: str = "float64", volgt: Sequence[str] = (),
               onthult: bool | Sequence[str] = True) -> Kolom:
    """A statistic over persons; suppressed when a count in ``basis`` is (``onthult=False``:
    only when that count is below ``min_n``; a sequence: the basis columns it reveals; see
    :class:`Kolom`)."""
    return Kolom(naam, "statistiek", dtype, omschrijving, basis=_basis(basis), volgt=tuple(volgt),
                 onthult=onthult if isinstance(onthult, bool) else tuple(onthult))


def aandeel(naam: str, omschrijving: str = "", *, teller: str, noemer: str,
            schaal: float = 100.0) -> Kolom:
    """A proportion ``teller / noemer * schaal``: another view of the ``teller`` count."""
    return Kolom(naam, "aandeel", "float64", omschrijving, teller=teller, noemer=noemer,
                 schaal=float(schaal))


def bedrag(naam: str, omschrijving: str = "", *, basis: str | Sequence[str],
           grootheid: str | None = None, top: tuple[str, str] | None = None) -> Kolom:
    """A sum of money over the persons in ``basis``; ``top``: helper columns with the
    largest and second largest contribution (for the dominance rule)."""
    return Kolom(naam, "bedrag", "float64", omschrijving, basis=_basis(basis), grootheid=grootheid,
                 top=top)


def code(naam: str, omschrijving: str = "", woorden: Sequence[str] = (),
         basis: str | Sequence[str] | None = None) -> Kolom:
    """A result code from a fixed vocabulary; rests on ``basis`` like a statistic."""
    return Kolom(naam, "code", "string", omschrijving, basis=_basis(basis), woorden=tuple(woorden),
                 onthult=False)


def tekst(naam: str, omschrijving: str = "", basis: str | Sequence[str] | None = None,
          woorden: Sequence[str] | None = None) -> Kolom:
    """Free text: released only when it is in the vocabulary, else masked."""
    return Kolom(naam, "tekst", "string", omschrijving, basis=_basis(basis),
                 woorden=tuple(woorden) if woorden is not None else None, onthult=False)


def instelling(naam: str, omschrijving: str = "", dtype: str = "float64") -> Kolom:
    """A setting or constant, independent of persons; never suppressed."""
    return Kolom(naam, "instelling", dtype, omschrijving)


def hulp(naam: str, omschrijving: str = "") -> Kolom:
    """A helper column for the disclosure engine (never written)."""
    return Kolom(naam, "hulp", "float64", omschrijving)


# --------------------------------------------------------------------------------------
# Relations
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Som:
    """Rows add up: per group of rows (equal values in ``per``, filtered by ``waar``), the
    cells of column ``deel`` sum to the quantity ``geheel`` (a template over ``per``).

    ``rest`` (a template) names an unreleased remainder that is a count of persons:
    ``geheel = sum(deel) + rest`` (``rest_bij="geheel"``: ``geheel + rest = sum(deel)``).
    ``waar`` maps a column to the values a row must have (``{"kolom": ("a", "b")}``), or,
    with a leading ``!`` in the column name, must not have.
    """

    deel: str
    geheel: str
    per: tuple[str, ...] = ()
    waar: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    rest: str | None = None
    rest_bij: str = "delen"


@dataclass(frozen=True)
class RijSom:
    """Within one row: ``sum(geheel) = sum(delen) + rest``. Each term is a column of the
    row or a quantity template; ``geheel`` may be one term or a tuple."""

    geheel: str | tuple[str, ...]
    delen: tuple[str, ...]
    rest: str | None = None
    waar: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Cumulatief:
    """A running total: ordered by ``volgorde`` within ``per``, each cell of ``kolom``
    equals the previous one plus ``rest`` (the persons added in between)."""

    kolom: str
    volgorde: str
    rest: str
    per: tuple[str, ...] = ()


Relatie = Som | RijSom | Cumulatief


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tabel:
    """The specification of one releasable table."""

    omschrijving: str
    kolommen: tuple[Kolom, ...]
    #: default basis of statistics, codes and texts without their own
    basis: tuple[str, ...] = ()
    relaties: tuple[Relatie, ...] = ()

    def __init__(self, omschrijving: str, kolommen: Iterable[Kolom], basis: str | Sequence[str] = (),
                 relaties: Iterable[Relatie] = ()):
        object.__setattr__(self, "omschrijving", " ".join(omschrijving.split()))
        object.__setattr__(self, "kolommen", tuple(kolommen))
        object.__setattr__(self, "basis", _basis(basis) or ())
        object.__setattr__(self, "relaties", tuple(relaties))
        namen = [k.naam for k in self.kolommen]
        dubbel = sorted({n for n in namen if namen.count(n) > 1})
        if dubbel:
            raise ContractFout(f"dubbele kolommen {dubbel}")
        per_naam = {k.naam: k for k in self.kolommen}
        for k in self.kolommen:
            for b in self.basis_van(k):
                if "/" not in b and (b not in per_naam or per_naam[b].soort != "aantal"):
                    raise ContractFout(f"kolom {k.naam!r}: basis {b!r} is geen aantal in de tabel")
            if not isinstance(k.onthult, bool) and not set(k.onthult) <= set(self.basis_van(k)):
                raise ContractFout(f"kolom {k.naam!r}: onthult {list(k.onthult)} staat niet in de basis")
            for v in k.volgt:
                if v not in per_naam or per_naam[v].soort != "bedrag":
                    raise ContractFout(f"kolom {k.naam!r}: volgt {v!r}, geen bedrag in de tabel")
            if k.top:
                for t in k.top:
                    if t not in per_naam or per_naam[t].soort != "hulp":
                        raise ContractFout(f"kolom {k.naam!r}: top-kolom {t!r} is geen hulpkolom")
            for ref in (k.teller, k.noemer):
                if ref and "/" not in ref and (ref not in per_naam or per_naam[ref].soort != "aantal"):
                    raise ContractFout(f"kolom {k.naam!r}: {ref!r} is geen aantal in de tabel")
        for r in self.relaties:
            for kol in _relatie_kolommen(r):
                if kol.lstrip("!") not in per_naam:
                    raise ContractFout(f"relatie {r}: kolom {kol!r} niet in de tabel")
            # rows are selected and grouped by keys only: a key is never suppressed, so the
            # checker sees the same relation as the engine
            for kol in [*getattr(r, "per", ()), *getattr(r, "waar", {})]:
                if per_naam[kol.lstrip("!")].soort != "sleutel":
                    raise ContractFout(f"relatie {r}: {kol.lstrip('!')!r} is geen sleutelkolom")

    # ------------------------------------------------------------------ views
    @property
    def namen(self) -> list[str]:
        return [k.naam for k in self.kolommen]

    def kolom(self, naam: str) -> Kolom:
        for k in self.kolommen:
            if k.naam == naam:
                return k
        raise KeyError(naam)

    def van_soort(self, *soorten: str) -> list[Kolom]:
        return [k for k in self.kolommen if k.soort in soorten]

    @property
    def sleutels(self) -> list[str]:
        return [k.naam for k in self.kolommen if k.soort == "sleutel"]

    @property
    def vrijgegeven(self) -> list[str]:
        """Columns as written: every non-helper column, then the companions."""
        return [k.naam for k in self.kolommen if k.soort != "hulp"] + list(COMPANIONS)

    def basis_van(self, k: Kolom) -> tuple[str, ...]:
        """What a statistic, code, text or amount rests on (its own basis or the table's)."""
        if k.soort not in ("statistiek", "code", "tekst", "bedrag"):
            return ()
        return k.basis if k.basis is not None else self.basis

    def dtypes(self, met_hulp: bool = False, met_companions: bool = True) -> dict[str, str]:
        uit = {k.naam: k.dtype for k in self.kolommen if met_hulp or k.soort != "hulp"}
        if met_companions:
            uit.update(onderdrukt="boolean", onderdrukking="string")
        return uit

    def als_dict(self) -> dict[str, Any]:
        """JSON-able form (for ``_tabellen.json`` and the docs)."""
        return {
            "omschrijving": self.omschrijving,
            "kolommen": [
                {k_: v for k_, v in {
                    "naam": k.naam, "soort": k.soort, "dtype": k.dtype,
                    "omschrijving": k.omschrijving,
                    "basis": list(self.basis_van(k)) or None, "grootheid": k.grootheid,
                    "teller": k.teller, "noemer": k.noemer,
                    "schaal": k.schaal if k.soort == "aandeel" else None,
                    "woorden": list(k.woorden) if k.woorden is not None else None,
                }.items() if v not in (None, "")}
                for k in self.kolommen if k.soort != "hulp"],
            "relaties": [_relatie_tekst(r) for r in self.relaties],
        }


def _relatie_kolommen(r: Relatie) -> list[str]:
    if isinstance(r, Som):
        return [r.deel, *r.per, *r.waar]
    if isinstance(r, RijSom):
        termen = [r.geheel] if isinstance(r.geheel, str) else list(r.geheel)
        return [t for t in [*termen, *r.delen] if "/" not in t and "{" not in t] + list(r.waar)
    return [r.kolom, r.volgorde, *r.per]


def _relatie_tekst(r: Relatie) -> str:
    if isinstance(r, Som):
        per = f" per {', '.join(r.per)}" if r.per else ""
        waar = "".join(f" waar {k} {'niet ' if k.startswith('!') else ''}in {list(v)}"
                       for k, v in r.waar.items()).replace("!", "")
        rest = f" + rest {r.rest}" if r.rest else ""
        return f"som van {r.deel}{per}{waar}{rest} = {r.geheel}"
    if isinstance(r, RijSom):
        rest = f" + rest {r.rest}" if r.rest else ""
        links = r.geheel if isinstance(r.geheel, str) else " + ".join(r.geheel)
        waar = "".join(f" waar {k} {'niet ' if k.startswith('!') else ''}in {list(v)}"
                       for k, v in r.waar.items()).replace("!", "")
        return f"{links} = {' + '.join(r.delen)}{rest} (per rij{waar})"
    return f"{r.kolom} loopt op in {r.volgorde}; verschil = {r.rest}"


# --------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------

_VELD = string.Formatter()


def velden(template: str) -> list[str]:
    """The placeholders of a quantity template."""
    return [v for _, v, _, _ in _VELD.parse(template) if v]


def vul_in(template: str, waarden: Mapping[str, Any]) -> str:
    """Fill a template with key values (missing keys and NA become empty)."""
    def tekst(x: Any) -> str:
        return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)
    return template.format_map({v: tekst(waarden.get(v)) for v in velden(template)})


# --------------------------------------------------------------------------------------
# Checking a returned table
# --------------------------------------------------------------------------------------


def _typeer(reeks: pd.Series, dtype: str, naam: str, tabel: str) -> pd.Series:
    """Convert to ``dtype`` without losing information, else :class:`ContractFout`."""
    try:
        if dtype == "Int64":
            getal = pd.to_numeric(reeks, errors="raise") if reeks.dtype == object else reeks
            if pd.api.types.is_float_dtype(getal):
                f = getal.astype("float64")
                heel = f.dropna()
                if not np.all(np.isfinite(heel)) or not np.all(heel == np.round(heel)):
                    raise ValueError("geen gehele getallen")
            return getal.astype("Int64")
        if dtype == "float64":
            return pd.to_numeric(reeks, errors="raise").astype("float64")
        if dtype == "boolean":
            if reeks.dtype == object:
                onbekend = set(reeks.dropna().map(type)) - {bool, np.bool_}
                if onbekend:
                    raise ValueError(f"geen waar/onwaar: {onbekend}")
            return reeks.astype("boolean")
        uit = reeks.astype("string")
        return uit
    except (ValueError, TypeError) as e:
        raise ContractFout(f"tabel {tabel!r}, kolom {naam!r}: niet als {dtype} te lezen ({e})") from None


def controleer(df: pd.DataFrame, spec: Tabel, naam: str) -> pd.DataFrame:
    """Check a table an analysis returned against its specification; return it typed.

    Every declared column must be present and no other; values must convert to the
    declared dtype without loss; codes must be in their vocabulary. Raises
    :class:`ContractFout` naming the table and column.
    """
    if not isinstance(df, pd.DataFrame):
        raise ContractFout(f"tabel {naam!r}: geen DataFrame maar {type(df).__name__}")
    ontbreekt = [k for k in spec.namen if k not in df.columns]
    extra = [k for k in df.columns if k not in spec.namen]
    if ontbreekt or extra:
        delen = []
        if ontbreekt:
            delen.append(f"ontbrekende kolommen {ontbreekt}")
        if extra:
            delen.append(f"niet gespecificeerde kolommen {extra}")
        raise ContractFout(f"tabel {naam!r} past niet bij zijn specificatie: {'; '.join(delen)}")
    uit = pd.DataFrame({k.naam: _typeer(df[k.naam], k.dtype, k.naam, naam) for k in spec.kolommen},
                       index=pd.RangeIndex(len(df)))
    for k in spec.kolommen:
        if k.soort == "code" and k.woorden:
            onbekend = sorted(set(uit[k.naam].dropna()) - set(k.woorden) - {""})
            if onbekend:
                raise ContractFout(f"tabel {naam!r}, kolom {k.naam!r}: waarden {onbekend} niet in "
                                   f"de woordenlijst {list(k.woorden)}")
        if k.soort == "aantal":
            neg = uit[k.naam].dropna() < 0
            if neg.any():
                raise ContractFout(f"tabel {naam!r}, kolom {k.naam!r}: negatief aantal")
    return uit


# --------------------------------------------------------------------------------------
# Reading and writing released tables
# --------------------------------------------------------------------------------------


def schrijf(df: pd.DataFrame, pad: Path) -> None:
    """Write a released table as CSV (UTF-8, full float precision, empty = missing).

    Text cells are neutralised for spreadsheets (:func:`evaluatie.veilig.cel`);
    :func:`lees_csv` undoes that.
    """
    from evaluatie.veilig import cel

    pad = Path(pad)
    df = df.copy()
    for k in df.columns:
        if df[k].dtype == object or isinstance(df[k].dtype, pd.StringDtype):
            df[k] = df[k].map(cel, na_action="ignore")
    pad.parent.mkdir(parents=True, exist_ok=True)
    tijdelijk = pad.with_name(f".{pad.name}.tmp")
    # CRLF (RFC 4180): the csv writer then also quotes a text holding a lone CR
    df.to_csv(tijdelijk, index=False, na_rep="", lineterminator="\r\n")
    tijdelijk.replace(pad)


def lees_csv(pad: Path, dtypes: Mapping[str, str]) -> pd.DataFrame:
    """Read a released CSV with the declared dtypes (empty cells are missing)."""
    from evaluatie.veilig import cel_terug

    df = pd.read_csv(pad, dtype=str, keep_default_na=False, na_values=[""])
    onbekend = [k for k in df.columns if k not in dtypes]
    if onbekend:
        raise ContractFout(f"{pad}: kolommen {onbekend} staan niet in de specificatie")
    uit = {}
    for k in df.columns:
        d = dtypes[k]
        if d == "boolean":
            uit[k] = df[k].map({"True": True, "False": False}, na_action="ignore").astype("boolean")
        elif d == "Int64":
            uit[k] = pd.to_numeric(df[k]).astype("Int64")
        elif d == "float64":
            uit[k] = pd.to_numeric(df[k]).astype("float64")
        else:
            uit[k] = df[k].map(cel_terug, na_action="ignore").astype("string")
    return pd.DataFrame(uit, columns=list(df.columns))


def manifest(map_: Path) -> dict[str, Any]:
    """The ``_tabellen.json`` of one analysis directory of a release."""
    return json.loads((Path(map_) / "_tabellen.json").read_text(encoding="utf-8"))


def lees(map_: str | Path, analyse: str, tabel: str) -> pd.DataFrame:
    """A released table by its declared name, typed from the specification in the release.

    ``map_`` is the interventie's (or region's) directory in ``publiceerbaar/``.
    Raises :class:`ContractFout` when the analysis did not declare the table, and
    :class:`FileNotFoundError` when the analysis did not run.
    """
    m = Path(map_) / analyse
    info = manifest(m)
    if tabel not in info["tabellen"]:
        raise ContractFout(f"analyse {analyse!r} heeft geen tabel {tabel!r}; wel: "
                           f"{', '.join(info['tabellen'])}")
    spec = info["tabellen"][tabel]
    dtypes = {k["naam"]: k["dtype"] for k in spec["kolommen"]}
    dtypes.update(onderdrukt="boolean", onderdrukking="string")
    return lees_csv(m / f"{tabel}.csv", dtypes)


def onderdrukte_cellen(waarde: Any) -> dict[str, str]:
    """Parse an ``onderdrukking`` cell: ``{kolom: reden}``."""
    if waarde is None or (not isinstance(waarde, str) and pd.isna(waarde)) or not str(waarde):
        return {}
    uit = {}
    for deel in str(waarde).split("|"):
        kolom, _, reden = deel.partition(":")
        uit[kolom] = reden
    return uit


def codeer_onderdrukking(cellen: Mapping[str, str]) -> str:
    return "|".join(f"{k}:{v}" for k, v in cellen.items())


# --------------------------------------------------------------------------------------
# Documentation
# --------------------------------------------------------------------------------------

_SOORT_TEKST = {
    "sleutel": "sleutel", "aantal": "aantal personen", "statistiek": "statistiek",
    "aandeel": "aandeel", "bedrag": "bedrag (€)", "code": "code", "tekst": "tekst",
    "instelling": "instelling",
}


def _cel(tekst: str) -> str:
    return str(tekst).replace("|", "\\|").replace("\n", " ")


def documentatie(analyses: Mapping[str, tuple[str, Mapping[str, Tabel]]]) -> str:
    """Markdown for ``docs/resultaten.md``: every analysis, table, column and relation.

    ``analyses`` maps an analysis name to ``(titel, {tabel: Tabel})``.
    """
    regels = [
        "# Resultaattabellen",
        "",
        "Gegenereerd uit de specificaties van de analyses (`evaluatie.contract`); niet met de "
        "hand bewerken (`evaluatie resultaten --uit docs/resultaten.md`).",
        "",
        "Elke tabel staat als `publiceerbaar/<interventie>/<analyse>/<tabel>.csv` in de "
        "vrijgave, met de specificatie in `_tabellen.json` ernaast. Elke tabel heeft ook de "
        "kolommen `onderdrukt` (waar/onwaar: is in deze rij een cel onderdrukt) en "
        "`onderdrukking` (welke cellen, met de regel: `kolom:aantal`, `kolom:dominantie` of "
        "`kolom:tekst`). Een onderdrukte cel is leeg.",
        "",
        "Soorten kolommen: *aantal* (personen; onder de drempel onderdrukt), *statistiek* "
        "(rust op de genoemde aantallen en verdwijnt met hen; een statistiek die het aantal niet "
        "prijsgeeft, zoals een modelschatting, blijft staan zolang dat aantal minstens de drempel "
        "is), *aandeel* (teller/noemer), "
        "*bedrag* (som in euro; dominantieregel), *code* en *tekst* (alleen uit een vaste "
        "woordenlijst), *sleutel* en *instelling* (nooit onderdrukt).",
        "",
    ]
    for naam, (titel, tabellen) in analyses.items():
        regels += [f"## `{naam}`: {titel}", ""]
        for t, spec in tabellen.items():
            regels += [f"### `{naam}/{t}.csv`", "", spec.omschrijving, "",
                       "| kolom | soort | type | omschrijving | rust op |", "|---|---|---|---|---|"]
            for k in spec.kolommen:
                if k.soort == "hulp":
                    continue
                rust = ", ".join(f"`{b}`" for b in spec.basis_van(k))
                if rust and k.soort == "statistiek" and k.onthult is not True:
                    rust += (" (geeft het aantal niet prijs)" if k.onthult is False else
                             f" (geeft alleen {', '.join(f'`{b}`' for b in k.onthult)} prijs)")
                if k.soort == "aandeel":
                    rust = f"`{k.teller}` / `{k.noemer}`"
                if k.grootheid:
                    rust = (rust + " " if rust else "") + f"(grootheid `{k.grootheid}`)"
                regels.append(f"| `{k.naam}` | {_SOORT_TEKST[k.soort]} | {k.dtype} | "
                              f"{_cel(k.omschrijving)} | {rust} |")
            if spec.relaties:
                regels += ["", "Relaties (voor de onthullingscontrole):", ""]
                regels += [f"- {_cel(_relatie_tekst(r))}" for r in spec.relaties]
            regels.append("")
    return "\n".join(regels).rstrip() + "\n"


_NAAM = re.compile(r"^[a-z][a-z0-9_]*$")


def controleer_naam(naam: str, wat: str) -> None:
    if not _NAAM.match(naam):
        raise ContractFout(f"{wat} {naam!r}: alleen kleine letters, cijfers en _")
