"""Tests voor evaluatie.quintuple en evaluatie.figuren_quintuple.

De indicatoren worden getoetst tegen de bekende waarheid van de synthetische regio
(``waarheid.json`` van :mod:`evaluatie.synth`, plus de vaste wijkgewichten van de generator);
de intervallen tegen R (prop.test, t.test) en Newcombe (1998).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy import stats

from evaluatie import beschrijving, quintuple, synth
from evaluatie.figuren_quintuple import figuur_vijf_doelen, kernindicatoren

KOSTEN = {"maanden_voor": 12, "maanden_na": 12, "n_resamples": 2000, "seed": 7,
          "gegevens_vanaf": None, "did_cluster": "pseudo_id"}


# ---------------------------------------------------------------------------------------------
# Bouwstenen tegen R en de literatuur
# ---------------------------------------------------------------------------------------------


def test_wilson_tegen_r_prop_test():
    # R: prop.test(56, 70, correct = FALSE)$conf.int -> 0.6918335550 0.8769526075
    assert quintuple.wilson(56, 70) == pytest.approx((0.6918335550, 0.8769526075), abs=1e-9)


def test_newcombe_tegen_newcombe_1998_en_r():
    # Newcombe (1998) tabel II, voorbeeld (a), methode 10: 0,0524 tot 0,3339.
    # R (tests: zelfde formule uit prop.test-Wilsongrenzen) -> 0.0524314724 0.3338726540
    d, o, b = quintuple.newcombe_verschil(56, 70, 48, 80)
    assert d == pytest.approx(0.2)
    assert (o, b) == pytest.approx((0.0524314724, 0.3338726540), abs=1e-9)


def test_welch_kloof_tegen_r_t_test():
    x1 = np.array([0.2, -0.4, 1.1, 0.5, -0.3, 0.9, 0.05])
    x2 = np.array([0.1, 0.0, -0.6, -0.2, 0.3, -0.9, -0.1, 0.4, -0.35])
    # R: t.test(x1, x2, var.equal = FALSE)$conf.int -> -0.1255571142 1.0112713999
    d, o, b = quintuple.kloof_welch(x1.mean(), x1.std(ddof=1), 7, x2.mean(), x2.std(ddof=1), 9)
    assert d == pytest.approx(x1.mean() - x2.mean())
    assert (o, b) == pytest.approx((-0.1255571142, 1.0112713999), abs=1e-8)


@pytest.mark.parametrize(("waarde", "onder", "boven", "streef", "richting", "kleur"), [
    (7.6, 7.2, 8.0, 7.5, "hoger_beter", "groen"),
    (7.5, 7.2, 8.0, 7.5, "hoger_beter", "groen"),       # grens telt als gehaald
    (7.3, 7.0, 7.6, 7.5, "hoger_beter", "oranje"),      # mist, interval bevat de streefwaarde
    (7.0, 6.8, 7.2, 7.5, "hoger_beter", "rood"),
    (-120.0, -300.0, 60.0, -100.0, "lager_beter", "groen"),
    (-50.0, -150.0, 50.0, -100.0, "lager_beter", "oranje"),
    (50.0, 10.0, 90.0, -100.0, "lager_beter", "rood"),
    (50.0, np.nan, np.nan, 60.0, "hoger_beter", "rood"),  # geen interval: mist = rood
    (7.6, 7.2, 8.0, None, "hoger_beter", ""),            # geen streefwaarde: geen kleur
    (np.nan, np.nan, np.nan, 7.0, "hoger_beter", ""),
])
def test_stoplicht(waarde, onder, boven, streef, richting, kleur):
    assert quintuple.stoplicht(waarde, onder, boven, streef, richting) == kleur


def test_register_dekt_vijf_doelen_met_volledige_definities():
    reg = quintuple.register()
    assert {i.doel_nr for i in reg.values()} == {1, 2, 3, 4, 5}
    for i in reg.values():
        assert i.naam and i.definitie and i.bron and i.eenheid
        assert i.richting in ("hoger_beter", "lager_beter")
        assert i.streefwaarde is None  # het project verzint geen streefwaarden
    verplicht = {"bmi_z_verandering", "pg_verandering", "rapportcijfer", "nps", "kosten_verschil",
                 "kosten_did", "werkplezier", "uitval_ses", "bereik_lage_ses"}
    assert verplicht <= set(reg)


# ---------------------------------------------------------------------------------------------
# Tegen de waarheid van de synthetische regio
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def regio() -> synth.Dataset:
    return synth.genereer_regio(seed=3, schaal=1.0)


def _bereken(ds: synth.Dataset, eenheid: str, **extra) -> pd.DataFrame:
    t = ds.tabellen
    dln = t["deelnemers"]
    if eenheid != quintuple.REGIO:
        dln = dln[dln["interventie"] == eenheid]
        prof = t["professionals"][t["professionals"]["interventie"] == eenheid]
    else:
        prof = t["professionals"]
    return quintuple.bereken_indicatoren(
        eenheid, dln, beschrijving.voeg_pg_totaal_toe(t["metingen"]), t["ervaringen"], prof,
        t["wijken"], t["zorgkosten"], pre="T0", post="T2", kosten_instellingen=KOSTEN,
        peildatum=synth.PEILDATUM, jaar=2026, **extra)


@pytest.fixture(scope="module")
def per_interventie(regio) -> dict[str, pd.DataFrame]:
    return {i: _bereken(regio, i) for i in regio.waarheid["interventies"]}


def _rij(tabel: pd.DataFrame, indicator: str, groep: str = "alle") -> pd.Series:
    sub = tabel[(tabel["indicator"] == indicator) & (tabel["groep"] == groep)]
    assert len(sub) == 1, (indicator, groep)
    return sub.iloc[0]


def _dekt(rij: pd.Series, waarheid: float) -> None:
    assert rij["status"] == "ok", rij["reden"]
    assert rij["ci95_onder"] <= waarheid <= rij["ci95_boven"], (
        rij["indicator"], rij["waarde"], rij["ci95_onder"], rij["ci95_boven"], waarheid)


def _kosten_waarheid(w: dict) -> float:
    return sum(w["kosten_verwacht_per_jaar"][d] * (w["kosten_factor_na_start"][d] - 1)
               for d in w["kosten_verwacht_per_jaar"])


def test_gezondheid_tegen_waarheid(regio, per_interventie):
    w = regio.waarheid["interventies"]
    _dekt(_rij(per_interventie["czv-kind"], "bmi_z_verandering"), w["czv-kind"]["effect"]["bmi_z"]["T2"])
    for i in ("leefstijlloket", "gezinsregie", "groepsconsulten"):
        _dekt(_rij(per_interventie[i], "pg_verandering"), w[i]["effect_pg_totaal"]["T2"])
    # volwassenen hebben geen BMI z-score: een rij met de reden, geen getal
    r = _rij(per_interventie["leefstijlloket"], "bmi_z_verandering")
    assert r["status"] == "niet_te_berekenen" and "niet gemeten" in r["reden"]


def test_ervaring_tegen_waarheid(regio, per_interventie):
    # aanbevelen = round(N(8; 1,6)) afgekapt op 0-10: promotor bij X >= 8,5, criticaster bij X < 6,5
    nps = 100 * (stats.norm.sf(8.5, 8, 1.6) - stats.norm.cdf(6.5, 8, 1.6))
    for i, w in regio.waarheid["interventies"].items():
        _dekt(_rij(per_interventie[i], "rapportcijfer"), w["rapportcijfer"])
        _dekt(_rij(per_interventie[i], "nps"), nps)


def test_zorgkosten_tegen_waarheid(regio, per_interventie):
    w = regio.waarheid["interventies"]
    for i in w:
        _dekt(_rij(per_interventie[i], "kosten_verschil"), _kosten_waarheid(w[i]))
    gz = per_interventie["gezinsregie"]
    # groot, echt effect: het interval sluit 0 uit
    assert _rij(gz, "kosten_verschil")["ci95_boven"] < 0
    # de vergelijkingsgroep heeft factor 1: het DiD schat hetzelfde effect
    did = _rij(gz, "kosten_did")
    _dekt(did, _kosten_waarheid(w["gezinsregie"]))
    # elk aantal in de kolom van zijn soort: interventie- en vergelijkingsgroep
    assert did["n_deelnemers"] > 0 and did["n_vergelijking"] > 0
    assert pd.isna(did["n"]) and pd.isna(did["n_paren"]) and pd.isna(did["n_teller"])
    verschil = _rij(gz, "kosten_verschil")
    assert verschil["n_deelnemers"] == did["n_deelnemers"] and pd.isna(verschil["n_vergelijking"])
    # zonder vergelijkingsgroep geen DiD, met reden
    r = _rij(per_interventie["czv-kind"], "kosten_did")
    assert r["status"] == "niet_te_berekenen" and "vergelijkingsgroep" in r["reden"]


def test_werkplezier_tegen_waarheid(per_interventie):
    # synth: werkplezier ~ round(N(7,3 + 0,1 (jaar − 2024); 0,9)); het laatste jaar is 2026
    for tabel in per_interventie.values():
        r = _rij(tabel, "werkplezier")
        _dekt(r, 7.5)
        assert r["jaar"] == 2026  # het uitvraagjaar is een sleutel, geen toelichting
        assert r["n"] > 0 and pd.isna(r["n_paren"])


def test_gelijkheid_tegen_waarheid(regio, per_interventie):
    r = _bereken(regio, quintuple.REGIO)
    # bereik: lage-SES-wijken krijgen gewicht 1,6 (3 van de 10 wijken)
    wijken = pd.DataFrame(synth.WIJKEN, columns=["wijk", "naam", "ses", "score", "inwoners"])
    laag = wijken["ses"] == "laag"
    waarheid = (1.6 * laag.sum() / (1.6 * laag.sum() + (~laag).sum())) / (
        wijken.loc[laag, "inwoners"].sum() / wijken["inwoners"].sum())
    _dekt(_rij(r, "bereik_lage_ses"), waarheid)
    # uitval: logit +0,6 bij laag, −0,4 bij hoog: laag valt vaker uit dan hoog
    kloof = _rij(r, "uitval_ses", "kloof_laag_hoog")
    assert kloof["ci95_onder"] > 0
    pct = [_rij(r, "uitval_ses", f"ses_{g}")["waarde"] for g in ("laag", "midden", "hoog")]
    assert pct[0] > pct[1] > pct[2]
    # geen effectheterogeniteit binnen een interventie: de kloof in verandering is daar 0 (gepoold
    # over interventies niet: de SES-groepen verschillen in uitval en dus in de mix van interventies)
    _dekt(_rij(per_interventie["leefstijlloket"], "pg_verandering_ses", "kloof_laag_hoog"), 0.0)
    _dekt(_rij(per_interventie["czv-kind"], "bmi_z_verandering_ses", "kloof_laag_hoog"), 0.0)
    # de regio heeft geen DiD
    assert _rij(r, "kosten_did")["reden"] == "niet voor de regio als geheel"


def test_onafhankelijk_van_rijvolgorde(regio, per_interventie):
    t = {k: v.sample(frac=1.0, random_state=1).reset_index(drop=True) for k, v in regio.tabellen.items()}
    geschud = _bereken(synth.Dataset(t, regio.waarheid), "gezinsregie")
    pd.testing.assert_frame_equal(geschud, per_interventie["gezinsregie"])


def test_stoplicht_alleen_met_streefwaarde(regio, per_interventie):
    zonder = per_interventie["leefstijlloket"]
    assert (zonder["stoplicht"] == "").all()
    met = _bereken(regio, "leefstijlloket", streefwaarden={"rapportcijfer": 7.0, "werkplezier": 9.5})
    assert _rij(met, "rapportcijfer")["stoplicht"] == "groen"
    assert _rij(met, "werkplezier")["stoplicht"] == "rood"
    assert _rij(met, "nps")["stoplicht"] == ""
    with pytest.raises(ValueError, match="onbekende indicator"):
        _bereken(regio, "leefstijlloket", streefwaarden={"tevredenheid": 7.0})


# ---------------------------------------------------------------------------------------------
# Tabelvorm: kolommen, aantallen per soort, overgenomen schattingen, regiotabel
# ---------------------------------------------------------------------------------------------


def test_kolommen_en_aantallen_per_soort(per_interventie):
    assert quintuple.KOLOMMEN == [
        "interventie", "indicator", "doel_nr", "doel", "naam", "groep", "uitkomst", "pre", "post",
        "jaar", "waarde", "ci95_onder", "ci95_boven", "n", "n_paren", "n_deelnemers",
        "n_vergelijking", "n_teller", "eenheid", "richting", "decimalen", "streefwaarde",
        "stoplicht", "status", "reden"]
    t = per_interventie["czv-kind"]
    assert list(t.columns) == quintuple.KOLOMMEN
    for k in quintuple.TELKOLOMMEN:
        assert str(t[k].dtype) == "Int64", k
    assert str(t["jaar"].dtype) == "Int64"

    def gevuld(indicator: str, groep: str = "alle") -> set[str]:
        r = _rij(t, indicator, groep)
        return {k for k in quintuple.TELKOLOMMEN if pd.notna(r[k])}

    assert gevuld("bmi_z_verandering") == {"n_paren"}  # de completers van voor_na
    assert gevuld("bmi_z_verandering_ses", "ses_laag") == {"n"}
    assert gevuld("rapportcijfer") == gevuld("nps") == gevuld("werkplezier") == {"n"}
    assert gevuld("kosten_verschil") == gevuld("kosten_verschil_pct") == {"n_deelnemers"}
    assert gevuld("uitval_ses", "ses_hoog") == {"n", "n_teller"}
    assert gevuld("bereik_lage_ses") == {"n", "n_teller"}
    # sleutels van de gezondheidsindicatoren; leeg elders (geen NaN)
    bmi = _rij(t, "bmi_z_verandering")
    assert (bmi["uitkomst"], bmi["pre"], bmi["post"]) == ("bmi_z", "T0", "T2")
    assert (t.loc[t["indicator"] == "nps", ["uitkomst", "pre", "post"]] == "").all().all()
    # uitvallers per SES-groep: teller ≤ noemer; de kloof rust op laag + hoog
    u = t[t["indicator"] == "uitval_ses"].set_index("groep")
    assert (u.loc[["ses_laag", "ses_midden", "ses_hoog"], "n_teller"]
            <= u.loc[["ses_laag", "ses_midden", "ses_hoog"], "n"]).all()
    assert u.loc["kloof_laag_hoog", "n"] == u.loc["ses_laag", "n"] + u.loc["ses_hoog", "n"]
    assert "toelichting" not in t and "n_kleinste_groep" not in t


def test_overgenomen_schattingen_worden_niet_opnieuw_berekend(regio, per_interventie):
    """Estimates another analysis already made (completers of voor_na, cost rows of kosten)
    are copied, number for number; the rest is computed as before."""
    bmi = {"verschil": -0.123, "ci95_onder": -0.2, "ci95_boven": -0.05, "n_paren": 77}
    kt = {"gemiddeld_verschil": -321.0, "ci95_onder": -400.0, "ci95_boven": -250.0,
          "n_deelnemers": 88, "verschil_pct": -12.5, "reden": ""}
    did = {"schatting": -150.0, "ci95_onder": -300.0, "ci95_boven": 0.5, "n_interventie": 88,
           "n_vergelijking": 66, "reden": ""}
    t = _bereken(regio, "gezinsregie", overgenomen={"pg_totaal": bmi, "kostentabel": kt, "did": did})
    pg = _rij(t, "pg_verandering")
    assert (pg["waarde"], pg["ci95_onder"], pg["ci95_boven"], pg["n_paren"]) == (-0.123, -0.2, -0.05, 77)
    kv = _rij(t, "kosten_verschil")
    assert (kv["waarde"], kv["ci95_onder"], kv["ci95_boven"], kv["n_deelnemers"]) == (
        -321.0, -400.0, -250.0, 88)
    assert _rij(t, "kosten_verschil_pct")["waarde"] == -12.5
    d = _rij(t, "kosten_did")
    assert (d["waarde"], d["ci95_onder"], d["ci95_boven"], d["n_deelnemers"], d["n_vergelijking"]) == (
        -150.0, -300.0, 0.5, 88, 66)
    # what is not handed over is computed as without overgenomen
    zonder = per_interventie["gezinsregie"]
    for ind, groep in (("pg_verandering_ses", "ses_laag"), ("rapportcijfer", "alle"),
                       ("uitval_ses", "kloof_laag_hoog"), ("werkplezier", "alle")):
        pd.testing.assert_series_equal(_rij(t, ind, groep), _rij(zonder, ind, groep))
    # no comparison group handed over: a row with the reason
    t = _bereken(regio, "czv-kind", overgenomen={"kostentabel": kt, "did": None})
    r = _rij(t, "kosten_did")
    assert r["status"] == "niet_te_berekenen" and r["reden"] == "geen vergelijkingsgroep in de data"


def test_regiotabel_voegt_samen_zonder_te_onderdrukken(regio, per_interventie):
    r = _bereken(regio, quintuple.REGIO)
    leeg = per_interventie["czv-kind"].iloc[0:0]
    t = quintuple.regiotabel([per_interventie["czv-kind"], leeg, per_interventie["gezinsregie"]], r)
    assert list(t.columns) == quintuple.KOLOMMEN
    assert list(dict.fromkeys(t["interventie"])) == ["czv-kind", "gezinsregie", quintuple.REGIO]
    # the rows as computed, nothing hidden (disclosure control is the engine's, for the region)
    delen = [per_interventie["czv-kind"], per_interventie["gezinsregie"], r]
    pd.testing.assert_frame_equal(t, pd.concat(delen, ignore_index=True))
    assert "onderdrukt" not in t and "onderdrukking" not in t
    # pooled: the region's SES groups hold the started participants of all interventies
    ses = t[(t["indicator"] == "uitval_ses") & (t["groep"] == "ses_laag")].set_index("interventie")["n"]
    d = regio.tabellen["deelnemers"]
    d = d[(d["onderzoeksgroep"].fillna("interventie") == "interventie") & d["startdatum"].notna()]
    assert ses[quintuple.REGIO] == (d.drop_duplicates("pseudo_id")["ses_groep"] == "laag").sum()
    assert ses[quintuple.REGIO] > ses["czv-kind"] + ses["gezinsregie"]


# ---------------------------------------------------------------------------------------------
# Figuur
# ---------------------------------------------------------------------------------------------


def test_figuur_vijf_assen_uit_publiceerbare_tabel(per_interventie):
    tabel = per_interventie["czv-kind"]
    kern = kernindicatoren(tabel)
    assert kern["doel_nr"].tolist() == [1, 2, 3, 4, 5]
    assert kern.loc[0, "indicator"] == "bmi_z_verandering"
    fig = figuur_vijf_doelen(tabel)
    assert isinstance(fig, Figure) and len(fig.axes) == 5
    with pytest.raises(ValueError, match="pseudo_id"):
        figuur_vijf_doelen(tabel.assign(pseudo_id="X"))
