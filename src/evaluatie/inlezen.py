"""Reading a region's export files and mapping them onto the data dictionary.

Supported formats: CSV (``,`` or Dutch Excel ``;`` with decimal comma; UTF-8 with or
without BOM, or cp1252), XLSX, SPSS ``.sav`` (value labels are applied and kept) and
Parquet. Every value is kept as read; typing and checks happen in
:mod:`evaluatie.validatie`, so nothing is coerced on the way in.

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

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def _decodeer(ruw: bytes, encoding: str) -> tuple[str, str]:
    if encoding != "auto":
        return ruw.decode(encoding), encoding
    if ruw.startswith(b"\xef\xbb\xbf"):
        return ruw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return ruw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return ruw.decode("cp1252"), "cp1252"


def _lees_csv(pad: Path, spec: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    tekst, encoding = _decodeer(pad.read_bytes(), spec.get("encoding", "auto"))
    sep = spec.get("scheidingsteken")
    if sep is None:
        eerste = tekst.split("\n", 1)[0]
        sep = max([";", ",", "\t"], key=eerste.count)
    decimaal = spec.get("decimaal") or ("," if sep == ";" else ".")
    df = pd.read_csv(
        io.StringIO(tekst), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL
    ).astype(object)
    df.index = pd.RangeIndex(2, len(df) + 2)
    return df, {"encoding": encoding, "scheidingsteken": sep, "decimaal": decimaal}


def _lees_xlsx(pad: Path, spec: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    df = pd.read_excel(pad, sheet_name=spec.get("blad", 0), dtype=object, engine="openpyxl")
    df.index = pd.RangeIndex(2, len(df) + 2)
    return df, {"decimaal": spec.get("decimaal", ".")}


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
    formaat_lezer = LEZERS.get(pad.suffix.lower())
    if formaat_lezer is None:
        bevindingen.append(Bevinding(
            str(pad), None, None, pad.suffix,
            f"onbekend bestandsformaat; ondersteund: {', '.join(sorted(LEZERS))}",
        ))
        return None
    formaat, lezer = formaat_lezer
    try:
        df, info = lezer(pad, spec)
    except Exception as e:  # noqa: BLE001 - any reader failure becomes a finding
        bevindingen.append(Bevinding(str(pad), None, None, None, f"bestand niet leesbaar: {e}"))
        return None

    naar_woordenboek = {lokaal: naam for naam, lokaal in spec.get("kolommen", {}).items()}
    lokale_namen = {naam: lokaal for lokaal, naam in naar_woordenboek.items()}
    for kolom in df.columns:
        schoon = str(kolom).strip().lower()
        if schoon in IDENTIFICERENDE_KOLOMMEN or naar_woordenboek.get(kolom) in IDENTIFICERENDE_KOLOMMEN:
            bevindingen.append(Bevinding(
                str(pad), None, str(kolom), None,
                "kolom met direct identificerende gegevens; lever alleen gepseudonimiseerde data aan",
            ))
    negeer = set(spec.get("negeer_kolommen", []))
    df = df[[k for k in df.columns if k not in negeer]]
    df = df.rename(columns=naar_woordenboek)
    df.columns = [str(k).strip() for k in df.columns]
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

    for kolom, codes in spec.get("codes", {}).items():
        if kolom in df.columns:
            vertaling = {_code_sleutel(k): v for k, v in codes.items()}
            df[kolom] = [
                vertaling.get(_code_sleutel(x), x) if pd.notna(x) else x for x in df[kolom]
            ]
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
