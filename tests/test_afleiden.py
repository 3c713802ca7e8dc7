"""Derivation step: BMI z-score from raw length/weight, weight status, PG from items."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REFERENTIES

from evaluatie import afleiden, groei, synth
from evaluatie import config as cfg
from evaluatie.fouten import ConfigFout, EvaluatieFout

NL1997 = "NL 1997 (Fredriks 2000)"
nodig = pytest.mark.skipif(not REFERENTIES.is_dir(), reason="../shared/references ontbreekt")


def _config(**afgeleid) -> dict:
    return {"interventies": {"kind-a": {"naam": "A", "doelgroep": "kind"},
                             "volw-b": {"naam": "B", "doelgroep": "volwassene"}},
            "afgeleide_maten": afgeleid}


def _tabellen(lengte=True, bmi_z=None) -> dict[str, pd.DataFrame]:
    """Three children (one aged 21.5 at start: outside NL 1997) and one adult."""
    start = pd.Timestamp("2024-01-01")
    deelnemers = pd.DataFrame({
        "pseudo_id": ["K1", "K2", "K3", "V1"],
        "interventie": ["kind-a", "kind-a", "kind-a", "volw-b"],
        "geslacht": ["man", "vrouw", "man", "vrouw"],
        "leeftijd_start": [8.25, 12.0, 21.5, 40.0],
        "startdatum": [start] * 4,
    })
    metingen = pd.DataFrame({
        "pseudo_id": ["K1", "K1", "K2", "K2", "K3", "V1", "V1"],
        "meetmoment": ["T0", "T1", "T0", "T1", "T0", "T0", "T1"],
        "meetdatum": [start, start + pd.Timedelta(days=182)] * 2 + [start, start,
                                                                     start + pd.Timedelta(days=182)],
        "lengte_cm": [130.0, 133.0, 150.0, 152.0, 180.0, np.nan, np.nan] if lengte else np.nan,
        "gewicht_kg": [35.49, 36.0, 60.0, 58.0, 80.0, np.nan, np.nan] if lengte else np.nan,
        "bmi": [np.nan] * 5 + [31.0, 29.5],
        "bmi_z": bmi_z if bmi_z is not None else np.nan,
    })
    return {"deelnemers": deelnemers, "metingen": metingen}


def _rijen(rijen, stap):
    return {r["omschrijving"]: r["n"] for r in rijen if r["stap"] == stap}


def test_delivered_bmi_z_needs_no_reference_and_adults_still_get_a_weight_status():
    t = _tabellen(lengte=False, bmi_z=[2.1, 2.0, 1.5, np.nan, np.nan, np.nan, np.nan])
    uit, rijen = afleiden.leid_af(t, _config())
    m = uit["metingen"]
    assert m["bmi_z"].notna().sum() == 3
    assert set(m.loc[m["bmi_z"].notna(), "bmi_z_referentie"]) == {NL1997}
    assert set(m.loc[m["bmi_z"].notna(), "bmi_z_bron"]) == {"geleverd"}
    # adults: fixed cut-offs, no tables needed; 31 -> obesitas, 29.5 -> overgewicht
    v = m[m["pseudo_id"] == "V1"]
    assert list(v["gewichtsstatus"]) == ["obesitas", "overgewicht"]
    assert "BMI-z-score geleverd (verondersteld: NL 1997 (Fredriks 2000))" in _rijen(rijen, "bmi_z")


def test_raw_measures_without_reference_directory_stop_with_a_clear_error():
    with pytest.raises(groei.ReferentieFout) as e:
        afleiden.leid_af(_tabellen(), _config())
    tekst = str(e.value)
    for verwacht in ("5 metingen", "kind-a", "nl_1997_bmi_male_nl.txt", "IOTF_female.txt",
                     "Fredriks AM", "growthcharts/nlreferences", "afgeleide_maten.groeireferentie_map"):
        assert verwacht in tekst, verwacht
    assert isinstance(e.value, ConfigFout)  # shown without traceback by pijplijn.stap


@nodig
def test_raw_measures_give_the_lms_z_score_with_reference_and_missing_reasons():
    uit, rijen = afleiden.leid_af(_tabellen(), _config(groeireferentie_map=str(REFERENTIES)))
    m = uit["metingen"].set_index(["pseudo_id", "meetmoment"])
    ref = groei.laad_referentie("nl1997", REFERENTIES)
    # README: a boy of 8.25 years with BMI 21 scores about 2.0 on NL 1997
    bmi = 35.49 / 1.3**2
    verwacht = groei.bmi_z(bmi=[bmi], leeftijd_jaren=[8.25], geslacht=["man"], referentie=ref)
    assert m.loc[("K1", "T0"), "bmi"] == pytest.approx(bmi)
    assert m.loc[("K1", "T0"), "bmi_z"] == pytest.approx(verwacht["bmi_z"].iloc[0], abs=1e-12)
    assert m.loc[("K1", "T0"), "bmi_z"] == pytest.approx(2.0, abs=0.1)
    assert m.loc[("K1", "T0"), "bmi_z_referentie"] == NL1997
    assert m.loc[("K1", "T0"), "bmi_z_bron"] == "berekend"
    # 21.5 years: outside the table (0-21), missing with the reason
    assert np.isnan(m.loc[("K3", "T0"), "bmi_z"])
    assert "buiten het bereik" in m.loc[("K3", "T0"), "bmi_z_reden_ontbrekend"]
    # adults never get a z-score
    assert m.loc[("V1", "T0"), "bmi_z_reden_ontbrekend"] == ""
    assert np.isnan(m.loc[("V1", "T0"), "bmi_z"])
    # weight status: IOTF for children, adult cut-offs from 18
    assert m.loc[("K1", "T0"), "gewichtsstatus_methode"] == "IOTF (Cole 2000, 2007)"
    assert m.loc[("K3", "T0"), "gewichtsstatus_methode"] == "BMI-grenzen volwassenen (WHO)"
    z = _rijen(rijen, "bmi_z")
    assert z["BMI-z-score berekend met NL 1997 (Fredriks 2000) (LMS-methode)"] == 4
    assert any("buiten het bereik" in k and n == 1 for k, n in _rijen(rijen, "bmi_z_ontbrekend").items())


@nodig
def test_delivered_and_computed_z_are_compared_with_the_configured_tolerance():
    ref = groei.laad_referentie("nl1997", REFERENTIES)
    t = _tabellen()
    m0 = t["metingen"]
    leeftijd = [8.25, 8.25 + 182 / 365.25, 12.0, 12.0 + 182 / 365.25, 21.5]
    echt = groei.bmi_z(gewicht_kg=m0["gewicht_kg"][:5], lengte_cm=m0["lengte_cm"][:5],
                       leeftijd_jaren=leeftijd, geslacht=["man", "man", "vrouw", "vrouw", "man"],
                       referentie=ref)["bmi_z"].to_numpy()
    geleverd = np.round(echt, 2)
    geleverd[1] += 0.5   # one real discrepancy
    geleverd[4] = 3.0    # delivered, but the age is outside the reference
    t["metingen"]["bmi_z"] = [*geleverd, np.nan, np.nan]
    uit, rijen = afleiden.leid_af(t, _config(groeireferentie_map=str(REFERENTIES)))
    r = _rijen(rijen, "bmi_z_overeenstemming")
    assert r["geleverde en berekende BMI-z-score wijken meer dan 0,1 af"] == 1
    assert r["BMI-z-score geleverd, maar met lengte en gewicht niet te berekenen"] == 1
    assert r["geleverde en berekende BMI-z-score vergeleken"] == 5
    m = uit["metingen"]
    # auto: the delivered value is used, the difference is kept row-level
    assert m.loc[1, "bmi_z"] == pytest.approx(geleverd[1])
    assert m.loc[1, "bmi_z_verschil"] == pytest.approx(0.5, abs=0.01)
    # a wider tolerance: no discrepancy
    _, rijen = afleiden.leid_af(t, _config(groeireferentie_map=str(REFERENTIES),
                                           bmi_z={"tolerantie": 0.6}))
    assert _rijen(rijen, "bmi_z_overeenstemming")[
        "geleverde en berekende BMI-z-score wijken meer dan 0,6 af"] == 0
    # berekend: the computed value replaces the delivered one
    uit, _ = afleiden.leid_af(t, _config(groeireferentie_map=str(REFERENTIES),
                                         bmi_z={"bron": "berekend"}))
    assert uit["metingen"].loc[1, "bmi_z"] == pytest.approx(echt[1], abs=1e-12)
    assert uit["metingen"].loc[1, "bmi_z_bron"] == "berekend"


@nodig
def test_reference_choice_is_recorded_and_changes_the_z_score():
    a, _ = afleiden.leid_af(_tabellen(), _config(groeireferentie_map=str(REFERENTIES)))
    b, _ = afleiden.leid_af(_tabellen(), _config(groeireferentie_map=str(REFERENTIES),
                                                 groeireferentie="nl2009"))
    assert set(b["metingen"]["bmi_z_referentie"]) - {""} == {"NL 2009 (Schönbeck 2011)"}
    assert a["metingen"].loc[0, "bmi_z"] != pytest.approx(b["metingen"].loc[0, "bmi_z"], abs=0.01)


def test_config_section_has_defaults_and_refuses_unknown_keys():
    c = {"regio": "x", "interventies": {"a": {"naam": "A", "doelgroep": "kind"}},
         "data": {"map": "d", "tabellen": {"deelnemers": {"bestand": "d.csv"},
                                           "metingen": {"bestand": "m.csv"}}}}
    cfg.valideer(c)
    assert c["afgeleide_maten"]["groeireferentie"] == "nl1997"
    assert c["afgeleide_maten"]["bmi_z"] == {"bron": "auto", "tolerantie": 0.1}
    c2 = {**c, "afgeleide_maten": {"groeireferntie": "nl2009"}}
    with pytest.raises(ConfigFout, match="groeireferntie"):
        cfg.valideer(c2)


def test_early_config_check(tmp_path):
    groei.controleer_config(_config())  # nothing asks for z-scores: fine
    with pytest.raises(groei.ReferentieFout, match="bmi_z.bron: berekend"):
        groei.controleer_config(_config(bmi_z={"bron": "berekend"}))
    with pytest.raises(groei.ReferentieFout, match="bestaat niet"):
        groei.controleer_config(_config(groeireferentie_map=str(tmp_path / "weg")))


@nodig
def test_early_config_check_verifies_the_tables(tmp_path):
    groei.controleer_config(_config(groeireferentie_map=str(REFERENTIES)))
    for p in REFERENTIES.glob("*.txt"):
        (tmp_path / p.name).write_bytes(p.read_bytes())
    (tmp_path / "IOTF_male.txt").write_bytes(b"sex\tlft\n")
    with pytest.raises(groei.ReferentieFout, match="IOTF_male.txt"):
        groei.controleer_config(_config(groeireferentie_map=str(tmp_path)))


# ---------------------------------------------------------------------------------------
# Positieve Gezondheid from items
# ---------------------------------------------------------------------------------------


def _pg_items(antwoorden: dict[tuple[str, str], float | dict[str, float]]) -> pd.DataFrame:
    from evaluatie import positieve_gezondheid as pg

    items = pg.laad_instrument("pg42").alle_items
    rijen = []
    for (pid, t), waarde in antwoorden.items():
        for item in items:
            w = waarde.get(item, 6.0) if isinstance(waarde, dict) else waarde
            if w is not None:
                rijen.append({"pseudo_id": pid, "meetmoment": t, "instrument": "pg42",
                              "item": item, "antwoord": w})
    return pd.DataFrame(rijen)


def test_pg_scores_from_items_fill_dimensions_check_delivered_and_name_the_instrument():
    t = _tabellen(lengte=False)
    m = t["metingen"]
    dims = ["pg_lichaamsfuncties", "pg_mentaal_welbevinden", "pg_zingeving",
            "pg_kwaliteit_van_leven", "pg_meedoen", "pg_dagelijks_functioneren"]
    for d in dims:
        m[d] = np.nan
    m.loc[5, "pg_zingeving"] = 7.0       # delivered, items say 6 -> discrepancy
    m.loc[6, "pg_zingeving"] = 6.0       # delivered, agrees
    weinig = {f"pg42_lf_0{i}": None for i in range(1, 5)}  # only 3 of 7 answered
    t["pg_items"] = _pg_items({("V1", "T0"): 6.0, ("V1", "T1"): weinig, ("X9", "T0"): 5.0})
    uit, rijen = afleiden.leid_af(t, _config())
    v = uit["metingen"].set_index(["pseudo_id", "meetmoment"])
    assert v.loc[("V1", "T0"), "pg_meedoen"] == pytest.approx(6.0)
    assert v.loc[("V1", "T0"), "pg_zingeving"] == pytest.approx(7.0)   # delivered kept
    assert v.loc[("V1", "T0"), "pg_totaal"] == pytest.approx((5 * 6 + 7) / 6)
    assert np.isnan(v.loc[("V1", "T1"), "pg_lichaamsfuncties"])        # below the minimum of 4
    assert np.isnan(v.loc[("V1", "T1"), "pg_totaal"])
    assert v.loc[("V1", "T0"), "pg_instrument"] == "pg42 2016 (42 vragen)"
    r = _rijen(rijen, "pg_overeenstemming")
    assert list(r.values()) == [1]
    p = _rijen(rijen, "pg_items")
    assert p["pg42 2016 (42 vragen): invullingen gescoord uit items"] == 2
    assert p["pg42 2016 (42 vragen): invullingen zonder rij in metingen (niet gebruikt)"] == 1
    assert p["pg42 2016 (42 vragen): invullingen met een dimensie zonder score (te weinig items "
             "beantwoord)"] == 1
    # a configurable minimum: 3 answered items are now enough
    uit, _ = afleiden.leid_af(t, {**_config(), "afgeleide_maten": {
        "positieve_gezondheid": {"minimum_items": 3}}})
    v = uit["metingen"].set_index(["pseudo_id", "meetmoment"])
    assert v.loc[("V1", "T1"), "pg_lichaamsfuncties"] == pytest.approx(6.0)


def test_unconfirmed_instrument_is_refused_with_a_user_error():
    t = _tabellen(lengte=False)
    t["pg_items"] = pd.DataFrame({"pseudo_id": ["V1"], "meetmoment": ["T0"], "instrument": ["pgkind"],
                                  "item": ["pgk_li_01"], "antwoord": [5.0]})
    with pytest.raises(EvaluatieFout, match="niet bevestigd"):
        afleiden.leid_af(t, _config())


# ---------------------------------------------------------------------------------------
# Synthetic raw measures
# ---------------------------------------------------------------------------------------


@nodig
def test_synthetic_raw_measures_reproduce_the_true_z_score_and_leave_the_rest_unchanged():
    kind = [s for s in synth.demo_interventies() if s.code == "czv-kind"]
    gewoon = synth.genereer_regio(seed=3, schaal=0.05, interventies=kind)
    beide = synth.genereer_regio(seed=3, schaal=0.05, interventies=kind, bmi_meting="beide",
                                 groeireferentie_map=REFERENTIES)
    ruw = synth.genereer_regio(seed=3, schaal=0.05, interventies=kind, bmi_meting="ruw",
                               groeireferentie_map=REFERENTIES)
    for naam, df in gewoon.tabellen.items():
        pd.testing.assert_frame_equal(beide.tabellen[naam][list(df.columns)], df)
    assert "bmi_z" not in ruw.tabellen["metingen"] and "lengte_cm" in ruw.tabellen["metingen"]
    m, d = beide.tabellen["metingen"], beide.tabellen["deelnemers"]
    m = m.assign(leeftijd_meting=afleiden.leeftijd_bij_meting(m, d))
    z = groei.bmi_z(gewicht_kg=m["gewicht_kg"], lengte_cm=m["lengte_cm"],
                    leeftijd_jaren=m["leeftijd_meting"],
                    geslacht=m["pseudo_id"].map(d.set_index("pseudo_id")["geslacht"]),
                    referentie=groei.laad_referentie("nl1997", REFERENTIES))["bmi_z"]
    beide_ok = z.notna() & m["bmi_z"].notna()
    assert beide_ok.sum() > 20
    assert (z[beide_ok] - m.loc[beide_ok, "bmi_z"]).abs().max() < 0.03
    info = beide.waarheid["interventies"]["czv-kind"]["bmi_meting"]
    assert info["referentie"] == NL1997 and info["max_verschil_bmi_z_uit_lengte_gewicht"] < 0.03


def test_synthetic_raw_measures_without_references_give_the_clear_error():
    with pytest.raises(groei.ReferentieFout, match="afgeleide_maten.groeireferentie_map"):
        synth.genereer_regio(seed=3, schaal=0.05, bmi_meting="ruw")


def test_delivered_bmi_and_z_without_directory_are_used_unchecked_and_say_so():
    t = _tabellen(lengte=False, bmi_z=[2.1, 2.0, 1.5, 1.4, np.nan, np.nan, np.nan])
    t["metingen"].loc[:3, "bmi"] = [21.0, 21.2, 26.0, 25.5]
    uit, rijen = afleiden.leid_af(t, _config())
    m = uit["metingen"]
    assert list(m.loc[:3, "bmi_z"]) == [2.1, 2.0, 1.5, 1.4]
    assert m.loc[0, "gewichtsstatus"] is None
    assert "IOTF-afkappunten niet geladen" in m.loc[0, "gewichtsstatus_reden_ontbrekend"]
    assert list(_rijen(rijen, "bmi_z_overeenstemming").values()) == [4]
    assert any("IOTF-afkappunten niet geladen" in k and n == 4
               for k, n in _rijen(rijen, "gewichtsstatus_ontbrekend").items())
