"""Generated text: the Samenvatting (key findings) and the Methoden section.

Both are laid out from a real release (the ``vrijgave_demo`` fixture). The sentences must
state the numbers and verdicts of the findings table, follow them when they change, never
recompute a verdict, and say so when a number was withheld.
"""

from __future__ import annotations

import json
import shutil

import pytest
from fixtures.vrijgave import kopieer, onderdruk, pas_aan

from evaluatie import methoden, samenvatting
from evaluatie.rapport import Resultaten, euro, geheel, getal, procent


@pytest.fixture
def vrijgave(vrijgave_demo, tmp_path):
    """A copy of the demo release to change."""
    return kopieer(vrijgave_demo[0], tmp_path / "publiceerbaar")


def _tekst(map_) -> str:
    return " ".join(samenvatting.kernpunten(Resultaten(map_)))


def _primair(df):
    return df.index[df["rol"] == "primair"][0]


@pytest.mark.parametrize("interventie", ["czv-kind", "leefstijlloket", "gezinsregie", "groepsconsulten"])
def test_primary_sentence_states_the_findings_row(vrijgave_demo, interventie):
    R = Resultaten(vrijgave_demo[0] / interventie)
    r = R.bevindingen().set_index("rol").loc["primair"]
    zin = samenvatting.zin_primaire_uitkomst(R)
    assert f"De primaire uitkomst, {R.uitkomst_titel(r['uitkomst'])}," in zin
    assert f"van {r['pre']} tot {r['post']}" in zin
    assert (f"gemiddeld met {getal(r['schatting'], 2)} (95%-betrouwbaarheidsinterval "
            f"{getal(r['ci95_onder'], 2)} tot {getal(r['ci95_boven'], 2)})") in zin
    assert samenvatting.oordeel_tekst(r["oordeel"]) in zin
    assert samenvatting.SCHATTER[r["schatter"]] in zin


def test_the_verdict_follows_the_findings_table_not_the_numbers(vrijgave):
    """Change only the verdict and the corrected p of the primary finding (the estimate
    and interval still exclude zero): the sentence follows the table and recomputes nothing."""
    map_ = vrijgave / "czv-kind"
    pas_aan(map_, "bevindingen", "bevindingen",
            lambda df: df.assign(**{"p_gecorrigeerd": df["p_gecorrigeerd"].where(df["rol"] != "primair", 0.0612),
                                    "oordeel": df["oordeel"].where(df["rol"] != "primair",
                                                                   "geen_aantoonbare_verandering")}))
    zin = samenvatting.zin_primaire_uitkomst(Resultaten(map_))
    assert "geen aantoonbare verandering (niet statistisch significant)" in zin
    assert "p = 0,061 na Holm-correctie" in zin
    assert "significante verbetering" not in zin


def test_a_withheld_primary_estimate_is_said_to_be_withheld(vrijgave):
    map_ = vrijgave / "czv-kind"
    kolommen = ["schatting", "ci95_onder", "ci95_boven", "p", "p_gecorrigeerd", "richting", "oordeel"]
    pas_aan(map_, "bevindingen", "bevindingen", lambda df: onderdruk(df, _primair(df), kolommen))
    tekst = _tekst(map_)
    assert ("Voor de primaire uitkomst, BMI z-score, is geen schatting gepubliceerd: te weinig "
            "deelnemers (gegevens onderdrukt).") in tekst
    assert "veranderde van" not in tekst


def test_an_estimate_that_could_not_be_computed_is_not_called_withheld(vrijgave):
    map_ = vrijgave / "czv-kind"

    def niet_berekend(df):
        i = _primair(df)
        df.loc[i, ["schatting", "ci95_onder", "ci95_boven", "p", "p_gecorrigeerd"]] = None
        df.loc[i, ["oordeel", "status"]] = ["niet_te_berekenen", "niet_berekend"]
        return df

    pas_aan(map_, "bevindingen", "bevindingen", niet_berekend)
    zin = samenvatting.zin_primaire_uitkomst(Resultaten(map_))
    assert zin.endswith("is geen schatting gepubliceerd: niet te berekenen.")


def test_participants_and_dropout_state_the_released_counts(vrijgave_demo):
    R = Resultaten(vrijgave_demo[0] / "leefstijlloket")
    stap = R.tabel("uitval", "stroom").query("soort == 'stap'").set_index("stap")["n"]
    assert samenvatting.zin_deelnemers(R) == (
        f"Er meldden zich {geheel(stap['aangemeld'])} deelnemers aan, van wie er {geheel(stap['gestart'])} "
        f"met de interventie begonnen en {geheel(stap['afgerond'])} de interventie afrondden.")
    u = R.tabel("uitval", "percentages").query("indeling == 'totaal'").iloc[0]
    assert samenvatting.zin_uitval(R) == (
        f"Van de {geheel(u['n_gestart'])} deelnemers die begonnen, vielen er {geheel(u['n_uitgevallen'])} "
        f"voortijdig uit ({procent(u['percentage'])}; 95%-betrouwbaarheidsinterval "
        f"{procent(u['ci95_onder'])} tot {procent(u['ci95_boven'])}).")


def test_withheld_dropout_is_never_filled_in(vrijgave):
    map_ = vrijgave / "leefstijlloket"
    pas_aan(map_, "uitval", "percentages",
            lambda df: onderdruk(df, df.index[df["indeling"] == "totaal"][0],
                                 ["n_uitgevallen", "percentage", "ci95_onder", "ci95_boven"]))
    assert samenvatting.zin_uitval(Resultaten(map_)) == (
        "Het uitvalpercentage is niet gepubliceerd, omdat het op te weinig deelnemers berust.")


def test_costs_with_a_comparison_group_lead_with_the_did(vrijgave_demo):
    R = Resultaten(vrijgave_demo[0] / "gezinsregie")
    b = R.bevindingen().set_index("rol")
    assert b.loc["kosten", "schatter"] == "kosten_did" and b.loc["naast", "schatter"] == "kosten_voor_na"
    zin = samenvatting.zin_kosten(R)
    assert zin.startswith("Ten opzichte van de vergelijkingsgroep veranderden de zorgkosten per "
                          f"deelnemer met {euro(b.loc['kosten', 'schatting'])} per jaar")
    assert f"Binnen de interventiegroep alleen was het verschil na − voor {euro(b.loc['naast', 'schatting'])}" in zin


def test_costs_without_a_comparison_group_are_not_called_an_effect(vrijgave_demo):
    R = Resultaten(vrijgave_demo[0] / "czv-kind")
    r = R.bevindingen().set_index("rol").loc["kosten"]
    zin = samenvatting.zin_kosten(R)
    assert f"gemiddeld {euro(abs(r['schatting']))} {'lager' if r['schatting'] < 0 else 'hoger'} dan ervoor" in zin
    assert "zonder vergelijkingsgroep is dit geen effect van de interventie" in zin


def test_parts_that_did_not_run_are_left_out(vrijgave):
    map_ = vrijgave / "groepsconsulten"
    volledig = samenvatting.kernpunten(Resultaten(map_))
    for analyse in ("bevindingen", "uitval"):
        shutil.rmtree(map_ / analyse)
    over = samenvatting.kernpunten(Resultaten(map_))
    assert over and len(over) < len(volledig)
    assert not any("primaire uitkomst" in z or "uitval" in z or "meldden zich" in z for z in over)


def test_methods_describe_what_the_provenance_records(vrijgave):
    map_ = vrijgave / "czv-kind"
    m = methoden.lees_methoden(Resultaten(map_))
    tekst = " ".join(t for _, t in m.alineas)
    assert "gepaarde t-toets" in tekst and "Wilcoxon" in tekst and "gemengd" in tekst
    assert "De primaire uitkomst is BMI z-score (vastgelegd in de configuratie)" in tekst
    assert any(r.startswith("Lakens D (2013)") for r in m.referenties)
    assert any(r.startswith("Kaplan EL, Meier P (1958)") for r in m.referenties)
    assert "31 oktober 2026" in tekst
    # drop the Wilcoxon and Kaplan-Meier records: neither is claimed or cited any more
    for analyse, methode in (("voor_na", "wilcoxon"), ("uitval", "kaplan_meier")):
        pad = map_ / analyse / "_tabellen.json"
        info = json.loads(pad.read_text("utf-8"))
        info["herkomst"] = [h for h in info["herkomst"] if h["methode"] != methode]
        pad.write_text(json.dumps(info), "utf-8")
    m = methoden.lees_methoden(Resultaten(map_))
    tekst = " ".join(t for _, t in m.alineas)
    assert "Wilcoxon" not in tekst and not any("Kaplan" in r for r in m.referenties)


def test_software_table_and_dates():
    sw = methoden.software_tabel({"verantwoording": {"evaluatie_versie": "0.1.0",
                                                     "software": {"python": "3.11.7", "pandas": "2.2.3"}}})
    assert sw.to_dict("records")[:2] == [{"Programma": "evaluatie", "Versie": "0.1.0"},
                                         {"Programma": "python", "Versie": "3.11.7"}]
    assert methoden.datum_nl("2026-03-01") == "1 maart 2026" and methoden.datum_nl("onbekend") == "onbekend"
