"""A new region project: ``evaluatie init`` writes it, ``evaluatie run`` runs it.

The generated ``config.yaml`` documents every key (text from the config schema) and
holds a column and code mapping template for every table, generated from the data
dictionary: each dictionary column mapped to itself, with its description, type,
unit and allowed codes as comments, so a region only changes the names and codes
that differ in its own export.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from evaluatie import config as cfg
from evaluatie import woordenboek
from evaluatie.fouten import EvaluatieFout

REPO = Path(__file__).resolve().parents[2]


def _commentaar(tekst: str, inspring: str, breedte: int = 88) -> list[str]:
    tekst = " ".join(str(tekst).split())
    return [f"{inspring}# {r}" for r in textwrap.wrap(tekst, breedte - len(inspring) - 2)] if tekst else []


def _yaml_waarde(x: Any) -> str:
    return json.dumps(x, ensure_ascii=False)


def _tabel_sjabloon(t: woordenboek.Tabel, inspring: str) -> list[str]:
    r = [f"{inspring}{t.naam}:"]
    r += _commentaar(t.beschrijving, inspring + "  ")
    r.append(f"{inspring}  bestand: {t.naam}.csv   # .csv, .xlsx, .sav of .parquet in data.map")
    r.append(f"{inspring}  # Woordenboeknaam: naam van de kolom in uw eigen bestand.")
    r.append(f"{inspring}  kolommen:")
    for v in t.velden:
        uitleg = f"{v.titel}; {v.type}"
        if v.eenheid:
            uitleg += f" ({v.eenheid})"
        uitleg += "; verplicht" if v.verplicht else "; optioneel"
        r.append(f"{inspring}    {v.naam}: {v.naam}   # {uitleg}")
    codes = [v for v in t.velden if v.toegestaan]
    if codes:
        r.append(f"{inspring}  # Per kolom: uw eigen code -> woordenboekcode. Laat leeg als uw codes al")
        r.append(f"{inspring}  # gelijk zijn. SPSS: waardelabels worden eerst toegepast.")
        r.append(f"{inspring}  codes:")
        for v in codes:
            r.append(f"{inspring}    {v.naam}: {{}}   # toegestaan: {', '.join(v.toegestaan)}")
    datums = [v.naam for v in t.velden if v.type == "date"]
    if datums:
        r.append(f"{inspring}  # Datums als tekst: JJJJ-MM-DD, of zet hier het formaat, bijv. \"%d-%m-%Y\".")
        r.append(f"{inspring}  # datumformaat: \"%d-%m-%Y\"")
    return r


def config_sjabloon(regio: str) -> str:
    """A complete, commented config for a new region (valid as it stands after the
    region fills in its files and interventies)."""
    schema = cfg._schema()
    props = schema["properties"]
    r = [
        f"# Configuratie van regio {regio}, gemaakt met `evaluatie init`.",
        "# Elke sleutel wordt gecontroleerd tegen workflow/schemas/config.schema.yaml in",
        "# evaluatie; een onbekende sleutel is een fout. Draai `evaluatie validate config.yaml`",
        "# om de data te controleren en `evaluatie run .` voor de hele evaluatie.",
        "",
    ]

    def sleutel(naam: str, waarde: Any) -> None:
        r.extend(_commentaar(props[naam].get("description", ""), ""))
        r.append(f"{naam}: {_yaml_waarde(waarde)}")
        r.append("")

    sleutel("regio", regio)
    sleutel("regio_naam", "")
    sleutel("jaar", props["jaar"]["default"])
    sleutel("peildatum", props["peildatum"]["default"])
    sleutel("resultaten_map", props["resultaten_map"]["default"])
    sleutel("synthetisch", None)
    r += _commentaar(props["data"]["description"], "")
    r += ["data:", "  # Map met uw exportbestanden, relatief aan deze projectmap.", "  map: data",
          "  tabellen:"]
    for t in woordenboek.tabellen().values():
        if not t.verplicht:
            r.append(f"    # Optioneel: verwijder `{t.naam}` als u deze tabel niet heeft.")
        r += _tabel_sjabloon(t, "    ")
    r.append("")
    r += _commentaar(props["interventies"]["description"], "")
    r += [
        "interventies:",
        "  mijn-interventie:   # code zoals in deelnemers.interventie",
        "    naam: Naam van de interventie",
        "    doelgroep: volwassene   # kind, volwassene of gezin",
        "    doelgroep_omschrijving: Voor wie de interventie is, in één zin.",
        "    beschrijving: Wat de interventie doet, in enkele zinnen.",
        "",
    ]
    sleutel("meetmomenten", props["meetmomenten"]["default"])
    for naam in ("disclosure", "rapport"):
        r += _commentaar(props[naam].get("description", ""), "")
        r.append(f"{naam}:")
        for k, sub in props[naam]["properties"].items():
            r += _commentaar(sub.get("description", ""), "  ")
            r.append(f"  {k}: {_yaml_waarde(sub.get('default'))}")
        r.append("")
    onderdelen = [k for k in props if (cfg.SCHEMA.parent / "onderdelen" / f"{k}.yaml").exists()]
    if onderdelen:
        r.append("# Instellingen per analyse (weggelaten sleutels krijgen hun standaardwaarde):")
        for naam in onderdelen:
            r.append(f"# {naam}: zie workflow/schemas/onderdelen/{naam}.yaml")
        r.append("")
    r += _commentaar(props["extra_analyses"]["description"], "")
    r += ["extra_analyses: {}", "# Voorbeeld (zie docs/promovendus.md):",
          "# extra_analyses:", "#   taille:", "#     module: analyses/taille.py",
          "#     sectie: analyses/_taille.qmd", ""]
    return "\n".join(r)


README = """# Evaluatie {regio}

Gemaakt met `evaluatie init`. Zo gaat u verder:

1. Zet uw exportbestanden in `data/`.
2. Vul in `config.yaml` per tabel de bestandsnaam in en, waar uw export afwijkt van het
   datawoordenboek, de eigen kolomnamen (`kolommen`), codes (`codes`) en het
   datumformaat. Vul de interventies in.
3. Controleer de data: `evaluatie validate config.yaml`
4. Draai de evaluatie: `evaluatie run .`

De rapporten komen in `results/{regio}/rapporten/`. Alles onder `results/{regio}/intern/`
is rijniveau-data en mag de organisatie niet uit. Zie de handleiding voor een tweede
regio in de documentatie van evaluatie (`docs/tweede-regio.md`).
"""


def init(map_: Path, regio: str | None = None) -> list[Path]:
    """Create a region project in ``map_`` (which must not hold a config yet)."""
    map_ = Path(map_)
    regio = regio or map_.resolve().name.lower().replace("_", "-").replace(" ", "-")
    if (map_ / "config.yaml").exists():
        raise EvaluatieFout(f"{map_ / 'config.yaml'} bestaat al; kies een lege map.")
    (map_ / "data").mkdir(parents=True, exist_ok=True)
    paden = [map_ / "config.yaml", map_ / "README.md"]
    paden[0].write_text(config_sjabloon(regio), encoding="utf-8")
    paden[1].write_text(README.format(regio=regio), encoding="utf-8")
    return paden


def run(map_: Path, cores: int = 2, extra: list[str] | None = None) -> int:
    """Run the whole pipeline for the region project in ``map_``; returns Snakemake's exit code.

    The config is validated first (:func:`evaluatie.config.laad`, relative paths relative
    to ``map_``), so an invalid config is one clear :class:`~evaluatie.fouten.EvaluatieFout`
    before Snakemake starts. The workflow profile ``profiles/default`` (``rerun-incomplete``)
    is passed explicitly, so one ``evaluatie run`` also resumes a run that was killed: a
    lock that a killed run left behind, with no Snakemake process working in ``map_`` any
    more (:func:`evaluatie.herstel.lopende_runs`), is lifted with ``snakemake --unlock``
    first; the lock of a run that is still going is refused with a message.
    """
    from evaluatie import herstel

    map_ = Path(map_).resolve()
    config = map_ / "config.yaml"
    if not config.exists():
        raise EvaluatieFout(f"{config} bestaat niet; maak een project met `evaluatie init`.")
    with contextlib.chdir(map_):
        cfg.laad(config)
    cmd = [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"),
           "--workflow-profile", str(REPO / "profiles" / "default"), "--configfile", str(config),
           "--directory", str(map_), "--cores", str(cores)]
    if herstel.sloten(map_):
        lopend = herstel.lopende_runs(map_)
        if lopend:
            raise EvaluatieFout(
                f"In {map_} loopt al een evaluatie (snakemake, proces {', '.join(map(str, lopend))}). "
                "Wacht tot die klaar is, of stop hem, en start dan opnieuw.")
        print(f"Een eerdere run in {map_} is afgebroken; de achtergebleven vergrendeling wordt "
              "opgeheven en de run gaat verder.", file=sys.stderr)
        r = subprocess.run([*cmd, "--unlock"], capture_output=True, text=True, check=False)
        if r.returncode:
            staart = "\n".join((r.stdout + r.stderr).strip().splitlines()[-10:])
            raise EvaluatieFout(f"De vergrendeling van {map_} kon niet worden opgeheven "
                                f"(snakemake --unlock, code {r.returncode}):\n{staart}")
    return subprocess.run([*cmd, *(extra or [])], check=False).returncode
