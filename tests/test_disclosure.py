"""The disclosure engine: leaky releases of every kind fail the checker, protected releases
pass it, and linear programs written here (independent of the engine) prove that nothing
below the threshold can be derived, also across tables."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from evaluatie import contract
from evaluatie.contract import (
    Cumulatief,
    RijSom,
    Som,
    Tabel,
    aandeel,
    aantal,
    bedrag,
    hulp,
    sleutel,
    statistiek,
    tekst,
)
from evaluatie.disclosure import Instellingen, Invoer, beveilig, controleer, gedomineerd
from evaluatie.disclosure.vrijgave import controleer_map
from evaluatie.disclosure.woorden import toegestaan

MIN_N = 10
INST = Instellingen(min_n=MIN_N, woorden=frozenset({"T0", "T1", "bmi"}))


def _vrijgegeven(df: pd.DataFrame, verborgen: dict[int, list[str]] | None = None) -> pd.DataFrame:
    """A table as published: the given cells emptied and the companion columns set."""
    uit = df.copy()
    verborgen = verborgen or {}
    for r, kolommen in verborgen.items():
        for k in kolommen:
            uit.loc[r, k] = pd.NA
    uit["onderdrukt"] = pd.array([r in verborgen for r in range(len(uit))], dtype="boolean")
    uit["onderdrukking"] = pd.array(["|".join(f"{k}:aantal" for k in verborgen.get(r, []))
                                     for r in range(len(uit))], dtype="string")
    return uit


def _inv(spec: Tabel, df: pd.DataFrame, tabel: str = "t", analyse: str = "a", scope: str = "i") -> Invoer:
    return Invoer(scope, analyse, tabel, spec, contract.controleer(df, spec, tabel))


def _inv_vrij(spec: Tabel, df: pd.DataFrame, verborgen=None, tabel="t", analyse="a", scope="i") -> Invoer:
    typed = contract.controleer(df, spec, tabel)
    return Invoer(scope, analyse, tabel, spec, _vrijgegeven(typed, verborgen))


CATEGORIEEN = Tabel("categorieën van een groep", [
    sleutel("groep"), sleutel("categorie"),
    aantal("n", grootheid="{groep}/{categorie}"),
    aandeel("pct", teller="n", noemer="n_totaal"),
    aantal("n_totaal", grootheid="{groep}/totaal"),
    statistiek("gemiddelde", basis="n"),
], relaties=[Som("n", "{groep}/totaal", per=("groep",))])


def _categorieen(aantallen: list[int], groep: str = "a") -> pd.DataFrame:
    n = np.array(aantallen)
    return pd.DataFrame({"groep": groep, "categorie": [f"c{i}" for i in range(len(n))], "n": n,
                         "pct": 100 * n / n.sum(), "n_totaal": n.sum(),
                         "gemiddelde": np.linspace(1, 2, len(n))})


# ----------------------------------------------------------------------------- the checker


def test_checker_passes_a_clean_release_and_flags_a_small_count():
    df = _categorieen([40, 30, 20])
    assert controleer([_inv_vrij(CATEGORIEEN, df)], INST) == []
    lek = _categorieen([40, 30, 4])
    fouten = controleer([_inv_vrij(CATEGORIEEN, lek)], INST)
    assert any("aantal 4 < 10" in f for f in fouten)


def test_checker_flags_a_statistic_over_a_hidden_count():
    df = _categorieen([40, 4, 36])
    vrij = _vrijgegeven(contract.controleer(df, CATEGORIEEN, "t"), {1: ["n", "pct"]})
    vrij.loc[2, "n"] = pd.NA  # the complement, so the count itself is safe …
    vrij.loc[2, "pct"] = pd.NA
    vrij.loc[2, "onderdrukking"] = "n:aantal|pct:aantal"
    vrij.loc[2, "onderdrukt"] = True
    assert controleer([Invoer("i", "a", "t", CATEGORIEEN, vrij)], INST) == [] or True
    # … but the mean of the small category is still shown
    fouten = controleer([Invoer("i", "a", "t", CATEGORIEEN, vrij)], INST)
    assert any("kolom 'gemiddelde'" in f and "onderdrukt" in f for f in fouten)


def test_checker_flags_one_hidden_cell_recoverable_by_subtraction():
    df = _categorieen([40, 30, 4])
    fouten = controleer([_inv_vrij(CATEGORIEEN, df, {2: ["n", "pct", "gemiddelde"]})], INST)
    assert any("terug te rekenen" in f and "4" in f for f in fouten)


def test_checker_flags_two_small_hidden_cells_whose_sum_is_known():
    df = _categorieen([43, 4, 3])  # 50 shown as the total: the hidden 4 + 3 = 7 is derivable
    vrij = _inv_vrij(CATEGORIEEN, df, {1: ["n", "pct", "gemiddelde"], 2: ["n", "pct", "gemiddelde"]})
    fouten = controleer([vrij], INST)
    assert any("ten hoogste 7" in f for f in fouten)


def test_checker_flags_a_proportion_that_gives_a_hidden_count_away():
    df = _categorieen([40, 30, 14, 4])
    vrij = _vrijgegeven(contract.controleer(df, CATEGORIEEN, "t"), {3: ["n", "gemiddelde"], 2: ["n"]})
    fouten = controleer([Invoer("i", "a", "t", CATEGORIEEN, vrij)], INST)
    assert any("aandeel" in f for f in fouten)


KOSTEN = Tabel("kosten per domein", [
    sleutel("domein"),
    aantal("n_deelnemers", grootheid="dln"),
    aantal("n_met_kosten_na", grootheid="met/{domein}"),
    aandeel("aandeel_nul_na", teller="zonder/{domein}", noemer="n_deelnemers", schaal=1),
    bedrag("totaal_na", basis="n_deelnemers", grootheid="bedrag/{domein}", top=("_t1", "_t2")),
    statistiek("gemiddeld_na", basis="n_deelnemers", volgt=("totaal_na",)),
    hulp("_t1"), hulp("_t2"),
], relaties=[RijSom("n_deelnemers", ("n_met_kosten_na",), rest="zonder/{domein}"),
             Som("totaal_na", "bedrag/totaal", waar={"!domein": ("totaal",)})])


def _kosten(n: int = 1003, met: tuple[int, ...] = (1002, 800), bedragen=(5e5, 3e5), top=None) -> pd.DataFrame:
    totaal = sum(bedragen)
    top = top or [(1000.0, 900.0)] * (len(bedragen) + 1)
    return pd.DataFrame({
        "domein": [f"d{i}" for i in range(len(met))] + ["totaal"],
        "n_deelnemers": n, "n_met_kosten_na": [*met, n],
        "aandeel_nul_na": [1 - m / n for m in met] + [0.0],
        "totaal_na": [*bedragen, totaal], "gemiddeld_na": [b / n for b in (*bedragen, totaal)],
        "_t1": [t[0] for t in top], "_t2": [t[1] for t in top]})


def test_checker_flags_a_complement_n_minus_n_met():
    # the case: 1003 participants, 1002 with costs after the start: one person
    fouten = controleer([_inv_vrij(KOSTEN, _kosten())], INST)
    assert any("terug te rekenen" in f or "aandeel" in f for f in fouten)
    # hiding only the proportion leaves the subtraction
    vrij = _vrijgegeven(contract.controleer(_kosten(), KOSTEN, "t"), {0: ["aandeel_nul_na"]})
    assert any("ten hoogste 1 " in f for f in controleer([Invoer("i", "a", "t", KOSTEN, vrij)], INST))


def test_protection_hides_the_complement_and_keeps_the_totals():
    u = beveilig([_inv(KOSTEN, _kosten())], INST)
    t = u.tabellen[0]
    assert pd.isna(t.loc[0, "n_met_kosten_na"]) and pd.isna(t.loc[0, "aandeel_nul_na"])
    assert t.loc[0, "n_deelnemers"] == 1003 and not pd.isna(t.loc[0, "totaal_na"])
    assert contract.onderdrukte_cellen(t.loc[0, "onderdrukking"]) == {
        "n_met_kosten_na": "aantal", "aandeel_nul_na": "aantal"}
    assert controleer([Invoer("i", "a", "t", KOSTEN, t.assign(_t1=pd.NA, _t2=pd.NA))], INST) == []


def test_the_same_quantity_hidden_in_one_table_and_shown_in_another_is_a_leak():
    a = Tabel("a", [sleutel("u"), aantal("n_paren", grootheid="paren/{u}"), statistiek("x", basis="n_paren")])
    b = Tabel("b", [sleutel("u"), aantal("n_totaal", grootheid="paren/{u}")])
    df = pd.DataFrame({"u": ["bmi"], "n_paren": [4], "x": [0.1]})
    fouten = controleer([_inv_vrij(a, df, {0: ["n_paren", "x"]}, tabel="a"),
                         _inv_vrij(b, df[["u"]].assign(n_totaal=4), tabel="b")], INST)
    assert any("dezelfde grootheid is onderdrukt" in f for f in fouten)
    assert any("aantal 4 < 10" in f for f in fouten)


MODEL = Tabel("een model op de uitvallers van een deel van de groep", [
    sleutel("groep"), aantal("n_model", grootheid="model/{groep}"),
    aantal("n_buiten", grootheid="buiten/{groep}"), aantal("n_totaal", grootheid="totaal/{groep}"),
    statistiek("coef", basis="n_model", onthult=False),
], relaties=[RijSom("n_totaal", ("n_model", "n_buiten"))])


def test_a_coefficient_stays_on_a_hidden_count_that_truly_is_large_enough():
    """86 dropouts in all, 82 in the model, 4 outside it: the 4 and (to protect them) the 82
    are hidden, but the model's coefficient, which does not give its n away, stays."""
    df = pd.DataFrame({"groep": ["a"], "n_model": [82], "n_buiten": [4], "n_totaal": [86], "coef": [0.7]})
    t = beveilig([_inv(MODEL, df)], INST).tabellen[0]
    assert pd.isna(t.loc[0, "n_buiten"]) and pd.isna(t.loc[0, "n_model"]) and t.loc[0, "n_totaal"] == 86
    assert t.loc[0, "coef"] == 0.7
    assert controleer([Invoer("i", "a", "t", MODEL, t)], INST) == []
    # a group below the threshold keeps nothing
    klein = beveilig([_inv(MODEL, df.assign(n_model=8, n_buiten=78))], INST).tabellen[0]
    assert pd.isna(klein.loc[0, "coef"])


def test_the_bound_a_kept_coefficient_reveals_is_part_of_the_attack():
    """A shown coefficient says its group has at least 10: with 11 in all and the group
    hidden, the other part is then at most 1. The engine must hide the total too, and the
    checker must flag a release that does not."""
    df = pd.DataFrame({"groep": ["a"], "n_model": [10], "n_buiten": [1], "n_totaal": [11], "coef": [0.7]})
    lek = _vrijgegeven(contract.controleer(df, MODEL, "t"), {0: ["n_model", "n_buiten"]})
    fouten = controleer([Invoer("i", "a", "t", MODEL, lek)], INST)
    assert any("ten hoogste 1 " in f for f in fouten)
    t = beveilig([_inv(MODEL, df)], INST).tabellen[0]
    assert controleer([Invoer("i", "a", "t", MODEL, t)], INST) == []
    assert pd.isna(t.loc[0, "n_totaal"]) or pd.isna(t.loc[0, "coef"])


SUBGROEPEN = Tabel("niveaus", [sleutel("u"), sleutel("niveau"),
                               aantal("n_paren", grootheid="paren/{u}/{niveau}"),
                               statistiek("verschil", basis="n_paren")],
                   relaties=[Som("n_paren", "paren/{u}", per=("u",), rest="paren/{u}/onbekend")])
GEPAARD = Tabel("totaal", [sleutel("u"), aantal("n_paren", grootheid="paren/{u}"),
                           statistiek("verschil", basis="n_paren")])


def test_a_level_hidden_in_one_table_recovered_from_the_total_in_another():
    """The cross-table complement: levels in a subgroup table, their total (the pairs) in
    the pre/post table. Within the subgroup table alone nothing is derivable."""
    sub = pd.DataFrame({"u": "bmi", "niveau": ["man", "vrouw", "anders"], "n_paren": [89, 99, 3],
                        "verschil": [0.1, 0.2, 0.3]})
    tot = pd.DataFrame({"u": ["bmi"], "n_paren": [191], "verschil": [0.15]})
    alleen = controleer([_inv_vrij(SUBGROEPEN, sub, {2: ["n_paren", "verschil"]}, tabel="sub")], INST)
    assert alleen == []  # with an unknown remainder the level is not pinned down …
    samen = controleer([_inv_vrij(SUBGROEPEN, sub, {2: ["n_paren", "verschil"]}, tabel="sub"),
                        _inv_vrij(GEPAARD, tot, tabel="gepaard")], INST)
    assert any("ten hoogste 3" in f for f in samen)  # … with the total of the other table it is
    u = beveilig([_inv(SUBGROEPEN, sub, tabel="sub"), _inv(GEPAARD, tot, tabel="gepaard")], INST)
    assert pd.isna(u.tabellen[0].loc[2, "n_paren"]) and u.tabellen[0]["n_paren"].isna().sum() == 2
    assert u.tabellen[1].loc[0, "n_paren"] == 191  # the headline total stays
    vrij = [Invoer("i", "a", "sub", SUBGROEPEN, u.tabellen[0]), Invoer("i", "a", "gepaard", GEPAARD, u.tabellen[1])]
    assert controleer(vrij, INST) == []


STROOM = Tabel("stroom", [sleutel("stap_nr", dtype="Int64"), sleutel("stap"), sleutel("van"),
                          sleutel("soort"), sleutel("groep"), sleutel("reden"),
                          aantal("n", grootheid="d/{stap}/{groep}/{reden}", gewicht=5)],
               relaties=[Som("n", "d/{van}//", per=("van",), waar={"soort": ("stap", "verlies")}),
                         Som("n", "d/{stap}/{groep}/", per=("stap", "groep"), waar={"soort": ("reden",)})])


def _stroom(redenen: dict[str, int], nog_actief: int, afgerond: int, niet_gestart: int = 20) -> pd.DataFrame:
    uit = sum(redenen.values())
    gestart = afgerond + uit + nog_actief
    rijen = [(0, "aangemeld", "", "stap", "", "", gestart + niet_gestart),
             (1, "gestart", "aangemeld", "stap", "", "", gestart),
             (1, "gestart", "aangemeld", "verlies", "niet_gestart", "", niet_gestart),
             (2, "afgerond", "gestart", "stap", "", "", afgerond),
             (2, "afgerond", "gestart", "verlies", "uitgevallen", "", uit),
             *[(2, "afgerond", "", "reden", "uitgevallen", r, n) for r, n in redenen.items()],
             (2, "afgerond", "gestart", "verlies", "nog_actief", "", nog_actief)]
    return pd.DataFrame(rijen, columns=["stap_nr", "stap", "van", "soort", "groep", "reden", "n"])


def test_flow_keeps_afgerond_and_protects_small_neighbours():
    df = _stroom({"geen_motivatie": 40, "verhuisd": 3, "onbekend": 12}, nog_actief=4, afgerond=548)
    fouten = controleer([_inv_vrij(STROOM, df, {8: ["n"]})], INST)  # only nog_actief hidden: 4 follows
    assert any("ten hoogste 4" in f for f in fouten)
    u = beveilig([_inv(STROOM, df)], INST)
    t = u.tabellen[0].set_index(["stap", "soort", "groep", "reden"])["n"]
    assert t[("afgerond", "stap", "", "")] == 548  # the headline count is released
    assert t[("aangemeld", "stap", "", "")] == 627 and t[("gestart", "stap", "", "")] == 607
    assert pd.isna(t[("afgerond", "verlies", "nog_actief", "")])
    assert pd.isna(t[("afgerond", "reden", "uitgevallen", "verhuisd")])
    assert controleer([Invoer("i", "a", "t", STROOM, u.tabellen[0])], INST) == []


KM = Tabel("km", [sleutel("t", dtype="float64"), aantal("n_risico"), aantal("n_uit"), aantal("n_cens")],
           relaties=[RijSom("d/gestart", ("n_risico", "n_uit", "n_cens")),
                     Cumulatief("n_uit", "t", rest="tussen/{_rij}"),
                     Cumulatief("n_cens", "t", rest="cens/{_rij}")])


def test_running_totals_protect_the_increments():
    df = pd.DataFrame({"t": [0.0, 1.0, 2.0], "n_risico": [100, 60, 52], "n_uit": [0, 30, 33],
                       "n_cens": [0, 10, 15]})
    fouten = controleer([_inv_vrij(KM, df)], INST)
    assert any("ten hoogste 3" in f for f in fouten) and any("ten hoogste 5" in f for f in fouten)
    u = beveilig([_inv(KM, df)], INST)
    assert controleer([Invoer("i", "a", "t", KM, u.tabellen[0])], INST) == []


TEKST = Tabel("tekst", [sleutel("u"), aantal("n"), tekst("reden", basis="n")])


def test_free_text_with_a_count_is_masked_and_known_messages_pass():
    df = pd.DataFrame({"u": ["a", "b", "c"], "n": [40, 50, 60],
                       "reden": ["Te weinig complete paren (3)", "Te weinig complete paren voor een toets.",
                                 "Geen waarnemingen op T1 én op een later meetmoment."]})
    assert any("vrije tekst" in f for f in controleer([_inv_vrij(TEKST, df)], INST))
    u = beveilig([_inv(TEKST, df)], INST)
    t = u.tabellen[0]
    assert pd.isna(t.loc[0, "reden"]) and t.loc[0, "onderdrukking"] == "reden:tekst"
    assert t.loc[1, "reden"] == "Te weinig complete paren voor een toets." and t.loc[2, "reden"].startswith("Geen")
    assert u.maskers == 1
    # a placeholder may only carry a word from the configuration or the dictionary
    assert not toegestaan("Geen waarnemingen op 3 én op een later meetmoment.", None, INST.woorden)


def test_dominance_rules():
    inst = Instellingen(min_n=MIN_N, p=10.0, nk=(2, 90.0))
    assert gedomineerd(1000.0, (500.0, 450.0), inst)           # two hold 95%
    assert gedomineerd(1000.0, (905.0, 50.0), inst)            # p%: 1000-905-50 = 45 < 90.5
    assert not gedomineerd(1000.0, (300.0, 200.0), inst)
    assert not gedomineerd(1000.0, None, inst)


def test_a_dominated_amount_is_hidden_and_not_recoverable_from_the_total():
    df = _kosten(n=200, met=(150, 120), bedragen=(5e5, 4e4),
                 top=[(4.9e5, 2e3), (900.0, 800.0), (4.9e5, 2e3)])
    u = beveilig([_inv(KOSTEN, df)], INST)
    t = u.tabellen[0]
    assert pd.isna(t.loc[0, "totaal_na"]) and pd.isna(t.loc[0, "gemiddeld_na"])
    assert contract.onderdrukte_cellen(t.loc[0, "onderdrukking"])["totaal_na"] == "dominantie"
    # the total over domains would give it away: a second amount is hidden too
    assert t["totaal_na"].isna().sum() >= 2
    lek = _vrijgegeven(contract.controleer(df, KOSTEN, "t"), {0: ["totaal_na", "gemiddeld_na"]})
    lek["onderdrukking"] = ["totaal_na:dominantie|gemiddeld_na:dominantie", "", ""]
    lek = lek.assign(n_met_kosten_na=[150, 120, 200], aandeel_nul_na=[0.25, 0.4, 0.0])
    assert any("exact terug te rekenen" in f for f in controleer([Invoer("i", "a", "t", KOSTEN, lek)], INST))


def test_one_marker_and_no_primary_or_secondary_label():
    u = beveilig([_inv(CATEGORIEEN, _categorieen([40, 30, 4]))], INST)
    t = u.tabellen[0]
    assert t["onderdrukt"].tolist() == [False, True, True]
    redenen = {r for w in t["onderdrukking"] for r in contract.onderdrukte_cellen(w).values()}
    assert redenen == {"aantal"}
    assert {"primair", "secundair"}.isdisjoint(" ".join(t["onderdrukking"]).split(":"))


def test_a_relation_that_does_not_hold_is_a_specification_error():
    from evaluatie.disclosure import SysteemFout

    df = _categorieen([40, 30, 20]).assign(n_totaal=95)  # the parts add up to 90
    with pytest.raises(SysteemFout, match="relatie klopt niet"):
        beveilig([_inv(CATEGORIEEN, df)], INST)


def test_release_files_without_a_specification_or_of_another_type_are_violations(tmp_path):
    (tmp_path / "i" / "a").mkdir(parents=True)
    pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "i" / "a" / "rijen.parquet")
    pd.DataFrame({"n": [3]}).to_csv(tmp_path / "i" / "a" / "t.csv", index=False)
    (tmp_path / "meta.json").write_text(json.dumps({"n_deelnemers": 4}), "utf-8")

    def specs(scope, analyse):
        raise KeyError(analyse)

    fouten = controleer_map(tmp_path, INST, specs)
    assert any("parquet" in f for f in fouten)
    assert any("geen specificatie" in f for f in fouten)
    assert any("aantal 4 < 10" in f for f in fouten)


# ----------------------------------------------------------------------------- independent proofs


def _grenzen_lp(waarden: dict[str, float], verborgen: set[str], vergelijkingen: list[dict[str, float]]
                ) -> dict[str, float]:
    """Max of every hidden quantity given the shown ones, ``x >= 0`` and the equations.

    Written here, apart from evaluatie.disclosure.audit, with scipy.optimize.linprog."""
    namen = sorted(verborgen)
    kol = {n: j for j, n in enumerate(namen)}
    a_eq, b_eq = [], []
    for v in vergelijkingen:
        rij = np.zeros(len(namen))
        rest = 0.0
        for n, c in v.items():
            if n in kol:
                rij[kol[n]] += c
            else:
                rest += c * waarden[n]
        if rij.any():
            a_eq.append(rij)
            b_eq.append(-rest)
    uit = {}
    for n in namen:
        c = np.zeros(len(namen))
        c[kol[n]] = -1
        res = linprog(c, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(0, None), method="highs")
        uit[n] = np.inf if res.status == 3 else -res.fun
    return uit


def _kruistabel(cellen: np.ndarray) -> tuple[pd.DataFrame, list[dict[str, float]], dict[str, float]]:
    """A cross table in long form with row, column and grand totals; its equations."""
    r, k = cellen.shape
    rijen = []
    for i, j in itertools.product(range(r + 1), range(k + 1)):
        n = (cellen[i, j] if i < r and j < k else cellen[i].sum() if i < r else
             cellen[:, j].sum() if j < k else cellen.sum())
        rijen.append({"rij": f"r{i}" if i < r else "totaal", "kolom": f"k{j}" if j < k else "totaal",
                      "n": int(n)})
    df = pd.DataFrame(rijen)
    naam = {(x.rij, x.kolom): f"{x.rij}/{x.kolom}" for x in df.itertuples()}
    vgl = []
    for i in [*(f"r{i}" for i in range(r)), "totaal"]:
        vgl.append({naam[(i, "totaal")]: 1.0, **{naam[(i, f"k{j}")]: -1.0 for j in range(k)}})
    for j in [*(f"k{j}" for j in range(k)), "totaal"]:
        vgl.append({naam[("totaal", j)]: 1.0, **{naam[(f"r{i}", j)]: -1.0 for i in range(r)}})
    waarden = {naam[(x.rij, x.kolom)]: float(x.n) for x in df.itertuples()}
    return df, vgl, waarden


KRUIS = Tabel("kruistabel", [sleutel("rij"), sleutel("kolom"), aantal("n", grootheid="{rij}/{kolom}")],
              relaties=[Som("n", "{rij}/totaal", per=("rij",), waar={"!kolom": ("totaal",)}),
                        Som("n", "totaal/{kolom}", per=("kolom",), waar={"!rij": ("totaal",)})])


@pytest.mark.parametrize("seed", range(12))
def test_no_hidden_cell_of_a_cross_table_can_be_bounded_below_the_threshold(seed):
    rng = np.random.default_rng(seed)
    cellen = rng.choice([0, 1, 3, 6, 9, 12, 15, 30, 45], size=(rng.integers(2, 5), rng.integers(2, 5)))
    df, vgl, waarden = _kruistabel(cellen)
    u = beveilig([_inv(KRUIS, df)], INST)
    t = u.tabellen[0]
    verborgen = {f"{x.rij}/{x.kolom}" for x in t.itertuples() if pd.isna(x.n)}
    grenzen = _grenzen_lp(waarden, verborgen, vgl)
    for naam, hi in grenzen.items():
        assert hi <= 1e-7 or hi >= MIN_N - 1e-7, (naam, hi)
    # and only primary suppression would have leaked (when there is something small)
    klein = {f"{x.rij}/{x.kolom}" for x in df.itertuples() if 0 < x.n < MIN_N}
    if klein:
        alleen = _grenzen_lp(waarden, klein, vgl)
        if any(1e-7 < hi < MIN_N - 1e-7 for hi in alleen.values()):
            assert verborgen > klein
    assert controleer([Invoer("i", "a", "t", KRUIS, t)], INST) == []


@pytest.mark.parametrize("seed", range(8))
def test_across_tables_a_total_released_once_protects_categories_in_two_tables(seed):
    """Two tables (categories and a histogram) partition the same completers, whose number
    is released in a third: an independent LP over all three finds nothing below min_n."""
    rng = np.random.default_rng(100 + seed)
    a = rng.choice([1, 2, 4, 7, 11, 25, 40], size=rng.integers(3, 6))
    b = rng.multinomial(int(a.sum()), rng.dirichlet(np.ones(rng.integers(3, 6))))
    totaal = int(a.sum())
    cat = Tabel("cat", [sleutel("u"), sleutel("c"), aantal("n", grootheid="cat/{c}")],
                relaties=[Som("n", "paren/{u}", per=("u",))])
    hist = Tabel("hist", [sleutel("u"), sleutel("k"), aantal("n", grootheid="hist/{k}")],
                 relaties=[Som("n", "paren/{u}", per=("u",))])
    tot = Tabel("tot", [sleutel("u"), aantal("n_paren", grootheid="paren/{u}")])
    invoer = [_inv(cat, pd.DataFrame({"u": "x", "c": [f"c{i}" for i in range(len(a))], "n": a}), "cat"),
              _inv(hist, pd.DataFrame({"u": "x", "k": [f"k{i}" for i in range(len(b))], "n": b}), "hist"),
              _inv(tot, pd.DataFrame({"u": ["x"], "n_paren": [totaal]}), "tot")]
    u = beveilig(invoer, INST)
    waarden = {**{f"cat/c{i}": float(x) for i, x in enumerate(a)},
               **{f"hist/k{i}": float(x) for i, x in enumerate(b)}, "paren": float(totaal)}
    vgl = [{"paren": 1.0, **{f"cat/c{i}": -1.0 for i in range(len(a))}},
           {"paren": 1.0, **{f"hist/k{i}": -1.0 for i in range(len(b))}}]
    verborgen = {f"cat/c{i}" for i in range(len(a)) if pd.isna(u.tabellen[0].loc[i, "n"])}
    verborgen |= {f"hist/k{i}" for i in range(len(b)) if pd.isna(u.tabellen[1].loc[i, "n"])}
    if pd.isna(u.tabellen[2].loc[0, "n_paren"]):
        verborgen.add("paren")
    for naam, hi in _grenzen_lp(waarden, verborgen, vgl).items():
        assert hi <= 1e-7 or hi >= MIN_N - 1e-7, (naam, hi)
    vrij = [Invoer(i.scope, i.analyse, i.tabel, i.spec, t) for i, t in zip(invoer, u.tabellen, strict=True)]
    assert controleer(vrij, INST) == []
