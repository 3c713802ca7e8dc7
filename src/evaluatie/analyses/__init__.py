"""Analyses: one module each, run per interventie by one generic pipeline rule.

An analysis module (core or a researcher's own, see ``docs/``) defines:

``TITEL``
    Dutch title, used in logs and docs.
``TABELLEN``
    ``{tabelnaam: omschrijving}`` of the releasable tables it returns.
``VEREIST`` (optional)
    Names of other analyses whose releasable tables it reads via
    :meth:`Context.resultaat`.
``analyseer(ctx: Context) -> dict[str, pandas.DataFrame]``
    Returns the releasable tables. They pass disclosure control
    (:func:`evaluatie.disclosure.onderdruk`) before they are written, so a module
    never writes files itself. Tables must follow the count-column convention of
    :mod:`evaluatie.disclosure`.
``EXTRA_VELDEN`` (optional, extension analyses)
    ``{tabel: [Frictionless field definitions]}``: input columns the analysis needs
    beyond the data dictionary (e.g. ``taille_cm`` in ``metingen``). They are
    validated like dictionary fields.

An extension analysis is configured under ``extra_analyses`` with ``module`` (a
dotted module name, or a path to a ``.py`` file relative to the working directory)
and ``sectie`` (its report section, a ``.qmd`` file).

The pipeline writes each table to
``results/<regio>/<interventie>/publiceerbaar/<analyse>/<tabel>.csv``.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from evaluatie import disclosure
from evaluatie.fouten import ConfigFout, EvaluatieFout

#: Core analyses, in report order. Extra analyses come from config (`extra_analyses`).
KERN = {
    "beschrijving": "evaluatie.analyses.beschrijving",
    "uitval": "evaluatie.analyses.uitval",
    "voor_na": "evaluatie.analyses.voor_na",
    "gewichtsstatus": "evaluatie.analyses.gewichtsstatus",
    "kosten": "evaluatie.analyses.kosten",
    "quintuple": "evaluatie.analyses.quintuple",
}


def modulenaam(naam: str, config: dict[str, Any]) -> str:
    if naam in KERN:
        return KERN[naam]
    extra = config.get("extra_analyses", {})
    if naam in extra:
        return extra[naam]["module"]
    raise ConfigFout(f"onbekende analyse {naam!r}; kern: {', '.join(KERN)}")


def laad(naam: str, config: dict[str, Any]) -> ModuleType:
    pad = modulenaam(naam, config)
    if pad.endswith(".py"):
        bestand = Path(pad)
        if not bestand.exists():
            raise ConfigFout(f"analyse {naam!r}: bestand {pad} bestaat niet "
                             f"(relatief aan de werkmap {Path.cwd()})")
        modnaam = f"evaluatie_extra_{naam}"
        if modnaam in sys.modules:
            return sys.modules[modnaam]
        spec = importlib.util.spec_from_file_location(modnaam, bestand)
        module = importlib.util.module_from_spec(spec)
        sys.modules[modnaam] = module
        spec.loader.exec_module(module)
    else:
        try:
            module = importlib.import_module(pad)
        except ImportError as e:
            raise ConfigFout(f"analyse {naam!r}: module {pad!r} niet te importeren: {e}") from None
    for attr in ("TITEL", "TABELLEN", "analyseer"):
        if not hasattr(module, attr):
            raise ConfigFout(f"analyse {naam!r} ({pad}) mist {attr}")
    return module


def actief(config: dict[str, Any]) -> list[str]:
    """Analyses to run, in report order: the core ones, then the configured extra ones."""
    return [*config.get("analyses", list(KERN)), *config.get("extra_analyses", {})]


def vereist(naam: str, config: dict[str, Any]) -> list[str]:
    return list(getattr(laad(naam, config), "VEREIST", []))


def volgorde(config: dict[str, Any]) -> list[str]:
    """Active analyses in an order where each comes after the ones in its ``VEREIST``."""
    actieve = actief(config)
    uit: list[str] = []
    bezig: set[str] = set()

    def bezoek(naam: str) -> None:
        if naam in uit:
            return
        if naam in bezig:
            raise ConfigFout(f"analyse {naam!r}: kringverwijzing in VEREIST")
        bezig.add(naam)
        for nodig in vereist(naam, config):
            if nodig not in actieve:
                raise ConfigFout(f"analyse {naam!r} vereist {nodig!r}, maar die staat niet aan")
            bezoek(nodig)
        uit.append(naam)

    for naam in actieve:
        bezoek(naam)
    return uit


def extra_velden(config: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Input fields that the configured extension analyses add to the dictionary."""
    uit: dict[str, list[dict[str, Any]]] = {}
    for naam in config.get("extra_analyses", {}):
        for tabel, velden in getattr(laad(naam, config), "EXTRA_VELDEN", {}).items():
            uit.setdefault(tabel, []).extend(velden)
    return uit


def bronbestanden(config: dict[str, Any]) -> list[str]:
    """Files of extension analyses given by path (module and section), for rule inputs."""
    uit = []
    for spec in config.get("extra_analyses", {}).values():
        if spec["module"].endswith(".py"):
            uit.append(spec["module"])
        uit.append(spec["sectie"])
    return uit


@dataclass
class Context:
    """Everything an analysis may use: config, the interventie's analysis-ready data,
    and releasable results of the analyses it declared in ``VEREIST``."""

    config: dict[str, Any]
    interventie: str
    data_map: Path
    resultaten_map: Path
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def spec(self) -> dict[str, Any]:
        return self.config["interventies"][self.interventie]

    @property
    def min_n(self) -> int:
        return int(self.config["disclosure"]["min_n"])

    @property
    def meetmomenten(self) -> list[str]:
        return list(self.config["meetmomenten"])

    def _lees(self, naam: str) -> pd.DataFrame | None:
        if naam not in self._cache:
            pad = self.data_map / f"{naam}.parquet"
            self._cache[naam] = pd.read_parquet(pad) if pad.exists() else None
        return self._cache[naam]

    @cached_property
    def deelnemers_alle(self) -> pd.DataFrame:
        """All participants of this interventie, comparison group included."""
        d = self._lees("deelnemers")
        return d[d["interventie"] == self.interventie].reset_index(drop=True)

    @cached_property
    def deelnemers(self) -> pd.DataFrame:
        """Participants in the intervention group (comparison group left out)."""
        d = self.deelnemers_alle
        return d[d["onderzoeksgroep"].fillna("interventie") == "interventie"].reset_index(drop=True)

    def tabel(self, naam: str, ook_vergelijking: bool = False) -> pd.DataFrame | None:
        """A row-level table restricted to this interventie's participants (or None)."""
        df = self._lees(naam)
        if df is None:
            return None
        if naam in ("professionals",):
            return df[df["interventie"] == self.interventie].reset_index(drop=True)
        if naam == "wijken":
            return df
        ids = (self.deelnemers_alle if ook_vergelijking else self.deelnemers)["pseudo_id"]
        return df[df["pseudo_id"].isin(set(ids))].reset_index(drop=True)

    @property
    def metingen(self) -> pd.DataFrame:
        return self.tabel("metingen")

    def resultaat(self, analyse: str, tabel: str) -> pd.DataFrame:
        """A releasable table of another analysis (declare it in ``VEREIST``)."""
        return pd.read_csv(self.resultaten_map / analyse / f"{tabel}.csv")


def voer_uit(naam: str, config: dict[str, Any], interventie: str, data_map: Path,
             uitmap: Path) -> dict[str, Path]:
    """Run one analysis for one interventie; write its releasable tables after suppression."""
    module = laad(naam, config)
    uitmap = Path(uitmap)
    ctx = Context(config, interventie, Path(data_map), uitmap.parent)
    tabellen = module.analyseer(ctx)
    onbekend = set(tabellen) - set(module.TABELLEN)
    if onbekend:
        raise EvaluatieFout(f"analyse {naam!r} gaf ongedocumenteerde tabellen terug: {sorted(onbekend)}")
    uitmap.mkdir(parents=True, exist_ok=True)
    paden = {}
    for tabelnaam, df in tabellen.items():
        if "pseudo_id" in df.columns:
            raise EvaluatieFout(f"analyse {naam!r}, tabel {tabelnaam!r}: bevat pseudo_id; "
                                "rijniveau-data is niet publiceerbaar")
        veilig = disclosure.onderdruk(df, ctx.min_n)
        pad = uitmap / f"{tabelnaam}.csv"
        veilig.to_csv(pad, index=False)
        paden[tabelnaam] = pad
    (uitmap / "_tabellen.json").write_text(json.dumps(
        {"analyse": naam, "titel": module.TITEL, "tabellen": module.TABELLEN},
        indent=2, ensure_ascii=False), encoding="utf-8")
    return paden


def documentatie(config: dict[str, Any] | None = None) -> str:
    """Markdown page listing every analysis and its releasable tables (generated)."""
    config = config or {}
    regels = ["# Resultaattabellen", "",
              "Gegenereerd uit de analysemodules (`TABELLEN`); niet met de hand bewerken. "
              "De kolommen staan in de docstrings van de functies in `src/evaluatie/`.", ""]
    for naam in actief(config) if config else KERN:
        m = laad(naam, config)
        regels += [f"## `{naam}`: {m.TITEL}", ""]
        regels += [f"- `{naam}/{t}.csv`: {oms}" for t, oms in m.TABELLEN.items()]
        regels.append("")
    return "\n".join(regels)
