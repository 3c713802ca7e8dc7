"""Difference in differences with the mixed model (evaluatie.prepost.gemengd_model_did):
against lmerTest, on synthetic data with a known effect, and through the pipeline into the
findings table."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures.vrijgave import config, vrijgeven

from evaluatie import contract, prepost, synth

R_MAP = Path(__file__).parent / "r"
REF = json.loads((R_MAP / "did_reference.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(R_MAP / "did_data" / "did.csv")


@pytest.mark.parametrize("naam, covariaten", [("zonder_covariaten", []),
                                              ("met_covariaten", ["leeftijd_start", "geslacht"])])
def test_matches_lmertest(data, naam, covariaten):
    ref = REF[naam]
    uit = prepost.gemengd_model_did(data, "pg_totaal", "onderzoeksgroep", covariaten).set_index("meetmoment")
    assert (uit["status"] == "ok").all()
    assert uit["toets"].iloc[0] == "t (Satterthwaite)"
    assert uit["n_interventie"].iloc[0] == ref["n_interventie"]
    assert uit["n_vergelijking"].iloc[0] == ref["n_vergelijking"]
    # see tests/r/did_gemengd.R: lmerTest::lmer(pg_totaal ~ meetmoment * onderzoeksgroep [+ covariaten]
    #   + (1 | pseudo_id), REML = TRUE); coefficient meetmoment<Tk>:onderzoeksgroepinterventie
    for t in ("T1", "T2"):
        r = ref["meetmomenten"][t]
        assert uit.loc[t, "schatting"] == pytest.approx(r["schatting"], rel=1e-6)
        assert uit.loc[t, "se"] == pytest.approx(r["se"], rel=1e-5)
        assert uit.loc[t, "df"] == pytest.approx(r["df"], rel=2e-3)
        assert uit.loc[t, "p"] == pytest.approx(r["p"], rel=5e-3)
        assert uit.loc[t, "ci95_onder"] == pytest.approx(r["ci95_onder"], rel=1e-5)
        assert uit.loc[t, "ci95_boven"] == pytest.approx(r["ci95_boven"], rel=1e-5)
    assert uit["sigma2_deelnemer"].iloc[0] == pytest.approx(ref["sigma2_deelnemer"], rel=1e-5)
    assert uit["sigma2_residu"].iloc[0] == pytest.approx(ref["sigma2_residu"], rel=1e-5)


def test_the_intervention_part_is_the_one_group_model(data):
    """Without a comparison group the interaction model is not estimable; the intervention
    group of the DiD holds exactly the people of the one-group model."""
    alleen = data[data["onderzoeksgroep"] == "interventie"]
    uit = prepost.gemengd_model_did(alleen, "pg_totaal", "onderzoeksgroep")
    assert (uit["status"] == "niet_te_berekenen").all()
    assert uit["reden"].iloc[0] == "Geen waarnemingen van beide groepen op T0 én op een later meetmoment."
    did = prepost.gemengd_model_did(data, "pg_totaal", "onderzoeksgroep")
    een = prepost.gemengd_model(alleen, "pg_totaal")
    assert did["n_interventie"].iloc[0] == een["n_deelnemers"].iloc[0]


def test_unknown_group_is_refused(data):
    d = data.copy()
    d.loc[0, "onderzoeksgroep"] = "controle"
    with pytest.raises(ValueError, match="onbekende groep"):
        prepost.gemengd_model_did(d, "pg_totaal", "onderzoeksgroep")


def test_recovers_a_known_effect_with_nominal_coverage():
    """200 synthetic studies with a true DiD of 0.5 (T1) and 0.8 (T2): the mean estimate is
    unbiased and the 95% intervals cover the truth about 95% of the time."""
    rng = np.random.default_rng(7)
    waar = {"T1": 0.5, "T2": 0.8}
    dekking, schattingen = {t: 0 for t in waar}, {t: [] for t in waar}
    herhalingen = 200
    for _ in range(herhalingen):
        n_i, n_v = 60, 60
        groep = np.r_[np.ones(n_i), np.zeros(n_v)]
        u = rng.normal(0, 1, n_i + n_v)
        rijen = []
        for t, trend in (("T0", 0.0), ("T1", 0.2), ("T2", 0.3)):
            y = 5 + 0.3 * groep + u + trend + groep * waar.get(t, 0.0) + rng.normal(0, 0.8, n_i + n_v)
            gemeten = rng.random(n_i + n_v) > 0.15
            rijen.append(pd.DataFrame({"pseudo_id": np.arange(n_i + n_v)[gemeten], "meetmoment": t,
                                       "onderzoeksgroep": np.where(groep == 1, "interventie",
                                                                   "vergelijking")[gemeten],
                                       "y": y[gemeten]}))
        uit = prepost.gemengd_model_did(pd.concat(rijen), "y", "onderzoeksgroep").set_index("meetmoment")
        for t, w in waar.items():
            schattingen[t].append(uit.loc[t, "schatting"])
            dekking[t] += uit.loc[t, "ci95_onder"] <= w <= uit.loc[t, "ci95_boven"]
    for t, w in waar.items():
        se_gemiddelde = np.std(schattingen[t]) / np.sqrt(herhalingen)
        assert abs(np.mean(schattingen[t]) - w) < 4 * se_gemiddelde, t
        # binomial(200, 0.95): 0.91–0.985 holds with probability > 0.99
        assert 0.91 <= dekking[t] / herhalingen <= 0.985, (t, dekking[t])


@pytest.fixture(scope="module")
def gemeten_vergelijking(tmp_path_factory):
    """Gezinsregie with a comparison group measured on the outcomes (true DiD known)."""
    werk = tmp_path_factory.mktemp("did")
    spec = next(s for s in synth.demo_interventies() if s.code == "gezinsregie")
    spec = dataclasses.replace(spec, n=260, n_vergelijking=260, vergelijking_gemeten=True)
    ds = synth.genereer_regio(21, 1.0, interventies=[spec])
    c = config(werk, ["gezinsregie"])
    return vrijgeven(werk, ds, c), ds.waarheid["interventies"]["gezinsregie"]


def test_with_a_measured_comparison_group_the_did_is_the_headline(gemeten_vergelijking):
    vrijgave, waarheid = gemeten_vergelijking
    b = contract.lees(vrijgave / "gezinsregie", "bevindingen", "bevindingen")
    gez = b[b["domein"] == "gezondheid"]
    prim = gez[gez["rol"] == "primair"].iloc[0]
    assert prim["uitkomst"] == "pg_mentaal_welbevinden" and prim["schatter"] == "did_gemengd_model"
    assert prim["bron"] == "voor_na/gemengd_model_did" and prim["correctie"] == "holm"
    # the pre/post change of the intervention group stands beside every DiD headline
    naast = gez[gez["rol"] == "naast"].set_index("uitkomst")
    assert set(naast.index) == set(gez.loc[gez["rol"].isin(["primair", "secundair"]), "uitkomst"])
    assert (naast["schatter"] == "gemengd_model").all()
    # the headline is the released DiD row, and it covers the true DiD
    did = contract.lees(vrijgave / "gezinsregie", "voor_na", "gemengd_model_did")
    r = did[(did["uitkomst"] == prim["uitkomst"]) & (did["post"] == prim["post"])].iloc[0]
    assert (prim["schatting"], prim["p_gecorrigeerd"], prim["oordeel"]) == (
        r["schatting"], r["p_gecorrigeerd"], r["oordeel"])
    waar = waarheid["did_gezondheid"][prim["uitkomst"]][prim["post"]]
    assert prim["ci95_onder"] <= waar <= prim["ci95_boven"]
    # the DiD is smaller than the pre/post change: the comparison group changed too
    assert prim["schatting"] < naast.loc[prim["uitkomst"], "schatting"]
