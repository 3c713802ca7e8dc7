"""Loading and validating a region's configuration against the JSON schema.

A configuration reaches :func:`valideer` in three ways, and all three are equally strict:

- ``evaluatie validate`` (and ``evaluatie run`` before it starts Snakemake) read the file with
  :func:`laad`;
- the Snakefile re-reads the file(s) given to ``snakemake`` with :func:`voor_workflow`;
- code and tests pass a dict to :func:`valideer` directly.

Files are read by :func:`lees_yaml`: strictly UTF-8 (a BOM is allowed), with
:class:`StrikteLader`, which refuses duplicate keys, keeps dates as text and refuses a document
whose aliases expand to more than :data:`MAX_KNOPEN` nodes. Every error is a
:class:`~evaluatie.fouten.ConfigFout` that names the file, the key path and, where known, the
line; values in messages are cut to :data:`KORT` characters, so no message can grow with the
input.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import json
import logging
import math
import re
import reprlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from evaluatie.fouten import ConfigFout

log = logging.getLogger("evaluatie")

SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"

#: The config the Snakefile reads when ``snakemake`` gets no ``--configfile`` (relative to
#: the working directory, as Snakemake's own ``configfile:`` directive).
STANDAARD_CONFIG = Path("config/config.yaml")

#: Largest number of nodes a configuration may have once every YAML alias is expanded. The
#: demo config has about 700; an alias bomb ("billion laughs") has billions.
MAX_KNOPEN = 100_000

#: Deepest nesting of mappings and lists (the schema itself is about 8 deep).
MAX_DIEPTE = 40

#: Largest config file that is read at all.
MAX_BYTES = 4 * 1024 * 1024

#: A release threshold (``disclosure.min_n``) below this needs
#: ``disclosure.ondergrens_bevestigd: true``; the report then says so.
MIN_N_ONDERGRENS = 5

#: Values in error messages are cut to this many characters.
KORT = 80

#: Errors listed in one message at most.
MAX_FOUTEN = 40

_TIJDSTEMPEL = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_STUURTEKEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_repr = reprlib.Repr()
_repr.maxstring = KORT
_repr.maxother = KORT
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 4
_repr.maxlevel = 2


def kort(waarde: Any) -> str:
    """A repr of ``waarde`` of at most :data:`KORT` characters, without building the whole repr
    first (:mod:`reprlib` looks only at the first items of a container)."""
    tekst = _repr.repr(waarde)
    return tekst if len(tekst) <= KORT else tekst[: KORT - 1] + "…"


def _pad_tekst(pad: Iterable[Any]) -> str:
    """``voor_na.paren[0][1]``; every key is cut short, so a huge key cannot flood a message."""
    uit = ""
    for deel in pad:
        if isinstance(deel, int) and not isinstance(deel, bool):
            uit += f"[{deel}]"
            continue
        tekst = deel if isinstance(deel, str) else kort(deel)
        if len(tekst) > 40:
            tekst = tekst[:39] + "…"
        if _STUURTEKEN.search(tekst):
            tekst = kort(tekst)
        uit += f".{tekst}" if uit else tekst
    return uit or "(hoogste niveau)"


def _duizend(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _fout(bron: str | None, regels: list[str]) -> ConfigFout:
    kop = f"De configuratie in {bron} is ongeldig:" if bron else "De configuratie is ongeldig:"
    meer = len(regels) - MAX_FOUTEN
    regels = regels[:MAX_FOUTEN] + ([f"  … en nog {meer} meer."] if meer > 0 else [])
    return ConfigFout("\n".join([kop, *regels]))


# ------------------------------------------------------------------------------ reading


class StrikteLader(yaml.SafeLoader):
    """A :class:`yaml.SafeLoader` that refuses what a configuration must never contain.

    Written by hand because PyYAML has no option for any of this: it lets a later duplicate key
    silently win, raises a bare ``ValueError`` for ``2026-02-30`` while constructing, and
    expands aliases without limit (ruamel.yaml refuses duplicate keys, but would be a second
    YAML library and still need the other two). This small subclass, used through
    :meth:`lees`:

    - checks the composed node graph before anything is constructed: its size with every alias
      expanded (counted with memoisation, so an alias bomb is measured without being built) and
      self-referencing aliases;
    - refuses duplicate keys in every mapping, with the key path and both lines;
    - keeps timestamps as the text they are (``peildatum: 2026-10-31`` is the string
      ``"2026-10-31"``), so the schema's format checker judges every date, and
    - turns a value that a constructor cannot build (``!!int abc``) into a YAML error with its
      position instead of a ``ValueError``.
    """

    yaml_implicit_resolvers = {
        eerste: [(tag, rx) for tag, rx in resolvers if tag != _TIJDSTEMPEL]
        for eerste, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError) as e:
            raise yaml.constructor.ConstructorError(
                None, None, f"waarde niet te lezen ({kort(str(e))})", node.start_mark) from None

    def _tekst(self, node: Node) -> str:
        return str(self.construct_scalar(node))

    def lees(self, bron: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
        """The document and the line (1-based) of every key path it spells out."""
        knoop = self.get_single_node()
        if knoop is None:
            return None, {}
        _controleer_omvang(knoop, bron)
        posities: dict[tuple[Any, ...], int] = {}
        dubbel = self._dubbele_sleutels(knoop, posities)
        if dubbel:
            raise _fout(bron, dubbel)
        return self.construct_document(knoop), posities

    def _dubbele_sleutels(self, wortel: Node, posities: dict[tuple[Any, ...], int]) -> list[str]:
        """Duplicate keys anywhere, visiting each node once (an alias is not walked again)."""
        gezien: set[int] = set()
        fouten: list[str] = []
        stapel: list[tuple[Node, tuple[Any, ...]]] = [(wortel, ())]
        while stapel:  # depth first, in document order (an anchor before its aliases)
            knoop, pad = stapel.pop()
            if id(knoop) in gezien:
                continue
            gezien.add(id(knoop))
            volgende: list[tuple[Node, tuple[Any, ...]]] = []
            if isinstance(knoop, SequenceNode):
                for i, sub in enumerate(knoop.value):
                    posities.setdefault((*pad, i), sub.start_mark.line + 1)
                    volgende.append((sub, (*pad, i)))
            elif isinstance(knoop, MappingNode):
                eerder: dict[Any, int] = {}
                for sleutel, waarde in knoop.value:
                    if sleutel.tag == _MERGE:
                        volgende.append((waarde, pad))
                        continue
                    if isinstance(sleutel, ScalarNode):
                        s = self.construct_object(sleutel)
                        regel = sleutel.start_mark.line + 1
                        vorige = eerder.get(s)
                        eerder.setdefault(s, regel)
                        if vorige is not None:
                            fouten.append(f"  - {_pad_tekst((*pad, s))} (regel {regel}): deze sleutel "
                                          f"staat er twee keer (eerder op regel {vorige}); de "
                                          "tweede zou de eerste stilzwijgend vervangen")
                            continue
                        posities.setdefault((*pad, s), regel)
                        volgende.append((waarde, (*pad, s)))
            stapel.extend(reversed(volgende))
        return sorted(fouten)


StrikteLader.add_constructor(_TIJDSTEMPEL, StrikteLader._tekst)


def _kinderen(knoop: Node) -> Iterator[Node]:
    if isinstance(knoop, SequenceNode):
        yield from knoop.value
    elif isinstance(knoop, MappingNode):
        for sleutel, waarde in knoop.value:
            yield sleutel
            yield waarde


def _controleer_omvang(wortel: Node, bron: str) -> None:
    """Refuse a node graph that expands to more than :data:`MAX_KNOPEN` nodes, or refers to
    itself, without expanding it: each node's expanded size is computed once (post-order,
    iterative, so deep nesting cannot overflow the stack)."""
    grootte: dict[int, int] = {}
    diepte: dict[int, int] = {}
    bezig: set[int] = set()
    stapel: list[tuple[Node, bool]] = [(wortel, False)]
    while stapel:
        knoop, klaar = stapel.pop()
        i = id(knoop)
        if klaar:
            bezig.discard(i)
            n = 1 + sum(grootte[id(k)] for k in _kinderen(knoop))
            diepte[i] = 1 + max((diepte[id(k)] for k in _kinderen(knoop)), default=0)
            if diepte[i] > MAX_DIEPTE:
                raise ConfigFout(f"{bron}, regel {knoop.start_mark.line + 1}: de configuratie is "
                                 f"te diep genest (meer dan {MAX_DIEPTE} niveaus).")
            if n > MAX_KNOPEN:
                raise ConfigFout(
                    f"{bron}, regel {knoop.start_mark.line + 1}: de configuratie is te groot "
                    f"(meer dan {_duizend(MAX_KNOPEN)} waarden als alle YAML-aliassen (*naam) zijn "
                    "uitgeschreven); een configuratie met zoveel herhaling is vrijwel zeker een "
                    "fout of een aanval.")
            grootte[i] = n
        elif i not in grootte:
            if i in bezig:
                raise ConfigFout(f"{bron}, regel {knoop.start_mark.line + 1}: een YAML-alias "
                                 "verwijst naar de waarde waar hij zelf in staat.")
            bezig.add(i)
            stapel.append((knoop, True))
            stapel.extend((k, False) for k in _kinderen(knoop) if id(k) not in grootte)


def _yaml_fout(bron: str, tekst: str, e: yaml.YAMLError) -> ConfigFout:
    """One line: file, line, column and PyYAML's own (short) description of the problem."""
    if isinstance(e, yaml.reader.ReaderError):
        regel = tekst.count("\n", 0, e.position) + 1
        return ConfigFout(f"{bron}, regel {regel}: geen geldige YAML: teken "
                          f"U+{e.character:04X} is niet toegestaan ({e.reason}).")
    plek = bron
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    if mark is not None:
        plek += f", regel {mark.line + 1}, kolom {mark.column + 1}"
    context = getattr(e, "context", None)
    begin = getattr(e, "context_mark", None)
    if context and begin is not None and mark is not None and begin.line != mark.line:
        context = f"{context} (op regel {begin.line + 1})"
    delen = [d for d in (context, getattr(e, "problem", None)) if d]
    uitleg = "; ".join(str(d) for d in delen) or type(e).__name__
    if len(uitleg) > 200:
        uitleg = uitleg[:199] + "…"
    return ConfigFout(f"{plek}: geen geldige YAML: {uitleg}.")


def _soort(waarde: Any) -> str:
    if isinstance(waarde, list):
        return "een lijst"
    if isinstance(waarde, str):
        return "tekst"
    return f"de waarde {kort(waarde)}"


def lees_yaml(pad: str | Path) -> tuple[dict[str, Any], dict[tuple[Any, ...], int]]:
    """Read a config file strictly: the mapping and the line of every key path.

    Raises :class:`ConfigFout` naming the file for every way a file can be unusable: missing,
    a directory or device, too large, not UTF-8 (with line and column of the first bad byte),
    a YAML error (line and column), a duplicate key, an alias bomb, empty or not a mapping.
    """
    pad = Path(pad)
    bron = str(pad)
    try:
        if not pad.exists():
            raise ConfigFout(f"Configuratiebestand {bron} bestaat niet.")
        if pad.is_dir():
            raise ConfigFout(f"{bron} is een map, geen configuratiebestand.")
        if not pad.is_file():
            raise ConfigFout(f"{bron} is geen gewoon bestand.")
        if pad.stat().st_size > MAX_BYTES:
            raise ConfigFout(f"{bron} is groter dan {MAX_BYTES // (1024 * 1024)} MB; dat is "
                             "geen configuratie.")
        ruw = pad.read_bytes()
    except OSError as e:
        raise ConfigFout(f"{bron} is niet te lezen: {e.strerror or type(e).__name__}.") from None
    if ruw.startswith(b"\xef\xbb\xbf"):
        ruw = ruw[3:]
    try:
        tekst = ruw.decode("utf-8")
    except UnicodeDecodeError as e:
        regel = ruw.count(b"\n", 0, e.start) + 1
        kolom = e.start - (ruw.rfind(b"\n", 0, e.start) + 1) + 1
        raise ConfigFout(f"{bron} is niet als UTF-8 te lezen: regel {regel}, kolom {kolom} "
                         f"(byte 0x{ruw[e.start]:02x}). Sla het bestand op als UTF-8 "
                         "(bijvoorbeeld 'Opslaan als … UTF-8').") from None
    lader = StrikteLader(tekst)
    try:
        config, posities = lader.lees(bron)
    except yaml.YAMLError as e:
        raise _yaml_fout(bron, tekst, e) from None
    except RecursionError:
        raise ConfigFout(f"{bron}: de YAML is te diep genest.") from None
    finally:
        lader.dispose()
    if config is None:
        raise ConfigFout(f"{bron} is leeg: er staat geen configuratie in.")
    if not isinstance(config, dict):
        raise ConfigFout(f"{bron} bevat geen configuratie: verwacht sleutels op het hoogste "
                         f"niveau (regio:, data:, …), gevonden {_soort(config)}.")
    return config, posities


def laad(pad: str | Path) -> dict[str, Any]:
    """Read a YAML config file strictly (:func:`lees_yaml`) and validate it (:func:`valideer`).

    Any problem is a :class:`ConfigFout` naming the file. ``evaluatie validate`` uses this, and
    so should ``evaluatie run`` before it starts Snakemake: Snakemake reads ``--configfile``
    itself, with its own YAML loader, before the workflow is parsed, and for a missing,
    non-UTF-8 or unparsable file it stops with its own message.
    """
    config, posities = lees_yaml(pad)
    return valideer(config, bron=str(pad), posities=posities)


def voor_workflow(workflow: Any, config: dict[str, Any]) -> dict[str, Any]:
    """The configuration of a Snakemake run, read strictly and validated (for the Snakefile).

    The file(s) come from ``snakemake --configfile``; without one, :data:`STANDAARD_CONFIG`
    relative to the working directory. Each is re-read with :func:`lees_yaml` (Snakemake's
    loader accepts duplicate keys and has already turned dates into objects), merged in order
    as Snakemake merges them, then ``--config key=value`` on top. Only the given files count:
    a ``--configfile`` is not merged over ``config/config.yaml``, so a region's run never
    inherits the demo's settings. ``config`` is replaced in place by the validated result.
    """
    from snakemake.utils import update_config

    instellingen = workflow.config_settings
    bestanden = [Path(p) for p in (instellingen.configfiles or [])]
    if not bestanden:
        if not STANDAARD_CONFIG.exists():
            raise ConfigFout(f"Geen configuratie: {STANDAARD_CONFIG} bestaat niet in "
                             f"{Path.cwd()}. Geef een configuratiebestand met --configfile.")
        bestanden = [STANDAARD_CONFIG]
        workflow.configfiles.append(STANDAARD_CONFIG)
    samen: dict[str, Any] = {}
    posities: dict[tuple[Any, ...], int] = {}
    for pad in bestanden:
        inhoud, posities = lees_yaml(pad)
        update_config(samen, inhoud)
    bron = ", ".join(str(p) for p in bestanden)
    if instellingen.config:
        update_config(samen, copy.deepcopy(instellingen.config))
        bron += " (met --config)"
        posities = {}  # a line in the file may no longer be where the value came from
    config.clear()
    config.update(samen)
    return valideer(config, bron=bron, posities=posities if len(bestanden) == 1 else None)


# ------------------------------------------------------------------------------ validating


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


def _omvang(config: Any, bron: str | None) -> None:
    """:func:`_controleer_omvang` for Python objects (a dict from Snakemake or a caller): shared
    sub-objects are counted as often as they occur, but measured once."""
    grootte: dict[int, int] = {}
    diepte: dict[int, int] = {}
    bezig: set[int] = set()
    stapel: list[tuple[Any, bool]] = [(config, False)]

    def kinderen(x: Any) -> list[Any]:
        if isinstance(x, dict):
            return [*x.keys(), *x.values()]
        return list(x) if isinstance(x, list | tuple) else []

    while stapel:
        x, klaar = stapel.pop()
        if not isinstance(x, dict | list | tuple):
            continue
        i = id(x)
        if klaar:
            bezig.discard(i)
            n = 1 + sum(grootte.get(id(k), 1) for k in kinderen(x))
            diepte[i] = 1 + max((diepte.get(id(k), 0) for k in kinderen(x)), default=0)
            if diepte[i] > MAX_DIEPTE:
                raise _fout(bron, [f"  - de configuratie is te diep genest (meer dan {MAX_DIEPTE} "
                                   "niveaus)"])
            if n > MAX_KNOPEN:
                raise _fout(bron, [f"  - de configuratie is te groot (meer dan "
                                   f"{_duizend(MAX_KNOPEN)} waarden, aliassen uitgeschreven)"])
            grootte[i] = n
        elif i not in grootte:
            if i in bezig:
                raise _fout(bron, ["  - de configuratie verwijst naar zichzelf"])
            bezig.add(i)
            stapel.append((x, True))
            stapel.extend((k, False) for k in kinderen(x) if id(k) not in grootte)


def _normaliseer(config: dict[str, Any], bron: str | None,
                 posities: Mapping[tuple[Any, ...], int] | None = None) -> None:
    """Plain data, in place: date objects (from Snakemake's or another YAML loader) become ISO
    text, so the format checker judges them; NaN, infinity and control characters are refused.
    Iterative and visiting each container once (call after :func:`_omvang`)."""
    fouten: list[str] = []

    def schoon(waarde: Any, pad: tuple[Any, ...]) -> Any:
        if isinstance(waarde, dt.date):  # (datetime is a date too)
            return waarde.isoformat()
        plek = f"{_pad_tekst(pad)}{_regel(posities or {}, pad)}"
        if isinstance(waarde, float) and not math.isfinite(waarde):
            fouten.append(f"  - {plek}: {waarde!r} is geen eindig getal")
        elif isinstance(waarde, str) and (m := _STUURTEKEN.search(waarde)):
            fouten.append(f"  - {plek}: bevat een stuurteken (U+{ord(m.group()):04X})")
        return waarde

    gezien: set[int] = set()
    stapel: list[tuple[Any, tuple[Any, ...]]] = [(config, ())]
    while stapel and len(fouten) <= MAX_FOUTEN:
        x, pad = stapel.pop()
        if id(x) in gezien:
            continue
        gezien.add(id(x))
        if isinstance(x, dict):
            if any(isinstance(k, dt.date) for k in x):
                paren = [(schoon(k, pad), v) for k, v in x.items()]
                x.clear()
                x.update(paren)
            for k, v in x.items():
                schoon(k, (*pad, k))
                nieuw = schoon(v, (*pad, k))
                if nieuw is not v:
                    x[k] = nieuw
                stapel.append((nieuw, (*pad, k)))
        elif isinstance(x, list):
            for i, v in enumerate(x):
                nieuw = schoon(v, (*pad, i))
                if nieuw is not v:
                    x[i] = nieuw
                stapel.append((nieuw, (*pad, i)))
        elif isinstance(x, tuple):
            for i, v in enumerate(x):
                schoon(v, (*pad, i))
                stapel.append((v, (*pad, i)))
    if fouten:
        raise _fout(bron, sorted(fouten))


_TYPEN = {"string": "tekst", "integer": "geheel getal", "number": "getal",
          "boolean": "true/false-waarde", "object": "verzameling sleutels met waarden",
          "array": "lijst", "null": "null"}


def _melding(e: Any) -> str:
    """A short Dutch description of one schema error; never ``e.message``, which embeds the
    whole instance (an alias bomb made that 722 MB)."""
    v, w, inst = e.validator, e.validator_value, e.instance
    if v == "type":
        soorten = [w] if isinstance(w, str) else list(w)
        return f"{kort(inst)} is geen {' of '.join(_TYPEN.get(s, s) for s in soorten)}"
    if v == "enum":
        return f"{kort(inst)} is niet toegestaan; kies uit {', '.join(kort(x) for x in w)}"
    if v == "const":
        return f"{kort(inst)} is niet toegestaan (verwacht {kort(w)})"
    if v == "pattern":
        if "propertyNames" in e.relative_schema_path or "propertyNames" in e.schema_path:
            return f"sleutel {kort(inst)} heeft niet de vorm {w}"
        return f"{kort(inst)} heeft niet de vorm {w}"
    if v == "format":
        if w == "date":
            return f"{kort(inst)} is geen bestaande datum (JJJJ-MM-DD)"
        return f"{kort(inst)} is geen geldige {w}"
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        teken = {"minimum": "minstens", "exclusiveMinimum": "groter dan",
                 "maximum": "hoogstens", "exclusiveMaximum": "kleiner dan"}[v]
        return f"{kort(inst)} moet {teken} {w} zijn"
    grens = "minstens" if v.startswith("min") else "hoogstens"
    if v in ("minItems", "maxItems"):
        return f"een lijst van {len(inst)} elementen; {grens} {w}"
    if v in ("minProperties", "maxProperties"):
        return f"{len(inst)} sleutels; {grens} {w}"
    if v in ("minLength", "maxLength"):
        return f"{kort(inst)} is te {'kort' if v == 'minLength' else 'lang'} ({grens} {w} tekens)"
    if v == "not":
        return f"{kort(inst)} is hier niet toegestaan"
    if v in ("oneOf", "anyOf"):
        if not e.context:
            return "past op meer dan één manier (kies één van de elkaar uitsluitende vormen)"
        import jsonschema

        beste = jsonschema.exceptions.best_match(e.context)
        sub = _pad_tekst(beste.relative_path) if beste.relative_path else ""
        return ("past bij geen van de toegestane vormen; bijvoorbeeld "
                f"{sub + ': ' if sub else ''}{_melding(beste)}")
    return f"voldoet niet aan {v} {kort(w)} ({kort(inst)})"


def _patroon(validator: Any, patroon: str, waarde: Any, schema: Any) -> Iterator[Any]:
    """``pattern`` as JSON Schema means it (ECMA-262): ``$`` is the end of the text. Python's
    ``re`` also lets ``$`` match before a final newline, so ``regio: "demo\\n"`` would pass."""
    import jsonschema

    if not validator.is_type(waarde, "string"):
        return
    p = patroon[:-1] + r"\Z" if patroon.endswith("$") and not patroon.endswith(r"\$") else patroon
    if not re.search(p, waarde):
        yield jsonschema.ValidationError(f"heeft niet de vorm {patroon}")


@functools.cache
def _validator_klasse() -> Any:
    import jsonschema

    return jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _patroon})


def _regel(posities: Mapping[tuple[Any, ...], int], pad: tuple[Any, ...]) -> str:
    """`` (regel N)`` for the deepest part of ``pad`` whose line is known, or ``""``."""
    for n in range(len(pad), 0, -1):
        if pad[:n] in posities:
            return f" (regel {posities[pad[:n]]})"
    return ""


def _schema_fouten(validator: Any, config: dict[str, Any],
                   posities: Mapping[tuple[Any, ...], int]) -> list[str]:
    def regel(pad: tuple[Any, ...]) -> str:
        return _regel(posities, pad)

    regels: list[tuple[tuple[str, ...], str]] = []
    for e in validator.iter_errors(config):
        pad = tuple(e.absolute_path)
        if e.validator == "required":
            for naam in [r for r in e.validator_value if r not in e.instance]:
                regels.append(((*map(str, pad), naam), f"  - {_pad_tekst((*pad, naam))}{regel(pad)}: "
                                                       "verplicht, maar ontbreekt"))
        elif e.validator == "additionalProperties" and isinstance(e.instance, dict):
            bekend = set(e.schema.get("properties", {}))
            patronen = list(e.schema.get("patternProperties", {}))
            for naam in e.instance:
                if naam in bekend or any(isinstance(naam, str) and re.search(p, naam) for p in patronen):
                    continue
                getoond = naam if isinstance(naam, str) else kort(naam)  # (1: is a key, not [1])
                regels.append(((*map(str, pad), str(getoond)),
                               f"  - {_pad_tekst((*pad, getoond))}{regel((*pad, naam))}: onbekende "
                               "sleutel (tikfout?)"))
        else:
            regels.append((tuple(map(str, pad)), f"  - {_pad_tekst(pad)}{regel(pad)}: {_melding(e)}"))
        if len(regels) > 4 * MAX_FOUTEN:
            break
    return [r for _, r in sorted(regels)]


def valideer(config: dict[str, Any], bron: str | None = None,
             posities: Mapping[tuple[Any, ...], int] | None = None) -> dict[str, Any]:
    """Validate ``config`` in place against the schema and fill in the defaults.

    The Snakefile calls this too (through :func:`voor_workflow`), so a config that passes
    ``evaluatie validate`` passes the pipeline. Every violation is listed with its key path,
    the line when ``posities`` (from :func:`lees_yaml`) knows it, and a short value. ``bron``
    names the file(s) in the message. Besides the schema (with its format checker: every
    ``format: date`` must be a real date): a release threshold below
    :data:`MIN_N_ONDERGRENS` must be confirmed, and input files must lie inside ``data.map``.
    """
    import jsonschema

    if not isinstance(config, dict):
        raise _fout(bron, [f"  - (hoogste niveau): verwacht sleutels met waarden, gevonden "
                           f"{_soort(config)}"])
    _omvang(config, bron)
    _normaliseer(config, bron, posities)
    schema = _schema()
    validator = _validator_klasse()(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    fouten = _schema_fouten(validator, config, posities or {})
    if fouten:
        raise _fout(bron, fouten)
    _vul_standaard(config, schema, schema)
    _ondergrens(config, bron)
    _invoerpaden(config, bron)
    from evaluatie.analyses import KERN

    config.setdefault("analyses", list(KERN))
    onbekend = [a for a in config["analyses"] if a not in KERN]
    if onbekend:
        raise _fout(bron, [f"  - analyses: onbekend {kort(onbekend)}; kies uit {', '.join(KERN)}"])
    from evaluatie import groei

    groei.controleer_config(config)
    _primair_eenmaal(config, bron)
    _estimand(config, bron)
    return config


def onder_ondergrens(config: Mapping[str, Any]) -> bool:
    """Whether the validated config releases with a threshold below :data:`MIN_N_ONDERGRENS`
    (which :func:`valideer` only accepts when ``disclosure.ondergrens_bevestigd`` is true)."""
    d = config.get("disclosure") or {}
    return int(d.get("min_n", MIN_N_ONDERGRENS)) < MIN_N_ONDERGRENS


def _ondergrens(config: dict[str, Any], bron: str | None) -> None:
    d = config["disclosure"]
    if d["min_n"] >= MIN_N_ONDERGRENS:
        return
    if not d.get("ondergrens_bevestigd"):
        raise _fout(bron, [
            f"  - disclosure.min_n: {d['min_n']} is lager dan de ondergrens van "
            f"{MIN_N_ONDERGRENS}; aantallen van {d['min_n']} tot {MIN_N_ONDERGRENS} personen "
            "zouden gepubliceerd worden. Is dat echt de bedoeling (bijvoorbeeld met toestemming "
            "van de privacyfunctionaris), zet dan ook disclosure.ondergrens_bevestigd: true; het "
            "rapport vermeldt dit dan."])
    log.warning("LET OP: disclosure.min_n is %d, lager dan de ondergrens van %d "
                "(bevestigd met disclosure.ondergrens_bevestigd); de rapporten vermelden dit.",
                d["min_n"], MIN_N_ONDERGRENS)


def _binnen_map(waarde: str, map_: Path, sleutel: str) -> str | None:
    """Why ``waarde`` is not a safe file name inside ``map_``, or None.

    Relative, without ``..``, and inside ``map_`` after resolving symbolic links (of the map
    as well as of the file)."""
    if PurePosixPath(waarde).is_absolute() or PureWindowsPath(waarde).anchor:
        return f"{kort(waarde)} is een absoluut pad; geef een pad relatief aan {sleutel}"
    if reden := _snakemake_tekens(waarde):
        return reden
    if ".." in re.split(r"[\\/]", waarde):
        return f"{kort(waarde)} bevat '..'; het bestand moet in {sleutel} staan"
    try:
        basis = map_.resolve()
        doel = (map_ / waarde).resolve()
    except (OSError, RuntimeError, ValueError) as e:
        return f"{kort(waarde)} is geen bruikbaar pad ({kort(str(e))})"
    if doel == basis or not doel.is_relative_to(basis):
        return (f"{kort(waarde)} wijst (via een symbolische koppeling) naar een plek buiten "
                f"{sleutel}" if doel != basis else f"{kort(waarde)} is geen bestand in {sleutel}")
    return None


#: Characters with a meaning in a Snakemake path: wildcards ``{x}`` and path variables ``<x>``.
_SNAKEMAKE_TEKENS = "{}<>"


def _snakemake_tekens(waarde: str) -> str | None:
    """Why ``waarde`` cannot be a path in the workflow, or None."""
    tekens = sorted({t for t in waarde if t in _SNAKEMAKE_TEKENS})
    if tekens:
        return (f"{kort(waarde)} bevat {' '.join(tekens)}; die tekens hebben in een pad van de "
                "workflow een eigen betekenis (jokerteken); hernoem het bestand of de map")
    return None


def _invoerpaden(config: dict[str, Any], bron: str | None) -> None:
    """Every data file the config names lies inside ``data.map`` (the folder that holds the
    region's export): ``data.tabellen.<tabel>.bestand`` and ``kosten.prijsindex.bestand``.

    Not checked here: ``afgeleide_maten.groeireferentie_map`` (public reference tables, each
    checked against the SHA-256 in the register), ``eindrapport.vorige_resultaten`` (last
    year's results folder; only its checked release is read) and the code of extension
    analyses (``extra_analyses.*.module`` and ``sectie``)."""
    map_ = Path(config["data"]["map"])
    paden = [(f"data.tabellen.{t}.bestand", spec["bestand"])
             for t, spec in config["data"]["tabellen"].items()]
    index = (config.get("kosten") or {}).get("prijsindex")
    if index:
        paden.append(("kosten.prijsindex.bestand", index["bestand"]))
    fouten = [f"  - {sleutel}: {reden}" for sleutel, waarde in
              (("data.map", config["data"]["map"]), ("resultaten_map", config["resultaten_map"]))
              if (reden := _snakemake_tekens(str(waarde)))]
    for sleutel, waarde in paden:
        reden = _binnen_map(waarde, map_, "data.map")
        if reden:
            fouten.append(f"  - {sleutel}: {reden}")
    if fouten:
        raise _fout(bron, fouten)


def invoerbestand(config: Mapping[str, Any], bestand: str) -> Path:
    """The path of a data file named in the validated config (relative to ``data.map``)."""
    return Path(config["data"]["map"]) / bestand


def _primair_eenmaal(config: dict[str, Any], bron: str | None = None) -> None:
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
        raise _fout(bron, fouten)
    if "voor_na" in config:
        config["voor_na"]["primair"] = {}


def _estimand(config: dict[str, Any], bron: str | None = None) -> None:
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
        raise _fout(bron, [f"  - bevindingen: het venster {b['pre']}–{b['post']} staat niet in "
                           f"voor_na.paren ({', '.join('–'.join(p) for p in paren)})"])


def _sleutel(k: Any) -> str:
    """A key as :func:`json.dumps` would write it (``1`` → ``"1"``, ``True`` → ``"true"``)."""
    return k if isinstance(k, str) else json.dumps(k)


def _kanoniek(waarde: Any) -> Any:
    if isinstance(waarde, dict):
        return {_sleutel(k): _kanoniek(v) for k, v in waarde.items()}
    if isinstance(waarde, list | tuple):
        return [_kanoniek(v) for v in waarde]
    return waarde


def config_hash(config: dict[str, Any]) -> str:
    """SHA-256 of the validated config (defaults filled in, keys sorted; keys that are not text,
    such as SPSS codes under ``codes``, as JSON writes them, so mixed keys cannot fail)."""
    return hashlib.sha256(
        json.dumps(_kanoniek(config), sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()


def codes(config: dict[str, Any]) -> dict[str, list[str]]:
    """Code lists that the data dictionary takes from the config."""
    return {"interventies": list(config["interventies"])}
