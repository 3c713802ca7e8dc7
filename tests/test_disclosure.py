"""Disclosure control: primary and secondary suppression, and the checker fed leaky outputs."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from evaluatie import disclosure
from evaluatie.disclosure import OnthullingsFout, controleer_map, eis_schoon, onderdruk, onderdruk_met_totalen

MIN_N = 10


# ----------------------------------------------------------------------------- primary


def test_primary_suppression_hides_small_counts_and_their_statistics():
    df = pd.DataFrame({"groep": ["a", "b", "c"], "n": [25, 4, 0], "gemiddelde": [1.5, 2.5, np.nan],
                       "percentage": [10.0, 50.0, np.nan]})
    uit = onderdruk(df, MIN_N)
    assert uit["n"].tolist()[0] == 25 and pd.isna(uit.loc[1, "n"])
    assert pd.isna(uit.loc[1, "gemiddelde"]) and pd.isna(uit.loc[1, "percentage"])
    assert uit["onderdrukt"].tolist() == [False, True, False]
    assert uit.loc[2, "n"] == 0  # zero reveals nobody and stays


# ----------------------------------------------------------------------------- secondary


def _herleidbaar(waarden: np.ndarray, verborgen: np.ndarray, groepen: list[list[int]]) -> list[int]:
    """Hidden cells whose value follows exactly from the visible cells and the group sums.

    Every group is one linear equation (its members sum to a known total, the sum of the
    original values); hidden cells are unknowns >= 0. A cell is recoverable when its
    minimum and maximum over all solutions coincide (two linear programs).
    """
    onbekend = np.flatnonzero(verborgen)
    if not len(onbekend):
        return []
    kolom = {c: j for j, c in enumerate(onbekend)}
    a_eq, b_eq = [], []
    for g in groepen:
        rij = np.zeros(len(onbekend))
        rest = 0.0
        for i in g:
            if verborgen[i]:
                rij[kolom[i]] = 1
            else:
                rest += waarden[i]
        if rij.any():
            a_eq.append(rij)
            b_eq.append(sum(waarden[i] for i in g) - rest)
    uit = []
    for c, j in kolom.items():
        doel = np.zeros(len(onbekend))
        doel[j] = 1
        lo = linprog(doel, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
        hi = -linprog(-doel, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
        if abs(hi - lo) < 1e-6:
            uit.append(int(c))
    return uit


def _kruistabel(cellen: np.ndarray) -> tuple[pd.DataFrame, list[list[int]]]:
    """A cross table in long form with row, column and grand totals, and its sum groups."""
    r, k = cellen.shape
    rijen = []
    for i, j in itertools.product(range(r + 1), range(k + 1)):
        if i < r and j < k:
            n = cellen[i, j]
        elif i < r:
            n = cellen[i].sum()
        elif j < k:
            n = cellen[:, j].sum()
        else:
            n = cellen.sum()
        rijen.append({"rij": f"r{i}" if i < r else "totaal", "kolom": f"k{j}" if j < k else "totaal",
                      "n": int(n)})
    df = pd.DataFrame(rijen)
    groepen = [list(ix) for ix in df.groupby("rij").groups.values()]
    groepen += [list(ix) for ix in df.groupby("kolom").groups.values()]
    return df, groepen


def test_one_small_category_takes_the_next_smallest_with_it():
    df = pd.DataFrame({"reden": ["verhuisd", "geen_tijd", "onbekend", "totaal"], "n": [3, 12, 40, 55],
                       "percentage": [5.5, 21.8, 72.7, 100.0]})
    uit = onderdruk_met_totalen(df, MIN_N, groepen=[[0, 1, 2, 3]])
    assert uit["onderdrukt"].tolist() == [True, True, False, False]
    assert uit["onderdrukking"].tolist() == ["primair", "secundair", "", ""]
    assert pd.isna(uit.loc[1, "n"]) and pd.isna(uit.loc[1, "percentage"])
    # without the complement, 55 - 40 - 12 = 3 would be recovered
    assert _herleidbaar(df["n"].to_numpy(float), uit["onderdrukt"].to_numpy(bool), [[0, 1, 2, 3]]) == []


def test_two_small_cells_that_add_up_below_the_threshold_get_a_third():
    df = pd.DataFrame({"reden": ["a", "b", "c", "d"], "n": [3, 4, 30, 50], "groep": ["x"] * 4})
    uit = onderdruk_met_totalen(df, MIN_N, per=["groep"])
    # a + b = 7 would be known from the total (published elsewhere): hide c as well
    assert uit["onderdrukt"].tolist() == [True, True, True, False]


def test_zero_cells_are_never_chosen_as_complement():
    df = pd.DataFrame({"categorie": ["a", "b", "c", "totaal"], "n": [0, 5, 20, 25]})
    uit = onderdruk_met_totalen(df, MIN_N, groepen=[[0, 1, 2, 3]])
    assert uit["onderdrukt"].tolist() == [False, True, True, False]


@pytest.mark.parametrize("seed", range(12))
def test_no_hidden_cell_of_a_cross_table_can_be_recovered_from_its_margins(seed):
    rng = np.random.default_rng(seed)
    cellen = rng.choice([0, 1, 3, 6, 9, 12, 15, 30, 45], size=(rng.integers(2, 5), rng.integers(2, 5)))
    df, groepen = _kruistabel(cellen)
    uit = onderdruk_met_totalen(df, MIN_N, per=["rij", "kolom"])
    verborgen = uit["onderdrukt"].to_numpy(bool)
    w = df["n"].to_numpy(float)
    # every primary cell is hidden, and nothing hidden can be worked out again
    assert verborgen[(w > 0) & (w < MIN_N)].all()
    assert _herleidbaar(w, verborgen, groepen) == []
    # the invariant the rule promises: no group with exactly one hidden cell
    for g in groepen:
        assert sum(verborgen[i] for i in g if w[i] > 0) != 1 or all(w[i] == 0 for i in g if not verborgen[i])
    # released numbers are untouched
    assert (uit.loc[~verborgen, "n"].to_numpy(float) == w[~verborgen]).all()


def test_primary_only_would_leak_in_the_same_tables():
    """The LP check above can fail: primary suppression alone leaves recoverable cells."""
    df, groepen = _kruistabel(np.array([[3, 20], [15, 30]]))
    alleen_primair = onderdruk(df, MIN_N)["onderdrukt"].to_numpy(bool)
    assert _herleidbaar(df["n"].to_numpy(float), alleen_primair, groepen) == [0]


def test_participant_flow_with_losses_per_step():
    # n(step k-1) = n(step k) + sum(losses at step k); the flow table of the uitval analysis
    stroom = pd.DataFrame({
        "stap": ["aangemeld", "gestart", "gestart", "gestart", "gemeten_T0", "gemeten_T0"],
        "soort": ["stap", "stap", "uitval", "uitval", "stap", "uitval"],
        "reden_uitval": ["", "", "niet_gestart", "verhuisd", "", "geen_meting"],
        "n": [100, 80, 16, 4, 60, 20],
    })
    groepen = [[0, 1, 2, 3], [1, 4, 5]]
    uit = onderdruk_met_totalen(stroom, MIN_N, groepen=groepen)
    verborgen = uit["onderdrukt"].to_numpy(bool)
    assert verborgen.tolist() == [False, False, True, True, False, False]
    assert _herleidbaar(stroom["n"].to_numpy(float), verborgen, groepen) == []


def test_the_runner_keeps_secondary_suppression():
    df = pd.DataFrame({"c": ["a", "b", "c", "totaal"], "n": [3, 12, 40, 55]})
    eerst = onderdruk_met_totalen(df, MIN_N, per=[], groepen=[[0, 1, 2, 3]])
    weer = onderdruk(eerst, MIN_N)  # what evaluatie.analyses.voer_uit does afterwards
    assert weer["onderdrukt"].tolist() == [True, True, False, False]
    assert weer["n"].isna().tolist() == [True, True, False, False]


def test_unknown_group_rows_are_an_error():
    df = pd.DataFrame({"c": ["a"], "n": [3]})
    with pytest.raises(KeyError):
        onderdruk_met_totalen(df, MIN_N, groepen=[[0, 7]])
    with pytest.raises(KeyError):
        onderdruk_met_totalen(df, MIN_N, per=["bestaat_niet"])


# ----------------------------------------------------------------------------- the checker


@pytest.fixture
def schoon(tmp_path):
    p = tmp_path / "publiceerbaar"
    (p / "analyse").mkdir(parents=True)
    pd.DataFrame({"groep": ["a", "b"], "n": [12, np.nan], "gemiddelde": [1.25, np.nan],
                  "onderdrukt": [False, True]}).to_csv(p / "analyse" / "tabel.csv", index=False)
    (p / "interventie.json").write_text(json.dumps({"min_n": 3, "n_deelnemers": 40,
                                                    "groepen": [{"n": 0}, {"n": 15}]}), "utf-8")
    (p / "analyse" / ".snakemake_timestamp").write_text("", "utf-8")
    with pd.ExcelWriter(p / "tabellen.xlsx") as xl:
        pd.DataFrame({"Toelichting": ["geen aantallen hier"]}).to_excel(xl, sheet_name="Toelichting",
                                                                         index=False)
        pd.DataFrame({"groep": ["a"], "n": [30]}).to_excel(xl, sheet_name="tabel", index=False, startrow=2)
    return p


def test_clean_outputs_pass(schoon):
    assert controleer_map(schoon, MIN_N) == []
    eis_schoon(schoon, MIN_N)


def test_checker_finds_a_small_count_in_a_csv(schoon):
    pd.DataFrame({"groep": ["a"], "n_uitgevallen": [3]}).to_csv(schoon / "analyse" / "lek.csv", index=False)
    fouten = controleer_map(schoon, MIN_N)
    assert len(fouten) == 1 and "lek.csv, rij 2, kolom 'n_uitgevallen': aantal 3 < 10" in fouten[0]


def test_checker_finds_a_mean_left_in_a_suppressed_row(schoon):
    pd.DataFrame({"groep": ["a", "b"], "n": [12, np.nan], "gemiddelde": [1.25, 3.75],
                  "onderdrukt": [False, True]}).to_csv(schoon / "analyse" / "lek.csv", index=False)
    fouten = controleer_map(schoon, MIN_N)
    assert len(fouten) == 1 and "kolom 'gemiddelde': waarde zichtbaar in een onderdrukte rij" in fouten[0]


def test_checker_finds_a_small_count_nested_in_json(schoon):
    (schoon / "lek.json").write_text(json.dumps({"tabellen": [{"wijk": "x", "n": 4}, {"n_paren": 10}]}),
                                     "utf-8")
    fouten = controleer_map(schoon, MIN_N)
    assert fouten == [f"{schoon / 'lek.json'}, $.tabellen[0].n: aantal 4 < 10"]


def test_checker_finds_a_small_count_in_an_xlsx_sheet_below_a_title(schoon):
    with pd.ExcelWriter(schoon / "export.xlsx") as xl:
        pd.DataFrame({"uitleg": ["Tabel 1"]}).to_excel(xl, sheet_name="uitval", index=False, header=False)
        pd.DataFrame({"reden": ["verhuisd", "overig"], "n": [25, 2]}).to_excel(
            xl, sheet_name="uitval", index=False, startrow=3)
    fouten = controleer_map(schoon, MIN_N)
    assert len(fouten) == 1
    assert "export.xlsx [uitval], rij 6, kolom 'n': aantal 2 < 10" in fouten[0]


def test_checker_refuses_row_level_files(schoon):
    pd.DataFrame({"pseudo_id": ["AB000001"], "bmi_z": [2.1]}).to_parquet(schoon / "deelnemers.parquet")
    fouten = controleer_map(schoon, MIN_N)
    assert len(fouten) == 1 and "bestandstype '.parquet' kan niet worden gecontroleerd" in fouten[0]


def test_eis_schoon_lists_every_violation(schoon):
    pd.DataFrame({"n": [1, 2, 30]}).to_csv(schoon / "lek.csv", index=False)
    (schoon / "lek.json").write_text(json.dumps({"n_t0": 9}), "utf-8")
    with pytest.raises(OnthullingsFout) as e:
        eis_schoon(schoon, MIN_N)
    tekst = str(e.value)
    assert "3 overtreding(en)" in tekst and "aantal 9 < 10" in tekst and "rij 3" in tekst


def test_threshold_is_configurable(schoon):
    assert controleer_map(schoon, 13) == [f"{schoon / 'analyse' / 'tabel.csv'}, rij 2, kolom 'n': aantal 12 < 13"]
    assert disclosure.controleer_map(schoon / "analyse" / "tabel.csv", 5) == []


def test_checker_accepts_a_released_total_and_labels_next_to_a_hidden_cell(schoon):
    # secondary suppression keeps the group's total and the bin limits: not a leak
    pd.DataFrame({"klasse_onder": [0.25, 0.75, 1.25], "n": [30, np.nan, np.nan], "n_totaal": [52, 52, 52],
                  "percentage": [57.7, np.nan, np.nan], "onderdrukt": [False, True, True]}
                 ).to_csv(schoon / "analyse" / "histogram.csv", index=False)
    assert controleer_map(schoon, MIN_N) == []


def test_the_documented_flow_recipe_protects_the_uitval_table():
    """The recipe in docs/onthullingscontrole.md, on the shape of uitval.deelnemersstroom."""
    stroom = pd.DataFrame({
        "stap_nr": [0, 1, 1, 1, 1, 2, 2, 2],
        "soort": ["stap", "stap", "uitval_totaal", "uitval", "uitval", "stap", "uitval_totaal", "uitval"],
        "reden_uitval": ["", "", "", "niet_gestart", "verhuisd", "", "", "geen_meting"],
        "n": [100, 80, 20, 14, 6, 55, 25, 25],
    })
    s = stroom.reset_index(drop=True)
    rij = {(r.soort, r.stap_nr): i for i, r in s.iterrows() if r.soort != "uitval"}
    groepen = []
    for k in sorted(s["stap_nr"].unique())[1:]:
        verlies = list(s.index[(s["soort"] == "uitval") & (s["stap_nr"] == k)])
        totaal = rij.get(("uitval_totaal", k))
        groepen.append([rij[("stap", k - 1)], rij[("stap", k)], *([totaal] if totaal is not None else verlies)])
        if totaal is not None:
            groepen.append([totaal, *verlies])
    uit = onderdruk_met_totalen(s, MIN_N, groepen=groepen)
    verborgen = uit["onderdrukt"].to_numpy(bool)
    assert verborgen.tolist() == [False, False, False, True, True, False, False, False]
    assert _herleidbaar(s["n"].to_numpy(float), verborgen, groepen) == []


def test_checker_finds_a_loss_that_follows_from_two_released_steps(schoon):
    # 48 registered and 46 started are released: the 2 who never started are known
    # (as the runner writes it: primary suppression also emptied stap_nr of the hidden rows)
    pd.DataFrame({"stap_nr": [0, 1, np.nan, np.nan], "stap": ["aangemeld", "gestart", "gestart", "gestart"],
                  "soort": ["stap", "stap", "uitval_totaal", "uitval"],
                  "reden_uitval": ["", "", "", "niet_gestart"], "n": [48, 46, np.nan, np.nan],
                  "onderdrukt": [False, False, True, True]}).to_csv(schoon / "analyse" / "stroom.csv", index=False)
    fouten = controleer_map(schoon, MIN_N)
    assert len(fouten) == 1 and "rij 4, kolom 'n': onderdrukt aantal is terug te rekenen uit de stroom (2 < 10)" in fouten[0]
    # after the documented secondary suppression nothing follows any more
    s = pd.DataFrame({"stap_nr": [0, 1, 1, 1], "soort": ["stap", "stap", "uitval_totaal", "uitval"],
                      "reden_uitval": ["", "", "", "niet_gestart"], "n": [48, 46, 2, 2]})
    uit = onderdruk_met_totalen(s, MIN_N, groepen=[[0, 1, 2], [2, 3]])
    uit.to_csv(schoon / "analyse" / "stroom.csv", index=False)
    assert controleer_map(schoon, MIN_N) == []
    assert uit["n"].isna().tolist() == [False, True, True, True]
