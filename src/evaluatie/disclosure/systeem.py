"""From released tables and their specifications to one linear system.

A *grootheid* (quantity) is one unknown of the attacker: a count of persons or an
amount of money. Cells of released tables *show* a quantity (a count cell, an amount
cell, or a proportion whose denominator is shown), or *rest on* one (a mean, a
p-value, a status text): when the quantity is hidden, so are those cells. Two cells
with the same quantity name (``grootheid`` in the specification) are the same unknown,
in whatever table of the region they stand.

Relations of the specifications (:class:`~evaluatie.contract.Som`,
:class:`~evaluatie.contract.RijSom`, :class:`~evaluatie.contract.Cumulatief`) become
linear equations ``sum(c_i * x_i) = 0`` over the quantities; a relation's ``rest`` is
a quantity of its own that no cell shows (a complement such as "participants without
costs"). Counts and amounts form two separate systems (different units).

Written by hand because no library models released *tables* this way: sdcMicro and
tau-argus work on one hypercube at a time and know nothing of a quantity that appears
in several tables; the linear programs themselves are SciPy's (HiGHS), see
:mod:`evaluatie.disclosure.audit`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from evaluatie.contract import Cumulatief, Kolom, RijSom, Som, Tabel, onderdrukte_cellen, vul_in
from evaluatie.fouten import EvaluatieFout

__all__ = ["Cel", "Grootheid", "Invoer", "Systeem", "Vergelijking", "bouw"]


@dataclass(frozen=True)
class Invoer:
    """One table of a release: where it belongs, its specification and its values."""

    scope: str          # interventie code, or "regio"
    analyse: str
    tabel: str
    spec: Tabel
    df: pd.DataFrame

    @property
    def naam(self) -> str:
        return f"{self.scope}/{self.analyse}/{self.tabel}"


@dataclass(frozen=True)
class Cel:
    tabel: int   # index in Systeem.invoer
    rij: int
    kolom: str


@dataclass
class Grootheid:
    naam: str
    soort: str                                 # "aantal" | "bedrag"
    waarde: float = math.nan                   # true value, or the released one
    cellen: list[Cel] = field(default_factory=list)        # cells that show the value
    aandelen: list[tuple[Cel, str, float]] = field(default_factory=list)  # (cel, noemer, schaal)
    afhankelijk: list[Cel] = field(default_factory=list)   # cells that give it away
    rust: list[Cel] = field(default_factory=list)          # cells resting on it (not revealing)
    bedragen: list[str] = field(default_factory=list)      # amounts over these persons
    top: tuple[float, float] | None = None                 # largest two contributions
    gewicht: float = 1.0

    @property
    def impliciet(self) -> bool:
        """Shown by no count or amount cell (a remainder, or a proportion's numerator)."""
        return not self.cellen

    @property
    def bekend(self) -> bool:
        return not math.isnan(self.waarde)


@dataclass
class Vergelijking:
    coef: dict[str, float]
    soort: str        # "aantal" | "bedrag"
    oorsprong: str    # for messages

    def rest(self, waarden: dict[str, float]) -> float:
        return sum(c * waarden[n] for n, c in self.coef.items())


class SysteemFout(EvaluatieFout):
    """The tables contradict their specification (a relation does not hold)."""


@dataclass
class Systeem:
    invoer: list[Invoer]
    grootheden: dict[str, Grootheid]
    vergelijkingen: list[Vergelijking]
    #: text and code cells that must be in a vocabulary: (cel, woorden or None)
    teksten: list[tuple[Cel, tuple[str, ...] | None]]
    #: cells that rest on nothing (keys, settings) are not listed anywhere
    #: problems found while building (verify mode: inconsistent views)
    problemen: list[str] = field(default_factory=list)
    #: the tables' values as lists per column (fast cell access)
    kol: list[dict[str, list]] = field(default_factory=list)

    def cel_tekst(self, c: Cel) -> str:
        inv = self.invoer[c.tabel]
        return f"{inv.naam}, rij {c.rij + 2}, kolom '{c.kolom}'"

    def waarde(self, c: Cel) -> Any:
        if self.kol:
            return self.kol[c.tabel][c.kolom][c.rij]
        return self.invoer[c.tabel].df[c.kolom].iat[c.rij]


def _leeg(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _naam(scope: str, template: str, sleutels: dict[str, Any]) -> str:
    tekst = vul_in(template, sleutels)
    return tekst[1:] if tekst.startswith("/") else f"{scope}/{tekst}"


def _past(df: pd.DataFrame, waar: dict[str, tuple[Any, ...]]) -> np.ndarray:
    keep = np.ones(len(df), dtype=bool)
    for kolom, waarden in waar.items():
        niet = kolom.startswith("!")
        k = kolom.lstrip("!")
        tekst = df[k].astype("string").fillna("")
        isin = tekst.isin([str(w) for w in waarden]).to_numpy(bool)
        keep &= ~isin if niet else isin
    return keep


class _Bouwer:
    def __init__(self, invoer: Sequence[Invoer], waar: bool):
        self.invoer = list(invoer)
        self.waar = waar  # protect mode: df holds true values
        self.g: dict[str, Grootheid] = {}
        self.v: list[Vergelijking] = []
        self.teksten: list[tuple[Cel, tuple[str, ...] | None]] = []
        self.problemen: list[str] = []
        self._gezien: set[frozenset] = set()
        self.kol: list[dict[str, list]] = []
        # per table: (row, column) -> quantity name of a count or amount cell
        self.cel_naam: list[dict[tuple[int, str], str]] = []

    # ------------------------------------------------------------------ quantities
    def grootheid(self, naam: str, soort: str) -> Grootheid:
        g = self.g.get(naam)
        if g is None:
            g = self.g[naam] = Grootheid(naam, soort)
        elif g.soort != soort:
            raise SysteemFout(f"grootheid {naam!r} is zowel een aantal als een bedrag")
        return g

    def toon(self, g: Grootheid, cel: Cel, waarde: Any, gewicht: float) -> None:
        """Register a cell that shows ``g``; check that all such cells agree."""
        g.cellen.append(cel)
        g.gewicht = max(g.gewicht, gewicht)
        if _leeg(waarde):
            if self.waar:
                return  # a count the analysis could not give (e.g. not applicable)
            return
        w = float(waarde)
        if not g.bekend:
            g.waarde = w
        elif not math.isclose(g.waarde, w, rel_tol=1e-9, abs_tol=1e-6):
            plek = self._plek(cel)
            tekst = (f"{plek}: grootheid {g.naam!r} heeft hier {w:g}, elders {g.waarde:g}")
            if self.waar:
                raise SysteemFout("Dezelfde grootheid heeft twee waarden; de specificatie "
                                  f"klopt niet: {tekst}")
            self.problemen.append(tekst)

    def _plek(self, c: Cel) -> str:
        inv = self.invoer[c.tabel]
        return f"{inv.naam}, rij {c.rij + 2}, kolom '{c.kolom}'"

    # ------------------------------------------------------------------ tables
    def tabel(self, t: int) -> None:
        inv = self.invoer[t]
        spec, df = inv.spec, inv.df
        namen: dict[tuple[int, str], str] = {}
        self.cel_naam.append(namen)
        kol = {k: df[k].tolist() for k in df.columns}
        self.kol.append(kol)
        sleutels = spec.sleutels
        rijen = df[sleutels].to_dict("records") if sleutels else [{} for _ in range(len(df))]
        aantallen = spec.van_soort("aantal")
        bedragen = spec.van_soort("bedrag")
        # verify mode: an empty cell is hidden when the companion column says so, and
        # otherwise not applicable (as an empty cell is in protect mode)
        verborgen: set[tuple[int, str]] = set()
        if not self.waar and "onderdrukking" in df.columns:
            for i, w in enumerate(df["onderdrukking"]):
                verborgen |= {(i, k) for k in onderdrukte_cellen(w)}

        def van_toepassing(i: int, kolom: str) -> bool:
            return not _leeg(kol[kolom][i]) or (i, kolom) in verborgen

        for i, s in enumerate(rijen):
            s = {**s, "_rij": i}
            for k in aantallen:
                if not van_toepassing(i, k.naam):
                    continue
                naam = (_naam(inv.scope, k.grootheid, s) if k.grootheid
                        else f"{inv.naam}/{i}/{k.naam}")
                namen[(i, k.naam)] = naam
                self.toon(self.grootheid(naam, "aantal"), Cel(t, i, k.naam), kol[k.naam][i],
                          k.gewicht)
            for k in bedragen:
                if not van_toepassing(i, k.naam):
                    continue
                naam = (_naam(inv.scope, k.grootheid, s) if k.grootheid
                        else f"{inv.naam}/{i}/{k.naam}")
                namen[(i, k.naam)] = naam
                g = self.grootheid(naam, "bedrag")
                self.toon(g, Cel(t, i, k.naam), kol[k.naam][i], k.gewicht)
                if k.top and self.waar:
                    a, b = (kol[k.top[0]][i], kol[k.top[1]][i])
                    if not _leeg(a):
                        g.top = (float(a), 0.0 if _leeg(b) else float(b))
                for basis in self.basis(t, i, s, spec.basis_van(k)):
                    if naam not in self.grootheid(basis, "aantal").bedragen:
                        self.grootheid(basis, "aantal").bedragen.append(naam)
        # cells that rest on quantities, proportions and texts
        for i, s in enumerate(rijen):
            s = {**s, "_rij": i}
            for k in spec.kolommen:
                cel = Cel(t, i, k.naam)
                if k.soort == "aandeel":
                    teller = self.verwijzing(t, i, s, k.teller)
                    noemer = self.verwijzing(t, i, s, k.noemer)
                    if teller is None or noemer is None:
                        continue
                    tg = self.grootheid(teller, "aantal")
                    tg.aandelen.append((cel, noemer, k.schaal))
                    self.grootheid(noemer, "aantal").afhankelijk.append(cel)
                    waarde, nw = kol[k.naam][i], self.g[noemer].waarde
                    if self.waar and tg.impliciet and not tg.bekend and not _leeg(waarde) \
                            and not math.isnan(nw):
                        tg.waarde = float(round(float(waarde) * nw / k.schaal))
                elif k.soort in ("statistiek", "code", "tekst"):
                    for ref in spec.basis_van(k):
                        b = self.verwijzing(t, i, s, ref)
                        if b is None:
                            continue
                        g = self.grootheid(b, "aantal")
                        (g.afhankelijk if k.onthult_basis(ref) else g.rust).append(cel)
                    for v in k.volgt:
                        if (i, v) in namen:
                            self.grootheid(namen[(i, v)], "bedrag").afhankelijk.append(cel)
                    if k.soort == "tekst" or (k.soort == "code" and k.woorden):
                        self.teksten.append((cel, k.woorden))
        for r in spec.relaties:
            self.relatie(t, r, rijen)

    def verwijzing(self, t: int, i: int, s: dict[str, Any], ref: str) -> str | None:
        """A column of the row (its quantity; None when not applicable) or a template."""
        if "/" in ref or "{" in ref:
            return _naam(self.invoer[t].scope, ref, s)
        return self.cel_naam[t].get((i, ref))

    def basis(self, t: int, i: int, s: dict[str, Any], basis: Iterable[str]) -> list[str]:
        return [n for n in (self.verwijzing(t, i, s, b) for b in basis) if n is not None]

    # ------------------------------------------------------------------ relations
    def relatie(self, t: int, r: Som | RijSom | Cumulatief, rijen: list[dict[str, Any]]) -> None:
        """Equations of one relation; a group with a not-applicable cell is left out."""
        inv = self.invoer[t]
        df = inv.df
        kol = self.kol[t]
        namen = self.cel_naam[t]
        oorsprong = f"{inv.naam}: {r}"

        def ref(i: int, naam: str) -> str | None:
            return self.verwijzing(t, i, {**rijen[i], "_rij": i}, naam)

        if isinstance(r, Som):
            soort = inv.spec.kolom(r.deel).soort
            keep = _past(df, dict(r.waar))
            groepen: dict[tuple, list[int]] = defaultdict(list)
            for i in np.flatnonzero(keep):
                groepen[tuple(str(kol[p][int(i)]) for p in r.per)].append(int(i))
            for leden in groepen.values():
                # a part that does not apply (an empty cell in protect mode) holds nobody
                delen = {namen.get((i, r.deel)) for i in leden} - {None}
                if not delen:
                    continue
                s = {p: kol[p][leden[0]] for p in r.per}
                geheel = _naam(inv.scope, r.geheel, s)
                zijde = -1.0 if r.rest_bij == "geheel" else 1.0
                coef: dict[str, float] = defaultdict(float)
                coef[geheel] += zijde
                for d in delen:
                    coef[d] -= zijde
                self.grootheid(geheel, soort)
                if r.rest:
                    rest = _naam(inv.scope, r.rest, s)
                    self.grootheid(rest, soort)
                    coef[rest] -= 1.0
                self.vergelijking(coef, soort, oorsprong)
        elif isinstance(r, RijSom):
            geheel_refs = (r.geheel,) if isinstance(r.geheel, str) else tuple(r.geheel)
            eerste = geheel_refs[0] if "/" not in geheel_refs[0] else r.delen[0]
            soort = inv.spec.kolom(eerste).soort if "/" not in eerste else "aantal"
            keep = _past(df, dict(r.waar))
            for i in np.flatnonzero(keep):
                i = int(i)
                links = [ref(i, g) for g in geheel_refs]
                rechts = [ref(i, d) for d in r.delen]
                if None in links or None in rechts:
                    continue
                coef = defaultdict(float)
                for n in links:
                    self.grootheid(n, soort)
                    coef[n] += 1.0
                for n in rechts:
                    self.grootheid(n, soort)
                    coef[n] -= 1.0
                if r.rest:
                    rest = _naam(inv.scope, r.rest, {**rijen[i], "_rij": i})
                    self.grootheid(rest, soort)
                    coef[rest] -= 1.0
                self.vergelijking(coef, soort, oorsprong)
        else:
            soort = inv.spec.kolom(r.kolom).soort
            groepen = defaultdict(list)
            for i in range(len(df)):
                groepen[tuple(str(kol[p][i]) for p in r.per)].append(i)
            for leden in groepen.values():
                leden = [i for i in leden if (i, r.kolom) in namen and not _leeg(kol[r.volgorde][i])]
                volg = sorted(leden, key=lambda i: float(kol[r.volgorde][i]))
                for a, b in zip(volg, volg[1:], strict=False):
                    rest = _naam(inv.scope, r.rest, {**rijen[b], "_rij": b})
                    self.grootheid(rest, soort)
                    self.vergelijking({namen[(b, r.kolom)]: 1.0, namen[(a, r.kolom)]: -1.0,
                                       rest: -1.0}, soort, oorsprong)

    def vergelijking(self, coef: dict[str, float], soort: str, oorsprong: str) -> None:
        coef = {n: c for n, c in coef.items() if c != 0}
        sleutel = frozenset(coef.items())
        if coef and sleutel not in self._gezien:
            self._gezien.add(sleutel)
            self.v.append(Vergelijking(coef, soort, oorsprong))

    # ------------------------------------------------------------------ true values
    def los_op(self) -> None:
        """Protect mode: give every remainder its true value and check every relation."""
        veranderd = True
        while veranderd:
            veranderd = False
            for v in self.v:
                onbekend = [n for n in v.coef if not self.g[n].bekend]
                if len(onbekend) == 1:
                    n = onbekend[0]
                    rest = sum(c * self.g[m].waarde for m, c in v.coef.items() if m != n)
                    self.g[n].waarde = -rest / v.coef[n]
                    veranderd = True
        for v in self.v:
            if all(self.g[n].bekend for n in v.coef):
                fout = v.rest({n: self.g[n].waarde for n in v.coef})
                schaal = max(1.0, *(abs(self.g[n].waarde) for n in v.coef))
                if abs(fout) > 1e-6 * schaal:
                    raise SysteemFout(f"relatie klopt niet ({fout:+g}): {v.oorsprong}")
        for g in self.g.values():
            if g.bekend and g.waarde < -1e-6 and g.soort == "aantal":
                raise SysteemFout(f"grootheid {g.naam!r} is negatief ({g.waarde:g}); een relatie "
                                  "in de specificatie klopt niet")
            if g.bekend and g.soort == "aantal":
                g.waarde = float(round(g.waarde))


def bouw(invoer: Sequence[Invoer], waar: bool) -> Systeem:
    """Build the linear system of a release.

    ``waar=True`` (protect mode): the tables hold the true values; every remainder gets
    its value from the relations and every relation is checked (a relation that does
    not hold is a specification error, :class:`SysteemFout`). ``waar=False`` (verify
    mode): the tables are as released; hidden cells are empty, so their quantities are
    unknown; inconsistent cells are listed in :attr:`Systeem.problemen`.
    """
    b = _Bouwer(invoer, waar)
    for t in range(len(b.invoer)):
        b.tabel(t)
    if waar:
        b.los_op()
    return Systeem(b.invoer, b.g, b.v, b.teksten, b.problemen, b.kol)


def kolom_soort(spec: Tabel, naam: str) -> Kolom:
    return spec.kolom(naam)
