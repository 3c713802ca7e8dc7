"""De analyses `kosten` en `quintuple` in de pijplijn: tabellen, onthullingscontrole, businesscase,
prijsindex en de indicatortabel van de regio (zonder Snakemake: voer_uit op een kleine regio)."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import INTERVENTIES, data_config

from evaluatie import analyses, disclosure, kosten, pijplijn
from evaluatie import config as cfg
from evaluatie.analyses import kosten as kosten_analyse
from evaluatie.analyses import quintuple as quintuple_analyse
from evaluatie.fouten import ConfigFout

MBC = {"interventiekosten": {"uren": 1.5, "weken": 20, "tarief": 80, "bron": "voorbeeldaanname"},
       "vermeden_zorg": [{"omschrijving": "verwijzing naar de kinderarts", "aantal_per_deelnemer": 0.2,
                          "eenheidsprijs": 350, "bron": "voorbeeldaanname"}]}


def _config(data: Path, **extra) -> dict:
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
    pijplijn.inlezen(c, map_ / "intern", map_ / "dk.csv", map_ / "bronnen.json")
    pijplijn.afleiden(c, map_ / "intern", map_ / "analyse", map_ / "afl.csv")
    return map_ / "analyse", c


def _voer_uit(regio, tmp_path, naam, interventie, config=None) -> dict[str, pd.DataFrame]:
    analyse_map, c = regio
    uit = tmp_path / interventie / "publiceerbaar" / naam
    paden = analyses.voer_uit(naam, config or c, interventie, analyse_map, uit)
    return {k: pd.read_csv(p) for k, p in paden.items()}


def test_kostentabel_gelijk_aan_statistiekmodule_en_publiceerbaar(regio, tmp_path):
    t = _voer_uit(regio, tmp_path, "kosten", "leefstijlloket")
    assert set(t) == set(kosten_analyse.TABELLEN)
    assert disclosure.controleer_map(tmp_path, 10) == []
    tot = t["kostentabel"].set_index("kostendomein").loc["totaal"]
    # dezelfde getallen als evaluatie.kosten rechtstreeks (seed en vensters uit de config)
    analyse_map, c = regio
    dln = pd.read_parquet(analyse_map / "deelnemers.parquet")
    dln = dln[dln["interventie"] == "leefstijlloket"]
    zk = pd.read_parquet(analyse_map / "zorgkosten.parquet")
    per = kosten.kosten_per_deelnemer(zk[zk["pseudo_id"].isin(dln["pseudo_id"])], dln,
                                      peildatum=c["peildatum"]).kosten
    direct = kosten.kostentabel(per[per["kostendomein"] == "totaal"], seed=c["kosten"]["seed"]).iloc[0]
    for k in ("n_deelnemers", "gemiddeld_verschil", "ci95_onder", "ci95_boven", "verschil_pct"):
        assert tot[k] == pytest.approx(direct[k]), k
    # zonder vergelijkingsgroep: geen DiD, geen groepentabel; kwartalen alleen interventiegroep
    assert t["verschil_in_verschillen"].empty and t["groepen"].empty
    assert set(t["kwartalen"]["onderzoeksgroep"]) == {"interventie"}
    assert t["businesscase"].empty and t["glm"].empty
    inst = t["instellingen"].set_index("onderdeel")["waarde"]
    assert inst["prijsindexering"].startswith("geen")


def test_vergelijkingsgroep_geeft_did_en_trends(regio, tmp_path):
    t = _voer_uit(regio, tmp_path, "kosten", "gezinsregie")
    did = t["verschil_in_verschillen"]
    tot = did[(did["kostendomein"] == "totaal") & did["is_did"]]
    assert len(tot) == 1 and tot.iloc[0]["status"] == "ok"
    assert set(t["kwartalen"]["onderzoeksgroep"]) == {"interventie", "vergelijking"}
    assert set(t["groepen"]["onderzoeksgroep"]) == {"interventie", "vergelijking"}
    # de kostentabel bevat alleen de interventiegroep
    n_int = t["groepen"].set_index("onderzoeksgroep").loc["interventie", "n_deelnemers"]
    assert t["kostentabel"].set_index("kostendomein").loc["totaal", "n_deelnemers"] == n_int


def test_businesscase_uit_config_met_aannames_en_gemeten_besparing(regio, tmp_path):
    _, c = regio
    c = copy.deepcopy(c)
    c["kosten"]["businesscase"] = {"gezinsregie": MBC}
    cfg.valideer(c)
    t = _voer_uit(regio, tmp_path, "kosten", "gezinsregie", c)
    mbc = t["businesscase"].set_index("onderdeel")
    assert (mbc.loc[["uren_per_week", "weken", "uurtarief"], "soort"] == "aanname").all()
    assert (mbc.loc[["uren_per_week", "eenheidsprijs_1"], "bron"] == "voorbeeldaanname").all()
    assert mbc.loc["interventiekosten_per_deelnemer", "waarde"] == pytest.approx(1.5 * 20 * 80)
    assert mbc.loc["netto_besparing_per_deelnemer", "waarde"] == pytest.approx(0.2 * 350 - 2400)
    # met een vergelijkingsgroep is de gemeten besparing −DiD
    did = t["verschil_in_verschillen"]
    schatting = did[(did["kostendomein"] == "totaal") & did["is_did"]].iloc[0]["schatting"]
    assert mbc.loc["gemeten_besparing_per_deelnemer", "waarde"] == pytest.approx(-schatting)
    assert "verschil-in-verschillen" in mbc.loc["gemeten_besparing_per_deelnemer", "bron"]
    # andere interventies hebben geen businesscase
    assert _voer_uit(regio, tmp_path, "kosten", "czv-kind", c)["businesscase"].empty


def test_businesscase_voor_onbekende_interventie_is_een_fout(regio, tmp_path):
    _, c = regio
    c = copy.deepcopy(c)
    c["kosten"]["businesscase"] = {"gezinsregi": MBC}
    with pytest.raises(ConfigFout, match="gezinsregi"):
        _voer_uit(regio, tmp_path, "kosten", "gezinsregie", c)


def test_prijsindex_uit_gebruikersbestand(regio, tmp_path):
    _, c = regio
    c = copy.deepcopy(c)
    pad = tmp_path / "cpi.csv"
    pad.write_text("jaar;index\n" + "".join(f"{j};50,0\n" for j in range(2021, 2027))
                   + "2030;100\n", encoding="utf-8")
    c["kosten"]["prijsindex"] = {"bestand": str(pad), "basisjaar": 2030, "bron": "testindex"}
    cfg.valideer(c)
    met = _voer_uit(regio, tmp_path / "met", "kosten", "groepsconsulten", c)
    zonder = _voer_uit(regio, tmp_path / "zonder", "kosten", "groepsconsulten")
    m = met["kostentabel"].set_index("kostendomein").loc["totaal"]
    z = zonder["kostentabel"].set_index("kostendomein").loc["totaal"]
    assert m["gemiddeld_voor"] == pytest.approx(2 * z["gemiddeld_voor"])  # index 50 -> 100: × 2
    inst = met["instellingen"].set_index("onderdeel")["waarde"]
    assert "2030" in inst["prijsindexering"] and "testindex" in inst["prijsindexering"]
    # een ontbrekend jaar wordt niet verzonnen
    pad.write_text("jaar,index\n2030,100\n", encoding="utf-8")
    with pytest.raises(ValueError, match="geen indexcijfer"):
        _voer_uit(regio, tmp_path / "fout", "kosten", "groepsconsulten", c)


def test_glm_met_covariaten_uit_config(regio, tmp_path):
    _, c = regio
    c = copy.deepcopy(c)
    c["kosten"]["glm"] = ["log1p_kosten_voor", "leeftijd_start"]
    cfg.valideer(c)
    g = _voer_uit(regio, tmp_path, "kosten", "leefstijlloket", c)["glm"]
    assert set(g["deel"]) == {"kans_op_kosten", "kosten_indien_positief"}
    assert {"log1p_kosten_voor", "leeftijd_start"} <= set(g["term"])


def test_secundaire_onderdrukking_van_kostendomeinen():
    rijen = []
    for d, n in (("zvw_huisarts", 40), ("zvw_ggz", 4), ("wmo", 12), ("jeugdwet", 30), ("totaal", 40)):
        rijen.append({"kostendomein": d, "n_deelnemers": 40, "n_met_kosten_voor": n,
                      "n_met_kosten_na": n, "n_met_kosten": n, "totaal_voor": 100.0 * n,
                      "gemiddeld_voor": 2.5 * n, "status": "ok", "reden": ""})
    t = kosten_analyse.onderdruk_domeinen(pd.DataFrame(rijen), 10).set_index("kostendomein")
    assert t.loc["zvw_ggz", "onderdrukt"]  # primair
    assert t.loc["wmo", "onderdrukt"] and np.isnan(t.loc["wmo", "totaal_voor"])  # secundair
    assert "secundair" in t.loc["wmo", "reden"]
    assert not t.loc["jeugdwet", "onderdrukt"] and not t.loc["totaal", "onderdrukt"]


def test_quintuple_en_regiotabel(regio, tmp_path):
    analyse_map, c = regio
    mappen = []
    for i in INTERVENTIES:
        _voer_uit(regio, tmp_path, "quintuple", i)
        mappen.append(tmp_path / i / "publiceerbaar" / "quintuple")
    uit = tmp_path / "publiceerbaar" / "indicatoren.csv"
    quintuple_analyse.schrijf_regiotabel(c, analyse_map, mappen, uit)
    t = pd.read_csv(uit)
    assert set(t["interventie"]) == {*INTERVENTIES, "regio"}
    assert "pseudo_id" not in t
    assert disclosure.controleer_map(tmp_path, c["disclosure"]["min_n"]) == []
    r = t[(t["interventie"] == "regio") & (t["groep"] == "alle")].set_index("indicator")
    # de regio poolt alle interventiegroepen
    per = t[(t["groep"] == "alle") & (t["indicator"] == "rapportcijfer") & (t["interventie"] != "regio")]
    assert r.loc["rapportcijfer", "n"] == per["n"].sum()
    assert r.loc["kosten_did", "status"] == "niet_te_berekenen"
    assert t["stoplicht"].isna().all()  # geen streefwaarden ingesteld: geen kleur (leeg)
