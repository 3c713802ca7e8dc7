"""Every reader, and a region's own column names, codes and date formats."""

import codecs
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from conftest import CODES

from evaluatie import validatie
from evaluatie.fouten import ValidatieFout

DEELNEMERS = pd.DataFrame({
    "pseudo_id": ["AB000001", "AB000002", "AB000003"],
    "interventie": ["leefstijlloket"] * 3,
    "geslacht": ["man", "vrouw", "vrouw"],
    "leeftijd_start": [45.25, 61.5, 38.0],
    "wijk": ["WK099901", "WK099902", "WK099903"],
    "ses_score": [0.05, -0.42, np.nan],
    "ses_groep": ["midden", "laag", "laag"],
    "verwijzer": ["huisarts", "wijkteam", "zelfmelder"],
    "aanmelddatum": pd.to_datetime(["2024-01-10", "2024-02-01", "2024-03-05"]),
    "startdatum": pd.to_datetime(["2024-02-01", "2024-02-20", None]),
    "einddatum": pd.to_datetime([None, "2024-08-01", None]),
    "status": ["gestart", "uitgevallen", "aangemeld"],
    "reden_uitval": [None, "verhuisd", None],
})
METINGEN = pd.DataFrame({
    "pseudo_id": ["AB000001", "AB000001", "AB000002"],
    "meetmoment": ["T0", "T1", "T0"],
    "meetdatum": pd.to_datetime(["2024-02-01", "2024-08-01", "2024-02-20"]),
    "bmi": [31.4, 30.2, 28.75],
    "pg_meedoen": [6.5, 7.0, np.nan],
})


def _config(map_: Path, ext: str, **extra) -> dict:
    return {"map": str(map_), "tabellen": {
        "deelnemers": {"bestand": f"deelnemers.{ext}", **extra.get("deelnemers", {})},
        "metingen": {"bestand": f"metingen.{ext}", **extra.get("metingen", {})},
    }}


def _controleer(res):
    d = res.tabellen["deelnemers"]
    m = res.tabellen["metingen"]
    assert d["leeftijd_start"].tolist() == [45.25, 61.5, 38.0]
    assert d["ses_score"].isna().tolist() == [False, False, True]
    assert d["startdatum"].iloc[1] == pd.Timestamp("2024-02-20")
    assert pd.isna(d["startdatum"].iloc[2])
    assert d["geslacht"].tolist() == ["man", "vrouw", "vrouw"]
    assert m["bmi"].tolist() == [31.4, 30.2, 28.75]
    assert m["meetdatum"].iloc[1] == pd.Timestamp("2024-08-01")


def test_csv_comma_utf8(tmp_path):
    DEELNEMERS.to_csv(tmp_path / "deelnemers.csv", index=False, date_format="%Y-%m-%d")
    METINGEN.to_csv(tmp_path / "metingen.csv", index=False, date_format="%Y-%m-%d")
    res = validatie.lees_en_valideer(_config(tmp_path, "csv"), CODES)
    _controleer(res)
    assert res.bronnen["deelnemers"].scheidingsteken == ","


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_dutch_excel_csv_semicolon_decimal_comma(tmp_path, encoding):
    # As Excel NL writes "CSV (gescheiden door lijstscheidingsteken)": ; and 45,25
    d = DEELNEMERS.copy()
    d["reden_uitval"] = [None, "verhuisd", None]
    for naam, df in (("deelnemers", d), ("metingen", METINGEN)):
        tekst = df.to_csv(index=False, sep=";", decimal=",", date_format="%d-%m-%Y")
        (tmp_path / f"{naam}.csv").write_bytes(tekst.encode(encoding))
    extra = {"deelnemers": {"datumformaat": "%d-%m-%Y"}, "metingen": {"datumformaat": "%d-%m-%Y"}}
    res = validatie.lees_en_valideer(_config(tmp_path, "csv", **extra), CODES)
    _controleer(res)
    b = res.bronnen["deelnemers"]
    assert (b.scheidingsteken, b.decimaal) == (";", ",")
    assert b.encoding == ("utf-8-sig" if encoding == "utf-8-sig" else "utf-8")


def test_cp1252_text_is_detected_and_kept(tmp_path):
    wijken = "wijk;wijknaam;ses_groep;inwoners_doelgroep\nWK099901;Café-buurt;laag;1200\n"
    (tmp_path / "wijken.csv").write_bytes(wijken.encode("cp1252"))
    DEELNEMERS.to_csv(tmp_path / "deelnemers.csv", index=False, date_format="%Y-%m-%d")
    METINGEN.to_csv(tmp_path / "metingen.csv", index=False, date_format="%Y-%m-%d")
    cfg = _config(tmp_path, "csv")
    cfg["tabellen"]["wijken"] = {"bestand": "wijken.csv"}
    res = validatie.lees_en_valideer(cfg, CODES)
    assert res.tabellen["wijken"]["wijknaam"].iloc[0] == "Café-buurt"
    assert res.bronnen["wijken"].encoding == "cp1252"


def test_xlsx(tmp_path):
    DEELNEMERS.to_excel(tmp_path / "deelnemers.xlsx", index=False)
    METINGEN.to_excel(tmp_path / "metingen.xlsx", index=False)
    res = validatie.lees_en_valideer(_config(tmp_path, "xlsx"), CODES)
    _controleer(res)


def test_parquet(tmp_path):
    DEELNEMERS.to_parquet(tmp_path / "deelnemers.parquet")
    METINGEN.to_parquet(tmp_path / "metingen.parquet")
    _controleer(validatie.lees_en_valideer(_config(tmp_path, "parquet"), CODES))


def test_sav_round_trip_keeps_value_labels_and_maps_local_names_and_codes(tmp_path):
    # SPSS export as a GGD would have it: own column names, numeric codes with labels.
    d = DEELNEMERS.rename(columns={"pseudo_id": "ClientID", "geslacht": "Sekse"}).copy()
    d["Sekse"] = [1.0, 2.0, 2.0]
    for k in ("aanmelddatum", "startdatum", "einddatum"):
        d[k] = d[k].dt.date
    pyreadstat.write_sav(d, tmp_path / "deelnemers.sav",
                         variable_value_labels={"Sekse": {1.0: "Man", 2.0: "Vrouw"}})
    m = METINGEN.rename(columns={"pseudo_id": "ClientID"}).copy()
    m["meetdatum"] = m["meetdatum"].dt.date
    pyreadstat.write_sav(m, tmp_path / "metingen.sav")
    extra = {
        "deelnemers": {"kolommen": {"pseudo_id": "ClientID", "geslacht": "Sekse"},
                       "codes": {"geslacht": {"Man": "man", "Vrouw": "vrouw"}}},
        "metingen": {"kolommen": {"pseudo_id": "ClientID"}},
    }
    res = validatie.lees_en_valideer(_config(tmp_path, "sav", **extra), CODES)
    _controleer(res)
    assert res.bronnen["deelnemers"].waardelabels["Sekse"] == {1.0: "Man", 2.0: "Vrouw"}


def test_errors_name_the_local_column_name(tmp_path):
    d = DEELNEMERS.rename(columns={"geslacht": "Sekse"})
    d.loc[1, "Sekse"] = "X"
    d.to_csv(tmp_path / "deelnemers.csv", index=False, date_format="%Y-%m-%d")
    METINGEN.to_csv(tmp_path / "metingen.csv", index=False, date_format="%Y-%m-%d")
    extra = {"deelnemers": {"kolommen": {"geslacht": "Sekse"},
                            "codes": {"geslacht": {"M": "man", "V": "vrouw"}}}}
    with pytest.raises(ValidatieFout) as e:
        validatie.lees_en_valideer(_config(tmp_path, "csv", **extra), CODES)
    assert "rij 3, kolom 'Sekse': waarde 'X'" in str(e.value)


# --- reading strictly: rows, encodings, quotes, XLSX formulas --------------------------
def _meldingen(pad: Path, tabel: str = "wijken", **spec) -> list:
    from evaluatie.fouten import Bevinding
    from evaluatie.inlezen import lees_bron
    from evaluatie.woordenboek import tabellen

    bevindingen: list[Bevinding] = []
    bron = lees_bron(tabel, pad, spec, tabellen()[tabel].kolommen, bevindingen)
    return bron, bevindingen


WIJKEN_KOP = "wijk,wijknaam,ses_groep,inwoners_doelgroep"


def _wijken(n: int) -> list[str]:
    return [f"WK0999{i:02d},Wijk {i},laag,{100 + i}" for i in range(1, n + 1)]


@pytest.mark.parametrize("rij", [2, 3, 10, 52])
@pytest.mark.parametrize("meerregelig_ervoor", [False, True])
def test_unclosed_quote_is_reported_at_its_spreadsheet_row(tmp_path, rij, meerregelig_ervoor):
    regels = _wijken(60)
    if meerregelig_ervoor and rij > 2:  # a legitimate value over two lines before it
        regels[0] = 'WK099901,"Wijk\nmet regeleinde",laag,101'
    regels[rij - 2] = regels[rij - 2].replace(",Wijk", ',"Wijk', 1)
    pad = tmp_path / "wijken.csv"
    pad.write_text(WIJKEN_KOP + "\n" + "\n".join(regels) + "\n", encoding="utf-8")
    bron, b = _meldingen(pad)
    assert bron is None
    assert [(x.rij, "aanhalingsteken" in x.regel) for x in b] == [(rij, True)], b


def test_rows_are_spreadsheet_rows_across_blank_lines_and_multiline_values(tmp_path):
    regels = _wijken(6)
    regels[1] = 'WK099902,"Twee\r\nregels",laag,102'
    tekst = WIJKEN_KOP + "\n" + "\n".join(regels[:3]) + "\n\n,,,\n" + "\n".join(regels[3:]) + "\n"
    pad = tmp_path / "wijken.csv"
    pad.write_text(tekst, encoding="utf-8", newline="")
    bron, b = _meldingen(pad)
    assert b == []
    # header 1, three rows, a blank line (5) and an empty row (6) skipped, then 7, 8, 9
    assert bron.data.index.tolist() == [2, 3, 4, 7, 8, 9]
    assert bron.data.loc[3, "wijknaam"] == "Twee\r\nregels"


@pytest.mark.parametrize("bewerk, rij, regel", [
    (lambda r: r[:-1] + [r[-1].rsplit(",", 1)[0]], 7, "3 velden, de kopregel heeft er 4"),
    (lambda r: r[:2] + [r[2] + ",1"] + r[3:], 4, "5 velden, de kopregel heeft er 4"),
    (lambda r: r[:2] + ["WK099903"] + r[3:], 4, "1 veld, de kopregel heeft er 4"),
])
@pytest.mark.parametrize("aanhalingstekens", [False, True])
def test_rows_with_too_few_or_too_many_fields_are_refused(tmp_path, bewerk, rij, regel,
                                                         aanhalingstekens):
    regels = bewerk(_wijken(6))
    if aanhalingstekens:  # the strict reader, not pandas, reads this file
        regels[0] = regels[0].replace("Wijk 1", '"Wijk 1"')
    pad = tmp_path / "wijken.csv"
    pad.write_text(WIJKEN_KOP + "\n" + "\n".join(regels), encoding="utf-8")  # no final newline
    bron, b = _meldingen(pad)
    assert bron is None and [(x.rij, regel in x.regel) for x in b] == [(rij, True)], b


def test_fast_and_strict_reader_agree(tmp_path):
    from evaluatie import inlezen

    rng = np.random.default_rng(5)
    woorden = ["", " ", "NA", "null", "nan", "Café", "a b", "x'y", "0012", "1,5", "∞", "\t"]
    rijen = [[woorden[i] for i in rng.integers(0, len(woorden), 4)] for _ in range(300)]
    rijen[10] = ["", "", "", ""]
    tekst = WIJKEN_KOP.replace(",", ";") + "\r\n" + "\r\n".join(";".join(r) for r in rijen)
    pad = tmp_path / "w.csv"
    pad.write_text(tekst, encoding="utf-8", newline="")
    snel, _ = inlezen._lees_csv(pad, {})
    (tmp_path / "q.csv").write_text(tekst + '\r\n"WK1";"";"";""', encoding="utf-8", newline="")
    streng, _ = inlezen._lees_csv(tmp_path / "q.csv", {})
    pd.testing.assert_frame_equal(snel, streng.iloc[:-1])
    leeg = [i + 2 for i, r in enumerate(rijen) if not "".join(r).strip()]
    assert 12 in leeg and not set(leeg) & set(snel.index)
    assert len(snel) == 300 - len(leeg)


def test_encoding_is_decided_for_the_whole_file(tmp_path):
    pad = tmp_path / "wijken.csv"
    tekst = WIJKEN_KOP + "\nWK099901,Café-buurt,laag,1\nWK099902,Oude Haven,laag,2\n"
    for codering, verwacht in (("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                               ("cp1252", "cp1252"), ("utf-16", "utf-16")):
        pad.write_bytes(tekst.encode(codering))
        bron, b = _meldingen(pad)
        assert b == [] and bron.encoding == verwacht, codering
        assert bron.data.loc[2, "wijknaam"] == "Café-buurt"
    # UTF-8 with one cp1252 byte: refused at that byte's row and column, never "CafÃ©"
    pad.write_bytes(tekst.encode("utf-8").replace(b"Oude Haven", "Oude Hävén".encode("cp1252")))
    bron, b = _meldingen(pad)
    assert bron is None and [(x.rij, x.kolom) for x in b] == [(3, "wijknaam")]
    assert "gemengde codering" in b[0].regel and "0xE4" in b[0].regel
    # a BOM promises UTF-8 too
    pad.write_bytes(codecs.BOM_UTF8 + tekst.replace("Café", "Caf\x00").encode("utf-8")
                    .replace(b"\x00", b"\xe9"))
    bron, b = _meldingen(pad)
    assert bron is None and [(x.rij, x.kolom) for x in b] == [(2, "wijknaam")]


def test_header_only_and_empty_files(tmp_path):
    pad = tmp_path / "wijken.csv"
    pad.write_text(WIJKEN_KOP + "\n", encoding="utf-8")
    bron, b = _meldingen(pad)
    assert b == [] and bron.data.empty and list(bron.data.columns) == WIJKEN_KOP.split(",")
    pad.write_bytes(b"")
    bron, b = _meldingen(pad)
    assert bron is None and "0 bytes" in b[0].regel
    pad.write_bytes(codecs.BOM_UTF8)
    bron, b = _meldingen(pad)
    assert bron is None and "geen kopregel" in b[0].regel


def _xlsx_met_formule(pad: Path, gecachet: bool) -> None:
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(WIJKEN_KOP.split(","))
    ws.append(["WK099901", "Centrum", "laag", "=1000+200"])
    ws.append([])
    ws.append(["WK099902", "Haven", "laag", 900])
    wb.save(pad)
    if gecachet:  # what Excel writes: the formula and its last value
        ruw = {}
        with zipfile.ZipFile(pad) as z:
            for n in z.namelist():
                ruw[n] = z.read(n)
        blad = "xl/worksheets/sheet1.xml"
        assert b"<f>1000+200</f><v />" in ruw[blad]
        ruw[blad] = ruw[blad].replace(b"<f>1000+200</f><v />", b"<f>1000+200</f><v>1200</v>")
        with zipfile.ZipFile(pad, "w") as z:
            for n, inhoud in ruw.items():
                z.writestr(n, inhoud)


def test_xlsx_formula_with_cached_value_is_its_value_without_is_refused(tmp_path):
    pad = tmp_path / "wijken.xlsx"
    _xlsx_met_formule(pad, gecachet=True)
    bron, b = _meldingen(pad)
    assert b == []
    assert bron.data["inwoners_doelgroep"].tolist() == [1200, 900]
    assert bron.data.index.tolist() == [2, 4]  # the empty row 3 keeps the numbering
    _xlsx_met_formule(pad, gecachet=False)
    bron, b = _meldingen(pad)
    assert bron is None
    assert [(x.rij, x.kolom) for x in b] == [(2, "inwoners_doelgroep")]
    assert "formule zonder opgeslagen waarde (cel D2)" in b[0].regel


def test_mappings_must_name_existing_columns(tmp_path):
    pad = tmp_path / "wijken.csv"
    pad.write_text(WIJKEN_KOP + "\n" + "\n".join(_wijken(2)) + "\n", encoding="utf-8")
    bron, b = _meldingen(pad, kolommen={"wijknaam": "Naam"}, codes={"Naam": {"a": "b"}})
    teksten = [x.tekst() for x in b]
    assert any("kolom 'Naam'" in t and "`kolommen: {wijknaam: Naam}`" in t for t in teksten), teksten
    assert any("`codes` noemt kolom 'Naam'" in t for t in teksten), teksten
