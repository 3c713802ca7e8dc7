"""Disclosure control: nothing about fewer than ``min_n`` people leaves ``intern/``.

One engine, applied to every releasable table of a region at once (core analyses,
extension analyses and region-level tables), driven by the tables' specifications
(:mod:`evaluatie.contract`):

- :mod:`.systeem` turns the tables into one linear system of quantities (counts of
  persons and amounts of money) and the relations between them, across tables;
- :mod:`.audit` bounds every hidden quantity by linear programming: what an attacker
  can derive from everything released together;
- :mod:`.motor` protects a release (primary suppression, dominance, secondary
  suppression until the audit passes, release-safe text) and verifies one;
- :mod:`.woorden` is the vocabulary that free text may use;
- :mod:`.vrijgave` reads the internal results, writes the release and checks a
  release as published (the pipeline rule ``onthullingscontrole``).

The rules and their defaults are described in ``docs/onthullingscontrole.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evaluatie.disclosure.motor import Instellingen, Uitkomst, beveilig, controleer, gedomineerd
from evaluatie.disclosure.systeem import Invoer, SysteemFout
from evaluatie.fouten import EvaluatieFout

__all__ = ["Instellingen", "Invoer", "OnthullingsFout", "SysteemFout", "Uitkomst", "beveilig",
           "controleer", "gedomineerd", "instellingen"]


class OnthullingsFout(EvaluatieFout):
    """A releasable output lets a count below the threshold be derived."""


def instellingen(config: Mapping[str, Any], extra_woorden: tuple[Any, ...] = ()) -> Instellingen:
    """The engine's settings from the config section ``disclosure``."""
    from evaluatie.disclosure.woorden import woordenschat

    d = config.get("disclosure") or {}
    dom = d.get("dominantie") or {}
    p = dom.get("p_procent", 10.0) if dom is not None else None
    nk = dom.get("nk", {"n": 2, "k": 90.0}) if dom is not None else None
    return Instellingen(
        min_n=int(d.get("min_n", 10)),
        p=None if p is None else float(p),
        nk=None if not nk else (int(nk["n"]), float(nk["k"])),
        woorden=woordenschat(config, extra_woorden),
    )
