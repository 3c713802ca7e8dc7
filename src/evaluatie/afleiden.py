"""Derived measures: from validated input tables to analysis-ready tables.

Runs once per region, between validation and the analyses. Adds to ``metingen``:

- ``leeftijd_meting``: age in decimal years at the measurement date,
  ``leeftijd_start + (meetdatum − startdatum) / 365.25``;
- Positieve Gezondheid dimension scores from item responses (optional table ``pg_items``,
  see :func:`scoor_pg_items`), with ``pg_instrument`` naming the instrument version;
- ``pg_totaal``: mean of the six Positieve Gezondheid dimensions (missing when any
  dimension is missing);
- BMI, BMI z-score and weight status (:func:`leid_groei_af`): ``bmi``, ``bmi_bron``,
  ``bmi_z``, ``bmi_z_bron``, ``bmi_z_geleverd``, ``bmi_z_verschil``, ``bmi_z_referentie``,
  ``bmi_z_reden_ontbrekend``, ``gewichtsstatus``, ``gewichtsstatus_hoofdgroep``,
  ``gewichtsstatus_methode``, ``gewichtsstatus_reden_ontbrekend``.

Every derivation reports what it did in the data-quality summary
(:func:`leid_af` returns rows ``stap``, ``omschrijving``, ``n`` for
``publiceerbaar/afleiding.csv``), so nothing changes silently.

A BMI z-score is only computed when it is needed or asked for (settings under
``afgeleide_maten``, see ``workflow/schemas/onderdelen/afgeleide_maten.yaml``): the growth
references are not shipped, and a region that delivers ``bmi_z`` runs without them.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from evaluatie import beschrijving, groei
from evaluatie import positieve_gezondheid as pg
from evaluatie.fouten import EvaluatieFout

log = logging.getLogger("evaluatie")

#: Delivered and computed BMI (kg/m²) that differ more than this are counted as a discrepancy.
BMI_TOLERANTIE = 0.1

Rij = dict[str, Any]


def _nl(x: float) -> str:
    """A threshold in Dutch notation for the data-quality text (0.1 -> 0,1)."""
    return f"{x:g}".replace(".", ",")


def _rij(stap: str, omschrijving: str, n: int) -> Rij:
    return {"stap": stap, "omschrijving": omschrijving, "n": int(n)}


def leeftijd_bij_meting(metingen: pd.DataFrame, deelnemers: pd.DataFrame) -> pd.Series:
    """Age in decimal years at each measurement (days / 365.25 after the start)."""
    d = deelnemers.drop_duplicates("pseudo_id").set_index("pseudo_id")
    start = metingen["pseudo_id"].map(d["startdatum"])
    leeftijd = metingen["pseudo_id"].map(d["leeftijd_start"])
    return leeftijd + (metingen["meetdatum"] - start).dt.days / 365.25


# --------------------------------------------------------------------------------------------
# Positieve Gezondheid from items
# --------------------------------------------------------------------------------------------


def scoor_pg_items(metingen: pd.DataFrame, items: pd.DataFrame | None, config: dict[str, Any]
                   ) -> tuple[pd.DataFrame, list[Rij]]:
    """Score Positieve Gezondheid from item responses and merge the scores into ``metingen``.

    Parameters
    ----------
    metingen
        One row per ``pseudo_id`` x ``meetmoment``.
    items
        Table ``pg_items`` (long: ``pseudo_id``, ``meetmoment``, ``instrument``, ``item``,
        ``antwoord``) or ``None``.
    config
        Settings under ``afgeleide_maten.positieve_gezondheid``: ``minimum_items`` (None: the
        instrument's own), ``sta_onbevestigd_toe``, ``tolerantie``.

    Returns
    -------
    metingen, rows
        ``metingen`` with the instrument's score columns (e.g. ``pg_zingeving``) and
        ``pg_instrument`` (id and version, e.g. ``"pg42 2016 (42 vragen)"``); data-quality rows.

    Notes
    -----
    Scoring: :func:`evaluatie.positieve_gezondheid.scoor_positieve_gezondheid` (dimension =
    mean of the answered items when at least ``minimum_items`` are answered; total = mean of
    the dimensions). A score delivered in ``metingen`` is kept; where it is missing the score
    from the items fills it; where both exist they are compared
    (:func:`~evaluatie.positieve_gezondheid.controleer_pg_overeenstemming`) and differences
    above ``tolerantie`` are counted. Responses for a ``pseudo_id`` x ``meetmoment`` without a
    row in ``metingen`` are counted and not used.
    """
    if items is None or items.empty:
        return metingen, []
    inst = dict(config.get("afgeleide_maten", {}).get("positieve_gezondheid") or {})
    minimum = inst.get("minimum_items")
    onbevestigd = bool(inst.get("sta_onbevestigd_toe", False))
    tolerantie = float(inst.get("tolerantie", 0.05))
    m = metingen.copy()
    rijen: list[Rij] = []
    sleutel = ["pseudo_id", "meetmoment"]
    bekend = pd.MultiIndex.from_frame(m[sleutel])
    for instrument_id, deel in items.groupby("instrument", sort=True):
        instrument = pg.laad_instrument(str(instrument_id))
        onbekend = sorted(set(deel["item"]) - set(instrument.alle_items))
        if onbekend:
            raise pg.InstrumentFout(
                f"pg_items: items {', '.join(onbekend[:10])} horen niet bij instrument "
                f"{instrument.label} (data_dictionary/instrumenten/{instrument.id}.yaml).")
        breed = deel.pivot(index=sleutel, columns="item", values="antwoord")
        breed = breed.reindex(columns=instrument.alle_items)
        zonder_meting = ~breed.index.isin(bekend)
        if zonder_meting.any():
            rijen.append(_rij("pg_items", f"{instrument.label}: invullingen zonder rij in metingen "
                              "(niet gebruikt)", int(zonder_meting.sum())))
        breed = breed[~zonder_meting]
        scores = pg.scoor_positieve_gezondheid(breed.reset_index(), instrument, minimum,
                                               sta_onbevestigd_toe=onbevestigd)
        kolommen = [d.kolom for d in instrument.dimensies.values()] + [instrument.totaal_kolom]
        samen = m[sleutel].merge(scores[sleutel + kolommen], on=sleutel, how="left")
        samen.index = m.index
        gescoord = m.set_index(sleutel).index.isin(breed.index)
        te_vergelijken = [k for k in kolommen if k in m.columns]
        if te_vergelijken:
            afw = pg.controleer_pg_overeenstemming(m.loc[gescoord, te_vergelijken],
                                                   samen.loc[gescoord, te_vergelijken], tolerantie)
            rijen.append(_rij("pg_overeenstemming", f"{instrument.label}: geleverde en uit items "
                              f"berekende scores wijken meer dan {_nl(tolerantie)} af (cellen)",
                              int((afw["probleem"] == "verschil groter dan tolerantie").sum())))
        for k in kolommen:
            m[k] = m[k].where(m[k].notna(), samen[k]) if k in m.columns else samen[k]
        kolom_instrument = f"{instrument.voorvoegsel}_instrument"
        if kolom_instrument not in m.columns:
            m[kolom_instrument] = ""
        m.loc[gescoord, kolom_instrument] = instrument.label
        reden = scores[f"reden_ontbrekend_{instrument.voorvoegsel}"]
        rijen.append(_rij("pg_items", f"{instrument.label}: invullingen gescoord uit items",
                          int(gescoord.sum())))
        rijen.append(_rij("pg_items", f"{instrument.label}: invullingen met een dimensie zonder "
                          "score (te weinig items beantwoord)", int((reden != "").sum())))
    return m, rijen


# --------------------------------------------------------------------------------------------
# BMI, BMI z-score, weight status
# --------------------------------------------------------------------------------------------


def _kinder_interventies(config: dict[str, Any]) -> list[str]:
    return [c for c, i in (config.get("interventies") or {}).items() if i.get("doelgroep") == "kind"]


def leid_groei_af(metingen: pd.DataFrame, deelnemers: pd.DataFrame, config: dict[str, Any]
                  ) -> tuple[pd.DataFrame, list[Rij]]:
    """BMI, BMI z-score and weight status for every measurement.

    Parameters
    ----------
    metingen
        With ``leeftijd_meting`` and the dictionary columns ``lengte_cm``, ``gewicht_kg``,
        ``bmi``, ``bmi_z`` (absent ones are treated as empty).
    deelnemers
        For ``geslacht`` and ``interventie``.
    config
        ``interventies`` (doelgroep ``kind`` gets z-scores) and ``afgeleide_maten``.

    Returns
    -------
    metingen, rows
        ``metingen`` with the columns below, and data-quality rows:

        - ``bmi``: delivered BMI, or weight / (length in m)² when none was delivered;
          ``bmi_bron``: ``"geleverd"``, ``"gewicht en lengte"`` or empty;
        - ``bmi_z``: the z-score used by the analyses; ``bmi_z_bron``: ``"geleverd"`` or
          ``"berekend"``; ``bmi_z_geleverd``: the delivered value; ``bmi_z_verschil``:
          delivered − computed where both exist;
        - ``bmi_z_referentie``: name and version of the growth reference (one per run);
        - ``bmi_z_reden_ontbrekend``: why a child's z-score is missing (e.g. age outside
          the reference's range), else empty;
        - ``gewichtsstatus``, ``gewichtsstatus_hoofdgroep``, ``gewichtsstatus_methode``,
          ``gewichtsstatus_reden_ontbrekend``: see :func:`evaluatie.groei.gewichtsstatus`
          (IOTF for 2–18 years, adult cut-offs 18.5/25/30/40 from 18 years).

    Raises
    ------
    evaluatie.groei.ReferentieFout
        A z-score must be computed (``bmi_z.bron`` ``auto``: a child's measurement has
        length and weight or BMI but no ``bmi_z``; ``berekend``: any child's measurement with
        BMI) and no reference directory is configured, or the tables in it are missing or
        differ from the register. The message names the files, their source and citation
        and the config key.

    Notes
    -----
    z-scores only for participants of interventies with ``doelgroep: kind``; adults keep
    whatever ``bmi_z`` was delivered (none, normally). ``bmi_z.bron``: ``auto`` keeps a
    delivered ``bmi_z`` and computes the missing ones; ``berekend`` uses only computed
    values; ``geleverd`` never computes. A delivered ``bmi_z`` is taken to be relative to the
    configured reference (``afgeleide_maten.groeireferentie``), so one analysis never mixes
    references. Weight status of children needs the IOTF tables from the same directory;
    without it children get no status (with that reason) and adults still do.
    """
    inst = groei.instellingen(config)
    naam = inst["groeireferentie"]
    bron = inst["bmi_z"]["bron"]
    tolerantie = float(inst["bmi_z"]["tolerantie"])
    map_ = groei.referentiemap(config)
    label = groei.referentie_label(naam)
    m = metingen.copy()
    for k in ("lengte_cm", "gewicht_kg", "bmi", "bmi_z"):
        if k not in m.columns:
            m[k] = np.nan
        m[k] = pd.to_numeric(m[k]).astype(float)
    d = deelnemers.drop_duplicates("pseudo_id").set_index("pseudo_id")
    geslacht = m["pseudo_id"].map(d["geslacht"])
    kinder_codes = _kinder_interventies(config)
    kind = m["pseudo_id"].map(d["interventie"]).isin(kinder_codes).to_numpy()
    rijen: list[Rij] = []

    # --- BMI -----------------------------------------------------------------------------
    ruw = pd.Series(groei.bereken_bmi(m["gewicht_kg"], m["lengte_cm"]), index=m.index)
    geleverd_bmi = m["bmi"]
    m["bmi"] = geleverd_bmi.where(geleverd_bmi.notna(), ruw)
    m["bmi_bron"] = np.select([geleverd_bmi.notna(), ruw.notna()], ["geleverd", "gewicht en lengte"],
                              "")
    if ruw.notna().any():
        rijen.append(_rij("bmi", "BMI berekend uit gewicht en lengte (geen BMI geleverd)",
                          int((geleverd_bmi.isna() & ruw.notna()).sum())))
        beide = geleverd_bmi.notna() & ruw.notna()
        if beide.any():
            rijen.append(_rij("bmi_overeenstemming", "geleverde BMI wijkt meer dan "
                              f"{_nl(BMI_TOLERANTIE)} kg/m² af van gewicht/lengte²",
                              int(((geleverd_bmi - ruw).abs() > BMI_TOLERANTIE + 1e-9)[beide].sum())))

    # --- BMI z-score -----------------------------------------------------------------------
    z_gel = m["bmi_z"].copy()
    met_bmi = kind & m["bmi"].notna().to_numpy()
    if bron == "geleverd":
        te_berekenen = np.zeros(len(m), dtype=bool)
        afleiden = np.zeros(len(m), dtype=bool)
    else:
        te_berekenen = met_bmi
        afleiden = met_bmi & (z_gel.isna().to_numpy() | (bron == "berekend"))
    z_ber = pd.Series(np.nan, index=m.index)
    reden_ber = pd.Series("", index=m.index, dtype=object)
    if afleiden.any() and map_ is None:
        codes = ", ".join(kinder_codes)
        raise groei.ontbrekende_referentiemap(
            naam,
            f"Voor {int(afleiden.sum())} metingen van kinderinterventie(s) {codes} moet de "
            "BMI-z-score worden berekend: metingen bevat lengte en gewicht (of BMI) maar geen "
            "bmi_z" if bron == "auto" else
            f"De configuratie vraagt om zelf berekende BMI-z-scores (afgeleide_maten.bmi_z.bron: "
            f"berekend) voor {int(afleiden.sum())} metingen van {codes}")
    controle = te_berekenen & z_gel.notna().to_numpy()
    if map_ is not None and te_berekenen.any():
        with warnings.catch_warnings(record=True) as gezien:
            warnings.simplefilter("always", groei.ReferentieWaarschuwing)
            ref = groei.laad_referentie(naam, map_, controleer_hash=inst["controleer_hash"])
        for w in gezien:
            log.warning("%s", w.message)
        res = groei.bmi_z(m.loc[te_berekenen, "bmi"], leeftijd_jaren=m.loc[te_berekenen, "leeftijd_meting"],
                          geslacht=geslacht[te_berekenen], referentie=ref)
        z_ber[te_berekenen] = res["bmi_z"]
        reden_ber[te_berekenen] = res["reden_ontbrekend"]
        label = ref.label
    elif controle.any():
        rijen.append(_rij("bmi_z_overeenstemming", "geleverde BMI-z-score niet gecontroleerd: geen "
                          f"map met groeireferenties ({groei.CONFIG_SLEUTEL})", int(controle.sum())))
        controle[:] = False

    if bron == "berekend":
        z = z_ber.where(pd.Series(kind, index=m.index), z_gel)
    else:
        z = z_gel.where(z_gel.notna(), z_ber)
    m["bmi_z_geleverd"] = z_gel
    m["bmi_z"] = z
    gebruikt_berekend = (kind & (bron == "berekend")) | z_gel.isna().to_numpy()
    m["bmi_z_bron"] = np.select([z.notna().to_numpy() & gebruikt_berekend, z.notna().to_numpy()],
                                ["berekend", "geleverd"], "")
    m["bmi_z_verschil"] = (z_gel - z_ber).where(pd.Series(controle, index=m.index))
    m["bmi_z_referentie"] = np.where(z.notna(), label, "")
    reden = np.where(kind & z.isna().to_numpy(), reden_ber.to_numpy(dtype=object), "")
    leeg_kind = kind & z.isna().to_numpy() & (reden == "")
    reden[leeg_kind & (bron == "berekend") & z_gel.notna().to_numpy()] = (
        "geen BMI om te berekenen (geleverde z-score niet gebruikt: bmi_z.bron is berekend)")
    reden[(reden == "") & leeg_kind] = "geen BMI-z-score geleverd en geen lengte en gewicht of BMI"
    m["bmi_z_reden_ontbrekend"] = reden.astype(str)

    n_ber = int((m["bmi_z_bron"] == "berekend").sum())
    n_gel = int((m["bmi_z_bron"] == "geleverd").sum())
    if n_ber:
        rijen.append(_rij("bmi_z", f"BMI-z-score berekend met {label} (LMS-methode)", n_ber))
    if n_gel:
        rijen.append(_rij("bmi_z", f"BMI-z-score geleverd (verondersteld: {label})", n_gel))
    if controle.any():
        afw = groei.bmi_z_overeenstemming(z_gel[controle], z_ber[controle], tolerantie)
        for probleem, tekst in (("verschil groter dan tolerantie",
                                 f"geleverde en berekende BMI-z-score wijken meer dan {_nl(tolerantie)} af"),
                                ("geleverd, maar niet te berekenen",
                                 "BMI-z-score geleverd, maar met lengte en gewicht niet te berekenen")):
            rijen.append(_rij("bmi_z_overeenstemming", tekst, int((afw["probleem"] == probleem).sum())))
        rijen.append(_rij("bmi_z_overeenstemming", "geleverde en berekende BMI-z-score vergeleken",
                          int(controle.sum())))
    for r, n in sorted(Counter(m.loc[kind, "bmi_z_reden_ontbrekend"]).items()):
        if r:
            rijen.append(_rij("bmi_z_ontbrekend", f"BMI-z-score ontbreekt: {r}", n))

    # --- weight status ---------------------------------------------------------------------
    iotf = None
    if map_ is not None and (met_bmi.any()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", groei.ReferentieWaarschuwing)
            iotf = groei.laad_iotf(map_, controleer_hash=inst["controleer_hash"])
    status = groei.gewichtsstatus(m["bmi"], m["leeftijd_meting"].astype(float), geslacht, iotf)
    for k in ("gewichtsstatus", "gewichtsstatus_hoofdgroep"):  # plain text in Parquet
        m[k] = status[k].astype(object).where(status[k].notna(), None)
    m["gewichtsstatus_methode"] = status["gewichtsstatus_methode"]
    m["gewichtsstatus_reden_ontbrekend"] = status["reden_ontbrekend"]
    heeft_bmi = m["bmi"].notna()
    for methode, n in sorted(Counter(m.loc[heeft_bmi, "gewichtsstatus_methode"]).items()):
        if methode:
            rijen.append(_rij("gewichtsstatus", f"gewichtsstatus bepaald: {methode}", n))
    for r, n in sorted(Counter(m.loc[heeft_bmi, "gewichtsstatus_reden_ontbrekend"]).items()):
        if r:
            rijen.append(_rij("gewichtsstatus_ontbrekend", f"gewichtsstatus ontbreekt: {r}", n))
    return m, rijen


def leid_af(tabellen: dict[str, pd.DataFrame], config: dict[str, Any]
            ) -> tuple[dict[str, pd.DataFrame], list[dict[str, Any]]]:
    """Analysis-ready tables and data-quality rows (``stap``, ``omschrijving``, ``n``).

    Raises
    ------
    evaluatie.groei.ReferentieFout
        When BMI z-scores must be computed and the growth references are not configured or
        not valid (see :func:`leid_groei_af`); nothing is derived then.
    """
    uit = dict(tabellen)
    m = tabellen["metingen"].copy()
    m["leeftijd_meting"] = leeftijd_bij_meting(m, tabellen["deelnemers"])
    kwaliteit = [_rij("leeftijd_meting", "leeftijd bij meting afgeleid uit leeftijd_start en "
                      "startdatum", int(m["leeftijd_meting"].notna().sum()))]
    try:
        m, rijen = scoor_pg_items(m, tabellen.get("pg_items"), config)
    except (pg.InstrumentFout, ValueError) as e:
        raise EvaluatieFout(f"Positieve Gezondheid uit items: {e}") from None
    kwaliteit += rijen
    m = beschrijving.voeg_pg_totaal_toe(m)
    if "pg_totaal" in m:
        kwaliteit.append(_rij("pg_totaal", "Positieve Gezondheid totaal = gemiddelde van de zes "
                              "dimensies", int(m["pg_totaal"].notna().sum())))
    m, rijen = leid_groei_af(m, tabellen["deelnemers"], config)
    kwaliteit += rijen
    uit["metingen"] = m
    return uit, kwaliteit
