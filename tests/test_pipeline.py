"""End to end: the real Snakemake pipeline on a small synthetic region."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from evaluatie import contract, pijplijn
from evaluatie.rapport import getal

SNAKEMAKE = [sys.executable, "-m", "snakemake"]


def _config(werk: Path, interventies: list[str], formaten=("html",), **extra) -> Path:
    namen = {"czv-kind": ("CZV kind", "kind"), "leefstijlloket": ("Leefstijlloket", "volwassene"),
             "gezinsregie": ("Gezinsregie", "gezin"), "groepsconsulten": ("Groepsconsulten", "volwassene")}
    cfg = {
        "regio": "testregio",
        "regio_naam": "Testregio",
        "synthetisch": {"seed": 5, "schaal": 0.15},
        "data": {"map": "data", "tabellen": {t: {"bestand": f"{t}.csv"} for t in
                 ("deelnemers", "metingen", "zorgkosten", "ervaringen", "professionals", "wijken")}},
        "interventies": {i: {"naam": namen[i][0], "doelgroep": namen[i][1]} for i in interventies},
        "rapport": {"formaten": list(formaten)},
        **extra,
    }
    pad = werk / "config.yaml"
    pad.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return pad


def _snakemake(werk: Path, config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*SNAKEMAKE, "-s", str(REPO / "Snakefile"), "--configfile", str(config), "--cores", "2",
         "--directory", str(werk), *args],
        capture_output=True, text=True, timeout=900,
    )


@pytest.fixture(scope="module")
def gedraaid(tmp_path_factory) -> Path:
    werk = tmp_path_factory.mktemp("pijplijn")
    config = _config(werk, ["czv-kind", "leefstijlloket"])
    r = _snakemake(werk, config)
    assert r.returncode == 0, r.stderr[-5000:]
    return werk


def test_each_interventie_gets_a_self_contained_html_report_with_its_numbers(gedraaid):
    res = gedraaid / "results" / "testregio"
    for interventie, titel in (("czv-kind", "CZV kind"), ("leefstijlloket", "Leefstijlloket")):
        html = (res / "rapporten" / f"{interventie}.html").read_text("utf-8")
        # self-contained: no src/href pointing to an external resource
        extern = re.findall(r"""(?:src|href)\s*=\s*["']?(https?://[^"'\s>]+)""", html)
        assert extern == [], extern
        assert titel in html
        # the numbers of this interventie's released tables appear in its report
        b = contract.lees(res / "publiceerbaar" / interventie, "beschrijving", "beschrijving")
        eerste = b[(b["meetmoment"] == "T0") & b["gemiddelde"].notna()].iloc[0]
        assert getal(eerste["gemiddelde"], 2) in html, (interventie, eerste["gemiddelde"])
        assert "Traceback" not in html


def test_the_release_holds_tables_only_and_was_checked(gedraaid):
    res = gedraaid / "results" / "testregio"
    vrijgave = res / "publiceerbaar"
    for b in vrijgave.rglob("*"):  # (Snakemake marks a directory output with a timestamp file)
        assert b.is_dir() or b.suffix in {".csv", ".json"} or b.name == ".snakemake_timestamp", b
    assert {p.name for p in vrijgave.iterdir()} - {".snakemake_timestamp"} == {"czv-kind", "leefstijlloket", "regio", "bronnen.json",
                                                     "onthulling.json"}
    # row-level data and the unprotected results stay in intern/
    assert (res / "intern" / "data" / "deelnemers.parquet").exists()
    assert (res / "intern" / "resultaten" / "czv-kind" / "voor_na" / "gepaard.parquet").exists()
    assert (res / "intern" / "onthullingscontrole.ok").exists()


def test_a_report_renders_from_the_release_alone(gedraaid, tmp_path):
    """Copy only the release elsewhere and render from it: reports need nothing else."""
    vrijgave = shutil.copytree(gedraaid / "results" / "testregio" / "publiceerbaar", tmp_path / "vrijgave")
    uit = tmp_path / "czv-kind.html"
    pijplijn.render_rapport(REPO / "reports" / "interventie.qmd",
                            {"resultaten": str(vrijgave / "czv-kind"), "regio_resultaten": str(vrijgave / "regio")},
                            {"html": uit}, "ingebouwd")
    assert "CZV kind" in uit.read_text("utf-8")


def test_rerun_has_nothing_to_do(gedraaid):
    r = _snakemake(gedraaid, gedraaid / "config.yaml", "-n")
    assert r.returncode == 0
    assert "Nothing to be done" in r.stdout + r.stderr


def test_invalid_data_stops_before_analysis_with_one_report(tmp_path):
    config = _config(tmp_path, ["czv-kind"], synthetisch=None)
    data = tmp_path / "data"
    data.mkdir()
    (data / "deelnemers.csv").write_text(
        "pseudo_id,interventie,geslacht,leeftijd_start,wijk,ses_groep,verwijzer,aanmelddatum,"
        "startdatum,einddatum,status,reden_uitval\n"
        "AB000001,czv-kind,man,9.5,WK099901,midden,jgz,2024-01-10,2024-02-01,,gestart,\n"
        "AB000002,zwemles,vrouw,tien,WK099902,laag,huisarts,2024-01-12,2024-02-03,,gestart,\n",
        encoding="utf-8")
    (data / "metingen.csv").write_text(
        "pseudo_id,meetmoment,meetdatum,bmi_z,pg_meedoen\n"
        "AB000001,T0,2024-02-01,2.5,\nAB000001,T0,2024-02-02,2.4,\nAB000002,T0,2024-02-03,,11\n",
        encoding="utf-8")
    cfg = yaml.safe_load(config.read_text("utf-8"))
    cfg["data"]["tabellen"] = {"deelnemers": {"bestand": "deelnemers.csv"},
                               "metingen": {"bestand": "metingen.csv"}}
    config.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    r = _snakemake(tmp_path, config)
    assert r.returncode != 0
    uit = r.stdout + r.stderr
    for verwacht in ("kolom 'leeftijd_start': waarde 'tien' — geen getal",
                     "kolommen 'pseudo_id, meetmoment'",
                     "kolom 'pg_meedoen': waarde 11 — groter dan het maximum 10",
                     "kolom 'interventie': waarde 'zwemles' — onbekende code"):
        assert verwacht in uit, uit[-3000:]
    assert "Traceback" not in (tmp_path / "logs" / "testregio" / "inlezen.log").read_text("utf-8")
    assert not (tmp_path / "results").exists() or not any(
        p.is_file() for p in (tmp_path / "results").rglob("*"))


def test_unknown_config_key_is_refused(tmp_path):
    config = _config(tmp_path, ["czv-kind"], onbekende_sleutel=1)
    r = _snakemake(tmp_path, config, "-n")
    assert r.returncode != 0
    assert "onbekende_sleutel" in r.stdout + r.stderr
