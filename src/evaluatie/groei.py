"""Groei: BMI, BMI-z-score (BMI-SDS) volgens de LMS-methode en gewichtsstatus.

De groeireferenties (Nederland 1997 en 2009, WHO 2007, IOTF-afkappunten) worden niet met het
pakket meegeleverd; hun licenties staan dat niet toe. De gebruiker zet eigen kopieën in een map
die in de configuratie staat onder ``afgeleide_maten.groeireferentie_map``. Welke bestanden
nodig zijn, met kolommen, SHA-256, citatie, leeftijdseenheid en staartregel, staat in het register
``data_dictionary/referenties.yaml``.

Elke berekende z-score draagt zijn herkomst (kolom ``referentie``: naam en versie) en binnen één
analyse mag maar één referentie voorkomen (:func:`controleer_een_referentie`): hetzelfde kind
heeft onder verschillende referenties een andere z-score.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import yaml

from evaluatie.fouten import ConfigFout

__all__ = [
    "CATEGORIEEN_GEWICHTSSTATUS",
    "CATEGORIEEN_HOOFDGROEP",
    "CONFIG_SLEUTEL",
    "GemengdeReferentiesFout",
    "IotfGrenzen",
    "Referentie",
    "ReferentieFout",
    "ReferentieWaarschuwing",
    "bereken_bmi",
    "bmi_z",
    "bmi_z_overeenstemming",
    "controleer_config",
    "instellingen",
    "referentiemap",
    "controleer_een_referentie",
    "ontbrekende_referentiemap",
    "referentie_label",
    "gewichtsstatus",
    "gewichtsstatus_overgangen",
    "interpoleer_lms",
    "laad_iotf",
    "laad_referentie",
    "lms_waarde",
    "lms_z",
    "voeg_bmi_z_toe",
    "voeg_gewichtsstatus_toe",
]

#: Configuratiesleutel die de map met referentietabellen noemt.
CONFIG_SLEUTEL = "afgeleide_maten.groeireferentie_map"

#: Standaardlocatie van het register (data dictionary in de projectmap).
REGISTER_PAD = Path(__file__).resolve().parents[2] / "data_dictionary" / "referenties.yaml"

#: |L| onder deze grens telt als L = 0 (logaritmische tak van de LMS-formule).
L_NUL_GRENS = 1e-7

#: Dagen per jaar en per maand (WHO): leeftijd_maanden = leeftijd_jaren * 12.
DAGEN_PER_JAAR = 365.25
DAGEN_PER_MAAND = 30.4375

_ERNSTIG_ONDERGEWICHT = "ernstig ondergewicht (graad 3)"
_MATIG_ONDERGEWICHT = "matig ondergewicht (graad 2)"
_LICHT_ONDERGEWICHT = "licht ondergewicht (graad 1)"
_ONDERGEWICHT = "ondergewicht"
_GEZOND = "gezond gewicht"
_OVERGEWICHT = "overgewicht"
_OBESITAS = "obesitas"
_ERNSTIGE_OBESITAS = "ernstige obesitas"

#: Alle gewichtsstatuscategorieën, van laag naar hoog. Kinderen (2-18 jaar, IOTF) krijgen de
#: drie graden van ondergewicht; volwassenen (>= 18 jaar) krijgen 'ondergewicht' (BMI < 18,5)
#: en eventueel 'ernstige obesitas' (BMI >= 40).
CATEGORIEEN_GEWICHTSSTATUS: tuple[str, ...] = (
    _ERNSTIG_ONDERGEWICHT,
    _MATIG_ONDERGEWICHT,
    _LICHT_ONDERGEWICHT,
    _ONDERGEWICHT,
    _GEZOND,
    _OVERGEWICHT,
    _OBESITAS,
    _ERNSTIGE_OBESITAS,
)

#: Hoofdgroepen zoals de JGZ-richtlijn Overgewicht ze noemt; gelijk voor kinderen en volwassenen.
CATEGORIEEN_HOOFDGROEP: tuple[str, ...] = (_ONDERGEWICHT, _GEZOND, _OVERGEWICHT, _OBESITAS)

_NAAR_HOOFDGROEP = {
    _ERNSTIG_ONDERGEWICHT: _ONDERGEWICHT,
    _MATIG_ONDERGEWICHT: _ONDERGEWICHT,
    _LICHT_ONDERGEWICHT: _ONDERGEWICHT,
    _ONDERGEWICHT: _ONDERGEWICHT,
    _GEZOND: _GEZOND,
    _OVERGEWICHT: _OVERGEWICHT,
    _OBESITAS: _OBESITAS,
    _ERNSTIGE_OBESITAS: _OBESITAS,
}

_METHODE_IOTF = "IOTF (Cole 2000, 2007)"
_METHODE_VOLWASSENEN = "BMI-grenzen volwassenen (WHO)"

_GESLACHTEN = ("man", "vrouw")
_GESLACHT_CODES = {
    "who_anthroplus": {"1": "man", "2": "vrouw"},
    "iotf_growthscreener": {"M": "man", "F": "vrouw"},
}


class ReferentieFout(ConfigFout):
    """Een groeireferentie ontbreekt, is onleesbaar of wijkt af van het register.

    Een :class:`~evaluatie.fouten.ConfigFout`: de pijplijn toont de melding zonder traceback.
    """


class ReferentieWaarschuwing(UserWarning):
    """Een referentiebestand wijkt af van de bekende SHA-256 en is toch gebruikt."""


class GemengdeReferentiesFout(ValueError):
    """Eén tabel bevat z-scores die met verschillende referenties zijn berekend."""


@dataclass(eq=False)
class Referentie:
    """Een geladen LMS-referentie voor BMI naar leeftijd.

    Attributes
    ----------
    naam : str
        Sleutel in het register, bijvoorbeeld ``"nl1997"``.
    label : str
        Naam en versie, vastgelegd bij elke z-score, bijvoorbeeld ``"NL 1997 (Fredriks 2000)"``.
    leeftijdseenheid : str
        ``"jaren"`` of ``"maanden"``.
    staartregel : str
        ``"geen"`` of ``"who_beperkt"``.
    tabellen : dict
        Per geslacht (``"man"``, ``"vrouw"``) een tabel met kolommen ``leeftijd``, ``L``, ``M``,
        ``S``, oplopend in leeftijd (in de leeftijdseenheid).
    bereik : dict
        Per geslacht ``(min, max)`` van de toegestane leeftijd (grenzen inbegrepen).
    citatie, bron : str
        Uit het register.
    sha256 : dict
        Werkelijke SHA-256 per gelezen bestand.
    hash_bekend : bool
        ``True`` als alle bestanden de bekende SHA-256 hebben.
    """

    naam: str
    label: str
    leeftijdseenheid: str
    staartregel: str
    tabellen: dict[str, pd.DataFrame]
    bereik: dict[str, tuple[float, float]]
    citatie: str
    bron: str
    sha256: dict[str, str]
    hash_bekend: bool

    def __repr__(self) -> str:
        return f"Referentie({self.naam!r}, {self.label!r})"


@dataclass(eq=False)
class IotfGrenzen:
    """IOTF-afkappunten per geslacht (Cole 2000, 2007).

    ``tabellen[geslacht]`` heeft kolommen ``leeftijd`` (jaren, 2-18 per half jaar),
    ``ondergewicht_graad3``, ``ondergewicht_graad2``, ``ondergewicht_graad1``,
    ``overgewicht`` en ``obesitas`` (BMI in kg/m²).
    """

    label: str
    tabellen: dict[str, pd.DataFrame]
    citatie: str
    bron: str
    sha256: dict[str, str]
    hash_bekend: bool

    def __repr__(self) -> str:
        return f"IotfGrenzen({self.label!r})"


_IOTF_KOLOMMEN = {
    "lft": "leeftijd",
    "thinness.grade.3": "ondergewicht_graad3",
    "thinness.grade.2": "ondergewicht_graad2",
    "thinness.grade.1": "ondergewicht_graad1",
    "overweight": "overgewicht",
    "obesity.I": "obesitas",
}


# --------------------------------------------------------------------------------------------
# Register en bestanden
# --------------------------------------------------------------------------------------------


def _lees_register(register: Path | None) -> dict[str, Any]:
    pad = Path(register) if register is not None else REGISTER_PAD
    if not pad.is_file():
        raise ReferentieFout(
            f"Het register van groeireferenties ontbreekt: {pad}. Dit bestand hoort bij het "
            "project (data_dictionary/referenties.yaml)."
        )
    with pad.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _sha256(pad: Path) -> str:
    return hashlib.sha256(pad.read_bytes()).hexdigest()


def _herkomst_tekst(spec: Mapping[str, Any]) -> str:
    return f"Bron: {spec['bron']}. Citatie: {' '.join(str(spec['citatie']).split())}"


def _controleer_bestanden(
    naam: str, spec: Mapping[str, Any], map: Path | str | None, controleer_hash: bool
) -> tuple[dict[str, Path], dict[str, str], bool]:
    """Geef per geslachtssleutel het pad, de werkelijke hashes en of alle hashes kloppen."""
    bestanden: dict[str, str] = dict(spec["bestanden"])
    nodig = ", ".join(bestanden.values())
    uitleg = (
        f"Nodig voor '{naam}' ({spec['label']}): {nodig}. {_herkomst_tekst(spec)}. "
        f"Zet eigen kopieën in één map en noem die map in de configuratie onder "
        f"'{CONFIG_SLEUTEL}'. De tabellen worden niet met het pakket meegeleverd."
    )
    if map is None:
        raise ReferentieFout(f"Geen map met groeireferenties opgegeven. {uitleg}")
    map = Path(map)
    if not map.is_dir():
        raise ReferentieFout(f"De map met groeireferenties bestaat niet: {map}. {uitleg}")
    paden = {sleutel: map / bestand for sleutel, bestand in bestanden.items()}
    ontbrekend = [p.name for p in paden.values() if not p.is_file()]
    if ontbrekend:
        raise ReferentieFout(
            f"Referentiebestand(en) ontbreken in {map}: {', '.join(ontbrekend)}. {uitleg}"
        )
    werkelijk: dict[str, str] = {}
    afwijkend: list[str] = []
    for pad in paden.values():
        werkelijk[pad.name] = _sha256(pad)
        verwacht = spec["sha256"][pad.name]
        if werkelijk[pad.name] != verwacht:
            afwijkend.append(f"{pad.name} (verwacht {verwacht}, gevonden {werkelijk[pad.name]})")
    if afwijkend:
        tekst = (
            f"SHA-256 van referentiebestand(en) wijkt af van het register: "
            f"{'; '.join(afwijkend)}. Het bestand is mogelijk een andere versie, bewerkt of "
            f"beschadigd. {_herkomst_tekst(spec)}."
        )
        if controleer_hash:
            raise ReferentieFout(
                tekst + " Weet u zeker dat uw kopie inhoudelijk juist is (bijvoorbeeld alleen "
                "andere regeleinden), roep dan aan met controleer_hash=False; de kolommen en "
                "waarden worden dan nog wel gecontroleerd."
            )
        warnings.warn(
            tekst + " Toch gebruikt omdat controleer_hash=False.",
            ReferentieWaarschuwing,
            stacklevel=3,
        )
    return paden, werkelijk, not afwijkend


def _lees_tno(pad: Path, spec: Mapping[str, Any], geslacht: str) -> pd.DataFrame:
    tekst = pad.read_text(encoding="utf-8").splitlines()
    kop: dict[str, str] = {}
    try:
        start = next(i for i, regel in enumerate(tekst) if regel.strip() == "[data]")
    except StopIteration:
        raise ReferentieFout(
            f"{pad.name}: regel '[data]' ontbreekt (formaat tno_nlreferences)."
        ) from None
    for regel in tekst[:start]:
        if "=" in regel:
            sleutel, waarde = regel.split("=", 1)
            kop[sleutel.strip()] = waarde.strip()
    verwacht_geslacht = {"man": "male", "vrouw": "female"}[geslacht]
    if kop.get("yname") != "bmi" or kop.get("distribution") != "LMS":
        raise ReferentieFout(
            f"{pad.name}: geen LMS-tabel voor BMI (yname={kop.get('yname')!r}, "
            f"distribution={kop.get('distribution')!r})."
        )
    if kop.get("sex") != verwacht_geslacht:
        raise ReferentieFout(
            f"{pad.name}: kopregel sex={kop.get('sex')!r}, verwacht {verwacht_geslacht!r}."
        )
    regels = [r.split() for r in tekst[start + 1 :] if r.strip()]
    kolommen = regels[0]
    _controleer_kolommen(pad, kolommen, spec["kolommen"])
    df = pd.DataFrame(regels[1:], columns=kolommen).astype(float)
    df = df.rename(columns={"x": "leeftijd"})
    return _controleer_lms_tabel(pad, df)


def _lees_tabel(pad: Path, spec: Mapping[str, Any]) -> pd.DataFrame:
    regels = [r.split() for r in pad.read_text(encoding="utf-8").splitlines() if r.strip()]
    if not regels:
        raise ReferentieFout(f"{pad.name} is leeg.")
    _controleer_kolommen(pad, regels[0], spec["kolommen"])
    return pd.DataFrame(regels[1:], columns=regels[0])


def _controleer_kolommen(pad: Path, gevonden: list[str], verwacht: list[str]) -> None:
    if list(gevonden) != list(verwacht):
        raise ReferentieFout(
            f"{pad.name}: kolommen {gevonden} komen niet overeen met de verwachte kolommen "
            f"{list(verwacht)}."
        )


def _controleer_lms_tabel(pad: Path, df: pd.DataFrame) -> pd.DataFrame:
    df = df[["leeftijd", "L", "M", "S"]].astype(float)
    if df.isna().any().any() or len(df) < 2:
        raise ReferentieFout(f"{pad.name}: lege of ontbrekende waarden in de LMS-tabel.")
    if (df["M"] <= 0).any() or (df["S"] <= 0).any():
        raise ReferentieFout(f"{pad.name}: M en S moeten positief zijn.")
    df = df.drop_duplicates("leeftijd", keep="first").sort_values("leeftijd")
    return df.reset_index(drop=True)


def laad_referentie(
    naam: str,
    map: Path | str | None,
    *,
    controleer_hash: bool = True,
    register: Path | str | None = None,
) -> Referentie:
    """Laad een LMS-groeireferentie voor BMI naar leeftijd uit de map van de gebruiker.

    Parameters
    ----------
    naam : {"nl1997", "nl2009", "who2007"}
        Sleutel in ``data_dictionary/referenties.yaml``.
    map : Path or str
        Map met de referentiebestanden (configuratiesleutel
        ``afgeleide_maten.groeireferentie_map``).
    controleer_hash : bool, default True
        Bij ``True`` is een afwijkende SHA-256 een fout (:class:`ReferentieFout`). Bij ``False``
        wordt het bestand toch gebruikt met een :class:`ReferentieWaarschuwing` en staat
        ``hash_bekend=False`` op het resultaat. Bedoeld voor een inhoudelijk juiste kopie die
        byte-voor-byte afwijkt (bijvoorbeeld andere regeleinden); kolommen, geslacht en
        positieve M en S worden altijd gecontroleerd.
    register : Path or str, optional
        Ander registerbestand (voor tests); standaard ``data_dictionary/referenties.yaml``.

    Returns
    -------
    Referentie

    Raises
    ------
    ReferentieFout
        Map of bestand ontbreekt (de melding noemt het bestand, de bron met citatie en de
        configuratiesleutel), onbekende naam, afwijkende kolommen of afwijkende SHA-256.
    """
    reg = _lees_register(None if register is None else Path(register))
    referenties = reg["referenties"]
    if naam not in referenties:
        raise ReferentieFout(
            f"Onbekende groeireferentie {naam!r}; ondersteund: {', '.join(referenties)}."
        )
    spec = referenties[naam]
    paden, hashes, hash_bekend = _controleer_bestanden(naam, spec, map, controleer_hash)

    tabellen: dict[str, pd.DataFrame] = {}
    if spec["formaat"] == "tno_nlreferences":
        for geslacht in _GESLACHTEN:
            tabellen[geslacht] = _lees_tno(paden[geslacht], spec, geslacht)
    elif spec["formaat"] == "who_anthroplus":
        pad = paden["beide"]
        df = _lees_tabel(pad, spec)
        codes = _GESLACHT_CODES["who_anthroplus"]
        onbekend = set(df["sex"]) - set(codes)
        if onbekend:
            raise ReferentieFout(f"{pad.name}: onbekende geslachtscodes {sorted(onbekend)}.")
        for code, geslacht in codes.items():
            deel = df.loc[df["sex"] == code, ["age", "l", "m", "s"]]
            deel = deel.rename(columns={"age": "leeftijd", "l": "L", "m": "M", "s": "S"})
            tabellen[geslacht] = _controleer_lms_tabel(pad, deel)
    else:  # pragma: no cover - register wordt met het project beheerd
        raise ReferentieFout(f"Onbekend formaat {spec['formaat']!r} voor {naam!r}.")

    bereik: dict[str, tuple[float, float]] = {}
    for geslacht, tabel in tabellen.items():
        tmin, tmax = float(tabel["leeftijd"].min()), float(tabel["leeftijd"].max())
        if spec["leeftijdsbereik"] == "tabel":
            bereik[geslacht] = (tmin, tmax)
        else:
            lo, hi = (float(v) for v in spec["leeftijdsbereik"])
            if lo < tmin or hi > tmax:
                raise ReferentieFout(
                    f"{naam}: leeftijdsbereik {lo}-{hi} valt buiten de tabel ({tmin}-{tmax})."
                )
            bereik[geslacht] = (lo, hi)

    return Referentie(
        naam=naam,
        label=spec["label"],
        leeftijdseenheid=spec["leeftijdseenheid"],
        staartregel=spec["staartregel"],
        tabellen=tabellen,
        bereik=bereik,
        citatie=" ".join(str(spec["citatie"]).split()),
        bron=spec["bron"],
        sha256=hashes,
        hash_bekend=hash_bekend,
    )


def laad_iotf(
    map: Path | str | None,
    *,
    controleer_hash: bool = True,
    register: Path | str | None = None,
) -> IotfGrenzen:
    """Laad de IOTF-afkappunten (Cole 2000, 2007) uit de map van de gebruiker.

    Parameters
    ----------
    map : Path or str
        Map met ``IOTF_male.txt`` en ``IOTF_female.txt`` (configuratiesleutel
        ``afgeleide_maten.groeireferentie_map``).
    controleer_hash : bool, default True
        Zoals bij :func:`laad_referentie`.
    register : Path or str, optional
        Ander registerbestand (voor tests).

    Returns
    -------
    IotfGrenzen

    Raises
    ------
    ReferentieFout
        Map of bestand ontbreekt, afwijkende kolommen of SHA-256.
    """
    reg = _lees_register(None if register is None else Path(register))
    spec = reg["iotf"]
    paden, hashes, hash_bekend = _controleer_bestanden("iotf", spec, map, controleer_hash)
    codes = _GESLACHT_CODES["iotf_growthscreener"]
    tabellen: dict[str, pd.DataFrame] = {}
    for geslacht in _GESLACHTEN:
        pad = paden[geslacht]
        df = _lees_tabel(pad, spec)
        verwacht_code = next(c for c, g in codes.items() if g == geslacht)
        if set(df["sex"]) != {verwacht_code}:
            raise ReferentieFout(
                f"{pad.name}: kolom sex bevat {sorted(set(df['sex']))}, verwacht "
                f"alleen {verwacht_code!r}."
            )
        df = df.rename(columns=_IOTF_KOLOMMEN)[list(_IOTF_KOLOMMEN.values())].astype(float)
        df = df.sort_values("leeftijd").reset_index(drop=True)
        afkap = df.drop(columns="leeftijd").to_numpy()
        if df.isna().any().any() or not (np.diff(afkap, axis=1) > 0).all():
            raise ReferentieFout(
                f"{pad.name}: afkappunten ontbreken of lopen niet op van graad 3 naar obesitas."
            )
        tabellen[geslacht] = df
    return IotfGrenzen(
        label=spec["label"],
        tabellen=tabellen,
        citatie=" ".join(str(spec["citatie"]).split()),
        bron=spec["bron"],
        sha256=hashes,
        hash_bekend=hash_bekend,
    )


# --------------------------------------------------------------------------------------------
# Configuratie: welke referentie, welke map, en een vroege controle
# --------------------------------------------------------------------------------------------

#: Standaardinstellingen van de configuratiesectie ``afgeleide_maten`` (zie
#: ``workflow/schemas/onderdelen/afgeleide_maten.yaml``; het schema vult ze ook in).
STANDAARD_INSTELLINGEN: dict[str, Any] = {
    "groeireferentie_map": None,
    "groeireferentie": "nl1997",
    "controleer_hash": True,
    "bmi_z": {"bron": "auto", "tolerantie": 0.1},
}


def instellingen(config: Mapping[str, Any]) -> dict[str, Any]:
    """De sectie ``afgeleide_maten`` van de configuratie, aangevuld met de standaardwaarden."""
    eigen = dict(config.get("afgeleide_maten") or {})
    uit = {**STANDAARD_INSTELLINGEN, **eigen}
    uit["bmi_z"] = {**STANDAARD_INSTELLINGEN["bmi_z"], **(eigen.get("bmi_z") or {})}
    return uit


def referentie_label(naam: str, register: Path | str | None = None) -> str:
    """Naam en versie van een referentie uit het register, zonder de tabellen te lezen."""
    referenties = _lees_register(None if register is None else Path(register))["referenties"]
    if naam not in referenties:
        raise ReferentieFout(
            f"Onbekende groeireferentie {naam!r}; ondersteund: {', '.join(referenties)}."
        )
    return str(referenties[naam]["label"])


def referentiemap(config: Mapping[str, Any]) -> Path | None:
    """De map uit ``afgeleide_maten.groeireferentie_map`` (relatief aan de werkmap), of ``None``."""
    map_ = instellingen(config)["groeireferentie_map"]
    return None if map_ in (None, "") else Path(map_)


def ontbrekende_referentiemap(
    naam: str, reden: str, register: Path | str | None = None
) -> ReferentieFout:
    """De fout voor een run die groeireferenties nodig heeft maar geen map heeft.

    De melding zegt waarom de tabellen nodig zijn (``reden``), welke bestanden, waar ze
    vandaan komen (bron en citatie) en welke configuratiesleutel de map noemt.
    """
    reg = _lees_register(None if register is None else Path(register))
    if naam not in reg["referenties"]:
        return ReferentieFout(
            f"Onbekende groeireferentie {naam!r}; ondersteund: {', '.join(reg['referenties'])}."
        )
    regels = [
        f"{reden.rstrip('.')}. Daarvoor zijn groeireferenties nodig; die worden niet met het "
        "pakket meegeleverd (hun licenties staan dat niet toe). Zet eigen kopieën van deze "
        "bestanden in één map en noem die map in de configuratie onder "
        f"'{CONFIG_SLEUTEL}' (relatief aan de werkmap of absoluut):",
    ]
    for sleutel, spec, doel in (
        (naam, reg["referenties"][naam], "BMI-z-score"),
        ("iotf", reg["iotf"], "gewichtsstatus van kinderen"),
    ):
        bestanden = ", ".join(dict(spec["bestanden"]).values())
        regels.append(
            f"  - {bestanden}: {spec['label']} ('{sleutel}', voor de {doel}). "
            f"{_herkomst_tekst(spec)}"
        )
    regels.append(
        "Kolommen en SHA-256 worden bij het laden gecontroleerd tegen "
        "data_dictionary/referenties.yaml. Een andere referentie kiest u met "
        "'afgeleide_maten.groeireferentie' (nl1997, nl2009 of who2007)."
    )
    return ReferentieFout("\n".join(regels))


def controleer_config(config: Mapping[str, Any]) -> None:
    """Vroege controle van de groeireferenties, bedoeld voor :func:`evaluatie.config.valideer`.

    - Noemt de configuratie een map (``afgeleide_maten.groeireferentie_map``), dan worden de
      gekozen referentie en de IOTF-tabellen geladen: ontbrekende bestanden, afwijkende
      kolommen of SHA-256 stoppen de run voordat er iets is ingelezen.
    - Zonder map: een fout als de configuratie zelf al zegt dat er z-scores berekend moeten
      worden (``afgeleide_maten.bmi_z.bron: berekend`` bij een kinderinterventie, of een
      synthetische regio met ``synthetisch.bmi_meting`` ``ruw`` of ``beide``).

    Of de *data* z-scores nodig maken (lengte en gewicht zonder ``bmi_z``), blijkt pas na het
    inlezen; dat controleert :func:`evaluatie.afleiden.leid_af`, vóór elke analyse.
    """
    inst = instellingen(config)
    naam = inst["groeireferentie"]
    map_ = referentiemap(config)
    if map_ is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ReferentieWaarschuwing)
            laad_referentie(naam, map_, controleer_hash=inst["controleer_hash"])
            laad_iotf(map_, controleer_hash=inst["controleer_hash"])
        return
    kind = [c for c, i in (config.get("interventies") or {}).items() if i.get("doelgroep") == "kind"]
    if not kind:
        return
    if inst["bmi_z"]["bron"] == "berekend":
        raise ontbrekende_referentiemap(
            naam,
            "De configuratie vraagt om zelf berekende BMI-z-scores "
            f"(afgeleide_maten.bmi_z.bron: berekend) voor {', '.join(kind)}",
        )
    synth = config.get("synthetisch") or {}
    if synth.get("bmi_meting", "bmi_z") != "bmi_z":
        raise ontbrekende_referentiemap(
            naam,
            "De synthetische regio krijgt lengte en gewicht in plaats van (of naast) de "
            f"BMI-z-score (synthetisch.bmi_meting: {synth['bmi_meting']})",
        )


# --------------------------------------------------------------------------------------------
# LMS-rekenwerk
# --------------------------------------------------------------------------------------------


def lms_z(y: npt.ArrayLike, L: npt.ArrayLike, M: npt.ArrayLike, S: npt.ArrayLike) -> np.ndarray:
    """LMS-z-score (Cole 1990), zonder staartregel.

    ``z = ((y/M)**L - 1) / (L*S)``; als ``|L| < 1e-7``: ``z = ln(y/M) / S``.
    Ontbrekende invoer geeft NaN. ``y <= 0`` geeft NaN.
    """
    y_, L_, M_, S_ = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (y, L, M, S)))
    with np.errstate(divide="ignore", invalid="ignore"):
        klein = np.abs(L_) < L_NUL_GRENS
        L_veilig = np.where(klein, 1.0, L_)
        ratio = np.where(y_ > 0, y_ / M_, np.nan)
        z = np.where(klein, np.log(ratio) / S_, (np.power(ratio, L_veilig) - 1.0) / (L_veilig * S_))
    return np.asarray(z, dtype=float)


def lms_waarde(
    z: npt.ArrayLike, L: npt.ArrayLike, M: npt.ArrayLike, S: npt.ArrayLike
) -> np.ndarray:
    """Meetwaarde bij z-score ``z``: ``M * (1 + L*S*z)**(1/L)``; als L = 0: ``M * exp(S*z)``."""
    z_, L_, M_, S_ = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (z, L, M, S)))
    with np.errstate(divide="ignore", invalid="ignore"):
        klein = np.abs(L_) < L_NUL_GRENS
        L_veilig = np.where(klein, 1.0, L_)
        y = np.where(
            klein, M_ * np.exp(S_ * z_), M_ * np.power(1.0 + L_veilig * S_ * z_, 1.0 / L_veilig)
        )
    return np.asarray(y, dtype=float)


def _who_staartregel(
    y: np.ndarray, z: np.ndarray, L: np.ndarray, M: np.ndarray, S: np.ndarray
) -> np.ndarray:
    """WHO-regel voorbij ±3 SD: lineair doortrekken met de afstand tussen 2 en 3 SD."""
    sd3, sd2 = lms_waarde(3.0, L, M, S), lms_waarde(2.0, L, M, S)
    sdm3, sdm2 = lms_waarde(-3.0, L, M, S), lms_waarde(-2.0, L, M, S)
    with np.errstate(invalid="ignore"):
        z = np.where(z > 3, 3.0 + (y - sd3) / (sd3 - sd2), z)
        z = np.where(z < -3, -3.0 + (y - sdm3) / (sdm2 - sdm3), z)
    return z


def _normaliseer_geslacht(geslacht: npt.ArrayLike | pd.Series) -> np.ndarray:
    waarden = np.asarray(geslacht, dtype=object).ravel()
    tekst = [v.strip().lower() if isinstance(v, str) else None for v in waarden]
    return np.array([v if v in _GESLACHTEN else None for v in tekst], dtype=object)


def _leeftijd_in_eenheid(referentie: Referentie, leeftijd_jaren: np.ndarray) -> np.ndarray:
    if referentie.leeftijdseenheid == "maanden":
        # dagen / 30.4375 == (jaren * 365.25) / 30.4375 == jaren * 12
        leeftijd = leeftijd_jaren * (DAGEN_PER_JAAR / DAGEN_PER_MAAND)
    else:
        leeftijd = leeftijd_jaren
    # afronden op 1e-9 zodat 61/12*12 niet net onder 61 valt
    return np.round(leeftijd, 9)


def interpoleer_lms(
    referentie: Referentie, leeftijd_jaren: npt.ArrayLike, geslacht: npt.ArrayLike
) -> pd.DataFrame:
    """L, M en S lineair geïnterpoleerd op leeftijd (in de eenheid van de referentie).

    Parameters
    ----------
    referentie : Referentie
    leeftijd_jaren : array-like
        Decimale leeftijd in jaren (dagen / 365.25). Voor WHO omgerekend naar maanden (x 12).
    geslacht : array-like
        ``"man"`` of ``"vrouw"``; andere waarden geven NaN.

    Returns
    -------
    pandas.DataFrame
        Kolommen ``leeftijd`` (in de eenheid van de referentie), ``L``, ``M``, ``S``; NaN
        buiten het leeftijdsbereik (grenzen inbegrepen) of bij onbekend geslacht.
    """
    leeftijd = _leeftijd_in_eenheid(referentie, np.asarray(leeftijd_jaren, dtype=float).ravel())
    sekse = _normaliseer_geslacht(geslacht)
    if sekse.shape != leeftijd.shape:
        raise ValueError("leeftijd_jaren en geslacht moeten even lang zijn.")
    uit = {k: np.full(leeftijd.shape, np.nan) for k in ("L", "M", "S")}
    for g in _GESLACHTEN:
        tabel = referentie.tabellen[g]
        lo, hi = referentie.bereik[g]
        masker = (sekse == g) & (leeftijd >= lo) & (leeftijd <= hi)
        for k in ("L", "M", "S"):
            uit[k][masker] = np.interp(leeftijd[masker], tabel["leeftijd"], tabel[k])
    return pd.DataFrame({"leeftijd": leeftijd, **uit})


def bereken_bmi(gewicht_kg: npt.ArrayLike, lengte_cm: npt.ArrayLike) -> np.ndarray:
    """BMI = gewicht (kg) / (lengte (m))²; NaN als een van beide ontbreekt of niet positief is."""
    g = np.asarray(gewicht_kg, dtype=float)
    lengte = np.asarray(lengte_cm, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        bmi = g / (lengte / 100.0) ** 2
    return np.where((g > 0) & (lengte > 0), bmi, np.nan)


def _index_van(*reeksen: Any, lengte: int) -> pd.Index:
    for r in reeksen:
        if isinstance(r, pd.Series | pd.DataFrame):
            return r.index
    return pd.RangeIndex(lengte)


def _als_array(x: Any, naam: str) -> np.ndarray:
    if x is None:
        raise ValueError(f"{naam} ontbreekt.")
    if isinstance(x, pd.Series):
        return pd.to_numeric(x, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(x, dtype=float).ravel()


def _eenheid_tekst(referentie: Referentie, geslacht: str) -> str:
    lo, hi = referentie.bereik[geslacht]
    return f"{lo:g}-{hi:g} {referentie.leeftijdseenheid}"


def bmi_z(
    bmi: npt.ArrayLike | pd.Series | None = None,
    *,
    gewicht_kg: npt.ArrayLike | pd.Series | None = None,
    lengte_cm: npt.ArrayLike | pd.Series | None = None,
    leeftijd_jaren: npt.ArrayLike | pd.Series,
    geslacht: npt.ArrayLike | pd.Series,
    referentie: Referentie,
) -> pd.DataFrame:
    """BMI-z-score (BMI-SDS) volgens de LMS-methode, gevectoriseerd.

    Geef ofwel ``bmi``, ofwel ``gewicht_kg`` en ``lengte_cm``.

    Parameters
    ----------
    bmi : array-like, optional
        BMI in kg/m².
    gewicht_kg, lengte_cm : array-like, optional
        Ruwe metingen; BMI = gewicht_kg / (lengte_cm / 100)².
    leeftijd_jaren : array-like
        Decimale leeftijd op de meetdatum in jaren (dagen / 365.25).
    geslacht : array-like
        ``"man"`` of ``"vrouw"``. ``"anders"`` of leeg geeft geen z-score (de referenties zijn
        geslachtsspecifiek) met een reden.
    referentie : Referentie
        Precies één referentie (uit :func:`laad_referentie`).

    Returns
    -------
    pandas.DataFrame
        Eén rij per invoerrij, met de index van de invoer als die een Series was:

        - ``bmi``: gebruikte BMI (kg/m²);
        - ``bmi_z``: z-score, NaN als die niet te berekenen is;
        - ``referentie``: naam en versie van de referentie, bijvoorbeeld
          ``"NL 1997 (Fredriks 2000)"``;
        - ``reden_ontbrekend``: Nederlandse reden als ``bmi_z`` ontbreekt, anders leeg.

    Notes
    -----
    LMS-methode (Cole 1990): ``z = ((y/M)**L - 1) / (L*S)``, en ``z = ln(y/M)/S`` als
    ``|L| < 1e-7``. L, M en S worden lineair geïnterpoleerd tussen de getabelleerde leeftijden
    (zoals ``approx()`` in R). Nederlandse referenties: leeftijd in jaren; buiten het bereik
    van de tabel geen z-score. WHO 2007: leeftijd in maanden (dagen / 30.4375 = jaren x 12),
    bereik 61-228 maanden zoals in WHO's anthroplus, en de WHO-staartregel: met
    ``SDk = M(1 + L*S*k)**(1/L)`` wordt ``z > 3`` tot ``3 + (y - SD3)/(SD3 - SD2)`` en
    ``z < -3`` tot ``-3 + (y - SD-3)/(SD-2 - SD-3)``. De staartregel geldt alleen voor WHO;
    TNO past hem niet toe op de Nederlandse tabellen. Er wordt niet afgerond.

    Gevalideerd tegen een onafhankelijke berekening in R (``tests/r/groei.R``: tabellen
    ingelezen, ``approx()``, Cole-formule, WHO-staartregel) tot 1e-6.
    """
    if not isinstance(referentie, Referentie):
        raise TypeError(
            "referentie moet precies één Referentie zijn (uit laad_referentie); "
            "referenties mengen binnen één berekening is niet toegestaan."
        )
    if bmi is not None and (gewicht_kg is not None or lengte_cm is not None):
        raise ValueError("Geef ofwel bmi, ofwel gewicht_kg en lengte_cm, niet beide.")
    if bmi is None:
        if gewicht_kg is None or lengte_cm is None:
            raise ValueError("Geef bmi, of zowel gewicht_kg als lengte_cm.")
        g, lengte = _als_array(gewicht_kg, "gewicht_kg"), _als_array(lengte_cm, "lengte_cm")
        if g.shape != lengte.shape:
            raise ValueError("gewicht_kg en lengte_cm moeten even lang zijn.")
        bmi_arr = bereken_bmi(g, lengte)
        reden_bmi = "gewicht of lengte ontbreekt of is niet positief"
    else:
        bmi_arr = _als_array(bmi, "bmi")
        reden_bmi = "BMI ontbreekt of is niet positief"
    leeftijd = _als_array(leeftijd_jaren, "leeftijd_jaren")
    n = bmi_arr.shape[0]
    index = _index_van(bmi, gewicht_kg, leeftijd_jaren, geslacht, lengte=n)
    sekse_ruw = np.asarray(geslacht, dtype=object).ravel()
    if leeftijd.shape[0] != n or sekse_ruw.shape[0] != n:
        raise ValueError("Alle invoer moet even lang zijn.")
    sekse = _normaliseer_geslacht(sekse_ruw)

    lms = interpoleer_lms(referentie, leeftijd, sekse)
    L, M, S = (lms[k].to_numpy() for k in ("L", "M", "S"))
    geldig_bmi = np.isfinite(bmi_arr) & (bmi_arr > 0)
    z = lms_z(np.where(geldig_bmi, bmi_arr, np.nan), L, M, S)
    if referentie.staartregel == "who_beperkt":
        z = _who_staartregel(bmi_arr, z, L, M, S)
    elif referentie.staartregel != "geen":  # pragma: no cover
        raise ReferentieFout(f"Onbekende staartregel {referentie.staartregel!r}.")

    reden = np.full(n, "", dtype=object)
    ruw_ontbreekt = pd.isna(pd.Series(sekse_ruw)).to_numpy()
    for i in range(n):
        if not geldig_bmi[i]:
            reden[i] = reden_bmi
        elif not np.isfinite(leeftijd[i]):
            reden[i] = "leeftijd ontbreekt"
        elif sekse[i] is None:
            reden[i] = (
                "geslacht ontbreekt"
                if ruw_ontbreekt[i]
                else "geslacht is niet 'man' of 'vrouw'; de referentie is geslachtsspecifiek"
            )
        elif not np.isfinite(z[i]):
            reden[i] = (
                f"leeftijd buiten het bereik van {referentie.label} "
                f"({_eenheid_tekst(referentie, sekse[i])})"
            )
    z = np.where(reden == "", z, np.nan)
    return pd.DataFrame(
        {
            "bmi": bmi_arr,
            "bmi_z": z,
            "referentie": pd.Series([referentie.label] * n, dtype="str").to_numpy(),
            "reden_ontbrekend": pd.Series(reden, dtype="str").to_numpy(),
        },
        index=index,
    )


def voeg_bmi_z_toe(
    metingen: pd.DataFrame,
    referentie: Referentie,
    *,
    leeftijd_kolom: str = "leeftijd_jaren",
    geslacht_kolom: str = "geslacht",
    doelkolom: str = "bmi_z",
) -> pd.DataFrame:
    """Leid BMI en BMI-z-score af voor een hele tabel, met precies één referentie.

    Parameters
    ----------
    metingen : pandas.DataFrame
        Eén rij per meting, met ``gewicht_kg`` en ``lengte_cm`` en/of ``bmi``, een kolom met de
        decimale leeftijd op de meetdatum (``leeftijd_kolom``) en het geslacht
        (``geslacht_kolom``; koppel die eerst vanuit ``deelnemers``).
    referentie : Referentie
        Precies één referentie; een lijst of tuple van referenties wordt geweigerd.
    leeftijd_kolom, geslacht_kolom : str
        Kolomnamen voor leeftijd (jaren) en geslacht.
    doelkolom : str, default "bmi_z"
        Naam van de nieuwe z-scorekolom. Bestaat die kolom al (bijvoorbeeld een geleverde
        z-score), dan volgt een fout: hernoem de geleverde kolom eerst (bijv.
        ``bmi_z_geleverd``) zodat :func:`bmi_z_overeenstemming` beide kan vergelijken.

    Returns
    -------
    pandas.DataFrame
        Kopie van ``metingen`` met extra of bijgewerkte kolommen:

        - ``bmi``: uit gewicht en lengte als beide aanwezig zijn, anders de geleverde BMI;
        - ``bmi_geleverd``: de oorspronkelijke ``bmi``-kolom (alleen als die bestond);
        - ``bmi_bron``: ``"gewicht en lengte"``, ``"geleverd"`` of leeg;
        - ``<doelkolom>``: BMI-z-score;
        - ``<doelkolom>_referentie``: naam en versie van de referentie;
        - ``<doelkolom>_reden_ontbrekend``: reden als de z-score ontbreekt, anders leeg.

    Notes
    -----
    Zie :func:`bmi_z` voor formule, interpolatie, leeftijdsbereik en staartregel. De volgorde
    van de rijen heeft geen invloed op de uitkomst (rij voor rij berekend).
    """
    if not isinstance(referentie, Referentie):
        raise TypeError(
            "Een tabel krijgt z-scores van precies één referentie; geef één Referentie, geen lijst."
        )
    if doelkolom in metingen.columns:
        raise ValueError(
            f"Kolom {doelkolom!r} bestaat al. Hernoem de geleverde z-score eerst (bijvoorbeeld "
            f"naar 'bmi_z_geleverd') of kies een andere doelkolom."
        )
    for kolom in (leeftijd_kolom, geslacht_kolom):
        if kolom not in metingen.columns:
            raise ValueError(f"Kolom {kolom!r} ontbreekt in metingen.")
    uit = metingen.copy()
    leeg = pd.Series(np.nan, index=uit.index)
    ruw = pd.Series(
        bereken_bmi(uit.get("gewicht_kg", leeg), uit.get("lengte_cm", leeg)), index=uit.index
    )
    if "bmi" in uit.columns:
        geleverd = pd.to_numeric(uit["bmi"]).astype(float)
        uit["bmi_geleverd"] = geleverd
    else:
        geleverd = leeg
    bmi_gebruikt = ruw.where(ruw.notna(), geleverd)
    bron = np.where(ruw.notna(), "gewicht en lengte", np.where(geleverd.notna(), "geleverd", ""))
    res = bmi_z(
        bmi_gebruikt,
        leeftijd_jaren=pd.to_numeric(uit[leeftijd_kolom]).astype(float),
        geslacht=uit[geslacht_kolom],
        referentie=referentie,
    )
    uit["bmi"] = bmi_gebruikt
    uit["bmi_bron"] = pd.Series(bron, index=uit.index, dtype="str")
    uit[doelkolom] = res["bmi_z"]
    uit[f"{doelkolom}_referentie"] = res["referentie"]
    uit[f"{doelkolom}_reden_ontbrekend"] = res["reden_ontbrekend"]
    return uit


def controleer_een_referentie(referenties: pd.Series | npt.ArrayLike) -> str | None:
    """Controleer dat een tabel z-scores van hooguit één referentie bevat.

    Parameters
    ----------
    referenties : pandas.Series or array-like
        De referentiekolom (bijv. ``bmi_z_referentie``) van een tabel.

    Returns
    -------
    str or None
        Het label van de ene referentie, of ``None`` als de kolom leeg is.

    Raises
    ------
    GemengdeReferentiesFout
        Als er meer dan één verschillende (niet-lege) referentie in staat.
    """
    waarden = pd.Series(np.asarray(referenties, dtype=object).ravel())
    waarden = waarden[waarden.notna() & (waarden.astype(str).str.strip() != "")]
    uniek = sorted({str(w) for w in waarden})
    if len(uniek) > 1:
        raise GemengdeReferentiesFout(
            "De tabel bevat z-scores van meer dan één groeireferentie: "
            f"{', '.join(uniek)}. Bereken alle z-scores binnen één analyse met dezelfde "
            "referentie."
        )
    return uniek[0] if uniek else None


def bmi_z_overeenstemming(
    bmi_z_geleverd: pd.Series,
    bmi_z_berekend: pd.Series,
    tolerantie: float = 0.1,
) -> pd.DataFrame:
    """Rijen waar de geleverde BMI-z-score afwijkt van de zelf berekende.

    Parameters
    ----------
    bmi_z_geleverd, bmi_z_berekend : pandas.Series
        Op dezelfde index (dezelfde metingen).
    tolerantie : float, default 0.1
        Een absoluut verschil groter dan deze waarde telt als afwijking.

    Returns
    -------
    pandas.DataFrame
        Alleen de afwijkende rijen, met de index van de invoer (koppel zo ``pseudo_id`` en
        ``meetmoment`` terug). Rij-niveau: blijft intern (datakwaliteit). Kolommen:

        - ``bmi_z_geleverd``, ``bmi_z_berekend``;
        - ``verschil``: geleverd − berekend;
        - ``probleem``: ``"verschil groter dan tolerantie"`` of
          ``"geleverd, maar niet te berekenen"``.

    Notes
    -----
    Een ontbrekende geleverde waarde bij een wel berekende z-score is geen afwijking (niet
    elke regio levert z-scores). Vergeleken met een marge van 1e-9 boven de tolerantie, zodat
    een verschil van precies de tolerantie niet door afrondfouten als afwijking telt.
    """
    if tolerantie < 0:
        raise ValueError("tolerantie moet >= 0 zijn.")
    if not bmi_z_geleverd.index.equals(bmi_z_berekend.index):
        raise ValueError("bmi_z_geleverd en bmi_z_berekend moeten dezelfde index hebben.")
    gel = pd.to_numeric(bmi_z_geleverd).astype(float)
    ber = pd.to_numeric(bmi_z_berekend).astype(float)
    verschil = gel - ber
    te_groot = verschil.abs() > tolerantie + 1e-9
    niet_berekend = gel.notna() & ber.isna()
    probleem = pd.Series("", index=gel.index, dtype="str")
    probleem[te_groot] = "verschil groter dan tolerantie"
    probleem[niet_berekend] = "geleverd, maar niet te berekenen"
    masker = te_groot | niet_berekend
    return pd.DataFrame(
        {
            "bmi_z_geleverd": gel[masker],
            "bmi_z_berekend": ber[masker],
            "verschil": verschil[masker],
            "probleem": probleem[masker],
        }
    )


# --------------------------------------------------------------------------------------------
# Gewichtsstatus
# --------------------------------------------------------------------------------------------


def gewichtsstatus(
    bmi: npt.ArrayLike | pd.Series,
    leeftijd_jaren: npt.ArrayLike | pd.Series,
    geslacht: npt.ArrayLike | pd.Series,
    iotf: IotfGrenzen | None,
) -> pd.DataFrame:
    """Gewichtsstatus: IOTF voor 2-18 jaar, vaste BMI-grenzen vanaf 18 jaar.

    Parameters
    ----------
    bmi : array-like
        BMI in kg/m².
    leeftijd_jaren : array-like
        Decimale leeftijd op de meetdatum.
    geslacht : array-like
        ``"man"`` of ``"vrouw"`` (nodig voor kinderen; voor volwassenen niet gebruikt).
    iotf : IotfGrenzen or None
        Uit :func:`laad_iotf`. ``None`` als de IOTF-tabellen niet beschikbaar zijn: volwassenen
        krijgen dan wel een status, kinderen (2-18 jaar) niet, met als reden dat de
        IOTF-afkappunten niet geladen zijn.

    Returns
    -------
    pandas.DataFrame
        Eén rij per invoerrij (index van de invoer als die een Series was):

        - ``gewichtsstatus``: geordende categorie uit :data:`CATEGORIEEN_GEWICHTSSTATUS`;
        - ``gewichtsstatus_hoofdgroep``: ondergewicht / gezond gewicht / overgewicht /
          obesitas (graden samengevoegd; 'ernstige obesitas' valt onder obesitas);
        - ``gewichtsstatus_methode``: ``"IOTF (Cole 2000, 2007)"`` of
          ``"BMI-grenzen volwassenen (WHO)"``;
        - ``reden_ontbrekend``: reden als de status ontbreekt, anders leeg.

    Notes
    -----
    Kinderen van 2 tot 18 jaar: de IOTF-afkappunten (BMI die op 18 jaar uitkomt op 16, 17,
    18,5, 25 en 30) worden lineair geïnterpoleerd tussen de halve jaren. BMI onder het
    graad-3-afkappunt: ernstig ondergewicht (graad 3); onder graad 2: matig ondergewicht
    (graad 2); onder graad 1: licht ondergewicht (graad 1); onder het overgewichtpunt: gezond
    gewicht; onder het obesitaspunt: overgewicht; anders obesitas. Een BMI precies op een
    afkappunt valt in de hogere categorie (IOTF: "BMI >= afkappunt").

    Vanaf 18 jaar: < 18,5 ondergewicht, < 25 gezond gewicht, < 30 overgewicht, < 40
    obesitas, >= 40 ernstige obesitas. Op precies 18 jaar geven beide methoden dezelfde grenzen.

    Benamingen: 'ondergewicht', 'gezond gewicht', 'overgewicht' en 'obesitas' volgen de
    JGZ-richtlijn Overgewicht; IOTF's 'obesity' (ook wel 'ernstig overgewicht') heet hier
    obesitas. De graden van ondergewicht volgen Cole (2007): thinness grade 3/2/1. De
    hoofdgroep 'ondergewicht' omvat graad 1-3 (BMI < 18,5 op 18 jaar), gelijk aan de grens
    voor volwassenen. Let op: de JGZ-richtlijn Ondergewicht (2019) spreekt bij kinderen pas
    van ondergewicht onder de grens die op 18 jaar uitkomt op BMI 17,0 (graad 2 en 3); wie die
    definitie nodig heeft, telt alleen graad 2 en 3 via de kolom ``gewichtsstatus``.
    Jonger dan 2 jaar of onbekend geslacht bij een kind: geen status, met reden.
    """
    bmi_arr = _als_array(bmi, "bmi")
    leeftijd = _als_array(leeftijd_jaren, "leeftijd_jaren")
    sekse_ruw = np.asarray(geslacht, dtype=object).ravel()
    n = bmi_arr.shape[0]
    if leeftijd.shape[0] != n or sekse_ruw.shape[0] != n:
        raise ValueError("bmi, leeftijd_jaren en geslacht moeten even lang zijn.")
    index = _index_van(bmi, leeftijd_jaren, geslacht, lengte=n)
    sekse = _normaliseer_geslacht(sekse_ruw)

    status = np.full(n, None, dtype=object)
    methode = np.full(n, "", dtype=object)
    reden = np.full(n, "", dtype=object)
    leeftijd_r = np.round(leeftijd, 9)
    geldig_bmi = np.isfinite(bmi_arr) & (bmi_arr > 0)

    volwassen = geldig_bmi & (leeftijd_r >= 18)
    b = bmi_arr[volwassen]
    status[volwassen] = np.select(
        [b < 18.5, b < 25, b < 30, b < 40],
        [_ONDERGEWICHT, _GEZOND, _OVERGEWICHT, _OBESITAS],
        _ERNSTIGE_OBESITAS,
    )
    methode[volwassen] = _METHODE_VOLWASSENEN

    kolommen = list(_IOTF_KOLOMMEN.values())[1:]
    for g in _GESLACHTEN if iotf is not None else ():
        tabel = iotf.tabellen[g]
        masker = geldig_bmi & (sekse == g) & (leeftijd_r >= 2) & (leeftijd_r < 18)
        if not masker.any():
            continue
        afkap = {k: np.interp(leeftijd_r[masker], tabel["leeftijd"], tabel[k]) for k in kolommen}
        b = bmi_arr[masker]
        status[masker] = np.select(
            [
                b < afkap["ondergewicht_graad3"],
                b < afkap["ondergewicht_graad2"],
                b < afkap["ondergewicht_graad1"],
                b < afkap["overgewicht"],
                b < afkap["obesitas"],
            ],
            [
                _ERNSTIG_ONDERGEWICHT,
                _MATIG_ONDERGEWICHT,
                _LICHT_ONDERGEWICHT,
                _GEZOND,
                _OVERGEWICHT,
            ],
            _OBESITAS,
        )
        methode[masker] = _METHODE_IOTF

    ruw_ontbreekt = pd.isna(pd.Series(sekse_ruw)).to_numpy()
    for i in range(n):
        if status[i] is not None:
            continue
        if not geldig_bmi[i]:
            reden[i] = "BMI ontbreekt of is niet positief"
        elif not np.isfinite(leeftijd[i]):
            reden[i] = "leeftijd ontbreekt"
        elif leeftijd_r[i] < 2:
            reden[i] = "jonger dan 2 jaar: geen IOTF-afkappunten"
        elif iotf is None:
            reden[i] = (
                f"IOTF-afkappunten niet geladen (geen map met groeireferenties, {CONFIG_SLEUTEL})"
            )
        else:
            reden[i] = (
                "geslacht ontbreekt"
                if ruw_ontbreekt[i]
                else "geslacht is niet 'man' of 'vrouw'; IOTF-afkappunten zijn geslachtsspecifiek"
            )
    cat = pd.Categorical(status, categories=list(CATEGORIEEN_GEWICHTSSTATUS), ordered=True)
    hoofd = pd.Categorical(
        [_NAAR_HOOFDGROEP.get(s) if s is not None else None for s in status],
        categories=list(CATEGORIEEN_HOOFDGROEP),
        ordered=True,
    )
    return pd.DataFrame(
        {
            "gewichtsstatus": cat,
            "gewichtsstatus_hoofdgroep": hoofd,
            "gewichtsstatus_methode": pd.Series(methode, dtype="str").to_numpy(),
            "reden_ontbrekend": pd.Series(reden, dtype="str").to_numpy(),
        },
        index=index,
    )


def voeg_gewichtsstatus_toe(
    metingen: pd.DataFrame,
    iotf: IotfGrenzen | None,
    *,
    leeftijd_kolom: str = "leeftijd_jaren",
    geslacht_kolom: str = "geslacht",
) -> pd.DataFrame:
    """Voeg gewichtsstatus toe aan een tabel met ``bmi``, leeftijd en geslacht.

    Returns
    -------
    pandas.DataFrame
        Kopie van ``metingen`` met ``gewichtsstatus``, ``gewichtsstatus_hoofdgroep``,
        ``gewichtsstatus_methode`` en ``gewichtsstatus_reden_ontbrekend``
        (zie :func:`gewichtsstatus`).
    """
    for kolom in ("bmi", leeftijd_kolom, geslacht_kolom):
        if kolom not in metingen.columns:
            raise ValueError(f"Kolom {kolom!r} ontbreekt in metingen.")
    res = gewichtsstatus(
        pd.to_numeric(metingen["bmi"]).astype(float),
        pd.to_numeric(metingen[leeftijd_kolom]).astype(float),
        metingen[geslacht_kolom],
        iotf,
    )
    uit = metingen.copy()
    for kolom in ("gewichtsstatus", "gewichtsstatus_hoofdgroep", "gewichtsstatus_methode"):
        uit[kolom] = res[kolom]
    uit["gewichtsstatus_reden_ontbrekend"] = res["reden_ontbrekend"]
    return uit


def gewichtsstatus_overgangen(
    metingen: pd.DataFrame,
    van: str = "T0",
    naar: str = "T1",
    *,
    kolom: str = "gewichtsstatus",
) -> pd.DataFrame:
    """Kruistabel van gewichtsstatus tussen twee meetmomenten, als lange tabel met aantallen.

    Parameters
    ----------
    metingen : pandas.DataFrame
        Lang: één rij per ``pseudo_id`` x ``meetmoment``, met de kolom ``kolom``.
    van, naar : str
        Meetmomenten, bijvoorbeeld ``"T0"`` en ``"T1"``.
    kolom : {"gewichtsstatus", "gewichtsstatus_hoofdgroep"}
        Welke indeling. De hoofdgroep (4 categorieën) geeft minder kleine cellen en is
        vergelijkbaar over de grens van 18 jaar heen.

    Returns
    -------
    pandas.DataFrame
        Eén rij per combinatie van categorieën (ook als het aantal 0 is), in de volgorde van de
        categorieën:

        - ``meetmoment_van``, ``meetmoment_naar``;
        - ``status_van``, ``status_naar``;
        - ``n``: aantal deelnemers met status ``status_van`` op ``van`` en ``status_naar`` op
          ``naar``.

    Notes
    -----
    Alleen deelnemers met een bekende status op beide meetmomenten tellen mee (complete
    paren); de som van ``n`` is het aantal complete paren. Uitval en ontbrekende metingen
    worden elders beschreven. Aantallen zijn nog niet beschermd tegen onthulling: de tabel
    moet door de stap voor onthullingscontrole (kolom ``n``).
    """
    if kolom == "gewichtsstatus":
        categorieen = list(CATEGORIEEN_GEWICHTSSTATUS)
    elif kolom == "gewichtsstatus_hoofdgroep":
        categorieen = list(CATEGORIEEN_HOOFDGROEP)
    else:
        raise ValueError("kolom moet 'gewichtsstatus' of 'gewichtsstatus_hoofdgroep' zijn.")
    for k in ("pseudo_id", "meetmoment", kolom):
        if k not in metingen.columns:
            raise ValueError(f"Kolom {k!r} ontbreekt in metingen.")
    rijen_mm = metingen["meetmoment"].isin([van, naar])
    deel = metingen.loc[rijen_mm, ["pseudo_id", "meetmoment", kolom]]
    dubbel = deel.duplicated(["pseudo_id", "meetmoment"])
    if dubbel.any():
        raise ValueError(
            f"{int(dubbel.sum())} dubbele combinatie(s) van pseudo_id en meetmoment; "
            "verwacht één rij per deelnemer per meetmoment."
        )
    status = deel[kolom].astype(object)
    onbekend = set(status.dropna()) - set(categorieen)
    if onbekend:
        raise ValueError(f"Onbekende categorieën in {kolom!r}: {sorted(map(str, onbekend))}.")
    breed = deel.assign(_s=status).pivot(index="pseudo_id", columns="meetmoment", values="_s")
    for m in (van, naar):
        if m not in breed.columns:
            breed[m] = None
    paren = breed[[van, naar]].dropna()
    tellingen = paren.groupby([van, naar]).size()
    rijen = [
        {
            "meetmoment_van": van,
            "meetmoment_naar": naar,
            "status_van": a,
            "status_naar": b,
            "n": int(tellingen.get((a, b), 0)),
        }
        for a in categorieen
        for b in categorieen
    ]
    uit = pd.DataFrame(rijen)
    uit["n"] = uit["n"].astype("int64")
    return uit
