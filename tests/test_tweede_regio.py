"""Issue 8: a second region with its own names, codes and formats, and an extension analysis.

Walks the path a new region takes: `evaluatie init` → fill in the mapping (the example's
config.yaml is that filled-in mapping) → `evaluatie validate` → `evaluatie run`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from evaluatie import contract

VOORBEELD = REPO / "examples" / "regio-noord"
EVALUATIE = [sys.executable, "-m", "evaluatie.cli"]


def _evaluatie(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*EVALUATIE, *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def test_init_writes_a_documented_config_and_mapping_template(tmp_path):
    r = _evaluatie("init", "mijnregio", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    tekst = (tmp_path / "mijnregio" / "config.yaml").read_text("utf-8")
    config = yaml.safe_load(tekst)
    # every dictionary column is in the mapping template, mapped to itself
    from evaluatie import config as cfg
    from evaluatie import woordenboek
    for t in woordenboek.tabellen().values():
        assert config["data"]["tabellen"][t.naam]["kolommen"] == {k: k for k in t.kolommen}
    # every top-level key written is documented by a comment right above it
    regels = tekst.splitlines()
    for i, regel in enumerate(regels):
        if regel and not regel.startswith((" ", "#")) and ":" in regel:
            assert regels[i - 1].startswith("#"), regel
    cfg.valideer(config)  # valid as generated
    assert (tmp_path / "mijnregio" / "README.md").exists()
    assert _evaluatie("init", "mijnregio", cwd=tmp_path).returncode != 0  # never overwrites


def _bash_blokken(pad: Path) -> list[str]:
    tekst = pad.read_text("utf-8")
    return re.findall(r"```bash\n(.*?)```", tekst, flags=re.S)


@pytest.fixture(scope="module")
def noord(tmp_path_factory) -> Path:
    """Run the commands of docs/tweede-regio.md exactly as written.

    The guide is run from the root of an evaluatie clone; here that is a folder with
    links to this checkout's .venv and examples, so `../regio-noord` lands in tmp.
    """
    werk = tmp_path_factory.mktemp("gids")
    kloon = werk / "kloon"
    kloon.mkdir()
    for naam in (".venv", "examples"):
        (kloon / naam).symlink_to(REPO / naam)
    for blok in _bash_blokken(REPO / "docs" / "tweede-regio.md"):
        r = subprocess.run(["bash", "-euo", "pipefail", "-c", blok], cwd=kloon,
                           capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, f"{blok}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return werk / "regio-noord"


def test_second_region_files_differ_in_names_codes_and_formats(noord):
    data = noord / "data"
    assert {p.suffix for p in data.iterdir()} >= {".sav", ".xlsx", ".csv"}
    k = (data / "declaraties.csv").read_bytes()
    assert b";" in k.splitlines()[0] and b"ClientNr" in k.splitlines()[0]


def test_validate_prints_the_data_quality_summary(noord):
    r = _evaluatie("validate", "config.yaml", cwd=noord)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "clienten.sav" in r.stdout and "waardelabels Sekse" in r.stdout


def test_second_region_runs_to_reports_with_the_extension(noord):
    r = _evaluatie("run", ".", cwd=noord)
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
    res = noord / "results" / "regio-noord"
    for interventie in ("leefstijlloket", "groepsconsulten"):
        html = (res / "rapporten" / f"{interventie}.html").read_text("utf-8")
        assert "Buikomvang (uitbreiding)" in html
        tabel = contract.lees(res / "publiceerbaar" / interventie, "taille", "voor_na")
        rij = tabel[(tabel["pre"] == "T0") & (tabel["post"] == "T2")].iloc[0]
        # the extension's numbers reach the report, Dutch-formatted
        assert f"{rij['verschil']:.1f}".replace(".", ",").replace("-", "−") in html
        # and recover the synthetic truth (−2.5 cm from T0 to T2)
        waarheid = json.loads((noord / "data" / "waarheid.json").read_text("utf-8"))
        assert rij["ci95_onder"] < waarheid["taille_effect_cm"]["T2"] < rij["ci95_boven"]
