"""The annual eindrapport, and the small-group region end to end (disclosure in every output)."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import openpyxl
import pandas as pd
import pytest
from fixtures import kleine_regio

from evaluatie import disclosure, eindrapport
from evaluatie.samenvatting import Bron

MIN_N = kleine_regio.MIN_N


def _bron(tmp_path, code, naam, gepaard: dict, uitkomst_meta: dict) -> Bron:
    p = tmp_path / code / "publiceerbaar"
    (p / "voor_na").mkdir(parents=True)
    meta = {"interventie": code, "naam": naam, "doelgroep": "kind", "min_n": MIN_N, "uitkomsten": uitkomst_meta}
    (p / "interventie.json").write_text(json.dumps(meta), "utf-8")
    pd.DataFrame([gepaard]).to_csv(p / "voor_na" / "gepaard.csv", index=False)
    return Bron(p)


def test_forest_effects_point_to_improvement_whatever_the_outcome(tmp_path):
    kind = _bron(tmp_path, "a", "Kind", {"uitkomst": "bmi_z", "pre": "T0", "post": "T2", "n_paren": 50,
                                         "verschil": -0.2, "hedges_gz": -0.8, "gz_ci95_onder": -1.1,
                                         "gz_ci95_boven": -0.5, "status": "ok", "onderdrukt": False},
                 {"bmi_z": {"titel": "BMI z-score", "hoger_is_beter": False, "primair": True}})
    volw = _bron(tmp_path, "b", "Volwassen", {"uitkomst": "pg_totaal", "pre": "T0", "post": "T1", "n_paren": 30,
                                              "verschil": 0.3, "hedges_gz": 0.4, "gz_ci95_onder": 0.05,
                                              "gz_ci95_boven": 0.75, "status": "ok", "onderdrukt": False},
                 {"pg_totaal": {"titel": "Positieve Gezondheid", "hoger_is_beter": True, "primair": True}})
    e = eindrapport.primaire_effecten([kind, volw])
    assert e["effect"].tolist() == pytest.approx([0.8, 0.4])
    assert e[["ci95_onder", "ci95_boven"]].to_numpy().ravel().tolist() == pytest.approx([0.5, 1.1, 0.05, 0.75])
    fig = eindrapport.figuur_forest(e)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0].startswith("Kind\nBMI z-score, T0–T2, n = 50")


def test_suppressed_primary_result_is_left_out_of_the_forest_plot(tmp_path):
    b = _bron(tmp_path, "a", "Kind", {"uitkomst": "bmi_z", "pre": "T0", "post": "T1", "n_paren": np.nan,
                                      "verschil": np.nan, "hedges_gz": np.nan, "status": "ok", "onderdrukt": True},
              {"bmi_z": {"titel": "BMI z-score", "hoger_is_beter": False, "primair": True}})
    assert eindrapport.primaire_effecten([b]).empty
    o = eindrapport.overzicht([b])
    assert o.loc[0, "primair_titel"] == "" and pd.isna(o.loc[0, "verschil"])


def test_quintuple_matrix_counts_lights_and_skips_suppressed_rows():
    ind = pd.DataFrame({
        "interventie": ["a", "a", "a", "a", "regio"],
        "indicator": ["bmi", "nps", "kosten", "kosten2", "bmi"],
        "doel_nr": [1, 2, 3, 3, 1], "doel": ["x"] * 5,
        "groep": ["alle"] * 5, "waarde": [0.1, 20.0, np.nan, -5.0, 0.2],
        "stoplicht": ["groen", "", "", "rood", "oranje"],
        "onderdrukt": [False, False, True, False, False]})
    m = eindrapport.quintuple_matrix(ind, {"a": "Kind", "b": "Leeg"})
    assert m.to_dict("records") == [
        {"Interventie": "Kind", "Gezondheid": "1 groen", "Ervaring": "1 indicator", "Kosten": "1 rood",
         "Werkplezier": "–", "Gelijkheid": "–"},
        {"Interventie": "Leeg", "Gezondheid": "–", "Ervaring": "–", "Kosten": "–", "Werkplezier": "–",
         "Gelijkheid": "–"},
        {"Interventie": "Hele regio", "Gezondheid": "1 oranje", "Ervaring": "–", "Kosten": "–",
         "Werkplezier": "–", "Gelijkheid": "–"}]


def test_comparison_with_last_year_pairs_interventies():
    nu = pd.DataFrame({"interventie": ["a", "b"], "naam": ["A", "B"], "n_gestart": [50, 30],
                       "uitval_pct": [20.0, np.nan], "verschil": [-0.2, 0.1], "kosten_verschil": [np.nan, 3.0],
                       "primaire_uitkomst": ["bmi_z", "pg"]})
    vorig = pd.DataFrame({"interventie": ["a", "c"], "naam": ["A", "C"], "n_gestart": [40, 12],
                          "uitval_pct": [25.0, 10.0], "verschil": [-0.1, 0.0], "kosten_verschil": [1.0, 2.0],
                          "primaire_uitkomst": ["bmi_z", "x"]})
    v = eindrapport.vergelijk_met_vorig_jaar(nu, vorig).set_index("interventie")
    assert list(v.index) == ["a", "b", "c"]
    assert (v.loc["a", "n_gestart_vorig"], v.loc["a", "n_gestart_nu"]) == (40, 50)
    assert pd.isna(v.loc["b", "n_gestart_vorig"]) and pd.isna(v.loc["c", "n_gestart_nu"])
    assert v.loc["a", "primaire_uitkomst_gelijk"] and not v.loc["c", "primaire_uitkomst_gelijk"]


def test_leaky_input_stops_the_eindrapport_before_rendering(tmp_path):
    res = tmp_path / "results" / "r"
    (res / "a" / "publiceerbaar" / "uitval").mkdir(parents=True)
    (res / "publiceerbaar").mkdir()
    pd.DataFrame({"reden": ["verhuisd"], "n": [4]}).to_csv(res / "a" / "publiceerbaar" / "uitval" / "stroom.csv",
                                                           index=False)
    uit = tmp_path / "rapporten" / "eindrapport-2026.html"
    with pytest.raises(disclosure.OnthullingsFout, match="aantal 4 < 10"):
        eindrapport.maak("bestaat-niet.qmd", res, ["a"], {"html": str(uit)}, min_n=10, jaar=2026,
                         regio_naam="R")
    assert not uit.exists()


# ----------------------------------------------------------------------------- the small-group region


@pytest.fixture(scope="module")
def werk(tmp_path_factory):
    return kleine_regio.draai(tmp_path_factory)


@pytest.fixture(scope="module")
def res(werk):
    return kleine_regio.resultaten(werk)


def _releasable_files(res):
    """Every file that may leave the machine: publiceerbaar/ trees and the XLSX exports."""
    bestanden = [p for p in res.rglob("*") if p.is_file() and "publiceerbaar" in p.parts
                 and not p.name.startswith(".")]
    return bestanden + sorted((res / "rapporten").glob("*.xlsx"))


def _tellingen(pad):
    """(column, value) of every count in a file, read independently of the checker."""
    if pad.suffix == ".csv":
        df = pd.read_csv(pad)
        return [(k, v) for k in df.columns if k == "n" or k.startswith("n_") for v in df[k].dropna()]
    if pad.suffix == ".json":
        uit = []

        def loop(x):
            if isinstance(x, dict):
                for k, v in x.items():
                    if (k == "n" or k.startswith("n_")) and isinstance(v, int | float) and not isinstance(v, bool):
                        uit.append((k, v))
                    loop(v)
            elif isinstance(x, list):
                for v in x:
                    loop(v)
        loop(json.loads(pad.read_text("utf-8")))
        return uit
    if pad.suffix == ".xlsx":
        uit = []
        wb = openpyxl.load_workbook(pad, read_only=True)
        for ws in wb.worksheets:
            kop = None
            for rij in ws.iter_rows(values_only=True):
                if kop is None:
                    if any(isinstance(c, str) and (c == "n" or c.startswith("n_")) for c in rij):
                        kop = rij
                    continue
                uit += [(k, v) for k, v in zip(kop, rij, strict=False)
                        if isinstance(k, str) and (k == "n" or k.startswith("n_")) and isinstance(v, int | float)]
        wb.close()
        return uit
    raise AssertionError(f"onverwacht bestandstype in publiceerbare uitvoer: {pad}")


def test_no_releasable_file_holds_a_count_below_the_threshold(res):
    bestanden = _releasable_files(res)
    assert any(p.suffix == ".xlsx" for p in bestanden) and any(p.suffix == ".json" for p in bestanden)
    klein = [(p.relative_to(res), k, v) for p in bestanden for k, v in _tellingen(p) if 1 <= v < MIN_N]
    assert klein == []


def test_the_region_is_small_enough_that_cells_were_suppressed(res):
    onderdrukt = 0
    for p in res.glob("*/publiceerbaar/*/*.csv"):
        df = pd.read_csv(p)
        if "onderdrukt" in df.columns:
            onderdrukt += int(df["onderdrukt"].astype(str).eq("True").sum())
    assert onderdrukt >= 5
    # and the interventie reports show them as suppressed, never as a number below 10
    for i in kleine_regio.INTERVENTIES:
        html = (res / "rapporten" / f"{i}.html").read_text("utf-8")
        assert "&lt;10" in html or "onderdrukt" in html
        assert "Traceback" not in html and "nan" not in re.sub(r"<[^>]+>", " ", html).split()


def test_eindrapport_lays_out_every_interventie(res):
    html = (res / "rapporten" / f"eindrapport-{kleine_regio.JAAR}.html").read_text("utf-8")
    assert f"<title>Eindrapport {kleine_regio.JAAR}</title>" in html
    for naam, _ in kleine_regio.INTERVENTIES.values():
        assert naam in html
        assert "Bijlage" in html
    for kop in ("Overzicht van de interventies", "Primaire uitkomst per interventie", "Quintuple aim",
                f"Vergelijking met {kleine_regio.JAAR - 1}"):
        assert kop in html, kop
    assert 'id="fig-forest"' in html and 'id="tbl-overzicht"' in html
    assert "geen resultaten van vorig jaar ingesteld" in html
    assert (res / "rapporten" / f"eindrapport-{kleine_regio.JAAR}.pdf").read_bytes()[:5] == b"%PDF-"


def test_each_interventie_has_its_xlsx_export(res):
    for i in kleine_regio.INTERVENTIES:
        wb = openpyxl.load_workbook(res / "rapporten" / f"{i}-tabellen.xlsx", read_only=True)
        namen = wb.sheetnames
        wb.close()
        assert namen[0] == "Toelichting" and len(namen) > 3
        assert disclosure.controleer_bestand(res / "rapporten" / f"{i}-tabellen.xlsx", MIN_N) == []


def test_eindrapport_is_one_documented_target(werk):
    r = kleine_regio.snakemake(werk, "eindrapport", "-n")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Nothing to be done" in r.stdout + r.stderr


def test_comparison_with_a_previous_run(res, tmp_path):
    # last year's results: a copy of this run's releasable results in another directory
    vorig = tmp_path / "vorig" / kleine_regio.REGIO
    for p in res.rglob("*"):
        if p.is_file() and "publiceerbaar" in p.parts:
            doel = vorig / p.relative_to(res)
            doel.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(p, doel)
    uit = tmp_path / "eind.html"
    eindrapport.maak(kleine_regio.REPO / "reports" / "eindrapport.qmd", res, list(kleine_regio.INTERVENTIES),
                     {"html": str(uit)}, min_n=MIN_N, jaar=kleine_regio.JAAR, regio_naam="Kleine testregio",
                     vorige_resultaten=vorig, engine="ingebouwd")
    html = uit.read_text("utf-8")
    assert 'id="tbl-vorig-jaar"' in html
    assert f"Gestart {kleine_regio.JAAR - 1}" in html and f"Gestart {kleine_regio.JAAR}" in html
