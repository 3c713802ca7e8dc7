"""Deelnemers en uitval: participant flow, dropout rates, who drops out, time to dropout and
how sensitive the primary outcome is to the missing data that dropout leaves behind.

The statistics are in :mod:`evaluatie.uitval` (validated against R); this module picks
the populations, the primary outcome and the settings (config section ``uitval``,
schema ``workflow/schemas/onderdelen/uitval.yaml``) and shapes releasable tables.

Populations (all: the interventie group of this interventie, comparison group left out)

- flow (``stroom``): everyone registered; the flow must add up, else
  :class:`~evaluatie.uitval.StroomFout` stops the pipeline.
- rates (``percentages``) and time to dropout (``km``): everyone who started.
- who drops out (``tabel1``, ``uitvalmodel``): started participants whose follow-up is
  over, status ``uitgevallen`` (1) or ``afgerond`` (0). Still active participants are
  not dropouts and not completers, so they are left out; with
  ``uitval.volledige_followup_dagen`` only start cohorts that all had the full
  programme time before the peildatum are used. This matches how dropout arises (and
  how :mod:`evaluatie.synth` generates it): a started participant drops out or not;
  in recent cohorts only the early dropouts are visible yet, which biases the
  intercept (not the odds ratios) unless those cohorts are left out.
- sensitivity (``gevoeligheid``): see :func:`evaluatie.uitval.gevoeligheidsanalyse`.

Primary outcome of an interventie (first rule that gives an outcome with data):

1. ``interventies.<code>.primaire_uitkomst`` in the config;
2. the first outcome marked ``primair`` in the data dictionary (``bmi_z``);
3. the first outcome in ``interventies.<code>.uitkomsten``;
4. ``pg_totaal`` (Positieve Gezondheid, mean of the six dimensions);
5. the first dictionary outcome measured for this interventie.

Rule 2–5 only consider outcomes with at least one value for this interventie.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from evaluatie import beschrijving, disclosure, woordenboek
from evaluatie import uitval as u
from evaluatie.analyses import Context
from evaluatie.config import SCHEMA
from evaluatie.fouten import ConfigFout

TITEL = "Deelnemers en uitval"
TABELLEN = {
    "stroom": "Deelnemersstroom (TREND/CONSORT): per stap het aantal deelnemers (soort 'stap'), "
              "het totale verlies sinds de vorige stap ('uitval_totaal') en het verlies per reden "
              "('uitval'); zie evaluatie.uitval.deelnemersstroom. Met secundaire onderdrukking "
              "(kolom onderdrukking: primair/secundair), zodat geen verborgen aantal uit de sommen "
              "per stap volgt.",
    "percentages": "Uitvalpercentage onder gestarte deelnemers met Wilson-95%-BI, totaal en per "
                   "startcohort (indeling, periode, n_gestart, n_uitgevallen, percentage, "
                   "ci95_onder, ci95_boven); cohorten die samen het totaal geven zijn secundair "
                   "onderdrukt waar nodig (kolom onderdrukking).",
    "tabel1": "Uitvallers versus afronders bij de start: per kenmerk, niveau en groep n, "
              "percentage van de groep (n_noemer = groepsgrootte, onbekend meegeteld) of "
              "gemiddelde (SD) en mediaan (Q1, Q3), SMD en p-waarde; ontbrekende waarden als niveau "
              "'onbekend' (zie evaluatie.uitval.vergelijk_uitvallers). Secundair onderdrukt per "
              "kenmerk en groep (kolom onderdrukking); bij een continu kenmerk verdwijnt dan alleen "
              "n, het gemiddelde blijft (onderdrukt = False).",
    "uitvalmodel": "Logistische regressie van uitval op kenmerken bij de start: odds ratio's met "
                   "Wald-95%-BI; continue voorspellers per SD (zie evaluatie.uitval.uitvalmodel).",
    "km": "Kaplan-Meier: aandeel nog niet uitgevallen op vaste tijdstippen sinds start, met "
          "95%-BI, aantal nog in follow-up en cumulatieve uitval (zie "
          "evaluatie.uitval.km_op_vaste_tijden).",
    "gevoeligheid": "Verandering in de primaire uitkomst (na − voor) bij drie aanpakken van "
                    "ontbrekende gegevens: completers, gemengd model, meervoudige imputatie "
                    "(zie evaluatie.uitval.gevoeligheidsanalyse).",
    "conclusie": "Per vergelijking een gegenereerde zin: verschilt de conclusie tussen de drie "
                 "aanpakken?",
    "opzet": "Gebruikte keuzes: primaire uitkomst en de regel waarmee die is gekozen, populatie "
             "van het uitvalmodel, uitgesloten kleine niveaus, instellingen.",
}

PRIMAIR = "primaire_uitkomst"
PG_TOTAAL_TITEL = "Positieve Gezondheid (totaal)"
SCHEMA_UITVAL = SCHEMA.parent / "onderdelen" / "uitval.yaml"


# ----------------------------------------------------------------------------- settings


def instellingen(config: dict[str, Any]) -> dict[str, Any]:
    """The ``uitval`` section of the config with the schema defaults filled in."""
    schema = yaml.safe_load(Path(SCHEMA_UITVAL).read_text(encoding="utf-8"))
    uit = {k: v["default"] for k, v in schema["properties"].items()}
    uit.update(config.get("uitval") or {})
    return uit


def _titel(uitkomst: str) -> str:
    if uitkomst == "pg_totaal":
        return PG_TOTAAL_TITEL
    alle = woordenboek.uitkomsten()
    return alle[uitkomst].titel if uitkomst in alle else uitkomst


def primaire_uitkomst(ctx: Context) -> tuple[str | None, str]:
    """The interventie's primary outcome and the rule that chose it (Dutch text).

    See the module docstring for the rule. Returns ``(None, reden)`` when the
    interventie has no outcome with data.
    """
    m = ctx.metingen
    gekozen = ctx.spec.get("primaire_uitkomst")
    if gekozen:
        if gekozen not in m.columns:
            raise ConfigFout(f"interventies.{ctx.interventie}.primaire_uitkomst: {gekozen!r} is "
                             "geen uitkomst in metingen")
        return gekozen, "ingesteld in de configuratie (primaire_uitkomst)"
    lijst = ctx.spec.get("uitkomsten")
    kandidaten = [k for k in beschrijving.uitkomsten_voor(m, lijst)
                  if k in m.columns and m[k].notna().any()]
    woorden = woordenboek.uitkomsten()
    primair = [k for k in kandidaten if k in woorden and woorden[k].primair]
    if primair:
        return primair[0], "als primaire uitkomst gemarkeerd in het datawoordenboek"
    if lijst and kandidaten:
        return kandidaten[0], "eerste uitkomst in de configuratie van de interventie"
    if "pg_totaal" in kandidaten:
        return "pg_totaal", ("geen primaire uitkomst in woordenboek of configuratie; "
                             "standaard Positieve Gezondheid (totaal)")
    if kandidaten:
        return kandidaten[0], "eerste gemeten uitkomst (geen primaire uitkomst aangewezen)"
    return None, "geen enkele uitkomst gemeten bij deze interventie"


# ----------------------------------------------------------------------------- data


def _objecten(df: pd.DataFrame) -> pd.DataFrame:
    """pandas' string dtype as plain object columns (missing as None)."""
    uit = df.copy()
    for k in uit.columns:
        if isinstance(uit[k].dtype, pd.StringDtype):
            uit[k] = uit[k].astype(object).where(uit[k].notna(), None)
    return uit


def _geordend(df: pd.DataFrame, kolommen: list[str]) -> pd.DataFrame:
    """Text columns as categoricals in the data dictionary's order (laag, midden, hoog).

    Only observed levels become categories; levels unknown to the dictionary follow in
    alphabetical order. Tables and the model's default reference follow this order.
    """
    uit = df.copy()
    velden = {v.naam: v for v in woordenboek.tabellen()["deelnemers"].velden}
    for k in kolommen:
        x = uit[k]
        if pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x):
            continue
        gezien = set(x.dropna().astype(str))
        volgorde = list(velden[k].toegestaan or ()) if k in velden else []
        niveaus = [nv for nv in volgorde if nv in gezien] + sorted(gezien - set(volgorde))
        uit[k] = pd.Categorical(x.astype(object).where(x.notna(), None), categories=niveaus)
    return uit


def _kolom(naam: str, prim: str | None, t0: str, deelnemers: pd.DataFrame,
           metingen: pd.DataFrame) -> tuple[str, str] | None:
    """(column in the baseline table, readable label) for a configured name, or None."""
    if naam == PRIMAIR:
        if prim is None:
            return None
        naam = prim
    if naam in deelnemers.columns:
        try:
            return naam, woordenboek.tabellen()["deelnemers"].veld(naam).titel
        except KeyError:
            return naam, naam
    if naam in metingen.columns:
        return f"{naam}_{t0}", f"{_titel(naam)} op {t0}"
    raise ConfigFout(f"uitval: {naam!r} is geen kolom van deelnemers of metingen")


def _baseline(ctx: Context, uitkomsten: list[str]) -> pd.DataFrame:
    """Participants with the first-meetmoment value of each outcome as ``<uitkomst>_<T0>``."""
    t0 = ctx.meetmomenten[0]
    m = ctx.metingen
    waarden = m.loc[m["meetmoment"] == t0, ["pseudo_id", *uitkomsten]]
    waarden = waarden.rename(columns={k: f"{k}_{t0}" for k in uitkomsten})
    return _objecten(ctx.deelnemers).merge(waarden, on="pseudo_id", how="left")


def populatie_uitval(ctx: Context, data: pd.DataFrame, inst: dict[str, Any]) -> pd.DataFrame:
    """Started participants with follow-up over (uitgevallen/afgerond), complete cohorts."""
    start = pd.to_datetime(data["startdatum"])
    keep = start.notna() & data["status"].isin(["uitgevallen", "afgerond"])
    dagen = inst.get("volledige_followup_dagen")
    if dagen:
        keep &= start <= _peildatum(ctx) - pd.Timedelta(days=int(dagen))
    return data[keep.to_numpy()].reset_index(drop=True)


def _peildatum(ctx: Context) -> pd.Timestamp:
    if not ctx.config.get("peildatum"):
        raise ConfigFout("peildatum ontbreekt in de configuratie")
    return pd.Timestamp(ctx.config["peildatum"])


def _kleine_niveaus(data: pd.DataFrame, kolommen: list[str], min_n: int
                    ) -> tuple[pd.DataFrame, list[str], list[tuple[str, str]]]:
    """Leave out categorical levels with fewer than ``min_n`` uitvallers or afronders.

    Such a level cannot be estimated reliably (often complete separation) and its odds
    ratio would reveal a small group: its participants are set to missing, so the
    complete-case model leaves them out. A predictor with fewer than two levels left is
    dropped from the model instead. Repeats until stable, as leaving out rows changes
    the counts of the other predictors.

    Returns the data, the predictors kept, and the (predictor, level) pairs left out
    (level ``"alle niveaus"`` for a dropped predictor).
    """
    d = data.copy()
    kolommen = list(kolommen)
    weg: list[tuple[str, str]] = []
    for _ in range(20):
        compleet = d.dropna(subset=kolommen)
        gewijzigd = False
        for k in kolommen:
            if pd.api.types.is_numeric_dtype(d[k]) and not pd.api.types.is_bool_dtype(d[k]):
                continue
            tel = pd.crosstab(compleet[k], compleet["status"]).reindex(
                columns=["uitgevallen", "afgerond"], fill_value=0)
            klein = [nv for nv, r in tel.iterrows() if r.min() < min_n]
            if len(tel) - len(klein) < 2:
                kolommen.remove(k)
                weg.append((k, "alle niveaus"))
                gewijzigd = True
                break
            if klein:
                d.loc[d[k].isin(klein), k] = None
                weg += [(k, str(nv)) for nv in klein]
                gewijzigd = True
        if not gewijzigd:
            break
    return d, kolommen, weg


# ----------------------------------------------------------------------------- tables


# Secondary suppression (docs/onthullingscontrole.md). The runner's primary suppression
# (disclosure.onderdruk) runs again on the returned tables; it finds no count left in
# [1, min_n) and so changes nothing. Label columns are passed as key columns, so a
# suppressed row keeps its step number, level and group.

STROOM_SLEUTELS = ["stap_nr", "stap", "label", "soort", "reden_uitval", "status", "reden"]


def stroom_onderdrukt(stroom: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """The participant flow with primary and secondary suppression.

    Additive groups per stage ``k``: ``n(stap k-1) = n(stap k) + n(uitval_totaal k)``
    and ``n(uitval_totaal k) = sum of n(uitval k)`` (recipe in
    ``docs/onthullingscontrole.md``). Adds ``onderdrukking`` (``primair`` /
    ``secundair`` / ``""``); ``stap_nr`` and the other labels stay filled.
    """
    s = stroom.reset_index(drop=True)
    rij = {(r.soort, r.stap_nr): i for i, r in s.iterrows() if r.soort != "uitval"}
    groepen = []
    for k in sorted(s["stap_nr"].unique())[1:]:
        verlies = list(s.index[(s["soort"] == "uitval") & (s["stap_nr"] == k)])
        totaal = rij.get(("uitval_totaal", k))
        groepen.append([rij[("stap", k - 1)], rij[("stap", k)],
                        *([totaal] if totaal is not None else verlies)])
        if totaal is not None:
            groepen.append([totaal, *verlies])
    return disclosure.onderdruk_met_totalen(s, min_n, groepen=groepen,
                                            sleutelkolommen=STROOM_SLEUTELS)


def percentages_onderdrukt(perc: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Dropout rates with primary and secondary suppression, row by row.

    The cohort rows of one ``indeling`` add up to the ``totaal`` row, in both
    ``n_gestart`` and ``n_uitgevallen``. A row is released or hidden as a whole (its
    percentage gives one count from the other), so the rule of
    :func:`evaluatie.disclosure.onderdruk_met_totalen` is applied to rows: in each count
    column, the hidden rows of a group are never exactly one and add up to at least
    ``min_n``; otherwise the row with the smallest non-zero count in that column is
    hidden too, until nothing changes.
    """
    p = perc.reset_index(drop=True)
    w = p[["n_gestart", "n_uitgevallen"]].to_numpy(float)
    primair = ((w >= 1) & (w < min_n)).any(axis=1)
    verborgen = primair.copy()
    totaal = list(p.index[p["indeling"] == "totaal"])
    groepen = [[*p.index[p["indeling"] == ind], *totaal] for ind in p["indeling"].unique()
               if ind != "totaal"]
    veranderd = True
    while veranderd:
        veranderd = False
        for g in groepen:
            for j in range(w.shape[1]):
                weg = [i for i in g if verborgen[i]]
                if not weg or (len(weg) >= 2 and w[weg, j].sum() >= min_n):
                    continue
                kandidaten = sorted((i for i in g if not verborgen[i] and w[i, j] > 0),
                                    key=lambda i, j=j: (w[i, j], i))
                if kandidaten:
                    verborgen[kandidaten[0]] = True
                    veranderd = True
    soort = np.where(primair, "primair", np.where(verborgen, "secundair", ""))
    return _verberg_rijen(p, soort, ["indeling", "periode", "status", "reden"])


def _verberg_rijen(df: pd.DataFrame, onderdrukking: np.ndarray, sleutels: list[str]) -> pd.DataFrame:
    """Blank every non-key column of the rows with a non-empty ``onderdrukking``."""
    uit = df.copy()
    weg = onderdrukking != ""
    for k in uit.columns:
        if k in sleutels:
            continue
        if pd.api.types.is_integer_dtype(uit[k]) and not pd.api.types.is_extension_array_dtype(uit[k]):
            uit[k] = uit[k].astype("Int64")
        if weg.any():
            uit.loc[weg, k] = pd.NA if uit[k].dtype == object else np.nan
    uit["onderdrukt"] = weg
    uit["onderdrukking"] = onderdrukking
    return uit


TABEL1_SLEUTELS = ["kenmerk", "label", "type", "niveau", "groep", "toets", "status", "reden"]
TABEL1_STATISTIEK = ["gemiddelde", "sd", "mediaan", "q1", "q3", "smd", "p", "n_noemer"]
# n_noemer is the group size (tabel1_publiceerbaar), released in the "n" rows anyway


def tabel1_onderdrukt(t1: pd.DataFrame, min_n: int,
                      totalen: Mapping[tuple[str, str], int] | None = None) -> pd.DataFrame:
    """Table 1 with primary and secondary suppression.

    Additive groups: within (kenmerk, groep) the levels including ``onbekend`` add up
    to the group size (released in the row ``kenmerk == "n"`` and in ``n_noemer``, so
    the size itself is never a complement); and, for a (kenmerk, niveau) in
    ``totalen`` (a level count released elsewhere, e.g. ``n_niveau`` of the dropout
    model when it counts the same people), uitvallers + afronders.

    A continuous kenmerk's row (mean, SD, …) chosen as a complement loses only its
    count ``n``: its statistics rest on at least ``min_n`` people (else it would be
    suppressed primarily), and only the count could give the hidden ``onbekend`` count
    away. Such a row keeps ``onderdrukt = False`` with ``onderdrukking = "secundair"``
    and ``n`` empty; categorical rows are hidden whole (their percentage gives the count).
    """
    t = t1.reset_index(drop=True)
    deel = t[t["kenmerk"] != "n"]
    groepen = [list(g.index) for _, g in deel.groupby(["kenmerk", "groep"], sort=False)]
    for (kenmerk, niveau), som in (totalen or {}).items():
        rijen = deel.index[(deel["kenmerk"] == kenmerk) & (deel["niveau"] == niveau)]
        if len(rijen) == 2 and int(deel.loc[rijen, "n"].sum()) == int(som):
            groepen.append(list(rijen))
    uit = disclosure.onderdruk_met_totalen(t, min_n, groepen=groepen, sleutelkolommen=TABEL1_SLEUTELS)
    continu = ((uit["onderdrukking"] == "secundair") & (t["type"] == "continu")
               & (t["niveau"].fillna("") != "onbekend")).to_numpy(bool)
    for k in TABEL1_STATISTIEK:
        uit.loc[continu, k] = t.loc[continu, k]
    uit.loc[continu, "onderdrukt"] = False
    return uit


def _n_niveau_totalen(model: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Level counts of the dropout model: (predictor, niveau) -> n_niveau."""
    rijen = model.dropna(subset=["n_niveau"])
    rijen = rijen[rijen["niveau"].fillna("") != ""]
    return {(str(r.predictor), str(r.niveau)): int(r.n_niveau) for r in rijen.itertuples()}



def tabel1_publiceerbaar(t1: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Table 1 in releasable shape: missing values as their own rows (niveau 'onbekend').

    In :func:`evaluatie.uitval.vergelijk_uitvallers` every row carries
    ``n_ontbrekend``; a handful of missing values would then suppress a whole row of
    means. Here they become separate rows (``n`` = missing) that are suppressed on
    their own.

    Denominators: ``n_noemer`` is the group size on every row and a categorical
    ``percentage`` is ``100 * n / n_noemer``, so the levels and ``onbekend`` add up to
    100% (in :func:`evaluatie.uitval.vergelijk_uitvallers` the denominator leaves the
    missing values out; released, that denominator would give a hidden small
    ``onbekend`` count away). SMD and p-value are unchanged (missing values left out).
    """
    groot = t1[t1["kenmerk"] == "n"].set_index("groep")["n"]
    rijen = []
    for kenmerk, g in t1.groupby("kenmerk", sort=False):
        rijen.append(g.drop(columns="n_ontbrekend"))
        if kenmerk == "n" or g["n_ontbrekend"].sum() == 0:
            continue
        for groep, gg in g.groupby("groep", sort=False):
            mis = int(gg["n_ontbrekend"].iloc[0])
            rijen.append(pd.DataFrame([dict(
                kenmerk=kenmerk, type=gg["type"].iloc[0], niveau="onbekend", groep=groep, n=mis,
                n_noemer=int(groot[groep]),
                percentage=100 * mis / groot[groep] if groot[groep] else np.nan,
                status=u.OK, reden="")]))
    uit = pd.concat(rijen, ignore_index=True).reindex(columns=[
        c for c in t1.columns if c != "n_ontbrekend"])
    noemer = uit["groep"].map(groot)
    uit["n_noemer"] = noemer.astype("int64")
    categorisch = (uit["type"] == "categorisch").to_numpy(bool)
    uit.loc[categorisch, "percentage"] = np.where(
        noemer[categorisch] > 0, 100 * uit.loc[categorisch, "n"] / noemer[categorisch].where(
            noemer[categorisch] > 0), np.nan)
    uit.insert(1, "label", uit["kenmerk"].map(lambda k: labels.get(k, "Aantal" if k == "n" else k)))
    uit["toets"] = uit["toets"].fillna("")
    return uit


def uitvalmodel_tabel(ctx: Context, inst: dict[str, Any] | None = None
                      ) -> tuple[pd.DataFrame, list[str]]:
    """The dropout model as released: odds ratios, continuous predictors per SD.

    Returns the table and the categorical levels left out (``"SES-groep: hoog"``, or
    ``"Geslacht (geheel)"`` for a predictor dropped entirely; see
    :func:`_kleine_niveaus`).
    Extra columns next to those of :func:`evaluatie.uitval.uitvalmodel`: ``label``
    (readable predictor), ``per`` (``"SD"`` for standardised continuous predictors),
    ``sd_predictor`` and ``gemiddelde_predictor`` (the SD and mean used), ``n_niveau``
    (participants at a dummy's level, in the model).
    """
    inst = inst or instellingen(ctx.config)
    prim, _ = primaire_uitkomst(ctx)
    t0 = ctx.meetmomenten[0]
    m, d = ctx.metingen, ctx.deelnemers
    namen = [_kolom(p, prim, t0, d, m) for p in inst["predictoren"]]
    namen = [x for x in namen if x is not None]
    labels = dict(namen)
    kolommen = list(labels)
    uitkomsten = [c for c in m.columns if any(k == f"{c}_{t0}" for k in kolommen)]
    data = populatie_uitval(ctx, _baseline(ctx, uitkomsten), inst)
    data, kolommen, weg = _kleine_niveaus(data, kolommen, ctx.min_n)
    compleet = _geordend(data.dropna(subset=kolommen), kolommen)
    sd, gem = {}, {}
    for k in kolommen:
        if pd.api.types.is_numeric_dtype(compleet[k]) and not pd.api.types.is_bool_dtype(compleet[k]):
            gem[k], sd[k] = float(compleet[k].mean()), float(compleet[k].std(ddof=1))
            if sd[k] > 0:
                compleet[k] = (compleet[k] - gem[k]) / sd[k]
    referentie = {}
    for k, ref in (inst.get("referentie") or {}).items():
        if k in kolommen and ref in set(compleet[k].dropna()):
            referentie[k] = ref
    res = u.uitvalmodel(compleet, predictoren=kolommen, referentieniveaus=referentie)
    res.insert(1, "label", [("Constante" if t == "(intercept)" else labels.get(p, p))
                            for t, p in zip(res["term"], res["predictor"], strict=True)])
    res["per"] = ["SD" if p in sd and sd[p] > 0 else "" for p in res["predictor"]]
    res["sd_predictor"] = [sd.get(p, np.nan) for p in res["predictor"]]
    res["gemiddelde_predictor"] = [gem.get(p, np.nan) for p in res["predictor"]]
    res["n_niveau"] = [int((compleet[p] == nv).sum()) if nv else np.nan
                       for p, nv in zip(res["predictor"], res["niveau"], strict=True)]
    res["n_niveau"] = res["n_niveau"].astype("Int64")
    return res, [f"{labels.get(k, k)} (geheel)" if nv == "alle niveaus" else f"{labels.get(k, k)}: {nv}"
                 for k, nv in weg]


def _gevoeligheid(ctx: Context, inst: dict[str, Any], prim: str
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    t0 = ctx.meetmomenten[0]
    m = ctx.metingen
    covs = [x for x in (_kolom(p, prim, t0, ctx.deelnemers, m) for p in inst["predictoren"]
                        if p != PRIMAIR and p != prim) if x is not None]
    kolommen = [k for k, _ in covs]
    uitkomsten = [c for c in m.columns if any(k == f"{c}_{t0}" for k in kolommen)]
    d = _baseline(ctx, uitkomsten)
    gestart = d[pd.to_datetime(d["startdatum"]).notna()]
    for k in kolommen:  # rare levels would be near-empty dummies in both models
        if not pd.api.types.is_numeric_dtype(d[k]):
            tel = gestart[k].value_counts()
            d.loc[d[k].isin(tel[tel < ctx.min_n].index), k] = None
    rijen, zinnen = [], []
    for post in ctx.meetmomenten[1:]:
        g = u.gevoeligheidsanalyse(m, d, prim, pre=t0, post=post, covariaten=kolommen,
                                   m=int(inst["mice_m"]), seed=int(inst["seed"]))
        rijen.append(g)
        # the sentence may only quote numbers that survive disclosure control
        veilig = disclosure.onderdruk(g, ctx.min_n)
        klein = veilig["onderdrukt"].to_numpy(bool)
        veilig.loc[klein, "status"] = u.NIET
        veilig.loc[klein, "reden"] = f"minder dan {ctx.min_n} deelnemers"
        zinnen.append(dict(uitkomst=prim, uitkomst_titel=_titel(prim), pre=t0, post=post,
                           conclusie=u.conclusie_gevoeligheid(veilig, _titel(prim))))
    tabel = pd.concat(rijen, ignore_index=True)
    tabel.insert(1, "uitkomst_titel", _titel(prim))
    return tabel, pd.DataFrame(zinnen)


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    inst = instellingen(ctx.config)
    d = _objecten(ctx.deelnemers)
    m = ctx.metingen
    t0 = ctx.meetmomenten[0]

    # 1. flow; a flow that does not add up stops the pipeline (StroomFout)
    stroom = u.deelnemersstroom(d, m, ctx.meetmomenten)
    u.controleer_stroom(stroom, d)
    stroom = stroom_onderdrukt(stroom, ctx.min_n)

    # 2. rates, overall and per start cohort; only counts needed for the rate are released
    perc = pd.concat([
        u.uitvalpercentages(d).assign(indeling="totaal"),
        u.uitvalpercentages(d, per=inst["cohort"]).assign(indeling=inst["cohort"]),
    ], ignore_index=True)
    perc = perc[["indeling", "periode", "n_gestart", "n_uitgevallen", "percentage", "ci95_onder",
                 "ci95_boven", "status", "reden"]]
    perc = percentages_onderdrukt(perc, ctx.min_n)

    # 3. who drops out
    prim, regel = primaire_uitkomst(ctx)
    kenmerken = {}
    labels = {}
    for naam, soort in inst["kenmerken"].items():
        k = _kolom(naam, prim, t0, d, m)
        if k is not None:
            kenmerken[k[0]], labels[k[0]] = soort, k[1]
    uitkomsten = [c for c in m.columns if f"{c}_{t0}" in kenmerken]
    pop = populatie_uitval(ctx, _baseline(ctx, uitkomsten), inst)
    pop = _geordend(pop, list(kenmerken))
    model, weg = uitvalmodel_tabel(ctx, inst)
    tabel1 = tabel1_onderdrukt(tabel1_publiceerbaar(u.vergelijk_uitvallers(pop, kenmerken), labels),
                               ctx.min_n, totalen=_n_niveau_totalen(model))

    # 4. time to dropout, released at fixed times only
    km = u.km_op_vaste_tijden(u.kaplan_meier_uitval(d, _peildatum(ctx)),
                              stap_maanden=inst["km_stap_maanden"], min_n=ctx.min_n)

    # 5. sensitivity of the primary outcome to missing data
    if prim is None:
        gevoelig = pd.DataFrame([dict(methode="", uitkomst="", status=u.NIET, reden=regel)])
        conclusie = pd.DataFrame([dict(uitkomst="", uitkomst_titel="", pre=t0, post="",
                                       conclusie="Geen gevoeligheidsanalyse: " + regel + ".")])
    else:
        gevoelig, conclusie = _gevoeligheid(ctx, inst, prim)

    dagen = inst.get("volledige_followup_dagen")
    opzet = pd.DataFrame([dict(
        primaire_uitkomst=prim or "", primaire_uitkomst_titel=_titel(prim) if prim else "",
        regel_primaire_uitkomst=regel, voormeting=t0,
        volledige_followup_dagen=dagen,
        gestart_tot=((_peildatum(ctx) - pd.Timedelta(days=int(dagen))).strftime("%Y-%m-%d")
                     if dagen else ""),
        uitgesloten_niveaus="; ".join(weg),
        referentie="; ".join(f"{k} = {v}" for k, v in (inst.get("referentie") or {}).items()),
        cohort=inst["cohort"], km_stap_maanden=inst["km_stap_maanden"],
        mice_m=inst["mice_m"], seed=inst["seed"])])
    return {"stroom": stroom, "percentages": perc, "tabel1": tabel1, "uitvalmodel": model,
            "km": km, "gevoeligheid": gevoelig, "conclusie": conclusie, "opzet": opzet}
