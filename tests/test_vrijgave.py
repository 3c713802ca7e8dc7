"""The release of whole regions: nothing below the threshold can be derived from all released
tables together, for regions built to tempt an attacker (groups of 1–9, one person without
costs), checked three ways: the engine's own checker, an attacker that ignores the
specifications (tests/aanvaller.py), and targeted subtractions."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from aanvaller import val_aan
from fixtures.vrijgave import MIN_N, NAMEN, regio, vrijgeven
from fixtures.vrijgave import config as _config

from evaluatie import analyses, contract, disclosure
from evaluatie import config as cfg
from evaluatie.disclosure.vrijgave import controleer_map


def _controles(vrijgave: Path, config: dict) -> None:
    inst = disclosure.instellingen(config)
    assert controleer_map(vrijgave, inst, analyses.specificaties(config)) == []
    gevonden = val_aan(vrijgave, MIN_N)
    assert all(not v for v in gevonden.values()), {k: v[:5] for k, v in gevonden.items() if v}


@pytest.fixture(scope="module")
def kleine_groepen(tmp_path_factory) -> tuple[Path, dict]:
    """A region whose interventies and categories hold 1–9 people: czv-kind has 7
    registrations in all, the others small enough for many categories under 10."""
    werk = tmp_path_factory.mktemp("klein")
    ds = regio(3, {"czv-kind": 7, "leefstijlloket": 45, "gezinsregie": 30, "groepsconsulten": 60},
                n_vergelijking=25)
    config = _config(werk, list(NAMEN))
    return vrijgeven(werk, ds, config), config


def test_small_groups_region_releases_nothing_derivable(kleine_groepen):
    vrijgave, config = kleine_groepen
    _controles(vrijgave, config)
    # czv-kind has 7 people in all: every count of it is withheld, and the region total of
    # registrations does not give it away either
    stroom = contract.lees(vrijgave / "czv-kind", "uitval", "stroom")
    assert (stroom["n"].isna() | (stroom["n"] == 0)).all()
    dk = contract.lees(vrijgave / "regio", "invoer", "datakwaliteit").set_index("tabel")
    aangemeld = {i: contract.lees(vrijgave / i, "uitval", "stroom").query("stap == 'aangemeld'")["n"].iloc[0]
                 for i in config["interventies"]}
    zichtbaar = [v for v in aangemeld.values() if not pd.isna(v)]
    if not pd.isna(dk.loc["deelnemers", "n_rijen"]) and len(zichtbaar) == len(aangemeld) - 1:
        # everyone but czv-kind shown: the total minus the others must not be a small number
        rest = dk.loc["deelnemers", "n_rijen"] - sum(zichtbaar)
        assert rest == 0 or rest >= MIN_N


def test_small_groups_region_reports_show_onderdrukt_not_small_numbers(kleine_groepen):
    vrijgave, _ = kleine_groepen
    for pad in vrijgave.rglob("*.csv"):
        df = pd.read_csv(pad, dtype=str, keep_default_na=False)
        for k in [k for k in df.columns if k == "n" or k.startswith("n_")]:
            w = pd.to_numeric(df[k], errors="coerce")
            assert not ((w > 0) & (w < MIN_N)).any(), (pad, k)
        assert "onderdrukking" in df.columns
        assert not df["onderdrukking"].str.contains("primair|secundair").any(), pad


@pytest.fixture(scope="module")
def een_zonder_kosten(tmp_path_factory) -> tuple[Path, dict, pd.DataFrame]:
    """Gezinsregie where everyone has costs after the start except one participant."""
    werk = tmp_path_factory.mktemp("kosten")
    ds = regio(8, {"gezinsregie": 120}, n_vergelijking=120)
    d, zk = ds.tabellen["deelnemers"], ds.tabellen["zorgkosten"]
    groep = d.set_index("pseudo_id")["onderzoeksgroep"].fillna("interventie")
    start = pd.to_datetime(d.set_index("pseudo_id")["startdatum"])
    zk_start = zk["pseudo_id"].map(start)
    na = pd.to_datetime(zk["periode_start"]) >= zk_start
    int_na = zk[na & (zk["pseudo_id"].map(groep) == "interventie")]
    assert int_na["pseudo_id"].nunique() > 50
    # someone whose cost windows are complete (started more than a year before the peildatum)
    compleet = start[start <= pd.Timestamp("2026-10-31") - pd.DateOffset(months=13)].index
    wie = sorted(set(int_na["pseudo_id"]) & set(compleet))[0]
    zk = zk[~(na & (zk["pseudo_id"] == wie))].reset_index(drop=True)
    ds = dataclasses.replace(ds, tabellen={**ds.tabellen, "zorgkosten": zk})
    config = _config(werk, ["gezinsregie"])
    return vrijgeven(werk, ds, config), config, zk


def test_one_person_without_costs_cannot_be_derived(een_zonder_kosten):
    vrijgave, config, _ = een_zonder_kosten
    # the truth (internal, unprotected): exactly one participant without costs after the start
    intern = pd.read_parquet(vrijgave.parent / "intern" / "resultaten" / "gezinsregie" / "kosten"
                             / "kostentabel.parquet")
    waar = intern[(intern["onderzoeksgroep"] == "interventie") & (intern["kostendomein"] == "totaal")].iloc[0]
    assert waar["n_deelnemers"] - waar["n_met_kosten_na"] == 1
    _controles(vrijgave, config)
    kt = contract.lees(vrijgave / "gezinsregie", "kosten", "kostentabel")
    tot = kt[(kt["onderzoeksgroep"] == "interventie") & (kt["kostendomein"] == "totaal")].iloc[0]
    n, met = tot["n_deelnemers"], tot["n_met_kosten_na"]
    assert pd.isna(n) or pd.isna(met) or n - met == 0 or n - met >= MIN_N
    assert pd.isna(tot["aandeel_nul_na"]) or tot["aandeel_nul_na"] == 0
    # the two parts of the cost model count the same people minus those without costs
    glm = contract.lees(vrijgave / "gezinsregie", "kosten", "glm")
    if len(glm):
        n_deel = glm.groupby("deel")["n"].first()
        if n_deel.notna().all() and len(n_deel) == 2:
            verschil = n_deel["kans_op_kosten"] - n_deel["kosten_indien_positief"]
            assert verschil == 0 or verschil >= MIN_N
    # the headline totals stay
    assert not pd.isna(tot["gemiddeld_verschil"])


def test_release_manifest_and_typed_specifications(een_zonder_kosten):
    vrijgave, config, _ = een_zonder_kosten
    verslag = json.loads((vrijgave / "onthulling.json").read_text("utf-8"))
    assert verslag["min_n"] == MIN_N and verslag["dominantie"]["p_procent"] == 10
    assert verslag["gemaskeerde_teksten"] == 0  # every reason is in the vocabulary
    info = contract.manifest(vrijgave / "gezinsregie" / "voor_na")
    assert set(info["tabellen"]) == set(analyses.laad("voor_na", config).TABELLEN)
    assert info["herkomst"] and {h["methode"] for h in info["herkomst"]} >= {"gepaarde_t", "gemengd_model"}
    g = contract.lees(vrijgave / "gezinsregie", "voor_na", "gepaard")
    assert g["n_paren"].dtype == "Int64" and g["primair"].dtype == "boolean"


def test_a_tampered_release_fails_the_checker(een_zonder_kosten, tmp_path):
    import shutil

    vrijgave, config, _ = een_zonder_kosten
    kopie = tmp_path / "vrijgave"
    shutil.copytree(vrijgave, kopie)
    pad = kopie / "gezinsregie" / "kosten" / "kostentabel.csv"
    df = pd.read_csv(pad, dtype=str, keep_default_na=False)
    rij = df.index[(df["onderzoeksgroep"] == "interventie") & (df["kostendomein"] == "totaal")][0]
    kolom = next(k for k in ("n_met_kosten_na", "n_deelnemers") if df.at[rij, k] == "")
    df.at[rij, kolom] = str(int(float(df.at[rij, "n_deelnemers"] or 120)) - 1)  # undo a suppression
    df.at[rij, "onderdrukking"] = ""
    df.to_csv(pad, index=False)
    fouten = controleer_map(kopie, disclosure.instellingen(config), analyses.specificaties(config))
    assert fouten


def test_stated_config_is_written_once():
    with pytest.raises(Exception, match="één primaire uitkomst"):
        cfg.valideer({"regio": "x", "data": {"map": "d", "tabellen": {"deelnemers": {"bestand": "d.csv"},
                                                                       "metingen": {"bestand": "m.csv"}}},
                      "interventies": {"a": {"naam": "A", "doelgroep": "kind"}},
                      "voor_na": {"primair": {"a": ["bmi_z", "bmi"]}}})
    c = cfg.valideer({"regio": "x", "data": {"map": "d", "tabellen": {"deelnemers": {"bestand": "d.csv"},
                                                                       "metingen": {"bestand": "m.csv"}}},
                      "interventies": {"a": {"naam": "A", "doelgroep": "kind"}},
                      "voor_na": {"primair": {"a": ["bmi_z"]}}})
    assert c["interventies"]["a"]["primaire_uitkomst"] == "bmi_z"
    assert c["bevindingen"] == {"schatter": "gemengd_model", "pre": "T0", "post": "T2"}
    yaml.safe_dump(c)  # still plain data
    assert np.isfinite(c["voor_na"]["alpha"])
