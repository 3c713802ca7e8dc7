"""From internal results to a release, and checking a release as published.

The analyses write their tables, typed and unprotected, to
``intern/resultaten/<scope>/<analyse>/<tabel>.parquet`` (scope: an interventie code or
``regio``). :func:`vrijgeven` reads all of them at once, because a count suppressed in
one interventie could otherwise be recovered from a region total, runs the engine
(:func:`evaluatie.disclosure.motor.beveilig`) and writes the release:

``publiceerbaar/<scope>/<analyse>/<tabel>.csv``
    the protected table (helper columns dropped);
``publiceerbaar/<scope>/<analyse>/_tabellen.json``
    its specification (so every reader can type it) and the analysis' provenance;
``publiceerbaar/<scope>/interventie.json``, ``publiceerbaar/bronnen.json``
    run metadata (no counts);
``publiceerbaar/onthulling.json``
    what the engine did: settings and the number of hidden cells per table and rule.

:func:`controleer_map` is the checker: it reads a release as published, with the
specifications of the analyses, and runs the engine in verify mode
(:func:`evaluatie.disclosure.motor.controleer`). A file it cannot check (no
specification, or a row-level format) is a violation.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from evaluatie import bestanden, contract
from evaluatie.contract import Tabel
from evaluatie.disclosure.motor import Instellingen, beveilig, controleer
from evaluatie.disclosure.systeem import Invoer

log = logging.getLogger("evaluatie")

__all__ = ["GECONTROLEERDE_TYPEN", "controleer_json", "controleer_map", "lees_intern",
           "vrijgeven"]

#: File types a release may hold.
GECONTROLEERDE_TYPEN = (".csv", ".json")

SpecVinder = Callable[[str, str], tuple[str, Mapping[str, Tabel]]]


def lees_intern(intern: Path, specs: SpecVinder) -> tuple[list[Invoer], dict[str, dict[str, Any]]]:
    """Every internal result table under ``intern`` with its specification.

    Returns the tables (in a stable order) and, per ``<scope>/<analyse>``, the
    analysis' ``_analyse.json`` (title, provenance).
    """
    intern = Path(intern)
    invoer: list[Invoer] = []
    info: dict[str, dict[str, Any]] = {}
    for pad in sorted(intern.glob("*/*/_analyse.json")):
        scope, analyse = pad.parent.parent.name, pad.parent.name
        meta = json.loads(pad.read_text(encoding="utf-8"))
        titel, tabellen = specs(scope, analyse)
        meta.setdefault("titel", titel)
        info[f"{scope}/{analyse}"] = meta
        for tabel in meta["tabellen"]:
            if tabel not in tabellen:
                raise contract.ContractFout(f"{scope}/{analyse}: tabel {tabel!r} heeft geen specificatie")
            df = pd.read_parquet(pad.parent / f"{tabel}.parquet")
            df = contract.controleer(df, tabellen[tabel], f"{scope}/{analyse}/{tabel}")
            invoer.append(Invoer(scope, analyse, tabel, tabellen[tabel], df))
    return invoer, info


def vrijgeven(intern: Path, uit: Path, inst: Instellingen, specs: SpecVinder,
              meta: Mapping[str, Path] | None = None) -> dict[str, Any]:
    """Protect every internal result and write the release to ``uit`` (replaced whole).

    ``meta`` maps a release-relative path to a JSON file to copy into the release
    (``bronnen.json``, ``<interventie>/interventie.json``). After writing, the checker
    runs over the release; a violation raises
    :class:`~evaluatie.disclosure.OnthullingsFout` and the release is removed.
    """
    from evaluatie.disclosure import OnthullingsFout

    invoer, info = lees_intern(intern, specs)
    uitkomst = beveilig(invoer, inst)
    uit = Path(uit)
    tijdelijk = uit.with_name(f".{uit.name}.tmp")
    if tijdelijk.exists():
        shutil.rmtree(tijdelijk)
    tijdelijk.mkdir(parents=True)
    for inv, df in zip(invoer, uitkomst.tabellen, strict=True):
        contract.schrijf(df, tijdelijk / inv.scope / inv.analyse / f"{inv.tabel}.csv")
    for sleutel, m in info.items():
        scope, analyse = sleutel.split("/")
        _, tabellen = specs(scope, analyse)
        manifest = {"analyse": analyse, "titel": m["titel"],
                    "tabellen": {t: tabellen[t].als_dict() for t in m["tabellen"]},
                    "herkomst": m.get("herkomst", [])}
        doel = tijdelijk / scope / analyse / "_tabellen.json"
        doel.parent.mkdir(parents=True, exist_ok=True)
        bestanden.schrijf_tekst(doel, json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    for relatief, bron in (meta or {}).items():
        doel = tijdelijk / relatief
        doel.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bron, doel)
    verslag = {
        "min_n": inst.min_n,
        "dominantie": {"p_procent": inst.p, "nk": list(inst.nk) if inst.nk else None},
        "rondes_secundair": uitkomst.rondes,
        "gemaskeerde_teksten": uitkomst.maskers,
        "onderdrukte_cellen": {t: c for t, c in uitkomst.samenvatting.items() if c},
    }
    bestanden.schrijf_tekst(tijdelijk / "onthulling.json", json.dumps(verslag, indent=2, ensure_ascii=False))
    fouten = controleer_map(tijdelijk, inst, specs)
    if fouten:
        shutil.rmtree(tijdelijk)
        raise OnthullingsFout(
            f"De vrijgave is niet geschreven: de controle vond {len(fouten)} overtreding(en) "
            f"(drempel {inst.min_n}):\n" + "\n".join(f"  - {f}" for f in fouten[:50]))
    if uit.exists():
        shutil.rmtree(uit)
    tijdelijk.replace(uit)
    log.info("vrijgave geschreven naar %s: %d tabellen, %d verborgen grootheden, %d rondes",
             uit, len(invoer), len(uitkomst.verborgen), uitkomst.rondes)
    return verslag


def _is_verborgen(pad: Path, basis: Path) -> bool:
    return any(deel.startswith(".") for deel in pad.relative_to(basis).parts)


def controleer_json(waarde: Any, min_n: int, naam: str, pad: str = "$") -> list[str]:
    """A JSON file of a release holds no counts below ``min_n`` (keys ``n`` / ``n_*``)."""
    fouten: list[str] = []
    if isinstance(waarde, dict):
        for k, v in waarde.items():
            sub = f"{pad}.{k}"
            if ((k == "n" or str(k).startswith("n_")) and isinstance(v, int | float)
                    and not isinstance(v, bool) and 0 < v < min_n):
                fouten.append(f"{naam}, {sub}: aantal {v:g} < {min_n}")
            fouten += controleer_json(v, min_n, naam, sub)
    elif isinstance(waarde, list):
        for i, v in enumerate(waarde):
            fouten += controleer_json(v, min_n, naam, f"{pad}[{i}]")
    return fouten


def controleer_map(map_: Path, inst: Instellingen, specs: SpecVinder) -> list[str]:
    """Every violation in a release directory (see the module docstring)."""
    map_ = Path(map_)
    fouten: list[str] = []
    invoer: list[Invoer] = []
    for pad in sorted(map_.rglob("*")):
        if pad.is_dir() or _is_verborgen(pad, map_):
            continue
        rel = pad.relative_to(map_)
        soort = pad.suffix.lower()
        if soort == ".json":
            try:
                fouten += controleer_json(json.loads(pad.read_text(encoding="utf-8")), inst.min_n,
                                          str(rel))
            except (ValueError, UnicodeDecodeError) as e:
                fouten.append(f"{rel}: niet te lezen ({e})")
            continue
        if soort != ".csv":
            fouten.append(f"{rel}: bestandstype '{soort or pad.name}' hoort niet in een vrijgave "
                          f"(toegestaan: {', '.join(GECONTROLEERDE_TYPEN)})")
            continue
        if len(rel.parts) != 3:
            fouten.append(f"{rel}: staat niet op de plek <scope>/<analyse>/<tabel>.csv")
            continue
        scope, analyse, naam = rel.parts[0], rel.parts[1], pad.stem
        try:
            _, tabellen = specs(scope, analyse)
        except Exception as e:  # noqa: BLE001 - any failure to find a spec is a violation
            fouten.append(f"{rel}: geen specificatie te vinden ({e})")
            continue
        if naam not in tabellen:
            fouten.append(f"{rel}: analyse {analyse!r} specificeert geen tabel {naam!r}")
            continue
        spec = tabellen[naam]
        try:
            df = contract.lees_csv(pad, spec.dtypes())
        except (contract.ContractFout, ValueError) as e:
            fouten.append(f"{rel}: {e}")
            continue
        ontbreekt = [k for k in spec.vrijgegeven if k not in df.columns]
        if ontbreekt:
            fouten.append(f"{rel}: kolommen {ontbreekt} ontbreken")
            continue
        for k in spec.van_soort("hulp"):
            df[k.naam] = pd.NA
        invoer.append(Invoer(scope, analyse, naam, spec, df[[*spec.namen, *contract.COMPANIONS]]))
    if invoer:
        fouten += controleer(invoer, inst)
    return fouten
