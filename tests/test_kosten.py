"""Tests voor evaluatie.kosten en evaluatie.figuren_kosten.

Referentiewaarden komen uit tests/r/kosten.R (R 4.2.2, boot 1.3-28.1, sandwich 3.0-2,
lmtest 0.9-40), opgeslagen in tests/r/kosten_reference.json; de invoer staat in
tests/r/kosten_data/*.csv.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy import stats

from evaluatie.figuren_kosten import figuur_kostenverloop, figuur_parallelle_trends
from evaluatie.kosten import (
    KOSTENDOMEINEN,
    NUL_GRENS_EUR,
    _bca_gemiddelde,
    businesscase,
    kosten_breed,
    kosten_glm,
    kosten_per_deelnemer,
    kosten_per_kwartaal,
    kostentabel,
    verschil_in_verschillen,
)

R_MAP = Path(__file__).parent / "r"
REF = json.loads((R_MAP / "kosten_reference.json").read_text())


def _csv(naam: str) -> pd.DataFrame:
    return pd.read_csv(R_MAP / "kosten_data" / f"{naam}.csv", dtype={"pseudo_id": str})


def _schud(df: pd.DataFrame, seed: int = 99) -> pd.DataFrame:
    return df.sample(frac=1.0, random_state=seed).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# kosten_per_deelnemer: toedeling, annualisering, nul-deelnemers, uitsluitingen, indexering
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def deelnemers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pseudo_id": ["A", "B", "C", "D", "E"],
            "startdatum": ["2023-01-01", "2023-07-01", "", "2024-06-01", "2023-03-01"],
            "onderzoeksgroep": ["interventie", "vergelijking", "interventie", "interventie",
                                "vergelijking"],
            "wijk": ["W1", "W2", "W1", "W1", "W2"],
        }
    )


@pytest.fixture
def zorgkosten() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pseudo_id": ["A", "A", "A", "B", "X", "A", "A"],
            "periode_start": ["2022-12-01", "2023-03-01", "2021-01-01", "2023-01-01",
                              "2023-01-01", "2023-01-01", "2023-05-01"],
            "periode_eind": ["2023-01-31", "2023-03-31", "2021-12-31", "2023-01-31",
                             "2023-01-01", "2023-01-01", "2023-04-01"],
            "kostendomein": ["zvw_huisarts", "wmo", "zvw_ggz", "zvw_ggz", "wmo", "zvw_farmacie",
                             "wmo"],
            "bedrag_eur": [62.0, 100.0, 999.0, 50.0, 5.0, 7.0, 20.0],
        }
    )


def _bedrag(kosten: pd.DataFrame, pid: str, periode: str, domein: str,
            kolom: str = "bedrag_eur") -> float:
    rij = kosten[(kosten.pseudo_id == pid) & (kosten.periode == periode)
                 & (kosten.kostendomein == domein)]
    assert len(rij) == 1
    return float(rij[kolom].iloc[0])


def test_toedeling_pro_rata_naar_dagen(zorgkosten, deelnemers):
    res = kosten_per_deelnemer(zorgkosten, deelnemers, peildatum="2024-12-31")
    k = res.kosten
    # A start 2023-01-01. Declaratie 2022-12-01 t/m 2023-01-31 = 62 dagen, € 62:
    # 31 dagen in december (voor) → € 31, 31 dagen in januari (na) → € 31.
    assert _bedrag(k, "A", "voor", "zvw_huisarts") == pytest.approx(31.0)
    assert _bedrag(k, "A", "na", "zvw_huisarts") == pytest.approx(31.0)
    # Eendagsdeclaratie op de startdatum hoort bij "na" (venster [start, start + 12 mnd)).
    assert _bedrag(k, "A", "na", "zvw_farmacie") == pytest.approx(7.0)
    assert _bedrag(k, "A", "voor", "zvw_farmacie") == 0.0
    # 2021 valt buiten het voor-venster [2022-01-01, 2023-01-01) → € 0.
    assert _bedrag(k, "A", "voor", "zvw_ggz") == 0.0
    # totaal = som van de domeinen: na = 31 + 100 (wmo) + 7 = 138, voor = 31.
    assert _bedrag(k, "A", "na", "totaal") == pytest.approx(138.0)
    assert _bedrag(k, "A", "voor", "totaal") == pytest.approx(31.0)
    # B start 2023-07-01, januari 2023 ligt in het voor-venster.
    assert _bedrag(k, "B", "voor", "zvw_ggz") == pytest.approx(50.0)
    assert not k["geannualiseerd"].any()
    assert not k["geindexeerd"].any()
    assert k["prijsniveau"].isna().all()


def test_deelnemer_zonder_declaraties_telt_als_nul(zorgkosten, deelnemers):
    k = kosten_per_deelnemer(zorgkosten, deelnemers, peildatum="2024-12-31").kosten
    e = k[k.pseudo_id == "E"]
    # 8 domeinen + totaal, voor en na = 18 rijen, allemaal € 0.
    assert len(e) == 2 * (len(KOSTENDOMEINEN) + 1)
    assert (e["bedrag_eur"] == 0).all()
    assert set(e["kostendomein"]) == {*KOSTENDOMEINEN, "totaal"}


def test_uitsluitingen_worden_geteld(zorgkosten, deelnemers):
    res = kosten_per_deelnemer(zorgkosten, deelnemers, peildatum="2024-12-31")
    assert set(res.kosten["pseudo_id"]) == {"A", "B", "E"}
    uit = res.uitsluitingen.set_index("reden")["n"]
    assert uit["geen startdatum (niet gestart)"] == 1  # C
    assert uit.filter(like="nameting niet compleet").item() == 1  # D: na-venster tot 2025-06
    assert uit["pseudo_id komt niet voor in deelnemers"] == 1  # X
    assert uit["periode_eind ligt voor periode_start"] == 1  # A, 2023-05-01 t/m 2023-04-01
    assert list(res.uitsluitingen.columns) == ["eenheid", "reden", "n"]


def test_nameting_grens_op_de_dag(deelnemers, zorgkosten):
    # A: na-venster [2023-01-01, 2024-01-01) → laatste dag 2023-12-31.
    dln = deelnemers[deelnemers.pseudo_id == "A"]
    assert set(kosten_per_deelnemer(zorgkosten, dln, peildatum="2023-12-31").kosten.pseudo_id) \
        == {"A"}
    res = kosten_per_deelnemer(zorgkosten, dln, peildatum="2023-12-30")
    assert res.kosten.empty
    assert res.uitsluitingen.set_index("reden")["n"].filter(like="nameting").item() == 1


def test_standaard_peildatum_is_laatste_periode_eind(zorgkosten, deelnemers):
    # laatste periode_eind = 2023-03-31 → niemand heeft een complete nameting van 12 maanden.
    res = kosten_per_deelnemer(zorgkosten, deelnemers)
    assert res.kosten.empty
    assert "2023-03-31" in res.uitsluitingen.loc[4, "reden"]


def test_gegevens_vanaf_sluit_onvolledige_voormeting_uit(zorgkosten, deelnemers):
    res = kosten_per_deelnemer(zorgkosten, deelnemers, peildatum="2024-12-31",
                               gegevens_vanaf="2022-03-01")
    # voor-vensters: A begint 2022-01-01 en E 2022-03-01, B 2022-07-01 → alleen A valt af.
    assert set(res.kosten.pseudo_id) == {"B", "E"}
    assert res.uitsluitingen.set_index("reden")["n"].filter(like="voormeting").item() == 1


def test_annualisering_bij_ongelijke_vensters(zorgkosten, deelnemers):
    k = kosten_per_deelnemer(zorgkosten, deelnemers, maanden_voor=6, maanden_na=12,
                             peildatum="2024-12-31").kosten
    # A voor-venster [2022-07-01, 2023-01-01): december = € 31 → per jaar 31 × 12 / 6 = 62.
    assert _bedrag(k, "A", "voor", "zvw_huisarts", "bedrag_venster_eur") == pytest.approx(31.0)
    assert _bedrag(k, "A", "voor", "zvw_huisarts") == pytest.approx(62.0)
    # na-venster is 12 maanden: 31 × 12 / 12 = 31.
    assert _bedrag(k, "A", "na", "zvw_huisarts") == pytest.approx(31.0)
    # B voor-venster [2023-01-01, 2023-07-01): januari € 50 → 100 per jaar.
    assert _bedrag(k, "B", "voor", "zvw_ggz") == pytest.approx(100.0)
    assert k["geannualiseerd"].all()
    assert set(k.loc[k.periode == "voor", "maanden_venster"]) == {6}


def test_indexering_per_kalenderjaar(zorgkosten, deelnemers):
    index = pd.DataFrame({"jaar": [2022, 2023, 2024], "index": [100.0, 110.0, 121.0]})
    k = kosten_per_deelnemer(zorgkosten, deelnemers, prijsindex=index, basisjaar=2024,
                             peildatum="2024-12-31").kosten
    # A huisarts: € 31 in december 2022 × 121/100 = 37,51; € 31 in januari 2023 × 121/110 = 34,1.
    assert _bedrag(k, "A", "voor", "zvw_huisarts") == pytest.approx(37.51)
    assert _bedrag(k, "A", "na", "zvw_huisarts") == pytest.approx(34.1)
    assert k["geindexeerd"].all()
    assert (k["prijsniveau"] == 2024).all()


def test_indexering_verzint_geen_indexcijfers(zorgkosten, deelnemers):
    index = pd.DataFrame({"jaar": [2023, 2024], "index": [110.0, 121.0]})  # 2022 ontbreekt
    with pytest.raises(ValueError, match="geen indexcijfer voor 2022"):
        kosten_per_deelnemer(zorgkosten, deelnemers, prijsindex=index, basisjaar=2024,
                             peildatum="2024-12-31")
    with pytest.raises(ValueError, match="basisjaar"):
        kosten_per_deelnemer(zorgkosten, deelnemers, prijsindex=index, peildatum="2024-12-31")
    with pytest.raises(ValueError, match="basisjaar 2030"):
        kosten_per_deelnemer(zorgkosten, deelnemers, prijsindex=index, basisjaar=2030,
                             peildatum="2024-12-31")


def test_kosten_per_deelnemer_onafhankelijk_van_rijvolgorde(zorgkosten, deelnemers):
    a = kosten_per_deelnemer(zorgkosten, deelnemers, peildatum="2024-12-31")
    b = kosten_per_deelnemer(_schud(zorgkosten), _schud(deelnemers), peildatum="2024-12-31")
    pd.testing.assert_frame_equal(a.kosten, b.kosten)
    pd.testing.assert_frame_equal(a.uitsluitingen, b.uitsluitingen)


def test_kosten_per_kwartaal_telt_op_tot_jaarbedrag(zorgkosten, deelnemers):
    kw = kosten_per_kwartaal(zorgkosten, deelnemers, peildatum="2024-12-31")
    jaar = kosten_per_deelnemer(zorgkosten, deelnemers, peildatum="2024-12-31").kosten
    jaar = jaar[jaar.kostendomein == "totaal"]
    for groep, sub in kw.groupby("onderzoeksgroep"):
        ids = jaar[jaar.onderzoeksgroep == groep]
        for periode, kwartalen in (("voor", range(-4, 0)), ("na", range(0, 4))):
            som_kw = (sub.set_index("kwartaal").loc[list(kwartalen), "gemiddeld_eur"]
                      * sub.set_index("kwartaal").loc[list(kwartalen), "n"]).sum()
            assert som_kw == pytest.approx(ids.loc[ids.periode == periode, "bedrag_eur"].sum())
    assert sorted(kw["kwartaal"].unique()) == list(range(-4, 4))
    # interventie heeft één deelnemer (A): geen spreiding → niet_te_berekenen, geen kale NaN.
    interventie = kw[kw.onderzoeksgroep == "interventie"]
    assert (interventie["status"] == "niet_te_berekenen").all()
    assert (interventie["reden"] == "te weinig deelnemers: geen spreiding").all()
    # het totaal per kwartaal is n × gemiddelde; bij één deelnemer is dat ook de grootste
    # bijdrage en is er geen tweede
    assert list(kw.columns) == ["onderzoeksgroep", "kwartaal", "kostendomein", "n",
                                "gemiddeld_eur", "sd_eur", "ci95_onder", "ci95_boven",
                                "totaal_eur", "grootste_bijdrage", "tweede_bijdrage",
                                "status", "reden"]
    np.testing.assert_allclose(kw["totaal_eur"], kw["gemiddeld_eur"] * kw["n"])
    np.testing.assert_allclose(interventie["grootste_bijdrage"], interventie["totaal_eur"].abs())
    assert (interventie["tweede_bijdrage"] == 0).all()
    assert (kw["grootste_bijdrage"] >= kw["tweede_bijdrage"]).all()


def test_kosten_per_kwartaal_grootste_bijdragen():
    # drie deelnemers, elk één declaratie in het eerste kwartaal na de start (€ 30, € −500
    # (creditering) en € 200): de grootste twee in absolute waarde zijn 500 en 200.
    deelnemers = pd.DataFrame({"pseudo_id": ["A", "B", "C"], "startdatum": "2023-01-01",
                               "onderzoeksgroep": "interventie"})
    zorg = pd.DataFrame({"pseudo_id": ["A", "B", "C"], "periode_start": "2023-02-01",
                         "periode_eind": "2023-02-01", "kostendomein": "wmo",
                         "bedrag_eur": [30.0, -500.0, 200.0]})
    kw = kosten_per_kwartaal(zorg, deelnemers, peildatum="2024-12-31").set_index("kwartaal")
    rij = kw.loc[0]
    assert rij["n"] == 3
    assert rij["totaal_eur"] == pytest.approx(-270.0)
    assert (rij["grootste_bijdrage"], rij["tweede_bijdrage"]) == (500.0, 200.0)
    # kwartalen zonder kosten: bijdragen 0
    assert (kw.drop(index=0)[["totaal_eur", "grootste_bijdrage", "tweede_bijdrage"]] == 0).all().all()


# ---------------------------------------------------------------------------------------------
# kostentabel: BCa tegen R boot.ci
# ---------------------------------------------------------------------------------------------


def test_bca_identiek_aan_scipy_bca():
    # Onze BCa gebruikt de analytische jackknife van het gemiddelde (O(n)); met dezelfde
    # generator moet het interval gelijk zijn aan scipy.stats.bootstrap(method="BCa").
    rng = np.random.default_rng(3)
    x = rng.lognormal(5, 1.8, 400) * (rng.random(400) < 0.5) - rng.lognormal(5, 1, 400)
    ons = _bca_gemiddelde(x, np.random.default_rng(7), 2000)
    scipy_ci = stats.bootstrap((x,), np.mean, method="BCa", vectorized=True, n_resamples=2000,
                               rng=np.random.default_rng(7)).confidence_interval
    assert ons == pytest.approx((scipy_ci.low, scipy_ci.high), rel=1e-10)


def test_kostentabel_tegen_r_boot_bca():
    ref = REF["bca"]
    tabel = kostentabel(_csv("bca"), seed=2024, n_resamples=ref["R"])
    rij = tabel.set_index("kostendomein").loc["totaal"]
    assert rij["status"] == "ok"
    # Beschrijvend, exact:
    # R: sum(voor), sum(na), median(voor), median(na), sum(voor > 0), sum(na > 0)
    #    -> 164744.88, 346929.83, 357.63, 28.48, 167, 139
    assert rij["totaal_voor"] == pytest.approx(ref["totaal_voor"], rel=1e-12)
    assert rij["totaal_na"] == pytest.approx(ref["totaal_na"], rel=1e-12)
    assert rij["mediaan_voor"] == pytest.approx(ref["mediaan_voor"], rel=1e-12)
    assert rij["mediaan_na"] == pytest.approx(ref["mediaan_na"], rel=1e-12)
    assert rij["n_met_kosten_voor"] == ref["n_met_kosten_voor"]
    assert rij["n_met_kosten_na"] == ref["n_met_kosten_na"]
    # R: mean(na - voor) -> 728.7398
    assert rij["gemiddeld_verschil"] == pytest.approx(ref["gemiddeld_verschil"], rel=1e-10)
    assert rij["verschil"] == pytest.approx(ref["totaal_na"] - ref["totaal_voor"], rel=1e-10)
    # R: boot.ci(boot(d, function(x, i) mean(x[i]), R = 20000), type = "bca")
    #    -> (27.63, 2415.34); Monte-Carlo: beide met 20000 trekkingen, tolerantie 5% van de
    #    intervalbreedte per grens (MC-sd per grens ≈ 1-2% van de breedte).
    breedte = ref["bca_boven"] - ref["bca_onder"]
    tol = 0.05 * breedte
    assert rij["ci95_onder"] == pytest.approx(ref["bca_onder"], abs=tol)
    assert rij["ci95_boven"] == pytest.approx(ref["bca_boven"], abs=tol)
    # De test kan falen: het percentielinterval (R: type = "perc" -> (-125.8, 1883.2)) ligt
    # buiten dezelfde tolerantie, dus een percentiel- i.p.v. BCa-implementatie zou zakken.
    assert abs(ref["perc_onder"] - ref["bca_onder"]) > tol
    assert abs(ref["perc_boven"] - ref["bca_boven"]) > tol


def test_kostentabel_kolommen_en_definities():
    data = _csv("bca")
    tabel = kostentabel(data, seed=1)
    rij = tabel.iloc[0]
    breed = data.pivot(index="pseudo_id", columns="periode", values="bedrag_eur")
    d = breed["na"] - breed["voor"]
    met = (breed["na"] != 0) | (breed["voor"] != 0)
    assert rij["n_met_kosten"] == met.sum()
    assert rij["gemiddeld_verschil_per_deelnemer_met_domein"] == pytest.approx(d[met].mean())
    assert rij["aandeel_nul_voor"] == pytest.approx((breed["voor"] == 0).mean())
    assert rij["aandeel_nul_na"] == pytest.approx((breed["na"] == 0).mean())
    assert rij["verschil_pct"] == pytest.approx(
        100 * (breed["na"].sum() - breed["voor"].sum()) / breed["voor"].sum())
    assert rij["ci95_onder"] < rij["gemiddeld_verschil"] < rij["ci95_boven"]
    with pytest.raises(ValueError, match="2000"):
        kostentabel(data, seed=1, n_resamples=1000)


def test_kostentabel_grootste_bijdragen():
    data = _csv("bca")
    rij = kostentabel(data, seed=1).iloc[0]
    breed = data.pivot(index="pseudo_id", columns="periode", values="bedrag_eur")
    for periode in ("voor", "na"):
        top = breed[periode].abs().sort_values(ascending=False).to_numpy()
        assert rij[f"grootste_bijdrage_{periode}"] == pytest.approx(top[0], rel=1e-12)
        assert rij[f"tweede_bijdrage_{periode}"] == pytest.approx(top[1], rel=1e-12)
        assert rij[f"grootste_bijdrage_{periode}"] <= abs(rij[f"totaal_{periode}"])
    # één deelnemer: de grootste bijdrage is het hele totaal, een tweede is er niet
    een = pd.DataFrame({"pseudo_id": ["A", "A"], "periode": ["voor", "na"],
                        "kostendomein": "totaal", "bedrag_eur": [-40.0, 120.0]})
    rij = kostentabel(een, seed=1, min_n=1).iloc[0]
    assert (rij["grootste_bijdrage_voor"], rij["tweede_bijdrage_voor"]) == (40.0, 0.0)
    assert (rij["grootste_bijdrage_na"], rij["tweede_bijdrage_na"]) == (120.0, 0.0)


def test_kostentabel_onafhankelijk_van_rijvolgorde(zorgkosten, deelnemers):
    data = _csv("bca")
    pd.testing.assert_frame_equal(kostentabel(data, seed=5), kostentabel(_schud(data), seed=5))
    # en met meerdere domeinen en groepen
    lang = kosten_per_deelnemer(zorgkosten, deelnemers, peildatum="2024-12-31").kosten
    pd.testing.assert_frame_equal(
        kostentabel(lang, seed=5, groep_kolom="onderzoeksgroep", min_n=1),
        kostentabel(_schud(lang), seed=5, groep_kolom="onderzoeksgroep", min_n=1),
    )


def test_kostentabel_kleine_groep_niet_te_berekenen(zorgkosten, deelnemers):
    lang = kosten_per_deelnemer(zorgkosten, deelnemers, peildatum="2024-12-31").kosten
    tabel = kostentabel(lang, seed=1)  # 3 deelnemers < min_n = 10
    assert (tabel["status"] == "niet_te_berekenen").all()
    # vaste meldingen zonder aantallen (de drempel min_n staat niet in de reden)
    assert tabel["reden"].str.contains("betrouwbaarheidsinterval: te weinig deelnemers",
                                       regex=False).all()
    assert not tabel["reden"].str.contains(r"\d").any()
    assert tabel["ci95_onder"].isna().all()
    # domein zonder kosten: verschil_pct en gemiddelde met domein niet te berekenen, met reden
    jeugd = tabel.set_index("kostendomein").loc["jeugdwet"]
    assert "niemand heeft kosten" in jeugd["reden"]
    assert np.isnan(jeugd["verschil_pct"])
    # alleen waar status ok is mogen de statistieken compleet zijn
    ok = kostentabel(_csv("bca"), seed=1)
    assert (ok["status"] == "ok").all()
    assert ok.drop(columns=["reden"]).notna().all().all()


# ---------------------------------------------------------------------------------------------
# kosten_glm: tegen R glm(family = Gamma(link = "log")) en glm(family = binomial())
# ---------------------------------------------------------------------------------------------

_TERMEN = {"(Intercept)": "Intercept", "geslachtvrouw": "geslacht[T.vrouw]"}
_COVARIATEN = ["log1p_kosten_voor", "leeftijd_start", "geslacht", "ses_score"]


def _glm_data() -> pd.DataFrame:
    data = _csv("glm")
    data["log1p_kosten_voor"] = np.log1p(data["kosten_voor"])
    return data


@pytest.mark.parametrize(
    ("deel", "sleutel", "stat"),
    [("kosten_indien_positief", "glm_gamma", "t"), ("kans_op_kosten", "glm_logit", "z")],
)
def test_kosten_glm_tegen_r(deel, sleutel, stat):
    ref = REF[sleutel]
    res = kosten_glm(_glm_data(), _COVARIATEN)
    res = res[res["deel"] == deel].set_index("term")
    assert (res["status"] == "ok").all()
    termen = [_TERMEN.get(t, t) for t in ref["term"]]
    assert sorted(res.index) == sorted(termen)  # patsy zet categorische termen vooraan
    # R (Gamma): summary(glm(kosten_na ~ log1p_kosten_voor + leeftijd_start + geslacht +
    #   ses_score, family = Gamma(link = "log"), data = subset(d, kosten_na > 0)))
    #   -> coef[geslachtvrouw] = 0.25296, se = 0.098502, t = 2.568, p = 0.01075,
    #      dispersion = 0.65067 (Pearson), df.residual = 277, n = 282
    # R (logit): glm(I(kosten_na > 0) ~ ..., family = binomial()), confint.default
    for kolom, r_kolom in [("coef", "coef"), ("se", "se"), ("statistiek", stat), ("p", "p"),
                           ("ratio", "ratio"), ("ci95_onder", "ci95_onder"),
                           ("ci95_boven", "ci95_boven")]:
        # p in de verre staart (1e-82) versterkt verschillen van 1e-8 in t: daar rtol 1e-5.
        np.testing.assert_allclose(res.loc[termen, kolom], ref[r_kolom],
                                   rtol=1e-5 if kolom == "p" else 1e-6, err_msg=kolom)
    assert (res["n"] == ref["n"]).all()
    if deel == "kosten_indien_positief":
        assert res["dispersie"].iloc[0] == pytest.approx(ref["dispersie"], rel=1e-6)
        assert res["df"].iloc[0] == ref["df_residueel"]


def test_kosten_glm_onafhankelijk_van_rijvolgorde():
    data = _glm_data()
    a = kosten_glm(data, _COVARIATEN)
    b = kosten_glm(_schud(data), _COVARIATEN)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)


def test_kosten_glm_kleine_groep_niet_te_berekenen():
    data = _glm_data().head(15)
    res = kosten_glm(data, _COVARIATEN)
    assert (res["status"] == "niet_te_berekenen").all()
    assert set(res["deel"]) == {"kans_op_kosten", "kosten_indien_positief"}
    assert (res["reden"] == "te weinig deelnemers voor het model").all()
    # iedereen kosten: kansdeel niet te modelleren, Gamma-deel wel
    pos = _glm_data().query("kosten_na > 0")
    res = kosten_glm(pos, _COVARIATEN)
    assert res.loc[res.deel == "kans_op_kosten", "status"].item() == "niet_te_berekenen"
    assert (res.loc[res.deel == "kosten_indien_positief", "status"] == "ok").all()


def test_kosten_glm_positief_vanaf_nul_grens():
    """Positive costs are costs of at least NUL_GRENS_EUR (half a cent), as in the cost
    table: a rounding remainder is no cost."""
    data = _glm_data()
    nul = data.index[data["kosten_na"] == 0][:5]
    assert len(nul) == 5
    referentie = kosten_glm(data, _COVARIATEN)
    # onder de grens: hetzelfde model als met nullen (dus nog steeds R's glm-waarden)
    bijna = data.copy()
    bijna.loc[nul, "kosten_na"] = NUL_GRENS_EUR / 2
    pd.testing.assert_frame_equal(kosten_glm(bijna, _COVARIATEN), referentie)
    # op de grens: kosten, dus vijf deelnemers meer in het Gamma-deel
    grens = data.copy()
    grens.loc[nul, "kosten_na"] = NUL_GRENS_EUR
    res = kosten_glm(grens, _COVARIATEN)
    pos = res[res["deel"] == "kosten_indien_positief"]
    assert (pos["n"] == REF["glm_gamma"]["n"] + 5).all()
    assert (res.loc[res["deel"] == "kans_op_kosten", "n"] == len(data)).all()


def test_kosten_breed_uit_lange_tabel(zorgkosten, deelnemers):
    lang = kosten_per_deelnemer(zorgkosten, deelnemers, peildatum="2024-12-31").kosten
    breed = kosten_breed(lang, deelnemers.drop(columns=["startdatum"]))
    a = breed.set_index("pseudo_id").loc["A"]
    assert a["kosten_voor"] == pytest.approx(31.0)
    assert a["kosten_na"] == pytest.approx(138.0)
    assert a["verschil"] == pytest.approx(107.0)  # na − voor
    assert a["log1p_kosten_voor"] == pytest.approx(np.log(32.0))
    assert a["onderzoeksgroep"] == "interventie"


# ---------------------------------------------------------------------------------------------
# verschil_in_verschillen: tegen R lm + sandwich::vcovCL + lmtest::coeftest
# ---------------------------------------------------------------------------------------------

_DID_R = {"(Intercept)": "constante", "interventie": "interventie", "na": "na",
          "interventie:na": "interventie:na"}


@pytest.mark.parametrize("cluster", ["pseudo_id", "wijk"])
def test_did_tegen_r_vcovcl(cluster):
    ref = REF[f"did_{cluster}"]
    res = verschil_in_verschillen(_csv("did"), cluster=cluster).set_index("term")
    termen = [_DID_R[t] for t in ref["term"]]
    assert (res["status"] == "ok").all()
    # R: fit <- lm(bedrag_eur ~ interventie * na); V <- vcovCL(fit, cluster = ~<cluster>)
    #    coeftest(fit, vcov. = V, df = G - 1)
    #    pseudo_id: interventie:na = -348.83, se = 147.33, t = -2.368, p = 0.01854 (G = 300)
    #    wijk:      interventie:na = -348.83, se = 154.32, t = -2.261, p = 0.04505 (G = 12)
    for kolom, r_kolom in [("schatting", "coef"), ("se", "se"), ("t", "t"), ("p", "p"),
                           ("ci95_onder", "ci95_onder"), ("ci95_boven", "ci95_boven")]:
        np.testing.assert_allclose(res.loc[termen, kolom], ref[r_kolom], rtol=1e-6,
                                   err_msg=kolom)
    assert (res["n_clusters"] == ref["n_clusters"]).all()
    assert (res["df"] == ref["n_clusters"] - 1).all()
    assert (res["n_waarnemingen"] == ref["n_waarnemingen"]).all()
    assert (res["n_interventie"] == 160).all() and (res["n_vergelijking"] == 140).all()
    assert res.loc[res["is_did"]].index.tolist() == ["interventie:na"]
    # met wijk-clusters verschillen df = G − 1 en coeftest's standaard df = n − k duidelijk:
    # de test is dus gevoelig voor de keuze van de vrijheidsgraden.
    if cluster == "wijk":
        assert abs(ref["p"][3] - ref["p_df_n_min_k"][3]) > 0.01


def test_did_onafhankelijk_van_rijvolgorde():
    data = _csv("did")
    pd.testing.assert_frame_equal(
        verschil_in_verschillen(data, cluster="wijk"),
        verschil_in_verschillen(_schud(data), cluster="wijk"),
        check_exact=False, rtol=1e-9,
    )


def test_did_kleine_groep_niet_te_berekenen():
    data = _csv("did")
    weinig = data[(data.onderzoeksgroep == "interventie")
                  | data.pseudo_id.isin(["D0161", "D0162"])]
    res = verschil_in_verschillen(weinig)
    assert len(res) == 4
    assert (res["status"] == "niet_te_berekenen").all()
    assert (res["reden"] == "te weinig deelnemers in een groep").all()
    assert (res["n_vergelijking"] == 2).all()


# ---------------------------------------------------------------------------------------------
# businesscase: handberekend voorbeeld
# ---------------------------------------------------------------------------------------------


def test_businesscase_handberekend():
    # 40 deelnemers; begeleiding 2 uur/week × 10 weken × € 75 = € 1.500 per deelnemer,
    # totaal 40 × 1.500 = € 60.000.
    # Vermeden: 2 huisartsconsulten per deelnemer × € 37 = € 74 per deelnemer;
    #           10 SEH-bezoeken in totaal → 10 / 40 = 0,25 per deelnemer × € 280 = € 70.
    # Bruto besparing per deelnemer 74 + 70 = € 144, totaal 40 × 144 = € 5.760.
    # Netto per deelnemer 144 − 1.500 = −€ 1.356, totaal 40 × −1.356 = −€ 54.240.
    # Besparing per geïnvesteerde euro: 144 / 1.500 = 0,096.
    # Gemeten besparing € 300 per deelnemer: totaal 12.000, netto 300 − 1.500 = −1.200
    # (totaal −48.000), per geïnvesteerde euro 300 / 1.500 = 0,2.
    res = businesscase(
        40,
        {"uren": 2, "weken": 10, "tarief": 75, "bron": "begroting 2024"},
        [
            {"omschrijving": "huisartsconsult", "aantal_per_deelnemer": 2, "eenheidsprijs": 37,
             "bron": "NZa-tarief"},
            {"omschrijving": "SEH-bezoek", "aantal_totaal": 10, "eenheidsprijs": 280,
             "bron": "Kostenhandleiding 2024"},
        ],
        gemeten_besparing={"per_deelnemer": 300.0, "bron": "kostentabel"},
    )
    w = res.set_index("onderdeel")["waarde"]
    assert w["interventiekosten_per_deelnemer"] == pytest.approx(1500)
    assert w["interventiekosten_totaal"] == pytest.approx(60000)
    assert w["besparing_1_per_deelnemer"] == pytest.approx(74)
    assert w["besparing_2_per_deelnemer"] == pytest.approx(70)
    assert w["bruto_besparing_per_deelnemer"] == pytest.approx(144)
    assert w["bruto_besparing_totaal"] == pytest.approx(5760)
    assert w["netto_besparing_per_deelnemer"] == pytest.approx(-1356)
    assert w["netto_besparing_totaal"] == pytest.approx(-54240)
    assert w["besparing_per_geinvesteerde_euro"] == pytest.approx(0.096)
    assert w["gemeten_besparing_totaal"] == pytest.approx(12000)
    assert w["netto_gemeten_besparing_totaal"] == pytest.approx(-48000)
    assert w["gemeten_besparing_per_geinvesteerde_euro"] == pytest.approx(0.2)
    # elke aanname is een eigen rij met bron, vóór de resultaten
    aannames = res[res.soort == "aanname"]
    assert {"uren_per_week", "weken", "uurtarief", "vermeden_aantal_per_deelnemer_1",
            "vermeden_aantal_totaal_2", "eenheidsprijs_1", "eenheidsprijs_2"} <= set(
        aannames["onderdeel"])
    assert aannames.set_index("onderdeel").loc["eenheidsprijs_2", "bron"] == \
        "Kostenhandleiding 2024"
    assert res["soort"].tolist() == sorted(res["soort"].tolist())  # aanname < resultaat
    assert (res["n"] == 40).all() and (res["status"] == "ok").all()


def test_businesscase_zonder_interventiekosten_geen_ratio():
    res = businesscase(10, {"per_deelnemer": 0},
                       [{"omschrijving": "x", "aantal_per_deelnemer": 1, "eenheidsprijs": 5,
                         "bron": "y"}])
    rij = res.set_index("onderdeel").loc["besparing_per_geinvesteerde_euro"]
    assert rij["status"] == "niet_te_berekenen" and rij["reden"]
    with pytest.raises(ValueError, match="interventiekosten"):
        businesscase(10, {"uren": 2}, [])


# ---------------------------------------------------------------------------------------------
# figuren (alleen geaggregeerde invoer)
# ---------------------------------------------------------------------------------------------


def test_figuren_uit_geaggregeerde_tabellen(zorgkosten, deelnemers):
    kw = kosten_per_kwartaal(zorgkosten, deelnemers, peildatum="2024-12-31")
    fig = figuur_parallelle_trends(kw)
    assert isinstance(fig, Figure)
    tabel = kostentabel(_csv("bca"), seed=1)
    assert isinstance(figuur_kostenverloop(tabel, met_totaal=True), Figure)
    lang = kosten_per_deelnemer(zorgkosten, deelnemers, peildatum="2024-12-31").kosten
    with pytest.raises(ValueError, match="pseudo_id"):
        figuur_kostenverloop(lang.assign(n_deelnemers=1, gemiddeld_voor=0, gemiddeld_na=0))
