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
from evaluatie.disclosure import Invoer, SysteemFout
from evaluatie.disclosure.systeem import bouw

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
    """The analysis through the runner: typed, unprotected tables under their specification."""
    werk, config, _, _ = afgeleid
    config = {**config, "analyses": ["gewichtsstatus"]}
    res = analyses.voer_uit_alles(config, interventie, werk / "analyse", werk / "res" / interventie)
    assert list(res) == ["gewichtsstatus", "bevindingen"]
    return res["gewichtsstatus"]


def _van(afgeleid, interventie: str) -> pd.DataFrame:
    _, _, m, d = afgeleid
    ids = set(d.loc[(d["interventie"] == interventie)
                    & (d["onderzoeksgroep"].fillna("interventie") == "interventie"), "pseudo_id"])
    return m[m["pseudo_id"].isin(ids)]


def test_distribution_counts_match_the_row_level_data(afgeleid):
    t = _voer_uit(afgeleid, "leefstijlloket")
    v = t["verdeling"]
    for naam, spec in gs.TABELLEN.items():
        assert list(t[naam].columns) == spec.namen, naam
    mi = _van(afgeleid, "leefstijlloket")
    # every meetmoment, every main group (also the empty ones): nothing left out or hidden here
    assert list(v["meetmoment"]) == [mm for mm in ("T0", "T1", "T2") for _ in groei.CATEGORIEEN_HOOFDGROEP]
    assert list(v["gewichtsstatus"]) == list(groei.CATEGORIEEN_HOOFDGROEP) * 3
    assert v["n"].notna().all() and "onderdrukt" not in v
    for _, r in v.iterrows():
        echt = mi[(mi["meetmoment"] == r["meetmoment"])]["gewichtsstatus_hoofdgroep"]
        assert r["n"] == (echt == r["gewichtsstatus"]).sum()
        assert r["n_gemeten"] == echt.notna().sum()
        assert r["procent"] == pytest.approx(100 * r["n"] / r["n_gemeten"])
    # the categories of a meetmoment add up to those measured (the relation of the spec)
    for _, g in v.groupby("meetmoment"):
        assert g["n"].sum() == g["n_gemeten"].iloc[0]
        assert g["procent"].sum() == pytest.approx(100)


def test_transitions_are_complete_pairs_and_the_summary_adds_up(afgeleid):
    t = _voer_uit(afgeleid, "leefstijlloket")
    k, s = t["overgangen"], t["overgangen_samenvatting"]
    assert len(k) == 16 and set(k["meetmoment_van"]) == {"T0"} and set(k["meetmoment_naar"]) == {"T1"}
    mi = _van(afgeleid, "leefstijlloket")
    breed = mi.pivot(index="pseudo_id", columns="meetmoment", values="gewichtsstatus_hoofdgroep")
    paren = breed[["T0", "T1"]].dropna()
    s = s.set_index("richting")
    assert list(s.index) == ["lager", "gelijk", "hoger"]
    assert (s["n_paren"] == len(paren)).all() and s["n"].sum() == len(paren) == k["n"].sum()
    np.testing.assert_allclose(s["procent"], 100 * s["n"] / len(paren))
    # each cell of the cross table is the number of pairs with that transition
    for r in k.itertuples():
        assert r.n == ((paren["T0"] == r.status_van) & (paren["T1"] == r.status_naar)).sum()
    # the diagonal of the cross table is the "gelijk" row of the summary, and so on
    for richting in ("lager", "gelijk", "hoger"):
        assert k.loc[k["richting"] == richting, "n"].sum() == s.loc[richting, "n"]
    diag = k[k["status_van"] == k["status_naar"]]
    assert (diag["richting"] == "gelijk").all()
    rang = {c: i for i, c in enumerate(groei.CATEGORIEEN_HOOFDGROEP)}
    hoger = k[k["status_naar"].map(rang) > k["status_van"].map(rang)]
    assert (hoger["richting"] == "hoger").all() and len(hoger) == 6


def test_the_tables_satisfy_their_relations(afgeleid):
    """The sums the specifications declare hold (within and across the tables), so the
    disclosure engine can use them; a broken one is a specification error."""
    t = _voer_uit(afgeleid, "leefstijlloket")
    invoer = [Invoer("leefstijlloket", "gewichtsstatus", naam, gs.TABELLEN[naam], df)
              for naam, df in t.items()]
    bouw(invoer, waar=True)
    k = t["overgangen"].copy()
    k.loc[0, "n"] += 1  # one pair too many: no longer the sum of the pairs per direction
    kapot = [i if i.tabel != "overgangen" else Invoer(i.scope, i.analyse, i.tabel, i.spec, k)
             for i in invoer]
    with pytest.raises(SysteemFout, match="relatie klopt niet"):
        bouw(kapot, waar=True)


def test_reference_is_named_and_children_use_iotf(afgeleid):
    t = _voer_uit(afgeleid, "czv-kind")
    h = t["herkomst"]
    z = h[h["maat"] == "BMI-z-score"]
    assert list(z["referentie"]) == ["NL 1997 (Fredriks 2000)"]
    assert list(z["bron"]) == ["berekend uit lengte en gewicht (of BMI)"]
    assert "IOTF (Cole 2000, 2007)" in set(h["referentie"])


def test_interventie_without_bmi_gets_no_distribution(afgeleid):
    werk, config, _, _ = afgeleid
    ctx = analyses.Context(config, "gezinsregie", werk / "analyse")
    assert set(gs.analyseer(ctx)) == {"herkomst"}
    # through the runner: every declared table, empty but with its columns
    t = _voer_uit(afgeleid, "gezinsregie")
    assert set(t) == set(gs.TABELLEN)
    for naam, df in t.items():
        assert df.empty and list(df.columns) == gs.TABELLEN[naam].namen, naam


def test_mixed_references_are_refused():
    m = pd.DataFrame({"bmi_z": [1.0, 2.0], "bmi_z_referentie": ["NL 1997 (Fredriks 2000)",
                                                                 "WHO 2007 (de Onis 2007)"]})
    with pytest.raises(groei.GemengdeReferentiesFout):
        gs.herkomst(m)


def test_result_does_not_depend_on_row_order(afgeleid):
    _, _, m, d = afgeleid
    ids = set(d.loc[d["interventie"] == "leefstijlloket", "pseudo_id"])
    mi = m[m["pseudo_id"].isin(ids)]
    a = gs.verdeling(mi, ["T0", "T1", "T2"])
    b = gs.verdeling(mi.sample(frac=1, random_state=np.random.RandomState(1)), ["T0", "T1", "T2"])
    pd.testing.assert_frame_equal(a, b)
    ka, sa = gs.overgangen(mi, "T0", "T1")
    kb, sb = gs.overgangen(mi.iloc[::-1], "T0", "T1")
    pd.testing.assert_frame_equal(ka, kb)
    pd.testing.assert_frame_equal(sa, sb)


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
    b = pd.read_csv(res / "publiceerbaar" / "czv-kind" / "beschrijving" / "beschrijving.csv")
    z = b[(b["uitkomst"] == "bmi_z") & (b["meetmoment"] == "T0")].iloc[0]
    assert z["n"] >= 10
    assert f"{z['gemiddelde']:.2f}".replace(".", ",") in html
    kwaliteit = pd.read_csv(res / "publiceerbaar" / "regio" / "afleiding" / "afleiding.csv")
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
    assert not (res / "intern" / "resultaten" / "regio" / "afleiding").exists()
    resultaten = {str(x.relative_to(res / "intern" / "resultaten"))
                  for x in res.glob("intern/resultaten/*/*/*.parquet")}
    assert resultaten <= {"regio/invoer/datakwaliteit.parquet"}  # no analysis results
    assert not (res / "publiceerbaar").exists()  # nothing released
    assert not (res / "rapporten").exists()
