"""The synthetic demo region: deterministic, realistic in shape, and true to its truth file."""

import json

import numpy as np
import pandas as pd

from evaluatie import synth


def test_same_seed_same_data_and_other_seed_other_data():
    a = synth.genereer_regio(seed=3, schaal=0.05)
    b = synth.genereer_regio(seed=3, schaal=0.05)
    c = synth.genereer_regio(seed=4, schaal=0.05)
    for naam in a.tabellen:
        pd.testing.assert_frame_equal(a.tabellen[naam], b.tabellen[naam])
    assert not a.tabellen["metingen"].equals(c.tabellen["metingen"])


def test_four_interventies_with_realistic_sizes_and_three_meetmomenten():
    ds = synth.genereer_regio()
    d = ds.tabellen["deelnemers"]
    n = d[d["onderzoeksgroep"] == "interventie"].groupby("interventie").size()
    assert set(n.index) == {"czv-kind", "leefstijlloket", "gezinsregie", "groepsconsulten"}
    assert n.between(200, 5000).all()
    assert set(ds.tabellen["metingen"]["meetmoment"]) == {"T0", "T1", "T2"}
    # children in the children's interventie, adults elsewhere
    assert d.loc[d["interventie"] == "czv-kind", "leeftijd_start"].max() < 18
    assert d.loc[d["interventie"] == "leefstijlloket", "leeftijd_start"].min() >= 18


def test_scale_multiplies_cohorts():
    klein = synth.genereer_regio(schaal=0.1).tabellen["deelnemers"]
    groot = synth.genereer_regio(schaal=1).tabellen["deelnemers"]
    assert 8 < len(groot) / len(klein) < 12


def test_dropout_depends_on_ses_and_costs_are_skewed_with_many_zeros():
    ds = synth.genereer_regio(schaal=2)
    d = ds.tabellen["deelnemers"]
    gestart = d[(d["onderzoeksgroep"] == "interventie") & d["status"].isin(["afgerond", "uitgevallen"])]
    uitval = gestart.groupby("ses_groep")["status"].apply(lambda s: (s == "uitgevallen").mean())
    assert uitval["laag"] > uitval["midden"] > uitval["hoog"]
    k = ds.tabellen["zorgkosten"]
    per_persoon = k.groupby(["pseudo_id", "kostendomein"])["bedrag_eur"].sum()
    assert per_persoon.mean() > 1.5 * per_persoon.median()  # right-skewed
    # many zeros: in most quarters a participant has no cost in a domain
    n_kwartalen_domeinen = d["startdatum"].notna().sum() * 8 * 5  # ≥ 5 domains, 8 quarters
    assert len(k) < 0.5 * n_kwartalen_domeinen


def test_truth_file_states_the_effects_and_the_data_show_them(tmp_path):
    ds = synth.genereer_regio(schaal=2)
    synth.schrijf(ds, tmp_path)
    w = json.loads((tmp_path / "waarheid.json").read_text("utf-8"))
    effect = w["interventies"]["leefstijlloket"]["effect"]["bmi"]["T2"]
    m = ds.tabellen["metingen"]
    ll = set(ds.tabellen["deelnemers"].query("interventie == 'leefstijlloket'")["pseudo_id"])
    breed = m[m["pseudo_id"].isin(ll)].pivot(index="pseudo_id", columns="meetmoment", values="bmi")
    verschil = (breed["T2"] - breed["T0"]).dropna()
    se = verschil.std() / np.sqrt(len(verschil))
    assert abs(verschil.mean() - effect) < 4 * se
