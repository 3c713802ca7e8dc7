"""Loading and validating a region's configuration against the JSON schema."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from evaluatie.fouten import ConfigFout

SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


def _schema() -> dict[str, Any]:
    """The config schema; each analysis' own section comes from ``schemas/onderdelen/<naam>.yaml``."""
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    for pad in sorted((SCHEMA.parent / "onderdelen").glob("*.yaml")):
        schema["properties"][pad.stem] = yaml.safe_load(pad.read_text(encoding="utf-8"))
    return schema


def _vul_standaard(waarde: Any, schema: dict[str, Any], root: dict[str, Any]) -> None:
    """Fill in ``default`` values of the schema, recursively (objects only)."""
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    if not isinstance(waarde, dict):
        return
    for sleutel, sub in schema.get("properties", {}).items():
        if sleutel not in waarde and "default" in sub:
            waarde[sleutel] = json.loads(json.dumps(sub["default"]))
        if sleutel in waarde:
            for optie in [sub, *sub.get("oneOf", [])]:
                if optie.get("type") == "object" or "$ref" in optie or "properties" in optie:
                    _vul_standaard(waarde[sleutel], optie, root)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        for sleutel, sub_waarde in waarde.items():
            if sleutel not in schema.get("properties", {}):
                _vul_standaard(sub_waarde, extra, root)


def valideer(config: dict[str, Any]) -> dict[str, Any]:
    """Validate ``config`` in place against the schema and fill in the defaults.

    The Snakefile calls this too, so a config that passes ``evaluatie validate``
    passes the pipeline. Every violation is listed with the key it is under.
    """
    import jsonschema

    schema = _schema()
    validator = jsonschema.Draft202012Validator(schema)
    fouten = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    if fouten:
        regels = []
        for e in fouten:
            plek = ".".join(str(p) for p in e.absolute_path) or "(hoogste niveau)"
            regels.append(f"  - {plek}: {e.message}")
        raise ConfigFout("De configuratie is ongeldig:\n" + "\n".join(regels))
    _vul_standaard(config, schema, schema)
    from evaluatie.analyses import KERN

    config.setdefault("analyses", list(KERN))
    onbekend = [a for a in config["analyses"] if a not in KERN]
    if onbekend:
        raise ConfigFout(f"De configuratie is ongeldig:\n  - analyses: onbekend {onbekend}; "
                         f"kies uit {', '.join(KERN)}")
    from evaluatie import groei

    groei.controleer_config(config)
    _primair_eenmaal(config)
    _estimand(config)
    return config


def _primair_eenmaal(config: dict[str, Any]) -> None:
    """The primary outcome is declared once: ``interventies.<code>.primaire_uitkomst``.

    The deprecated ``voor_na.primair`` ({interventie: [uitkomst]}) is carried over when it
    names one outcome and does not contradict ``primaire_uitkomst``; otherwise it is an error.
    """
    oud = (config.get("voor_na") or {}).get("primair") or {}
    fouten = []
    for code, lijst in oud.items():
        if code not in config["interventies"]:
            fouten.append(f"  - voor_na.primair.{code}: geen interventie uit de configuratie")
            continue
        spec = config["interventies"][code]
        if len(lijst) != 1:
            fouten.append(f"  - voor_na.primair.{code}: één primaire uitkomst per interventie; leg "
                          f"die vast met interventies.{code}.primaire_uitkomst")
        elif spec.get("primaire_uitkomst") not in (None, lijst[0]):
            fouten.append(f"  - voor_na.primair.{code}: {lijst[0]!r} spreekt "
                          f"interventies.{code}.primaire_uitkomst ({spec['primaire_uitkomst']!r}) tegen")
        else:
            spec["primaire_uitkomst"] = lijst[0]
    if fouten:
        raise ConfigFout("De configuratie is ongeldig:\n" + "\n".join(fouten))
    if "voor_na" in config:
        config["voor_na"]["primair"] = {}


def _estimand(config: dict[str, Any]) -> None:
    """Fill in the window of the primary estimand and check it is a compared pair."""
    b = config.setdefault("bevindingen", {})
    mm = list(config["meetmomenten"])
    b["pre"] = b.get("pre") or mm[0]
    b["post"] = b.get("post") or mm[-1]
    vn = config.setdefault("voor_na", {})
    if not vn.get("paren"):  # default: the first meetmoment against each later one
        vn["paren"] = [[mm[0], m] for m in mm[1:]]
    paren = [tuple(p) for p in vn["paren"]]
    if paren and (b["pre"], b["post"]) not in paren:
        raise ConfigFout("De configuratie is ongeldig:\n  - bevindingen: het venster "
                         f"{b['pre']}–{b['post']} staat niet in voor_na.paren "
                         f"({', '.join('–'.join(p) for p in paren)})")


def laad(pad: Path) -> dict[str, Any]:
    """Read a YAML config file and validate it."""
    try:
        config = yaml.safe_load(Path(pad).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigFout(f"Configuratiebestand {pad} bestaat niet.") from None
    except yaml.YAMLError as e:
        raise ConfigFout(f"{pad} is geen geldige YAML: {e}") from None
    if not isinstance(config, dict):
        raise ConfigFout(f"{pad} bevat geen configuratie (verwacht: sleutels op het hoogste niveau).")
    return valideer(config)


def config_hash(config: dict[str, Any]) -> str:
    """SHA-256 of the validated config (defaults filled in, keys sorted)."""
    return hashlib.sha256(
        json.dumps(config, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()


def codes(config: dict[str, Any]) -> dict[str, list[str]]:
    """Code lists that the data dictionary takes from the config."""
    return {"interventies": list(config["interventies"])}
