"""Bad input files, each a mutation of one small valid region, through the command line.

Every case asserts what a user relies on: exit code 1; one message that names the file,
the row and the column (where there is one) and the rule; no traceback; the planted
identifier or value nowhere in the output or the log; nothing written. Most cases run
``evaluatie validate`` in-process (``cli.main``) and the pipeline step ``inlezen``
(which would write the typed tables); the ones marked ``SUBPROCES`` also run
``python -m evaluatie.cli validate`` in a separate process.

The region is written as CSV (comma, or Excel-NL: semicolon, decimal comma, day-month-
year, cp1252), XLSX, SPSS ``.sav`` or Parquet, as each case needs.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest
import yaml

from evaluatie import cli, pijplijn
from evaluatie import config as cfg

REPO = Path(__file__).resolve().parents[1]
PEILDATUM = "2025-06-30"
#: a number that passes the 11-proef; must never appear in any message
BSN = "111222333"

LEEG = ""


def _tabellen() -> dict[str, pd.DataFrame]:
    d = pd.DataFrame({
        "pseudo_id": [f"AB00000{i}" for i in range(1, 7)],
        "interventie": ["leefstijlloket"] * 6,
        "geslacht": ["vrouw", "man", "vrouw", "anders", "man", "vrouw"],
        "leeftijd_start": ["45.5", "61", "38", "52", "29", "70"],
        "wijk": ["WK099901", "WK099902", "WK099901", "WK099902", "WK099901", "WK099902"],
        "ses_score": ["0.1", "-0.4", LEEG, "0.3", "0", "-1"],
        "ses_groep": ["midden", "laag", "laag", "hoog", "midden", "laag"],
        "verwijzer": ["huisarts", "wijkteam", "zelfmelder", "huisarts", "huisarts", "huisarts"],
        "aanmelddatum": ["2024-01-10", "2024-02-01", "2024-03-05", "2024-01-15", "2024-04-01",
                         "2024-05-01"],
        "startdatum": ["2024-02-01", "2024-02-20", LEEG, "2024-02-10", "2024-04-15",
                       "2024-05-20"],
        "einddatum": [LEEG, "2024-08-01", LEEG, "2025-01-10", LEEG, "2024-12-01"],
        "status": ["gestart", "uitgevallen", "aangemeld", "afgerond", "gestart", "uitgevallen"],
        "reden_uitval": [LEEG, "verhuisd", LEEG, LEEG, LEEG, "geen_motivatie"],
    })
    m = pd.DataFrame({
        "pseudo_id": ["AB000001", "AB000001", "AB000002", "AB000004", "AB000004", "AB000005",
                      "AB000006"],
        "meetmoment": ["T0", "T1", "T0", "T0", "T1", "T0", "T0"],
        "meetdatum": ["2024-02-01", "2024-08-01", "2024-02-20", "2024-02-10", "2024-08-12",
                      "2024-04-15", "2024-05-20"],
        "bmi": ["31.4", "30.2", "28.75", "33", "31.5", "27.1", "29.9"],
        "pg_meedoen": ["6.5", "7", LEEG, "5", "6", "7.5", "6"],
    })
    k = pd.DataFrame({
        "pseudo_id": ["AB000001", "AB000001", "AB000004", "AB000005"],
        "periode_start": ["2024-01-01", "2024-04-01", "2024-01-01", "2024-04-01"],
        "periode_eind": ["2024-03-31", "2024-06-30", "2024-03-31", "2024-06-30"],
        "kostendomein": ["zvw_huisarts", "zvw_huisarts", "wmo", "zvw_ggz"],
        "bedrag_eur": ["120.5", "80", "1500", "310.25"],
    })
    e = pd.DataFrame({
        "pseudo_id": ["AB000001", "AB000004"],
        "meetmoment": ["T1", "T1"],
        "datum": ["2024-08-04", "2024-08-15"],
        "rapportcijfer": ["8", "7"],
        "aanbevelen": ["9", "6"],
    })
    p = pd.DataFrame({
        "professional_id": ["PR000001", "PR000001", "PR000002"],
        "organisatie": ["GGD Zuidrand", "GGD Zuidrand", "Wijkteam Zuidrand"],
        "interventie": ["leefstijlloket"] * 3,
        "jaar": ["2024", "2025", "2024"],
        "werkplezier": ["7", "8", "6"],
    })
    w = pd.DataFrame({
        "wijk": ["WK099901", "WK099902"],
        "wijknaam": ["Café-buurt", "Oude Haven"],
        "ses_groep": ["midden", "laag"],
        "inwoners_doelgroep": ["1200", "900"],
    })
    return {"deelnemers": d, "metingen": m, "zorgkosten": k, "ervaringen": e,
            "professionals": p, "wijken": w}


DATUMS = {"aanmelddatum", "startdatum", "einddatum", "meetdatum", "periode_start",
          "periode_eind", "datum"}
GETALLEN = {"leeftijd_start", "ses_score", "bmi", "pg_meedoen", "bedrag_eur", "rapportcijfer",
            "aanbevelen", "jaar", "werkplezier", "inwoners_doelgroep"}


def _getypeerd(df: pd.DataFrame) -> pd.DataFrame:
    """The text region as typed values, for the binary formats."""
    uit = df.copy().astype(object)
    for k in df.columns:
        if k in DATUMS:
            uit[k] = [dt.date.fromisoformat(x) if isinstance(x, str) and x else None
                      for x in df[k]]
        elif k in GETALLEN:
            uit[k] = [_getal(x) for x in df[k]]
    return uit


def _getal(x: object) -> object:
    if not isinstance(x, str):
        return x
    if x == "":
        return np.nan
    try:
        return float(x)
    except ValueError:
        return x  # a planted bad value stays text


@dataclass
class Regio:
    """A working directory with a config and the region's files; mutate, then write."""

    werk: Path
    tabellen: dict[str, pd.DataFrame]
    formaat: dict[str, str]
    spec: dict[str, dict]
    data_extra: dict

    @property
    def map_(self) -> Path:
        return self.werk / "data"

    def bestand(self, tabel: str) -> Path:
        return self.map_ / f"{tabel}.{self.formaat.get(tabel, 'csv')}"

    def schrijf(self) -> Path:
        self.map_.mkdir(parents=True, exist_ok=True)
        for naam, df in self.tabellen.items():
            pad = self.bestand(naam)
            f = self.formaat.get(naam, "csv")
            if f == "csv":
                pad.write_text(df.to_csv(index=False), encoding="utf-8")
            elif f == "xlsx":
                _getypeerd(df).to_excel(pad, index=False)
            elif f == "parquet":
                _getypeerd(df).to_parquet(pad, index=False)
            elif f == "sav":
                pyreadstat.write_sav(_getypeerd(df).infer_objects(), str(pad))
        c = {
            "regio": "testregio", "peildatum": PEILDATUM,
            "interventies": {"leefstijlloket": {"naam": "Leefstijlloket", "doelgroep": "volwassene"}},
            "data": {"map": str(self.map_), **self.data_extra,
                     "tabellen": {t: {"bestand": self.bestand(t).name, **self.spec.get(t, {})}
                                  for t in self.tabellen}},
        }
        pad = self.werk / "config.yaml"
        pad.write_text(yaml.safe_dump(c, allow_unicode=True), encoding="utf-8")
        return pad


@pytest.fixture
def regio(tmp_path: Path) -> Regio:
    return Regio(tmp_path, _tabellen(), {}, {}, {})


def _bestanden(werk: Path) -> dict[Path, float]:
    return {p: p.stat().st_mtime_ns for p in werk.rglob("*") if p.is_file()}


def _in_proces(pad: Path, capsys) -> tuple[int, str]:  # noqa: ANN001
    code = cli.main(["validate", str(pad)])
    uit = capsys.readouterr()
    return code, uit.out + uit.err


def _subproces(pad: Path) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    r = subprocess.run([sys.executable, "-m", "evaluatie.cli", "validate", str(pad)],
                       capture_output=True, text=True, env=env, timeout=120)
    return r.returncode, r.stdout + r.stderr


def _pijplijn(pad: Path, werk: Path) -> str:
    """The pipeline step that writes the typed tables: must write nothing but its log."""
    config = cfg.laad(pad)
    log = werk / "logs" / "inlezen.log"
    wortel = logging.getLogger()
    handlers, niveau = wortel.handlers[:], wortel.level
    try:
        with pytest.raises(SystemExit) as e, pijplijn.stap(log):
            pijplijn.inlezen(config, werk / "intern" / "invoer", werk / "intern" / "regio",
                             werk / "intern" / "bronnen.json")
    finally:
        for h in wortel.handlers:
            h.close()
        wortel.handlers[:] = handlers
        wortel.setLevel(niveau)
    assert e.value.code == 1
    assert not (werk / "intern").exists(), "inlezen schreef resultaten ondanks de fouten"
    return log.read_text(encoding="utf-8")


# --- the cases ---------------------------------------------------------------------
# Each mutates the region and returns (table, row, column, rule, planted value).
# row: spreadsheet row (CSV/XLSX: header = 1) or record (SAV/Parquet); None = file-level.

Geval = Callable[[Regio], tuple[str, int | None, str | None, str, str | None]]
GEVALLEN: list[Geval] = []
SUBPROCES: set[str] = set()


def geval(*, subproces: bool = False) -> Callable[[Geval], Geval]:
    def registreer(f: Geval) -> Geval:
        GEVALLEN.append(f)
        if subproces:
            SUBPROCES.add(f.__name__)
        return f
    return registreer


def _overal(r: Regio, oud: str, nieuw: object) -> None:
    """Replace a pseudonym in every table (so that no foreign key breaks)."""
    for df in r.tabellen.values():
        if "pseudo_id" in df:
            df["pseudo_id"] = [nieuw if x == oud else x for x in df["pseudo_id"]]


# identifiers in values
@geval(subproces=True)
def _bsn_als_pseudo_id(r):
    _overal(r, "AB000004", BSN)
    return "deelnemers", 5, "pseudo_id", "lijkt een BSN (11-proef)", BSN


@geval()
def _bsn_als_pseudo_id_in_metingen_ook_dubbele_sleutel(r):
    m = r.tabellen["metingen"]
    m.loc[len(m)] = m.loc[3]  # AB000004, T0 twice
    _overal(r, "AB000004", BSN)
    return "metingen", len(m) + 1, "pseudo_id", "lijkt een BSN (11-proef)", BSN


@geval()
def _bsn_met_punten_in_organisatie(r):
    r.tabellen["professionals"].loc[2, "organisatie"] = "Wijkteam 1234.56.782"
    return "professionals", 4, "organisatie", "lijkt een BSN", "1234.56.782"


@geval()
def _bsn_in_reden_uitval(r):
    r.tabellen["deelnemers"].loc[1, "reden_uitval"] = BSN
    return "deelnemers", 3, "reden_uitval", "lijkt een BSN (11-proef)", BSN


@geval()
def _bsn_met_spaties_in_wijknaam(r):
    r.tabellen["wijken"].loc[1, "wijknaam"] = "Haven 111 222 333"
    return "wijken", 3, "wijknaam", "lijkt een BSN", "111 222 333"


@geval()
def _bsn_zonder_voorloopnul_als_getal_xlsx(r):
    r.formaat["professionals"] = "xlsx"
    p = r.tabellen["professionals"]
    p["professional_id"] = p["professional_id"].astype(object)
    p.loc[2, "professional_id"] = 12345672  # 012345672 passes the 11-proef
    return "professionals", 4, "professional_id", "voorloopnul", "12345672"


@geval()
def _email_in_organisatie(r):
    r.tabellen["professionals"].loc[0, "organisatie"] = "GGD (j.jansen@ggd-zuidrand.nl)"
    return "professionals", 2, "organisatie", "lijkt een e-mailadres", "j.jansen@ggd-zuidrand.nl"


@geval()
def _telefoon_als_professional_id(r):
    p = r.tabellen["professionals"]
    p.loc[2, "professional_id"] = "0612345678"
    return "professionals", 4, "professional_id", "telefoonnummer", "0612345678"


@geval()
def _mobiel_nummer_als_getal_in_xlsx(r):
    r.formaat["professionals"] = "xlsx"
    p = r.tabellen["professionals"]
    p["professional_id"] = p["professional_id"].astype(object)
    p.loc[0, "professional_id"] = 612345678  # 06-12345678 typed into Excel
    return "professionals", 2, "professional_id", "mobiel nummer", "612345678"


@geval()
def _internationaal_telefoonnummer_in_organisatie(r):
    r.tabellen["professionals"].loc[1, "organisatie"] = "GGD, tel. +31 (0)20 123 4567"
    return "professionals", 3, "organisatie", "telefoonnummer", "123 4567"


@geval()
def _vast_nummer_met_streepje_in_wijknaam(r):
    r.tabellen["wijken"].loc[0, "wijknaam"] = "Centrum 010-4567890"
    return "wijken", 2, "wijknaam", "telefoonnummer", "4567890"


@geval()
def _postcode_als_wijknaam(r):
    r.tabellen["wijken"].loc[1, "wijknaam"] = "3512 JC"
    return "wijken", 3, "wijknaam", "postcode", "3512 JC"


@geval()
def _postcode_in_kleine_letters_als_wijknaam(r):
    r.tabellen["wijken"].loc[0, "wijknaam"] = "3512jc"
    return "wijken", 2, "wijknaam", "postcode", "3512jc"


@geval()
def _iban_in_organisatie(r):
    r.tabellen["professionals"].loc[0, "organisatie"] = "GGD NL91 ABNA 0417 1643 00"
    return "professionals", 2, "organisatie", "IBAN", "0417 1643"


@geval()
def _volledige_datum_in_jaarveld(r):
    r.tabellen["professionals"].loc[1, "jaar"] = "15-03-1980"
    return "professionals", 3, "jaar", "alleen een jaartal", "15-03-1980"


@geval()
def _datumcel_in_jaarveld_xlsx(r):
    r.formaat["professionals"] = "xlsx"
    p = r.tabellen["professionals"]
    p["jaar"] = p["jaar"].astype(object)
    p.loc[0, "jaar"] = dt.datetime(1980, 3, 15)
    return "professionals", 2, "jaar", "alleen een jaartal", "1980-03-15"


@geval(subproces=True)
def _bsn_als_getal_in_sav(r):
    for t in ("deelnemers", "metingen", "zorgkosten", "ervaringen"):
        r.formaat[t] = "sav"
    _overal(r, "AB000002", BSN)
    return "deelnemers", 2, "pseudo_id", "lijkt een BSN", BSN


@geval()
def _bsn_als_geheel_getal_in_parquet(r):
    r.formaat["professionals"] = "parquet"
    p = r.tabellen["professionals"]
    p["professional_id"] = [111222333, 111222333, 222333444]
    return "professionals", 1, "professional_id", "lijkt een BSN", BSN


@geval()
def _email_als_kolomnaam(r):
    r.tabellen["wijken"]["info@wijk.nl"] = "x"
    return "wijken", None, "[e-mailadres verborgen]", "staat niet in het woordenboek", "info@wijk.nl"


# dates after the peildatum
@geval()
def _meetdatum_in_2099(r):
    r.tabellen["metingen"].loc[4, "meetdatum"] = "2099-01-01"
    return "metingen", 6, "meetdatum", "ligt na de peildatum (2025-06-30)", None


@geval()
def _aanmelddatum_een_dag_na_de_peildatum(r):
    r.tabellen["deelnemers"].loc[2, "aanmelddatum"] = "2025-07-01"
    return "deelnemers", 4, "aanmelddatum", "ligt na de peildatum", None


@geval()
def _kostenperiode_na_de_peildatum(r):
    r.tabellen["zorgkosten"].loc[3, "periode_eind"] = "2025-09-30"
    return "zorgkosten", 5, "periode_eind", "ligt na de peildatum", None


@geval()
def _ervaringsdatum_na_peildatum_dag_maand_jaar(r):
    r.spec["ervaringen"] = {"datumformaat": "%d-%m-%Y"}
    e = r.tabellen["ervaringen"]
    e["datum"] = ["04-08-2024", "15-08-2026"]
    r.formaat["ervaringen"] = "csv"
    r.tabellen["ervaringen"] = e
    return "ervaringen", 3, "datum", "ligt na de peildatum", None


@geval()
def _einddatum_na_peildatum_in_xlsx(r):
    r.formaat["deelnemers"] = "xlsx"
    r.tabellen["deelnemers"].loc[3, "einddatum"] = "2031-01-10"
    return "deelnemers", 5, "einddatum", "ligt na de peildatum", None


# encodings
@geval(subproces=True)
def _utf8_met_een_cp1252_byte(r):
    def na(pad: Path) -> None:
        ruw = pad.read_bytes().replace(b"Oude Haven", "Oude Hav\xe9n".encode("cp1252"))
        pad.write_bytes(ruw)
    r.na_schrijven = na  # type: ignore[attr-defined]
    return "wijken", 3, "wijknaam", "gemengde codering", None


@geval()
def _opgegeven_codering_klopt_niet(r):
    r.spec["wijken"] = {"encoding": "ascii"}
    return "wijken", 2, "wijknaam", "geen geldig ascii", None


@geval()
def _cp1252_opgegeven_voor_een_utf8_bestand(r):
    r.spec["wijken"] = {"encoding": "cp1252"}  # would read Café-buurt as CafÃ©-buurt
    return "wijken", None, None, "het bestand is UTF-8 met niet-ASCII-tekens", None


@geval()
def _xlsx_met_de_extensie_csv(r):
    def na(pad: Path) -> None:
        wb = openpyxl.Workbook()
        wb.active.append(["wijk", "wijknaam"])
        wb.save(pad)
    r.na_schrijven = na  # type: ignore[attr-defined]
    return "wijken", None, None, "geen tekstbestand maar een ZIP-bestand", None


@geval()
def _cp1252_met_onbekende_byte(r):
    def na(pad: Path) -> None:
        tekst = pad.read_text(encoding="utf-8").replace("Oude Haven", "Oude Ha\x81ven")
        pad.write_bytes(tekst.encode("utf-8").replace(b"\xc2\x81", b"\x81").replace(
            "Café".encode(), "Café".encode("cp1252")))
    r.na_schrijven = na  # type: ignore[attr-defined]
    return "wijken", 3, "wijknaam", "geen UTF-8 en geen cp1252", None


@geval()
def _nul_byte(r):
    def na(pad: Path) -> None:
        pad.write_bytes(pad.read_bytes().replace(b"Oude", b"Ou\x00de"))
    r.na_schrijven = na  # type: ignore[attr-defined]
    return "wijken", 3, None, "NUL-teken", None


# CSV structure
def _regels(r: Regio, tabel: str, bewerk: Callable[[list[str]], list[str]], *,
            eind: str = "\n") -> None:
    def na(pad: Path) -> None:
        regels = pad.read_text(encoding="utf-8").splitlines()
        pad.write_text("\n".join(bewerk(regels)) + eind, encoding="utf-8")
    r.na_schrijven = na  # type: ignore[attr-defined]
    r.na_tabel = tabel  # type: ignore[attr-defined]


@geval(subproces=True)
def _afgekapte_laatste_regel(r):
    _regels(r, "metingen", lambda rr: rr[:-1] + [rr[-1].rsplit(",", 1)[0]], eind="")
    return "metingen", 8, None, "de regel is onvolledig of afgekapt", None


@geval()
def _te_weinig_velden_midden_in(r):
    _regels(r, "zorgkosten", lambda rr: rr[:2] + [rr[2].rsplit(",", 2)[0]] + rr[3:])
    return "zorgkosten", 3, None, "3 velden, de kopregel heeft er 5", None


@geval()
def _te_veel_velden(r):
    _regels(r, "deelnemers", lambda rr: rr[:4] + [rr[4] + ",extra"] + rr[5:])
    return "deelnemers", 5, None, "14 velden, de kopregel heeft er 13", None


@geval()
def _aanhalingsteken_niet_gesloten_tot_het_einde(r):
    _regels(r, "metingen", lambda rr: rr[:3] + [rr[3].replace("T0", '"T0', 1)] + rr[4:])
    return "metingen", 4, None, "aanhalingsteken wordt niet gesloten", None


@geval()
def _aanhalingsteken_niet_gesloten_met_later_een_ander(r):
    def bewerk(rr: list[str]) -> list[str]:
        rr = rr[:]
        rr[2] = rr[2].replace("T1", '"T1', 1)
        rr[6] = rr[6].replace("T0", '"T0"', 1)
        return rr
    _regels(r, "metingen", bewerk)
    return "metingen", 3, None, "aanhalingsteken", None


@geval()
def _teken_na_afsluitend_aanhalingsteken(r):
    _regels(r, "wijken", lambda rr: rr[:2] + [rr[2].replace("Oude Haven", '"Oude" Haven')])
    return "wijken", 3, None, "teken na een afsluitend aanhalingsteken", None


@geval()
def _regelnummer_na_waarde_over_twee_regels(r):
    # a quoted value with a line break is one row: the short row below it is row 4
    def bewerk(rr: list[str]) -> list[str]:
        rr = rr[:]
        rr[1] = rr[1].replace("GGD Zuidrand", '"GGD\nZuidrand"')
        rr[3] = rr[3].rsplit(",", 1)[0]
        return rr
    _regels(r, "professionals", bewerk)
    return "professionals", 4, None, "4 velden, de kopregel heeft er 5", None


@geval()
def _excel_nl_te_veel_velden(r):
    r.formaat["metingen"] = "csv"

    def na(pad: Path) -> None:
        df = r.tabellen["metingen"].copy()
        df["bmi"] = df["bmi"].str.replace(".", ",", regex=False)
        df["pg_meedoen"] = df["pg_meedoen"].str.replace(".", ",", regex=False)
        tekst = df.to_csv(index=False, sep=";").splitlines()
        tekst[5] = tekst[5] + ";1"
        pad.write_bytes(("\r\n".join(tekst) + "\r\n").encode("cp1252"))
    r.na_schrijven = na  # type: ignore[attr-defined]
    r.na_tabel = "metingen"  # type: ignore[attr-defined]
    return "metingen", 6, None, "6 velden, de kopregel heeft er 5", None


@geval()
def _leeg_bestand_van_nul_bytes(r):
    def na(pad: Path) -> None:
        pad.write_bytes(b"")
    r.na_schrijven = na  # type: ignore[attr-defined]
    r.na_tabel = "metingen"  # type: ignore[attr-defined]
    return "metingen", None, None, "bestand is leeg (0 bytes)", None


@geval()
def _map_in_plaats_van_bestand(r):
    def na(pad: Path) -> None:
        pad.unlink()
        pad.mkdir()
    r.na_schrijven = na  # type: ignore[attr-defined]
    r.na_tabel = "ervaringen"  # type: ignore[attr-defined]
    return "ervaringen", None, None, "is een map, geen bestand", None


@geval()
def _waarden_onder_een_lege_kop(r):
    _regels(r, "wijken", lambda rr: [rr[0] + ","] + [x + ",x" for x in rr[1:]])
    return "wijken", None, "(lege kop in kolom 5)", "staat niet in het woordenboek", None


@geval()
def _dubbele_kolomnaam(r):
    _regels(r, "wijken", lambda rr: [rr[0] + ",wijknaam"] + [x + ",y" for x in rr[1:]])
    return "wijken", None, "wijknaam", "kolom komt meer dan eens voor", None


@geval()
def _ongeldig_datumformaat(r):
    r.spec["metingen"] = {"datumformaat": "%Q-%d"}
    return "metingen", None, "meetdatum", "datumformaat '%Q-%d' is ongeldig", None


# XLSX
def _xlsx_cel(r: Regio, tabel: str, cel: str, waarde: object) -> None:
    r.formaat[tabel] = "xlsx"

    def na(pad: Path) -> None:
        wb = openpyxl.load_workbook(pad)
        wb.active[cel] = waarde
        wb.save(pad)
    r.na_schrijven = na  # type: ignore[attr-defined]
    r.na_tabel = tabel  # type: ignore[attr-defined]


@geval(subproces=True)
def _formule_zonder_opgeslagen_waarde(r):
    _xlsx_cel(r, "metingen", "D4", "=1+29")
    return "metingen", 4, "bmi", "formule zonder opgeslagen waarde (cel D4)", None


@geval()
def _excel_foutwaarde(r):
    r.formaat["wijken"] = "xlsx"

    def na(pad: Path) -> None:
        wb = openpyxl.load_workbook(pad)
        c = wb.active["D3"]
        c.value = "#N/A"
        c.data_type = "e"
        wb.save(pad)
    r.na_schrijven = na  # type: ignore[attr-defined]
    r.na_tabel = "wijken"  # type: ignore[attr-defined]
    return "wijken", 3, "inwoners_doelgroep", "Excel-foutwaarde (#N/A)", None


@geval()
def _xlsx_waarde_in_kolom_zonder_kop(r):
    _xlsx_cel(r, "professionals", "G3", "los")
    return "professionals", 3, "(kolom G zonder kop)", "waarde in een kolom zonder kop", None


@geval()
def _xlsx_blad_bestaat_niet(r):
    r.formaat["wijken"] = "xlsx"
    r.spec["wijken"] = {"blad": "Wijken2024"}
    return "wijken", None, None, "blad 'Wijken2024' bestaat niet", None


@geval()
def _xlsx_afgekapt_bestand(r):
    r.formaat["wijken"] = "xlsx"

    def na(pad: Path) -> None:
        pad.write_bytes(pad.read_bytes()[:200])
    r.na_schrijven = na  # type: ignore[attr-defined]
    r.na_tabel = "wijken"  # type: ignore[attr-defined]
    return "wijken", None, None, "bestand niet leesbaar als xlsx", None


@geval()
def _xlsx_verkeerd_getal_in_tekstcel(r):
    r.formaat["deelnemers"] = "xlsx"
    r.tabellen["deelnemers"].loc[5, "leeftijd_start"] = "zeventig"
    return "deelnemers", 7, "leeftijd_start", "geen getal", None


# mapping
@geval()
def _kolommen_naar_ontbrekende_kolom(r):
    r.spec["deelnemers"] = {"kolommen": {"geslacht": "Sekse"}}
    return "deelnemers", None, "Sekse", "`kolommen: {geslacht: Sekse}` noemt een kolom die niet", None


@geval()
def _codes_voor_ontbrekende_kolom(r):
    r.spec["wijken"] = {"codes": {"stadsdeel": {"N": "noord"}}}
    return "wijken", None, "stadsdeel", "`codes` noemt kolom 'stadsdeel'", None


@geval()
def _twee_velden_op_een_kolom(r):
    r.tabellen["deelnemers"] = r.tabellen["deelnemers"].rename(columns={"pseudo_id": "ID"})
    r.spec["deelnemers"] = {"kolommen": {"pseudo_id": "ID", "wijk": "ID"}}
    return "deelnemers", None, "ID", "koppelt zowel pseudo_id als wijk", None


# SAV and Parquet
@geval()
def _sav_kapot(r):
    r.formaat["ervaringen"] = "sav"

    def na(pad: Path) -> None:
        pad.write_bytes(b"$FL2 dit is geen echt SPSS-bestand" * 4)
    r.na_schrijven = na  # type: ignore[attr-defined]
    r.na_tabel = "ervaringen"  # type: ignore[attr-defined]
    return "ervaringen", None, None, "bestand niet leesbaar als sav", None


@geval()
def _sav_datum_na_peildatum(r):
    r.formaat["zorgkosten"] = "sav"
    r.tabellen["zorgkosten"].loc[0, "periode_start"] = "2026-01-01"
    r.tabellen["zorgkosten"].loc[0, "periode_eind"] = "2026-03-31"
    return "zorgkosten", 1, "periode_start", "ligt na de peildatum", None


@geval()
def _parquet_kapot(r):
    r.formaat["wijken"] = "parquet"

    def na(pad: Path) -> None:
        pad.write_bytes(b"PAR1" + b"\x00" * 40)
    r.na_schrijven = na  # type: ignore[attr-defined]
    r.na_tabel = "wijken"  # type: ignore[attr-defined]
    return "wijken", None, None, "bestand niet leesbaar als parquet", None


@geval()
def _parquet_telefoon_in_wijknaam(r):
    r.formaat["wijken"] = "parquet"
    r.tabellen["wijken"].loc[1, "wijknaam"] = "06 1234 5678"
    return "wijken", 2, "wijknaam", "telefoonnummer", "1234 5678"


@pytest.mark.parametrize("maak", GEVALLEN, ids=lambda f: f.__name__.strip("_"))
def test_slechte_invoer_wordt_netjes_geweigerd(regio: Regio, maak: Geval, capsys):
    tabel, rij, kolom, regel, geheim = maak(regio)
    pad = regio.schrijf()
    na = getattr(regio, "na_schrijven", None)
    if na is not None:
        na(regio.bestand(getattr(regio, "na_tabel", tabel)))
    voor = _bestanden(regio.werk)

    code, uit = _in_proces(pad, capsys)
    uitvoer = [("validate", uit)]
    if maak.__name__ in SUBPROCES:
        code_sub, uit_sub = _subproces(pad)
        assert code_sub == 1, uit_sub
        uitvoer.append(("subproces", uit_sub))
    assert code == 1, uit
    assert _bestanden(regio.werk) == voor, "validate schreef of wijzigde bestanden"
    uitvoer.append(("log van inlezen", _pijplijn(pad, regio.werk)))
    capsys.readouterr()

    naam = regio.bestand(tabel).name
    for bron, tekst in uitvoer:
        assert "Traceback" not in tekst, f"{bron}:\n{tekst}"
        regels = [r for r in tekst.splitlines() if naam in r and regel in r]
        assert regels, f"{bron}: geen melding met {naam!r} en {regel!r}:\n{tekst}"
        if rij is not None:
            assert any(f"{naam}, rij {rij}" in r for r in regels), f"{bron}: rij {rij}\n{tekst}"
        else:
            assert any(", rij " not in r for r in regels), f"{bron}:\n{tekst}"
        if kolom is not None:
            assert any(f"'{kolom}'" in r for r in regels), f"{bron}: kolom {kolom}\n{tekst}"
        if geheim is not None:
            assert geheim not in tekst, f"{bron} herhaalt de waarde {geheim!r}:\n{tekst}"
            assert geheim.replace(" ", "").replace(".", "") not in tekst.replace(" ", ""), tekst


def test_at_least_forty_cases_across_formats():
    assert len(GEVALLEN) >= 40
    assert len(SUBPROCES) >= 5


def test_the_unmutated_region_is_valid_in_every_format(regio: Regio, capsys):
    for t in ("deelnemers", "metingen", "zorgkosten", "ervaringen"):
        regio.formaat[t] = {"deelnemers": "xlsx", "metingen": "sav", "zorgkosten": "parquet",
                            "ervaringen": "csv"}[t]
    pad = regio.schrijf()
    code, uit = _in_proces(pad, capsys)
    assert code == 0, uit
    assert "De invoer voldoet aan het datawoordenboek" in uit
    regio.formaat.clear()
    pad = regio.schrijf()
    code, uit = _in_proces(pad, capsys)
    assert code == 0, uit


def test_numeric_pseudonyms_are_accepted_with_a_warning_that_shows_no_value(regio: Regio, capsys):
    _overal(regio, "AB000004", BSN)
    _overal(regio, "AB000001", "123456789")  # nine digits, fails the 11-proef
    regio.data_extra = {"pseudoniemen": {"negen_cijfers": True}}
    pad = regio.schrijf()
    code, uit = _in_proces(pad, capsys)
    assert code == 0, uit
    assert "Waarschuwingen" in uit and "1 van de 6 pseudoniemen" in uit
    assert BSN not in uit
    # the override is for numeric pseudonyms only: a BSN elsewhere is still refused
    regio.tabellen["professionals"].loc[0, "organisatie"] = f"GGD {BSN}"
    pad = regio.schrijf()
    code, uit = _in_proces(pad, capsys)
    assert code == 1 and "lijkt een BSN" in uit and BSN not in uit


def test_header_only_and_empty_optional_tables_do_not_crash(regio: Regio, capsys):
    for t in ("zorgkosten", "ervaringen", "professionals", "wijken"):
        regio.tabellen[t] = regio.tabellen[t].iloc[:0]
    pad = regio.schrijf()
    code, uit = _in_proces(pad, capsys)
    assert code == 0, uit
    assert "Traceback" not in uit
    for t in ("deelnemers", "metingen"):
        regio.tabellen[t] = regio.tabellen[t].iloc[:0]
    pad = regio.schrijf()
    code, uit = _in_proces(pad, capsys)
    assert code == 0, uit
    for t in ("deelnemers", "metingen"):
        regio.formaat[t] = "xlsx"
    pad = regio.schrijf()
    code, uit = _in_proces(pad, capsys)
    assert code == 0, uit
