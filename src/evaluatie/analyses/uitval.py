"""Deelnemers en uitval: participant flow, dropout rates, who drops out, time to dropout and
how sensitive the primary outcome is to the missing data that dropout leaves behind.

The statistics are in :mod:`evaluatie.uitval` (validated against R); this module picks
the populations and the settings (config section ``uitval``, schema
``workflow/schemas/onderdelen/uitval.yaml``) and returns tables under their
specifications (:data:`TABELLEN`). Disclosure control happens afterwards, for the whole
region at once (:mod:`evaluatie.disclosure`).

Populations (all: the interventie group, comparison group left out)

- flow (``stroom``): everyone registered; the flow must add up, else
  :class:`~evaluatie.uitval.StroomFout` stops the pipeline. "Afgerond" is status
  ``afgerond``, here and everywhere.
- rates (``percentages``) and time to dropout (``km``): everyone who started.
- who drops out (``tabel1``, ``uitvalmodel``): started participants whose follow-up is
  over, status ``uitgevallen`` or ``afgerond``; with ``uitval.volledige_followup_dagen``
  only start cohorts that all had the full programme time before the peildatum.
- sensitivity (``gevoeligheid``): the primary outcome (``Context.primaire_uitkomst``)
  under three ways of handling missing data. The completers and mixed-model rows are the
  very estimates of ``voor_na`` (computed once); multiple imputation is added here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from evaluatie import beschrijving, woordenboek
from evaluatie import uitval as u
from evaluatie.analyses import Context
from evaluatie.analyses.voor_na import PAREN
from evaluatie.contract import (
    Cumulatief,
    RijSom,
    Som,
    Tabel,
    aandeel,
    aantal,
    code,
    instelling,
    sleutel,
    statistiek,
    tekst,
)
from evaluatie.fouten import ConfigFout
from evaluatie.oordeel import OORDELEN, RICHTINGEN, oordeel, richting

TITEL = "Deelnemers en uitval"
VEREIST = ["voor_na"]

PRIMAIR = "primaire_uitkomst"
PG_TOTAAL_TITEL = "Positieve Gezondheid (totaal)"
STATUS = ("ok", "niet_te_berekenen")

#: Quantities of the flow, shared with other tables (percentages, km, quintuple).
STROOM = "deelnemers/{stap}/{groep}/{reden}"
GESTART = "deelnemers/gestart//"
AFGEROND = "deelnemers/afgerond//"
UITGEVALLEN = "deelnemers/afgerond/uitgevallen/"
NOG_ACTIEF = "deelnemers/afgerond/nog_actief/"
TABEL1 = "tabel1/{kenmerk}/{niveau}/{groep}"


def _status() -> list:
    return [code("status", "ok of niet_te_berekenen", STATUS), tekst("reden", "Waarom niet")]


TABELLEN = {
    "stroom": Tabel(
        "Deelnemersstroom (TREND/CONSORT): aangemeld → gestart → afgerond (status afgerond), het "
        "verlies per stap (niet gestart; uitgevallen, per reden; nog actief) en per meetmoment het "
        "aantal gestarte deelnemers met een meting (evaluatie.uitval.deelnemersstroom).",
        [
            sleutel("stap_nr", dtype="Int64"), sleutel("stap"), sleutel("van", "Vorige stap"),
            sleutel("soort", "stap, verlies, reden of meting"), sleutel("groep", "Verliesgroep"),
            sleutel("reden", "Reden van uitval (code uit het woordenboek)"),
            aantal("n", "Deelnemers", grootheid=STROOM, gewicht=5),
        ],
        relaties=[
            Som("n", "deelnemers/{van}//", per=("van",), waar={"soort": ("stap", "verlies")}),
            Som("n", "deelnemers/{stap}/{groep}/", per=("stap", "groep"), waar={"soort": ("reden",)}),
            Som("n", GESTART, per=("stap",), waar={"soort": ("meting",)},
                rest="deelnemers/{stap}/niet_gemeten/"),
        ],
    ),
    "percentages": Tabel(
        "Uitvalpercentage onder gestarte deelnemers met Wilson-95%-BI, totaal en per startcohort "
        "(evaluatie.uitval.uitvalpercentages).",
        [
            sleutel("indeling", "totaal, jaar of kwartaal"), sleutel("periode"),
            aantal("n_gestart", grootheid="cohort/{periode}/gestart", gewicht=5),
            aantal("n_uitgevallen", grootheid="cohort/{periode}/uitgevallen", gewicht=5),
            aandeel("percentage", "100 · n_uitgevallen / n_gestart", teller="n_uitgevallen",
                    noemer="n_gestart"),
            statistiek("ci95_onder"), statistiek("ci95_boven"), *_status(),
        ],
        basis=("n_gestart", "n_uitgevallen"),
        relaties=[
            Som("n_gestart", "cohort/totaal/gestart", waar={"!indeling": ("totaal",)}),
            Som("n_uitgevallen", "cohort/totaal/uitgevallen", waar={"!indeling": ("totaal",)}),
            RijSom(GESTART, ("n_gestart",), waar={"indeling": ("totaal",)}),
            RijSom(UITGEVALLEN, ("n_uitgevallen",), waar={"indeling": ("totaal",)}),
            RijSom("n_gestart", ("n_uitgevallen",), rest="cohort/{periode}/niet_uitgevallen"),
        ],
    ),
    "tabel1": Tabel(
        "Uitvallers versus afronders bij de start: per kenmerk, niveau en groep n, percentage van de "
        "groep (onbekend meegeteld) of gemiddelde (SD) en mediaan (Q1, Q3), SMD en p-waarde "
        "(evaluatie.uitval.vergelijk_uitvallers).",
        [
            sleutel("kenmerk"), sleutel("label", "Naam van het kenmerk (woordenboek)"),
            sleutel("type", "aantal, continu of categorisch"), sleutel("niveau"), sleutel("groep"),
            aantal("n", "Deelnemers (continu: met een waarde)", grootheid=TABEL1),
            aantal("n_noemer", "Groepsgrootte", grootheid="tabel1/n//{groep}"),
            aandeel("percentage", "100 · n / n_noemer", teller="n", noemer="n_noemer"),
            *[statistiek(k, basis="n") for k in ("gemiddelde", "sd", "mediaan", "q1", "q3")],
            statistiek("smd", "Gestandaardiseerd verschil uitvallers − afronders", basis="n_noemer"),
            statistiek("p", basis="n_noemer"),
            code("toets", woorden=("Welch t-toets", "chi-kwadraat", "Fisher exact",
                                   "Fisher exact (Monte Carlo)", ""), basis="n_noemer"),
            *_status(),
        ],
        basis="n",
        relaties=[Som("n", "tabel1/n//{groep}", per=("kenmerk", "groep"), waar={"!kenmerk": ("n",)}),
                  Som("n", UITGEVALLEN, waar={"kenmerk": ("n",), "groep": ("uitvallers",)},
                      rest="tabel1/uitvallers_buiten_populatie"),
                  Som("n", AFGEROND, waar={"kenmerk": ("n",), "groep": ("afronders",)},
                      rest="tabel1/afronders_buiten_populatie")],
    ),
    "uitvalmodel": Tabel(
        "Logistische regressie van uitval op kenmerken bij de start: odds ratio's met Wald-95%-BI; "
        "continue voorspellers per SD (evaluatie.uitval.uitvalmodel).",
        [
            sleutel("term"), sleutel("label"), sleutel("predictor"), sleutel("niveau"),
            sleutel("referentie"),
            # logit with Wald z: the coefficients do not give the model's n away
            *[statistiek(k, onthult=False) for k in ("coef", "se", "odds_ratio", "ci95_onder",
                                                     "ci95_boven", "p")],
            aantal("n", "Deelnemers in het model", grootheid="uitvalmodel/n"),
            aantal("n_uitgevallen", "Uitvallers in het model", grootheid="uitvalmodel/uitgevallen"),
            *_status(),
            sleutel("per", "SD voor een gestandaardiseerde voorspeller"),
            statistiek("sd_predictor", basis="n", onthult=False),
            statistiek("gemiddelde_predictor", basis="n", onthult=False),
            aantal("n_niveau", "Deelnemers op dit niveau in het model",
                   grootheid="uitvalmodel/{predictor}/{niveau}"),
        ],
        basis=("n", "n_uitgevallen", "n_niveau"),
        relaties=[
            RijSom("n", ("n_uitgevallen",), rest="uitvalmodel/afgerond", waar={"term": ("(intercept)",)}),
            RijSom("tabel1/n//uitvallers", ("n_uitgevallen",), rest="uitvalmodel/uitvallers_buiten",
                   waar={"term": ("(intercept)",)}),
            RijSom("tabel1/n//afronders", ("uitvalmodel/afgerond",), rest="uitvalmodel/afronders_buiten",
                   waar={"term": ("(intercept)",)}),
            Som("n_niveau", "uitvalmodel/n", per=("predictor",), waar={"!niveau": ("",)},
                rest="uitvalmodel/{predictor}/_referentie"),
            RijSom(("tabel1/{predictor}/{niveau}/uitvallers", "tabel1/{predictor}/{niveau}/afronders"),
                   ("n_niveau",), rest="uitvalmodel/{predictor}/{niveau}/buiten",
                   waar={"!niveau": ("",)}),
        ],
    ),
    "km": Tabel(
        "Kaplan–Meier: aandeel nog niet uitgevallen op vaste tijdstippen sinds de start, met 95%-BI, "
        "het aantal nog in follow-up en cumulatief uitgevallen en gecensureerd "
        "(evaluatie.uitval.km_op_vaste_tijden).",
        [
            sleutel("tijd_maanden", dtype="float64"), sleutel("tijd_dagen", dtype="float64"),
            aantal("n_risico", "Nog in follow-up na dit tijdstip", gewicht=3),
            aantal("n_uitval_cum", "Uitgevallen tot en met dit tijdstip", gewicht=3),
            aantal("n_gecensureerd_cum", "Follow-up beëindigd zonder uitval", gewicht=3),
            statistiek("overleving", "Aandeel nog niet uitgevallen"),
            statistiek("ci95_onder"), statistiek("ci95_boven"),
            sleutel("status", "ok, of niet_te_berekenen als er geen curve is"), tekst("reden"),
        ],
        basis="n_risico",
        relaties=[
            RijSom(GESTART, ("n_risico", "n_uitval_cum", "n_gecensureerd_cum"),
                   waar={"status": ("ok",)}),
            RijSom(UITGEVALLEN, ("n_uitval_cum",), rest="km/uitval_later/{_rij}", waar={"status": ("ok",)}),
            Cumulatief("n_uitval_cum", "tijd_dagen", rest="km/uitval_tussen/{_rij}"),
            Cumulatief("n_gecensureerd_cum", "tijd_dagen", rest="km/gecensureerd_tussen/{_rij}"),
        ],
    ),
    "gevoeligheid": Tabel(
        "Verandering in de primaire uitkomst (na − voor) bij drie aanpakken van ontbrekende "
        "gegevens: completers en het gemengde model (dezelfde schattingen als voor_na) en "
        "meervoudige imputatie (evaluatie.uitval.meervoudige_imputatie), met p na Holm-correctie "
        "over de vergelijkingen van de primaire uitkomst, richting en oordeel.",
        [
            sleutel("methode", "completers, gemengd_model of meervoudige_imputatie"),
            *[sleutel(k) for k in ("uitkomst", "pre", "post")],
            # completers rows reveal their count (df = n − 1), model and imputation rows do not
            *[statistiek(k, onthult=("n_paren",))
              for k in ("schatting", "se", "ci95_onder", "ci95_boven", "df", "p", "p_gecorrigeerd")],
            code("richting", woorden=RICHTINGEN), code("oordeel", woorden=OORDELEN),
            aantal("n_paren", "Completers (completersrij)", grootheid=PAREN),
            aantal("n_deelnemers", "Deelnemers in het gemengde model", grootheid="model/{uitkomst}/{pre}"),
            aantal("n_populatie", "Deelnemers in de imputatie",
                   grootheid="mice/{uitkomst}/{pre}/{post}/populatie"),
            aantal("n_compleet", "Van wie voor én na gemeten (imputatierij)",
                   grootheid="mice/{uitkomst}/{pre}/{post}/compleet"),
            instelling("m_imputaties", "Aantal imputaties"),
            *_status(),
        ],
        # the statistics rest on the people each method used; n_compleet describes the
        # imputation and is not a basis (a pooled estimate does not give it away)
        basis=("n_paren", "n_deelnemers", "n_populatie"),
        relaties=[
            RijSom("n_populatie", ("n_compleet",), rest="mice/{uitkomst}/{pre}/{post}/onvolledig",
                   waar={"methode": ("meervoudige_imputatie",)}),
            RijSom(PAREN, ("n_compleet",), rest="mice/{uitkomst}/{pre}/{post}/paren_buiten",
                   waar={"methode": ("meervoudige_imputatie",)}),
        ],
    ),
    "conclusie": Tabel(
        "Per vergelijking: geven de drie aanpakken hetzelfde oordeel? (gelijk, verschillend of "
        "niet_te_berekenen)",
        [*[sleutel(k) for k in ("uitkomst", "pre", "post")],
         # the conclusion summarises all three verdicts: it rests on all three populations,
         # so it is withheld whenever one of those verdicts is
         code("conclusie", woorden=("gelijk", "verschillend", "niet_te_berekenen"),
              basis=("n_paren", "n_deelnemers", "n_populatie")),
         aantal("n_paren", grootheid=PAREN), aantal("n_deelnemers", grootheid="model/{uitkomst}/{pre}"),
         aantal("n_populatie", "Deelnemers in de imputatie",
                grootheid="mice/{uitkomst}/{pre}/{post}/populatie")],
        basis=("n_paren", "n_deelnemers", "n_populatie"),
    ),
    "opzet": Tabel(
        "Gebruikte keuzes: primaire uitkomst, voormeting, populatie van het uitvalmodel, uitgesloten "
        "kleine niveaus en de instellingen.",
        [sleutel("primaire_uitkomst"), sleutel("voormeting"),
         instelling("volledige_followup_dagen", dtype="Int64"),
         sleutel("gestart_tot", "Alleen wie vóór deze datum startte, telt mee in Tabel 1 en het model"),
         sleutel("uitgesloten_niveaus", "Niveaus met te weinig uitvallers of afronders voor het model"),
         sleutel("referentie"), sleutel("cohort"), instelling("km_stap_maanden", dtype="Int64"),
         instelling("mice_m", dtype="Int64"), instelling("seed", dtype="Int64")],
    ),
}


# ----------------------------------------------------------------------------- settings


def instellingen(config: dict[str, Any]) -> dict[str, Any]:
    """The ``uitval`` section of the validated config (defaults from the schema)."""
    return dict(config["uitval"])


def _titel(uitkomst: str) -> str:
    if uitkomst == "pg_totaal":
        return PG_TOTAAL_TITEL
    alle = woordenboek.uitkomsten()
    return alle[uitkomst].titel if uitkomst in alle else uitkomst


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

    Such a level cannot be estimated reliably (often complete separation): its
    participants are set to missing, so the complete-case model leaves them out. A
    predictor with fewer than two levels left is dropped from the model instead. Repeats
    until stable, as leaving out rows changes the counts of the other predictors.

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


def tabel1_publiceerbaar(t1: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Table 1 in releasable shape: missing values as their own rows (niveau 'onbekend').

    In :func:`evaluatie.uitval.vergelijk_uitvallers` every row carries
    ``n_ontbrekend``; here they become separate rows (``n`` = missing), so the levels and
    ``onbekend`` of a kenmerk add up to the group size (a relation the disclosure engine
    uses). ``n_noemer`` is the group size on every row and a categorical ``percentage`` is
    ``100 * n / n_noemer``. SMD and p-value are unchanged (missing values left out).
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
                toets="", status=u.OK, reden="")]))
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
    :func:`_kleine_niveaus`). Extra columns next to those of
    :func:`evaluatie.uitval.uitvalmodel`: ``label`` (readable predictor), ``per``
    (``"SD"`` for standardised continuous predictors), ``sd_predictor`` and
    ``gemiddelde_predictor`` (the SD and mean used), ``n_niveau`` (participants at a
    dummy's level, in the model).
    """
    inst = inst or instellingen(ctx.config)
    prim = ctx.primaire_uitkomst
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
    res["n_niveau"] = pd.array([int((compleet[p] == nv).sum()) if nv else pd.NA
                                for p, nv in zip(res["predictor"], res["niveau"], strict=True)],
                               dtype="Int64")
    for k in ("predictor", "niveau", "referentie"):
        res[k] = res[k].fillna("")
    return res, [f"{labels.get(k, k)} (geheel)" if nv == "alle niveaus" else f"{labels.get(k, k)}: {nv}"
                 for k, nv in weg]


def _gevoeligheid(ctx: Context, inst: dict[str, Any], prim: str) -> pd.DataFrame:
    """Completers and mixed model from ``voor_na``, multiple imputation computed here."""
    alpha = float(ctx.config["voor_na"]["alpha"])
    t0 = ctx.meetmomenten[0]
    m = ctx.metingen
    hoger = {**woordenboek.uitkomsten(), "pg_totaal": woordenboek.PG_TOTAAL}[prim].hoger_is_beter
    covs = [x for x in (_kolom(p, prim, t0, ctx.deelnemers, m) for p in inst["predictoren"]
                        if p != PRIMAIR and p != prim) if x is not None]
    kolommen = [k for k, _ in covs]
    uitkomsten = [c for c in m.columns if any(k == f"{c}_{t0}" for k in kolommen)]
    d = _baseline(ctx, uitkomsten)
    gestart = d[pd.to_datetime(d["startdatum"]).notna()]
    for k in kolommen:  # a rare level would be a near-empty dummy in the imputation model
        if not pd.api.types.is_numeric_dtype(d[k]):
            tel = gestart[k].value_counts()
            d.loc[d[k].isin(tel[tel < ctx.min_n].index), k] = None
    gepaard = ctx.resultaat("voor_na", "gepaard")
    gemengd = ctx.resultaat("voor_na", "gemengd_model")
    posten = [post for pre, post in ctx.config["voor_na"]["paren"] if pre == t0]
    rijen = []
    for post in posten:
        sel = lambda df, post=post: df[(df["uitkomst"] == prim) & (df["pre"] == t0)  # noqa: E731
                                       & (df["post"] == post)]
        c = sel(gepaard)
        if len(c):
            r = c.iloc[0]
            se = r["sd_verschil"] / np.sqrt(r["n_paren"]) if r["n_paren"] else np.nan
            rijen.append(dict(methode="completers", uitkomst=prim, pre=t0, post=post,
                              schatting=r["verschil"], se=se, ci95_onder=r["ci95_onder"],
                              ci95_boven=r["ci95_boven"], df=r["df"], p=r["p"],
                              p_gecorrigeerd=r["p_gecorrigeerd"], oordeel=r["oordeel"],
                              richting=r["richting"], n_paren=r["n_paren"], status=r["status"],
                              reden=r["reden"]))
        g = sel(gemengd)
        if len(g):
            r = g.iloc[0]
            rijen.append(dict(methode="gemengd_model", uitkomst=prim, pre=t0, post=post,
                              schatting=r["schatting"], se=r["se"], ci95_onder=r["ci95_onder"],
                              ci95_boven=r["ci95_boven"], df=r["df"], p=r["p"],
                              p_gecorrigeerd=r["p_gecorrigeerd"], oordeel=r["oordeel"],
                              richting=r["richting"], n_deelnemers=r["n_deelnemers"],
                              status=r["status"], reden=r["reden"]))
        imp = u.meervoudige_imputatie(m, d, prim, pre=t0, post=post, covariaten=kolommen,
                                      m=int(inst["mice_m"]), seed=int(inst["seed"])).iloc[0]
        rijen.append(dict(methode="meervoudige_imputatie", uitkomst=prim, pre=t0, post=post,
                          schatting=imp["schatting"], se=imp["se"], ci95_onder=imp["ci95_onder"],
                          ci95_boven=imp["ci95_boven"], df=imp["df"], p=imp["p"],
                          n_populatie=imp["n"], n_compleet=imp["n_compleet"],
                          m_imputaties=imp["m_imputaties"], status=imp["status"],
                          reden=imp["reden"]))
    tabel = pd.DataFrame(rijen)
    imp = (tabel["methode"] == "meervoudige_imputatie") & tabel["p"].notna()
    if imp.any():  # Holm over the primary outcome's comparisons, as in voor_na
        tabel.loc[imp, "p_gecorrigeerd"] = multipletests(tabel.loc[imp, "p"].to_numpy(float),
                                                         method="holm")[1]
    for i in tabel.index[tabel["methode"] == "meervoudige_imputatie"]:
        r = tabel.loc[i]
        tabel.loc[i, "richting"] = richting(r["schatting"], hoger)
        tabel.loc[i, "oordeel"] = oordeel(r["schatting"], hoger, p=r["p_gecorrigeerd"], alpha=alpha,
                                          ok=r["status"] == u.OK)
    return tabel


def _conclusie(gevoelig: pd.DataFrame) -> pd.DataFrame:
    rijen = []
    for (uitkomst, pre, post), g in gevoelig.groupby(["uitkomst", "pre", "post"], sort=False):
        oordelen = set(g["oordeel"].dropna())
        conclusie = ("niet_te_berekenen" if not oordelen or oordelen == {"niet_te_berekenen"}
                     else "gelijk" if len(oordelen - {"niet_te_berekenen"}) == 1 else "verschillend")
        rij = dict(uitkomst=uitkomst, pre=pre, post=post, conclusie=conclusie)
        for k in ("n_paren", "n_deelnemers", "n_populatie"):
            w = g[k].dropna() if k in g else []
            rij[k] = w.iloc[0] if len(w) else pd.NA
        rijen.append(rij)
    return pd.DataFrame(rijen)


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    inst = instellingen(ctx.config)
    d = _objecten(ctx.deelnemers)
    m = ctx.metingen
    t0 = ctx.meetmomenten[0]

    # 1. flow; a flow that does not add up stops the pipeline (StroomFout)
    stroom = u.deelnemersstroom(d, m, ctx.meetmomenten)
    u.controleer_stroom(stroom, d)

    # 2. rates, overall and per start cohort
    perc = pd.concat([
        u.uitvalpercentages(d).assign(indeling="totaal"),
        u.uitvalpercentages(d, per=inst["cohort"]).assign(indeling=inst["cohort"]),
    ], ignore_index=True)

    # 3. who drops out
    prim = ctx.primaire_uitkomst
    kenmerken: dict[str, str] = {}
    labels: dict[str, str] = {}
    for naam, soort in inst["kenmerken"].items():
        k = _kolom(naam, prim, t0, d, m)
        if k is not None:
            kenmerken[k[0]], labels[k[0]] = soort, k[1]
    uitkomsten = [c for c in m.columns if f"{c}_{t0}" in kenmerken]
    pop = populatie_uitval(ctx, _baseline(ctx, uitkomsten), inst)
    pop = _geordend(pop, list(kenmerken))
    model, weg = uitvalmodel_tabel(ctx, inst)
    tabel1 = tabel1_publiceerbaar(u.vergelijk_uitvallers(pop, kenmerken), labels)

    # 4. time to dropout, released at fixed times only
    km = u.km_op_vaste_tijden(u.kaplan_meier_uitval(d, _peildatum(ctx)),
                              stap_maanden=inst["km_stap_maanden"], min_n=ctx.min_n)

    # 5. sensitivity of the primary outcome to missing data
    if prim is None or prim not in m.columns:
        gevoelig = pd.DataFrame([dict(methode="", uitkomst="", pre=t0, post="", status=u.NIET,
                                      reden="Geen primaire uitkomst.")])
        conclusie = None
    else:
        gevoelig = _gevoeligheid(ctx, inst, prim)
        conclusie = _conclusie(gevoelig)

    dagen = inst.get("volledige_followup_dagen")
    opzet = pd.DataFrame([dict(
        primaire_uitkomst=prim or "", voormeting=t0, volledige_followup_dagen=dagen,
        gestart_tot=((_peildatum(ctx) - pd.Timedelta(days=int(dagen))).strftime("%Y-%m-%d")
                     if dagen else ""),
        uitgesloten_niveaus="; ".join(weg),
        referentie="; ".join(f"{k} = {v}" for k, v in (inst.get("referentie") or {}).items()),
        cohort=inst["cohort"], km_stap_maanden=inst["km_stap_maanden"],
        mice_m=inst["mice_m"], seed=inst["seed"])])
    ctx.vastleggen("stroom")
    ctx.vastleggen("wilson", cohort=inst["cohort"])
    ctx.vastleggen("kaplan_meier", stap_maanden=inst["km_stap_maanden"])
    ctx.vastleggen("tabel1_smd", kenmerken=list(kenmerken))
    ctx.vastleggen("uitvalmodel", predictoren=list(inst["predictoren"]))
    if conclusie is not None:
        ctx.vastleggen("gevoeligheid", uitkomst=prim, m=int(inst["mice_m"]), seed=int(inst["seed"]))
    kolommen_km = ["tijd_maanden", "tijd_dagen", "n_risico", "n_uitval_cum", "n_gecensureerd_cum",
                   "overleving", "ci95_onder", "ci95_boven", "status", "reden"]
    return {"stroom": stroom, "percentages": perc[[k for k in TABELLEN["percentages"].namen]],
            "tabel1": tabel1, "uitvalmodel": model, "km": km[kolommen_km],
            "gevoeligheid": gevoelig.reindex(columns=TABELLEN["gevoeligheid"].namen),
            "conclusie": conclusie, "opzet": opzet}


def primaire_uitkomst(ctx: Context) -> str | None:
    """The interventie's primary outcome (see :attr:`Context.primaire_uitkomst`)."""
    return ctx.primaire_uitkomst


__all__ = ["TABELLEN", "TITEL", "analyseer", "beschrijving", "primaire_uitkomst"]
