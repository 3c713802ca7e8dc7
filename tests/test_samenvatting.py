"""Generated text: the Samenvatting (key findings) and the Methoden section."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from evaluatie import methoden, samenvatting

META = {
    "interventie": "czv-kind", "naam": "CZV kind", "doelgroep": "kind", "min_n": 10,
    "meetmomenten": ["T0", "T1", "T2"], "peildatum": "2026-10-31", "synthetisch": False,
    "uitkomsten": {"bmi_z": {"titel": "BMI z-score", "hoger_is_beter": False, "primair": True},
                   "rapportcijfer_leven": {"titel": "Rapportcijfer leven", "hoger_is_beter": True,
                                           "primair": False},
                   "pg_meedoen": {"titel": "Meedoen", "hoger_is_beter": True, "primair": False}},
    "verantwoording": {"evaluatie_versie": "0.1.0", "software": {"python": "3.11.7", "pandas": "2.2.3"}},
}


def _gepaard(**over):
    rij = {"uitkomst": "bmi_z", "pre": "T0", "post": "T1", "n_paren": 80, "verschil": -0.12,
           "ci95_onder": -0.18, "ci95_boven": -0.06, "t": -4.1, "p": 0.0002, "richting": "verbeterd",
           "status": "ok", "onderdrukt": False}
    return rij | over


@pytest.fixture
def map_(tmp_path):
    p = tmp_path / "publiceerbaar"
    for a in ("beschrijving", "uitval", "voor_na", "kosten"):
        (p / a).mkdir(parents=True)
    (p / "interventie.json").write_text(json.dumps(META), "utf-8")
    pd.DataFrame({"uitkomst": ["bmi_z"] * 2, "meetmoment": ["T0", "T1"], "n": [150, 90],
                  "gemiddelde": [2.6, 2.5], "sd": [0.5, 0.5], "onderdrukt": [False, False]}
                 ).to_csv(p / "beschrijving" / "beschrijving.csv", index=False)
    pd.DataFrame({"stap_nr": [0, 1, 4], "stap": ["aangemeld", "gestart", "afgerond"],
                  "soort": ["stap"] * 3, "reden_uitval": [""] * 3, "n": [180, 160, 70],
                  "onderdrukt": [False] * 3}).to_csv(p / "uitval" / "stroom.csv", index=False)
    pd.DataFrame({"indeling": ["totaal", "jaar"], "periode": ["totaal", "2024"], "n_gestart": [160, np.nan],
                  "n_uitgevallen": [46, np.nan], "percentage": [28.75, np.nan], "ci95_onder": [22.3, np.nan],
                  "ci95_boven": [36.2, np.nan], "status": ["ok", "ok"], "onderdrukt": [False, True]}
                 ).to_csv(p / "uitval" / "percentages.csv", index=False)
    pd.DataFrame([
        _gepaard(),
        _gepaard(post="T2", n_paren=76, verschil=-0.2259, ci95_onder=-0.281, ci95_boven=-0.171, p=1e-9),
        _gepaard(uitkomst="rapportcijfer_leven", verschil=0.4, ci95_onder=0.1, ci95_boven=0.7, p=0.01),
        _gepaard(uitkomst="pg_meedoen", verschil=0.1, ci95_onder=-0.1, ci95_boven=0.3, p=0.3),
        # a suppressed row: too few pairs; its (hidden) numbers must never be used
        _gepaard(uitkomst="pg_meedoen", post="T2", n_paren=np.nan, verschil=np.nan, p=np.nan,
                 onderdrukt=True),
    ]).assign(wilcoxon_v=12.0, cohens_dz=-0.4).to_csv(p / "voor_na" / "gepaard.csv", index=False)
    pd.DataFrame({"kostendomein": ["zvw", "totaal"], "n_deelnemers": [117, 117],
                  "gemiddeld_verschil": [-100.0, -521.67], "ci95_onder": [-300.0, -1009.6],
                  "ci95_boven": [80.0, 50.2], "status": ["ok", "ok"], "onderdrukt": [False, False]}
                 ).to_csv(p / "kosten" / "kostentabel.csv", index=False)
    return p


def test_key_findings_state_the_released_numbers_in_dutch(map_):
    tekst = " ".join(samenvatting.kernpunten(map_))
    assert "Er meldden zich 180 deelnemers aan, van wie er 160 met de interventie begonnen en 70" in tekst
    assert "vielen er 46 voortijdig uit (29%; 95%-BI 22% tot 36%)" in tekst
    # primary outcome at the last measurement, Dutch decimal comma and minus sign
    assert "BMI z-score, veranderde tussen T0 en T2 gemiddeld met −0,23 (95%-BI −0,28 tot −0,17)" in tekst
    assert "76 deelnemers met beide metingen; een statistisch significante verbetering (p < 0,001)" in tekst
    assert "Van de twee andere uitkomsten één verbeterde statistisch significant (Rapportcijfer leven)" in tekst
    assert "€\u00a0522 lager dan ervoor" in tekst and "over 117 deelnemers" in tekst
    assert "1 rij" not in tekst and "twee rijen onderdrukt" in tekst


def test_a_suppressed_row_is_never_used_even_when_it_leaks(map_):
    # a leaky file: the dropout row is marked suppressed but still holds its numbers
    pd.DataFrame({"periode": ["totaal"], "n_gestart": [160], "n_uitgevallen": [7], "percentage": [4.375],
                  "status": ["ok"], "onderdrukt": [True]}).to_csv(map_ / "uitval" / "percentages.csv", index=False)
    zinnen = samenvatting.kernpunten(map_)
    uitval = [z for z in zinnen if "uitval" in z.lower()]
    assert uitval == ["Het uitvalpercentage is niet gepubliceerd, omdat het op te weinig deelnemers berust "
                      "(minder dan 10)."]
    assert not any(" 7 " in z or "4%" in z or "4,4" in z for z in zinnen)


def test_primary_outcome_suppressed_says_so(map_):
    g = pd.read_csv(map_ / "voor_na" / "gepaard.csv")
    g.loc[g["uitkomst"] == "bmi_z", ["n_paren", "verschil", "p"]] = np.nan
    g.loc[g["uitkomst"] == "bmi_z", "onderdrukt"] = True
    g.to_csv(map_ / "voor_na" / "gepaard.csv", index=False)
    tekst = " ".join(samenvatting.kernpunten(map_))
    assert "Voor de primaire uitkomst, BMI z-score, zijn geen resultaten gepubliceerd" in tekst


def test_parts_without_tables_are_skipped(tmp_path):
    p = tmp_path / "publiceerbaar"
    p.mkdir()
    (p / "interventie.json").write_text(json.dumps(META), "utf-8")
    assert samenvatting.kernpunten(p) == []
    (p / "beschrijving").mkdir()
    pd.DataFrame({"uitkomst": ["bmi_z", "pg_meedoen"], "meetmoment": ["T0", "T0"], "n": [np.nan, 40],
                  "onderdrukt": [True, False]}).to_csv(p / "beschrijving" / "beschrijving.csv", index=False)
    assert samenvatting.kernpunten(p) == [
        "Bij de voormeting (T0) zijn 40 deelnemers gemeten (Meedoen, de uitkomst met de meeste metingen).",
        "In de tabellen is één rij onderdrukt, omdat ze op minder dan 10 deelnemers berusten of anders "
        "terug te rekenen zouden zijn."]


def test_methods_describe_only_what_ran(map_):
    (map_ / "voor_na" / "_tabellen.json").write_text(json.dumps(
        {"analyse": "voor_na", "titel": "Voor/na-vergelijkingen", "tabellen": {"gepaard": "..."}}), "utf-8")
    m = methoden.lees_methoden(map_)
    tekst = " ".join(t for _, t in m.alineas)
    assert "gepaarde t-toets" in tekst and "Wilcoxon" in tekst and "Cohen's d_z" in tekst
    assert "gemengd model" not in tekst  # no mixed-model table was written
    assert any(r.startswith("Lakens D (2013)") for r in m.referenties)
    assert not any("Kaplan" in r for r in m.referenties)  # no Kaplan-Meier table: not cited
    assert "31 oktober 2026" in tekst and "aantallen onder 10" in tekst
    # without the Wilcoxon column the test is not claimed
    g = pd.read_csv(map_ / "voor_na" / "gepaard.csv").drop(columns=["wilcoxon_v"])
    g.to_csv(map_ / "voor_na" / "gepaard.csv", index=False)
    assert "Wilcoxon" not in " ".join(t for _, t in methoden.lees_methoden(map_).alineas)


def test_software_and_thresholds_tables(map_):
    sw = methoden.software_tabel(META)
    assert sw.to_dict("records")[:2] == [{"Programma": "evaluatie", "Versie": "0.1.0"},
                                         {"Programma": "python", "Versie": "3.11.7"}]
    assert methoden.instellingen_tabel(map_) is None
    pd.DataFrame({"uitkomst": ["bmi_z"], "titel": ["BMI z-score"], "klinisch_relevant": [0.25],
                  "stabiliteitsband": [0.1], "correctie": ["holm"], "alpha": [0.05]}
                 ).to_csv(map_ / "voor_na" / "instellingen.csv", index=False)
    t = methoden.instellingen_tabel(map_)
    assert t.iloc[0].tolist() == ["BMI z-score", "0,25", "± 0,10", "Holm", "0,05"]
    assert methoden.datum_nl("2026-03-01") == "1 maart 2026" and methoden.datum_nl("onbekend") == "onbekend"
