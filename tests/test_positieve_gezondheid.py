"""Tests voor evaluatie.positieve_gezondheid (scoring uit itemantwoorden).

De verwachte waarden zijn gewone gemiddelden; de R-aanroep staat erbij als controle.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from evaluatie.positieve_gezondheid import (
    INSTRUMENTEN_MAP,
    InstrumentFout,
    controleer_pg_overeenstemming,
    laad_instrument,
    scoor_positieve_gezondheid,
)

DIMENSIES = [
    "lichaamsfuncties",
    "mentaal_welbevinden",
    "zingeving",
    "kwaliteit_van_leven",
    "meedoen",
    "dagelijks_functioneren",
]


@pytest.fixture(scope="module")
def pg42():
    return laad_instrument("pg42")


def _items(pg42) -> pd.DataFrame:
    """Drie invullingen: volledig, deels, leeg."""
    volledig = {
        "lichaamsfuncties": [7, 8, 6, 9, 5, 7, 8],
        "mentaal_welbevinden": [6] * 7,
        "zingeving": [10, 9, 8, 7, 6, 5, 4],
        "kwaliteit_van_leven": [5] * 7,
        "meedoen": [3, 4, 5, 6, 7, 8, 9],
        "dagelijks_functioneren": [0, 10, 0, 10, 0, 10, 0],
    }
    nan = np.nan
    deels = dict(volledig)
    deels["lichaamsfuncties"] = [7, 8, 6, 9, nan, nan, nan]  # 4 van 7
    deels["mentaal_welbevinden"] = [nan, 4, nan, 5, nan, 9, nan]  # 3 van 7
    rijen = []
    for antwoorden in (volledig, deels, {d: [nan] * 7 for d in DIMENSIES}):
        rij: dict[str, float] = {}
        for d in DIMENSIES:
            rij.update(zip(pg42.dimensies[d].items, antwoorden[d], strict=True))
        rijen.append(rij)
    df = pd.DataFrame(rijen, index=pd.Index([101, 102, 103]))
    df.insert(0, "meetmoment", ["T0", "T0", "T1"])
    df.insert(0, "pseudo_id", ["a", "b", "c"])
    return df


def test_instrumentdefinitie_pg42(pg42):
    assert pg42.id == "pg42"
    assert list(pg42.dimensies) == DIMENSIES
    assert all(len(d.items) == 7 for d in pg42.dimensies.values())
    assert len(set(pg42.alle_items)) == 42
    assert all(re.fullmatch(r"pg42_(lf|mw|zi|kl|md|df)_0[1-7]", i) for i in pg42.alle_items)
    assert (pg42.schaal_min, pg42.schaal_max) == (0.0, 10.0)
    assert [d.kolom for d in pg42.dimensies.values()] == [f"pg_{d}" for d in DIMENSIES]
    assert pg42.totaal_kolom == "pg_totaal"
    assert pg42.bevestigd and pg42.minimum_items == 4
    assert "Huber" in pg42.bron


def test_alle_instrumentdefinities_laden():
    ids = sorted(p.stem for p in INSTRUMENTEN_MAP.glob("*.yaml"))
    assert {"pg42", "pgkind", "ph17"} <= set(ids)
    for i in ids:
        ins = laad_instrument(i)
        assert ins.id == i
        assert len(ins.dimensies) == 6
    assert laad_instrument("pgkind").bevestigd is False
    assert laad_instrument("ph17").bevestigd is False


def test_scoring_volledig_en_deels(pg42):
    res = scoor_positieve_gezondheid(_items(pg42), pg42)
    assert list(res.index) == [101, 102, 103]
    assert list(res.columns) == [
        "pseudo_id",
        "meetmoment",
        *[f"pg_{d}" for d in DIMENSIES],
        "pg_totaal",
        "pg_instrument",
        *[f"aantal_items_{d}" for d in DIMENSIES],
        "reden_ontbrekend_pg",
    ]
    r1 = res.loc[101]
    # R: mean(c(7, 8, 6, 9, 5, 7, 8))  -> 7.142857
    assert r1["pg_lichaamsfuncties"] == pytest.approx(50 / 7)
    # R: mean(c(10, 9, 8, 7, 6, 5, 4))  -> 7
    assert r1["pg_zingeving"] == pytest.approx(7.0)
    # R: mean(c(0, 10, 0, 10, 0, 10, 0))  -> 4.285714
    assert r1["pg_dagelijks_functioneren"] == pytest.approx(30 / 7)
    # R: mean(c(50/7, 6, 7, 5, 6, 30/7))  -> 5.904762
    assert r1["pg_totaal"] == pytest.approx(5.904761904761905, abs=1e-12)
    assert r1["reden_ontbrekend_pg"] == ""

    r2 = res.loc[102]
    # 4 van 7 beantwoord (minimum 4): R: mean(c(7, 8, 6, 9)) -> 7.5
    assert r2["pg_lichaamsfuncties"] == pytest.approx(7.5)
    assert r2["aantal_items_lichaamsfuncties"] == 4
    # 3 van 7 beantwoord: onder het minimum -> leeg, en dus ook geen totaal
    assert np.isnan(r2["pg_mentaal_welbevinden"])
    assert r2["aantal_items_mentaal_welbevinden"] == 3
    assert np.isnan(r2["pg_totaal"])
    assert r2["reden_ontbrekend_pg"] == (
        "mentaal_welbevinden: 3 van 7 items beantwoord (minimum 4)"
    )

    r3 = res.loc[103]
    assert all(np.isnan(r3[f"pg_{d}"]) for d in DIMENSIES)
    assert all(r3[f"aantal_items_{d}"] == 0 for d in DIMENSIES)
    assert (res["pg_instrument"] == "pg42 2016 (42 vragen)").all()
    # aantallen zijn rij-niveau en volgen bewust NIET de n_-conventie
    assert not any(k.startswith("n_") or k == "n" for k in res.columns)


def test_minimum_items_instelbaar(pg42):
    items = _items(pg42)
    # R: mean(c(4, 5, 9)) -> 6
    res = scoor_positieve_gezondheid(items, pg42, minimum_items=3)
    assert res.loc[102, "pg_mentaal_welbevinden"] == pytest.approx(6.0)
    assert not np.isnan(res.loc[102, "pg_totaal"])
    res = scoor_positieve_gezondheid(items, pg42, minimum_items={"pg_mentaal_welbevinden": 3})
    assert res.loc[102, "pg_mentaal_welbevinden"] == pytest.approx(6.0)
    res = scoor_positieve_gezondheid(items, pg42, minimum_items=5)
    assert np.isnan(res.loc[102, "pg_lichaamsfuncties"])  # 4 < 5
    with pytest.raises(ValueError, match="tussen 1 en 7"):
        scoor_positieve_gezondheid(items, pg42, minimum_items=8)
    with pytest.raises(ValueError, match="onbekende dimensies"):
        scoor_positieve_gezondheid(items, pg42, minimum_items={"geluk": 2})


def test_rijvolgorde_doet_er_niet_toe(pg42):
    items = _items(pg42)
    gewoon = scoor_positieve_gezondheid(items, pg42)
    geschud = scoor_positieve_gezondheid(items.sample(frac=1, random_state=1), pg42)
    pd.testing.assert_frame_equal(gewoon, geschud.loc[gewoon.index])


def test_ongeldige_antwoorden_en_ontbrekende_kolommen(pg42):
    items = _items(pg42)
    fout = items.copy()
    fout.loc[101, "pg42_zi_03"] = 11
    with pytest.raises(ValueError, match=r"pg42_zi_03 \(1x\)"):
        scoor_positieve_gezondheid(fout, pg42)
    with pytest.raises(InstrumentFout, match="pg42_md_07"):
        scoor_positieve_gezondheid(items.drop(columns="pg42_md_07"), pg42)


def test_onbevestigde_instrumenten():
    kind = laad_instrument("pgkind")
    with pytest.raises(InstrumentFout, match="niet bevestigd"):
        scoor_positieve_gezondheid(pd.DataFrame(columns=kind.alle_items), kind)
    df = pd.DataFrame({i: [5.0] for i in kind.alle_items})
    res = scoor_positieve_gezondheid(df, kind, sta_onbevestigd_toe=True)
    assert res.loc[0, "pg_totaal"] == 5.0
    assert res.loc[0, "pg_instrument"].endswith("(onbevestigd)")
    ph17 = laad_instrument("ph17")
    with pytest.raises(InstrumentFout, match="geen items"):
        scoor_positieve_gezondheid(pd.DataFrame(), ph17, sta_onbevestigd_toe=True)


def test_onbekend_instrument():
    with pytest.raises(InstrumentFout, match="niet gevonden"):
        laad_instrument("pg99")


def test_controleer_pg_overeenstemming(pg42):
    berekend = scoor_positieve_gezondheid(_items(pg42), pg42)
    geleverd = berekend.copy()
    dimkol = [f"pg_{d}" for d in DIMENSIES] + ["pg_totaal"]
    geleverd[dimkol] = geleverd[dimkol].round(1)  # op één decimaal afgerond geleverd
    assert controleer_pg_overeenstemming(geleverd, berekend).empty
    geleverd.loc[101, "pg_zingeving"] = 7.3
    geleverd.loc[102, "pg_mentaal_welbevinden"] = 5.0  # geleverd, maar te weinig items
    geleverd.loc[102, "pg_lichaamsfuncties"] = np.nan  # niet geleverd: geen afwijking
    res = controleer_pg_overeenstemming(geleverd, berekend, tolerantie=0.05)
    assert list(res.columns) == [
        "rij",
        "pseudo_id",
        "meetmoment",
        "kolom",
        "geleverd",
        "berekend",
        "verschil",
        "probleem",
    ]
    assert len(res) == 2
    rij = res.set_index("kolom").loc["pg_zingeving"]
    assert rij["rij"] == 101 and rij["pseudo_id"] == "a"
    assert rij["verschil"] == pytest.approx(0.3)
    assert rij["probleem"] == "verschil groter dan tolerantie"
    rij = res.set_index("kolom").loc["pg_mentaal_welbevinden"]
    assert rij["probleem"] == "geleverd, maar niet te berekenen"
    with pytest.raises(ValueError, match="index"):
        controleer_pg_overeenstemming(geleverd.reset_index(drop=True), berekend)
