"""The detector of identifiers inside values: each rule, its false positives, masking.

The 11-proef is checked against python-stdnum's ``stdnum.nl.bsn`` (an independent
implementation) and the vectorised column scan against the scalar rules.
"""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from stdnum.nl import bsn as stdnum_bsn

from evaluatie import identificatie as idf
from evaluatie.fouten import Bevinding, ValidatieFout


def _regels(tekst: str, **kw) -> set[str]:
    return {r for r, _, _ in idf.vind(tekst, **kw)}


# --- 11-proef ------------------------------------------------------------------------
@pytest.mark.parametrize("nummer, geldig", [
    ("111222333", True),   # 9+8+7+12+10+8+9+6-3 = 66 = 6 x 11
    ("123456782", True),
    ("123456789", False),
    ("000000000", False),  # sums to 0, but is no BSN
    ("12345678", False),   # not nine digits
    ("1234567890", False),
])
def test_elfproef_scalar(nummer, geldig):
    assert idf.elfproef(nummer) is geldig


def test_vectorised_elfproef_agrees_with_the_scalar_rule_and_with_stdnum():
    rng = np.random.default_rng(7)
    getallen = np.concatenate([rng.integers(0, 10**9, 20000), [0, 111222333, 123456782]])
    teksten = [f"{x:09d}" for x in getallen]
    matrix = np.array([[int(c) for c in t] for t in teksten])
    vector = idf.elfproef_vector(matrix)
    assert vector.tolist() == [idf.elfproef(t) for t in teksten]
    assert vector.tolist() == [stdnum_bsn.is_valid(t) for t in teksten]
    assert 0.07 < vector.mean() < 0.11  # about one in eleven random numbers passes


def test_column_scan_agrees_with_the_scalar_rules():
    rng = np.random.default_rng(3)
    stukken = ["AB", "P", " ", "-", ".", "@", "x", "NL", "0", "06", "+31 ", "1234", "AB ",
               "ggd.nl", "9"]
    waarden = []
    for _ in range(4000):
        k = rng.integers(1, 5)
        delen = [str(rng.integers(0, 10**rng.integers(1, 11))) if rng.random() < .5
                 else stukken[rng.integers(len(stukken))] for _ in range(k)]
        waarden.append("".join(delen))
    waarden += ["111222333", "12345672", "AB111222333", "jan@ggd.nl", "0612345678",
                "1234 AB", "NL91ABNA0417164300", None, 111222333, 111222333.0, 12345672]
    s = pd.Series(waarden, dtype=object)
    t = idf.zoek(s)
    for i, x in enumerate(waarden):
        verwacht = _regels(idf.als_tekst(x)) if x is not None else set()
        gevonden = {r for r, m in t.regels.items() if m[i]}
        assert gevonden == verwacht, (x, gevonden, verwacht)


def test_column_scan_of_numbers_as_a_reader_delivers_them():
    s = pd.Series([111222333, 111222333.0, np.int64(111222333), 12345672.0, 2024, np.nan],
                  dtype=object)
    t = idf.zoek(s)
    assert t.regels["bsn"].tolist() == [True, True, True, False, False, False]
    assert t.regels["bsn8"].tolist() == [False, False, False, True, False, False]
    assert t.alleen_cijfers.tolist()[:4] == [True] * 4


def test_a_million_pseudonyms_are_scanned_quickly():
    import time

    rng = np.random.default_rng(1)
    s = pd.Series([f"AB{x:08X}" for x in rng.integers(0, 2**32, 1_000_000)], dtype=object)
    begin = time.perf_counter()
    t = idf.zoek(s)
    assert not t
    assert time.perf_counter() - begin < 15  # about 0.4 s on one idle core


# --- BSN -----------------------------------------------------------------------------
@pytest.mark.parametrize("tekst", [
    "111222333", "1112.22.333", "111.222.333", "111 222 333", "111-222-333",
    "cliënt 111222333 verhuisd", "ID111222333", "bsn:111222333", " 111222333 ",
])
def test_bsn_is_found_in_its_usual_forms(tekst):
    assert "bsn" in _regels(tekst)


@pytest.mark.parametrize("tekst", [
    "AB000001",        # an 8-character pseudonym
    "123456789",       # nine digits that fail the 11-proef
    "1111222333",      # ten digits: no BSN, even if nine of them pass
    "1.111.222.333",   # a longer number with thousands separators
    "2024", "20240115", "AB12345678",
])
def test_no_bsn(tekst):
    assert not _regels(tekst) & {"bsn", "bsn8"}


def test_eight_digits_only_as_the_whole_value():
    assert _regels("12345672") == {"bsn8"}            # 012345672 passes
    assert not _regels("code 12345672") & {"bsn", "bsn8"}
    assert not _regels("12345678") & {"bsn", "bsn8"}  # 012345678 fails


# --- e-mail, phone, postcode, IBAN ---------------------------------------------------
@pytest.mark.parametrize("tekst", ["jan@ggd.nl", "mail j.de-vries+x@wijkteam-zuid.nl", "Ö@x.com"])
def test_email(tekst):
    assert "email" in _regels(tekst)


@pytest.mark.parametrize("tekst", ["info@ggd", "GGD Zuidrand", "@ggd.nl", "a @ b.nl"])
def test_no_email(tekst):
    assert "email" not in _regels(tekst)


@pytest.mark.parametrize("tekst", [
    "0612345678", "06-12345678", "06 1234 5678", "06 12 34 56 78", "020-1234567",
    "020 123 45 67", "(020) 1234567", "0513-123456", "+31612345678", "+31 6 12345678",
    "+31 (0)20 1234567", "0031 20 1234567", "tel. 010-4567890",
])
def test_dutch_phone_numbers(tekst):
    assert "telefoon" in _regels(tekst)


def test_mobile_number_that_lost_its_leading_zero():
    assert _regels("612345678") == {"mobiel9"}        # 0612345678 as a number in Excel
    s = pd.Series([612345678, 612345678.0, "612345678", "P612345678", 712345678], dtype=object)
    assert idf.zoek(s).regels["mobiel9"].tolist() == [True, True, True, False, False]
    assert not _regels("bel 612345678")  # only a whole cell: inside a text it is nine digits
    assert idf.maskeer_waarde(612345678) == "[telefoonnummer verborgen]"


@pytest.mark.parametrize("tekst", [
    "0012345678",           # a zero-padded number: 00 is no Dutch area code
    "061234567",            # nine digits
    "06123456789",          # eleven digits
    "12-06-2024 1234",      # a date and a number
    "2024-06-12",
    "0800-1234",            # a short service number
])
def test_no_phone_number(tekst):
    assert "telefoon" not in _regels(tekst)


@pytest.mark.parametrize("tekst", ["1234 AB", "1234AB", "3512jc", "1234 ab", "Wijk 1234 AB",
                                   "Dorpsstraat 1, 1234AB Dorp"])
def test_postcode(tekst):
    assert "postcode" in _regels(tekst)


@pytest.mark.parametrize("tekst", [
    "in 2024 en 2025",      # a year and a word
    "Wijk 1234 ab",         # lower case with a space inside a text
    "1500ml", "1200 km",    # units
    "0123 AB",              # postcodes do not start with 0
    "1234 SA", "1234SS",    # letter pairs that are never issued
    "12345 AB", "WK1234AB", "1234ABC",
])
def test_no_postcode(tekst):
    assert "postcode" not in _regels(tekst)


@pytest.mark.parametrize("tekst", ["NL91ABNA0417164300", "NL91 ABNA 0417 1643 00",
                                   "rek. nl91abna0417164300 ", "DE89370400440532013000"])
def test_iban(tekst):
    assert "iban" in _regels(tekst)


def test_an_iban_is_one_finding_not_also_a_phone_number():
    assert _regels("NL91 ABNA 0417 1643 00") == {"iban"}


@pytest.mark.parametrize("tekst", ["NL91ABNA0417164301", "NL91ABNA041716430", "AB12CDEF"])
def test_no_iban(tekst):
    assert "iban" not in _regels(tekst)


# --- full dates where only a year is allowed -----------------------------------------
@pytest.mark.parametrize("tekst", ["1980-03-15", "15-03-1980", "15/3/1980", "15.03.80",
                                   "15 maart 1980", "3 okt. 1975", "19800315", "15031980"])
def test_full_date_in_a_year_field(tekst):
    assert "datum" in _regels(tekst, alleen_jaar=True)
    assert "datum" not in _regels(tekst)  # only where the dictionary allows just a year


@pytest.mark.parametrize("tekst", ["1980", "2024", " 2024 ", "99999999", "2024/25"])
def test_no_full_date_in_a_year_field(tekst):
    assert "datum" not in _regels(tekst, alleen_jaar=True)


def test_date_cells_in_a_year_field():
    s = pd.Series([dt.datetime(1980, 3, 15), dt.date(1980, 3, 15), pd.Timestamp("1980-03-15"),
                   2024, 2024.0, "2024", "15-03-1980"], dtype=object)
    assert idf.zoek(s, alleen_jaar=True).regels["datum"].tolist() == [True] * 3 + [False] * 3 + [True]
    assert "datum" not in idf.zoek(s).regels


# --- masking -------------------------------------------------------------------------
def test_mask_replaces_every_identifier_and_keeps_the_rest():
    tekst = "bel 06-12345678 of mail a@b.nl, bsn 111222333, 1234 AB, NL91ABNA0417164300"
    m = idf.maskeer(tekst)
    for geheim in ("12345678", "a@b.nl", "111222333", "1234 AB", "NL91"):
        assert geheim not in m
    assert m.startswith("bel [telefoonnummer verborgen] of mail [e-mailadres verborgen]")
    assert idf.maskeer("geen_motivatie") == "geen_motivatie"
    assert idf.maskeer_waarde(111222333.0) == "[BSN verborgen]"
    assert idf.maskeer_waarde(2024) == 2024


def test_a_finding_never_shows_an_identifier_in_value_column_or_rule():
    b = Bevinding("d.csv", 3, "reden_uitval", "111222333", "onbekende code")
    assert "111222333" not in b.tekst() and "[BSN verborgen]" in b.tekst()
    b = Bevinding("d.csv", None, "jan@ggd.nl", None, "kolom staat niet in het woordenboek")
    assert "jan@ggd.nl" not in b.tekst()
    b = Bevinding("d.csv", 3, "x", None, "komt ook voor als 06-12345678")
    assert "12345678" not in b.tekst()


def test_other_findings_on_a_flagged_cell_lose_their_value():
    # a pseudonym that is a BSN (if the rule were unknown to the detector) also breaks a key
    gevonden = Bevinding("m.csv", 5, "pseudo_id", None, "lijkt een BSN", identificerend=True)
    sleutel = Bevinding("m.csv", 5, "pseudo_id, meetmoment", "(AB1X, T0)", "dubbele sleutel")
    code = Bevinding("m.csv", 5, "pseudo_id", "AB1X", "onbekend in deelnemers")
    elders = Bevinding("m.csv", 6, "pseudo_id", "AB2Y", "onbekend in deelnemers")
    tekst = str(ValidatieFout([gevonden, sleutel, code, elders]))
    assert "AB1X" not in tekst
    assert "AB2Y" in tekst  # another cell keeps its value
