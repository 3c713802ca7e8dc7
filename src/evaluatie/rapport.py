"""Helpers for report templates: reading releasable results and Dutch formatting.

Templates lay out numbers that a pipeline rule wrote; they never compute a statistic.
Everything here formats: decimal comma, thousands dot, euro sign, pipe tables, and an
explicit text for a suppressed or non-computable cell.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from evaluatie.veilig import Md, letterlijke_figuurtekst, md

# Report figures show names from the config and the data; matplotlib must not parse them.
letterlijke_figuurtekst()

__all__ = ["Md", "md", "vet", "onder_elkaar", "getal", "geheel", "euro", "procent", "p_waarde",
           "ci", "pipe_tabel", "figuur_png", "Resultaten", "ONDERDRUKT", "is_leeg"]

def is_leeg(x: Any) -> bool:
    if x is None or x is pd.NA:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def getal(x: Any, decimalen: int = 1, leeg: str = "–") -> str:
    """Dutch number: decimal comma, thousands dot (``1.234,5``); ``leeg`` when missing."""
    if is_leeg(x):
        return leeg
    x = float(x)
    if math.isinf(x):
        return leeg
    tekst = f"{x:,.{decimalen}f}"
    return tekst.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".").replace("-", "−")


def geheel(x: Any, leeg: str = "–") -> str:
    """Whole number with thousands dot."""
    return getal(x, 0, leeg)


def euro(x: Any, decimalen: int = 0, leeg: str = "–") -> str:
    """Euro amount the Dutch way: ``€ 1.234`` (negative: ``€ −1.234``)."""
    if is_leeg(x):
        return leeg
    return f"€\u00a0{getal(x, decimalen)}"


def procent(x: Any, decimalen: int = 0, leeg: str = "–") -> str:
    """Percentage from a percentage value (not a fraction): ``12,5%``."""
    if is_leeg(x):
        return leeg
    return f"{getal(x, decimalen)}%"


def p_waarde(p: Any) -> str:
    """p-value as Dutch reports print it: ``<0,001`` or three decimals."""
    if is_leeg(p):
        return "–"
    return "<0,001" if float(p) < 0.001 else getal(p, 3)


def ci(onder: Any, boven: Any, decimalen: int = 2) -> str:
    """A confidence interval ``[0,12; 0,34]`` (semicolon, since the comma is decimal)."""
    if is_leeg(onder) or is_leeg(boven):
        return "–"
    return f"[{getal(onder, decimalen)}; {getal(boven, decimalen)}]"


def pipe_tabel(df: pd.DataFrame, uitlijning: Sequence[str] | None = None) -> str:
    """A Markdown pipe table (renders in HTML and PDF alike). ``uitlijning``: l/r/c per column.

    Every header and cell is literal text (:func:`evaluatie.veilig.md`) unless it is
    :class:`~evaluatie.veilig.Md`, markup the template wrote itself (see :func:`vet`,
    :func:`onder_elkaar`).
    """
    kolommen = [md(k) for k in df.columns]
    if uitlijning is None:
        uitlijning = ["l"] + ["r"] * (len(kolommen) - 1)
    streep = {"l": ":---", "r": "---:", "c": ":---:"}
    regels = [
        "| " + " | ".join(kolommen) + " |",
        "|" + "|".join(streep[u] for u in uitlijning) + "|",
    ]
    for _, rij in df.iterrows():
        cellen = [md("" if is_leeg(v) else v) for v in rij]
        regels.append("| " + " | ".join(cellen) + " |")
    return "\n".join(regels) + "\n"


def vet(tekst: Any) -> Md:
    """Bold literal text (``**…**``)."""
    return Md(f"**{md(tekst)}**")


def onder_elkaar(*regels: Any) -> Md:
    """Lines of literal text in one table cell, one below the other."""
    return Md("<br>".join(md(r) for r in regels))


def figuur_png(fig: Any, dpi: int = 144) -> Any:
    """A matplotlib Figure as a sharp PNG for a report cell (Quarto or built-in renderer).

    Report cells build figures without pyplot, whatever the kernel's backend; return
    this as the cell's last expression. Drawn at ``dpi`` (1.5× screen resolution, sharp
    on high-density screens and in print) and shown at 96 dpi width.
    """
    import io

    from IPython.display import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return Image(data=buf.getvalue(), width=int(fig.get_figwidth() * 96))


class Resultaten:
    """Read-only access to one interventie's part of a release.

    ``map_`` is ``publiceerbaar/<interventie>``, ``regio_map`` is ``publiceerbaar/regio``.
    Tables are found by their declared name (:func:`evaluatie.contract.lees`) and come back
    typed; nothing is looked up by its columns. A suppressed cell is empty; :meth:`weg`
    tells whether a cell was suppressed (as opposed to not applicable).
    """

    def __init__(self, map_: str | Path, regio_map: str | Path | None = None):
        self.map = Path(map_)
        self.regio_map = Path(regio_map) if regio_map else self.map.parent / "regio"
        self.meta: dict[str, Any] = json.loads((self.map / "interventie.json").read_text("utf-8"))
        self._cache: dict[tuple[str, str, str], pd.DataFrame] = {}

    @property
    def min_n(self) -> int:
        return int(self.meta["min_n"])

    def heeft(self, analyse: str, tabel: str | None = None) -> bool:
        """Did the analysis run (and declare ``tabel``)?"""
        pad = self.map / analyse / "_tabellen.json"
        if not pad.exists():
            return False
        return tabel is None or tabel in json.loads(pad.read_text("utf-8"))["tabellen"]

    def tabel(self, analyse: str, tabel: str) -> pd.DataFrame:
        """A released table of this interventie by name, typed (empty when the analysis
        did not run)."""
        return self._lees(self.map, analyse, tabel)

    def regio_tabel(self, analyse: str, tabel: str) -> pd.DataFrame:
        """A released region-level table by name, typed (empty when absent)."""
        return self._lees(self.regio_map, analyse, tabel)

    def _lees(self, map_: Path, analyse: str, tabel: str) -> pd.DataFrame:
        from evaluatie import contract

        sleutel = (str(map_), analyse, tabel)
        if sleutel not in self._cache:
            if not (map_ / analyse / "_tabellen.json").exists():
                self._cache[sleutel] = pd.DataFrame()
            else:
                self._cache[sleutel] = contract.lees(map_, analyse, tabel)
        return self._cache[sleutel].copy()

    def bevindingen(self) -> pd.DataFrame:
        """The findings table (one estimate and verdict per outcome)."""
        return self.tabel("bevindingen", "bevindingen")

    def herkomst(self, analyse: str | None = None) -> list[dict[str, Any]]:
        """What ran, with which settings (per analysis, or all)."""
        uit = []
        for pad in sorted(self.map.glob("*/_tabellen.json")):
            info = json.loads(pad.read_text("utf-8"))
            if analyse is None or info["analyse"] == analyse:
                uit += [{**h, "analyse": info["analyse"]} for h in info.get("herkomst", [])]
        return uit

    def uitkomst_titel(self, naam: str) -> str:
        return self.meta["uitkomsten"].get(naam, {}).get("titel", naam)

    @staticmethod
    def weg(rij: Any, kolom: str) -> bool:
        """Was this cell suppressed by disclosure control?"""
        from evaluatie.contract import onderdrukte_cellen

        return kolom in onderdrukte_cellen(rij.get("onderdrukking") if hasattr(rij, "get") else None)

    @staticmethod
    def onderdrukt() -> str:
        """Text for a suppressed cell (never "<10": a hidden amount is not small)."""
        return ONDERDRUKT


#: What a report prints in a suppressed cell.
ONDERDRUKT = "onderdrukt"
