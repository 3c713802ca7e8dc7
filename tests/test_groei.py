"""Tests voor evaluatie.groei: LMS-z-score, referenties laden, gewichtsstatus.

Referentiewaarden komen uit tests/r/groei.R (onafhankelijke berekening in base R:
tabellen zelf ingelezen, approx(), Cole-formule, WHO-staartregel) en staan in
tests/r/groei_reference.json. Tests die de echte referentietabellen nodig hebben, lezen
../shared/references (naast de projectmap) en worden overgeslagen als die map ontbreekt.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluatie import groei
from evaluatie.groei import (
    GemengdeReferentiesFout,
    ReferentieFout,
    ReferentieWaarschuwing,
    bmi_z,
    bmi_z_overeenstemming,
    controleer_een_referentie,
    gewichtsstatus,
    gewichtsstatus_overgangen,
    interpoleer_lms,
    laad_iotf,
    laad_referentie,
    lms_waarde,
    lms_z,
    voeg_bmi_z_toe,
    voeg_gewichtsstatus_toe,
)

REF_MAP = Path(__file__).parents[2] / "shared" / "references"
R_JSON = Path(__file__).parent / "r" / "groei_reference.json"

nodig_referenties = pytest.mark.skipif(
    not REF_MAP.is_dir(),
    reason=f"referentietabellen niet gevonden in {REF_MAP} (testkopieën naast de projectmap)",
)


@pytest.fixture(scope="module")
def r_ref() -> dict:
    return json.loads(R_JSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def refs() -> dict[str, groei.Referentie]:
    if not REF_MAP.is_dir():
        pytest.skip(f"referentietabellen niet gevonden in {REF_MAP}")
    return {n: laad_referentie(n, REF_MAP) for n in ("nl1997", "nl2009", "who2007")}


@pytest.fixture(scope="module")
def iotf() -> groei.IotfGrenzen:
    if not REF_MAP.is_dir():
        pytest.skip(f"referentietabellen niet gevonden in {REF_MAP}")
    return laad_iotf(REF_MAP)


# ---------------------------------------------------------------------------------------------
# LMS-formule
# ---------------------------------------------------------------------------------------------


def test_lms_z_formule():
    # R: ((20/16)^-1.5 - 1) / (-1.5 * 0.1)  -> 1.896388315
    assert lms_z(20, -1.5, 16, 0.1) == pytest.approx(1.896388315, abs=1e-9)


def test_lms_z_l_nul_tak():
    # R: log(20/16) / 0.1  -> 2.231435513
    assert lms_z(20, 0.0, 16, 0.1) == pytest.approx(2.231435513, abs=1e-9)
    assert lms_z(20, 5e-8, 16, 0.1) == pytest.approx(2.231435513, abs=1e-9)
    assert lms_z(20, -5e-8, 16, 0.1) == pytest.approx(2.231435513, abs=1e-9)
    # net boven de grens: de machtstak, die continu aansluit op de log-tak
    assert lms_z(20, 1e-6, 16, 0.1) == pytest.approx(2.231435513, abs=1e-5)


def test_lms_waarde_is_inverse_van_lms_z():
    z = np.array([-3.0, -1.2, 0.0, 0.7, 2.5])
    for L in (-1.8, 0.0, 0.6):
        y = lms_waarde(z, L, 17.0, 0.11)
        np.testing.assert_allclose(lms_z(y, L, 17.0, 0.11), z, atol=1e-12)


def test_lms_z_ongeldige_meting_geeft_nan():
    assert np.isnan(lms_z(0.0, -1.0, 16, 0.1))
    assert np.isnan(lms_z(np.nan, -1.0, 16, 0.1))


# ---------------------------------------------------------------------------------------------
# Interpolatie en leeftijdsbereik
# ---------------------------------------------------------------------------------------------


@nodig_referenties
def test_interpolatie_halverwege_is_gemiddelde_van_buren(refs):
    tab = refs["nl1997"].tabellen["man"].set_index("leeftijd")
    res = interpoleer_lms(refs["nl1997"], [8.25], ["man"]).iloc[0]
    for k in ("L", "M", "S"):
        assert res[k] == pytest.approx((tab.loc[8.0, k] + tab.loc[8.5, k]) / 2, abs=1e-12)
    # WHO: halverwege 100 en 101 maanden (leeftijd in jaren = maanden / 12)
    who = refs["who2007"].tabellen["vrouw"].set_index("leeftijd")
    res = interpoleer_lms(refs["who2007"], [100.5 / 12], ["vrouw"]).iloc[0]
    assert res["leeftijd"] == pytest.approx(100.5)
    for k in ("L", "M", "S"):
        assert res[k] == pytest.approx((who.loc[100.0, k] + who.loc[101.0, k]) / 2, abs=1e-12)


@nodig_referenties
def test_leeftijdsgrenzen_nl(refs):
    res = bmi_z(
        [16, 16, 16, 16],
        leeftijd_jaren=[0.0, 21.0, 21.0001, -0.1],
        geslacht=["man"] * 4,
        referentie=refs["nl1997"],
    )
    assert res["bmi_z"].iloc[:2].notna().all()
    assert (res["reden_ontbrekend"].iloc[:2] == "").all()
    assert res["bmi_z"].iloc[2:].isna().all()
    for reden in res["reden_ontbrekend"].iloc[2:]:
        assert "buiten het bereik van NL 1997 (Fredriks 2000)" in reden
        assert "0-21 jaren" in reden


@nodig_referenties
def test_leeftijdsgrenzen_who(refs):
    maanden = np.array([61.0, 228.0, 60.9, 228.1])
    res = bmi_z(
        [16] * 4, leeftijd_jaren=maanden / 12, geslacht=["vrouw"] * 4, referentie=refs["who2007"]
    )
    assert res["bmi_z"].iloc[:2].notna().all()
    assert res["bmi_z"].iloc[2:].isna().all()
    assert all("61-228 maanden" in r for r in res["reden_ontbrekend"].iloc[2:])


@nodig_referenties
def test_redenen_voor_ontbrekende_invoer(refs):
    res = bmi_z(
        [np.nan, 16, 16, 16, -3],
        leeftijd_jaren=[8, np.nan, 8, 8, 8],
        geslacht=["man", "man", "anders", None, "vrouw"],
        referentie=refs["nl2009"],
    )
    assert res["bmi_z"].isna().all()
    assert list(res["reden_ontbrekend"]) == [
        "BMI ontbreekt of is niet positief",
        "leeftijd ontbreekt",
        "geslacht is niet 'man' of 'vrouw'; de referentie is geslachtsspecifiek",
        "geslacht ontbreekt",
        "BMI ontbreekt of is niet positief",
    ]
    assert (res["referentie"] == "NL 2009 (Schönbeck 2011)").all()


# ---------------------------------------------------------------------------------------------
# Overeenstemming met R
# ---------------------------------------------------------------------------------------------


@nodig_referenties
def test_overeenstemming_met_r_nederlandse_tabellen(refs, r_ref):
    nl = pd.DataFrame(r_ref["nl"])
    assert len(nl) >= 2 * 2 * 20
    for (ref, geslacht), deel in nl.groupby(["referentie", "geslacht"]):
        lms = interpoleer_lms(refs[ref], deel["leeftijd_jaren"], [geslacht] * len(deel))
        res = bmi_z(
            deel["bmi"],
            leeftijd_jaren=deel["leeftijd_jaren"],
            geslacht=[geslacht] * len(deel),
            referentie=refs[ref],
        )
        verwacht = pd.to_numeric(deel["z"]).astype(float).to_numpy()
        # R: approx(x, L/M/S, xout = leeftijd); ((bmi/M)^L - 1)/(L*S)  (tests/r/groei.R)
        np.testing.assert_allclose(res["bmi_z"].to_numpy(), verwacht, atol=1e-6, rtol=0)
        binnen = ~np.isnan(verwacht)
        for k in ("L", "M", "S"):
            r_k = pd.to_numeric(deel[k]).astype(float).to_numpy()
            np.testing.assert_allclose(lms[k].to_numpy()[binnen], r_k[binnen], atol=1e-9)
        # 21.01 en -0.5 jaar vallen buiten elke tabel (NL 2009 begint bovendien na 0 jaar)
        assert (~binnen).sum() >= 2


@nodig_referenties
def test_overeenstemming_met_r_who(refs, r_ref):
    who = pd.DataFrame(r_ref["who"])
    res = bmi_z(
        who["bmi"],
        leeftijd_jaren=who["leeftijd_maanden"] / 12,
        geslacht=who["geslacht"],
        referentie=refs["who2007"],
    )
    verwacht = pd.to_numeric(who["z"]).astype(float).to_numpy()
    # R: who_z() in tests/r/groei.R (Cole-formule + WHO-staartregel, bereik 61-228 maanden)
    np.testing.assert_allclose(res["bmi_z"].to_numpy(), verwacht, atol=1e-6, rtol=0)
    # de set bevat gevallen boven +3 en onder -3
    assert (verwacht > 3).sum() >= 3 and (verwacht < -3).sum() >= 3


@nodig_referenties
def test_readme_voorbeeld(refs, r_ref):
    res97 = bmi_z([21], leeftijd_jaren=[8.25], geslacht=["man"], referentie=refs["nl1997"])
    res09 = bmi_z([21], leeftijd_jaren=[8.25], geslacht=["man"], referentie=refs["nl2009"])
    vb = {r["referentie"]: r["z"] for r in r_ref["voorbeeld"]}
    # R: jongen 8.25 jaar, BMI 21 -> NL1997 z = 2.040540, NL2009 z = 1.813134
    assert res97["bmi_z"].iloc[0] == pytest.approx(vb["nl1997"], abs=1e-6)
    assert res09["bmi_z"].iloc[0] == pytest.approx(vb["nl2009"], abs=1e-6)
    # README: "ongeveer 2.0 op NL-1997 en 1.8 op NL-2009"
    assert round(res97["bmi_z"].iloc[0], 1) == 2.0
    assert round(res09["bmi_z"].iloc[0], 1) == 1.8
    assert res97["referentie"].iloc[0] == "NL 1997 (Fredriks 2000)"


# ---------------------------------------------------------------------------------------------
# WHO-staartregel
# ---------------------------------------------------------------------------------------------


@nodig_referenties
def test_who_staartregel_handberekend(refs):
    # Tabelrij jongen, 100 maanden: L = -1.5252, M = 15.8344, S = 0.09693 (geen interpolatie).
    # R: sd <- function(k) M*(1+L*S*k)^(1/L)
    #    sd(3) = 23.25382586, sd(2) = 19.92551465, sd(-3) = 12.44735782, sd(-2) = 13.36113353
    # R: 3 + (40 - sd(3))/(sd(3) - sd(2))          -> 8.031432793  (Cole zonder regel: 5.118346)
    # R: -3 + (10.5 - sd(-3))/(sd(-2) - sd(-3))    -> -5.131111398 (Cole zonder regel: -5.892784)
    res = bmi_z(
        [40.0, 10.5],
        leeftijd_jaren=[100 / 12, 100 / 12],
        geslacht=["man", "man"],
        referentie=refs["who2007"],
    )
    assert res["bmi_z"].iloc[0] == pytest.approx(8.031432793, abs=1e-8)
    assert res["bmi_z"].iloc[1] == pytest.approx(-5.131111398, abs=1e-8)
    # precies op SD3 blijft z = 3
    sd3 = 15.8344 * (1 - 1.5252 * 0.09693 * 3) ** (1 / -1.5252)
    res = bmi_z([sd3], leeftijd_jaren=[100 / 12], geslacht=["man"], referentie=refs["who2007"])
    assert res["bmi_z"].iloc[0] == pytest.approx(3.0, abs=1e-9)


@nodig_referenties
def test_geen_staartregel_voor_nederlandse_tabellen(refs):
    tab = refs["nl1997"].tabellen["man"].set_index("leeftijd").loc[10.0]
    res = bmi_z([40.0], leeftijd_jaren=[10.0], geslacht=["man"], referentie=refs["nl1997"])
    # R: ((40/16.43)^-2.126 - 1)/(-2.126*0.1097)  (Cole zonder staartregel)
    verwacht = ((40 / 16.43) ** -2.126 - 1) / (-2.126 * 0.1097)
    assert tab["M"] == 16.43
    assert verwacht > 3
    assert res["bmi_z"].iloc[0] == pytest.approx(verwacht, abs=1e-10)


# ---------------------------------------------------------------------------------------------
# BMI uit ruwe metingen en tabelfunctie
# ---------------------------------------------------------------------------------------------


@nodig_referenties
def test_bmi_uit_gewicht_en_lengte(refs):
    via_ruw = bmi_z(
        gewicht_kg=[30.0, 45.0],
        lengte_cm=[130.0, 150.0],
        leeftijd_jaren=[8.0, 12.0],
        geslacht=["man", "vrouw"],
        referentie=refs["nl2009"],
    )
    # 30 / 1.3^2 = 17.75148, 45 / 1.5^2 = 20
    np.testing.assert_allclose(via_ruw["bmi"], [30 / 1.69, 20.0])
    via_bmi = bmi_z(
        [30 / 1.69, 20.0],
        leeftijd_jaren=[8.0, 12.0],
        geslacht=["man", "vrouw"],
        referentie=refs["nl2009"],
    )
    pd.testing.assert_frame_equal(via_ruw, via_bmi)
    with pytest.raises(ValueError, match="niet beide"):
        bmi_z(
            [20.0],
            gewicht_kg=[30.0],
            lengte_cm=[130.0],
            leeftijd_jaren=[8.0],
            geslacht=["man"],
            referentie=refs["nl2009"],
        )


def _metingen() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pseudo_id": ["a", "a", "b", "b", "c", "d"],
            "meetmoment": ["T0", "T1", "T0", "T1", "T0", "T0"],
            "gewicht_kg": [40.0, 41.0, np.nan, 30.0, 55.0, 20.0],
            "lengte_cm": [140.0, 143.0, np.nan, 131.0, 150.0, 110.0],
            "bmi": [np.nan, 20.0, 18.2, np.nan, 24.0, np.nan],
            "leeftijd_jaren": [10.1, 10.6, 9.0, 9.5, 13.2, 25.0],
            "geslacht": ["vrouw", "vrouw", "man", "man", "man", "vrouw"],
        }
    )


@nodig_referenties
def test_voeg_bmi_z_toe(refs):
    m = _metingen()
    uit = voeg_bmi_z_toe(m, refs["nl1997"])
    assert list(uit["bmi_bron"]) == [
        "gewicht en lengte",
        "gewicht en lengte",
        "geleverd",
        "gewicht en lengte",
        "gewicht en lengte",
        "gewicht en lengte",
    ]
    # ruwe meting wint van geleverde BMI; geleverde blijft bewaard
    assert uit.loc[1, "bmi"] == pytest.approx(41 / 1.43**2)
    assert uit.loc[1, "bmi_geleverd"] == 20.0
    assert uit.loc[2, "bmi"] == 18.2
    assert uit.loc[5, "bmi_z_reden_ontbrekend"].startswith("leeftijd buiten het bereik")
    assert controleer_een_referentie(uit["bmi_z_referentie"]) == "NL 1997 (Fredriks 2000)"
    verwacht = bmi_z(
        uit["bmi"],
        leeftijd_jaren=m["leeftijd_jaren"],
        geslacht=m["geslacht"],
        referentie=refs["nl1997"],
    )
    pd.testing.assert_series_equal(uit["bmi_z"], verwacht["bmi_z"], check_names=False)


@nodig_referenties
def test_voeg_bmi_z_toe_rijvolgorde_doet_er_niet_toe(refs):
    m = _metingen()
    gewoon = voeg_bmi_z_toe(m, refs["who2007"])
    geschud = voeg_bmi_z_toe(m.sample(frac=1, random_state=3), refs["who2007"]).loc[m.index]
    pd.testing.assert_frame_equal(gewoon, geschud)


@nodig_referenties
def test_voeg_bmi_z_toe_weigert_bestaande_kolom_en_meerdere_referenties(refs):
    m = _metingen().assign(bmi_z=0.5)
    with pytest.raises(ValueError, match="bmi_z_geleverd"):
        voeg_bmi_z_toe(m, refs["nl1997"])
    with pytest.raises(TypeError, match="precies één referentie"):
        voeg_bmi_z_toe(_metingen(), [refs["nl1997"], refs["nl2009"]])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="precies één Referentie"):
        bmi_z([20], leeftijd_jaren=[8], geslacht=["man"], referentie=(refs["nl1997"],))


# ---------------------------------------------------------------------------------------------
# Referenties niet mengen
# ---------------------------------------------------------------------------------------------


def test_controleer_een_referentie():
    assert controleer_een_referentie(pd.Series(["NL 1997 (Fredriks 2000)"] * 3)) == (
        "NL 1997 (Fredriks 2000)"
    )
    assert controleer_een_referentie(pd.Series([None, ""], dtype=object)) is None
    with pytest.raises(GemengdeReferentiesFout, match="meer dan één groeireferentie"):
        controleer_een_referentie(
            pd.Series(["NL 1997 (Fredriks 2000)", None, "NL 2009 (Schönbeck 2011)"])
        )


@nodig_referenties
def test_samengevoegde_tabellen_met_twee_referenties_worden_geweigerd(refs):
    a = voeg_bmi_z_toe(_metingen(), refs["nl1997"])
    b = voeg_bmi_z_toe(_metingen(), refs["nl2009"])
    with pytest.raises(GemengdeReferentiesFout):
        controleer_een_referentie(pd.concat([a, b])["bmi_z_referentie"])


# ---------------------------------------------------------------------------------------------
# Laden: ontbrekende map/bestanden, hash, kolommen
# ---------------------------------------------------------------------------------------------


def test_ontbrekende_map_geeft_duidelijke_fout(tmp_path):
    with pytest.raises(ReferentieFout) as e:
        laad_referentie("nl1997", tmp_path / "bestaat_niet")
    tekst = str(e.value)
    assert "bestaat niet" in tekst
    assert "nl_1997_bmi_male_nl.txt" in tekst
    assert "Fredriks" in tekst
    assert "growthcharts/nlreferences" in tekst
    assert "afgeleide_maten.groeireferentie_map" in tekst
    with pytest.raises(ReferentieFout, match="Geen map"):
        laad_iotf(None)


def test_ontbrekend_bestand_geeft_duidelijke_fout(tmp_path):
    with pytest.raises(ReferentieFout) as e:
        laad_referentie("who2007", tmp_path)
    tekst = str(e.value)
    assert "bfawho2007.txt" in tekst
    assert "anthroplus" in tekst and "de Onis" in tekst
    assert "afgeleide_maten.groeireferentie_map" in tekst


def test_onbekende_referentie(tmp_path):
    with pytest.raises(ReferentieFout, match="Onbekende groeireferentie"):
        laad_referentie("cdc2000", tmp_path)


@nodig_referenties
def test_hash_afwijking(tmp_path):
    for f in ("nl_1997_bmi_male_nl.txt", "nl_1997_bmi_female_nl.txt"):
        shutil.copy(REF_MAP / f, tmp_path / f)
    doel = tmp_path / "nl_1997_bmi_male_nl.txt"
    doel.write_text(doel.read_text().replace("21.37", "21.38"))
    with pytest.raises(ReferentieFout, match="SHA-256") as e:
        laad_referentie("nl1997", tmp_path)
    assert "controleer_hash=False" in str(e.value)
    with pytest.warns(ReferentieWaarschuwing, match="SHA-256"):
        ref = laad_referentie("nl1997", tmp_path, controleer_hash=False)
    assert ref.hash_bekend is False
    assert ref.tabellen["man"].set_index("leeftijd").loc[19.0, "M"] == 21.38


@nodig_referenties
def test_kolomcontrole_ook_zonder_hashcontrole(tmp_path):
    for f in ("IOTF_male.txt", "IOTF_female.txt"):
        shutil.copy(REF_MAP / f, tmp_path / f)
    doel = tmp_path / "IOTF_female.txt"
    doel.write_text(doel.read_text().replace("overweight", "ow"))
    with pytest.warns(ReferentieWaarschuwing), pytest.raises(ReferentieFout, match="kolommen"):
        laad_iotf(tmp_path, controleer_hash=False)


@nodig_referenties
def test_register_hashes_gelijk_aan_sha256sums(refs, iotf):
    sums = dict(
        reversed(regel.split()) for regel in (REF_MAP / "SHA256SUMS").read_text().splitlines()
    )
    for ref in refs.values():
        assert ref.hash_bekend
        for naam, h in ref.sha256.items():
            assert sums[naam] == h
    for naam, h in iotf.sha256.items():
        assert sums[naam] == h


# ---------------------------------------------------------------------------------------------
# Gewichtsstatus
# ---------------------------------------------------------------------------------------------


@nodig_referenties
def test_iotf_op_tabelleeftijd(iotf):
    # IOTF_male.txt, lft 8: 12.42 13.11 14.15 18.44 21.6; BMI op het afkappunt -> hogere klasse
    bmi = [12.41, 12.42, 13.10, 13.11, 14.14, 14.15, 18.43, 18.44, 21.59, 21.6]
    res = gewichtsstatus(bmi, [8.0] * len(bmi), ["man"] * len(bmi), iotf)
    assert list(res["gewichtsstatus"].astype(str)) == [
        "ernstig ondergewicht (graad 3)",
        "matig ondergewicht (graad 2)",
        "matig ondergewicht (graad 2)",
        "licht ondergewicht (graad 1)",
        "licht ondergewicht (graad 1)",
        "gezond gewicht",
        "gezond gewicht",
        "overgewicht",
        "overgewicht",
        "obesitas",
    ]
    assert (res["gewichtsstatus_methode"] == "IOTF (Cole 2000, 2007)").all()
    assert list(res["gewichtsstatus_hoofdgroep"].astype(str))[:3] == ["ondergewicht"] * 3


@nodig_referenties
def test_iotf_tussen_tabelleeftijden_geinterpoleerd(iotf, r_ref):
    # jongen 8.25 jaar: overgewichtgrens (18.44 + 18.76)/2 = 18.60
    res = gewichtsstatus([18.59, 18.61], [8.25, 8.25], ["man", "man"], iotf)
    assert list(res["gewichtsstatus"].astype(str)) == ["gezond gewicht", "overgewicht"]
    # alle afkappunten tegen R's approx(), net onder en net boven elke grens
    tab = pd.DataFrame(r_ref["iotf"])
    tab = tab[tab["leeftijd_jaren"] < 18]
    grenzen = [
        "ondergewicht_graad3",
        "ondergewicht_graad2",
        "ondergewicht_graad1",
        "overgewicht",
        "obesitas",
    ]
    onder = [
        "ernstig ondergewicht (graad 3)",
        "matig ondergewicht (graad 2)",
        "licht ondergewicht (graad 1)",
        "gezond gewicht",
        "overgewicht",
    ]
    boven = onder[1:] + ["obesitas"]
    for _, rij in tab.iterrows():
        for grens, cat_onder, cat_boven in zip(grenzen, onder, boven, strict=True):
            # R: approx(tab$lft, tab[[grens]], xout = leeftijd)  (tests/r/groei.R)
            g = float(rij[grens])
            res = gewichtsstatus(
                [g - 1e-6, g + 1e-6], [rij["leeftijd_jaren"]] * 2, [rij["geslacht"]] * 2, iotf
            )
            assert list(res["gewichtsstatus"].astype(str)) == [cat_onder, cat_boven], (
                rij["geslacht"],
                rij["leeftijd_jaren"],
                grens,
            )


@nodig_referenties
def test_volwassenen_en_randgevallen(iotf):
    bmi = [18.49, 18.5, 24.99, 25.0, 29.99, 30.0, 39.99, 40.0]
    res = gewichtsstatus(bmi, [18.0] * 8, ["anders"] * 8, iotf)
    assert list(res["gewichtsstatus"].astype(str)) == [
        "ondergewicht",
        "gezond gewicht",
        "gezond gewicht",
        "overgewicht",
        "overgewicht",
        "obesitas",
        "obesitas",
        "ernstige obesitas",
    ]
    assert list(res["gewichtsstatus_hoofdgroep"].astype(str))[-1] == "obesitas"
    assert (res["gewichtsstatus_methode"] == "BMI-grenzen volwassenen (WHO)").all()
    res = gewichtsstatus([15, 20, np.nan], [1.5, 10, 10], ["man", "anders", "vrouw"], iotf)
    assert res["gewichtsstatus"].isna().all()
    assert list(res["reden_ontbrekend"]) == [
        "jonger dan 2 jaar: geen IOTF-afkappunten",
        "geslacht is niet 'man' of 'vrouw'; IOTF-afkappunten zijn geslachtsspecifiek",
        "BMI ontbreekt of is niet positief",
    ]


def _status_metingen() -> pd.DataFrame:
    rijen = [
        ("p1", "T0", "obesitas"),
        ("p1", "T1", "overgewicht"),
        ("p2", "T0", "obesitas"),
        ("p2", "T1", "obesitas"),
        ("p3", "T0", "overgewicht"),
        ("p3", "T1", "gezond gewicht"),
        ("p4", "T0", "overgewicht"),
        ("p4", "T1", "gezond gewicht"),
        ("p5", "T0", "overgewicht"),  # geen T1: telt niet mee
        ("p6", "T0", None),
        ("p6", "T1", "gezond gewicht"),  # geen status op T0: telt niet mee
        ("p7", "T0", "gezond gewicht"),
        ("p7", "T2", "overgewicht"),
    ]
    return pd.DataFrame(rijen, columns=["pseudo_id", "meetmoment", "gewichtsstatus"])


def test_gewichtsstatus_overgangen():
    res = gewichtsstatus_overgangen(_status_metingen(), "T0", "T1")
    assert len(res) == len(groei.CATEGORIEEN_GEWICHTSSTATUS) ** 2
    assert list(res.columns) == [
        "meetmoment_van",
        "meetmoment_naar",
        "status_van",
        "status_naar",
        "n",
    ]
    n = res.set_index(["status_van", "status_naar"])["n"]
    assert n[("obesitas", "overgewicht")] == 1
    assert n[("obesitas", "obesitas")] == 1
    assert n[("overgewicht", "gezond gewicht")] == 2
    assert res["n"].sum() == 4  # complete paren p1-p4
    assert (res["meetmoment_van"] == "T0").all() and (res["meetmoment_naar"] == "T1").all()
    res02 = gewichtsstatus_overgangen(_status_metingen(), "T0", "T2")
    assert (
        res02.set_index(["status_van", "status_naar"])["n"][("gezond gewicht", "overgewicht")] == 1
    )
    assert res02["n"].sum() == 1


def test_gewichtsstatus_overgangen_hoofdgroep_en_volgorde():
    m = _status_metingen().rename(columns={"gewichtsstatus": "gewichtsstatus_hoofdgroep"})
    res = gewichtsstatus_overgangen(m, kolom="gewichtsstatus_hoofdgroep")
    assert len(res) == 16
    geschud = gewichtsstatus_overgangen(
        m.sample(frac=1, random_state=7), kolom="gewichtsstatus_hoofdgroep"
    )
    pd.testing.assert_frame_equal(res, geschud)


def test_gewichtsstatus_overgangen_fouten():
    m = _status_metingen()
    with pytest.raises(ValueError, match="dubbele"):
        gewichtsstatus_overgangen(pd.concat([m, m.iloc[[0]]]))
    with pytest.raises(ValueError, match="Onbekende categorieën"):
        gewichtsstatus_overgangen(m.replace("obesitas", "dik"))


@nodig_referenties
def test_voeg_gewichtsstatus_toe(refs, iotf):
    m = voeg_bmi_z_toe(_metingen(), refs["nl2009"])
    uit = voeg_gewichtsstatus_toe(m, iotf)
    assert uit["gewichtsstatus"].notna().all()
    assert uit.loc[5, "gewichtsstatus_methode"] == "BMI-grenzen volwassenen (WHO)"
    assert isinstance(uit["gewichtsstatus"].dtype, pd.CategoricalDtype)


# ---------------------------------------------------------------------------------------------
# Overeenstemming geleverd vs berekend
# ---------------------------------------------------------------------------------------------


def test_bmi_z_overeenstemming():
    idx = pd.Index([10, 11, 12, 13, 14])
    geleverd = pd.Series([1.00, 1.50, np.nan, 0.3, -2.0], index=idx)
    berekend = pd.Series([1.05, 1.30, 0.8, np.nan, -2.1], index=idx)
    res = bmi_z_overeenstemming(geleverd, berekend, tolerantie=0.1)
    assert list(res.index) == [11, 13]
    assert res.loc[11, "verschil"] == pytest.approx(0.2)
    assert res.loc[11, "probleem"] == "verschil groter dan tolerantie"
    assert res.loc[13, "probleem"] == "geleverd, maar niet te berekenen"
    assert list(res.columns) == ["bmi_z_geleverd", "bmi_z_berekend", "verschil", "probleem"]
    # strengere tolerantie vangt ook rij 10 en 14
    assert list(bmi_z_overeenstemming(geleverd, berekend, tolerantie=0.01).index) == [
        10,
        11,
        13,
        14,
    ]
    with pytest.raises(ValueError, match="index"):
        bmi_z_overeenstemming(geleverd, berekend.reset_index(drop=True))
