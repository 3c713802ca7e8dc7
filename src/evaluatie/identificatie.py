"""Identifiers inside values: BSN, e-mail, Dutch phone numbers, postcodes, IBAN, dates of birth.

The validator refuses input columns that are *named* like an identifier
(:data:`evaluatie.inlezen.IDENTIFICERENDE_KOLOMMEN`); this module finds identifiers in
the *values* of the text and id columns, and masks them in every message, so that a
refusal never repeats what it refuses. The rules, with examples and their false
positives, are in ``docs/identificatie.md``; in short:

- **BSN**: nine digits that pass the 11-proef (9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 mod 11,
  not all zeros), written as one number or as ``1234.56.782``, ``123 456 782``,
  ``123-456-782``, also inside a longer text (``cliënt 123456782``, ``ID123456782``),
  as long as the nine digits are not part of a longer number. A cell that is exactly
  eight digits (a BSN whose leading zero a spreadsheet dropped) is checked with the
  zero put back.
- **e-mail**: ``naam@domein.tld``.
- **telefoonnummer**: ``0`` + nine digits whose first is not ``0`` (``0612345678``,
  ``06-12345678``, ``020 123 45 67``, ``(020) 1234567``) or ``+31``/``0031`` + nine digits
  (``+31 6 12345678``, ``+31 (0)20 1234567``); spaces, dashes, dots, slashes and brackets
  between the digits are allowed. A cell that is exactly nine digits starting with 6 is
  a mobile number whose leading zero a spreadsheet dropped.
- **postcode**: four digits (not starting with 0), an optional space and two letters,
  not next to other letters or digits and not ``SA``, ``SD`` or ``SS`` (never issued).
  A cell that is only a postcode is refused in any case (``1234 ab``); inside a longer
  text the letters must be capitals (``1234 AB``) or written against the digits
  (``1234ab``), so that ``in 2024 en 2025`` holds no postcode. Lower-case units
  (``1500ml``, ``1200 km``) are never postcodes.
- **IBAN**: two letters, two check digits and the account part, with or without
  spaces, that pass the country's structure and the mod-97 check (python-stdnum).
- **volledige datum** in a field where the dictionary allows only a year
  (``x-alleen-jaar``): a date written out (``1980-03-15``, ``15-03-1980``,
  ``15 maart 1980``), eight digits that form a date, or a date cell of XLSX/SAV/Parquet.

Why by hand: python-stdnum validates one number at a time and does not search text;
this module scans a million-row column in well under a second by filtering candidates
with one RE2 expression (pyarrow), checking the common case (a value that is only
digits) with a vectorised 11-proef in numpy, and running the exact Python expressions
only on the few remaining candidates. IBAN structure is left to python-stdnum.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

#: Rule texts as they appear in a finding.
REGELS = {
    "bsn": "lijkt een BSN (11-proef)",
    "bsn8": "lijkt een BSN waarvan de voorloopnul is weggevallen (8 cijfers, 11-proef)",
    "email": "lijkt een e-mailadres",
    "telefoon": "lijkt een Nederlands telefoonnummer",
    "mobiel9": "lijkt een mobiel nummer waarvan de voorloopnul is weggevallen "
               "(9 cijfers, begint met 6)",
    "postcode": "lijkt een volledige postcode (4 cijfers en 2 letters)",
    "iban": "lijkt een IBAN-rekeningnummer (structuur en mod-97-controle)",
    "datum": "volledige datum in een veld waar alleen een jaartal mag staan "
             "(mogelijk een geboortedatum)",
}
#: What replaces a recognised identifier in any message.
MASKERS = {
    "bsn": "[BSN verborgen]", "bsn8": "[BSN verborgen]", "email": "[e-mailadres verborgen]",
    "telefoon": "[telefoonnummer verborgen]", "mobiel9": "[telefoonnummer verborgen]",
    "postcode": "[postcode verborgen]",
    "iban": "[IBAN verborgen]", "datum": "[datum verborgen]",
}

_GEWICHTEN = (9, 8, 7, 6, 5, 4, 3, 2, -1)

# --- the exact rules (Python re, ASCII digits) -------------------------------------------
_BSN = re.compile(
    r"(?<![0-9])(?<![0-9][.\-])"
    r"(?:[0-9]{4}([ .\-]?)[0-9]{2}\1[0-9]{3}|[0-9]{3}([ .\-]?)[0-9]{3}\2[0-9]{3})"
    r"(?![0-9])(?![.\-][0-9])"
)
_ACHT_CIJFERS = re.compile(r"\s*([0-9]{8})\s*")
_MOBIEL_ZONDER_NUL = re.compile(r"\s*(6[0-9]{8})\s*")
_TS = r"[ .\-/()]{0,2}"
_TELEFOON = re.compile(
    r"(?<![0-9+])(?<![0-9][.\-/])"
    r"(?:(?:\+|00)[ ]?31[ .\-]{0,2}(?:\(0\)[ .\-]{0,2})?[1-9](?:" + _TS + r"[0-9]){8}"
    r"|\(?0[1-9](?:" + _TS + r"[0-9]){8})"
    r"(?![0-9])"
)
_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9])")
_POSTCODE = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{3})( ?)([A-Za-z]{2})(?![0-9A-Za-z])")
_POSTCODE_NOOIT = {"SA", "SD", "SS"}
#: two letters against four digits that are a unit, not a postcode (``1500ml``)
_EENHEDEN = {"kg", "km", "cm", "mm", "ml", "mg", "cl", "dl", "gr", "kb", "mb", "gb", "tb",
             "kw", "mw", "gw", "hz", "pk", "ms"}
_IBAN_BEGIN = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}")
_IBAN_KANDIDAAT = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11}")
_MAANDEN = r"(?:jan|feb|mrt|maa|apr|mei|jun|jul|aug|sep|okt|oct|nov|dec)[a-z]*\.?"
_DATUM = re.compile(
    r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}"
    r"|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}"
    r"|[0-9]{1,2}\.?\s*" + _MAANDEN + r"\s*[0-9]{2,4}"
    r"|(?<![0-9])[0-9]{8}(?![0-9])",
    re.IGNORECASE,
)

#: RE2 (pyarrow) expression that every value with a finding matches; a cheap first pass.
#: Eight digits with separators cover BSN, phone numbers and the account part of an
#: IBAN; the other alternatives cover e-mail, postcodes and letter-led IBANs.
KANDIDAAT = (r"[0-9](?:[ .\-/()]{0,3}[0-9]){7}|@"
             r"|(?:^|[^0-9A-Za-z])[1-9][0-9]{3} ?[A-Za-z]{2}(?:$|[^0-9A-Za-z])"
             r"|[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11}")


def elfproef(cijfers: str) -> bool:
    """The 11-proef on one string of 9 digits (scalar reference)."""
    if len(cijfers) != 9 or not cijfers.isascii() or not cijfers.isdigit():
        return False
    som = sum(g * int(c) for g, c in zip(_GEWICHTEN, cijfers, strict=True))
    return som % 11 == 0 and cijfers != "000000000"


def elfproef_vector(cijfers):  # noqa: ANN001, ANN201 - numpy in, numpy out
    """The 11-proef on an ``(n, 9)`` integer array of digits; returns a boolean array."""
    import numpy as np

    c = np.asarray(cijfers).astype(np.int16, copy=False)
    som = np.zeros(len(c), dtype=np.int16)
    for i, g in enumerate(_GEWICHTEN):  # nine column operations, not n row operations
        som += g * c[:, i]
    return (som % 11 == 0) & (c != 0).any(axis=1)


def _iban_geldig(tekst: str) -> bool:
    from stdnum import iban

    return iban.is_valid(tekst)


def _iban_spans(tekst: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if not _IBAN_KANDIDAAT.search(tekst):
        return spans
    for m in _IBAN_BEGIN.finditer(tekst):
        # collect letters and digits, a single space allowed between them
        tekens, posities = [], []
        i = m.start()
        while i < len(tekst) and len(tekens) < 34:
            c = tekst[i]
            if c.isascii() and c.isalnum():
                tekens.append(c)
                posities.append(i)
                i += 1
            elif c == " " and tekens and i + 1 < len(tekst) and tekst[i + 1].isalnum():
                i += 1
            else:
                break
        for lengte in range(len(tekens), 14, -1):
            eind = posities[lengte - 1] + 1
            if eind < len(tekst) and tekst[eind].isascii() and tekst[eind].isalnum():
                continue  # would cut through a word
            if _iban_geldig("".join(tekens[:lengte]).upper()):
                spans.append((m.start(), eind))
                break
    return spans


def _postcode_spans(tekst: str) -> list[tuple[int, int]]:
    spans = []
    heel = tekst.strip()
    for m in _POSTCODE.finditer(tekst):
        letters = m.group(3)
        if letters.upper() in _POSTCODE_NOOIT or letters in _EENHEDEN:
            continue
        if m.group(0) == heel or letters.isupper() or m.group(2) == "":
            spans.append(m.span())
    return spans


def vind(tekst: str, *, alleen_jaar: bool = False) -> list[tuple[str, int, int]]:
    """Every identifier in one text: ``(rule, start, end)``; the exact rules, scalar."""
    uit: list[tuple[str, int, int]] = []
    for m in _BSN.finditer(tekst):
        if elfproef(re.sub(r"[^0-9]", "", m.group(0))):
            uit.append(("bsn", *m.span()))
    m8 = _ACHT_CIJFERS.fullmatch(tekst)
    if m8 and elfproef("0" + m8.group(1)):
        uit.append(("bsn8", *m8.span(1)))
    m9 = _MOBIEL_ZONDER_NUL.fullmatch(tekst)
    if m9:
        uit.append(("mobiel9", *m9.span(1)))
    uit += [("telefoon", *m.span()) for m in _TELEFOON.finditer(tekst)]
    if "@" in tekst:
        uit += [("email", *m.span()) for m in _EMAIL.finditer(tekst)]
    uit += [("postcode", a, b) for a, b in _postcode_spans(tekst)]
    uit += [("iban", a, b) for a, b in _iban_spans(tekst)]
    if alleen_jaar and not re.fullmatch(r"\s*[0-9]{1,4}\s*", tekst):
        for m in _DATUM.finditer(tekst):
            if not m.group(0).isdigit() or _acht_cijfers_datum(m.group(0)):
                uit.append(("datum", *m.span()))
    # a match inside a longer one of another rule is part of it (the account number
    # inside an IBAN is no separate phone number)
    return [s for s in uit
            if not any(t is not s and t[1] <= s[1] and s[2] <= t[2] and (t[2] - t[1]) > (s[2] - s[1])
                       for t in uit)]


def _acht_cijfers_datum(s: str) -> bool:
    for fmt in ("%Y%m%d", "%d%m%Y"):
        try:
            d = dt.datetime.strptime(s, fmt)
        except ValueError:
            continue
        if 1900 <= d.year <= 2100:
            return True
    return False


def als_tekst(x: Any) -> str | None:
    """A value as the text a detector reads: numbers without ``.0``; ``None`` if empty."""
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, str):
        return x
    if isinstance(x, float):
        if x != x:  # NaN
            return None
        return str(int(x)) if x.is_integer() and abs(x) < 1e18 else repr(x)
    try:
        import numpy as np
        import pandas as pd

        if x is pd.NA or x is pd.NaT:
            return None
        if isinstance(x, np.floating):
            return als_tekst(float(x))
        if isinstance(x, np.integer):
            return str(int(x))
    except ImportError:  # pragma: no cover - numpy/pandas are dependencies
        pass
    return str(x)


def maskeer(tekst: str) -> str:
    """``tekst`` with every recognised identifier replaced by a marker such as ``[BSN verborgen]``."""
    if not isinstance(tekst, str) or not tekst:
        return tekst
    spans = sorted(vind(tekst), key=lambda s: (s[1], -s[2]))
    if not spans:
        return tekst
    uit, pos = [], 0
    for regel, a, b in spans:
        if a < pos:  # overlaps a span already masked
            if b > pos:
                pos = b
            continue
        uit += [tekst[pos:a], MASKERS[regel]]
        pos = b
    uit.append(tekst[pos:])
    return "".join(uit)


def maskeer_waarde(x: Any) -> Any:
    """A value for a message: itself, or the masked text if it holds an identifier."""
    s = als_tekst(x)
    if s is None:
        return x
    m = maskeer(s)
    return x if m == s else m


@dataclass
class Treffers:
    """Findings of :func:`zoek` over one column, as boolean masks aligned with its rows."""

    regels: dict[str, Any] = field(default_factory=dict)
    #: the value is only 8 or 9 digits (a number-like pseudonym)
    alleen_cijfers: Any = None

    def __bool__(self) -> bool:
        return any(bool(m.any()) for m in self.regels.values())


def _is_datum(x: Any) -> bool:
    return isinstance(x, (dt.date, dt.datetime)) or type(x).__name__ in ("Timestamp", "datetime64")


def _als_tekst_reeks(reeks):  # noqa: ANN001, ANN202 - pandas in, pandas out
    """A column as text for the detectors, vectorised for the usual column types."""
    import numpy as np
    import pandas as pd

    soort = pd.api.types.infer_dtype(reeks, skipna=True)
    if soort == "string":
        return reeks
    if soort in ("integer", "floating", "mixed-integer-float", "decimal"):
        getal = pd.to_numeric(reeks, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        geheel = np.isfinite(getal) & (np.mod(getal, 1) == 0) & (np.abs(getal) < 1e15)
        uit = np.full(len(getal), None, dtype=object)
        uit[geheel] = getal[geheel].astype(np.int64).astype(str)
        rest = ~geheel & ~np.isnan(getal)
        uit[rest] = [als_tekst(x) for x in reeks[rest]]
        return pd.Series(uit, index=reeks.index)
    return reeks.map(lambda x: None if _is_datum(x) else als_tekst(x))


def zoek(waarden, *, alleen_jaar: bool = False) -> Treffers:  # noqa: ANN001 - a pandas Series
    """Find identifiers in every value of a column (vectorised).

    Parameters
    ----------
    waarden
        A column as read (object Series of text, numbers, dates or empty values).
    alleen_jaar
        The dictionary allows only a year here: full dates are findings too.

    Returns
    -------
    Treffers
        Per rule (keys of :data:`REGELS`) a boolean numpy array with one entry per row;
        ``alleen_cijfers`` marks the values that are only 8 or 9 digits.

    Notes
    -----
    One RE2 pass (pyarrow) selects the candidates. Of those, a value that is only 8 or 9
    digits, or 9 digits with at most five letters, ``_`` or ``-`` around them (the shape
    of a numeric pseudonym), gets the vectorised 11-proef; neither shape can hold any of
    the other identifiers. Every other candidate goes through the exact rules of
    :func:`vind`, once per distinct value.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    def bools(a) -> np.ndarray:  # noqa: ANN001
        return pc.fill_null(a, False).to_numpy(zero_copy_only=False).astype(bool)

    n = len(waarden)
    uit = Treffers(alleen_cijfers=np.zeros(n, dtype=bool))
    if n == 0:
        return uit
    reeks = pd.Series(waarden).reset_index(drop=True)
    per_regel = {r: np.zeros(n, dtype=bool) for r in REGELS}
    if alleen_jaar:
        per_regel["datum"] |= reeks.map(_is_datum).to_numpy(bool)
    tekst = _als_tekst_reeks(reeks)
    arr = pa.array(tekst, type=pa.string(), from_pandas=True)
    kand = bools(pc.match_substring_regex(arr, KANDIDAAT))
    if alleen_jaar:
        kand |= bools(pc.match_substring_regex(arr, r"[0-9][-/.][0-9]|[0-9]{8}|[A-Za-z]"))
    idx = np.flatnonzero(kand)
    if len(idx):
        sub = arr.take(pa.array(idx))
        heel = bools(pc.match_substring_regex(sub, r"^\s*[0-9]{8,9}\s*$"))
        uit.alleen_cijfers[idx[heel]] = True
        snel = heel.copy()
        if alleen_jaar:  # eight digits may be a date here: leave them to the exact rules
            snel &= ~bools(pc.match_substring_regex(sub, r"^\s*[0-9]{8}\s*$"))
        pseudo = bools(pc.match_substring_regex(
            sub, r"^\s*[A-Za-z_\-]{0,5}[0-9]{9}[A-Za-z_\-]{0,5}\s*$")) & ~heel
        snel |= pseudo
        for masker, cijfers in ((snel & heel, lambda a: pc.utf8_trim_whitespace(a)),
                                (pseudo, lambda a: pc.struct_field(
                                    pc.extract_regex(a, r"(?P<c>[0-9]{9})"), [0]))):
            if not masker.any():
                continue
            c = cijfers(sub.filter(pa.array(masker)))
            acht = bools(pc.equal(pc.utf8_length(c), 8))
            negen = pc.utf8_lpad(c, 9, "0")
            begin = int(np.frombuffer(negen.buffers()[1], dtype=np.int32)[negen.offset])
            matrix = np.frombuffer(negen.buffers()[2], dtype=np.uint8, count=9 * len(negen),
                                   offset=begin).reshape(-1, 9) - 48
            geldig = elfproef_vector(matrix)
            rijen = idx[masker]
            per_regel["bsn"][rijen[geldig & ~acht]] = True
            per_regel["bsn8"][rijen[geldig & acht]] = True
            if masker is not pseudo:  # a cell of nine digits that starts with 6
                per_regel["mobiel9"][rijen[~acht & (matrix[:, 0] == 6)]] = True
        gezien: dict[str, list[str]] = {}
        waarden_sub = tekst.to_numpy(dtype=object)
        for i in idx[~snel]:
            x = waarden_sub[i]
            regels = gezien.get(x)
            if regels is None:
                regels = gezien[x] = [r for r, _, _ in vind(x, alleen_jaar=alleen_jaar)]
            for r in regels:
                per_regel[r][i] = True
    uit.regels = {r: m for r, m in per_regel.items() if m.any()}
    return uit
