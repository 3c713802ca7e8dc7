"""Direction and verdict of an estimate: decided here, once, in the analysis stage.

Every table row with an estimate and a test carries two codes that reports only lay out:

``richting``
    The direction of the point estimate, whatever its uncertainty: ``gunstig``
    (favourable), ``ongunstig`` or ``geen_verschil``, from the sign and the outcome's
    ``hoger_is_beter`` in the data dictionary.
``oordeel``
    The verdict: ``verbeterd`` or ``verslechterd`` when the test is significant at
    ``alpha`` on the **corrected** p-value (or, for an estimate with only a confidence
    interval, when the 95% interval excludes 0), ``geen_aantoonbare_verandering``
    otherwise, and ``niet_te_berekenen`` without an estimate.

No template or sentence module compares a p-value with alpha.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["OORDELEN", "RICHTINGEN", "oordeel", "richting"]

RICHTINGEN = ("gunstig", "ongunstig", "geen_verschil")
OORDELEN = ("verbeterd", "verslechterd", "geen_aantoonbare_verandering", "niet_te_berekenen")


def _getal(x: Any) -> float:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return math.nan
    return f


def richting(schatting: Any, hoger_is_beter: bool) -> str:
    """``gunstig``/``ongunstig``/``geen_verschil`` (empty without an estimate)."""
    x = _getal(schatting)
    if math.isnan(x):
        return ""
    if x == 0:
        return "geen_verschil"
    return "gunstig" if (x > 0) == bool(hoger_is_beter) else "ongunstig"


def oordeel(schatting: Any, hoger_is_beter: bool, *, p: Any = None, alpha: float = 0.05,
            ci95: tuple[Any, Any] | None = None, ok: bool = True) -> str:
    """The verdict on one estimate (see the module docstring).

    Parameters
    ----------
    schatting
        The estimate (after − before, or a difference in differences).
    hoger_is_beter
        Direction of improvement of the outcome (for costs: ``False``).
    p
        The corrected p-value. When given, the verdict is ``p < alpha``.
    alpha
        Significance level (config ``voor_na.alpha``).
    ci95
        Used only without ``p``: significant when the 95% interval excludes 0.
    ok
        ``False`` when the estimate could not be computed.
    """
    x = _getal(schatting)
    if not ok or math.isnan(x):
        return "niet_te_berekenen"
    if p is not None:
        pv = _getal(p)
        if math.isnan(pv):
            return "niet_te_berekenen"
        significant = pv < alpha
    elif ci95 is not None:
        lo, hi = _getal(ci95[0]), _getal(ci95[1])
        if math.isnan(lo) or math.isnan(hi):
            return "niet_te_berekenen"
        significant = lo > 0 or hi < 0
    else:
        raise ValueError("oordeel: geef p of ci95")
    if not significant or x == 0:
        return "geen_aantoonbare_verandering"
    return "verbeterd" if (x > 0) == bool(hoger_is_beter) else "verslechterd"
