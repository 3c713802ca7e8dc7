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
from evaluatie import bestanden, woordenboek
from evaluatie import config as cfg
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


def _schrijf_intern(df: pd.DataFrame, map_: Path, analyse: str, tabel: str, titel: str) -> None:
    """A region-level table, typed and unprotected, in ``intern/resultaten/regio/<analyse>/``."""
    from evaluatie import contract
    from evaluatie.analyses import invoer

    spec = invoer.REGIO_TABELLEN[tabel]
    df = contract.controleer(df, spec, f"regio/{analyse}/{tabel}")
    doel = Path(map_) / analyse
    doel.mkdir(parents=True, exist_ok=True)
    df.to_parquet(doel / f"{tabel}.parquet", index=False)
    (doel / "_analyse.json").write_text(json.dumps(
        {"analyse": analyse, "titel": titel, "tabellen": [tabel], "herkomst": []}, indent=2,
        ensure_ascii=False), encoding="utf-8")


def inlezen(config: dict[str, Any], intern_map: Path, regio_resultaten: Path, bronnen: Path) -> None:
    """Read and validate every input table; write typed Parquet and the data-quality summary.

    Nothing is written when validation fails: the error lists every finding. The summary
    goes to the internal results of the region (released by ``vrijgave``).
    """
    from evaluatie import analyses, validatie

    res = validatie.lees_en_valideer(config["data"], cfg.codes(config),
                                     extra_velden=analyses.extra_velden(config),
                                     peildatum=config.get("peildatum"))
    intern_map = Path(intern_map)
    intern_map.mkdir(parents=True, exist_ok=True)
    for naam, df in res.tabellen.items():
        df.to_parquet(intern_map / f"{naam}.parquet", index=False)
    rijen = []
    for naam, b in res.bronnen.items():
        df = res.tabellen[naam]
        rijen.append({
            "tabel": naam,
            "bestand": b.bestand.name,
            "formaat": b.formaat,
            "encoding": b.encoding or "",
            "scheidingsteken": b.scheidingsteken or "",
            "decimaal": b.decimaal,
            "n_rijen": len(df),
            "aantal_kolommen": df.shape[1],
            "lege_cellen": float(df.isna().sum().sum()),
            "sha256": b.sha256,
        })
    _schrijf_intern(pd.DataFrame(rijen), Path(regio_resultaten), "invoer", "datakwaliteit",
                    "Invoer")
    Path(bronnen).parent.mkdir(parents=True, exist_ok=True)
    bestanden.schrijf_tekst(bronnen, json.dumps({
        "bestanden": {r["bestand"]: r["sha256"] for r in rijen},
        "config_sha256": cfg.config_hash(config),
    }, indent=2))
    log.info("%d tabellen gevalideerd en geschreven naar %s", len(rijen), intern_map)


def afleiden(config: dict[str, Any], intern_map: Path, analyse_map: Path,
             regio_resultaten: Path) -> None:
    """Derive analysis-ready tables (``intern/analyse/``) from the validated ones."""
    from evaluatie import afleiden as af

    intern_map, analyse_map = Path(intern_map), Path(analyse_map)
    tabellen = {p.stem: pd.read_parquet(p) for p in sorted(intern_map.glob("*.parquet"))}
    uit, rijen = af.leid_af(tabellen, config)
    analyse_map.mkdir(parents=True, exist_ok=True)
    for naam, df in uit.items():
        df.to_parquet(analyse_map / f"{naam}.parquet", index=False)
    _schrijf_intern(pd.DataFrame(rijen, columns=["stap", "omschrijving", "n"]), Path(regio_resultaten),
                    "afleiding", "afleiding", "Afgeleide maten")


def analyseer_alles(config: dict[str, Any], interventie: str, analyse_map: Path,
                    uitmap: Path) -> None:
    """Run every active analysis for one interventie (see :mod:`evaluatie.analyses`);
    typed, unprotected tables go to ``uitmap`` (``intern/resultaten/<interventie>``)."""
    from evaluatie import analyses

    res = analyses.voer_uit_alles(config, interventie, Path(analyse_map), Path(uitmap))
    log.info("%s: %s", interventie, ", ".join(f"{a} ({len(t)} tabellen)" for a, t in res.items()))


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
        # min_n below the floor, confirmed with disclosure.ondergrens_bevestigd: the
        # Verantwoording says so (a config without the confirmation does not validate)
        "min_n_onder_ondergrens": cfg.onder_ondergrens(config),
        "min_n_ondergrens": cfg.MIN_N_ONDERGRENS,
        "synthetisch": config.get("synthetisch") is not None,
        "uitkomsten": {
            naam: {"titel": u.titel, "eenheid": u.eenheid, "hoger_is_beter": u.hoger_is_beter}
            for naam, u in {**woordenboek.uitkomsten(), "pg_totaal": woordenboek.PG_TOTAAL}.items()
        },
        "verantwoording": {
            **json.loads(Path(bronnen).read_text(encoding="utf-8")),
            "evaluatie_versie": evaluatie.__version__,
            "git_commit": _git_commit(),
            "datum": bestanden.bouwdatum(config).date().isoformat(),
            "datum_herkomst": bestanden.bouwdatum_herkomst(config),
            "software": {
                "python": platform.python_version(), "pandas": pd.__version__,
                "numpy": numpy.__version__, "scipy": scipy.__version__,
                "statsmodels": statsmodels.__version__, "matplotlib": matplotlib.__version__,
            },
        },
    }
    if meta["min_n_onder_ondergrens"]:
        log.warning("disclosure.min_n is %d, lager dan de ondergrens van %d (bevestigd met "
                    "disclosure.ondergrens_bevestigd); de Verantwoording van het rapport "
                    "vermeldt dit.", meta["min_n"], cfg.MIN_N_ONDERGRENS)
    bestanden.schrijf_tekst(uit, json.dumps(meta, indent=2, ensure_ascii=False))


def vrijgave(config: dict[str, Any], intern_resultaten: Path, bronnen: Path, uit: Path) -> None:
    """Protect every internal result of the region at once and write ``publiceerbaar/``.

    See :mod:`evaluatie.disclosure.vrijgave`: one disclosure engine over all interventies
    and the region-level tables, so that no count can be recovered from a region total or
    from the same quantity in another table.
    """
    from evaluatie import analyses, disclosure
    from evaluatie.disclosure.vrijgave import vrijgeven

    intern_resultaten = Path(intern_resultaten)
    meta = {"bronnen.json": Path(bronnen)}
    for i in config["interventies"]:
        meta[f"{i}/interventie.json"] = intern_resultaten / i / "interventie.json"
    verslag = vrijgeven(intern_resultaten, Path(uit), disclosure.instellingen(config),
                        analyses.specificaties(config), meta)
    log.info("onthulling: %s", json.dumps({k: v for k, v in verslag.items()
                                           if k != "onderdrukte_cellen"}, ensure_ascii=False))


def controleer(config: dict[str, Any], publiceerbaar: Path, uit: Path) -> None:
    """Fail when the release lets a count below ``min_n`` be derived; else write a marker.

    The checker runs the disclosure engine in verify mode over every file of the release.
    """
    from evaluatie import analyses, disclosure
    from evaluatie.disclosure.vrijgave import controleer_map

    inst = disclosure.instellingen(config)
    fouten = controleer_map(Path(publiceerbaar), inst, analyses.specificaties(config))
    if fouten:
        raise disclosure.OnthullingsFout(
            f"Onthullingscontrole: {len(fouten)} overtreding(en) (drempel {inst.min_n}) in de "
            "vrijgave:\n" + "\n".join(f"  - {f}" for f in fouten))
    bestanden.schrijf_tekst(uit, f"gecontroleerd: geen aantal onder {inst.min_n} af te leiden\n")


def render_rapport(template: Path, params: dict[str, Any], uitvoer: dict[str, Path],
                   engine: str, extra_secties: dict[str, Path] | None = None,
                   metadata: dict[str, Any] | None = None) -> None:
    """Render one report from releasable results only.

    ``uitvoer`` maps each format (``html``, ``pdf``) to its output path. The render
    runs in a directory of its own, so parallel renders of one template never collide.
    """
    import shutil

    from evaluatie.render import render

    eerste = Path(next(iter(uitvoer.values())))
    with bestanden.werkmap(eerste) as tmp:
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
            bestanden.plaats(gemaakt[formaat], doel)
