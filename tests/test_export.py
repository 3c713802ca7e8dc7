"""XLSX export of an interventie's releasable tables."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from evaluatie import disclosure
from evaluatie.export import bladnaam, exporteer

MIN_N = 10

META = {"interventie": "kookclub", "naam": "Kookclub Zuid", "regio_naam": "Testregio", "jaar": 2026,
        "peildatum": "2026-10-31", "min_n": MIN_N, "synthetisch": True,
        "verantwoording": {"evaluatie_versie": "0.1.0", "git_commit": "abc123", "datum": "2026-11-01",
                           "config_sha256": "f" * 64, "bestanden": {"deelnemers.csv": "0" * 64}}}


@pytest.fixture
def publiceerbaar(tmp_path):
    p = tmp_path / "publiceerbaar"
    (p / "beschrijving").mkdir(parents=True)
    (p / "uitval").mkdir()
    (p / "kosten").mkdir()
    (p / "interventie.json").write_text(json.dumps(META), "utf-8")
    pd.DataFrame({"uitkomst": ["bmi_z", "bmi_z"], "meetmoment": ["T0", "T1"], "n": [40, np.nan],
                  "gemiddelde": [2.5, np.nan], "sd": [0.5, np.nan], "onderdrukt": [False, True]}
                 ).to_csv(p / "beschrijving" / "beschrijving.csv", index=False)
    (p / "beschrijving" / "_tabellen.json").write_text(json.dumps(
        {"analyse": "beschrijving", "titel": "Metingen per meetmoment",
         "tabellen": {"beschrijving": "n en gemiddelde per meetmoment"}}), "utf-8")
    stroom = disclosure.onderdruk_met_totalen(
        pd.DataFrame({"stap": ["aangemeld", "gestart", "gestart", "gestart"],
                      "soort": ["stap", "stap", "uitval", "uitval"],
                      "reden_uitval": ["", "", "verhuisd", "niet_gestart"], "n": [60, 45, 4, 11]}),
        MIN_N, groepen=[[0, 1, 2, 3]])
    stroom.to_csv(p / "uitval" / "stroom.csv", index=False)
    (p / "uitval" / "_tabellen.json").write_text(json.dumps(
        {"analyse": "uitval", "titel": "Deelnemers en uitval", "tabellen": {"stroom": "deelnemersstroom"}}),
        "utf-8")
    # an analysis without results for this interventie: header only
    pd.DataFrame({"onderdrukt": []}).to_csv(p / "kosten" / "kostentabel.csv", index=False)
    (p / "kosten" / "_tabellen.json").write_text(json.dumps(
        {"analyse": "kosten", "titel": "Zorgkosten", "tabellen": {"kostentabel": "kosten"}}), "utf-8")
    return p


def _blad(pad, naam) -> pd.DataFrame:
    return pd.read_excel(pad, sheet_name=naam, header=4)


def test_one_sheet_per_releasable_table_in_report_order(publiceerbaar, tmp_path):
    uit = exporteer(publiceerbaar, tmp_path / "kookclub-tabellen.xlsx", MIN_N,
                    volgorde=["beschrijving", "uitval", "kosten"])
    wb = openpyxl.load_workbook(uit)
    # the empty cost table is left out, not exported as an empty sheet
    assert wb.sheetnames == ["Toelichting", "beschrijving", "uitval_stroom"]
    toel = [c for rij in wb["Toelichting"].iter_rows(values_only=True) for c in rij if c]
    tekst = " ".join(map(str, toel))
    assert "Kookclub Zuid" in tekst and "kleiner dan 10" in tekst and "secundaire onderdrukking" in tekst
    assert "uitval/stroom.csv" in tekst and "synthetische" in tekst and "f" * 64 in tekst
    assert wb["uitval_stroom"]["A1"].value == "Deelnemers en uitval: stroom"


def test_sheets_hold_the_csv_numbers_with_suppressed_cells_empty(publiceerbaar, tmp_path):
    uit = exporteer(publiceerbaar, tmp_path / "k.xlsx", MIN_N)
    b = _blad(uit, "beschrijving")
    assert b["n"].tolist()[0] == 40 and pd.isna(b["n"].tolist()[1])
    assert b["gemiddelde"].tolist()[0] == pytest.approx(2.5)
    assert b["onderdrukt"].tolist() == ["nee", "ja"]
    s = _blad(uit, "uitval_stroom")
    # the small reason and, by secondary suppression, the other one are both hidden
    assert s["n"].isna().tolist() == [False, False, True, True]
    assert s["onderdrukking"].fillna("").tolist() == ["", "", "primair", "secundair"]
    assert disclosure.controleer_bestand(uit, MIN_N) == []


def test_a_leaky_table_stops_the_export_and_writes_nothing(publiceerbaar, tmp_path):
    pd.DataFrame({"reden": ["verhuisd"], "n": [3]}).to_csv(publiceerbaar / "uitval" / "lek.csv", index=False)
    doel = tmp_path / "rapporten" / "k.xlsx"
    with pytest.raises(disclosure.OnthullingsFout, match=r"k\.xlsx \[uitval_lek\], rij 6, kolom 'n': aantal 3"):
        exporteer(publiceerbaar, doel, MIN_N)
    assert not doel.exists()
    assert list(doel.parent.iterdir()) == []  # no temporary file left behind


def test_sheet_names_are_valid_and_unique():
    bestaand: set[str] = set()
    namen = []
    for n in ["voor_na_verandercategorieen_per_subgroep_lang", "voor_na_verandercategorieen_per_subgroep_lang",
              "a/b:c"]:
        naam = bladnaam(n, bestaand)
        bestaand.add(naam)
        namen.append(naam)
    assert all(len(n) <= 31 for n in namen)
    assert len(set(namen)) == 3
    assert namen[2] == "a_b_c"
