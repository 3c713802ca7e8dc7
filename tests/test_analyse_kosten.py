"""De analyses `kosten` en `quintuple` in de pijplijn: tabellen onder hun specificatie, één
schatting per getal (kostentabel → quintuple, bevindingen, businesscase), verschil-in-verschillen
met oordeel, businesscase, prijsindex en de indicatortabel van de regio (zonder Snakemake:
voer_uit_alles op een kleine regio). De onthullingscontrole is die van de motor
(``tests/test_disclosure.py``); hier alleen dat de relaties uit de specificaties kloppen."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import INTERVENTIES, data_config

from evaluatie import config as cfg
from evaluatie import contract, kosten, pijplijn
from evaluatie.analyses import kosten as kosten_analyse
from evaluatie.analyses import quintuple as quintuple_analyse
from evaluatie.analyses import voer_uit_alles
from evaluatie.disclosure import Invoer
from evaluatie.disclosure.systeem import bouw
from evaluatie.fouten import ConfigFout
from evaluatie.oordeel import oordeel, richting

MBC = {"interventiekosten": {"uren": 1.5, "weken": 20, "tarief": 80, "bron": "voorbeeldaanname"},
       "vermeden_zorg": [{"omschrijving": "verwijzing naar de kinderarts", "aantal_per_deelnemer": 0.2,
                          "eenheidsprijs": 350, "bron": "voorbeeldaanname"}]}


def _config(data: Path, **extra) -> dict:
    extra.setdefault("analyses", ["kosten"])
    c = {"regio": "t", "data": data_config(data),
         "interventies": {i: {"naam": i, "doelgroep": "gezin" if i == "gezinsregie" else "volwassene"}
                          for i in INTERVENTIES}, **extra}
    return cfg.valideer(c)


@pytest.fixture(scope="module")
def regio(tmp_path_factory, demo_klein) -> tuple[Path, dict]:
    """Analysis-ready tables of the small demo region (ingest + derivation as in the pipeline)."""
    from evaluatie import synth

    map_ = tmp_path_factory.mktemp("regio")
    synth.schrijf(demo_klein, map_ / "data")
    c = _config(map_ / "data")
    pijplijn.inlezen(c, map_ / "intern", map_ / "resultaten" / "regio", map_ / "bronnen.json")
    pijplijn.afleiden(c, map_ / "intern", map_ / "analyse", map_ / "resultaten" / "regio")
    return map_ / "analyse", c


def _voer_uit(regio, tmp_path, interventie, config=None) -> dict[str, dict[str, pd.DataFrame]]:
    analyse_map, c = regio
    return voer_uit_alles(config or c, interventie, analyse_map, tmp_path / interventie)


@pytest.fixture(scope="module")
def alles(regio, tmp_path_factory) -> dict[str, dict[str, dict[str, pd.DataFrame]]]:
    """voor_na, kosten, quintuple and bevindingen for every interventie (one run each)."""
    analyse_map, c = regio
    c = copy.deepcopy(c)
    c["analyses"] = ["voor_na", "kosten", "quintuple"]
    uit = tmp_path_factory.mktemp("alles")
    return {i: voer_uit_alles(c, i, analyse_map, uit / i) for i in INTERVENTIES}


def _per_deelnemer(regio, interventie: str) -> pd.DataFrame:
    analyse_map, c = regio
    dln = pd.read_parquet(analyse_map / "deelnemers.parquet")
    dln = dln[dln["interventie"] == interventie].assign(
        onderzoeksgroep=lambda d: d["onderzoeksgroep"].fillna("interventie"))
    zk = pd.read_parquet(analyse_map / "zorgkosten.parquet")
    return kosten.kosten_per_deelnemer(zk[zk["pseudo_id"].isin(dln["pseudo_id"])], dln,
                                       peildatum=c["peildatum"]).kosten


def test_kostentabel_gelijk_aan_statistiekmodule(regio, tmp_path):
    t = _voer_uit(regio, tmp_path, "leefstijlloket")["kosten"]
    assert set(t) == set(kosten_analyse.TABELLEN) and "groepen" not in t
    for naam, spec in kosten_analyse.TABELLEN.items():
        assert list(t[naam].columns) == spec.namen, naam  # hulpkolommen (_top1 …) intern erbij
    kt = t["kostentabel"]
    assert set(kt["onderzoeksgroep"]) == {"interventie"}  # geen vergelijkingsgroep
    assert list(kt["kostendomein"]) == [*kosten.KOSTENDOMEINEN, "totaal"]
    # dezelfde getallen als evaluatie.kosten rechtstreeks (seed, vensters, min_n uit de config)
    _, c = regio
    direct = kosten.kostentabel(_per_deelnemer(regio, "leefstijlloket"), seed=c["kosten"]["seed"],
                                groep_kolom="onderzoeksgroep", min_n=c["disclosure"]["min_n"])
    tot = kt.set_index("kostendomein").loc["totaal"]
    d = direct.set_index("kostendomein").loc["totaal"]
    for k in ("n_deelnemers", "n_met_kosten", "totaal_voor", "totaal_na", "gemiddeld_verschil",
              "ci95_onder", "ci95_boven", "verschil_pct"):
        assert tot[k] == d[k], k
    assert tot["bootstrap_trekkingen"] == c["kosten"]["n_resamples"] and tot["seed"] == c["kosten"]["seed"]
    # de twee grootste bijdragen gaan als hulpkolommen mee voor de dominantieregel
    for periode in ("voor", "na"):
        np.testing.assert_array_equal(kt[f"_top1_{periode}"], direct[f"grootste_bijdrage_{periode}"])
        np.testing.assert_array_equal(kt[f"_top2_{periode}"], direct[f"tweede_bijdrage_{periode}"])
        assert (kt[f"_top1_{periode}"] >= kt[f"_top2_{periode}"]).all()
    # zonder vergelijkingsgroep: geen DiD; kwartalen alleen interventiegroep
    assert t["verschil_in_verschillen"].empty
    assert set(t["kwartalen"]["onderzoeksgroep"]) == {"interventie"}
    assert t["businesscase"].empty and t["glm"].empty
    inst = t["instellingen"].set_index("onderdeel")["waarde"]
    assert inst["prijsindexering"].startswith("geen")


def test_kwartalen_tellen_op_tot_de_kostentabel(regio, tmp_path):
    t = _voer_uit(regio, tmp_path, "leefstijlloket")["kosten"]
    kw, kt = t["kwartalen"], t["kostentabel"].set_index(["onderzoeksgroep", "kostendomein"])
    assert kw["venster_totaal"].all()  # even lange vensters: niet geannualiseerd
    assert list(kw["kwartaal"]) == list(range(-4, 4))
    assert set(kw.loc[kw["kwartaal"] < 0, "periode"]) == {"voor"}
    som = kw.groupby("periode")["totaal_eur"].sum()
    assert som["voor"] == pytest.approx(kt.loc[("interventie", "totaal"), "totaal_voor"])
    assert som["na"] == pytest.approx(kt.loc[("interventie", "totaal"), "totaal_na"])
    np.testing.assert_allclose(kw["totaal_eur"], kw["gemiddeld_eur"] * kw["n"])
    assert (kw["_top1"] >= kw["_top2"]).all() and (kw["_top1"] <= kw["totaal_eur"].abs() + 1e-9).all()


def test_vergelijkingsgroep_geeft_did_met_oordeel_en_beide_groepen(regio, tmp_path):
    t = _voer_uit(regio, tmp_path, "gezinsregie")["kosten"]
    kt = t["kostentabel"]
    # één tabel, een rij per onderzoeksgroep × domein
    assert kt.groupby("onderzoeksgroep")["kostendomein"].apply(list).to_dict() == {
        g: [*kosten.KOSTENDOMEINEN, "totaal"] for g in ("interventie", "vergelijking")}
    assert set(t["kwartalen"]["onderzoeksgroep"]) == {"interventie", "vergelijking"}
    did = t["verschil_in_verschillen"]
    effect = did[did["is_did"]]
    tot = effect[effect["kostendomein"] == "totaal"]
    assert len(tot) == 1 and tot.iloc[0]["status"] == "ok"
    n = kt.set_index(["onderzoeksgroep", "kostendomein"])["n_deelnemers"]
    assert tot.iloc[0]["n_interventie"] == n[("interventie", "totaal")]
    assert tot.iloc[0]["n_vergelijking"] == n[("vergelijking", "totaal")]
    # totaal: de primaire kostenschatting, niet gecorrigeerd; de domeinen met BH
    assert tot.iloc[0]["correctie"] == "geen" and tot.iloc[0]["p_gecorrigeerd"] == tot.iloc[0]["p"]
    dom = effect[effect["kostendomein"] != "totaal"]
    assert (dom["correctie"] == "bh").all()
    from statsmodels.stats.multitest import multipletests

    np.testing.assert_allclose(dom["p_gecorrigeerd"], multipletests(dom["p"], method="fdr_bh")[1])
    # lagere kosten zijn gunstig; oordeel op de gecorrigeerde p
    for r in effect.itertuples():
        assert r.richting == richting(r.schatting, False)
        assert r.oordeel == oordeel(r.schatting, False, p=r.p_gecorrigeerd, alpha=0.05)
    assert "verbeterd" in set(effect["oordeel"])  # zvw_farmacie daalt significant
    # de overige termen van het model krijgen geen oordeel
    rest = did[~did["is_did"]]
    assert (rest["richting"] == "").all() and (rest["oordeel"] == "").all()
    assert rest["p_gecorrigeerd"].isna().all()


def test_een_bootstrap_per_groep_en_domein(regio, alles):
    """The interventiegroep's totaal row has exactly one bootstrap interval, and it is the one
    quintuple and bevindingen copy (no second bootstrap anywhere)."""
    _, c = regio
    for code in ("gezinsregie", "leefstijlloket"):
        res = alles[code]
        kt = res["kosten"]["kostentabel"]
        rij = kt[(kt["onderzoeksgroep"] == "interventie") & (kt["kostendomein"] == "totaal")]
        assert len(rij) == 1
        rij = rij.iloc[0]
        assert rij["ci_methode"] == "BCa-bootstrap" and rij["ci95_onder"] < rij["gemiddeld_verschil"] < rij["ci95_boven"]
        # one generator per (group, domain): the interventiegroep alone gives the same interval
        per = _per_deelnemer(regio, code)
        alleen = kosten.kostentabel(per[(per["onderzoeksgroep"] == "interventie")
                                        & (per["kostendomein"] == "totaal")],
                                    seed=c["kosten"]["seed"], groep_kolom="onderzoeksgroep",
                                    min_n=c["disclosure"]["min_n"]).iloc[0]
        assert (alleen["ci95_onder"], alleen["ci95_boven"]) == (rij["ci95_onder"], rij["ci95_boven"])
        # quintuple copies it
        ind = res["quintuple"]["indicatoren"].set_index(["indicator", "groep"])
        kv = ind.loc[("kosten_verschil", "alle")]
        assert (kv["waarde"], kv["ci95_onder"], kv["ci95_boven"], kv["n_deelnemers"]) == (
            rij["gemiddeld_verschil"], rij["ci95_onder"], rij["ci95_boven"], rij["n_deelnemers"])
        assert ind.loc[("kosten_verschil_pct", "alle"), "waarde"] == rij["verschil_pct"]
        # and so do the findings (the pre/post change of the intervention group)
        bev = res["bevindingen"]["bevindingen"]
        vn = bev[bev["schatter"] == "kosten_voor_na"].iloc[0]
        assert vn["bron"] == "kosten/kostentabel"
        assert (vn["schatting"], vn["ci95_onder"], vn["ci95_boven"], vn["n_kosten_interventie"]) == (
            rij["gemiddeld_verschil"], rij["ci95_onder"], rij["ci95_boven"], rij["n_deelnemers"])
        assert vn["rol"] == ("naast" if code == "gezinsregie" else "kosten")


def test_did_overgenomen_door_quintuple_en_bevindingen(alles):
    res = alles["gezinsregie"]
    did = res["kosten"]["verschil_in_verschillen"]
    d = did[did["is_did"] & (did["kostendomein"] == "totaal")].iloc[0]
    q = res["quintuple"]["indicatoren"].set_index(["indicator", "groep"]).loc[("kosten_did", "alle")]
    assert (q["waarde"], q["ci95_onder"], q["ci95_boven"], q["n_deelnemers"], q["n_vergelijking"]) == (
        d["schatting"], d["ci95_onder"], d["ci95_boven"], d["n_interventie"], d["n_vergelijking"])
    bev = res["bevindingen"]["bevindingen"]
    k = bev[bev["rol"] == "kosten"].iloc[0]
    assert k["schatter"] == "kosten_did" and k["bron"] == "kosten/verschil_in_verschillen"
    for kolom in ("schatting", "ci95_onder", "ci95_boven", "p", "p_gecorrigeerd", "richting",
                  "oordeel"):
        assert k[kolom] == d[kolom], kolom
    # without a comparison group: a row with the reason
    q = alles["czv-kind"]["quintuple"]["indicatoren"].set_index(["indicator", "groep"])
    assert q.loc[("kosten_did", "alle"), "status"] == "niet_te_berekenen"


def test_quintuple_neemt_completers_van_voor_na_over(alles):
    for code, uitkomst, indicator in (("czv-kind", "bmi_z", "bmi_z_verandering"),
                                      ("gezinsregie", "pg_totaal", "pg_verandering"),
                                      ("groepsconsulten", "pg_totaal", "pg_verandering")):
        g = alles[code]["voor_na"]["gepaard"]
        v = g[(g["uitkomst"] == uitkomst) & (g["pre"] == "T0") & (g["post"] == "T2")].iloc[0]
        q = alles[code]["quintuple"]["indicatoren"].set_index(["indicator", "groep"]).loc[
            (indicator, "alle")]
        assert (q["waarde"], q["ci95_onder"], q["ci95_boven"], q["n_paren"]) == (
            v["verschil"], v["ci95_onder"], v["ci95_boven"], v["n_paren"]), code
        assert (q["uitkomst"], q["pre"], q["post"]) == (uitkomst, "T0", "T2")


def test_businesscase_uit_config_met_aannames_en_gemeten_besparing(regio, tmp_path):
    _, c = regio
    c = copy.deepcopy(c)
    c["kosten"]["businesscase"] = {"gezinsregie": MBC, "czv-kind": MBC}
    cfg.valideer(c)
    t = _voer_uit(regio, tmp_path, "gezinsregie", c)["kosten"]
    mbc = t["businesscase"].set_index("onderdeel")
    assert (mbc.loc[["uren_per_week", "weken", "uurtarief"], "soort"] == "aanname").all()
    assert (mbc.loc[["uren_per_week", "eenheidsprijs_1"], "bron"] == "voorbeeldaanname").all()
    assert mbc.loc["interventiekosten_per_deelnemer", "waarde"] == pytest.approx(1.5 * 20 * 80)
    assert mbc.loc["netto_besparing_per_deelnemer", "waarde"] == pytest.approx(0.2 * 350 - 2400)
    # het aantal deelnemers staat in kolom n, niet als rij
    assert "n_deelnemers" not in mbc.index
    analyse_map, _ = regio
    d = pd.read_parquet(analyse_map / "deelnemers.parquet")
    gestart = d[(d["interventie"] == "gezinsregie") & (d["onderzoeksgroep"] == "interventie")
                & d["startdatum"].notna()]
    assert (mbc["n"] == len(gestart)).all()
    # met een vergelijkingsgroep is de gemeten besparing −DiD, met de groepen waarop zij rust
    did = t["verschil_in_verschillen"]
    r = did[(did["kostendomein"] == "totaal") & did["is_did"]].iloc[0]
    g = mbc.loc["gemeten_besparing_per_deelnemer"]
    assert g["waarde"] == pytest.approx(-r["schatting"])
    assert "verschil-in-verschillen" in mbc.loc["gemeten_besparing_per_deelnemer", "bron"]
    assert (g["n_kosten_interventie"], g["n_kosten_vergelijking"]) == (r["n_interventie"],
                                                                       r["n_vergelijking"])
    gemeten = mbc.index.str.contains("gemeten")
    assert mbc.loc[~gemeten, ["n_kosten_interventie", "n_kosten_vergelijking"]].isna().all().all()
    # zonder vergelijkingsgroep: −(gemiddeld verschil) van de interventiegroep, uit de kostentabel
    t = _voer_uit(regio, tmp_path / "czv", "czv-kind", c)["kosten"]
    mbc = t["businesscase"].set_index("onderdeel")
    kt = t["kostentabel"].set_index(["onderzoeksgroep", "kostendomein"]).loc[("interventie", "totaal")]
    g = mbc.loc["gemeten_besparing_per_deelnemer"]
    assert g["waarde"] == -kt["gemiddeld_verschil"]
    assert g["n_kosten_interventie"] == kt["n_deelnemers"] and pd.isna(g["n_kosten_vergelijking"])
    assert "geen causaal effect" in g["bron"]
    # andere interventies hebben geen businesscase
    assert _voer_uit(regio, tmp_path, "leefstijlloket", c)["kosten"]["businesscase"].empty


def test_businesscase_voor_onbekende_interventie_is_een_fout(regio, tmp_path):
    _, c = regio
    c = copy.deepcopy(c)
    c["kosten"]["businesscase"] = {"gezinsregi": MBC}
    with pytest.raises(ConfigFout, match="gezinsregi"):
        _voer_uit(regio, tmp_path, "gezinsregie", c)


def test_prijsindex_uit_gebruikersbestand(regio, tmp_path):
    _, c = regio
    c = copy.deepcopy(c)
    pad = Path(c["data"]["map"]) / f"cpi-{tmp_path.name}.csv"  # in data.map, like every input
    pad.write_text("jaar;index\n" + "".join(f"{j};50,0\n" for j in range(2021, 2027))
                   + "2030;100\n", encoding="utf-8")
    c["kosten"]["prijsindex"] = {"bestand": pad.name, "basisjaar": 2030, "bron": "testindex"}
    cfg.valideer(c)
    met = _voer_uit(regio, tmp_path / "met", "groepsconsulten", c)["kosten"]
    zonder = _voer_uit(regio, tmp_path / "zonder", "groepsconsulten")["kosten"]
    m = met["kostentabel"].set_index("kostendomein").loc["totaal"]
    z = zonder["kostentabel"].set_index("kostendomein").loc["totaal"]
    assert m["gemiddeld_voor"] == pytest.approx(2 * z["gemiddeld_voor"])  # index 50 -> 100: × 2
    inst = met["instellingen"].set_index("onderdeel")["waarde"]
    assert "2030" in inst["prijsindexering"] and "testindex" in inst["prijsindexering"]
    # een ontbrekend jaar wordt niet verzonnen
    pad.write_text("jaar,index\n2030,100\n", encoding="utf-8")
    with pytest.raises(ValueError, match="geen indexcijfer"):
        _voer_uit(regio, tmp_path / "fout", "groepsconsulten", c)


def test_glm_met_covariaten_uit_config(regio, tmp_path):
    _, c = regio
    c = copy.deepcopy(c)
    c["kosten"]["glm"] = ["log1p_kosten_voor", "leeftijd_start"]
    cfg.valideer(c)
    t = _voer_uit(regio, tmp_path, "leefstijlloket", c)["kosten"]
    g = t["glm"]
    assert set(g["deel"]) == {"kans_op_kosten", "kosten_indien_positief"}
    assert {"log1p_kosten_voor", "leeftijd_start"} <= set(g["term"])
    # the model's participants: the interventiegroep with costs data; the positive part those
    # with costs of at least half a cent after the start
    kt = t["kostentabel"].set_index(["onderzoeksgroep", "kostendomein"]).loc[("interventie", "totaal")]
    kans = g.loc[g["deel"] == "kans_op_kosten", "n"]
    pos = g.loc[g["deel"] == "kosten_indien_positief", "n"]
    assert (kans == kt["n_deelnemers"]).all()
    assert (pos == kt["n_met_kosten_na"]).all()


def test_relaties_van_de_specificaties_kloppen(alles, regio, tmp_path):
    """The sums declared in TABELLEN (kosten, quintuple, across interventies and with the
    region table) hold on the tables; a broken one is a specification error."""
    from evaluatie.disclosure import SysteemFout

    analyse_map, c = regio
    mappen = []
    for i in INTERVENTIES:
        (tmp_path / i).mkdir()
        alles[i]["quintuple"]["indicatoren"].to_parquet(tmp_path / i / "indicatoren.parquet")
        mappen.append(tmp_path / i)
    regiotabel = quintuple_analyse.schrijf_regiotabel(c, analyse_map, mappen, tmp_path / "regio")
    invoer = [Invoer(i, a, t, spec, alles[i][a][t])
              for i in INTERVENTIES for a, mod in (("kosten", kosten_analyse),
                                                   ("quintuple", quintuple_analyse))
              for t, spec in mod.TABELLEN.items()]
    spec = quintuple_analyse.REGIO_TABELLEN["indicatoren"]
    invoer.append(Invoer("regio", "quintuple", "indicatoren", spec,
                         contract.controleer(regiotabel, spec, "regio/quintuple/indicatoren")))
    bouw(invoer, waar=True)
    kapot = [i if not (i.scope == "gezinsregie" and i.tabel == "kostentabel") else
             Invoer(i.scope, i.analyse, i.tabel, i.spec,
                    i.df.assign(totaal_voor=np.where(i.df["kostendomein"] == "wmo",
                                                     i.df["totaal_voor"] + 100, i.df["totaal_voor"])))
             for i in invoer]
    with pytest.raises(SysteemFout, match="relatie klopt niet"):
        bouw(kapot, waar=True)


def test_quintuple_en_regiotabel(regio, alles, tmp_path):
    analyse_map, c = regio
    mappen = []
    for i in INTERVENTIES:
        (tmp_path / i).mkdir()
        alles[i]["quintuple"]["indicatoren"].to_parquet(tmp_path / i / "indicatoren.parquet")
        mappen.append(tmp_path / i)
    uit = tmp_path / "intern" / "regio" / "quintuple"
    quintuple_analyse.schrijf_regiotabel(c, analyse_map, mappen, uit)
    t = pd.read_parquet(uit / "indicatoren.parquet")
    assert (uit / "_analyse.json").exists()
    assert list(t.columns) == quintuple_analyse.REGIO_TABELLEN["indicatoren"].namen
    assert set(t["interventie"]) == {*INTERVENTIES, "regio"}
    assert "pseudo_id" not in t
    # the interventies' rows unchanged (nothing suppressed here)
    for i in INTERVENTIES:
        pd.testing.assert_frame_equal(t[t["interventie"] == i].reset_index(drop=True),
                                      alles[i]["quintuple"]["indicatoren"], check_dtype=False)
    r = t[(t["interventie"] == "regio") & (t["groep"] == "alle")].set_index("indicator")
    # de regio poolt alle interventiegroepen
    per = t[(t["groep"] == "alle") & (t["indicator"] == "rapportcijfer") & (t["interventie"] != "regio")]
    assert r.loc["rapportcijfer", "n"] == per["n"].sum()
    assert r.loc["kosten_did", "status"] == "niet_te_berekenen"
    assert (t["stoplicht"] == "").all()  # geen streefwaarden ingesteld: geen kleur
    assert set(alles["czv-kind"]["quintuple"]) == {"indicatoren", "register"}
