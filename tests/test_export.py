"""XLSX export of an interventie's released tables (from a real release)."""

from __future__ import annotations

import json
import stat

import numpy as np
import openpyxl
import pandas as pd
import pytest
from fixtures.vrijgave import kopieer, pas_aan

from evaluatie import contract, disclosure, export
from evaluatie.export import bladnaam, exporteer, lees_blad

# as the rule passes it: every active analysis in report order, the findings among them
VOLGORDE = ["beschrijving", "uitval", "voor_na", "gewichtsstatus", "kosten", "quintuple", "bevindingen"]


@pytest.fixture(scope="module")
def werkboek(vrijgave_demo, tmp_path_factory):
    vrijgave, config = vrijgave_demo
    uit = tmp_path_factory.mktemp("export") / "gezinsregie-tabellen.xlsx"
    return exporteer(vrijgave / "gezinsregie", uit, config, volgorde=VOLGORDE), vrijgave / "gezinsregie"


def test_findings_first_then_one_sheet_per_table_in_report_order(werkboek):
    pad, map_ = werkboek
    wb = openpyxl.load_workbook(pad)
    assert wb.sheetnames[:2] == ["Toelichting", "Bevindingen"]
    lijst = export.tabellen(map_, VOLGORDE)
    analyses = [t["analyse"] for t in lijst]
    assert analyses == sorted(analyses, key=lambda a: (["bevindingen", *VOLGORDE] + [a]).index(a))
    assert len(wb.sheetnames) == 1 + len(lijst)
    # tables without rows get no sheet
    leeg = [(a, t) for a in VOLGORDE for t in contract.manifest(map_ / a)["tabellen"]
            if (map_ / a).exists() and not len(contract.lees(map_, a, t))]
    assert all(f"{a}/{t}.csv" not in str(c.value) for a, t in leeg
               for rij in wb["Toelichting"].iter_rows() for c in rij)
    tekst = " ".join(str(c.value) for rij in wb["Toelichting"].iter_rows() for c in rij if c.value)
    assert "Gezinsregie: publiceerbare tabellen" in tekst and "kleiner dan 10 personen" in tekst
    assert "bevindingen/bevindingen.csv" in tekst and "voor_na/gepaard.csv" in tekst


def test_every_sheet_holds_the_released_numbers(werkboek):
    pad, map_ = werkboek
    bladen = openpyxl.load_workbook(pad, read_only=True).sheetnames[1:]
    for blad, t in zip(bladen, export.tabellen(map_, VOLGORDE), strict=True):
        terug, df = lees_blad(pad, blad), t["data"]
        assert list(terug.columns) == list(df.columns), blad
        for k in df.columns:
            if k == "onderdrukt":
                assert terug[k].tolist() == ["ja" if x else "nee" for x in df[k]], blad
            elif pd.api.types.is_numeric_dtype(df[k]):
                a, b = pd.to_numeric(terug[k]).to_numpy(float), df[k].to_numpy(float, na_value=float("nan"))
                # XLSX stores doubles as decimal text: equal to the last bits, not bit-for-bit
                assert np.allclose(a, b, rtol=1e-12, atol=0, equal_nan=True), (blad, k)
            else:
                assert terug[k].fillna("").astype(str).tolist() == df[k].fillna("").astype(str).tolist(), (blad, k)


def test_withheld_cells_are_empty_in_the_sheets(werkboek):
    pad, map_ = werkboek
    stroom = contract.lees(map_, "uitval", "stroom")
    weg = [i for i, w in enumerate(stroom["onderdrukking"]) if "n" in contract.onderdrukte_cellen(w)]
    assert weg, "the demo's gezinsregie flow has withheld reasons"
    blad = lees_blad(pad, "uitval_stroom")
    assert blad.loc[weg, "n"].isna().all() and (blad.loc[weg, "onderdrukt"] == "ja").all()


def test_the_workbook_is_readable_by_everyone(werkboek):
    pad, _ = werkboek
    assert stat.S_IMODE(pad.stat().st_mode) == 0o644


def test_a_sheet_that_differs_from_the_release_stops_the_export(vrijgave_demo, tmp_path, monkeypatch):
    vrijgave, config = vrijgave_demo
    echt = export._schrijf

    def met_fout(pad, meta, lijst, *rest):  # a writer bug: one count of the flow comes out different
        bladen = echt(pad, meta, lijst, *rest)
        wb = openpyxl.load_workbook(pad)
        wb["uitval_stroom"].cell(row=export.KOPRIJ + 1, column=lijst[bladen.index("uitval_stroom")]
                                 ["data"].columns.get_loc("n") + 1).value = 1
        wb.save(pad)
        return bladen

    monkeypatch.setattr(export, "_schrijf", met_fout)
    doel = tmp_path / "rapporten" / "g.xlsx"
    with pytest.raises(disclosure.OnthullingsFout, match=r"blad uitval_stroom, rij 6, kolom 'n'"):
        exporteer(vrijgave / "gezinsregie", doel, config)
    assert not doel.exists() and list(doel.parent.iterdir()) == []


def test_a_leaky_release_stops_the_export(vrijgave_demo, tmp_path):
    vrijgave, config = vrijgave_demo
    kopie = kopieer(vrijgave, tmp_path / "vrijgave")
    map_ = kopie / "gezinsregie"
    intern = pd.read_parquet(vrijgave.parent / "intern" / "resultaten" / "gezinsregie" / "uitval" / "stroom.parquet")

    def lek(df):  # undo the suppression of one reason's count
        i = next(i for i, w in enumerate(df["onderdrukking"]) if "n" in contract.onderdrukte_cellen(w))
        df.loc[i, "n"] = intern.loc[i, "n"]
        df.loc[i, "onderdrukking"] = ""
        return df

    pas_aan(map_, "uitval", "stroom", lek)
    doel = tmp_path / "g.xlsx"
    with pytest.raises(disclosure.OnthullingsFout, match="werkboek"):
        exporteer(map_, doel, config)
    assert not doel.exists()


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


#: Text that a spreadsheet program would run (OWASP, CSV injection), and an error literal.
VIJANDIG = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1",
            "#N/A", "=1", "NA"]


def test_no_text_becomes_a_formula(vrijgave_demo, tmp_path):
    """Hostile text in the config fields the workbook shows and in every text column of
    every released table stays inert text: no formula cell, no error cell, same text."""
    vrijgave, _ = vrijgave_demo
    map_ = kopieer(vrijgave, tmp_path / "vrijgave") / "gezinsregie"
    meta = json.loads((map_ / "interventie.json").read_text("utf-8"))
    meta.update(naam=VIJANDIG[0], regio_naam="\r=1+1")
    (map_ / "interventie.json").write_text(json.dumps(meta), encoding="utf-8")
    geplant = 0
    for t in export.tabellen(map_, VOLGORDE):
        kolommen = [k for k in t["data"].columns
                    if str(t["data"][k].dtype) == "string" and k not in contract.COMPANIONS]

        def plant(df, kolommen=kolommen, begin=geplant):
            for j, k in enumerate(kolommen):
                df.loc[0, k] = VIJANDIG[(begin + j) % len(VIJANDIG)]
            return df

        if kolommen:
            pas_aan(map_, t["analyse"], t["tabel"], plant)
            geplant += len(kolommen)
    assert geplant > 50
    # without the config: the disclosure checker would (rightly) refuse the free text
    pad = exporteer(map_, tmp_path / "g.xlsx", None, volgorde=VOLGORDE)
    wb = openpyxl.load_workbook(pad, data_only=False)
    cellen = [c for ws in wb for rij in ws.iter_rows() for c in rij if c.value is not None]
    assert [c.coordinate for c in cellen if c.data_type in ("f", "e")] == []
    a1 = wb["Toelichting"]["A1"]
    assert a1.value == '=HYPERLINK("http://x","y"): publiceerbare tabellen' and a1.data_type == "s"
    assert a1.quotePrefix and wb["Toelichting"]["A2"].quotePrefix
    gevonden = [c for c in cellen if isinstance(c.value, str) and c.value in VIJANDIG]
    assert len(gevonden) >= geplant and all(c.data_type == "s" for c in gevonden)
    assert all(c.quotePrefix for c in gevonden if c.value.startswith(export.FORMULETEKENS))
