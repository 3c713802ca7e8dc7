"""The data dictionary: the one machine-readable description of the input tables.

The dictionary lives in ``data_dictionary/tabellen/*.yaml`` as Frictionless Table
Schemas with a few evaluatie-specific properties under ``x-``. Validation
(:mod:`evaluatie.validatie`), the synthetic generator (:mod:`evaluatie.synth`) and the
human-readable documentation (:func:`markdown`) are all derived from it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

#: Tables in the order they are read and documented.
TABELVOLGORDE = ("deelnemers", "metingen", "zorgkosten", "ervaringen", "professionals", "wijken",
                 "pg_items")


def woordenboek_map() -> Path:
    """Directory that holds the data dictionary (``EVALUATIE_WOORDENBOEK`` overrides)."""
    if env := os.environ.get("EVALUATIE_WOORDENBOEK"):
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data_dictionary"


@dataclass(frozen=True)
class Uitkomst:
    """How an outcome is analysed: direction of improvement and thresholds."""

    naam: str
    titel: str
    eenheid: str
    hoger_is_beter: bool
    primair: bool = False
    stabiliteitsband: float = 0.0
    klinisch_relevant: float | None = None
    klinisch_relevant_bron: str | None = None
    betrouwbaarheid: float | None = None
    doelgroep: tuple[str, ...] = ()
    pg_dimensie: bool = False


@dataclass(frozen=True)
class Veld:
    """One column of an input table."""

    naam: str
    titel: str
    type: str
    beschrijving: str
    eenheid: str | None = None
    verplicht: bool = False
    uniek: bool = False
    minimum: float | None = None
    maximum: float | None = None
    toegestaan: tuple[str, ...] | None = None
    patroon: str | None = None
    enum_uit_config: str | None = None
    niet_voor: str | None = None
    standaard: Any = None
    uitkomst: Uitkomst | None = None
    #: only a year may stand here (``x-alleen-jaar``): a full date is refused as a
    #: possible date of birth
    alleen_jaar: bool = False
    #: a pseudonym (``x-pseudoniem``): a value that passes the 11-proef is refused unless
    #: the config declares the pseudonyms to be 9-digit numbers
    pseudoniem: bool = False


@dataclass(frozen=True)
class Tabel:
    """One input table: its fields, keys and foreign keys."""

    naam: str
    titel: str
    beschrijving: str
    verplicht: bool
    velden: tuple[Veld, ...]
    sleutel: tuple[str, ...]
    verwijzingen: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = field(default=())

    @property
    def kolommen(self) -> list[str]:
        return [v.naam for v in self.velden]

    def veld(self, naam: str) -> Veld:
        for v in self.velden:
            if v.naam == naam:
                return v
        raise KeyError(f"tabel {self.naam!r} heeft geen veld {naam!r}")


def _veld(d: dict[str, Any]) -> Veld:
    c = d.get("constraints", {})
    u = d.get("x-uitkomst")
    uitkomst = None
    if u is not None:
        uitkomst = Uitkomst(
            naam=d["name"],
            titel=d.get("title", d["name"]),
            eenheid=d.get("unit", ""),
            hoger_is_beter=u["richting"] == "hoger_beter",
            primair=bool(u.get("primair", False)),
            stabiliteitsband=float(u.get("stabiliteitsband", 0.0)),
            klinisch_relevant=u.get("klinisch_relevant"),
            klinisch_relevant_bron=u.get("klinisch_relevant_bron"),
            betrouwbaarheid=u.get("betrouwbaarheid"),
            doelgroep=tuple(u.get("doelgroep", ())),
            pg_dimensie=bool(u.get("pg_dimensie", False)),
        )
    return Veld(
        naam=d["name"],
        titel=d.get("title", d["name"]),
        type=d.get("type", "string"),
        beschrijving=d.get("description", ""),
        eenheid=d.get("unit"),
        verplicht=bool(c.get("required", False)),
        uniek=bool(c.get("unique", False)),
        minimum=c.get("minimum"),
        maximum=c.get("maximum"),
        toegestaan=tuple(c["enum"]) if "enum" in c else None,
        patroon=c.get("pattern"),
        enum_uit_config=d.get("x-enum-uit-config"),
        niet_voor=d.get("x-niet-voor"),
        standaard=d.get("x-standaard"),
        uitkomst=uitkomst,
        alleen_jaar=bool(d.get("x-alleen-jaar", False)),
        pseudoniem=bool(d.get("x-pseudoniem", False)),
    )


def lees_tabel(pad: Path) -> Tabel:
    """Read one Table Schema YAML file."""
    d = yaml.safe_load(pad.read_text(encoding="utf-8"))
    verwijzingen = tuple(
        (tuple(fk["fields"]), fk["reference"]["resource"], tuple(fk["reference"]["fields"]))
        for fk in d.get("foreignKeys", [])
    )
    return Tabel(
        naam=d["name"],
        titel=d.get("title", d["name"]),
        beschrijving=" ".join(d.get("description", "").split()),
        verplicht=bool(d.get("x-verplicht", False)),
        velden=tuple(_veld(v) for v in d["fields"]),
        sleutel=tuple(d.get("primaryKey", [])),
        verwijzingen=verwijzingen,
    )


@cache
def _laad(map_: Path) -> dict[str, Tabel]:
    tabellen = {p.stem: lees_tabel(p) for p in sorted((map_ / "tabellen").glob("*.yaml"))}
    onbekend = set(tabellen) - set(TABELVOLGORDE)
    if onbekend:
        raise ValueError(f"onbekende tabellen in het woordenboek: {sorted(onbekend)}")
    return {n: tabellen[n] for n in TABELVOLGORDE if n in tabellen}


def tabellen(map_: Path | None = None) -> dict[str, Tabel]:
    """All tables of the dictionary, keyed by name, in :data:`TABELVOLGORDE`."""
    return _laad((map_ or woordenboek_map()).resolve())


#: The derived total of Positieve Gezondheid (mean of the six dimensions, see
#: :mod:`evaluatie.afleiden`); an outcome like the dictionary's, defined once here.
PG_TOTAAL = Uitkomst(
    naam="pg_totaal", titel="Positieve Gezondheid (gemiddelde van 6 dimensies)",
    eenheid="score 0-10", hoger_is_beter=True, stabiliteitsband=0.5,
)


def met_extra_velden(basis: dict[str, Tabel], extra: dict[str, list[dict[str, Any]]]
                     ) -> dict[str, Tabel]:
    """The dictionary with fields added by extension analyses (``EXTRA_VELDEN``).

    ``extra`` maps a table name to Frictionless field definitions. A field that the
    dictionary already has is an error: an extension adds, it never redefines.
    """
    import dataclasses

    uit = dict(basis)
    for tabelnaam, velden in extra.items():
        if tabelnaam not in uit:
            raise ValueError(f"uitbreiding noemt onbekende tabel {tabelnaam!r}")
        t = uit[tabelnaam]
        nieuw = [_veld(v) for v in velden]
        dubbel = {v.naam for v in nieuw} & set(t.kolommen)
        if dubbel:
            raise ValueError(f"uitbreiding herdefinieert velden van {tabelnaam}: {sorted(dubbel)}")
        uit[tabelnaam] = dataclasses.replace(t, velden=t.velden + tuple(nieuw))
    return uit


def uitkomsten(map_: Path | None = None) -> dict[str, Uitkomst]:
    """Outcomes declared in ``metingen`` (fields with ``x-uitkomst``), in dictionary order."""
    return {
        v.naam: v.uitkomst for v in tabellen(map_)["metingen"].velden if v.uitkomst is not None
    }


def pg_dimensies(map_: Path | None = None) -> list[str]:
    """The six Positieve Gezondheid dimension columns, in dictionary order."""
    return [n for n, u in uitkomsten(map_).items() if u.pg_dimensie]


def _beperkingen(v: Veld) -> str:
    delen = []
    if v.toegestaan:
        delen.append("één van " + ", ".join(f"`{x}`" for x in v.toegestaan))
    if v.enum_uit_config:
        delen.append(f"een code uit de configuratie (`{v.enum_uit_config}`)")
    if v.minimum is not None or v.maximum is not None:
        delen.append(f"{v.minimum if v.minimum is not None else '−∞'} t/m "
                     f"{v.maximum if v.maximum is not None else '∞'}")
    if v.patroon:
        delen.append(f"patroon `{v.patroon}`")
    if v.uniek:
        delen.append("uniek")
    if v.niet_voor:
        delen.append(f"niet vóór `{v.niet_voor}`")
    if v.alleen_jaar:
        delen.append("alleen een jaartal, geen volledige datum")
    if v.pseudoniem:
        delen.append("pseudoniem: geen BSN of ander identificerend gegeven")
    return "; ".join(delen)


def markdown(map_: Path | None = None) -> str:
    """Human-readable documentation of the dictionary, generated, never written by hand."""
    regels = [
        "# Datawoordenboek",
        "",
        "Gegenereerd uit `data_dictionary/tabellen/*.yaml` met `evaluatie woordenboek`;"
        " niet met de hand bewerken.",
        "",
    ]
    for t in tabellen(map_).values():
        regels += [
            f"## `{t.naam}`: {t.titel}",
            "",
            t.beschrijving,
            "",
            f"- Verplicht bestand: {'ja' if t.verplicht else 'nee'}",
            f"- Sleutel: {', '.join(f'`{k}`' for k in t.sleutel)}",
        ]
        for velden, doel, doelvelden in t.verwijzingen:
            regels.append(f"- Verwijst naar `{doel}` via {', '.join(velden)} → {', '.join(doelvelden)}")
        regels += [
            "",
            "| veld | omschrijving | type | eenheid | verplicht | toegestane waarden |",
            "|---|---|---|---|---|---|",
        ]
        for v in t.velden:
            beschrijving = " ".join(v.beschrijving.split())
            if v.uitkomst:
                u = v.uitkomst
                beschrijving += f" Uitkomst: {'hoger' if u.hoger_is_beter else 'lager'} is beter."
                if u.primair:
                    beschrijving += " Primaire uitkomst."
                if u.klinisch_relevant is not None:
                    bron = " ".join((u.klinisch_relevant_bron or "").split())
                    beschrijving += (
                        f" Klinisch relevante verbetering: ≥ {u.klinisch_relevant} ({bron})."
                    )
            regels.append(
                f"| `{v.naam}` | {beschrijving} | {v.type} | {v.eenheid or ''} | "
                f"{'ja' if v.verplicht else 'nee'} | {_beperkingen(v)} |"
            )
        regels.append("")
    return "\n".join(regels)
