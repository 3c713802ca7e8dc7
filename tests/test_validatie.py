"""Bad input gets a collected error naming file, row, column and rule; nothing is coerced."""

from pathlib import Path

import pandas as pd
import pytest
from conftest import CODES, data_config

from evaluatie import validatie
from evaluatie.fouten import ConfigFout, ValidatieFout


def _lees(map_: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_csv(map_ / f"{t}.csv", dtype=str, keep_default_na=False)
            for t in ("deelnemers", "metingen", "zorgkosten", "ervaringen", "professionals", "wijken")}


def _schrijf(map_: Path, tabellen: dict[str, pd.DataFrame]) -> None:
    for t, df in tabellen.items():
        df.to_csv(map_ / f"{t}.csv", index=False)


def _fout(map_: Path) -> str:
    with pytest.raises(ValidatieFout) as e:
        validatie.lees_en_valideer(data_config(map_), CODES)
    return str(e.value)


def _eerste_gestart(d: pd.DataFrame, status: str = "uitgevallen") -> int:
    return int(d.index[d["status"] == status][0])


# Each case: (table, mutation(tables) -> (row index, local column), expected rule text)
def _type(t):
    t["deelnemers"].loc[4, "leeftijd_start"] = "tien"
    return "deelnemers", 4, "leeftijd_start", "geen getal"


def _bereik(t):
    t["metingen"].loc[2, "rapportcijfer_leven"] = "11"
    return "metingen", 2, "rapportcijfer_leven", "groter dan het maximum 10"


def _code(t):
    t["deelnemers"].loc[3, "interventie"] = "zwemles"
    return "deelnemers", 3, "interventie", "onbekende code"


def _enum(t):
    t["deelnemers"].loc[5, "geslacht"] = "M"
    return "deelnemers", 5, "geslacht", "onbekende code; toegestaan: man, vrouw, anders"


def _datum(t):
    t["metingen"].loc[1, "meetdatum"] = "31-02-2024"
    return "metingen", 1, "meetdatum", "geen geldige datum"


def _verplicht(t):
    t["deelnemers"].loc[6, "ses_groep"] = ""
    return "deelnemers", 6, "ses_groep", "verplicht veld is leeg"


def _patroon(t):
    t["deelnemers"].loc[7, "wijk"] = "Centrum"
    return "deelnemers", 7, "wijk", "voldoet niet aan patroon"


def _dubbel_id(t):
    t["deelnemers"].loc[9, "pseudo_id"] = t["deelnemers"].loc[8, "pseudo_id"]
    return "deelnemers", 9, "pseudo_id", "uniek"


def _vreemde_sleutel(t):
    t["metingen"].loc[3, "pseudo_id"] = "ONBEKEND1"
    return "metingen", 3, "pseudo_id", "onbekend in deelnemers"


def _meting_voor_start(t):
    m = t["metingen"]
    m.loc[0, "meetdatum"] = "2019-01-01"
    return "metingen", 0, "meetdatum", "vóór de startdatum"


def _einde_voor_start(t):
    d = t["deelnemers"]
    i = _eerste_gestart(d, "afgerond")
    d.loc[i, "einddatum"] = "2020-01-01"
    return "deelnemers", i, "einddatum", "ligt vóór startdatum"


def _reden_ontbreekt(t):
    d = t["deelnemers"]
    i = _eerste_gestart(d, "uitgevallen")
    d.loc[i, "reden_uitval"] = ""
    return "deelnemers", i, "reden_uitval", "verplicht als status 'uitgevallen' is"


def _geen_geheel_getal(t):
    t["ervaringen"].loc[0, "rapportcijfer"] = "7.5"
    return "ervaringen", 0, "rapportcijfer", "geen geheel getal"


def _negatief_kostendomein(t):
    t["zorgkosten"].loc[4, "kostendomein"] = "zvw"
    return "zorgkosten", 4, "kostendomein", "onbekende code"


GEVALLEN = [_type, _bereik, _code, _enum, _datum, _verplicht, _patroon, _dubbel_id,
            _vreemde_sleutel, _meting_voor_start, _einde_voor_start, _reden_ontbreekt,
            _geen_geheel_getal, _negatief_kostendomein]


@pytest.mark.parametrize("geval", GEVALLEN, ids=lambda f: f.__name__.strip("_"))
def test_bad_value_is_reported_with_file_row_and_column(regio_map, geval):
    t = _lees(regio_map)
    tabel, index, kolom, regel = geval(t)
    _schrijf(regio_map, t)
    tekst = _fout(regio_map)
    # row numbers are spreadsheet rows: the header is row 1
    assert f"{tabel}.csv, rij {index + 2}, kolom '{kolom}'" in tekst, tekst
    assert regel in tekst, tekst


def test_four_problems_in_one_report(regio_map):
    """Done-when of issue 2: wrong type, duplicate key, PG score 11 and unknown interventie."""
    t = _lees(regio_map)
    t["deelnemers"].loc[2, "leeftijd_start"] = "twaalf"
    t["deelnemers"].loc[3, "interventie"] = "zwemles"
    m = t["metingen"]
    pg = m.index[m["pg_meedoen"] != ""][0]
    m.loc[pg, "pg_meedoen"] = "11"
    t["metingen"] = pd.concat([m, m.iloc[[0]]], ignore_index=True)
    _schrijf(regio_map, t)
    tekst = _fout(regio_map)
    assert "deelnemers.csv, rij 4, kolom 'leeftijd_start': waarde 'twaalf' — geen getal" in tekst
    assert "deelnemers.csv, rij 5, kolom 'interventie': waarde 'zwemles' — onbekende code" in tekst
    assert f"metingen.csv, rij {pg + 2}, kolom 'pg_meedoen': waarde 11 — groter dan" in tekst
    assert f"metingen.csv, rij {len(m) + 2}, kolommen 'pseudo_id, meetmoment'" in tekst
    assert "komt ook voor in rij 2" in tekst


def test_identifying_and_unknown_columns_are_refused(regio_map):
    t = _lees(regio_map)
    t["deelnemers"]["BSN"] = "123456782"
    t["metingen"]["taille_cm"] = "80"
    _schrijf(regio_map, t)
    tekst = _fout(regio_map)
    assert "kolom 'BSN'" in tekst and "direct identificerende" in tekst
    assert "kolom 'taille_cm'" in tekst and "staat niet in het woordenboek" in tekst


def test_missing_required_column_and_file(regio_map):
    t = _lees(regio_map)
    t["deelnemers"] = t["deelnemers"].drop(columns=["status"])
    _schrijf(regio_map, t)
    (regio_map / "wijken.csv").unlink()
    tekst = _fout(regio_map)
    assert "deelnemers.csv, kolom 'status' — verplichte kolom ontbreekt" in tekst
    assert "wijken.csv — bestand bestaat niet" in tekst


def test_decimal_point_in_a_decimal_comma_file_is_an_error_not_a_guess(tmp_path, regio_map):
    # "12.5" in a ;-file with decimal comma could be 12,5 or 125: refuse rather than guess.
    m = _lees(regio_map)["metingen"]
    for k in m.columns.drop(["pseudo_id", "meetmoment", "meetdatum"]):
        m[k] = m[k].str.replace(".", ",", regex=False)
    m.loc[0, "bmi_z"] = "12.5"
    m.to_csv(regio_map / "metingen.csv", index=False, sep=";")
    tekst = _fout(regio_map)
    assert "metingen.csv, rij 2, kolom 'bmi_z': waarde '12.5' — geen getal (verwacht: getal met decimale komma)" in tekst


def test_many_errors_are_summarised_per_rule(regio_map):
    t = _lees(regio_map)
    t["metingen"]["meetmoment"] = "X1"
    _schrijf(regio_map, t)
    tekst = _fout(regio_map)
    assert "… en nog" in tekst and "Per regel:" in tekst


def test_identifiers_in_values_are_refused_without_being_repeated(regio_map):
    t = _lees(regio_map)
    d = t["deelnemers"]
    i = _eerste_gestart(d, "uitgevallen")
    d.loc[i, "reden_uitval"] = "111222333"          # a BSN, also an unknown code
    oud = d.loc[0, "pseudo_id"]
    for df in (t["deelnemers"], t["metingen"], t["zorgkosten"], t["ervaringen"]):
        df.loc[df["pseudo_id"] == oud, "pseudo_id"] = "123456782"  # a BSN as pseudonym
    t["professionals"].loc[1, "organisatie"] = "GGD, j.jansen@ggd.nl"
    t["professionals"].loc[2, "professional_id"] = "06-12345678"
    t["wijken"].loc[0, "wijknaam"] = "3512 JC"
    _schrijf(regio_map, t)
    tekst = _fout(regio_map)
    assert f"deelnemers.csv, rij {i + 2}, kolom 'reden_uitval' — lijkt een BSN (11-proef)" in tekst
    assert "deelnemers.csv, rij 2, kolom 'pseudo_id' — lijkt een BSN (11-proef)" in tekst
    assert "professionals.csv, rij 3, kolom 'organisatie' — lijkt een e-mailadres" in tekst
    assert "professionals.csv, rij 4, kolom 'professional_id' — lijkt een Nederlands telefoon" in tekst
    assert "wijken.csv, rij 2, kolom 'wijknaam' — lijkt een volledige postcode" in tekst
    # the unknown code is still reported, without the value
    assert f"rij {i + 2}, kolom 'reden_uitval' — onbekende code" in tekst
    for geheim in ("111222333", "123456782", "j.jansen", "12345678", "3512"):
        assert geheim not in tekst, geheim


def test_dates_after_the_peildatum_are_refused(regio_map):
    t = _lees(regio_map)
    m = t["metingen"]
    j = int(m.sort_values("meetmoment").drop_duplicates("pseudo_id", keep="last").index[0])
    m.loc[j, "meetdatum"] = "2099-01-01"  # someone's last measurement: no order is broken
    _schrijf(regio_map, t)
    tabellen = ["deelnemers", "metingen", "professionals", "wijken"]
    with pytest.raises(ValidatieFout) as e:
        validatie.lees_en_valideer(data_config(regio_map, tabellen), CODES, peildatum="2030-12-31")
    assert (f"metingen.csv, rij {j + 2}, kolom 'meetdatum': waarde '2099-01-01' — ligt na de "
            "peildatum (2030-12-31)") in str(e.value)
    assert len(e.value.bevindingen) == 1
    with pytest.raises(ValidatieFout) as e:  # the day after the peildatum is after it
        validatie.lees_en_valideer(data_config(regio_map, tabellen), CODES, peildatum="2098-12-31")
    with pytest.raises(ConfigFout, match="peildatum '2026-02-30' is geen geldige datum"):
        validatie.lees_en_valideer(data_config(regio_map, tabellen), CODES, peildatum="2026-02-30")
    # no config, no peildatum: no check (unit tests of other modules)
    validatie.lees_en_valideer(data_config(regio_map, tabellen), CODES, peildatum="2099-01-01")
