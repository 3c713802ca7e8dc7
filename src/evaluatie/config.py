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
    return config


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
