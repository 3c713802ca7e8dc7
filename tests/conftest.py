"""Shared fixtures: a small synthetic region and configs that point at it."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from evaluatie import synth

REPO = Path(__file__).resolve().parents[1]
REFERENTIES = REPO.parent / "shared" / "references"
INTERVENTIES = ["czv-kind", "leefstijlloket", "gezinsregie", "groepsconsulten"]


@pytest.fixture(scope="session")
def demo_klein() -> synth.Dataset:
    """The demo region at a tenth of its size (seeded)."""
    return synth.genereer_regio(seed=11, schaal=0.1)


@pytest.fixture
def regio_map(tmp_path: Path, demo_klein: synth.Dataset) -> Path:
    map_ = tmp_path / "data"
    synth.schrijf(demo_klein, map_)
    return map_


def data_config(map_: Path, tabellen: list[str] | None = None, **per_tabel) -> dict:
    tabellen = tabellen or ["deelnemers", "metingen", "zorgkosten", "ervaringen",
                            "professionals", "wijken"]
    return {"map": str(map_),
            "tabellen": {t: {"bestand": f"{t}.csv", **per_tabel.get(t, {})} for t in tabellen}}


CODES = {"interventies": INTERVENTIES}


def kopie(df: pd.DataFrame) -> pd.DataFrame:
    return copy.deepcopy(df)


@pytest.fixture(scope="session")
def vrijgave_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A real release of the four demo interventies at a quarter of the demo's size
    (in-process, seeded), with the validated config that made it. Read it; copy it
    before changing anything."""
    from fixtures.vrijgave import config, vrijgeven

    werk = tmp_path_factory.mktemp("vrijgave_demo")
    c = config(werk, INTERVENTIES)
    return vrijgeven(werk, synth.genereer_regio(seed=11, schaal=0.25), c), c
