"""Analysis `gewichtsstatus` and the done-when of the BMI issue, end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REFERENTIES, REPO

from evaluatie import afleiden, analyses, groei, synth, validatie
from evaluatie import config as cfg
from evaluatie.analyses import gewichtsstatus as gs

nodig = pytest.mark.skipif(not REFERENTIES.is_dir(), reason="../shared/references ontbreekt")
TABELLEN = ("deelnemers", "metingen", "zorgkosten", "ervaringen", "professionals", "wijken")
NAMEN = {"czv-kind": ("CZV kind", "kind"), "leefstijlloket": ("Leefstijlloket", "volwassene"),
         "gezinsregie": ("Gezinsregie", "gezin")}


def _config(data: Path, interventies, **extra) -> dict:
    return {"regio": "testregio", "regio_naam": "Testregio", "synthetisch": None,
            "data": {"map": str(data), "tabellen": {t: {"bestand": f"{t}.csv"} for t in TABELLEN}},
            "interventies": {i: {"naam": NAMEN[i][0], "doelgroep": NAMEN[i][1]} for i in interventies},
            "rapport": {"formaten": ["html"]}, **extra}


def _regio(map_: Path, interventies, schaal=0.2, **opties) -> None:
    specs = [s for s in synth.demo_interventies() if s.code in interventies]
    synth.schrijf(synth.genereer_regio(seed=5, schaal=schaal, interventies=specs, **opties), map_)


@pytest.fixture(scope="module")
def afgeleid(tmp_path_factory):
    """Children with raw length/weight, adults with BMI, a family programme without either."""
    werk = tmp_path_factory.mktemp("gewichtsstatus")
    interventies = ["czv-kind", "leefstijlloket", "gezinsregie"]
    if not REFERENTIES.is_dir():
        pytest.skip("../shared/references ontbreekt")
    _regio(werk / "data", interventies, bmi_meting="ruw", groeireferentie_map=REFERENTIES)
    config = cfg.valideer(_config(werk / "data", interventies,
                                  afgeleide_maten={"groeireferentie_map": str(REFERENTIES)}))
    res = validatie.lees_en_valideer(config["data"], cfg.codes(config))
    uit, _ = afleiden.leid_af(res.tabellen, config)
    (werk / "analyse").mkdir()
    for naam, df in uit.items():
        df.to_parquet(werk / "analyse" / f"{naam}.parquet", index=False)
    return werk, config, uit["metingen"], uit["deelnemers"]


def _voer_uit(afgeleid, interventie) -> dict[str, pd.DataFrame]:
    werk, config, _, _ = afgeleid
    uit = werk / "res" / interventie / "gewichtsstatus"
    paden = analyses.voer_uit("gewichtsstatus", config, interventie, werk / "analyse", uit)
    return {k: pd.read_csv(p) for k, p in paden.items()}


def test_distribution_counts_match_the_row_level_data_and_small_cells_are_hidden(afgeleid):
    _, config, m, d = afgeleid
    t = _voer_uit(afgeleid, "leefstijlloket")
    v = t["verdeling"]
    ids = set(d.loc[d["interventie"] == "leefstijlloket", "pseudo_id"])
    mi = m[m["pseudo_id"].isin(ids)]
    for _, r in v[~v["onderdrukt"]].iterrows():
        echt = mi[(mi["meetmoment"] == r["meetmoment"])]["gewichtsstatus_hoofdgroep"]
        assert r["n"] == (echt == r["gewichtsstatus"]).sum()
        assert r["n_gemeten"] == echt.notna().sum()
        assert r["procent"] == pytest.approx(100 * r["n"] / r["n_gemeten"])
    min_n = config["disclosure"]["min_n"]
    assert not ((v["n"] > 0) & (v["n"] < min_n)).any()
    # no meetmoment hides exactly one cell (it would be n_gemeten minus the others)
    for _, g in v.groupby("meetmoment"):
        assert (g["onderdrukt"] & (g["onderdrukking"] != "")).sum() != 1 or g["n_gemeten"].isna().all()


def test_transitions_are_complete_pairs_and_the_summary_adds_up(afgeleid):
    t = _voer_uit(afgeleid, "leefstijlloket")
    k, s = t["overgangen"], t["overgangen_samenvatting"]
    assert len(k) == 16 and set(k["meetmoment_van"]) == {"T0"} and set(k["meetmoment_naar"]) == {"T1"}
    s = s.set_index("richting")
    zichtbaar = s["n"].dropna()
    assert zichtbaar.sum() <= s["n_paren"].dropna().iloc[0]
    # the diagonal of the cross table is the "gelijk" row of the summary
    diag = k[k["status_van"] == k["status_naar"]]
    if not diag["onderdrukt"].any() and not s.loc["gelijk", "onderdrukt"]:
        assert diag["n"].sum() == s.loc["gelijk", "n"]


def test_reference_is_named_and_children_use_iotf(afgeleid):
    t = _voer_uit(afgeleid, "czv-kind")
    h = t["herkomst"]
    z = h[h["maat"] == "BMI-z-score"]
    assert list(z["referentie"]) == ["NL 1997 (Fredriks 2000)"]
    assert list(z["bron"]) == ["berekend uit lengte en gewicht (of BMI)"]
    assert "IOTF (Cole 2000, 2007)" in set(h["referentie"])


def test_interventie_without_bmi_gets_no_distribution(afgeleid):
    t = _voer_uit(afgeleid, "gezinsregie")
    assert set(t) == {"herkomst"} and t["herkomst"].empty


def test_mixed_references_are_refused():
    m = pd.DataFrame({"bmi_z": [1.0, 2.0], "bmi_z_referentie": ["NL 1997 (Fredriks 2000)",
                                                                 "WHO 2007 (de Onis 2007)"]})
    with pytest.raises(groei.GemengdeReferentiesFout):
        gs.herkomst(m)


def test_result_does_not_depend_on_row_order(afgeleid):
    _, _, m, d = afgeleid
    ids = set(d.loc[d["interventie"] == "leefstijlloket", "pseudo_id"])
    mi = m[m["pseudo_id"].isin(ids)]
    a = gs.verdeling(mi, ["T0", "T1", "T2"], 10)
    b = gs.verdeling(mi.sample(frac=1, random_state=np.random.RandomState(1)), ["T0", "T1", "T2"], 10)
    pd.testing.assert_frame_equal(a, b)
    ka, _ = gs.overgangen(mi, "T0", "T1", 10)
    kb, _ = gs.overgangen(mi.iloc[::-1], "T0", "T1", 10)
    pd.testing.assert_frame_equal(ka, kb)


# ---------------------------------------------------------------------------------------
# Done-when: raw length/weight for a children's interventie, through the real pipeline
# ---------------------------------------------------------------------------------------


def _snakemake(werk: Path, config: dict) -> subprocess.CompletedProcess:
    (werk / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--configfile",
         str(werk / "config.yaml"), "--cores", "2", "--directory", str(werk)],
        capture_output=True, text=True, timeout=900)


@nodig
def test_children_with_raw_length_and_weight_get_a_report_with_z_scores_and_weight_status(tmp_path):
    _regio(tmp_path / "data", ["czv-kind"], bmi_meting="ruw", groeireferentie_map=REFERENTIES)
    assert "bmi_z" not in pd.read_csv(tmp_path / "data" / "metingen.csv").columns
    config = _config("data", ["czv-kind"], afgeleide_maten={"groeireferentie_map": str(REFERENTIES)})
    r = _snakemake(tmp_path, config)
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
    res = tmp_path / "results" / "testregio"
    html = (res / "rapporten" / "czv-kind.html").read_text("utf-8")
    assert "NL 1997 (Fredriks 2000)" in html
    assert "Gewichtsstatus per meetmoment" in html and "obesitas" in html
    b = pd.read_csv(res / "czv-kind" / "publiceerbaar" / "beschrijving" / "beschrijving.csv")
    z = b[(b["uitkomst"] == "bmi_z") & (b["meetmoment"] == "T0")].iloc[0]
    assert z["n"] >= 10
    assert f"{z['gemiddelde']:.2f}".replace(".", ",") in html
    kwaliteit = pd.read_csv(res / "publiceerbaar" / "afleiding.csv")
    assert (kwaliteit["omschrijving"] == "BMI-z-score berekend met NL 1997 (Fredriks 2000) "
            "(LMS-methode)").any()


@nodig
def test_the_same_run_without_reference_directory_stops_before_any_analysis(tmp_path):
    _regio(tmp_path / "data", ["czv-kind"], schaal=0.1, bmi_meting="ruw",
           groeireferentie_map=REFERENTIES)
    r = _snakemake(tmp_path, _config("data", ["czv-kind"]))
    assert r.returncode != 0
    uit = r.stdout + r.stderr
    for verwacht in ("nl_1997_bmi_male_nl.txt", "IOTF_male.txt", "Fredriks AM",
                     "growthcharts/nlreferences", "afgeleide_maten.groeireferentie_map"):
        assert verwacht in uit, verwacht
    assert "Traceback" not in (tmp_path / "logs" / "testregio" / "afleiden.log").read_text("utf-8")
    res = tmp_path / "results" / "testregio"
    assert not (res / "intern" / "analyse").exists() or not any((res / "intern" / "analyse").iterdir())
    assert not (res / "publiceerbaar" / "afleiding.csv").exists()
    assert not list(res.glob("*/publiceerbaar/*/*.csv"))  # no analysis results
    assert not (res / "rapporten").exists()
