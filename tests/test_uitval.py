"""Tests for evaluatie.uitval, checked against R.

Reference values: ``Rscript tests/r/uitval.R`` makes the synthetic data in
``tests/r/uitval_data/`` and writes what R computes on it to
``tests/r/uitval_reference.json`` (R 4.x, survival, mice 3.15, lme4). CI has no R; the
JSON is committed. Hard-coded values below carry the R call that produced them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from evaluatie import uitval as u
from evaluatie.figuren_uitval import figuur_deelnemersstroom, figuur_kaplan_meier, figuur_uitvalcurve

HIER = Path(__file__).parent / "r"
REF = json.loads((HIER / "uitval_reference.json").read_text())
PEILDATUM = "2024-06-30"
KENMERKEN = {"leeftijd_start": "continu", "bmi_z": "continu", "pg_totaal": "continu",
             "ses_groep": "categorisch", "geslacht": "categorisch", "verwijzer": "categorisch"}


@pytest.fixture(scope="module")
def deelnemers() -> pd.DataFrame:
    return pd.read_csv(HIER / "uitval_data" / "deelnemers.csv")


@pytest.fixture(scope="module")
def metingen() -> pd.DataFrame:
    return pd.read_csv(HIER / "uitval_data" / "metingen.csv")


@pytest.fixture(scope="module")
def baseline(deelnemers, metingen) -> pd.DataFrame:
    t0 = metingen.loc[metingen["meetmoment"] == "T0", ["pseudo_id", "bmi_z", "pg_totaal"]]
    return deelnemers.merge(t0, on="pseudo_id", how="left")


@pytest.fixture(scope="module")
def gevoeligheid(deelnemers, metingen) -> pd.DataFrame:
    return u.gevoeligheidsanalyse(metingen, deelnemers, "bmi_z", pre="T0", post="T1",
                                  covariaten=["ses_score", "leeftijd_start"], m=20,
                                  seed=20240611)


def _schud(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    return df.sample(frac=1, random_state=seed).reset_index(drop=True)


# ----------------------------------------------------------------------------- 1. flow


STROOM_KOLOMMEN = ["stap_nr", "stap", "van", "soort", "groep", "reden", "n"]


def test_stroom_telt_als_in_r(deelnemers, metingen):
    stroom = u.deelnemersstroom(deelnemers, metingen)
    assert list(stroom.columns) == STROOM_KOLOMMEN
    stap = stroom[stroom["soort"] == "stap"].set_index("stap")["n"]
    assert list(stap.index) == list(u.STAPPEN)
    # R: nrow(deelnemers), length(st) (tests/r/uitval.R, section 1)
    assert stap["aangemeld"] == REF["stroom"]["aangemeld"] == 400
    assert stap["gestart"] == REF["stroom"]["gestart"] == 357
    verlies = stroom[stroom["soort"] == "verlies"].set_index("groep")["n"]
    assert list(verlies.index) == ["niet_gestart", "uitgevallen", "nog_actief"]
    # R: prop.test(sum(gs$status == "uitgevallen"), nrow(gs)) -> x = 96, n = 357
    assert verlies["uitgevallen"] == REF["wilson_totaal"]["x"] == 96
    assert stap["gestart"] == REF["wilson_totaal"]["n"]
    # "afgerond" is status afgerond, as everywhere else (not the nested "measured at every
    # moment" of the earlier flow, R's ref$stroom$afgerond = 121). R: Table 1 afronders
    # (status == "afgerond") -> n = 157 for leeftijd_start (none missing)
    afronders = REF["tabel1"]["leeftijd_start"]["groepen"][1]
    assert afronders["groep"] == "afronders"
    assert stap["afgerond"] == afronders["n"] + afronders["n_ontbrekend"] == 157
    assert stap["afgerond"] == (deelnemers["status"] == "afgerond").sum()
    assert verlies["niet_gestart"] == stap["aangemeld"] - stap["gestart"]
    assert verlies["nog_actief"] == (deelnemers["status"] == "gestart").sum() == 104
    # measurements beside the flow: started and measured at the moment, whatever happened
    # at the other moments. R: length(intersect(st, gemeten("T0"))) -> 339
    meting = stroom[stroom["soort"] == "meting"].set_index("stap")["n"]
    assert meting["gemeten_T0"] == REF["stroom"]["gemeten_T0"] == 339
    gestart = set(deelnemers.loc[deelnemers["startdatum"].notna(), "pseudo_id"])
    for mm in ("T0", "T1", "T2"):
        gemeten = set(metingen.loc[metingen["meetmoment"] == mm, "pseudo_id"])
        assert meting[f"gemeten_{mm}"] == len(gestart & gemeten), mm
    # not nested any more: T1 counts those measured at T1 but not at T0 too
    assert meting["gemeten_T1"] > REF["stroom"]["gemeten_T1"]
    u.controleer_stroom(stroom, deelnemers)  # does not raise


def test_stroom_redenen_klein_voorbeeld():
    deelnemers = pd.DataFrame({
        "pseudo_id": ["A001", "A002", "A003", "A004", "A005", "A006"],
        "startdatum": ["", "2023-01-01", "2023-01-01", "2023-01-01", "2023-01-01", "2023-02-01"],
        "status": ["aangemeld", "uitgevallen", "gestart", "afgerond", "afgerond", "uitgevallen"],
        "reden_uitval": [None, "verhuisd", None, None, None, None],
    })
    metingen = pd.DataFrame({
        "pseudo_id": ["A001", "A002", "A003", "A004", "A004", "A005", "A005", "A005", "A006",
                      "X999"],
        "meetmoment": ["T0", "T0", "T0", "T0", "T1", "T0", "T1", "T2", "T0", "T1"],
    })
    s = u.deelnemersstroom(deelnemers, metingen)
    assert list(s.columns) == STROOM_KOLOMMEN
    rijen = [(r.stap_nr, r.stap, r.van, r.soort, r.groep, r.reden, r.n) for r in s.itertuples()]
    assert rijen == [
        (0, "aangemeld", "", "stap", "", "", 6),
        (1, "gestart", "aangemeld", "stap", "", "", 5),
        (1, "gestart", "aangemeld", "verlies", "niet_gestart", "", 1),       # A001
        (2, "afgerond", "gestart", "stap", "", "", 2),                        # A004, A005
        (2, "afgerond", "gestart", "verlies", "uitgevallen", "", 2),          # A002, A006
        (2, "afgerond", "", "reden", "uitgevallen", "onbekend", 1),           # A006, no reason
        (2, "afgerond", "", "reden", "uitgevallen", "verhuisd", 1),           # A002
        (2, "afgerond", "gestart", "verlies", "nog_actief", "", 1),           # A003
        # A001 (not started) and X999 (not a participant) are not counted
        (3, "gemeten_T0", "", "meting", "", "", 5),
        (4, "gemeten_T1", "", "meting", "", "", 2),                           # A004 (no T2), A005
        (5, "gemeten_T2", "", "meting", "", "", 1),
    ]
    assert set(s.loc[s["soort"] == "verlies", "groep"]) == set(u.VERLIESGROEPEN)
    u.controleer_stroom(s, deelnemers)


def test_stroom_afgerond_is_status_afgerond(deelnemers, metingen):
    # a completer without measurements still completed; measurements do not move anyone
    stroom = u.deelnemersstroom(deelnemers, metingen.iloc[0:0])
    stap = stroom[stroom["soort"] == "stap"].set_index("stap")["n"]
    assert stap["afgerond"] == (deelnemers["status"] == "afgerond").sum()
    assert (stroom.loc[stroom["soort"] == "meting", "n"] == 0).all()
    pd.testing.assert_frame_equal(stroom[stroom["soort"] != "meting"],
                                  u.deelnemersstroom(deelnemers, metingen)
                                  .query("soort != 'meting'"))


def test_controleer_stroom_vangt_fouten(deelnemers, metingen):
    stroom = u.deelnemersstroom(deelnemers, metingen)
    kapot = stroom.copy()
    rij = kapot.index[(kapot["soort"] == "verlies") & (kapot["groep"] == "nog_actief")][0]
    kapot.loc[rij, "n"] -= 1  # one participant lost without a trace
    with pytest.raises(u.StroomFout, match=r"gestart \(357\) ≠ afgerond \(157\) \+ verlies "
                                           r"\(199\): \+1 deelnemers niet verantwoord"):
        u.controleer_stroom(kapot, deelnemers)
    kapot = stroom.copy()
    kapot.loc[(kapot["soort"] == "verlies") & (kapot["groep"] == "niet_gestart"), "n"] += 2
    with pytest.raises(u.StroomFout, match="aangemeld .* -2 deelnemers niet verantwoord"):
        u.controleer_stroom(kapot, deelnemers)
    with pytest.raises(u.StroomFout, match="eerste stap"):
        u.controleer_stroom(stroom, deelnemers.iloc[:-1])
    negatief = stroom.copy()
    negatief.loc[negatief.index[-1], "n"] = -1
    with pytest.raises(u.StroomFout, match="niet-negatieve"):
        u.controleer_stroom(negatief, deelnemers)
    te_veel = stroom.copy()
    te_veel.loc[te_veel["stap"] == "gemeten_T0", "n"] = 358
    with pytest.raises(u.StroomFout, match="meetmoment telt meer deelnemers"):
        u.controleer_stroom(te_veel, deelnemers)
    te_veel.loc[te_veel["stap"] == "gemeten_T0", "n"] = 357  # everyone who started: fine
    u.controleer_stroom(te_veel, deelnemers)


def test_stroom_figuur(deelnemers, metingen):
    stroom = u.deelnemersstroom(deelnemers, metingen)
    fig = figuur_deelnemersstroom(stroom)
    assert isinstance(fig, Figure)
    teksten = [t.get_text() for t in fig.axes[0].texts]
    for tekst in ("Aangemeld", "n = 400", "Gestart", "n = 357", "Afgerond", "n = 157",
                  "Niet gestart: n = 43", "Uitgevallen: n = 96",
                  "Nog actief op de peildatum: n = 104", "• reden onbekend",
                  "T0: 339   ·   T1: 244   ·   T2: 146"):
        assert tekst in teksten, tekst
    # without the companion columns (before disclosure control), an empty count is drawn
    # as suppressed
    onderdrukt = stroom.assign(n=stroom["n"].where(stroom["n"] > 12))
    fig = figuur_deelnemersstroom(onderdrukt, titel="Na onderdrukking")
    teksten = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "onderdrukt" in teksten and "Gestart" in teksten and "Na onderdrukking" in teksten


# ----------------------------------------------------------------------------- 2. rates


@pytest.mark.parametrize("geval", REF["wilson_los"])
def test_wilson_losse_waarden(geval):
    d = pd.DataFrame({
        "pseudo_id": [f"P{i:04d}" for i in range(geval["n"])],
        "startdatum": "2023-03-01",
        "status": ["uitgevallen"] * geval["x"] + ["afgerond"] * (geval["n"] - geval["x"]),
    })
    r = u.uitvalpercentages(d).iloc[0]
    # R: prop.test(x, n, correct = FALSE)$conf.int, e.g. x = 3, n = 40 -> 0.02584, 0.19864
    assert r["ci95_onder"] == pytest.approx(100 * geval["onder"], abs=1e-7)
    assert r["ci95_boven"] == pytest.approx(100 * geval["boven"], abs=1e-7)
    assert r["percentage"] == pytest.approx(100 * geval["x"] / geval["n"])


def test_wilson_hardcoded_voorbeeld():
    d = pd.DataFrame({"pseudo_id": [f"P{i:04d}" for i in range(40)], "startdatum": "2023-03-01",
                      "status": ["uitgevallen"] * 3 + ["afgerond"] * 30 + ["gestart"] * 7})
    r = u.uitvalpercentages(d).iloc[0]
    # R: prop.test(3, 40, correct = FALSE)$conf.int -> 0.02583603 0.19864234
    assert r["ci95_onder"] == pytest.approx(2.583603, abs=1e-5)
    assert r["ci95_boven"] == pytest.approx(19.864234, abs=1e-5)
    # still-active participants stay in the denominator and are not dropouts
    assert (r["n_gestart"], r["n_uitgevallen"], r["n_afgerond"], r["n_actief"]) == (40, 3, 30, 7)


@pytest.mark.parametrize("per,sleutel", [(None, "wilson_totaal"), ("kwartaal", "wilson_kwartaal"),
                                         ("jaar", "wilson_jaar")])
def test_uitvalpercentages_per_periode(deelnemers, per, sleutel):
    res = u.uitvalpercentages(deelnemers, per=per)
    verwacht = REF[sleutel] if per else [dict(REF[sleutel], periode="totaal")]
    assert list(res["periode"]) == [v["periode"] for v in verwacht]
    for rij, v in zip(res.itertuples(), verwacht, strict=True):
        # R: prop.test(x, n, correct = FALSE)$conf.int per start cohort
        assert (rij.n_gestart, rij.n_uitgevallen) == (v["n"], v["x"])
        assert rij.ci95_onder == pytest.approx(100 * v["onder"], abs=1e-7)
        assert rij.ci95_boven == pytest.approx(100 * v["boven"], abs=1e-7)


def test_uitvalpercentages_niemand_gestart():
    d = pd.DataFrame({"pseudo_id": ["P0001"], "startdatum": [""], "status": ["aangemeld"]})
    r = u.uitvalpercentages(d).iloc[0]
    assert r["status"] == "niet_te_berekenen" and r["reden"] and r["n_gestart"] == 0


# ----------------------------------------------------------------------------- 3. who


def test_tabel1_continu_als_r(baseline):
    t = u.vergelijk_uitvallers(baseline, KENMERKEN)
    for k in ("leeftijd_start", "bmi_z", "pg_totaal"):
        ref = REF["tabel1"][k]
        for g in ref["groepen"]:
            rij = t[(t["kenmerk"] == k) & (t["groep"] == g["groep"])].iloc[0]
            assert (rij["n"], rij["n_ontbrekend"]) == (g["n"], g["n_ontbrekend"])
            for kol in ("gemiddelde", "sd", "mediaan", "q1", "q3"):
                assert rij[kol] == pytest.approx(g[kol], rel=1e-10), (k, kol)
        rij = t[t["kenmerk"] == k].iloc[0]
        # R: (m1 - m2) / sqrt((var1 + var2) / 2)  (tableone StdDiff, signed)
        assert rij["smd"] == pytest.approx(ref["smd"], rel=1e-8)
        # R: t.test(x[uitvallers], x[afronders])$p.value  (Welch)
        assert rij["p"] == pytest.approx(ref["p"], rel=1e-6)
    bmi = t[(t["kenmerk"] == "bmi_z") & (t["groep"] == "uitvallers")].iloc[0]
    # R: t.test(bmi_z ~ groep) -> p = 0.0009685; SMD 0.4622; 10 missing among uitvallers
    assert bmi["p"] == pytest.approx(0.0009685195, rel=1e-6)
    assert bmi["smd"] == pytest.approx(0.4622176, rel=1e-6)
    assert bmi["n_ontbrekend"] == 10


def test_tabel1_categorisch_als_r(baseline):
    t = u.vergelijk_uitvallers(baseline, KENMERKEN)
    for k in ("ses_groep", "geslacht", "verwijzer"):
        ref = REF["tabel1"][k]
        sel = t[t["kenmerk"] == k]
        for groep in ("uitvallers", "afronders"):
            telling = sel[sel["groep"] == groep].set_index("niveau")["n"].to_dict()
            assert telling == ref[f"n_{groep}"]
        # R: sqrt(t(d) %*% MASS::ginv(S) %*% d)  (tableone StdDiffMulti, Yang & Dalton 2012)
        assert sel["smd"].iloc[0] == pytest.approx(ref["smd"], rel=1e-8), k
        # R: chisq.test(table(x, groep)) or fisher.test(...) when an expected count < 5
        assert sel["p"].iloc[0] == pytest.approx(ref["p"], rel=1e-6), k
        verwacht_toets = "Fisher exact" if ref["toets"] == "fisher.test" else "chi-kwadraat"
        assert sel["toets"].iloc[0] == verwacht_toets
    # R: fisher.test(table(geslacht, groep))$p.value -> 0.5422542 (expected 'anders' < 5)
    assert t.loc[t["kenmerk"] == "geslacht", "p"].iloc[0] == pytest.approx(0.5422542, rel=1e-6)
    pct = t[(t["kenmerk"] == "ses_groep") & (t["groep"] == "uitvallers")]["percentage"].sum()
    assert pct == pytest.approx(100)


@pytest.mark.parametrize("tabel,p_r", [
    # R: fisher.test(matrix(c(2, 45, 49, 6, 81, 70), 3))$p.value
    ([[2, 6], [45, 81], [49, 70]], 0.5422542),
    # R: fisher.test(matrix(c(0, 3, 1, 4, 5, 0, 2, 6), 4))$p.value
    ([[0, 5], [3, 0], [1, 2], [4, 6]], 0.04427245),
    # R: fisher.test(matrix(c(3, 1, 1, 3), 2))$p.value
    ([[3, 1], [1, 3]], 0.4857143),
])
def test_fisher_kx2_als_r(tabel, p_r):
    p, toets = u._fisher_kx2(np.array(tabel))
    assert p == pytest.approx(p_r, rel=1e-6) and toets == "Fisher exact"


def test_tabel1_binaire_smd_is_klassieke_formule():
    d = pd.DataFrame({"status": ["uitgevallen"] * 10 + ["afgerond"] * 10,
                      "roker": ["ja"] * 4 + ["nee"] * 6 + ["ja"] * 2 + ["nee"] * 8})
    smd = u.vergelijk_uitvallers(d, {"roker": "categorisch"})["smd"].iloc[-1]
    p1, p2 = 0.4, 0.2
    assert smd == pytest.approx(abs(p1 - p2) / np.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2))


def test_tabel1_niet_te_berekenen():
    d = pd.DataFrame({"status": ["uitgevallen", "afgerond", "afgerond"], "x": [1.0, 2.0, 3.0],
                      "c": ["a", "a", "a"]})
    t = u.vergelijk_uitvallers(d, {"x": "continu", "c": "categorisch"})
    assert set(t.loc[t["kenmerk"] != "n", "status"]) == {"niet_te_berekenen"}
    assert t.loc[t["kenmerk"] != "n", "reden"].str.len().gt(0).all()


def test_uitvalmodel_als_r_glm(baseline):
    res = u.uitvalmodel(baseline, predictoren=["ses_groep", "bmi_z", "leeftijd_start"],
                        referentieniveaus={"ses_groep": "hoog"})
    ref = REF["glm"]
    # R: glm(uitgevallen ~ relevel(ses_groep, "hoog") + bmi_z + leeftijd_start, binomial)
    assert list(res["term"]) == ["(intercept)", "ses_groep[laag]", "ses_groep[midden]",
                                 "bmi_z", "leeftijd_start"]
    assert (res["n"] == ref["n"]).all() and (res["status"] == "ok").all()
    np.testing.assert_allclose(res["coef"], ref["coef"], rtol=1e-6)
    np.testing.assert_allclose(res["se"], ref["se"], rtol=1e-6)
    np.testing.assert_allclose(res["odds_ratio"], ref["or"], rtol=1e-6)
    # R: exp(confint.default(fit))
    np.testing.assert_allclose(res["ci95_onder"], ref["ci_onder"], rtol=1e-6)
    np.testing.assert_allclose(res["ci95_boven"], ref["ci_boven"], rtol=1e-6)
    # R: summary(fit)$coefficients[, 4]
    np.testing.assert_allclose(res["p"], ref["p"], rtol=1e-5)
    laag = res.set_index("term").loc["ses_groep[laag]"]
    # R: exp(coef(fit))["ses_groep_flaag"] -> 2.6508; exp(confint.default) 1.2393 .. 5.6699
    assert laag["odds_ratio"] == pytest.approx(2.650827, rel=1e-5)
    assert (laag["ci95_onder"], laag["ci95_boven"]) == pytest.approx((1.239336, 5.669880),
                                                                      rel=1e-5)
    assert laag["referentie"] == "hoog"


def test_uitvalmodel_herstelt_bekende_coefficienten():
    """Simulated dropout: low SES and higher baseline severity drop out more often."""
    rng = np.random.default_rng(7)
    n = 4000
    ses = rng.choice(["laag", "midden", "hoog"], n)
    ernst = rng.normal(0, 1, n)
    waar = {"(intercept)": -1.5, "ses_groep[laag]": 0.8, "ses_groep[midden]": 0.3,
            "ernst": 0.6}
    lp = (waar["(intercept)"] + waar["ses_groep[laag]"] * (ses == "laag")
          + waar["ses_groep[midden]"] * (ses == "midden") + waar["ernst"] * ernst)
    status = np.where(rng.random(n) < 1 / (1 + np.exp(-lp)), "uitgevallen", "afgerond")
    data = pd.DataFrame({"pseudo_id": [f"S{i:05d}" for i in range(n)], "status": status,
                         "ses_groep": ses, "ernst": ernst})
    res = u.uitvalmodel(data, predictoren=["ses_groep", "ernst"],
                        referentieniveaus={"ses_groep": "hoog"}).set_index("term")
    for term, beta in waar.items():
        assert res.loc[term, "ci95_onder"] < np.exp(beta) < res.loc[term, "ci95_boven"], term
        assert np.sign(res.loc[term, "coef"]) == np.sign(beta)


def test_uitvalmodel_scheiding_niet_te_berekenen():
    data = pd.DataFrame({"status": ["uitgevallen"] * 5 + ["afgerond"] * 5,
                         "ses_groep": ["laag"] * 5 + ["hoog"] * 5, "x": np.arange(10.0)})
    res = u.uitvalmodel(data, predictoren=["ses_groep"])
    assert (res["status"] == "niet_te_berekenen").all() and res["reden"].iloc[0]
    with pytest.raises(ValueError, match="referentieniveau"):
        u.uitvalmodel(data, predictoren=["ses_groep"], referentieniveaus={"ses_groep": "x"})


# ----------------------------------------------------------------------------- 4. time


def test_kaplan_meier_als_survfit(deelnemers):
    km = u.kaplan_meier_uitval(deelnemers, PEILDATUM)
    ref = REF["km"]
    # R: survfit(Surv(tijd, uitval) ~ 1, conf.type = "log"): time, n.risk, n.event, n.censor
    np.testing.assert_array_equal(km["tijd_dagen"], ref["tijd"])
    np.testing.assert_array_equal(km["n_risico"], ref["n_risico"])
    np.testing.assert_array_equal(km["n_uitval"], ref["n_uitval"])
    np.testing.assert_array_equal(km["n_gecensureerd"], ref["n_gecensureerd"])
    # R: fit$surv, fit$lower, fit$upper
    np.testing.assert_allclose(km["overleving"], ref["overleving"], rtol=1e-10)
    np.testing.assert_allclose(km["ci95_onder"], ref["onder"], rtol=1e-6)
    np.testing.assert_allclose(km["ci95_boven"], ref["boven"], rtol=1e-6)
    laatste = km.iloc[-1]
    # R: tail(fit$surv, 1) -> 0.6881945; tail(fit$lower, 1) 0.6371840, tail(fit$upper, 1) 0.7432886
    assert laatste["overleving"] == pytest.approx(0.6881945, rel=1e-6)
    assert laatste["ci95_onder"] == pytest.approx(0.6371840, rel=1e-6)
    assert laatste["ci95_boven"] == pytest.approx(0.7432886, rel=1e-6)
    assert int(km["n_uitval"].sum()) == REF["wilson_totaal"]["x"]


def test_kaplan_meier_geen_uitval_en_figuur():
    d = pd.DataFrame({"pseudo_id": ["P0001", "P0002"], "startdatum": ["2024-01-01"] * 2,
                      "einddatum": ["2024-05-01", ""], "status": ["afgerond", "gestart"]})
    km = u.kaplan_meier_uitval(d, PEILDATUM)
    assert km["status"].iloc[0] == "niet_te_berekenen" and "Geen uitval" in km["reden"].iloc[0]
    assert isinstance(figuur_kaplan_meier(km), Figure)


def test_kaplan_meier_figuur(deelnemers):
    km = u.kaplan_meier_uitval(deelnemers, PEILDATUM)
    fig = figuur_kaplan_meier(km, titel="Tijd tot uitval")
    ax = fig.axes[0]
    assert len(ax.collections) == 1  # the CI band; no scatter of censoring marks
    assert all(len(line.get_xdata()) > 2 for line in ax.lines)
    risico = [t.get_text() for t in fig.axes[1].texts]
    assert "357" in risico  # everyone who started is at risk at month 0


def test_kaplan_meier_einddatum_voor_start():
    d = pd.DataFrame({"pseudo_id": ["P0001"], "startdatum": ["2024-01-10"],
                      "einddatum": ["2024-01-01"], "status": ["uitgevallen"]})
    with pytest.raises(ValueError, match="vóór startdatum"):
        u.kaplan_meier_uitval(d, PEILDATUM)


# ----------------------------------------------------------------------------- 5. missing data


def test_gevoeligheid_completers_als_t_test(gevoeligheid):
    r = gevoeligheid.set_index("methode").loc["completers"]
    ref = REF["completers"]
    # R: t.test(post, pre, paired = TRUE) -> -0.1081, CI -0.1619 .. -0.0543, p = 1.016e-04
    assert r["n"] == ref["n"] == 216
    assert r["schatting"] == pytest.approx(ref["schatting"], rel=1e-10)
    assert r["se"] == pytest.approx(ref["se"], rel=1e-8)
    assert (r["ci95_onder"], r["ci95_boven"]) == pytest.approx((ref["onder"], ref["boven"]),
                                                                rel=1e-8)
    assert r["p"] == pytest.approx(ref["p"], rel=1e-6)


def test_gevoeligheid_gemengd_model_als_lmer(gevoeligheid):
    r = gevoeligheid.set_index("methode").loc["gemengd_model"]
    ref = REF["gemengd"]
    # R: lmer(y ~ meetmoment + ses_score + leeftijd_start + (1 | pseudo_id), REML = TRUE)
    #    -> fixef meetmomentT1 = -0.115160, SE 0.027014
    assert r["n"] == ref["n"]
    assert r["schatting"] == pytest.approx(ref["schatting"], rel=1e-4)
    assert r["se"] == pytest.approx(ref["se"], rel=1e-4)


def test_gevoeligheid_imputatie_binnen_monte_carlo_tolerantie(gevoeligheid):
    """MI vs R mice: Monte-Carlo tolerance, so this test can fail for another seed.

    R: mice(data, m = 20, method = "norm", seed = 20240611, maxit = 10);
       pool(with(imp, lm(I(post - pre) ~ 1))) -> estimate -0.10113, SE 0.02639, b = 0.000178.
    Two independent pooled estimates differ by Monte-Carlo error with SD about
    sqrt(2 b / m) = 0.0042 (0.16 SE); statsmodels imputes by predictive mean matching
    and R here by Bayesian normal regression, so the tolerance is 3 such SDs
    (0.0127, about 0.48 SE). The SEs must agree within 15%.
    """
    r = gevoeligheid.set_index("methode").loc["meervoudige_imputatie"]
    ref = REF["mi"]
    assert r["n"] == ref["n"] and r["n_compleet"] == ref["n_compleet"]
    tolerantie = 3 * np.sqrt(2 * ref["b"] / 20)
    assert abs(r["schatting"] - ref["schatting"]) < tolerantie
    assert r["se"] == pytest.approx(ref["se"], rel=0.15)
    assert r["m_imputaties"] == 20 and r["status"] == "ok"


def test_meervoudige_imputatie_is_de_mi_rij_van_gevoeligheid(deelnemers, metingen, gevoeligheid):
    """For callers that have the completers and mixed-model rows already: only the MI row,
    with the same population, imputation model, pooling and seed."""
    mi = u.meervoudige_imputatie(metingen, deelnemers, "bmi_z", pre="T0", post="T1",
                                 covariaten=["ses_score", "leeftijd_start"], m=20, seed=20240611)
    assert list(mi["methode"]) == ["meervoudige_imputatie"]
    verwacht = gevoeligheid[gevoeligheid["methode"] == "meervoudige_imputatie"]
    # m_imputaties is float there only because the other two rows leave it empty
    pd.testing.assert_frame_equal(mi, verwacht.reset_index(drop=True), check_dtype=False)
    with pytest.raises(ValueError, match="m = 20"):
        u.meervoudige_imputatie(metingen, deelnemers, "bmi_z", m=5)


def test_rubin_df_als_mice_pool():
    # R: mice:::barnard.rubin(m = 20, b = 0.000178218, t = 0.0006965279, dfcom = 317)
    #    -> 122.8595 (pool()$pooled$df for the reference data set)
    assert u._barnard_rubin(20, 0.000178217978175947, 0.0006965279, 317) == pytest.approx(
        122.8595, rel=1e-5)


def test_gevoeligheid_deterministisch_en_laat_rng_met_rust(deelnemers, metingen, gevoeligheid):
    # the legacy global state is what other code may rely on: it must be left untouched
    np.random.seed(123)  # noqa: NPY002
    verwacht = np.random.random(3)  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    opnieuw = u.gevoeligheidsanalyse(metingen, deelnemers, "bmi_z",
                                     covariaten=["ses_score", "leeftijd_start"], seed=20240611)
    assert np.array_equal(np.random.random(3), verwacht)  # noqa: NPY002
    pd.testing.assert_frame_equal(opnieuw, gevoeligheid)
    ander = u.gevoeligheidsanalyse(metingen, deelnemers, "bmi_z",
                                   covariaten=["ses_score", "leeftijd_start"], seed=1)
    mi = ander["methode"] == "meervoudige_imputatie"
    assert ander.loc[mi, "schatting"].iloc[0] != opnieuw.loc[mi, "schatting"].iloc[0]


def test_gevoeligheid_te_weinig_paren():
    deelnemers = pd.DataFrame({"pseudo_id": ["P0001", "P0002"], "startdatum": ["2023-01-01"] * 2,
                               "status": ["afgerond"] * 2})
    metingen = pd.DataFrame({"pseudo_id": ["P0001", "P0001", "P0002"],
                             "meetmoment": ["T0", "T1", "T0"], "bmi_z": [1.0, 0.8, 1.2]})
    res = u.gevoeligheidsanalyse(metingen, deelnemers, "bmi_z")
    assert (res["status"] == "niet_te_berekenen").all()
    assert res["reden"].str.len().gt(0).all()
    assert "Geen van de analyses" in u.conclusie_gevoeligheid(res)


def _tabel(schattingen, cis):
    return pd.DataFrame({
        "methode": ["completers", "gemengd_model", "meervoudige_imputatie"],
        "uitkomst": "pg_totaal", "pre": "T0", "post": "T1", "schatting": schattingen,
        "ci95_onder": [c[0] for c in cis], "ci95_boven": [c[1] for c in cis],
        "status": "ok", "reden": ""})


def test_conclusie_gelijk_en_verschillend(gevoeligheid):
    zin = u.conclusie_gevoeligheid(gevoeligheid)
    assert zin.startswith("De conclusie is bij alle drie de benaderingen")
    assert "neemt significant af" in zin and "−0,11" in zin
    anders = _tabel([0.30, 0.20, 0.10], [(0.1, 0.5), (0.01, 0.39), (-0.05, 0.25)])
    zin = u.conclusie_gevoeligheid(anders)
    assert zin.startswith("De conclusie hangt af")
    assert "bij meervoudige imputatie verandert niet significant" in zin
    assert "0,30 [0,10; 0,50]" in zin
    richting = _tabel([0.05, -0.02, 0.01], [(-0.1, 0.2), (-0.2, 0.1), (-0.1, 0.1)])
    assert "verschillende richtingen" in u.conclusie_gevoeligheid(richting)


# ----------------------------------------------------------------------------- order


def test_volgorde_van_rijen_verandert_niets(deelnemers, metingen, baseline, gevoeligheid):
    d2, m2, b2 = _schud(deelnemers, 1), _schud(metingen, 2), _schud(baseline, 3)
    pd.testing.assert_frame_equal(u.deelnemersstroom(d2, m2),
                                  u.deelnemersstroom(deelnemers, metingen))
    for per in (None, "kwartaal"):
        pd.testing.assert_frame_equal(u.uitvalpercentages(d2, per),
                                      u.uitvalpercentages(deelnemers, per))
    pd.testing.assert_frame_equal(u.vergelijk_uitvallers(b2, KENMERKEN),
                                  u.vergelijk_uitvallers(baseline, KENMERKEN))
    pred = ["ses_groep", "bmi_z", "leeftijd_start"]
    pd.testing.assert_frame_equal(u.uitvalmodel(b2, predictoren=pred),
                                  u.uitvalmodel(baseline, predictoren=pred))
    pd.testing.assert_frame_equal(u.kaplan_meier_uitval(d2, PEILDATUM),
                                  u.kaplan_meier_uitval(deelnemers, PEILDATUM))
    pd.testing.assert_frame_equal(
        u.gevoeligheidsanalyse(m2, d2, "bmi_z", covariaten=["ses_score", "leeftijd_start"],
                               seed=20240611),
        gevoeligheid)


# ----------------------------------------------------------------------------- release


def test_stroom_redenen_tellen_op_tot_uitgevallen(deelnemers, metingen):
    stroom = u.deelnemersstroom(deelnemers, metingen)
    redenen = stroom[stroom["soort"] == "reden"]
    uitgevallen = stroom[(stroom["soort"] == "verlies") & (stroom["groep"] == "uitgevallen")]
    assert len(uitgevallen) == 1 and (redenen["groep"] == "uitgevallen").all()
    assert redenen["n"].sum() == uitgevallen["n"].iloc[0]
    # every reden_uitval of a dropout, and a dropout without one as "onbekend"
    uitvallers = deelnemers[deelnemers["status"] == "uitgevallen"]
    verwacht = uitvallers["reden_uitval"].fillna("onbekend").value_counts()
    assert redenen.set_index("reden")["n"].to_dict() == verwacht.to_dict()
    # largest first, ties by code
    assert list(redenen["reden"]) == ["geen_motivatie", "praktische_redenen",
                                      "medische_redenen", "verhuisd", "onbekend"]
    kapot = stroom.copy()
    kapot.loc[kapot.index[kapot["soort"] == "reden"][1], "n"] += 1
    with pytest.raises(u.StroomFout, match=r"uitgevallen \(96\) ≠ som van de redenen \(97\)"):
        u.controleer_stroom(kapot, deelnemers)


@pytest.mark.parametrize("min_n", [1, 10, 25])
def test_km_op_vaste_tijden_geeft_geen_kleine_verschillen_vrij(deelnemers, min_n):
    km = u.kaplan_meier_uitval(deelnemers, PEILDATUM)
    vast = u.km_op_vaste_tijden(km, stap_maanden=1, min_n=min_n)
    gestart = int(km["n_risico"].iloc[0])
    assert vast["tijd_maanden"].iloc[0] == 0 and vast["overleving"].iloc[0] == 1
    assert (vast["n_risico"] + vast["n_uitval_cum"] + vast["n_gecensureerd_cum"] == gestart).all()
    assert (vast["n_risico"] >= min_n).all()
    for kol in ("n_uitval_cum", "n_gecensureerd_cum"):
        stap = np.diff(np.r_[0, vast[kol].to_numpy()])
        assert ((stap == 0) | (stap >= min_n)).all(), (kol, stap)
    # the estimate at a kept time is the Kaplan–Meier value at that time (as survfit)
    for r in vast.itertuples():
        eerder = km[km["tijd_dagen"] <= r.tijd_dagen]
        assert r.overleving == (1.0 if eerder.empty else eerder["overleving"].iloc[-1])
    if min_n == 1:  # nothing to merge: every month while anyone is in follow-up
        assert list(vast["tijd_maanden"]) == list(range(len(vast)))
    else:
        assert len(vast) < len(u.km_op_vaste_tijden(km, stap_maanden=1, min_n=1))
    fig = figuur_uitvalcurve(vast, min_n=min_n)
    assert fig.axes[1].texts[1].get_text() == f"{gestart}"


def test_km_op_vaste_tijden_zonder_uitval():
    d = pd.DataFrame({"pseudo_id": ["P0001", "P0002"], "startdatum": ["2024-01-01"] * 2,
                      "einddatum": ["2024-05-01", ""], "status": ["afgerond", "gestart"]})
    vast = u.km_op_vaste_tijden(u.kaplan_meier_uitval(d, PEILDATUM))
    assert vast["status"].iloc[0] == "niet_te_berekenen" and "Geen uitval" in vast["reden"].iloc[0]
    teksten = " ".join(t.get_text() for t in figuur_uitvalcurve(vast).axes[0].texts)
    assert "Geen uitvalcurve" in teksten


def test_stroomfiguur_na_onderdrukking_toont_nooit_kleiner_dan(deelnemers, metingen):
    stroom = u.deelnemersstroom(deelnemers, metingen)
    klein = (stroom["n"] > 0) & (stroom["n"] < 13)
    assert klein.sum() == 3  # medische redenen, verhuisd, onbekend
    # as released: the cell emptied and named in onderdrukking (column:reden)
    vrij = stroom.assign(n=stroom["n"].astype("Int64").where(~klein),
                         onderdrukking=np.where(klein, "n:aantal", ""))
    teksten = [t.get_text() for t in figuur_deelnemersstroom(vrij, min_n=13).axes[0].texts]
    # a hidden count is not necessarily small: never "<min_n"
    assert not any("<" in t for t in teksten)
    assert teksten.count("onderdrukt") == 3
    assert "Uitgevallen: n = 96" in teksten
    # an empty cell that disclosure control did not remove is "not applicable"
    leeg = vrij.assign(onderdrukking="")
    teksten = [t.get_text() for t in figuur_deelnemersstroom(leeg).axes[0].texts]
    assert teksten.count("–") == 3 and "onderdrukt" not in teksten
    # a suppressed stage count
    stap = vrij.copy()
    rij = stap.index[stap["stap"] == "afgerond"][0]
    stap.loc[rij, "n"] = pd.NA
    stap.loc[rij, "onderdrukking"] = "n:aantal"
    teksten = [t.get_text() for t in figuur_deelnemersstroom(stap).axes[0].texts]
    assert "n onderdrukt" in teksten and "n = 157" not in teksten


def test_conclusie_met_titel(gevoeligheid):
    assert u.conclusie_gevoeligheid(gevoeligheid, "BMI z-score").count("BMI z-score (T1 − T0)") == 1


def test_micedata_zonder_patsy_imputeert_identiek(deelnemers, metingen):
    """The numpy design matrices give the same models, draws and imputations as patsy's."""
    from statsmodels.imputation.mice import MICEData

    breed = pd.DataFrame({
        "pre": metingen[metingen["meetmoment"] == "T0"].set_index("pseudo_id")["bmi_z"],
        "post": metingen[metingen["meetmoment"] == "T1"].set_index("pseudo_id")["bmi_z"],
    }).join(deelnemers.set_index("pseudo_id")[["ses_score", "leeftijd_start"]], how="right")
    breed = breed.reset_index(drop=True).astype("float64")
    assert breed[["pre", "post"]].isna().any().all()  # something to impute
    gewoon = MICEData(breed, rng=np.random.default_rng(7))
    snel = u._MICEDataNumpy(breed, rng=np.random.default_rng(7))
    gewoon.update_all(2)
    snel.update_all(2)
    pd.testing.assert_frame_equal(snel.data, gewoon.data, rtol=1e-12, atol=1e-12)
