"""Analyses: one module each, run per interventie by one generic pipeline rule.

An analysis module (core or a researcher's own, see ``docs/promovendus.md``) defines:

``TITEL``
    Dutch title, used in logs and docs.
``TABELLEN``
    ``{tabelnaam: evaluatie.contract.Tabel}``: the specification of every releasable
    table it returns (columns with dtypes and kinds, counts, amounts, relations). The
    runner checks each returned table against it; readers find tables by these names.
``VEREIST`` (optional)
    Names of other analyses whose tables it reads via :meth:`Context.resultaat`.
``analyseer(ctx: Context) -> dict[str, pandas.DataFrame]``
    Returns the tables (a declared table it does not return is released empty). It may
    record what it did with :meth:`Context.vastleggen` (the provenance from which the
    report's methods section is written). A module never writes files and never
    suppresses anything itself: the disclosure engine (:mod:`evaluatie.disclosure`)
    protects every table of the region at once, using the specifications.
``EXTRA_VELDEN`` (optional, extension analyses)
    ``{tabel: [Frictionless field definitions]}``: input columns the analysis needs
    beyond the data dictionary (e.g. ``taille_cm`` in ``metingen``). They are
    validated like dictionary fields.

An extension analysis is configured under ``extra_analyses`` with ``module`` (a
dotted module name, or a path to a ``.py`` file relative to the working directory)
and ``sectie`` (its report section, a ``.qmd`` file).

The pipeline writes each table, typed and unprotected, to
``results/<regio>/intern/resultaten/<interventie>/<analyse>/<tabel>.parquet``; the rule
``vrijgave`` protects them and writes ``publiceerbaar/<interventie>/<analyse>/<tabel>.csv``.
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

from evaluatie import contract
from evaluatie.contract import Tabel
from evaluatie.fouten import ConfigFout, EvaluatieFout

#: Core analyses, in report order. Extra analyses come from config (`extra_analyses`).
#: ``bevindingen`` (the findings: one estimate and verdict per outcome) always runs last.
KERN = {
    "beschrijving": "evaluatie.analyses.beschrijving",
    "uitval": "evaluatie.analyses.uitval",
    "voor_na": "evaluatie.analyses.voor_na",
    "gewichtsstatus": "evaluatie.analyses.gewichtsstatus",
    "kosten": "evaluatie.analyses.kosten",
    "quintuple": "evaluatie.analyses.quintuple",
    "bevindingen": "evaluatie.analyses.bevindingen",
}

#: Region-level tables (scope ``regio``): analysis name -> module with ``TITEL`` and
#: ``REGIO_TABELLEN`` (or ``TABELLEN``).
REGIO = {
    "invoer": "evaluatie.analyses.invoer",
    "afleiding": "evaluatie.analyses.invoer",
    "quintuple": "evaluatie.analyses.quintuple",
}

#: Scope of the region-level tables in ``intern/resultaten`` and ``publiceerbaar``.
REGIO_SCOPE = "regio"


def modulenaam(naam: str, config: dict[str, Any]) -> str:
    if naam in KERN:
        return KERN[naam]
    extra = config.get("extra_analyses", {})
    if naam in extra:
        return extra[naam]["module"]
    raise ConfigFout(f"onbekende analyse {naam!r}; kern: {', '.join(KERN)}")


def _controleer_module(naam: str, pad: str, module: ModuleType) -> None:
    for attr in ("TITEL", "TABELLEN", "analyseer"):
        if not hasattr(module, attr):
            raise ConfigFout(f"analyse {naam!r} ({pad}) mist {attr}")
    fout = [t for t, spec in module.TABELLEN.items() if not isinstance(spec, Tabel)]
    if fout:
        raise ConfigFout(
            f"analyse {naam!r} ({pad}): TABELLEN moet per tabel een specificatie geven "
            f"(evaluatie.contract.Tabel), niet alleen een omschrijving: {fout}. Zie "
            "docs/promovendus.md, 'Een analyse toevoegen'.")
    for t in module.TABELLEN:
        contract.controleer_naam(t, f"analyse {naam!r}: tabel")


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
    _controleer_module(naam, pad, module)
    return module


def actief(config: dict[str, Any]) -> list[str]:
    """Analyses to run, in report order: the core ones, then the configured extra ones;
    ``bevindingen`` always."""
    kern = [a for a in config.get("analyses", list(KERN)) if a != "bevindingen"]
    return [*kern, *config.get("extra_analyses", {}), "bevindingen"]


def vereist(naam: str, config: dict[str, Any]) -> list[str]:
    return list(getattr(laad(naam, config), "VEREIST", []))


def volgorde(config: dict[str, Any]) -> list[str]:
    """Active analyses in an order where each comes after the ones it reads
    (``VEREIST``: must be active; ``GEBRUIKT``: read when active)."""
    actieve = actief(config)
    uit: list[str] = []
    bezig: set[str] = set()

    def bezoek(naam: str) -> None:
        if naam in uit:
            return
        if naam in bezig:
            raise ConfigFout(f"analyse {naam!r}: kringverwijzing in VEREIST")
        bezig.add(naam)
        module = laad(naam, config)
        for nodig in getattr(module, "VEREIST", []):
            if nodig not in actieve:
                raise ConfigFout(f"analyse {naam!r} vereist {nodig!r}, maar die staat niet aan")
            bezoek(nodig)
        for nodig in getattr(module, "GEBRUIKT", []):
            if nodig in actieve:
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


def specificaties(config: dict[str, Any]):
    """``(scope, analyse) -> (titel, {tabel: Tabel})`` for the disclosure engine and the
    checker: region-level tables for scope ``regio``, else the analysis module."""
    def vind(scope: str, analyse: str) -> tuple[str, dict[str, Tabel]]:
        if scope == REGIO_SCOPE:
            if analyse not in REGIO:
                raise ContractFoutRegio(f"geen regiotabellen {analyse!r}")
            m = importlib.import_module(REGIO[analyse])
            if hasattr(m, "regio_tabellen"):
                return m.TITEL, m.regio_tabellen(config)
            return m.TITEL, getattr(m, "REGIO_TABELLEN", None) or m.TABELLEN
        if scope not in config["interventies"]:
            raise ContractFoutRegio(f"{scope!r} is geen interventie uit de configuratie")
        m = laad(analyse, config)
        return m.TITEL, m.TABELLEN
    return vind


class ContractFoutRegio(contract.ContractFout):
    """No specification for a scope or analysis in a release."""


@dataclass
class Context:
    """Everything an analysis may use: config, the interventie's analysis-ready data,
    and the tables of the analyses it declared in ``VEREIST``/``GEBRUIKT``."""

    config: dict[str, Any]
    interventie: str
    data_map: Path
    resultaten: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    herkomst: list[dict[str, Any]] = field(default_factory=list)
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

    @cached_property
    def primaire_uitkomst(self) -> str | None:
        """The interventie's primary outcome: ``interventies.<code>.primaire_uitkomst``
        in the config, else the outcome the data dictionary marks as primary when this
        interventie analyses it (measured, and in ``interventies.<code>.uitkomsten`` when
        that is set), else None. The one definition every analysis uses."""
        from evaluatie import beschrijving, woordenboek

        gekozen = self.spec.get("primaire_uitkomst")
        if gekozen:
            return str(gekozen)
        # the dictionary's primary outcome, if this interventie analyses it
        geanalyseerd = beschrijving.uitkomsten_voor(self.metingen, self.spec.get("uitkomsten"))
        for naam, u in woordenboek.uitkomsten().items():
            if u.primair and naam in geanalyseerd:
                return naam
        return None

    def resultaat(self, analyse: str, tabel: str) -> pd.DataFrame | None:
        """A table of an earlier analysis (typed, not yet protected), or None when that
        analysis is not active. Declare the analysis in ``VEREIST`` or ``GEBRUIKT``."""
        if analyse not in self.resultaten:
            return None
        return self.resultaten[analyse][tabel].copy()

    def vastleggen(self, methode: str, **instellingen: Any) -> None:
        """Record a method that ran, with its settings (provenance for the methods
        section). Settings must not hold counts of persons."""
        self.herkomst.append({"methode": methode, **instellingen})


def leeg(spec: Tabel) -> pd.DataFrame:
    """An empty table with the columns and dtypes of ``spec``."""
    return pd.DataFrame({k.naam: pd.Series(dtype=k.dtype) for k in spec.kolommen})


def voer_uit_alles(config: dict[str, Any], interventie: str, data_map: Path, uitmap: Path
                   ) -> dict[str, dict[str, pd.DataFrame]]:
    """Run every active analysis for one interventie, each after those it reads.

    Every returned table is checked against its specification
    (:func:`evaluatie.contract.controleer`) and written, typed and unprotected, to
    ``uitmap/<analyse>/<tabel>.parquet`` with ``_analyse.json`` (title, tables,
    provenance). Nothing here is releasable; the rule ``vrijgave`` protects it.
    """
    uitmap = Path(uitmap)
    resultaten: dict[str, dict[str, pd.DataFrame]] = {}
    for naam in volgorde(config):
        module = laad(naam, config)
        ctx = Context(config, interventie, Path(data_map), resultaten)
        tabellen = module.analyseer(ctx) or {}
        onbekend = set(tabellen) - set(module.TABELLEN)
        if onbekend:
            raise EvaluatieFout(f"analyse {naam!r} gaf tabellen terug zonder specificatie: "
                                f"{sorted(onbekend)}")
        getypeerd = {}
        for tabelnaam, spec in module.TABELLEN.items():
            df = tabellen.get(tabelnaam)
            if df is None:
                df = leeg(spec)
            getypeerd[tabelnaam] = contract.controleer(df, spec, f"{naam}/{tabelnaam}")
        map_ = uitmap / naam
        map_.mkdir(parents=True, exist_ok=True)
        for tabelnaam, df in getypeerd.items():
            df.to_parquet(map_ / f"{tabelnaam}.parquet", index=False)
        (map_ / "_analyse.json").write_text(json.dumps(
            {"analyse": naam, "titel": module.TITEL, "tabellen": list(getypeerd),
             "herkomst": ctx.herkomst}, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        resultaten[naam] = getypeerd
    return resultaten


def documentatie(config: dict[str, Any] | None = None) -> str:
    """Markdown page listing every analysis, table, column and relation (generated)."""
    config = config or {}
    analyses: dict[str, tuple[str, dict[str, Tabel]]] = {}
    for naam in actief(config) if config else KERN:
        m = laad(naam, config)
        analyses[naam] = (m.TITEL, m.TABELLEN)
    for naam, pad in REGIO.items():
        m = importlib.import_module(pad)
        analyses[f"regio/{naam}"] = (f"{m.TITEL} (regio)", getattr(m, "REGIO_TABELLEN", None)
                                     or m.TABELLEN)
    return contract.documentatie(analyses)
