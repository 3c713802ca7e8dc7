"""Tests voor evaluatie.prepost en evaluatie.figuren_prepost.

Referentiewaarden komen uit R: ``Rscript tests/r/prepost.R`` schrijft de vaste datasets in
``tests/r/prepost_data/`` en ``tests/r/prepost_reference.json`` (R 4.2.2, effectsize 0.8.3,
lme4 1.1-31, lmerTest 3.1-3). De R-aanroep staat als commentaar bij elke vergelijking.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from evaluatie import figuren_prepost as fp
from evaluatie import prepost as pp
from evaluatie.oordeel import RICHTINGEN, oordeel
from evaluatie.oordeel import richting as richting_code

R_MAP = Path(__file__).parent / "r"
DATA = R_MAP / "prepost_data"
REF = json.loads((R_MAP / "prepost_reference.json").read_text(encoding="utf-8"))


def lees(naam: str) -> pd.DataFrame:
    return pd.read_csv(DATA / naam)


def schud(df: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    return df.sample(frac=1.0, random_state=seed).reset_index(drop=True)


# Datasets: (sleutel in JSON, bestand, uitkomst, pre, post)
GEPAARD = [
    ("klein", "paren_klein.csv", "pg_totaal", "T0", "T1"),  # n = 10, exacte Wilcoxon
    ("knopen", "paren_knopen.csv", "rapportcijfer_leven", "T0", "T1"),  # knopen, nullen, n = 60
    ("long_t0_t2", "longitudinaal.csv", "bmi_z", "T0", "T2"),  # exact, n = 28, uitval
]


# ---------------------------------------------------------------------------------------------
# 1. Gepaarde vergelijking
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("sleutel", "bestand", "uitkomst", "pre", "post"), GEPAARD)
def test_gepaarde_vergelijking_tegen_r(sleutel, bestand, uitkomst, pre, post):
    ref = REF[sleutel]
    res = pp.gepaarde_vergelijking(lees(bestand), uitkomst, pre, post).iloc[0]
    assert res["status"] == "ok" and res["reden"] == ""
    assert res["n_paren"] == ref["n_paren"]
    # R: mean(pre), sd(pre), mean(post), sd(post)
    for kolom in ("gemiddelde_pre", "sd_pre", "gemiddelde_post", "sd_post"):
        assert res[kolom] == pytest.approx(ref[kolom], rel=1e-10)
    # R: t.test(post, pre, paired = TRUE) -> estimate, conf.int, statistic, parameter, p.value
    for kolom in ("verschil", "ci95_onder", "ci95_boven", "t", "df", "p"):
        assert res[kolom] == pytest.approx(ref[kolom], rel=1e-8), kolom
    # R: wilcox.test(post, pre, paired = TRUE) -> V, p.value
    assert res["wilcoxon_v"] == ref["wilcoxon_v"]
    assert res["p_wilcoxon"] == pytest.approx(ref["p_wilcoxon"], rel=1e-8)
    assert (res["wilcoxon_methode"] == "exact") == ref["wilcoxon_exact"]
    # R: effectsize::cohens_d(post, pre, paired = TRUE), hedges_g(post, pre, paired = TRUE)
    #    (effectsize zoekt de ncp-grenzen met optim; wij met brentq: verschil ~1e-6 relatief)
    for kolom in ("cohens_dz", "hedges_gz"):
        assert res[kolom] == pytest.approx(ref[kolom], rel=1e-10), kolom
    for kolom in ("dz_ci95_onder", "dz_ci95_boven", "gz_ci95_onder", "gz_ci95_boven"):
        assert res[kolom] == pytest.approx(ref[kolom], rel=1e-4), kolom
    # R: d_av <- mean(post - pre) / ((sd(pre) + sd(post)) / 2); g_av <- d_av * (1 - 3/(4(n-1)-1))
    for kolom in ("cohens_dav", "hedges_gav"):
        assert res[kolom] == pytest.approx(ref[kolom], rel=1e-10), kolom


def test_waarden_klein_hard_gecodeerd():
    res = pp.gepaarde_vergelijking(lees("paren_klein.csv"), "pg_totaal").iloc[0]
    # R: t.test(post, pre, paired = TRUE) -> t = -2.381, df = 9, p = 0.04114
    assert res["t"] == pytest.approx(-2.381228, abs=1e-6)
    assert res["p"] == pytest.approx(0.04114481, abs=1e-8)
    # R: wilcox.test(post, pre, paired = TRUE) -> V = 9, p-value = 0.06445 (exact)
    assert res["wilcoxon_v"] == 9
    assert res["p_wilcoxon"] == pytest.approx(0.064453125, abs=1e-12)
    # R: effectsize::cohens_d(post, pre, paired = TRUE) -> -0.75, 95% CI [-1.45, -0.03]
    assert res["cohens_dz"] == pytest.approx(-0.7530103, abs=1e-6)
    assert res["dz_ci95_onder"] == pytest.approx(-1.445552, abs=1e-5)


def test_wilcoxon_methoden_volgen_r():
    klein = pp.gepaarde_vergelijking(lees("paren_klein.csv"), "pg_totaal").iloc[0]
    knopen = pp.gepaarde_vergelijking(lees("paren_knopen.csv"), "rapportcijfer_leven").iloc[0]
    assert klein["wilcoxon_methode"] == "exact"
    assert knopen["wilcoxon_methode"] == "normale benadering met continuïteitscorrectie"


def test_alleen_completers():
    data = lees("paren_knopen.csv")
    assert data["pseudo_id"].nunique() == 71  # 60 paren + 8 alleen T0 + 3 alleen T1
    res = pp.gepaarde_vergelijking(data, "rapportcijfer_leven").iloc[0]
    assert res["n_paren"] == 60
    # Ontbrekende waarde op T1 maakt een deelnemer geen completer
    data.loc[(data["pseudo_id"] == "P001") & (data["meetmoment"] == "T1"),
             "rapportcijfer_leven"] = np.nan
    assert pp.gepaarde_vergelijking(data, "rapportcijfer_leven").iloc[0]["n_paren"] == 59


@pytest.mark.parametrize(("hoger_is_beter", "richting", "verwacht"), [
    (False, "gunstig", "verbeterd"), (True, "ongunstig", "verslechterd")])
def test_richting_volgt_hoger_is_beter(hoger_is_beter, richting, verwacht):
    # bmi_z daalt van T0 naar T2 (verschil < 0)
    tabel = pp.gepaarde_vergelijking(lees("longitudinaal.csv"), "bmi_z", "T0", "T2",
                                     hoger_is_beter=hoger_is_beter)
    res = tabel.iloc[0]
    assert res["verschil"] < 0
    assert res["richting"] == richting
    # De gepaarde vergelijking velt geen oordeel meer: dat doet evaluatie.oordeel, op de
    # (gecorrigeerde) p; alpha verandert aan deze tabel niets.
    assert "significant" not in res.index
    strikt = pp.gepaarde_vergelijking(lees("longitudinaal.csv"), "bmi_z", "T0", "T2",
                                      hoger_is_beter=hoger_is_beter, alpha=1e-6)
    pd.testing.assert_frame_equal(tabel, strikt)
    # R: t.test(post, pre, paired = TRUE) -> p = 1.172e-06: significant bij 0.05, niet bij 1e-6
    assert res["p"] == pytest.approx(REF["long_t0_t2"]["p"], rel=1e-8)
    assert oordeel(res["verschil"], hoger_is_beter, p=res["p"]) == verwacht
    assert oordeel(res["verschil"], hoger_is_beter, p=res["p"], alpha=1e-6) == \
        "geen_aantoonbare_verandering"


def test_richting_zonder_verschil_en_zonder_paren():
    geen = pp.gepaarde_vergelijking(_paren_df([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]), "score").iloc[0]
    assert geen["richting"] == "geen_verschil"
    leeg = pp.gepaarde_vergelijking(_paren_df([], []), "score").iloc[0]
    assert leeg["richting"] == ""
    for hoger_is_beter in (True, False):
        for verschil in (-0.4, 0.0, 0.7):
            assert pp._richting(verschil, hoger_is_beter) == richting_code(verschil, hoger_is_beter)
            assert pp._richting(verschil, hoger_is_beter) in RICHTINGEN


def test_verschil_is_post_min_pre():
    data = pd.DataFrame({"pseudo_id": ["a", "a", "b", "b", "c", "c"],
                         "meetmoment": ["T1", "T0"] * 3, "score": [5.0, 3.0, 6.0, 5.0, 4.0, 1.0]})
    res = pp.gepaarde_vergelijking(data, "score").iloc[0]
    assert res["verschil"] == pytest.approx(2.0)
    assert res["t"] > 0 and res["cohens_dz"] > 0 and res["wilcoxon_v"] == 6


@pytest.mark.parametrize(("sleutel", "bestand", "uitkomst", "pre", "post"), GEPAARD)
def test_gepaard_schudden_verandert_niets(sleutel, bestand, uitkomst, pre, post):
    data = lees(bestand)
    a = pp.gepaarde_vergelijking(data, uitkomst, pre, post)
    b = pp.gepaarde_vergelijking(schud(data), uitkomst, pre, post)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


def test_voor_na_tabel():
    data = lees("longitudinaal.csv")
    tabel = pp.voor_na_tabel(data, {"bmi_z": False})
    assert list(zip(tabel["pre"], tabel["post"], strict=True)) == [("T0", "T1"), ("T0", "T2")]
    # R: t.test(bmi_z[T2], bmi_z[T0], paired = TRUE) op completers
    assert tabel.loc[1, "t"] == pytest.approx(REF["long_t0_t2"]["t"], rel=1e-8)
    assert (tabel["status"] == "ok").all()


# ---------------------------------------------------------------------------------------------
# 7. Kleine steekproeven
# ---------------------------------------------------------------------------------------------
def _paren_df(pre: list[float], post: list[float]) -> pd.DataFrame:
    ids = [f"D{i}" for i in range(len(pre))]
    return pd.DataFrame({"pseudo_id": ids * 2, "meetmoment": ["T0"] * len(pre) + ["T1"] * len(pre),
                         "score": pre + post})


TE_WEINIG_PAREN = "Te weinig complete paren voor een toets."
GEEN_SPREIDING = "Alle verschillen na − voor zijn gelijk (geen spreiding); geen toets mogelijk."


@pytest.mark.parametrize(("pre", "post", "reden"), [
    ([], [], TE_WEINIG_PAREN),
    ([1.0], [2.0], TE_WEINIG_PAREN),
    ([1.0, 2.0, 3.0], [2.0, 3.0, 4.0], GEEN_SPREIDING),
    ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], GEEN_SPREIDING),
])
def test_kleine_steekproef_geeft_status(pre, post, reden):
    res = pp.gepaarde_vergelijking(_paren_df(pre, post), "score").iloc[0]
    assert res["status"] == "niet_te_berekenen"
    # vaste melding, zonder aantallen (een reden is tekst, geen telling)
    assert res["reden"] == reden
    assert not any(c.isdigit() for c in res["reden"])
    assert res["n_paren"] == len(pre)
    assert pd.isna(res["p"]) and pd.isna(res["t"]) and pd.isna(res["cohens_dz"])


def test_twee_paren_werkt():
    # R: t.test(c(2, 5), c(1, 2), paired = TRUE) -> t = 2, df = 1, p = 0.2952
    res = pp.gepaarde_vergelijking(_paren_df([1.0, 2.0], [2.0, 5.0]), "score").iloc[0]
    assert res["status"] == "ok"
    assert res["t"] == pytest.approx(2.0)
    assert res["p"] == pytest.approx(0.2951672, abs=1e-7)


def test_ontbrekend_meetmoment_en_dubbele_rijen():
    data = lees("paren_klein.csv")
    res = pp.gepaarde_vergelijking(data, "pg_totaal", "T0", "T2").iloc[0]
    assert res["status"] == "niet_te_berekenen" and res["n_paren"] == 0
    with pytest.raises(ValueError, match="dezelfde pseudo_id x meetmoment"):
        pp.gepaarde_vergelijking(pd.concat([data, data.head(1)]), "pg_totaal")


# ---------------------------------------------------------------------------------------------
# 2. Verandercategorieën
# ---------------------------------------------------------------------------------------------
def _telling(res: pd.DataFrame, indeling: str, categorie: str) -> int:
    rij = res.loc[(res["indeling"] == indeling) & (res["categorie"] == categorie)]
    assert len(rij) == 1
    return int(rij["n_categorie"].iloc[0])


@pytest.mark.parametrize(("sleutel", "bestand", "uitkomst", "instellingen"), [
    ("categorieen", "paren_knopen.csv", "rapportcijfer_leven",
     {"stabiliteitsband": 0.5, "klinisch_relevant": 1.0, "hoger_is_beter": True,
      "betrouwbaarheid": 0.8}),
    ("categorieen_bmi", "longitudinaal.csv", "bmi_z",
     {"stabiliteitsband": 0.1, "klinisch_relevant": 0.25, "hoger_is_beter": False,
      "betrouwbaarheid": 0.9}),
])
def test_verandercategorieen_tegen_r(sleutel, bestand, uitkomst, instellingen):
    ref = REF[sleutel]
    res = pp.verandercategorieen(lees(bestand), uitkomst, "T0", "T1", **instellingen)
    assert (res["status"] == "ok").all()
    assert (res["n_totaal"] == ref["n_totaal"]).all()
    # R: sum(d > band + tol), sum(abs(d) <= band + tol), sum(d < -band - tol)
    assert _telling(res, "verandering", "toegenomen") == ref["toegenomen"]
    assert _telling(res, "verandering", "gelijk") == ref["gelijk"]
    assert _telling(res, "verandering", "afgenomen") == ref["afgenomen"]
    # R: sum(s * d >= drempel - tol)
    assert (_telling(res, "klinisch_relevant", "klinisch relevant verbeterd")
            == ref["klinisch_relevant_verbeterd"])
    # R: s_diff <- sqrt(2) * sd(pre) * sqrt(1 - rxx); rci <- d / s_diff
    rci = res.loc[res["indeling"] == "betrouwbare_verandering"]
    assert rci["drempel"].iloc[0] == pytest.approx(1.96 * ref["s_diff"], rel=1e-10)
    assert _telling(res, "betrouwbare_verandering", "betrouwbaar verbeterd") == \
        ref["betrouwbaar_verbeterd"]
    assert _telling(res, "betrouwbare_verandering", "betrouwbaar verslechterd") == \
        ref["betrouwbaar_verslechterd"]
    assert _telling(res, "betrouwbare_verandering", "geen betrouwbare verandering") == \
        ref["geen_betrouwbare_verandering"]
    for _, groep in res.groupby("indeling"):
        assert groep["n_categorie"].sum() == ref["n_totaal"]
        assert groep["percentage"].sum() == pytest.approx(100.0)
    a = pp.verandercategorieen(schud(lees(bestand)), uitkomst, "T0", "T1", **instellingen)
    pd.testing.assert_frame_equal(res, a)


def test_klinisch_relevant_drempel_exact_op_grens():
    # bmi_z daalt met precies 0.25 (1.60 -> 1.35), 0.24 en stijgt met 0.30
    data = _paren_df([1.60, 1.00, 2.00], [1.35, 0.76, 2.30])
    res = pp.verandercategorieen(data, "score", stabiliteitsband=0.1, klinisch_relevant=0.25,
                                 hoger_is_beter=False)
    assert _telling(res, "klinisch_relevant", "klinisch relevant verbeterd") == 1
    assert _telling(res, "verandering", "afgenomen") == 2
    assert _telling(res, "verandering", "toegenomen") == 1
    assert set(res["indeling"]) == {"verandering", "klinisch_relevant"}  # geen r_xx -> geen RCI


def test_verandercategorieen_zonder_paren():
    res = pp.verandercategorieen(_paren_df([], []), "score", stabiliteitsband=0.5,
                                 betrouwbaarheid=0.8)
    assert (res["status"] == "niet_te_berekenen").all()
    assert (res["n_totaal"] == 0).all() and res["reden"].str.len().gt(0).all()


# ---------------------------------------------------------------------------------------------
# 3. Gemengd model
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("sleutel", "covariaten"), [
    ("lmer", None), ("lmer_covariaten", ["leeftijd_start", "geslacht"]),
])
def test_gemengd_model_tegen_lmer(sleutel, covariaten):
    res = pp.gemengd_model(lees("longitudinaal.csv"), "bmi_z", covariaten).set_index("meetmoment")
    assert list(res.index) == ["T1", "T2"]
    for m in ("T1", "T2"):
        ref = REF[sleutel][f"meetmoment{m}"]
        rij = res.loc[m]
        assert rij["status"] == "ok" and rij["toets"] == "t (Satterthwaite)"
        # R: summary(lmer(bmi_z ~ meetmoment (+ leeftijd_start + geslacht) + (1 | pseudo_id),
        #            REML = TRUE))$coefficients  -> Estimate, Std. Error
        assert rij["schatting"] == pytest.approx(ref["schatting"], rel=1e-4)
        assert rij["se"] == pytest.approx(ref["se"], rel=1e-4)
        # lmerTest: Satterthwaite df, Pr(>|t|); CI = Estimate ± qt(0.975, df) * SE
        assert rij["df"] == pytest.approx(ref["df"], rel=1e-3)
        assert rij["p"] == pytest.approx(ref["p"], rel=1e-3)
        assert rij["ci95_onder"] == pytest.approx(ref["ci95_onder"], rel=1e-4)
        assert rij["ci95_boven"] == pytest.approx(ref["ci95_boven"], rel=1e-4)
        # De Wald-z-p (statsmodels' standaard) zou hier duidelijk afwijken:
        assert abs(rij["p"] - ref["p_wald_z"]) > 1e-3 * ref["p"]
    # R: nrow(long), length(unique(long$pseudo_id))
    assert (res["n_waarnemingen"] == REF["lmer"]["n_waarnemingen"]).all()
    assert (res["n_deelnemers"] == REF["lmer"]["n_deelnemers"]).all()
    if covariaten is None:
        # R: as.data.frame(VarCorr(m))$vcov
        assert res["sigma2_deelnemer"].iloc[0] == pytest.approx(
            REF["lmer"]["sigma2_deelnemer"], rel=1e-4)
        assert res["sigma2_residu"].iloc[0] == pytest.approx(
            REF["lmer"]["sigma2_residu"], rel=1e-4)


def test_gemengd_model_randoplossing_zoals_lmer():
    ref = REF["lmer_rand"]
    assert ref["singulier"]  # R: isSingular(m) -> TRUE ("boundary (singular) fit")
    rij = pp.gemengd_model(lees("randoplossing.csv"), "pg_totaal").iloc[0]
    assert rij["status"] == "ok" and rij["sigma2_deelnemer"] == 0
    assert rij["toets"].startswith("t (rand")
    # R: summary(lmer(pg_totaal ~ meetmoment + (1 | pseudo_id)))$coefficients
    #    -> Estimate 0.207, Std. Error 0.3244, df 58, Pr(>|t|) 0.5259
    for kolom in ("schatting", "se", "df", "p"):
        assert rij[kolom] == pytest.approx(ref[kolom], rel=1e-6), kolom
    assert rij["sigma2_residu"] == pytest.approx(ref["sigma2_residu"], rel=1e-6)


def test_gemengd_model_schudden():
    data = lees("longitudinaal.csv")
    a = pp.gemengd_model(data, "bmi_z", ["leeftijd_start", "geslacht"])
    b = pp.gemengd_model(schud(data, 3), "bmi_z", ["leeftijd_start", "geslacht"])
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-8)


def test_gemengd_model_niet_te_berekenen():
    data = lees("longitudinaal.csv")
    alleen_t0 = pp.gemengd_model(data.loc[data["meetmoment"] == "T0"], "bmi_z")
    assert (alleen_t0["status"] == "niet_te_berekenen").all()
    een = pp.gemengd_model(data.loc[data["pseudo_id"] == "L001"], "bmi_z")
    assert (een["status"] == "niet_te_berekenen").all()
    assert (een["reden"] == "Te weinig deelnemers met waarnemingen.").all()
    assert (een["n_deelnemers"] == 1).all()


def test_reml_deviance_gelijk_aan_statsmodels():
    from statsmodels.regression.mixed_linear_model import MixedLM

    data = lees("longitudinaal.csv").sort_values(["pseudo_id", "meetmoment"])
    x = pp._ontwerpmatrix(data, ["T0", "T1", "T2"], "T0", [])
    y = data["bmi_z"].to_numpy()
    fit = MixedLM(y, x, groups=data["pseudo_id"].to_numpy()).fit(reml=True)
    _, idx = np.unique(data["pseudo_id"], return_inverse=True)
    dev, _ = pp._reml_deviance(np.log([float(fit.cov_re.iloc[0, 0]), fit.scale]), y,
                               x.to_numpy(), idx, np.bincount(idx).astype(float))
    n, p = x.shape
    assert -0.5 * (dev + (n - p) * np.log(2 * np.pi)) == pytest.approx(fit.llf, rel=1e-8)


# ---------------------------------------------------------------------------------------------
# 4. Subgroepen
# ---------------------------------------------------------------------------------------------
def test_subgroep_analyse_tegen_r():
    data = lees("longitudinaal.csv")
    data["ses_groep"] = pd.Categorical(data["ses_groep"], ["laag", "midden", "hoog"])
    res = pp.subgroep_analyse(data, "bmi_z", "ses_groep")
    assert list(res["niveau"]) == ["laag", "midden", "hoog", ""]
    for niveau in ("laag", "midden", "hoog"):
        ref = REF["subgroep"][niveau]
        rij = res.loc[res["niveau"] == niveau].iloc[0]
        # R: t.test(post, pre, paired = TRUE) binnen ses_groep
        assert rij["n_paren"] == ref["n_paren"]
        for kolom in ("verschil", "ci95_onder", "ci95_boven", "p"):
            assert rij[kolom] == pytest.approx(ref[kolom], rel=1e-8), (niveau, kolom)
    inter = res.loc[res["onderdeel"] == "interactie"].iloc[0]
    ref = REF["interactie"]
    # R: anova(lm(verschil ~ ses_groep)) -> F = 0.6872, Df = 2 en 38, p = 0.5091
    assert inter["f"] == pytest.approx(ref["f"], rel=1e-8)
    assert inter["df_teller"] == ref["df_teller"] and inter["df_noemer"] == ref["df_noemer"]
    assert inter["p"] == pytest.approx(ref["p"], rel=1e-8)
    assert inter["n_paren"] == ref["n_paren"]
    pd.testing.assert_frame_equal(res, pp.subgroep_analyse(schud(data), "bmi_z", "ses_groep"))


def test_subgroep_een_niveau_en_kleine_groep():
    data = lees("longitudinaal.csv")
    data["groep"] = np.where(data["pseudo_id"] == "L001", "klein", "groot")
    res = pp.subgroep_analyse(data, "bmi_z", "groep").set_index("niveau")
    assert res.loc["klein", "status"] == "niet_te_berekenen"
    assert res.loc["groot", "status"] == "ok"
    data["groep"] = "iedereen"
    res = pp.subgroep_analyse(data, "bmi_z", "groep")
    assert res.iloc[-1]["status"] == "niet_te_berekenen"
    data.loc[0, "groep"] = "anders"
    with pytest.raises(ValueError, match="niet constant"):
        pp.subgroep_analyse(data, "bmi_z", "groep")


# ---------------------------------------------------------------------------------------------
# 5. Multipliciteit
# ---------------------------------------------------------------------------------------------
def test_multipliciteit_tegen_p_adjust():
    pw = lees("pwaarden.csv")
    primair = set(pw.loc[pw["primair"], "uitkomst"])
    res = pp.corrigeer_multipliciteit(schud(pw, 11), primair).set_index("uitkomst")
    ref = dict(zip(REF["padjust"]["uitkomst"], REF["padjust"]["p_gecorrigeerd"], strict=True))
    # R: c(p.adjust(p[primair], "holm"), p.adjust(p[!primair], "BH"))
    for uitkomst, verwacht in ref.items():
        assert res.loc[uitkomst, "p_gecorrigeerd"] == pytest.approx(verwacht, rel=1e-10)
        assert res.loc[uitkomst, "correctie"] == ("holm" if uitkomst in primair else "bh")
    # R: p.adjust(c(0.012, 0.030, 0.041), "holm") -> 0.036 0.060 0.060
    assert res.loc["bmi_z", "p_gecorrigeerd"] == pytest.approx(0.036)


def test_multipliciteit_slaat_lege_p_over():
    res = pd.DataFrame({"uitkomst": ["a", "b", "c"], "p": [0.01, np.nan, 0.04]})
    uit = pp.corrigeer_multipliciteit(res, {"a", "b", "c"})
    assert uit["correctie"].tolist() == ["holm", "", "holm"]
    # R: p.adjust(c(0.01, 0.04), "holm") -> 0.02 0.04
    assert uit["p_gecorrigeerd"].iloc[[0, 2]].tolist() == pytest.approx([0.02, 0.04])
    assert "p_gecorrigeerd" not in res.columns  # invoer niet gewijzigd


# ---------------------------------------------------------------------------------------------
# 6. Geaggregeerde tabellen en figuren
# ---------------------------------------------------------------------------------------------
def test_gemiddelden_per_meetmoment_tegen_r():
    res = pp.gemiddelden_per_meetmoment(schud(lees("longitudinaal.csv")), ["bmi_z"])
    assert list(res["meetmoment"]) == ["T0", "T1", "T2"]
    for _, rij in res.iterrows():
        ref = REF["gemiddelden"][rij["meetmoment"]]
        # R: length(v), mean(v), sd(v), t.test(v)$conf.int
        assert rij["n"] == ref["n"]
        for kolom in ("gemiddelde", "sd", "ci95_onder", "ci95_boven"):
            assert rij[kolom] == pytest.approx(ref[kolom], rel=1e-10)


def test_histogramtabel_telt_alle_completers():
    res = pp.verandering_histogram_tabel(lees("paren_knopen.csv"), "rapportcijfer_leven",
                                         breedte=1.0)
    assert res["n"].sum() == 60 == res["n_totaal"].iloc[0]
    # klassen [-0.5, 0.5) enz.: verschil 0 valt in de klasse rond 0
    nul = res.loc[res["klasse_onder"] == -0.5, "n"].iloc[0]
    assert nul == REF["categorieen"]["gelijk"]  # |d| <= 0.5 bij gehele verschillen = d == 0


def _pg_tabel() -> pd.DataFrame:
    rijen = []
    for m, basis in (("T0", 5.0), ("T1", 6.0), ("T2", 6.5)):
        for i, dim in enumerate(fp.PG_LABELS):
            rijen.append({"uitkomst": dim, "meetmoment": m, "gemiddelde": basis + i / 10,
                          "n": 40, "ci95_onder": basis - 0.5, "ci95_boven": basis + 0.5})
    return pd.DataFrame(rijen)


def test_figuur_positieve_gezondheid():
    fig = fp.figuur_positieve_gezondheid(_pg_tabel())
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    assert ax.get_ylim() == (0, 10)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(fp.PG_LABELS.values())
    assert ax.lines[0].get_color() != ax.lines[1].get_color()


def test_figuur_verandering_verbergt_kleine_klassen():
    klassen = pd.DataFrame({"uitkomst": "bmi_z", "pre": "T0", "post": "T1",
                            "klasse_onder": [-0.75, -0.25, 0.25, 0.75],
                            "klasse_boven": [-0.25, 0.25, 0.75, 1.25],
                            "n": [3, 12, 25, np.nan]})  # laatste klasse al onderdrukt
    fig = fp.figuur_verandering(klassen, min_n=10, label="BMI z-score")
    ax = fig.axes[0]
    hoogtes = sorted(p.get_height() for p in ax.patches)
    assert hoogtes == [12, 25]
    assert "Verandering BMI z-score, T1 − T0" == ax.get_xlabel()
    assert "2 klasse(n)" in fig.get_supxlabel()


def test_figuur_gemiddeld_verloop():
    tabel = pp.gemiddelden_per_meetmoment(lees("longitudinaal.csv"), ["bmi_z"])
    fig = fp.figuur_gemiddeld_verloop(tabel)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "T0\n(n = 49)", "T1\n(n = 42)", "T2\n(n = 35)"]
    assert ax.get_xlabel() == "Meetmoment"
    twee = fp.figuur_gemiddeld_verloop(_pg_tabel(), labels=fp.PG_LABELS)
    assert len(twee.axes[0].get_legend().get_texts()) == 6


# ---------------------------------------------------------------------------------------------
# 8. Simulatie: dekking van het 95%-BI van het gemiddelde verschil
# ---------------------------------------------------------------------------------------------
def _simuleer(seed: int, n: int = 80, verandering: float = -0.3) -> pd.DataFrame:
    """Deelnemers met random intercept (SD 1) en meetfout (SD 0.6); ware verandering bekend."""
    rng = np.random.default_rng(seed)
    u = rng.normal(0.0, 1.0, n)
    pre = 1.5 + u + rng.normal(0.0, 0.6, n)
    post = 1.5 + verandering + u + rng.normal(0.0, 0.6, n)
    ids = [f"S{i:03d}" for i in range(n)]
    return pd.DataFrame({"pseudo_id": ids * 2, "meetmoment": ["T0"] * n + ["T1"] * n,
                         "bmi_z": np.concatenate([pre, post])})


def test_simulatie_dekking_betrouwbaarheidsinterval():
    start = time.perf_counter()
    waar = -0.3
    gedekt = 0
    for seed in range(200):
        res = pp.gepaarde_vergelijking(_simuleer(seed, verandering=waar), "bmi_z").iloc[0]
        gedekt += res["ci95_onder"] <= waar <= res["ci95_boven"]
    dekking = gedekt / 200
    assert 0.93 <= dekking <= 0.97, dekking
    assert time.perf_counter() - start < 20


def test_profiel_deviance_gelijk_aan_reml_deviance():
    # De schatter minimaliseert het profiel in theta = s2u / s2e; in het optimum moet dat
    # dezelfde REML-deviance zijn als de volledige (getest tegen statsmodels hierboven).
    data = lees("longitudinaal.csv").sort_values(["pseudo_id", "meetmoment"])
    x = pp._ontwerpmatrix(data, ["T0", "T1", "T2"], "T0", []).to_numpy()
    y = data["bmi_z"].to_numpy()
    _, idx = np.unique(data["pseudo_id"], return_inverse=True)
    ng = np.bincount(idx).astype(float)
    sx = np.zeros((len(ng), x.shape[1]))
    np.add.at(sx, idx, x)
    sy = np.bincount(idx, weights=y)
    for theta in (0.0, 0.3, 5.0):
        dev, s2e = pp._profiel_deviance(theta, y, x, idx, ng, sx, sy)
        log_s2u = np.log(theta * s2e) if theta > 0 else -np.inf
        assert dev == pytest.approx(pp._reml_deviance(np.array([log_s2u, np.log(s2e)]), y, x,
                                                      idx, ng)[0], rel=1e-12)
    # en het profiel-optimum is een minimum van de volledige deviance in (log s2u, log s2e)
    d, s2u, s2e, _ = pp._optimaliseer_theta(y, x, idx, ng)
    for stap in ((0.01, 0), (-0.01, 0), (0, 0.01), (0, -0.01)):
        buur = pp._reml_deviance(np.log([s2u, s2e]) + np.array(stap), y, x, idx, ng)[0]
        assert buur > d


def test_effect_size_ci_for_a_large_effect_where_scipy_nct_underflows():
    # scipy.stats.nct.cdf(-11.917, 127, 2) is NaN (the true value is ~1e-40); the CI for
    # d_z must still be found. R: effectsize::cohens_d(post, pre, paired = TRUE) gives a
    # finite interval around d_z = t / sqrt(n) for any t.
    from scipy import stats

    rng = np.random.default_rng(1)
    ruis = rng.normal(0, 1, 128)
    t = -11.917056984951001  # seen in the second demo region (taille, T0 → T2)
    verschil = (ruis - ruis.mean()) / ruis.std(ddof=1) + t / np.sqrt(128)
    assert np.isnan(stats.nct.cdf(t, 127, 2.0))  # the case that used to crash
    pre = rng.normal(100, 10, 128)
    post = pre + verschil
    df = pd.DataFrame({
        "pseudo_id": np.tile(np.arange(128).astype(str), 2),
        "meetmoment": ["T0"] * 128 + ["T2"] * 128,
        "taille_cm": np.r_[pre, post],
    })
    r = pp.gepaarde_vergelijking(df, "taille_cm", "T0", "T2", hoger_is_beter=False).iloc[0]
    assert r["status"] == "ok"
    assert r["dz_ci95_onder"] < r["cohens_dz"] < r["dz_ci95_boven"] < 0
    # the noncentral-t interval is close to the normal approximation for n = 128
    se = np.sqrt(1 / 128 + r["cohens_dz"] ** 2 / (2 * 128))
    assert r["dz_ci95_onder"] == pytest.approx(r["cohens_dz"] - 1.96 * se, abs=0.02)
