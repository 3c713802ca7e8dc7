"""What an attacker can derive: bounds on every hidden quantity by linear programming.

Given the released values, the relations and ``x >= 0``, the attacker's knowledge of a
hidden quantity is an interval ``[lo, hi]``. The rules (see :mod:`evaluatie.disclosure`):

- a hidden **count** must have ``hi == 0`` (it is known to be zero, which reveals
  nobody) or ``hi >= min_n``: otherwise the released tables prove that it, and every
  sum of hidden counts it is part of, is a small group of persons. This also rules out
  exact recovery of a small count, and of a small sum of hidden counts;
- a hidden **amount** must not be recovered exactly, and (when its true value is
  known, in protect mode) its interval must reach at least ``marge`` beyond the value
  on both sides (the protection level of the dominance rule).

Counts are integers: when the linear-programming bound says "safe" but the optimum is
not integral, a mixed-integer program (``scipy.optimize.milp``) confirms that an
integer solution with ``x >= min_n`` exists. The system splits into independent
components (hidden quantities linked by a relation), so each program is small; they are
solved with HiGHS (``highspy``), the solver SciPy uses too.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import optimize, sparse

from evaluatie.disclosure.systeem import Vergelijking

__all__ = ["Grens", "componenten", "grenzen"]

_TOL = 1e-7


@dataclass
class Grens:
    """The attacker's interval for one hidden quantity, and the relations that bound it."""

    naam: str
    lo: float
    hi: float
    bindend_hi: list[int]   # indices of relations with a non-zero dual at the maximum
    bindend_lo: list[int]


def componenten(onbekend: Iterable[str], vergelijkingen: list[Vergelijking]
                ) -> list[tuple[list[str], list[int]]]:
    """Connected components of the hidden quantities: (names, relation indices)."""
    onbekend = set(onbekend)
    ouder: dict[str, str] = {n: n for n in onbekend}

    def wortel(n: str) -> str:
        while ouder[n] != n:
            ouder[n] = ouder[ouder[n]]
            n = ouder[n]
        return n

    for v in vergelijkingen:
        leden = [n for n in v.coef if n in onbekend]
        for a, b in zip(leden, leden[1:], strict=False):
            ra, rb = wortel(a), wortel(b)
            if ra != rb:
                ouder[ra] = rb
    namen: dict[str, list[str]] = defaultdict(list)
    for n in onbekend:
        namen[wortel(n)].append(n)
    relaties: dict[str, list[int]] = defaultdict(list)
    for j, v in enumerate(vergelijkingen):
        leden = [n for n in v.coef if n in onbekend]
        if leden:
            relaties[wortel(leden[0])].append(j)
    return [(sorted(namen[r]), relaties.get(r, [])) for r in sorted(namen)]


def _programma(namen: list[str], relaties: list[int], vergelijkingen: list[Vergelijking],
               bekend: Mapping[str, float]) -> tuple[sparse.csc_array, np.ndarray]:
    kolom = {n: j for j, n in enumerate(namen)}
    rij, kol, data, b = [], [], [], []
    for r, j in enumerate(relaties):
        v = vergelijkingen[j]
        rest = 0.0
        for n, c in v.coef.items():
            if n in kolom:
                rij.append(r)
                kol.append(kolom[n])
                data.append(c)
            else:
                rest += c * bekend[n]
        b.append(-rest)
    a = sparse.csc_array((data, (rij, kol)), shape=(len(relaties), len(namen)))
    return a, np.asarray(b, dtype=float)


_OPLOSSER = None


def _oplosser():
    """One HiGHS instance, reused (its start-up banner silenced; it writes to fd 1)."""
    global _OPLOSSER
    if _OPLOSSER is None:
        import os
        import sys

        import highspy

        sys.stdout.flush()
        kopie = os.dup(1)
        try:
            with open(os.devnull, "w") as leeg:
                os.dup2(leeg.fileno(), 1)
                _OPLOSSER = highspy.Highs()
        finally:
            os.dup2(kopie, 1)
            os.close(kopie)
        _OPLOSSER.setOptionValue("output_flag", False)
    return _OPLOSSER


class _Programma:
    """One component as a HiGHS model (``highspy``): ``A x = b``, ``x >= lb``; the objective
    is changed per quantity. HiGHS directly rather than through ``scipy.optimize.linprog``,
    whose input checks cost ~2 ms per solve where the solve itself takes microseconds."""

    def __init__(self, a: sparse.csc_array, b: np.ndarray, lb: np.ndarray):
        import highspy

        self.h = _oplosser()
        self.h.clearModel()
        self.n = a.shape[1]
        self.a, self.b, self.lb = a, b, lb
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, a.shape[0]
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_ = lb.astype(float)
        lp.col_upper_ = np.full(self.n, highspy.kHighsInf)
        lp.row_lower_ = b
        lp.row_upper_ = b
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        self.h.passModel(lp)
        self._status = highspy.HighsModelStatus

    def optimum(self, j: int, teken: float) -> tuple[str, float, np.ndarray | None]:
        """Minimise ``teken * x_j``: (status, value of x_j, solution)."""
        kosten = np.zeros(self.n)
        kosten[j] = teken
        self.h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), kosten)
        self.h.run()
        st = self.h.getModelStatus()
        if st == self._status.kOptimal:
            x = np.asarray(self.h.getSolution().col_value)
            return "ok", float(x[j]), x
        if st in (self._status.kUnbounded, self._status.kUnboundedOrInfeasible):
            return "onbegrensd", teken * -math.inf, None
        if st == self._status.kInfeasible:
            return "strijdig", math.nan, None
        # numerical trouble: fall back on SciPy for this one solve
        c = np.zeros(self.n)
        c[j] = teken
        res = optimize.linprog(c, A_eq=self.a, b_eq=self.b, bounds=list(zip(self.lb, [None] * self.n,
                                                                           strict=True)), method="highs")
        if res.status == 0:
            return "ok", float(res.x[j]), res.x
        return ("onbegrensd", teken * -math.inf, None) if res.status == 3 else ("strijdig", math.nan, None)


def grenzen(namen: list[str], relaties: list[int], vergelijkingen: list[Vergelijking],
            bekend: Mapping[str, float], doelen: Iterable[str] | None = None,
            ondergrens: Mapping[str, float] | None = None, geheel: bool = False,
            min_n: int | None = None, ook_lo: bool = False) -> dict[str, Grens]:
    """Bounds on the hidden quantities ``namen`` of one component.

    ``bekend`` holds the released values of the other quantities in the relations;
    ``doelen`` the names to bound (default all); ``ondergrens`` lower bounds (default
    0). With ``geheel`` (counts), a maximum in ``[min_n, inf)`` that is not integral is
    confirmed by a mixed-integer program, and replaced by the integer maximum when no
    integer solution reaches ``min_n``. Infeasible systems (released values that
    contradict the relations) give ``lo = hi = nan``.
    """
    doelen = list(namen if doelen is None else doelen)
    if not relaties:  # unconstrained: anything from the lower bound to infinity
        return {n: Grens(n, (ondergrens or {}).get(n, 0.0), math.inf, [], []) for n in doelen}
    if len(namen) == 1:  # one unknown: every relation gives its value (they agree)
        n = namen[0]
        waarden = []
        for j in relaties:
            v = vergelijkingen[j]
            rest = sum(c * bekend[m] for m, c in v.coef.items() if m != n)
            waarden.append(-rest / v.coef[n])
        lo_b = (ondergrens or {}).get(n, 0.0)
        if max(waarden) - min(waarden) > 1e-6 * max(1.0, *map(abs, waarden)) or min(waarden) < lo_b - 1e-6:
            return {n: Grens(n, math.nan, math.nan, [], [])}
        w = waarden[0]
        return {n: Grens(n, w, w, list(relaties), list(relaties))}
    a, b = _programma(namen, relaties, vergelijkingen, bekend)
    lb = np.array([(ondergrens or {}).get(n, 0.0) for n in namen])
    lp = _Programma(a, b, lb)
    uit: dict[str, Grens] = {}
    kolom = {n: j for j, n in enumerate(namen)}
    for n in doelen:
        j = kolom[n]
        status, hi, x = lp.optimum(j, -1.0)
        if status == "strijdig":
            uit[n] = Grens(n, math.nan, math.nan, [], [])
            continue
        if status == "ok" and geheel and min_n is not None and hi >= min_n - _TOL \
                and np.any(np.abs(x - np.round(x)) > 1e-6):
            hi = _integer_max(a, b, lb, j, min_n)
        lo = lb[j]
        if ook_lo:
            status_lo, lo, _ = lp.optimum(j, 1.0)
            if status_lo == "strijdig":
                lo = math.nan
        uit[n] = Grens(n, lo, hi, list(relaties), list(relaties))
    return uit


def _integer_max(a: sparse.csc_array, b: np.ndarray, lb: np.ndarray, j: int, min_n: int) -> float:
    """Is there an integer solution with ``x_j >= min_n``? Else the integer maximum."""
    n = a.shape[1]
    lb2 = lb.copy()
    lb2[j] = max(lb[j], float(min_n))
    cons = optimize.LinearConstraint(a, b, b)
    res = optimize.milp(np.zeros(n), constraints=cons, integrality=np.ones(n),
                        bounds=optimize.Bounds(lb2, np.full(n, np.inf)))
    if res.status == 0:
        return float(min_n)  # at least this much: safe
    c = np.zeros(n)
    c[j] = -1.0
    res = optimize.milp(c, constraints=cons, integrality=np.ones(n),
                        bounds=optimize.Bounds(lb, np.full(n, np.inf)))
    return float(-res.fun) if res.status == 0 else math.nan
