"""Reading a region's export files and mapping them onto the data dictionary.

Supported formats: CSV (``,`` or Dutch Excel ``;`` with decimal comma; UTF-8 with or
without BOM, UTF-16 with BOM, or cp1252, decided for the whole file), XLSX, SPSS ``.sav``
(value labels are applied and kept) and Parquet. Every value is kept as read; typing and
checks happen in :mod:`evaluatie.validatie`, so nothing is coerced on the way in. What
cannot be read as it stands (a row with too few or too many fields, an unclosed quote, a
file mixing UTF-8 and cp1252, an XLSX formula without a cached value, a `kolommen` or
`codes` entry for a column that is not there) is a finding with its row, never a guess.

A region describes its files in the ``data`` section of the config::

    data:
      map: data/mijnregio
      tabellen:
        deelnemers:
          bestand: clienten.sav
          kolommen: {pseudo_id: ClientNr, geslacht: Sekse}   # woordenboek: eigen naam
          codes: {geslacht: {M: man, V: vrouw}}              # eigen code: woordenboekcode
          datumformaat: "%d-%m-%Y"
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from operator import methodcaller
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluatie.fouten import Bevinding

#: Column names that identify a person directly. Input holding them is refused.
IDENTIFICERENDE_KOLOMMEN = {
    "bsn", "burgerservicenummer", "naam", "voornaam", "achternaam", "roepnaam", "adres",
    "straat", "huisnummer", "postcode", "telefoon", "telefoonnummer", "email", "e-mail",
    "emailadres", "geboortedatum", "iban", "clientnummer_zorgverzekeraar",
}


@dataclass
class Bron:
    """One input table as read from its file, columns already renamed to the dictionary.

    ``data`` holds object columns with the values as read; its index is the row
    number a person would look up in the file (CSV/XLSX: the spreadsheet row, the
    header being row 1; SAV/Parquet: the record number).
    """

    tabel: str
    bestand: Path
    formaat: str
    data: pd.DataFrame
    lokale_namen: dict[str, str]
    sha256: str
    encoding: str | None = None
    scheidingsteken: str | None = None
    decimaal: str = "."
    datumformaat: str | None = None
    waardelabels: dict[str, dict[Any, str]] = field(default_factory=dict)

    def lokale_naam(self, kolom: str) -> str:
        """The column name as it stands in the region's file."""
        return self.lokale_namen.get(kolom, kolom)


def sha256(pad: Path) -> str:
    h = hashlib.sha256()
    with open(pad, "rb") as f:
        for blok in iter(lambda: f.read(1 << 20), b""):
            h.update(blok)
    return h.hexdigest()


class LeesFout(Exception):
    """A file that cannot be read as it is: one or more ``(rij, kolom, regel)`` problems."""

    def __init__(self, problemen: list[tuple[int | None, str | None, str]]):
        self.problemen = problemen
        super().__init__("; ".join(p[2] for p in problemen))


#: A valid UTF-8 sequence of two to four bytes (RFC 3629). A file that is not valid
#: UTF-8 but holds one of these is a mix of UTF-8 and another encoding.
_UTF8_MEERBYTE = re.compile(
    rb"[\xC2-\xDF][\x80-\xBF]|\xE0[\xA0-\xBF][\x80-\xBF]|[\xE1-\xEC\xEE\xEF][\x80-\xBF]{2}"
    rb"|\xED[\x80-\x9F][\x80-\xBF]|\xF0[\x90-\xBF][\x80-\xBF]{2}|[\xF1-\xF3][\x80-\xBF]{3}"
    rb"|\xF4[\x80-\x8F][\x80-\xBF]{2}"
)
_SURROGAAT = re.compile("[\udc80-\udcff]")
#: how other formats start, so that a renamed file gets a clear message
_ANDERE_FORMATEN = ((b"PK\x03\x04", "een ZIP-bestand (XLSX?)"),
                    (b"\xd0\xcf\x11\xe0", "een oud Excel-bestand (.xls); sla het op als .xlsx"),
                    (b"$FL2", "een SPSS-bestand (.sav)"), (b"$FL3", "een SPSS-bestand (.sav)"),
                    (b"PAR1", "een Parquet-bestand"))
#: what marks an undecodable byte (surrogateescape) or a NUL in decoded text
_ONGELDIG = re.compile("[\udc80-\udcff\x00]")


def _decodeer(ruw: bytes, encoding: str) -> tuple[str, str, str | None]:
    """Decide the encoding of the whole file.

    Returns ``(text, encoding, problem)``. Without a problem the text is decoded
    strictly. With a problem (a mixed file, or bytes that the encoding does not know)
    the text is decoded with ``surrogateescape``, so that the CSV reader can still find
    the row and column of the first offending byte; the file is then refused.

    ``auto``: UTF-16 with its BOM; UTF-8 with or without BOM; else, if the file holds
    no valid UTF-8 multi-byte sequence at all, cp1252 (Excel's "CSV" on Dutch Windows).
    A file with valid UTF-8 sequences *and* invalid bytes is neither: refused, because
    decoding it either way would silently change text (``Café`` → ``CafÃ©``).
    """
    for handtekening, soort in _ANDERE_FORMATEN:
        if ruw.startswith(handtekening):
            raise LeesFout([(None, None, f"dit is geen tekstbestand maar {soort}; geef het "
                                         "bestand de juiste extensie")])
    if encoding != "auto":
        try:
            naam = codecs.lookup(encoding).name
        except LookupError as e:
            raise LeesFout([(None, None, f"onbekende codering {encoding!r} (instelling `encoding`)")]) from e
        if naam == "utf-8" and ruw.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        if not naam.startswith("utf") and naam != "ascii" and _UTF8_MEERBYTE.search(ruw):
            try:
                ruw.decode("utf-8-sig")
            except UnicodeDecodeError:
                pass
            else:
                raise LeesFout([(None, None, f"het bestand is UTF-8 met niet-ASCII-tekens, maar "
                                             f"`encoding` zegt {encoding}: dan zou 'Café' als "
                                             "'CafÃ©' gelezen worden; verwijder `encoding` of "
                                             "zet haar op utf-8")])
        try:
            return ruw.decode(encoding), encoding, None
        except UnicodeDecodeError as e:
            probleem = (f"byte 0x{ruw[e.start]:02X} is geen geldig {encoding} "
                        "(instelling `encoding`)")
            try:
                return ruw.decode(encoding, errors="surrogateescape"), encoding, probleem
            except UnicodeDecodeError:  # multi-byte codecs (UTF-16/32) cannot escape
                raise LeesFout([(None, None, f"{probleem} op positie {e.start}")]) from e
    if ruw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return ruw.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError as e:
            raise LeesFout([(None, None, f"geen geldig UTF-16 (byte {e.start})")]) from e
    bom = ruw.startswith(codecs.BOM_UTF8)
    utf8 = "utf-8-sig" if bom else "utf-8"
    try:
        return ruw.decode(utf8), utf8, None
    except UnicodeDecodeError as e:
        if bom or _UTF8_MEERBYTE.search(ruw):
            return (ruw.decode(utf8, errors="surrogateescape"), utf8,
                    f"gemengde codering: het bestand is UTF-8, maar byte 0x{ruw[e.start]:02X} is "
                    "geen UTF-8 (een teken uit cp1252/Latin-1?); sla het bestand opnieuw op als "
                    "UTF-8")
    try:
        return ruw.decode("cp1252"), "cp1252", None
    except UnicodeDecodeError as e:
        return (ruw.decode("cp1252", errors="surrogateescape"), "cp1252",
                f"byte 0x{ruw[e.start]:02X} is geen UTF-8 en geen cp1252")


def _zonder_surrogaten(tekst: str) -> str:
    return _SURROGAAT.sub("\ufffd", tekst)


def _kopnamen(kop: list[Any], letters: bool = False) -> list[str]:
    """Header cells as column names; an empty one is named after its position."""
    from openpyxl.utils import get_column_letter

    uit = []
    for i, k in enumerate(kop):
        naam = "" if k is None else str(k).strip().lstrip("\ufeff").strip()
        if not naam:
            naam = f"(lege kop in kolom {get_column_letter(i + 1) if letters else i + 1})"
        uit.append(naam)
    return uit


def _leeg_veld(x: Any) -> bool:
    return x is None or (isinstance(x, str) and x.strip() == "")


def _frame(kop: list[str], rijen: list[list[Any]] | pd.DataFrame, nummers: Any) -> pd.DataFrame:
    """A DataFrame of object columns from rows of equal length, indexed by row number.

    Columns whose header is empty and that hold no value are dropped (a trailing
    separator, formatted but empty spreadsheet columns): nothing is lost.
    """
    if isinstance(rijen, pd.DataFrame):
        df = rijen.astype(object)
    else:
        df = pd.DataFrame(rijen, columns=range(len(kop)), dtype=object)
    df.columns = range(len(kop))
    houden = [i for i, naam in enumerate(kop)
              if not (naam.startswith("(lege kop") and df[i].map(_leeg_veld).all())]
    df = df[houden]
    df.columns = [kop[i] for i in houden]
    df.index = pd.Index(nummers, dtype="int64")
    return df


def _sniff(tekst: str) -> str:
    eerste = tekst.split("\n", 1)[0]
    return max([";", ",", "\t"], key=eerste.count)


def _lees_csv(pad: Path, spec: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """CSV by the standard library's strict reader: every record is checked.

    Row numbers are spreadsheet rows: the header is row 1, a quoted value with a line
    break stays one row, a blank line is a row (and skipped, like a row whose fields are
    all empty). A row with fewer or more fields than the header, an unclosed quote, a
    character after a closing quote and an encoding problem are refused with their row.
    """
    tekst, encoding, probleem = _decodeer(pad.read_bytes(), spec.get("encoding", "auto"))
    if probleem is None and "\x00" in tekst:
        probleem = ("bevat een NUL-teken: is dit een binair bestand, of UTF-16 zonder BOM? "
                    "Sla het op als CSV in UTF-8")
    sep = spec.get("scheidingsteken") or _sniff(tekst)
    decimaal = spec.get("decimaal") or ("," if sep == ";" else ".")
    info = {"encoding": encoding, "scheidingsteken": sep, "decimaal": decimaal}
    if probleem is None and '"' not in tekst:
        snel = _csv_snel(tekst, sep)
        if snel is not None:
            return snel, info
    lezer = csv.reader(io.StringIO(tekst, newline=""), delimiter=sep, quotechar='"',
                       doublequote=True, strict=True)
    fouten: list[tuple[int | None, str | None, str]] = []
    rijen: list[list[str]] = []
    nummers: list[int] = []
    rij = 0
    kop: list[str] | None = None
    regel_voor = 0  # physical lines read before the current record
    telfouten = 0
    try:
        for record in lezer:
            rij += 1
            regel_voor = lezer.line_num
            if kop is None:
                kop = _kopnamen(record)
                n = len(kop)
                continue
            if not "".join(record).strip():
                continue
            if len(record) != n:
                if telfouten < 1000:
                    fouten.append((rij, None, _veldtelling(len(record), n, record)))
                telfouten += 1
                continue
            rijen.append(record)
            nummers.append(rij)
    except csv.Error as e:
        regel = _csv_fout(str(e))
        if lezer.line_num - regel_voor > 1 and "niet gesloten" not in regel:
            regel += ("; deze rij loopt over meer regels: staat er een aanhalingsteken dat niet "
                      "wordt gesloten?")
        fouten.append((rij + 1, None, regel))
    if telfouten > 1000:
        fouten.append((None, None, f"en nog {telfouten - 1000} rijen met een ander aantal "
                                   "velden dan de kopregel"))
    if probleem is not None:
        plek = _eerste_surrogaat(kop or [], rijen, nummers)
        if plek is None:  # in a row that was refused already, or beyond a parse error
            plek = (_rij_van_positie(tekst, _ONGELDIG.search(tekst).start()), None)
        fouten.insert(0, (plek[0], plek[1], probleem))
    if kop is None and not fouten:
        fouten.append((None, None, "bestand bevat geen kopregel (leeg bestand)"))
    if fouten:
        raise LeesFout([(r, None if k is None else _zonder_surrogaten(k), regel)
                        for r, k, regel in fouten])
    return _frame(kop, rijen, nummers), info


def _csv_snel(tekst: str, sep: str) -> pd.DataFrame | None:
    """The same table by pandas' C parser, for a file without quotes; ``None`` if in doubt.

    Without quote characters every line is one row and holds one separator less than it
    has fields, so the field count of every row is checked on the lines before pandas
    parses them (pandas 3 fills a missing field with ``""``, indistinguishable from an
    empty one). Any irregularity (a short or long row, a blank line, a line count that
    differs from pandas' row count) returns ``None``, and the strict reader of
    :func:`_lees_csv` finds and reports it. The strict reader alone is about three times
    slower on a million rows.
    """
    regels = tekst.splitlines()
    if len(regels) < 1:
        return None
    tellingen = np.fromiter(map(methodcaller("count", sep), regels), dtype=np.int64,
                            count=len(regels))
    if (tellingen != tellingen[0]).any():
        return None
    try:
        df = pd.read_csv(io.StringIO(tekst), sep=sep, header=None, dtype=object,
                         keep_default_na=False, na_values=[], skip_blank_lines=False,
                         quoting=csv.QUOTE_NONE, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    if len(df) != len(regels) or df.shape[1] != tellingen[0] + 1 or df.isna().any().any():
        return None
    kop = _kopnamen(df.iloc[0].tolist())
    body = df.iloc[1:]
    # rows whose fields are all empty are skipped, as by the strict reader
    eerste = body[body.columns[0]]
    leeg = np.array((eerste == "") | eerste.str.isspace(), dtype=bool)
    for k in body.columns[1:]:
        if not leeg.any():
            break
        leeg[leeg] = body.loc[leeg, k].str.strip().eq("").to_numpy(bool)
    nummers = np.arange(2, len(body) + 2)
    return _frame(kop, body[~leeg], nummers[~leeg])


def _veldtelling(n_record: int, n_kop: int, record: list[str]) -> str:
    regel = f"{n_record} {'veld' if n_record == 1 else 'velden'}, de kopregel heeft er {n_kop}"
    if any("\n" in x or "\r" in x for x in record):
        regel += ("; een waarde loopt over meer regels: staat er een aanhalingsteken dat niet "
                  "wordt gesloten?")
    elif n_record < n_kop:
        regel += "; de regel is onvolledig of afgekapt"
    else:
        regel += "; staat het scheidingsteken in een waarde zonder aanhalingstekens?"
    return regel


def _csv_fout(melding: str) -> str:
    if "unexpected end of data" in melding:
        return ("aanhalingsteken wordt niet gesloten: de waarde loopt door tot het einde van "
                "het bestand")
    if "expected after" in melding:
        return "teken na een afsluitend aanhalingsteken (verwacht: scheidingsteken of regeleinde)"
    if "field larger than field limit" in melding:
        return ("waarde langer dan 131072 tekens: waarschijnlijk een aanhalingsteken dat niet "
                "wordt gesloten")
    return f"ongeldige CSV ({melding})"


def _eerste_surrogaat(kop: list[str], rijen: list[list[str]], nummers: list[int]
                      ) -> tuple[int, str | None] | None:
    for i, naam in enumerate(kop):
        if _ONGELDIG.search(naam):
            return 1, f"(kopregel kolom {i + 1})"
    for record, rij in zip(rijen, nummers, strict=True):
        for naam, x in zip(kop, record, strict=True):
            if _ONGELDIG.search(x):
                return rij, naam
    return None


def _rij_van_positie(tekst: str, positie: int) -> int:
    """The spreadsheet row of a character: line breaks outside quotes before it, plus one."""
    delen = tekst[:positie].split('"')
    buiten = delen[::2]
    nl = sum(d.count("\n") for d in buiten)
    if nl == 0:
        nl = sum(d.count("\r") for d in buiten)
    return nl + 1


def _heeft_formules(pad: Path) -> bool:
    """Whether any worksheet of an XLSX file holds a formula (its XML has an ``<f>``)."""
    patroon = re.compile(rb"<(?:\w+:)?f[\s>/]")
    with zipfile.ZipFile(pad) as z:
        for naam in z.namelist():
            if naam.startswith("xl/worksheets/") and naam.endswith(".xml"):
                with z.open(naam) as f:
                    rest = b""
                    for blok in iter(lambda f=f: f.read(1 << 20), b""):
                        if patroon.search(rest + blok):
                            return True
                        rest = blok[-16:]
    return False


def _lees_xlsx(pad: Path, spec: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """XLSX by openpyxl, cell by cell, so that row and column of a problem are known.

    Values are the cached values (``data_only``): a formula with a cached value is read
    as that value; a formula without one (a file written by a program that does not
    calculate) is refused, as is a cell holding an Excel error (``#N/A``) and a value in
    a column without a header. Rows whose cells are all empty are skipped.
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    blad = spec.get("blad", 0)

    def werkblad(wb):  # noqa: ANN001, ANN202
        try:
            return wb.worksheets[blad] if isinstance(blad, int) else wb[blad]
        except (IndexError, KeyError) as e:
            raise LeesFout([(None, None, f"blad {blad!r} bestaat niet; bladen: "
                                         f"{', '.join(wb.sheetnames)}")]) from e

    wb = load_workbook(pad, read_only=True, data_only=True)
    try:
        ws = werkblad(wb)
        ws.reset_dimensions()
        cellen: dict[int, dict[int, Any]] = {}
        fouten: list[tuple[int | None, str | None, str]] = []
        foutcellen: list[tuple[int, int, str]] = []
        for rij in ws.iter_rows():
            for c in rij:
                if c.value is None or not hasattr(c, "row"):
                    continue
                if c.data_type == "e":
                    foutcellen.append((c.row, c.column, str(c.value)))
                cellen.setdefault(c.row, {})[c.column] = c.value
    finally:
        wb.close()
    formules_zonder_waarde: list[tuple[int, int]] = []
    if _heeft_formules(pad):
        wb = load_workbook(pad, read_only=True, data_only=False)
        try:
            ws = werkblad(wb)
            ws.reset_dimensions()
            for rij in ws.iter_rows():
                for c in rij:
                    if (hasattr(c, "row") and c.data_type == "f"
                            and cellen.get(c.row, {}).get(c.column) is None):
                        formules_zonder_waarde.append((c.row, c.column))
        finally:
            wb.close()
    if 1 not in cellen:
        if not cellen:
            raise LeesFout([(None, None, "blad is leeg: geen kopregel")])
        raise LeesFout([(1, None, "rij 1 (de kopregel) is leeg; de kolomnamen horen in rij 1")])
    breedte = max(cellen[1])
    kop = _kopnamen([cellen[1].get(k) for k in range(1, breedte + 1)], letters=True)

    def kolomnaam(k: int) -> str:
        return kop[k - 1] if k <= breedte else f"(kolom {get_column_letter(k)} zonder kop)"

    for r, k, w in foutcellen:
        fouten.append((r, kolomnaam(k), f"cel bevat een Excel-foutwaarde ({w})"))
    for r, k in formules_zonder_waarde:
        fouten.append((r, kolomnaam(k), f"formule zonder opgeslagen waarde (cel {get_column_letter(k)}{r}); "
                                        "open het bestand in Excel en sla het op, of plak de waarden"))
    rijen, nummers = [], []
    for r in sorted(cellen):
        if r == 1:
            continue
        rij = cellen[r]
        buiten = [k for k in rij if k > breedte]
        if buiten:
            fouten.append((r, kolomnaam(min(buiten)), "waarde in een kolom zonder kop"))
        if all(_leeg_veld(x) for x in rij.values()):
            continue
        rijen.append([rij.get(k) for k in range(1, breedte + 1)])
        nummers.append(r)
    if fouten:
        raise LeesFout(fouten)
    return _frame(kop, rijen, nummers), {"decimaal": spec.get("decimaal", ".")}


def _lees_sav(pad: Path, spec: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    import pyreadstat

    df, meta = pyreadstat.read_sav(str(pad), apply_value_formats=False)
    df = df.astype(object)
    labels = {k: dict(v) for k, v in meta.variable_value_labels.items()}
    for kolom, mapping in labels.items():
        # Replace codes by their value label; a code without a label stays as it is and
        # meets the dictionary's checks (never silently turned into a missing value).
        df[kolom] = [mapping.get(x, x) if pd.notna(x) else x for x in df[kolom]]
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df, {"decimaal": ".", "waardelabels": labels}


def _lees_parquet(pad: Path, spec: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    df = pd.read_parquet(pad).astype(object)
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df, {"decimaal": "."}


LEZERS = {
    ".csv": ("csv", _lees_csv),
    ".txt": ("csv", _lees_csv),
    ".xlsx": ("xlsx", _lees_xlsx),
    ".sav": ("sav", _lees_sav),
    ".parquet": ("parquet", _lees_parquet),
}


def _code_sleutel(x: Any) -> str:
    """Normalise a code so that 1, 1.0 and "1" match the same mapping entry."""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x).strip()


def lees_bron(
    tabel: str,
    pad: Path,
    spec: dict[str, Any],
    bekende_kolommen: list[str],
    bevindingen: list[Bevinding],
) -> Bron | None:
    """Read one file, rename its columns and apply the region's code mapping.

    Problems (unreadable file, identifying or unknown columns) are appended to
    ``bevindingen``; ``None`` is returned when the file cannot be used at all.
    """
    if not pad.exists():
        bevindingen.append(Bevinding(str(pad), None, None, None, "bestand bestaat niet"))
        return None
    if pad.is_dir():
        bevindingen.append(Bevinding(str(pad), None, None, None, "is een map, geen bestand"))
        return None
    formaat_lezer = LEZERS.get(pad.suffix.lower())
    if formaat_lezer is None:
        bevindingen.append(Bevinding(
            str(pad), None, None, pad.suffix,
            f"onbekend bestandsformaat; ondersteund: {', '.join(sorted(LEZERS))}",
        ))
        return None
    if pad.stat().st_size == 0:
        bevindingen.append(Bevinding(str(pad), None, None, None,
                                     "bestand is leeg (0 bytes): geen kopregel"))
        return None
    formaat, lezer = formaat_lezer
    try:
        df, info = lezer(pad, spec)
    except LeesFout as e:
        for rij, kolom, regel in e.problemen:
            bevindingen.append(Bevinding(str(pad), rij, kolom, None, regel))
        return None
    except Exception as e:  # noqa: BLE001 - any reader failure becomes a finding
        melding = " ".join(str(e).split())[:300] or type(e).__name__
        bevindingen.append(Bevinding(str(pad), None, None, None,
                                     f"bestand niet leesbaar als {formaat}: {melding}"))
        return None

    df.columns = [str(k).strip() for k in df.columns]
    kolommen = spec.get("kolommen", {}) or {}
    naar_woordenboek = {}
    for naam, lokaal in kolommen.items():
        lokaal = str(lokaal).strip()
        if lokaal in naar_woordenboek:
            bevindingen.append(Bevinding(
                str(pad), None, lokaal, None,
                f"`kolommen` koppelt zowel {naar_woordenboek[lokaal]} als {naam} aan deze kolom"))
            continue
        naar_woordenboek[lokaal] = naam
        if lokaal not in df.columns:
            bevindingen.append(Bevinding(
                str(pad), None, lokaal, None,
                f"`kolommen: {{{naam}: {lokaal}}}` noemt een kolom die niet in het bestand staat"))
    lokale_namen = {naam: lokaal for lokaal, naam in naar_woordenboek.items()}
    for kolom in df.columns:
        schoon = str(kolom).strip().lower()
        if schoon in IDENTIFICERENDE_KOLOMMEN or naar_woordenboek.get(kolom) in IDENTIFICERENDE_KOLOMMEN:
            bevindingen.append(Bevinding(
                str(pad), None, str(kolom), None,
                "kolom met direct identificerende gegevens; lever alleen gepseudonimiseerde data aan",
            ))
    negeer = set(spec.get("negeer_kolommen", []))
    df = df.loc[:, ~df.columns.isin(list(negeer))]
    df = df.rename(columns=naar_woordenboek)
    for kolom in df.columns:
        if kolom not in bekende_kolommen and kolom.lower() not in IDENTIFICERENDE_KOLOMMEN:
            bevindingen.append(Bevinding(
                str(pad), None, lokale_namen.get(kolom, kolom), None,
                f"kolom staat niet in het woordenboek van '{tabel}'; koppel haar onder "
                f"`kolommen` of zet haar onder `negeer_kolommen`",
            ))
    dubbel = df.columns[df.columns.duplicated()].unique()
    for kolom in dubbel:
        bevindingen.append(Bevinding(str(pad), None, kolom, None, "kolom komt meer dan eens voor"))
    if len(dubbel):
        return None

    for kolom, codes in (spec.get("codes", {}) or {}).items():
        if kolom not in df.columns:
            hint = ""
            if kolom in naar_woordenboek:
                hint = f"; gebruik de naam uit het woordenboek ({naar_woordenboek[kolom]})"
            elif kolom in kolommen:
                hint = f"; volgens `kolommen` heet die kolom in het bestand '{kolommen[kolom]}'"
            bevindingen.append(Bevinding(
                str(pad), None, kolom, None,
                f"`codes` noemt kolom '{kolom}', maar de tabel heeft die kolom niet{hint}"))
            continue
        vertaling = {_code_sleutel(k): v for k, v in (codes or {}).items()}
        df[kolom] = [vertaling.get(_code_sleutel(x), x) if pd.notna(x) else x for x in df[kolom]]
    return Bron(
        tabel=tabel,
        bestand=pad,
        formaat=formaat,
        data=df,
        lokale_namen=lokale_namen,
        sha256=sha256(pad),
        encoding=info.get("encoding"),
        scheidingsteken=info.get("scheidingsteken"),
        decimaal=info.get("decimaal", "."),
        datumformaat=spec.get("datumformaat"),
        waardelabels=info.get("waardelabels", {}),
    )
