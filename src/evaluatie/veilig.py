"""Escaping text from outside for the format it lands in.

Every string that comes from a region (config text, data values, extension tables) and
reaches a report or a released file passes through one of these functions:

- :func:`md` for Pandoc Markdown (the report templates print Markdown, which pandoc turns
  into HTML and Typst, and Quarto does the same). Pandoc lets *every* ASCII punctuation
  character be backslash-escaped (extension ``all_symbols_escapable``), so escaping all of
  them makes any string literal text: no raw HTML, no link, no image, no emphasis, no
  cross-reference, no shortcode, no inline code. Line breaks and control characters
  become spaces, bidirectional overrides are removed. The HTML and Typst writers then
  escape the literal text for their own syntax.
- :class:`Md` marks Markdown that the templates wrote themselves (``**Totaal**``); helpers
  such as :func:`evaluatie.rapport.pipe_tabel` escape every other value. It is deliberately
  not a ``str`` subclass: pandas (3.x) turns strings in a DataFrame into plain ``str`` and
  would lose the mark, while it keeps other objects as they are.
- :func:`cel` and :func:`cel_terug` for CSV cells, after OWASP's advice on CSV injection:
  a text cell that starts with ``= + - @``, a tab or a carriage return gets a leading
  apostrophe, so no spreadsheet reads it as a formula; a text that starts with an
  apostrophe gets one too, so reading back is exact.

No library escapes for Pandoc Markdown (markupsafe escapes HTML only), hence this module.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Md", "md", "cel", "cel_terug", "FORMULETEKENS"]

_PUNCTUATIE = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
_REGELEINDE = re.compile(r"[\r\n\t\v\f\u2028\u2029\x85]+")
# other C0/C1 control characters and the bidirectional overrides/isolates (spoofing)
_ONZICHTBAAR = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")

#: First characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULETEKENS = ("=", "+", "-", "@", "\t", "\r")


class Md:
    """Markdown written by evaluatie itself, to be printed as it is.

    In an f-string or ``print`` it is its text. Joined with plain text (``+``), the plain
    part is escaped: ``vet("x") + " (y)"`` is bold *x* followed by the literal text.
    """

    __slots__ = ("tekst",)

    def __init__(self, tekst: Any):
        self.tekst = tekst.tekst if isinstance(tekst, Md) else str(tekst)

    def __str__(self) -> str:
        return self.tekst

    def __format__(self, spec: str) -> str:
        return format(self.tekst, spec)

    def __repr__(self) -> str:
        return f"Md({self.tekst!r})"

    def __add__(self, ander: Any) -> Md:
        return Md(self.tekst + md(ander))

    def __radd__(self, ander: Any) -> Md:
        return Md(md(ander) + self.tekst)

    def __eq__(self, ander: object) -> bool:
        return isinstance(ander, Md) and ander.tekst == self.tekst

    def __hash__(self) -> int:
        return hash(("Md", self.tekst))


def md(waarde: Any) -> str:
    """``waarde`` as literal text in Pandoc Markdown (see the module docstring).

    The Markdown of an :class:`Md` comes back as it is; anything else is turned into text
    and escaped. Escape a text once: escaped text is text with backslashes.
    """
    if isinstance(waarde, Md):
        return waarde.tekst
    tekst = _ONZICHTBAAR.sub("", _REGELEINDE.sub(" ", str(waarde)))
    return _PUNCTUATIE.sub(r"\\\1", tekst)


def cel(waarde: Any) -> Any:
    """A CSV text cell that no spreadsheet evaluates; other values pass unchanged."""
    if isinstance(waarde, str) and waarde.startswith((*FORMULETEKENS, "'")):
        return "'" + waarde
    return waarde


def cel_terug(waarde: Any) -> Any:
    """Undo :func:`cel` on a text cell read back from a released CSV."""
    if isinstance(waarde, str) and waarde.startswith("'"):
        return waarde[1:]
    return waarde


def letterlijke_figuurtekst() -> None:
    """Let matplotlib draw every text literally.

    Matplotlib reads text between two ``$`` signs as mathtext, so a name such as
    ``"$\\frac$"`` from a config makes a figure fail to draw, and ``"$x$"`` changes what it
    says. Figures of evaluatie use no mathtext; modules that draw call this on import.
    """
    import matplotlib

    matplotlib.rcParams["text.parse_math"] = False
