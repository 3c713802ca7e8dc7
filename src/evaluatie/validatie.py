"""Validation of a region's input tables against the data dictionary.

Four layers, all collected before anything is reported:

0. identifiers inside values: every text and id column is scanned by
   :mod:`evaluatie.identificatie` (BSN, e-mail, phone number, postcode, IBAN, a full
   date where only a year is allowed); a finding names the cell and never its value;
1. types: every value is parsed by the type the dictionary gives it (number with the
   file's decimal mark, integer, ISO or configured date); a value that does not parse
   is a finding, never a silent missing value; a date after the config's peildatum is
   a finding too;
2. field and key constraints (required, range, allowed values, pattern, unique,
   primary key), checked with pandera from a schema built out of the dictionary;
3. cross-table rules: foreign keys, dates in order, status consistent with dates and
   reasons, measurements only for participants who started.

:func:`lees_en_valideer` returns typed tables, or raises
:class:`~evaluatie.fouten.ValidatieFout` with every finding (file, row, column, value,
rule).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from evaluatie import identificatie, woordenboek
from evaluatie.fouten import Bevinding, ConfigFout, ValidatieFout
from evaluatie.inlezen import Bron, lees_bron

log = logging.getLogger("evaluatie")

_GETAL = re.compile(r"^[+-]?(\d+([.]\d*)?|[.]\d+)([eE][+-]?\d+)?$")
_GETAL_KOMMA = re.compile(r"^[+-]?(\d{1,3}([.]\d{3})+|\d+)(,\d+)?$")


@dataclass
class Resultaat:
    """Typed, validated tables and what a data-quality summary needs to know of them."""

    tabellen: dict[str, pd.DataFrame]
    bronnen: dict[str, Bron]
    #: accepted with a warning (counts only, never values), e.g. numeric pseudonyms
    #: that pass the 11-proef under ``data.pseudoniemen.negen_cijfers``
    waarschuwingen: list[str] = field(default_factory=list)


def _leeg(waarde: Any) -> bool:
    if waarde is None:
        return True
    if isinstance(waarde, float) and np.isnan(waarde):
        return True
    if waarde is pd.NaT or waarde is pd.NA:
        return True
    return isinstance(waarde, str) and waarde.strip() == ""


def typeer_kolom(
    waarden: pd.Series, veld: woordenboek.Veld, bron: Bron, bevindingen: list[Bevinding]
) -> pd.Series:
    """Parse one column by its dictionary type; unparseable values become findings.

    Values that a reader already typed (numbers and dates from XLSX, SAV or Parquet)
    are taken as they are; text is parsed with the file's decimal mark and date format.
    """
    leeg = waarden.map(_leeg).to_numpy(bool)
    tekst = waarden.map(lambda x: x.strip() if isinstance(x, str) else None)
    is_tekst = tekst.notna().to_numpy(bool) & ~leeg
    fout = np.zeros(len(waarden), dtype=bool)
    if veld.type in ("number", "integer"):
        uit = np.full(len(waarden), np.nan)
        natief = ~leeg & ~is_tekst
        getallen = pd.to_numeric(
            waarden[natief].map(lambda x: np.nan if isinstance(x, bool) else x), errors="coerce")
        uit[natief] = getallen.to_numpy(float)
        fout[natief] = getallen.isna().to_numpy(bool)
        t = tekst[is_tekst].astype(str)
        if bron.decimaal == ",":
            goed = t.str.match(_GETAL_KOMMA.pattern)
            t = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            goed = t.str.match(_GETAL.pattern)
        waarden_t = pd.to_numeric(t.where(goed), errors="coerce")
        uit[is_tekst] = waarden_t.to_numpy(float)
        fout[is_tekst] = ~goed.to_numpy(bool)
        notatie = "decimale komma" if bron.decimaal == "," else "decimale punt"
        regel = np.where(fout, f"geen getal (verwacht: getal met {notatie})", "")
        if veld.type == "integer":
            niet_geheel = ~fout & ~np.isnan(uit) & (np.mod(np.nan_to_num(uit), 1) != 0)
            regel = np.where(niet_geheel, "geen geheel getal", regel)
            fout |= niet_geheel
            uit[niet_geheel] = np.nan
            reeks = pd.Series(uit, index=waarden.index).astype("Int64")
        else:
            reeks = pd.Series(uit, index=waarden.index)
    elif veld.type == "date":
        uit = pd.Series(pd.NaT, index=waarden.index, dtype="datetime64[ns]")
        natief = ~leeg & ~is_tekst
        if natief.any():
            d = pd.to_datetime(waarden[natief].map(lambda x: x if hasattr(x, "year") else None),
                               errors="coerce")
            uit[natief] = d.dt.normalize().to_numpy()
            fout[natief] = d.isna().to_numpy(bool)
        formaat = bron.datumformaat or "%Y-%m-%d"
        try:
            d = pd.to_datetime(tekst[is_tekst].astype(str), format=formaat, errors="coerce")
        except ValueError as e:
            bevindingen.append(Bevinding(
                str(bron.bestand), None, bron.lokale_naam(veld.naam), None,
                f"datumformaat {formaat!r} is ongeldig ({' '.join(str(e).split())[:120]}); "
                "gebruik strftime-codes zoals %d-%m-%Y"))
            return uit
        if not bron.datumformaat:  # ISO must be exactly JJJJ-MM-DD, not 2024-1-5
            d = d.where(tekst[is_tekst].astype(str).str.match(r"^\d{4}-\d{2}-\d{2}$"))
        uit[is_tekst] = d.to_numpy()
        fout[is_tekst] = d.isna().to_numpy(bool)
        reeks = uit
        regel = np.where(fout, f"geen geldige datum (verwacht: {bron.datumformaat or 'JJJJ-MM-DD'})",
                         "")
    else:
        reeks = pd.Series(
            [pd.NA if leeg[i] else _tekst(x) for i, x in enumerate(waarden)],
            index=waarden.index, dtype="string",
        )
        regel = np.full(len(waarden), "")
    kolom = bron.lokale_naam(veld.naam)
    for rij, x, r in zip(waarden.index[fout], waarden[fout], regel[fout], strict=True):
        bevindingen.append(Bevinding(str(bron.bestand), int(rij), kolom, _waarde(x), str(r)))
    return reeks


def _tekst(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x).strip()


def _pandera_schema(tabel: woordenboek.Tabel, config_codes: Mapping[str, list[str]]) -> pa.DataFrameSchema:
    kolommen = {}
    for v in tabel.velden:
        checks = []
        if v.minimum is not None:
            checks.append(pa.Check.ge(v.minimum, error=f"kleiner dan het minimum {v.minimum}"))
        if v.maximum is not None:
            checks.append(pa.Check.le(v.maximum, error=f"groter dan het maximum {v.maximum}"))
        toegestaan = v.toegestaan
        if v.enum_uit_config:
            toegestaan = tuple(config_codes.get(v.enum_uit_config, ()))
        if toegestaan is not None:
            checks.append(pa.Check.isin(
                list(toegestaan), error="onbekende code; toegestaan: " + ", ".join(toegestaan)
            ))
        if v.patroon:
            checks.append(pa.Check.str_matches(v.patroon, error=f"voldoet niet aan patroon {v.patroon}"))
        kolommen[v.naam] = pa.Column(
            checks=checks, nullable=not v.verplicht, unique=v.uniek, required=False, coerce=False
        )
    # composite keys are checked by `_controleer_sleutel`, which names both rows
    return pa.DataFrameSchema(kolommen, strict=False, coerce=False)


def _controleer_sleutel(df: pd.DataFrame, tabel: woordenboek.Tabel, bron: Bron,
                        bevindingen: list[Bevinding]) -> None:
    if len(tabel.sleutel) < 2 or not all(k in df for k in tabel.sleutel):
        return
    sleutel = list(tabel.sleutel)
    dubbel = df[df.duplicated(sleutel, keep=False) & df[sleutel].notna().all(axis=1)]
    if dubbel.empty:
        return
    kolommen = ", ".join(bron.lokale_naam(k) for k in sleutel)
    for _, groep in dubbel.groupby(sleutel, sort=False):
        rijen = [int(r) for r in groep.index]
        waarde = ", ".join(str(_waarde(groep.iloc[0][k])) for k in sleutel)
        for r in rijen:
            anderen = ", ".join(str(x) for x in rijen if x != r)
            bevindingen.append(Bevinding(
                str(bron.bestand), r, kolommen, f"({waarde})",
                f"dubbele sleutel ({', '.join(sleutel)}); komt ook voor in rij {anderen}",
            ))


def _regel_uit_pandera(check: str, kolom: str, tabel: woordenboek.Tabel) -> str:
    if check == "not_nullable":
        return "verplicht veld is leeg"
    if check == "field_uniqueness":
        return "waarde komt vaker voor, maar moet uniek zijn"
    if check == "multiple_fields_uniqueness":
        return "dubbele sleutel (" + ", ".join(tabel.sleutel) + ") komt vaker voor"
    return check


def controleer_velden(
    df: pd.DataFrame, tabel: woordenboek.Tabel, bron: Bron,
    config_codes: Mapping[str, list[str]], bevindingen: list[Bevinding],
) -> None:
    """Field constraints and keys, via pandera; failures become findings."""
    schema = _pandera_schema(tabel, config_codes)
    _controleer_sleutel(df, tabel, bron, bevindingen)
    # a cell that failed to parse is already reported; don't report it again as empty
    al_gemeld = {(b.rij, b.kolom) for b in bevindingen if b.bestand == str(bron.bestand)}
    # a column with a problem of its own (an invalid datumformaat) is not also empty per row
    kolom_gemeld = {k for r, k in al_gemeld if r is None}
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        fc = e.failure_cases
        for _, r in fc.iterrows():
            kolom = r["column"] if isinstance(r["column"], str) else None
            if r["check"] == "multiple_fields_uniqueness":
                kolom = ", ".join(bron.lokale_naam(k) for k in tabel.sleutel)
            check = str(r["check"])
            regel = _regel_uit_pandera(check, kolom or "", tabel)
            # pandera puts the custom error text in check; fall back to its own name
            rij = r["index"]
            if check == "not_nullable" and ((rij, bron.lokale_naam(kolom)) in al_gemeld
                                            or bron.lokale_naam(kolom) in kolom_gemeld):
                continue
            bevindingen.append(Bevinding(
                str(bron.bestand),
                int(rij) if pd.notna(rij) else None,
                bron.lokale_naam(kolom) if kolom and "," not in kolom else kolom,
                None if check in ("not_nullable",) else _waarde(r["failure_case"]),
                regel,
            ))


def _waarde(x: Any) -> Any:
    if isinstance(x, pd.Timestamp):
        return x.strftime("%Y-%m-%d")
    if isinstance(x, (np.floating, float)) and float(x).is_integer():
        return int(x)
    if isinstance(x, np.generic):
        return x.item()
    return x


def _vind(b: Bron, rijen: pd.Index, kolom: str, waarden: pd.Series | None, regel: str,
          bevindingen: list[Bevinding]) -> None:
    for rij in rijen:
        w = _waarde(waarden.loc[rij]) if waarden is not None else None
        bevindingen.append(Bevinding(str(b.bestand), int(rij), b.lokale_naam(kolom), w, regel))


def controleer_samenhang(
    tabellen: dict[str, pd.DataFrame], bronnen: dict[str, Bron], bevindingen: list[Bevinding],
    schemas: dict[str, woordenboek.Tabel] | None = None,
) -> None:
    """Cross-table and within-row rules that a per-field schema cannot express."""
    schemas = schemas or woordenboek.tabellen()
    for naam, df in tabellen.items():
        b = bronnen[naam]
        t = schemas[naam]
        # dates in order within a row
        for v in t.velden:
            if v.niet_voor and v.naam in df and v.niet_voor in df:
                fout = df[v.naam] < df[v.niet_voor]
                _vind(b, df.index[fout.fillna(False).to_numpy(bool)], v.naam, df[v.naam],
                      f"ligt vóór {b.lokale_naam(v.niet_voor)}", bevindingen)
        # foreign keys
        for velden, doel, doelvelden in t.verwijzingen:
            if doel not in tabellen:
                continue
            bekend = set(tabellen[doel][doelvelden[0]].dropna())
            onbekend = ~df[velden[0]].isin(bekend) & df[velden[0]].notna()
            _vind(b, df.index[onbekend.to_numpy(bool)], velden[0], df[velden[0]],
                  f"onbekend in {doel}", bevindingen)

    d = tabellen.get("deelnemers")
    if d is not None:
        b = bronnen["deelnemers"]
        regels = [
            (d["status"].eq("uitgevallen") & d["reden_uitval"].isna(), "reden_uitval",
             "verplicht als status 'uitgevallen' is"),
            (d["status"].ne("uitgevallen") & d["reden_uitval"].notna() & d["status"].notna(),
             "reden_uitval", "mag alleen ingevuld zijn als status 'uitgevallen' is"),
            (d["status"].isin(["gestart", "afgerond", "uitgevallen"]) & d["startdatum"].isna(),
             "startdatum", "verplicht bij status gestart, afgerond of uitgevallen"),
            (d["status"].eq("aangemeld") & d["startdatum"].notna(), "startdatum",
             "hoort leeg te zijn bij status 'aangemeld'"),
            (d["status"].isin(["afgerond", "uitgevallen"]) & d["einddatum"].isna(), "einddatum",
             "verplicht bij status afgerond of uitgevallen"),
            (d["status"].isin(["aangemeld", "gestart"]) & d["einddatum"].notna(), "einddatum",
             "hoort leeg te zijn zolang de deelnemer niet is afgerond of uitgevallen"),
        ]
        for masker, kolom, regel in regels:
            _vind(b, d.index[masker.fillna(False).to_numpy(bool)], kolom, d[kolom], regel,
                  bevindingen)

        m = tabellen.get("metingen")
        if m is not None:
            bm = bronnen["metingen"]
            # reindex, not map: Series.map with an empty datetime mapper raises (pandas 3)
            per_id = d.dropna(subset=["pseudo_id"]).drop_duplicates("pseudo_id").set_index(
                "pseudo_id")["startdatum"]
            start = pd.Series(per_id.reindex(m["pseudo_id"]).to_numpy(), index=m.index,
                              dtype="datetime64[ns]")
            voor_start = (m["meetdatum"] < start).fillna(False)
            _vind(bm, m.index[voor_start.to_numpy(bool)], "meetdatum", m["meetdatum"],
                  "ligt vóór de startdatum van de deelnemer", bevindingen)
            niet_gestart = m["pseudo_id"].isin(d["pseudo_id"]) & start.isna()
            _vind(bm, m.index[niet_gestart.to_numpy(bool)], "pseudo_id", m["pseudo_id"],
                  "meting bij een deelnemer zonder startdatum", bevindingen)
            # later meetmoment must not have an earlier date
            mm = m.dropna(subset=["meetmoment", "meetdatum"]).copy()
            mm["_nr"] = mm["meetmoment"].str[1:].astype(int)
            mm = mm.sort_values(["pseudo_id", "_nr"])
            vorige = mm.groupby("pseudo_id")["meetdatum"].shift()
            terug = (mm["meetdatum"] < vorige).fillna(False)
            _vind(bm, mm.index[terug.to_numpy(bool)], "meetdatum", mm["meetdatum"],
                  "ligt vóór de datum van het vorige meetmoment", bevindingen)


def controleer_identificatie(waarden: pd.Series, veld: woordenboek.Veld, bron: Bron,
                             bevindingen: list[Bevinding], waarschuwingen: list[str],
                             pseudoniemen_negen_cijfers: bool = False) -> None:
    """Identifiers inside the values of one column become findings, without their value.

    A pseudonym column (``x-pseudoniem``) whose values are only 8 or 9 digits and pass
    the 11-proef is accepted when the config says the pseudonyms are 9-digit numbers
    (``data.pseudoniemen.negen_cijfers``), with one warning per column that gives the
    count, never a value.
    """
    t = identificatie.zoek(waarden, alleen_jaar=veld.alleen_jaar)
    if not t:
        return
    kolom = bron.lokale_naam(veld.naam)
    rijen = waarden.index
    for regel, masker in t.regels.items():
        tekst = identificatie.REGELS[regel]
        if regel in ("bsn", "bsn8", "mobiel9") and veld.pseudoniem:
            if pseudoniemen_negen_cijfers:
                toegestaan = masker & t.alleen_cijfers
                k = int(toegestaan.sum())
                if k:
                    n = int(waarden.map(lambda x: not _leeg(x)).sum())
                    wat, kans = {"mobiel9": ("zijn negen cijfers die met 6 beginnen, zoals een "
                                             "mobiel nummer zonder 0", "11%"),
                                 }.get(regel, ("doorstaan de 11-proef voor een BSN", "9%"))
                    waarschuwingen.append(
                        f"{bron.bestand}, kolom '{kolom}': {k} van de {n} pseudoniemen "
                        f"({k / max(n, 1):.1%}) {wat}; toegestaan omdat "
                        "data.pseudoniemen.negen_cijfers aan staat (bij willekeurige getallen "
                        f"van negen cijfers is dat ongeveer {kans})")
                masker = masker & ~t.alleen_cijfers
            else:
                tekst += ("; zijn de pseudoniemen getallen van negen cijfers, zet dan "
                          "`data.pseudoniemen: {negen_cijfers: true}` in de configuratie")
        for rij in rijen[masker]:
            bevindingen.append(Bevinding(str(bron.bestand), int(rij), kolom, None, tekst,
                                         identificerend=True))


def _peil(peildatum: Any) -> pd.Timestamp | None:
    if peildatum is None or peildatum == "":
        return None
    try:
        return pd.Timestamp(peildatum).normalize()
    except (ValueError, TypeError) as e:
        raise ConfigFout(f"peildatum {str(peildatum)[:40]!r} is geen geldige datum "
                         "(verwacht: JJJJ-MM-DD)") from e


def lees_en_valideer(data_config: dict[str, Any], config_codes: Mapping[str, list[str]],
                     basis: Path | None = None,
                     extra_velden: dict[str, list[dict[str, Any]]] | None = None,
                     peildatum: Any = None) -> Resultaat:
    """Read, type and validate every configured table.

    Parameters
    ----------
    data_config
        The ``data`` section of the config: ``map`` and ``tabellen`` (per table
        ``bestand`` and optional ``kolommen``, ``codes``, ``datumformaat``,
        ``scheidingsteken``, ``decimaal``, ``encoding``, ``blad``, ``negeer_kolommen``),
        and optionally ``pseudoniemen: {negen_cijfers: true}``.
    config_codes
        Code lists that the dictionary takes from the config (``interventies``).
    basis
        Directory that relative paths are resolved against (default: working directory).
    extra_velden
        Fields that extension analyses add to dictionary tables (``EXTRA_VELDEN``).
    peildatum
        The config's ``peildatum``: every date after it is a finding. ``None`` (only
        where there is no config, as in unit tests) skips that check.

    Returns
    -------
    Resultaat
        Typed tables (dictionary column order; optional columns that were absent are
        present and empty), the sources they came from and the warnings.

    Raises
    ------
    ValidatieFout
        With every finding, when any rule is broken. Nothing is dropped or repaired.
        Identifiers in values are findings too (:mod:`evaluatie.identificatie`); no
        finding shows them.
    """
    peil = _peil(peildatum)
    negen_cijfers = bool((data_config.get("pseudoniemen") or {}).get("negen_cijfers", False))
    waarschuwingen: list[str] = []
    schemas = woordenboek.met_extra_velden(woordenboek.tabellen(), extra_velden or {})
    map_ = Path(data_config.get("map", "."))
    if basis is not None and not map_.is_absolute():
        map_ = basis / map_
    bevindingen: list[Bevinding] = []
    bronnen: dict[str, Bron] = {}
    tabellen: dict[str, pd.DataFrame] = {}
    specs = data_config.get("tabellen", {})
    for naam, t in schemas.items():
        if naam not in specs:
            if t.verplicht:
                bevindingen.append(Bevinding(str(map_), None, None, None,
                                             f"verplichte tabel '{naam}' ontbreekt in de configuratie"))
            continue
        spec = specs[naam]
        bron = lees_bron(naam, map_ / spec["bestand"], spec, t.kolommen, bevindingen)
        if bron is None:
            continue
        bronnen[naam] = bron
        df = bron.data
        getypeerd = {}
        for v in t.velden:
            if v.naam in df.columns:
                if v.type == "string" or v.alleen_jaar or v.pseudoniem:
                    controleer_identificatie(df[v.naam], v, bron, bevindingen, waarschuwingen,
                                             negen_cijfers)
                getypeerd[v.naam] = typeer_kolom(df[v.naam], v, bron, bevindingen)
                if v.type == "date" and peil is not None:
                    na = (getypeerd[v.naam] > peil).fillna(False).to_numpy(bool)
                    _vind(bron, df.index[na], v.naam, getypeerd[v.naam],
                          f"ligt na de peildatum ({peil:%Y-%m-%d})", bevindingen)
            elif v.verplicht:
                bevindingen.append(Bevinding(str(bron.bestand), None, bron.lokale_naam(v.naam), None,
                                             "verplichte kolom ontbreekt"))
            else:
                dtype = _dtype(v)
                leeg_waarde = {"float64": np.nan, "datetime64[ns]": pd.NaT}.get(dtype, pd.NA)
                leeg = pd.Series(v.standaard if v.standaard is not None else leeg_waarde,
                                 index=df.index, dtype=dtype)
                getypeerd[v.naam] = leeg
        if any(v.verplicht and v.naam not in df.columns for v in t.velden):
            continue
        tabel_df = pd.DataFrame(getypeerd, index=df.index)
        controleer_velden(tabel_df, t, bron, config_codes, bevindingen)
        tabellen[naam] = tabel_df
    if not bevindingen:
        controleer_samenhang(tabellen, bronnen, bevindingen, schemas)
    elif "deelnemers" in tabellen:
        # still report cross-table problems when the field checks failed, as far as the
        # typed columns allow; they are part of one collected report
        try:
            controleer_samenhang(tabellen, bronnen, bevindingen, schemas)
        except (KeyError, ValueError, TypeError):
            pass
    if bevindingen:
        raise ValidatieFout(_uniek(bevindingen))
    for w in waarschuwingen:
        log.warning("%s", w)
    return Resultaat(tabellen={k: v.reset_index(drop=True) for k, v in tabellen.items()},
                     bronnen=bronnen, waarschuwingen=waarschuwingen)


def _uniek(bevindingen: list[Bevinding]) -> list[Bevinding]:
    gezien, uit = set(), []
    for b in bevindingen:
        sleutel = (b.bestand, b.rij, b.kolom, str(b.waarde), b.regel)
        if sleutel not in gezien:
            gezien.add(sleutel)
            uit.append(b)
    return uit


def _dtype(v: woordenboek.Veld) -> str:
    return {"number": "float64", "integer": "Int64", "date": "datetime64[ns]"}.get(v.type, "string")
