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
    """A Markdown pipe table (renders in HTML and PDF alike). ``uitlijning``: l/r/c per column."""
    kolommen = [str(k) for k in df.columns]
    if uitlijning is None:
        uitlijning = ["l"] + ["r"] * (len(kolommen) - 1)
    streep = {"l": ":---", "r": "---:", "c": ":---:"}
    regels = [
        "| " + " | ".join(kolommen) + " |",
        "|" + "|".join(streep[u] for u in uitlijning) + "|",
    ]
    for _, rij in df.iterrows():
        cellen = [str(v).replace("|", "\\|").replace("\n", " ") for v in rij]
        regels.append("| " + " | ".join(cellen) + " |")
    return "\n".join(regels) + "\n"


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
    """Read-only access to one interventie's releasable results directory."""

    def __init__(self, map_: str | Path, regio_map: str | Path | None = None):
        self.map = Path(map_)
        self.regio_map = Path(regio_map) if regio_map else None
        self.meta: dict[str, Any] = json.loads((self.map / "interventie.json").read_text("utf-8"))

    @property
    def min_n(self) -> int:
        return int(self.meta["min_n"])

    def tabel(self, naam: str) -> pd.DataFrame:
        return pd.read_csv(self.map / naam)

    def regio_tabel(self, naam: str) -> pd.DataFrame:
        if self.regio_map is None:
            raise FileNotFoundError("geen regio-resultaten opgegeven")
        return pd.read_csv(self.regio_map / naam)

    def bestaat(self, naam: str) -> bool:
        return (self.map / naam).exists()

    def uitkomst_titel(self, naam: str) -> str:
        return self.meta["uitkomsten"].get(naam, {}).get("titel", naam)

    def onderdrukt(self) -> str:
        """Text for a suppressed cell."""
        return f"<{self.min_n}"
