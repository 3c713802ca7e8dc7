"""Positieve Gezondheid: dimensiescores uit itemantwoorden.

Elke instrumentversie staat als YAML in ``data_dictionary/instrumenten/`` (item -> dimensie,
schaal, minimum aantal beantwoorde items, bron). :func:`scoor_positieve_gezondheid` rekent de
zes dimensiescores en het totaal uit; :func:`controleer_pg_overeenstemming` vergelijkt
geleverde scores met zelf berekende.

Instrumenten met ``bevestigd: false`` (kindtool: plaatshouders; PH-17: itemtoewijzing nog niet
ingevuld) worden alleen gescoord met ``sta_onbevestigd_toe=True``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

__all__ = [
    "Dimensie",
    "Instrument",
    "InstrumentFout",
    "controleer_pg_overeenstemming",
    "laad_instrument",
    "scoor_positieve_gezondheid",
]

#: Standaardmap met instrumentdefinities.
INSTRUMENTEN_MAP = Path(__file__).resolve().parents[2] / "data_dictionary" / "instrumenten"

#: Sleutelkolommen die ongewijzigd worden doorgegeven als ze in de invoer staan.
SLEUTELKOLOMMEN = ("pseudo_id", "meetmoment", "meetdatum")


class InstrumentFout(Exception):
    """Een instrumentdefinitie ontbreekt, is onvolledig of past niet bij de data."""


@dataclass(frozen=True)
class Dimensie:
    """Eén dimensie (of factor) van een instrument."""

    sleutel: str
    kolom: str
    label: str
    items: tuple[str, ...]
    minimum_items: int | None


@dataclass(eq=False)
class Instrument:
    """Een geladen instrumentdefinitie (zie ``data_dictionary/instrumenten/*.yaml``)."""

    id: str
    naam: str
    versie: str
    bevestigd: bool
    bron: str
    schaal_min: float
    schaal_max: float
    minimum_items: int
    totaal_kolom: str
    dimensies: dict[str, Dimensie]

    @property
    def label(self) -> str:
        """Id en versie, vastgelegd bij elke score (kolom ``pg_instrument``)."""
        tekst = f"{self.id} {self.versie}"
        return tekst if self.bevestigd else f"{tekst} (onbevestigd)"

    @property
    def voorvoegsel(self) -> str:
        """Voorvoegsel van de uitvoerkolommen, bijvoorbeeld ``"pg"``."""
        return self.totaal_kolom.removesuffix("_totaal")

    @property
    def alle_items(self) -> list[str]:
        return [i for d in self.dimensies.values() for i in d.items]

    def __repr__(self) -> str:
        return f"Instrument({self.label!r})"


def laad_instrument(instrument: str | Path, map: Path | str | None = None) -> Instrument:
    """Laad een instrumentdefinitie.

    Parameters
    ----------
    instrument : str or Path
        Id (bijv. ``"pg42"``, ``"pgkind"``, ``"ph17"``) of pad naar een YAML-bestand.
    map : Path or str, optional
        Map met instrument-YAML's; standaard ``data_dictionary/instrumenten``.

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentFout
        Bestand ontbreekt, verplichte velden ontbreken, een item staat in meer dan één
        dimensie, of een bevestigd instrument heeft een dimensie zonder items.
    """
    pad = Path(instrument)
    if pad.suffix not in (".yaml", ".yml"):
        pad = Path(map if map is not None else INSTRUMENTEN_MAP) / f"{instrument}.yaml"
    if not pad.is_file():
        beschikbaar = (
            sorted(p.stem for p in pad.parent.glob("*.yaml")) if pad.parent.is_dir() else []
        )
        raise InstrumentFout(
            f"Instrumentdefinitie {pad} niet gevonden. Beschikbaar: {', '.join(beschikbaar)}."
        )
    with pad.open(encoding="utf-8") as f:
        spec: dict[str, Any] = yaml.safe_load(f)
    verplicht = ("id", "naam", "versie", "bron", "schaal", "dimensies", "totaal_kolom")
    ontbrekend = [k for k in verplicht if k not in spec]
    if ontbrekend:
        raise InstrumentFout(f"{pad.name}: verplichte velden ontbreken: {', '.join(ontbrekend)}.")
    bevestigd = bool(spec.get("bevestigd", False))
    dimensies: dict[str, Dimensie] = {}
    gezien: dict[str, str] = {}
    for sleutel, d in spec["dimensies"].items():
        items = tuple(d.get("items") or ())
        for item in items:
            if item in gezien:
                raise InstrumentFout(
                    f"{pad.name}: item {item!r} staat in {gezien[item]!r} en in {sleutel!r}."
                )
            gezien[item] = sleutel
        if bevestigd and not items:
            raise InstrumentFout(f"{pad.name}: dimensie {sleutel!r} heeft geen items.")
        dimensies[sleutel] = Dimensie(
            sleutel=sleutel,
            kolom=d.get("kolom", f"pg_{sleutel}"),
            label=d.get("label", sleutel),
            items=items,
            minimum_items=d.get("minimum_items"),
        )
    return Instrument(
        id=str(spec["id"]),
        naam=str(spec["naam"]),
        versie=str(spec["versie"]),
        bevestigd=bevestigd,
        bron=" ".join(str(spec["bron"]).split()),
        schaal_min=float(spec["schaal"]["min"]),
        schaal_max=float(spec["schaal"]["max"]),
        minimum_items=int(spec.get("minimum_items", 1)),
        totaal_kolom=str(spec["totaal_kolom"]),
        dimensies=dimensies,
    )


def _minimum_per_dimensie(
    instrument: Instrument, minimum_items: int | Mapping[str, int] | None
) -> dict[str, int]:
    uit: dict[str, int] = {}
    for sleutel, dim in instrument.dimensies.items():
        if minimum_items is None:
            m = dim.minimum_items if dim.minimum_items is not None else instrument.minimum_items
        elif isinstance(minimum_items, Mapping):
            onbekend = (
                set(minimum_items)
                - set(instrument.dimensies)
                - {d.kolom for d in instrument.dimensies.values()}
            )
            if onbekend:
                raise ValueError(f"minimum_items noemt onbekende dimensies: {sorted(onbekend)}.")
            m = minimum_items.get(sleutel, minimum_items.get(dim.kolom))
            if m is None:
                m = dim.minimum_items if dim.minimum_items is not None else instrument.minimum_items
        else:
            m = minimum_items
        m = int(m)
        if not 1 <= m <= len(dim.items):
            raise ValueError(
                f"minimum_items voor {sleutel!r} moet tussen 1 en {len(dim.items)} liggen, "
                f"niet {m}."
            )
        uit[sleutel] = m
    return uit


def scoor_positieve_gezondheid(
    items_df: pd.DataFrame,
    instrument: Instrument | str,
    minimum_items: int | Mapping[str, int] | None = None,
    *,
    sta_onbevestigd_toe: bool = False,
) -> pd.DataFrame:
    """Bereken de dimensiescores en het totaal van Positieve Gezondheid uit itemantwoorden.

    Parameters
    ----------
    items_df : pandas.DataFrame
        Eén rij per invulling (bijv. ``pseudo_id`` x ``meetmoment``), één kolom per item met de
        itemcodes uit de instrumentdefinitie (bijv. ``pg42_lf_01``). Ontbrekende antwoorden
        zijn leeg (NaN).
    instrument : Instrument or str
        Instrument of id (``"pg42"``, ``"pgkind"``, ``"ph17"``).
    minimum_items : int or dict, optional
        Minimum aantal beantwoorde items voor een dimensiescore: één getal voor alle dimensies,
        of per dimensie (sleutel of uitvoerkolom). Standaard de waarde uit de YAML (pg42: 4 van
        de 7).
    sta_onbevestigd_toe : bool, default False
        Sta een instrument met ``bevestigd: false`` toe (plaatshouders). Het label in
        ``pg_instrument`` krijgt dan de toevoeging "(onbevestigd)".

    Returns
    -------
    pandas.DataFrame
        Zelfde index en rijvolgorde als ``items_df``. Kolommen:

        - ``pseudo_id``, ``meetmoment``, ``meetdatum``: doorgegeven als ze bestaan;
        - per dimensie de scorekolom uit de YAML (pg42: ``pg_lichaamsfuncties``,
          ``pg_mentaal_welbevinden``, ``pg_zingeving``, ``pg_kwaliteit_van_leven``,
          ``pg_meedoen``, ``pg_dagelijks_functioneren``): gemiddelde van de beantwoorde items,
          leeg bij te weinig antwoorden;
        - ``pg_totaal`` (of de ``totaal_kolom`` uit de YAML): gemiddelde van de
          dimensiescores, leeg als één dimensie ontbreekt;
        - ``pg_instrument``: id en versie van het instrument;
        - ``aantal_items_<dimensie>``: aantal beantwoorde items per dimensie. Dit zijn
          rij-niveau-aantallen (geen ``n_``-kolommen) en horen niet in vrij te geven uitvoer;
        - ``reden_ontbrekend_pg``: welke dimensies te weinig antwoorden hadden, anders leeg.

    Raises
    ------
    InstrumentFout
        Onbevestigd instrument zonder ``sta_onbevestigd_toe``, een dimensie zonder items, of
        itemkolommen die in ``items_df`` ontbreken.
    ValueError
        Niet-numerieke antwoorden of antwoorden buiten de schaal (bijv. 0-10).

    Notes
    -----
    Dimensiescore = gemiddelde van de beantwoorde items van die dimensie, mits minstens
    ``minimum_items`` beantwoord zijn (anders leeg). Totaal = ongewogen gemiddelde van de
    dimensiescores; ontbreekt één dimensie, dan ontbreekt het totaal (geen gemiddelde over
    een wisselend aantal dimensies, zodat totalen tussen personen en meetmomenten
    vergelijkbaar blijven). Er wordt niet afgerond. De rijvolgorde heeft geen invloed.
    """
    if not isinstance(instrument, Instrument):
        instrument = laad_instrument(instrument)
    if not instrument.bevestigd and not sta_onbevestigd_toe:
        raise InstrumentFout(
            f"Instrument {instrument.id!r} ({instrument.naam}) is niet bevestigd: de "
            "itemstructuur bevat plaatshouders of ontbreekt. Vul de YAML in "
            "data_dictionary/instrumenten/ aan, of roep aan met sta_onbevestigd_toe=True als u "
            "de structuur zelf hebt gecontroleerd."
        )
    leeg = [d.sleutel for d in instrument.dimensies.values() if not d.items]
    if leeg:
        raise InstrumentFout(
            f"Instrument {instrument.id!r}: geen items voor {', '.join(leeg)}; "
            "scoren is niet mogelijk."
        )
    ontbrekend = [i for i in instrument.alle_items if i not in items_df.columns]
    if ontbrekend:
        raise InstrumentFout(
            f"Itemkolommen ontbreken voor {instrument.id!r}: {', '.join(ontbrekend)}."
        )
    minima = _minimum_per_dimensie(instrument, minimum_items)

    waarden = items_df[instrument.alle_items].apply(pd.to_numeric, errors="raise").astype(float)
    buiten = (waarden < instrument.schaal_min) | (waarden > instrument.schaal_max)
    if buiten.any().any():
        per_kolom = buiten.sum()
        details = ", ".join(f"{k} ({int(v)}x)" for k, v in per_kolom[per_kolom > 0].items())
        raise ValueError(
            f"Antwoorden buiten de schaal {instrument.schaal_min:g}-{instrument.schaal_max:g}: "
            f"{details}."
        )

    uit = pd.DataFrame(index=items_df.index)
    for k in SLEUTELKOLOMMEN:
        if k in items_df.columns:
            uit[k] = items_df[k]
    aantallen: dict[str, pd.Series] = {}
    redenen = pd.Series("", index=items_df.index, dtype=object)
    for sleutel, dim in instrument.dimensies.items():
        blok = waarden[list(dim.items)]
        aantal = blok.notna().sum(axis=1)
        score = blok.mean(axis=1, skipna=True)
        te_weinig = aantal < minima[sleutel]
        uit[dim.kolom] = score.where(~te_weinig, np.nan)
        aantallen[f"aantal_items_{sleutel}"] = aantal.astype("int64")
        tekst = f"{sleutel}: {{}} van {len(dim.items)} items beantwoord (minimum {minima[sleutel]})"
        for idx in aantal.index[te_weinig.to_numpy()]:
            deel = tekst.format(int(aantal.loc[idx]))
            redenen.loc[idx] = f"{redenen.loc[idx]}; {deel}" if redenen.loc[idx] else deel
    dimkolommen = [d.kolom for d in instrument.dimensies.values()]
    uit[instrument.totaal_kolom] = uit[dimkolommen].mean(axis=1, skipna=False)
    uit[f"{instrument.voorvoegsel}_instrument"] = pd.Series(
        instrument.label, index=uit.index, dtype="str"
    )
    for naam, aantal in aantallen.items():
        uit[naam] = aantal
    uit[f"reden_ontbrekend_{instrument.voorvoegsel}"] = redenen.astype("str")
    return uit


def controleer_pg_overeenstemming(
    geleverde_scores: pd.DataFrame,
    berekende_scores: pd.DataFrame,
    tolerantie: float = 0.05,
) -> pd.DataFrame:
    """Vergelijk geleverde Positieve-Gezondheidsscores met zelf berekende.

    Parameters
    ----------
    geleverde_scores, berekende_scores : pandas.DataFrame
        Zelfde index (zelfde invullingen). Vergeleken worden de numerieke kolommen die in beide
        staan en beginnen met ``pg_`` of ``ph17_`` (bijv. ``pg_zingeving``, ``pg_totaal``);
        ``*_instrument`` wordt overgeslagen.
    tolerantie : float, default 0.05
        Absoluut verschil dat nog als gelijk telt (0.05 vangt geleverde scores die op één
        decimaal zijn afgerond).

    Returns
    -------
    pandas.DataFrame
        Eén rij per afwijkende cel (rij-niveau; datakwaliteit, blijft intern):

        - ``rij``: indexlabel van de invulling;
        - ``pseudo_id``, ``meetmoment``: uit ``geleverde_scores`` als ze bestaan;
        - ``kolom``: de scorekolom;
        - ``geleverd``, ``berekend``;
        - ``verschil``: geleverd − berekend;
        - ``probleem``: ``"verschil groter dan tolerantie"`` of
          ``"geleverd, maar niet te berekenen"``.

    Notes
    -----
    Een ontbrekende geleverde score bij een wel berekende is geen afwijking (niet elke regio
    levert scores). Vergelijking met een marge van 1e-9 boven de tolerantie, zodat
    afrondingsverschillen van precies de tolerantie (bijv. 6,25 geleverd als 6,3) niet als
    afwijking tellen.
    """
    if tolerantie < 0:
        raise ValueError("tolerantie moet >= 0 zijn.")
    if not geleverde_scores.index.equals(berekende_scores.index):
        raise ValueError("geleverde en berekende scores moeten dezelfde index hebben.")
    kolommen = [
        k
        for k in geleverde_scores.columns
        if k in berekende_scores.columns
        and k.startswith(("pg_", "ph17_"))
        and not k.endswith("_instrument")
    ]
    if not kolommen:
        raise ValueError("Geen gemeenschappelijke scorekolommen (pg_* of ph17_*) gevonden.")
    delen = []
    sleutels = [k for k in ("pseudo_id", "meetmoment") if k in geleverde_scores.columns]
    for kolom in kolommen:
        gel = pd.to_numeric(geleverde_scores[kolom]).astype(float)
        ber = pd.to_numeric(berekende_scores[kolom]).astype(float)
        verschil = gel - ber
        probleem = pd.Series("", index=gel.index, dtype=object)
        probleem[verschil.abs() > tolerantie + 1e-9] = "verschil groter dan tolerantie"
        probleem[gel.notna() & ber.isna()] = "geleverd, maar niet te berekenen"
        masker = probleem != ""
        if not masker.any():
            continue
        deel = pd.DataFrame({"rij": gel.index[masker]})
        for k in sleutels:
            deel[k] = geleverde_scores.loc[masker, k].to_numpy()
        deel["kolom"] = kolom
        deel["geleverd"] = gel[masker].to_numpy()
        deel["berekend"] = ber[masker].to_numpy()
        deel["verschil"] = verschil[masker].to_numpy()
        deel["probleem"] = probleem[masker].to_numpy()
        delen.append(deel)
    kolomvolgorde = ["rij", *sleutels, "kolom", "geleverd", "berekend", "verschil", "probleem"]
    if not delen:
        return pd.DataFrame({k: pd.Series(dtype=object) for k in kolomvolgorde})
    uit = pd.concat(delen, ignore_index=True)
    for k in ("kolom", "probleem"):
        uit[k] = uit[k].astype("str")
    return uit[kolomvolgorde]
