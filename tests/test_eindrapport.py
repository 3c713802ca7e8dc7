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
from fixtures.vrijgave import kopieer, onderdruk, pas_aan

from evaluatie import config as cfg
from evaluatie import contract, disclosure, eindrapport

MIN_N = kleine_regio.MIN_N
INTERVENTIES = ["czv-kind", "leefstijlloket", "gezinsregie", "groepsconsulten"]


@pytest.fixture
def vrijgave(vrijgave_demo, tmp_path):
    return kopieer(vrijgave_demo[0], tmp_path / "publiceerbaar")


def test_overview_states_the_findings_of_every_interventie(vrijgave_demo):
    B = eindrapport.lees_interventies(vrijgave_demo[0], INTERVENTIES)
    o = eindrapport.overzicht(B).set_index("interventie")
    assert list(o.index) == INTERVENTIES
    for R in B:
        b = R.bevindingen().set_index("rol")
        r = o.loc[R.meta["interventie"]]
        assert r["primaire_uitkomst"] == b.loc["primair", "uitkomst"]
        for k in ("schatting", "ci95_onder", "ci95_boven", "p_gecorrigeerd", "oordeel", "schatter"):
            assert r[k] == b.loc["primair", k], (R.meta["interventie"], k)
        assert r["kosten_schatting"] == b.loc["kosten", "schatting"]
        assert r["kosten_schatter"] == b.loc["kosten", "schatter"]
    assert o.loc["gezinsregie", "kosten_schatter"] == "kosten_did"


def test_forest_effects_point_to_improvement_whatever_the_outcome(vrijgave_demo):
    B = eindrapport.lees_interventies(vrijgave_demo[0], INTERVENTIES)
    e = eindrapport.primaire_effecten(B).set_index("uitkomst")
    for R in B:
        p = R.bevindingen().set_index("rol").loc["primair"]
        g = R.tabel("voor_na", "gepaard")
        g = g[(g["uitkomst"] == p["uitkomst"]) & (g["pre"] == p["pre"]) & (g["post"] == p["post"])].iloc[0]
        teken = 1 if p["hoger_is_beter"] else -1
        assert e.loc[p["uitkomst"], "effect"] == pytest.approx(teken * g["hedges_gz"])
        assert e.loc[p["uitkomst"], "ci95_onder"] <= e.loc[p["uitkomst"], "effect"] <= e.loc[p["uitkomst"], "ci95_boven"]
    # the demo's interventies all improve their primary outcome (lower BMI z, higher PG): > 0
    assert (e["effect"] > 0).all()
    fig = eindrapport.figuur_forest(e.reset_index())
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0].startswith("CZV kind\nBMI z-score, T0–T2, n = ")


def test_withheld_primary_results_stay_withheld(vrijgave):
    map_ = vrijgave / "czv-kind"

    def weg_gz(df):
        i = df.index[(df["uitkomst"] == "bmi_z") & (df["post"] == "T2")][0]
        return onderdruk(df, i, ["hedges_gz", "gz_ci95_onder", "gz_ci95_boven"])

    pas_aan(map_, "voor_na", "gepaard", weg_gz)
    pas_aan(map_, "bevindingen", "bevindingen",
            lambda df: onderdruk(df, df.index[df["rol"] == "primair"][0], ["schatting", "ci95_onder", "ci95_boven"]))
    B = eindrapport.lees_interventies(vrijgave, INTERVENTIES)
    assert "CZV kind" not in eindrapport.primaire_effecten(B)["naam"].tolist()
    o = eindrapport.overzicht(B).set_index("interventie")
    assert pd.isna(o.loc["czv-kind", "schatting"]) and o.loc["czv-kind", "primair_titel"] == "BMI z-score"


def test_quintuple_matrix_counts_lights_per_aim(vrijgave_demo):
    B = eindrapport.lees_interventies(vrijgave_demo[0], INTERVENTIES)
    ind = B[0].regio_tabel("quintuple", "indicatoren")
    assert set(ind["interventie"]) >= {*INTERVENTIES, "regio"}
    m = eindrapport.quintuple_matrix(ind, {R.meta["interventie"]: R.meta["naam"] for R in B})
    assert m["Interventie"].tolist() == [R.meta["naam"] for R in B] + ["Hele regio"]
    # a cell counts what the table holds for that interventie and aim
    sub = ind[(ind["interventie"] == "czv-kind") & (ind["doel_nr"] == 1) & ind["waarde"].notna()]
    kleuren = sub["stoplicht"].fillna("")
    cel = m.set_index("Interventie").loc["CZV kind", "Gezondheid"]
    if (kleuren != "").any():
        for k in ("groen", "oranje", "rood"):
            assert (f"{(kleuren == k).sum()} {k}" in cel) == bool((kleuren == k).any())
    else:
        assert cel == f"{sub['indicator'].nunique()} indicator" + ("en" if sub["indicator"].nunique() > 1 else "")


def test_comparison_with_last_year_pairs_interventies():
    nu = pd.DataFrame({"interventie": ["a", "b"], "naam": ["A", "B"], "n_gestart": [50, 30],
                       "uitval_pct": [20.0, np.nan], "schatting": [-0.2, 0.1], "kosten_schatting": [np.nan, 3.0],
                       "primaire_uitkomst": ["bmi_z", "pg"]})
    vorig = pd.DataFrame({"interventie": ["a", "c"], "naam": ["A", "C"], "n_gestart": [40, 12],
                          "uitval_pct": [25.0, 10.0], "schatting": [-0.1, 0.0], "kosten_schatting": [1.0, 2.0],
                          "primaire_uitkomst": ["bmi_z", "x"]})
    v = eindrapport.vergelijk_met_vorig_jaar(nu, vorig).set_index("interventie")
    assert list(v.index) == ["a", "b", "c"]
    assert (v.loc["a", "n_gestart_vorig"], v.loc["a", "n_gestart_nu"]) == (40, 50)
    assert (v.loc["a", "schatting_vorig"], v.loc["a", "schatting_nu"]) == (-0.1, -0.2)
    assert pd.isna(v.loc["b", "n_gestart_vorig"]) and pd.isna(v.loc["c", "n_gestart_nu"])
    assert v.loc["a", "primaire_uitkomst_gelijk"] and not v.loc["c", "primaire_uitkomst_gelijk"]


def test_a_leaky_release_of_last_year_stops_the_eindrapport(vrijgave_demo, tmp_path):
    vrijgave, config = vrijgave_demo
    vorig = kopieer(vrijgave, tmp_path / "vorig" / "publiceerbaar")
    intern = pd.read_parquet(vrijgave.parent / "intern" / "resultaten" / "gezinsregie" / "uitval" / "stroom.parquet")

    def lek(df):
        i = next(i for i, w in enumerate(df["onderdrukking"]) if "n" in contract.onderdrukte_cellen(w))
        df.loc[i, ["n", "onderdrukking"]] = [intern.loc[i, "n"], ""]
        return df

    pas_aan(vorig / "gezinsregie", "uitval", "stroom", lek)
    uit = tmp_path / "rapporten" / "eindrapport-2026.html"
    with pytest.raises(disclosure.OnthullingsFout, match="resultaten van vorig jaar"):
        eindrapport.maak(kleine_regio.REPO / "reports" / "eindrapport.qmd", vrijgave, INTERVENTIES,
                         {"html": str(uit)}, config=config, jaar=2026, regio_naam="R",
                         vorige_resultaten=vorig.parent, engine="ingebouwd")
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
    bestanden = [p for p in (res / "publiceerbaar").rglob("*")
                 if p.is_file() and p.name != ".snakemake_timestamp"]  # (Snakemake's directory marker)
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
    for p in (res / "publiceerbaar").glob("*/*/*.csv"):
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        onderdrukt += int((df["onderdrukking"] != "").sum())
    assert onderdrukt >= 5
    # and the interventie reports show them as "onderdrukt", never as "<10"
    for i in kleine_regio.INTERVENTIES:
        html = (res / "rapporten" / f"{i}.html").read_text("utf-8")
        woorden = re.sub(r"<[^>]+>", " ", html)
        assert "onderdrukt" in woorden and "&lt;10" not in html and "&lt; 10" not in html
        assert "Traceback" not in html and "nan" not in woorden.split() and "<NA>" not in woorden


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
        assert namen[:2] == ["Toelichting", "Bevindingen"] and len(namen) > 3


def test_eindrapport_is_one_documented_target(werk):
    r = kleine_regio.snakemake(werk, "eindrapport", "-n")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Nothing to be done" in r.stdout + r.stderr


def test_comparison_with_a_previous_run(werk, res, tmp_path):
    # last year's results: a copy of this run's release in another directory
    vorig = shutil.copytree(res / "publiceerbaar", tmp_path / "vorig" / kleine_regio.REGIO / "publiceerbaar")
    config = cfg.laad(werk / "config.yaml")
    uit = tmp_path / "eind.html"
    eindrapport.maak(kleine_regio.REPO / "reports" / "eindrapport.qmd", res / "publiceerbaar",
                     list(kleine_regio.INTERVENTIES), {"html": str(uit)}, config=config,
                     jaar=kleine_regio.JAAR, regio_naam="Kleine testregio", vorige_resultaten=vorig.parent,
                     engine="ingebouwd")
    html = uit.read_text("utf-8")
    assert 'id="tbl-vorig-jaar"' in html
    assert f"Gestart {kleine_regio.JAAR - 1}" in html and f"Gestart {kleine_regio.JAAR}" in html
