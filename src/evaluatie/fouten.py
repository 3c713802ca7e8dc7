"""Errors that a user reads: collected findings about input data and configuration."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Bevinding:
    """One problem in the input: where it is and which rule it breaks.

    ``rij`` is the row number a person would look up in the file (for CSV and XLSX
    the spreadsheet row, the header being row 1), ``None`` for file-level problems.
    ``identificerend`` marks a finding of :mod:`evaluatie.identificatie`: the cell holds
    an identifier, so no other finding may show its value either.

    :meth:`tekst` never shows an identifier: whatever :func:`evaluatie.identificatie.maskeer`
    recognises in the value, the column or the rule is replaced by a marker.
    """

    bestand: str
    rij: int | None
    kolom: str | None
    waarde: Any
    regel: str
    identificerend: bool = False

    def tekst(self) -> str:
        from evaluatie.identificatie import maskeer, maskeer_waarde

        plek = self.bestand
        if self.rij is not None:
            plek += f", rij {self.rij}"
        if self.kolom is not None:
            soort = "kolommen" if ", " in self.kolom else "kolom"
            plek += f", {soort} '{maskeer(self.kolom)}'"
        waarde = "" if self.waarde is None else f": waarde {maskeer_waarde(self.waarde)!r}"
        return f"{plek}{waarde} — {maskeer(self.regel)}"


def verberg_waarden(bevindingen: list[Bevinding]) -> list[Bevinding]:
    """Drop the value of every finding on a cell that holds an identifier.

    A BSN in ``reden_uitval`` is also an unknown code, a BSN as ``pseudo_id`` may also
    be a duplicate key: those findings name the cell, never the value.
    """
    cellen = {(b.bestand, b.rij, b.kolom) for b in bevindingen if b.identificerend}
    if not cellen:
        return bevindingen
    rijen = {(b, r) for b, r, _ in cellen}
    uit = []
    for b in bevindingen:
        if (not b.identificerend and b.waarde is not None and (b.bestand, b.rij) in rijen
                and any((b.bestand, b.rij, k) in cellen for k in (b.kolom or "").split(", "))):
            b = replace(b, waarde=None)
        uit.append(b)
    return uit


class EvaluatieFout(Exception):
    """Base class of errors that are meant for the user, not a traceback."""


class ValidatieFout(EvaluatieFout):
    """The input data break one or more rules of the data dictionary."""

    def __init__(self, bevindingen: list[Bevinding], max_regels: int = 200):
        self.bevindingen = verberg_waarden(bevindingen)
        self.max_regels = max_regels
        super().__init__(self.rapport())

    def rapport(self) -> str:
        from evaluatie.identificatie import maskeer

        n = len(self.bevindingen)
        regels = [
            f"De invoer voldoet niet aan het datawoordenboek: {n} "
            f"{'probleem' if n == 1 else 'problemen'} gevonden. Er is niets geanalyseerd.",
            "",
        ]
        getoond = sorted(
            self.bevindingen,
            key=lambda b: (b.bestand, b.rij if b.rij is not None else -1, b.kolom or ""),
        )[: self.max_regels]
        regels += [f"  - {b.tekst()}" for b in getoond]
        if n > self.max_regels:
            regels.append(f"  … en nog {n - self.max_regels} meer.")
            regels.append("")
            regels.append("Per regel:")
            for regel, k in Counter(b.regel for b in self.bevindingen).most_common():
                regels.append(f"  {k:>6} × {maskeer(regel)}")
        return "\n".join(regels)


class ConfigFout(EvaluatieFout):
    """The configuration is invalid."""
