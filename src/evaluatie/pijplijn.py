"""The steps of the Snakemake pipeline, as plain functions of paths and config.

Each ``workflow/scripts/*.py`` adapter calls one function here inside
:func:`stap`, which sends logging to the rule's log file and turns an
:class:`~evaluatie.fouten.EvaluatieFout` into a readable message and a non-zero exit
instead of a traceback.

Heavy modules (the validator with pandera, the synthetic generator) are imported inside
the steps that use them: every Snakemake job is a new Python process, and the imports
of a step it does not run are pure start-up time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import platform
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

import evaluatie
from evaluatie import config as cfg
from evaluatie import disclosure, woordenboek
from evaluatie.fouten import ConfigFout, EvaluatieFout

log = logging.getLogger("evaluatie")


@contextlib.contextmanager
def stap(logbestand: str | Path | None) -> Iterator[None]:
    """Run a pipeline step with logging to ``logbestand`` and user-facing errors."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if logbestand:
        Path(logbestand).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(logbestand, mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(levelname)s %(message)s")
    try:
        yield
    except EvaluatieFout as e:
        log.error("%s", e)
        sys.exit(1)


def synthetiseer(config: dict[str, Any], uitmap: Path) -> None:
    """Write the synthetic demo region configured under ``synthetisch``."""
    from evaluatie import synth

    s = config["synthetisch"]
    gekozen = s.get("interventies") or list(config["interventies"])
    specs = [x for x in synth.demo_interventies() if x.code in gekozen]
    if not specs:
        raise ConfigFout("synthetisch: geen van de interventies is een demo-interventie "
                         f"({', '.join(x.code for x in synth.demo_interventies())})")
    afgeleid = config.get("afgeleide_maten", {})
    ds = synth.genereer_regio(seed=s["seed"], schaal=s["schaal"], interventies=specs,
                              bmi_meting=s.get("bmi_meting", "bmi_z"),
                              groeireferentie_map=afgeleid.get("groeireferentie_map"),
                              groeireferentie=afgeleid.get("groeireferentie", "nl1997"))
    synth.schrijf(ds, Path(uitmap))
    log.info("synthetische regio geschreven naar %s: %s", uitmap,
             {k: len(v) for k, v in ds.tabellen.items()})


def inlezen(config: dict[str, Any], intern_map: Path, datakwaliteit: Path, bronnen: Path) -> None:
    """Read and validate every input table; write typed Parquet and the data-quality summary.

    Nothing is written when validation fails: the error lists every finding.
    """
    from evaluatie import analyses, validatie

    res = validatie.lees_en_valideer(config["data"], cfg.codes(config),
                                     extra_velden=analyses.extra_velden(config))
    intern_map = Path(intern_map)
    intern_map.mkdir(parents=True, exist_ok=True)
    for naam, df in res.tabellen.items():
        df.to_parquet(intern_map / f"{naam}.parquet", index=False)
    rijen = []
    for naam, b in res.bronnen.items():
        df = res.tabellen[naam]
        ontbrekend = {k: int(df[k].isna().sum()) for k in df.columns}
        rijen.append({
            "tabel": naam,
            "bestand": b.bestand.name,
            "formaat": b.formaat,
            "encoding": b.encoding or "",
            "scheidingsteken": b.scheidingsteken or "",
            "decimaal": b.decimaal,
            "n_rijen": len(df),
            "aantal_kolommen": df.shape[1],
            "lege_cellen": sum(ontbrekend.values()),
            "sha256": b.sha256,
        })
    Path(datakwaliteit).parent.mkdir(parents=True, exist_ok=True)
    disclosure.onderdruk(pd.DataFrame(rijen), config["disclosure"]["min_n"]).to_csv(
        datakwaliteit, index=False)
    Path(bronnen).write_text(json.dumps({
        "bestanden": {r["bestand"]: r["sha256"] for r in rijen},
        "config_sha256": cfg.config_hash(config),
    }, indent=2), encoding="utf-8")
    log.info("%d tabellen gevalideerd en geschreven naar %s", len(rijen), intern_map)


def afleiden(config: dict[str, Any], intern_map: Path, analyse_map: Path, kwaliteit: Path) -> None:
    """Derive analysis-ready tables (``intern/analyse/``) from the validated ones."""
    from evaluatie import afleiden as af

    intern_map, analyse_map = Path(intern_map), Path(analyse_map)
    tabellen = {p.stem: pd.read_parquet(p) for p in sorted(intern_map.glob("*.parquet"))}
    uit, rijen = af.leid_af(tabellen, config)
    analyse_map.mkdir(parents=True, exist_ok=True)
    for naam, df in uit.items():
        df.to_parquet(analyse_map / f"{naam}.parquet", index=False)
    tabel = disclosure.onderdruk(pd.DataFrame(rijen, columns=["stap", "omschrijving", "n"]),
                                 config["disclosure"]["min_n"])
    tabel.to_csv(kwaliteit, index=False)


def analyseer(config: dict[str, Any], analyse: str, interventie: str, analyse_map: Path,
              uitmap: Path) -> None:
    """Run one analysis for one interventie (see :mod:`evaluatie.analyses`)."""
    from evaluatie import analyses

    paden = analyses.voer_uit(analyse, config, interventie, Path(analyse_map), Path(uitmap))
    log.info("%s / %s: %s", interventie, analyse, ", ".join(p.name for p in paden.values()))


def analyseer_alles(config: dict[str, Any], interventie: str, analyse_map: Path,
                    mappen: dict[str, str]) -> None:
    """Run every active analysis for one interventie, each after those it requires."""
    from evaluatie import analyses

    for analyse in analyses.volgorde(config):
        analyseer(config, analyse, interventie, analyse_map, Path(mappen[analyse]))


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True, cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "onbekend"


def interventie_meta(config: dict[str, Any], interventie: str, bronnen: Path, uit: Path) -> None:
    """What the report says about the interventie, the run and its provenance."""
    import matplotlib
    import numpy
    import scipy
    import statsmodels

    spec = config["interventies"][interventie]
    meta = {
        "interventie": interventie,
        "naam": spec["naam"],
        "doelgroep": spec["doelgroep"],
        "doelgroep_omschrijving": spec.get("doelgroep_omschrijving", ""),
        "beschrijving": " ".join(spec.get("beschrijving", "").split()),
        "regio": config["regio"],
        "regio_naam": config.get("regio_naam") or config["regio"],
        "jaar": config["jaar"],
        "peildatum": config["peildatum"],
        "meetmomenten": config["meetmomenten"],
        "min_n": config["disclosure"]["min_n"],
        "synthetisch": config.get("synthetisch") is not None,
        "uitkomsten": {
            naam: {"titel": u.titel, "eenheid": u.eenheid, "hoger_is_beter": u.hoger_is_beter,
                   "primair": u.primair}
            for naam, u in {**woordenboek.uitkomsten(), "pg_totaal": woordenboek.PG_TOTAAL}.items()
        },
        "verantwoording": {
            **json.loads(Path(bronnen).read_text(encoding="utf-8")),
            "evaluatie_versie": evaluatie.__version__,
            "git_commit": _git_commit(),
            "datum": dt.date.today().isoformat(),
            "software": {
                "python": platform.python_version(), "pandas": pd.__version__,
                "numpy": numpy.__version__, "scipy": scipy.__version__,
                "statsmodels": statsmodels.__version__, "matplotlib": matplotlib.__version__,
            },
        },
    }
    Path(uit).parent.mkdir(parents=True, exist_ok=True)
    Path(uit).write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")


def controleer(publiceerbaar: list[Path], min_n: int, uit: Path) -> None:
    """Fail when any releasable file holds a count below ``min_n``; else write a marker."""
    for map_ in publiceerbaar:
        disclosure.eis_schoon(Path(map_), min_n)
    Path(uit).write_text(f"gecontroleerd: geen aantallen onder {min_n}\n", encoding="utf-8")


def render_rapport(template: Path, params: dict[str, Any], uitvoer: dict[str, Path],
                   engine: str, extra_secties: dict[str, Path] | None = None,
                   metadata: dict[str, Any] | None = None) -> None:
    """Render one report from releasable results only.

    ``uitvoer`` maps each format (``html``, ``pdf``) to its output path. The render
    runs in a directory of its own, so parallel renders of one template never collide.
    """
    import shutil
    import tempfile

    from evaluatie.render import render

    eerste = Path(next(iter(uitvoer.values())))
    eerste.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".render-{eerste.stem}-", dir=eerste.parent) as tmp:
        sjabloon = Path(template)
        if extra_secties:
            # A private copy of the templates, with `_extra.qmd` including the sections of
            # the extension analyses; the repository's templates are never written to.
            kopie = Path(tmp) / "sjablonen"
            shutil.copytree(sjabloon.parent, kopie)
            regels = []
            for naam, sectie in extra_secties.items():
                shutil.copy(sectie, kopie / f"_extra_{naam}.qmd")
                regels.append(f"{{{{< include _extra_{naam}.qmd >}}}}\n")
            (kopie / "_extra.qmd").write_text("\n".join(regels), encoding="utf-8")
            sjabloon = kopie / sjabloon.name
        gemaakt = render(sjabloon, Path(tmp) / "uit", params=params, formats=list(uitvoer),
                         engine=engine, metadata=metadata)
        for formaat, doel in uitvoer.items():
            shutil.move(str(gemaakt[formaat]), str(doel))
