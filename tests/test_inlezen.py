"""Every reader, and a region's own column names, codes and date formats."""

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
