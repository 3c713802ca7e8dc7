"""Zorgkosten voor en na de start, verschil-in-verschillen en maatschappelijke businesscase.

Instellingen: configuratiesectie ``kosten`` (schema ``workflow/schemas/onderdelen/kosten.yaml``).
Alle statistiek staat in :mod:`evaluatie.kosten`; dit module koppelt de tabellen van de
interventie eraan en geeft tabellen onder hun specificatie (:data:`TABELLEN`).

Elke schatting wordt één keer berekend: de kostentabel heeft een rij per onderzoeksgroep ×
kostendomein, met één BCa-bootstrap (één generator per groep en domein) per rij; de
businesscase, de quintuple aim en de bevindingen nemen de getallen hieruit over.

De bedragen zijn sommen over personen: de specificatie geeft de onthullingscontrole de twee
grootste bijdragen per bedrag (hulpkolommen, nooit gepubliceerd) voor de dominantieregel, en
de relaties tussen domeinen, totaal en kwartalen.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from evaluatie import config as cfg
from evaluatie import kosten
from evaluatie.analyses import Context
from evaluatie.analyses.uitval import GESTART
from evaluatie.contract import (
    RijSom,
    Som,
    Tabel,
    aandeel,
    aantal,
    bedrag,
    code,
    hulp,
    instelling,
    sleutel,
    statistiek,
    tekst,
)
from evaluatie.fouten import ConfigFout
from evaluatie.oordeel import OORDELEN, RICHTINGEN, oordeel, richting

TITEL = "Zorgkosten en maatschappelijke businesscase"
GEBRUIKT = ["uitval"]

DEELNEMERS = "kosten/dln/{onderzoeksgroep}"
STATUS = ("ok", "niet_te_berekenen")
_RIJ = "{onderzoeksgroep}/{kostendomein}"


def _status() -> list:
    return [code("status", woorden=STATUS), tekst("reden")]


TABELLEN = {
    "kostentabel": Tabel(
        "Per onderzoeksgroep en kostendomein (en totaal): deelnemers en deelnemers met kosten, "
        "totalen voor/na, verschil en %-verschil, gemiddelden, gemiddeld verschil (na − voor) met "
        "BCa-bootstrap-95%-interval, gemiddeld verschil bij wie kosten in het domein had, medianen "
        "en aandeel zonder kosten (evaluatie.kosten.kostentabel).",
        [
            sleutel("onderzoeksgroep", "interventie of vergelijking"), sleutel("kostendomein"),
            aantal("n_deelnemers", "Deelnemers met een complete periode voor en na",
                   grootheid=DEELNEMERS, gewicht=20),
            aantal("n_met_kosten_voor", grootheid=f"kosten/met_voor/{_RIJ}"),
            aantal("n_met_kosten_na", grootheid=f"kosten/met_na/{_RIJ}"),
            aantal("n_met_kosten", "Met kosten voor of na", grootheid=f"kosten/met/{_RIJ}"),
            bedrag("totaal_voor", "Som van de kosten voor de start (€)", basis="n_deelnemers",
                   grootheid=f"kosten/voor/{_RIJ}", top=("_top1_voor", "_top2_voor")),
            bedrag("totaal_na", "Som van de kosten na de start (€)", basis="n_deelnemers",
                   grootheid=f"kosten/na/{_RIJ}", top=("_top1_na", "_top2_na")),
            statistiek("verschil", "totaal_na − totaal_voor (€)", basis="n_deelnemers",
                       volgt=("totaal_voor", "totaal_na")),
            statistiek("verschil_pct", basis="n_deelnemers", volgt=("totaal_voor", "totaal_na")),
            statistiek("gemiddeld_voor", basis="n_deelnemers", volgt=("totaal_voor",)),
            statistiek("gemiddeld_na", basis="n_deelnemers", volgt=("totaal_na",)),
            *[statistiek(k, basis="n_deelnemers", volgt=("totaal_voor", "totaal_na"))
              for k in ("gemiddeld_verschil", "ci95_onder", "ci95_boven")],
            statistiek("gemiddeld_verschil_per_deelnemer_met_domein", basis="n_met_kosten",
                       volgt=("totaal_voor", "totaal_na")),
            statistiek("mediaan_voor", basis="n_deelnemers"),
            statistiek("mediaan_na", basis="n_deelnemers"),
            aandeel("aandeel_nul_voor", "Aandeel zonder kosten voor (0–1)",
                    teller=f"kosten/zonder_voor/{_RIJ}", noemer="n_deelnemers", schaal=1),
            aandeel("aandeel_nul_na", "Aandeel zonder kosten na (0–1)",
                    teller=f"kosten/zonder_na/{_RIJ}", noemer="n_deelnemers", schaal=1),
            sleutel("ci_methode"), instelling("bootstrap_trekkingen", dtype="Int64"),
            instelling("seed", dtype="Int64"), *_status(),
            hulp("_top1_voor"), hulp("_top2_voor"), hulp("_top1_na"), hulp("_top2_na"),
        ],
        basis="n_deelnemers",
        relaties=[
            RijSom("n_deelnemers", ("n_met_kosten_voor",), rest=f"kosten/zonder_voor/{_RIJ}"),
            RijSom("n_deelnemers", ("n_met_kosten_na",), rest=f"kosten/zonder_na/{_RIJ}"),
            RijSom("n_deelnemers", ("n_met_kosten",), rest=f"kosten/geen/{_RIJ}"),
            RijSom("n_met_kosten", ("n_met_kosten_voor",), rest=f"kosten/alleen_na/{_RIJ}"),
            RijSom("n_met_kosten", ("n_met_kosten_na",), rest=f"kosten/alleen_voor/{_RIJ}"),
            Som("totaal_voor", "kosten/voor/{onderzoeksgroep}/totaal", per=("onderzoeksgroep",),
                waar={"!kostendomein": ("totaal",)}),
            Som("totaal_na", "kosten/na/{onderzoeksgroep}/totaal", per=("onderzoeksgroep",),
                waar={"!kostendomein": ("totaal",)}),
        ],
    ),
    "kwartalen": Tabel(
        "Totale zorgkosten per onderzoeksgroep per kwartaal t.o.v. de start: som, gemiddelde en SD "
        "per deelnemer met t-interval (evaluatie.kosten.kosten_per_kwartaal).",
        [
            sleutel("onderzoeksgroep"), sleutel("kwartaal", dtype="Int64"),
            sleutel("periode", "voor of na de start"),
            sleutel("venster_totaal", "Tellen de kwartalen op tot het totaal van de kostentabel",
                    dtype="boolean"),
            sleutel("kostendomein"),
            aantal("n", grootheid=DEELNEMERS, gewicht=20),
            bedrag("totaal_eur", basis="n", top=("_top1", "_top2")),
            statistiek("gemiddeld_eur", basis="n", volgt=("totaal_eur",)),
            *[statistiek(k, basis="n", volgt=("totaal_eur",)) for k in ("sd_eur", "ci95_onder",
                                                                          "ci95_boven")],
            *_status(), hulp("_top1"), hulp("_top2"),
        ],
        relaties=[Som("totaal_eur", "kosten/{periode}/{onderzoeksgroep}/totaal",
                      per=("onderzoeksgroep", "periode"), waar={"venster_totaal": ("True",)})],
    ),
    "verschil_in_verschillen": Tabel(
        "Verschil-in-verschillen per kostendomein met clusterrobuuste standaardfouten "
        "(evaluatie.kosten.verschil_in_verschillen); leeg zonder vergelijkingsgroep.",
        [
            sleutel("term"), sleutel("is_did", dtype="boolean"), sleutel("kostendomein"),
            *[statistiek(k) for k in ("schatting", "se", "ci95_onder", "ci95_boven", "t", "df", "p",
                                      "p_gecorrigeerd")],
            sleutel("correctie"), code("richting", woorden=RICHTINGEN),
            code("oordeel", woorden=OORDELEN),
            aantal("n_interventie", grootheid="kosten/dln/interventie", gewicht=20),
            aantal("n_vergelijking", grootheid="kosten/dln/vergelijking", gewicht=20),
            aantal("n_clusters"), sleutel("cluster"), *_status(),
        ],
        basis=("n_interventie", "n_vergelijking"),
        relaties=[RijSom("n_clusters", ("n_interventie", "n_vergelijking"),
                         waar={"cluster": ("pseudo_id",)})],
    ),
    "glm": Tabel(
        "Tweedelig model voor de kosten na de start (logit × Gamma-log) met de ingestelde "
        "covariaten (evaluatie.kosten.kosten_glm); leeg als kosten.glm null is.",
        [
            sleutel("deel"), sleutel("term"),
            *[statistiek(k) for k in ("coef", "se", "ratio", "ci95_onder", "ci95_boven",
                                      "statistiek", "df", "p", "dispersie")],
            code("toets", woorden=("t", "z", "")),
            aantal("n", "Deelnemers in dit deel van het model", grootheid="glm/{deel}"),
            *_status(),
        ],
        basis="n",
        relaties=[
            RijSom("kosten/dln/interventie", ("n",), rest="glm/buiten_model",
                   waar={"deel": ("kans_op_kosten",)}),
            RijSom("glm/kans_op_kosten", ("n",), rest="glm/zonder_kosten_na",
                   waar={"deel": ("kosten_indien_positief",)}),
            RijSom("kosten/met_na/interventie/totaal", ("n",), rest="glm/positief_buiten_model",
                   waar={"deel": ("kosten_indien_positief",)}),
        ],
    ),
    "businesscase": Tabel(
        "Aannames (met bron) en resultaten van de maatschappelijke businesscase "
        "(evaluatie.kosten.businesscase); leeg als er geen is ingesteld.",
        [
            sleutel("soort", "aanname of resultaat"), sleutel("onderdeel"), sleutel("omschrijving"),
            statistiek("waarde"), sleutel("eenheid"), tekst("bron", "Bron van de aanname"),
            aantal("n", "Gestarte deelnemers", grootheid=GESTART),
            aantal("n_kosten_interventie", "Deelnemers waarop een gemeten besparing rust",
                   grootheid="kosten/dln/interventie"),
            aantal("n_kosten_vergelijking", "Vergelijkingsgroep van een gemeten besparing",
                   grootheid="kosten/dln/vergelijking"),
            *_status(),
        ],
        basis=("n", "n_kosten_interventie", "n_kosten_vergelijking"),
    ),
    "uitsluitingen": Tabel(
        "Uitgesloten deelnemers en declaraties met reden en aantal.",
        [sleutel("eenheid", "deelnemer of declaratie"), sleutel("reden"), aantal("n")],
    ),
    "instellingen": Tabel(
        "De gebruikte instellingen (vensters, annualisering, prijsindexering, bootstrap).",
        [sleutel("onderdeel"), sleutel("waarde")],
    ),
}


def instellingen(config: dict[str, Any]) -> dict[str, Any]:
    """De sectie ``kosten`` van de gevalideerde configuratie (standaarden uit het schema)."""
    return dict(config["kosten"])


def prijsindex(k: dict[str, Any], config: dict[str, Any]) -> tuple[pd.DataFrame | None, int | None]:
    """The price index of ``kosten.prijsindex``; its ``bestand`` is relative to ``data.map``
    (checked to lie inside it by :func:`evaluatie.config.valideer`)."""
    instelling = k["prijsindex"]
    if instelling:
        instelling = {**instelling,
                      "bestand": str(cfg.invoerbestand(config, instelling["bestand"]))}
    try:
        return kosten.lees_prijsindex(instelling)
    except ValueError as e:
        raise ConfigFout(f"kosten.prijsindex: {e}") from None


def _kostentabel(per: pd.DataFrame, k: dict[str, Any], min_n: int) -> pd.DataFrame:
    """One row per onderzoeksgroep × domein, one bootstrap (own generator) per row."""
    t = kosten.kostentabel(per, seed=k["seed"], n_resamples=k["n_resamples"],
                           groep_kolom="onderzoeksgroep", min_n=min_n)
    return t.rename(columns={"n_resamples": "bootstrap_trekkingen",
                             "grootste_bijdrage_voor": "_top1_voor", "tweede_bijdrage_voor": "_top2_voor",
                             "grootste_bijdrage_na": "_top1_na", "tweede_bijdrage_na": "_top2_na"})


def _zeldzame_niveaus_weg(breed: pd.DataFrame, covariaten: list[str], min_n: int) -> pd.DataFrame:
    """Categorical covariate levels with fewer than ``min_n`` persons (in either part of the
    model) become missing, so complete cases leave them out, as in the dropout model: a
    coefficient would otherwise rest on a handful of people."""
    uit = breed.copy()
    positief = uit["kosten_na"] >= kosten.NUL_GRENS_EUR
    for c in covariaten:
        if c in uit and not pd.api.types.is_numeric_dtype(uit[c]):
            tel = pd.concat([uit[c].value_counts(), uit.loc[positief, c].value_counts()], axis=1)
            klein = tel.index[(tel.fillna(0) < min_n).any(axis=1)]
            uit.loc[uit[c].isin(klein), c] = None
    return uit


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    k = instellingen(ctx.config)
    bc_cfg = k["businesscase"] or {}
    onbekend = sorted(set(bc_cfg) - set(ctx.config["interventies"]))
    if onbekend:
        raise ConfigFout(f"kosten.businesscase: onbekende interventie(s) {onbekend}; "
                         f"kies uit {', '.join(ctx.config['interventies'])}")
    index, basisjaar = prijsindex(k, ctx.config)
    zk = ctx.tabel("zorgkosten", ook_vergelijking=True)
    instel = _instellingen_tabel(k, ctx.config["peildatum"], basisjaar)
    if zk is None:
        return {"instellingen": instel}

    dln = ctx.deelnemers_alle.copy()
    dln["onderzoeksgroep"] = dln["onderzoeksgroep"].fillna("interventie")
    res = kosten.kosten_per_deelnemer(zk, dln, k["maanden_voor"], k["maanden_na"], index, basisjaar,
                                      peildatum=ctx.config["peildatum"],
                                      gegevens_vanaf=k["gegevens_vanaf"])
    per = res.kosten
    uit: dict[str, pd.DataFrame] = {"instellingen": instel, "uitsluitingen": res.uitsluitingen}
    if per[per["onderzoeksgroep"] == "interventie"].empty:
        return uit
    met_vergelijking = bool((per["onderzoeksgroep"] == "vergelijking").any())
    tabel = _kostentabel(per, k, ctx.min_n)
    uit["kostentabel"] = tabel
    ctx.vastleggen("kosten_bca", vensters=[k["maanden_voor"], k["maanden_na"]],
                   n_resamples=k["n_resamples"], seed=k["seed"],
                   prijsindex=bool(k["prijsindex"]))

    did = None
    if met_vergelijking:
        int_tabel = tabel[tabel["onderzoeksgroep"] == "interventie"]
        domeinen = int_tabel.loc[int_tabel["n_met_kosten"] > 0, "kostendomein"].tolist()
        did = pd.concat([kosten.verschil_in_verschillen(per, cluster=k["did_cluster"], kostendomein=d,
                                                        min_n_per_groep=ctx.min_n)
                         for d in domeinen], ignore_index=True)
        did = _did_oordeel(did, float(ctx.config["voor_na"]["alpha"]))
        uit["verschil_in_verschillen"] = did.drop(columns=["n_waarnemingen"])
        ctx.vastleggen("kosten_did", cluster=k["did_cluster"])

    if k["maanden_voor"] % 3 == 0 and k["maanden_na"] % 3 == 0:
        kw = kosten.kosten_per_kwartaal(
            zk, dln, k["maanden_voor"], k["maanden_na"], groep_kolom="onderzoeksgroep",
            prijsindex=index, basisjaar=basisjaar, peildatum=ctx.config["peildatum"],
            gegevens_vanaf=k["gegevens_vanaf"])
        kw["periode"] = np.where(kw["kwartaal"] < 0, "voor", "na")
        # the quarters add up to the window totals of the cost table unless those are annualised
        kw["venster_totaal"] = k["maanden_voor"] == k["maanden_na"]
        uit["kwartalen"] = kw.rename(columns={"grootste_bijdrage": "_top1", "tweede_bijdrage": "_top2"})

    if k["glm"]:
        covs = list(k["glm"])
        kenmerken = [c for c in covs if c in dln.columns and c != "onderzoeksgroep"]
        breed = kosten.kosten_breed(per[per["onderzoeksgroep"] == "interventie"],
                                    dln[["pseudo_id", *kenmerken]])
        breed = _zeldzame_niveaus_weg(breed, covs, ctx.min_n)
        uit["glm"] = kosten.kosten_glm(breed, covs, min_n=max(20, ctx.min_n))
        ctx.vastleggen("kosten_glm", covariaten=covs)

    if ctx.interventie in bc_cfg:
        uit["businesscase"] = _businesscase(ctx, bc_cfg[ctx.interventie], tabel, did)
        ctx.vastleggen("businesscase")
    return uit


def _did_oordeel(did: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Verdict on each DiD estimate (lower costs are better): the total as the primary cost
    estimate (no correction), the domains with Benjamini–Hochberg."""
    did = did.copy()
    did["p_gecorrigeerd"] = np.nan
    did["correctie"] = ""
    rij = did["is_did"] & did["p"].notna()
    tot = rij & (did["kostendomein"] == kosten.TOTAAL)
    dom = rij & ~tot
    did.loc[tot, "p_gecorrigeerd"] = did.loc[tot, "p"]
    did.loc[tot, "correctie"] = "geen"
    if dom.any():
        did.loc[dom, "p_gecorrigeerd"] = multipletests(did.loc[dom, "p"].to_numpy(float),
                                                       method="fdr_bh")[1]
        did.loc[dom, "correctie"] = "bh"
    did["richting"] = [richting(x, False) if d else "" for x, d in zip(did["schatting"], did["is_did"],
                                                                         strict=True)]
    did["oordeel"] = [oordeel(x, False, p=p, alpha=alpha, ok=s == kosten.OK) if d else ""
                      for x, p, s, d in zip(did["schatting"], did["p_gecorrigeerd"], did["status"],
                                            did["is_did"], strict=True)]
    return did


def _businesscase(ctx: Context, bc: dict[str, Any], tabel: pd.DataFrame,
                  did: pd.DataFrame | None) -> pd.DataFrame | None:
    n = int(ctx.deelnemers["startdatum"].notna().sum())
    if n == 0:
        return None
    gemeten, n_i, n_v = None, pd.NA, pd.NA
    if bc.get("gemeten_besparing", True):
        r_did = did[(did["kostendomein"] == kosten.TOTAAL) & did["is_did"]] if did is not None else []
        if len(r_did) and r_did.iloc[0]["status"] == kosten.OK:
            r = r_did.iloc[0]
            gemeten = {"per_deelnemer": -r["schatting"], "ci95_onder": -r["ci95_boven"],
                       "ci95_boven": -r["ci95_onder"],
                       "bron": "gemeten: verschil-in-verschillen t.o.v. de vergelijkingsgroep"}
            n_i, n_v = r["n_interventie"], r["n_vergelijking"]
        else:
            r = tabel[(tabel["kostendomein"] == kosten.TOTAAL)
                      & (tabel["onderzoeksgroep"] == "interventie")].iloc[0]
            if pd.notna(r["ci95_onder"]):
                gemeten = {"per_deelnemer": -r["gemiddeld_verschil"], "ci95_onder": -r["ci95_boven"],
                           "ci95_boven": -r["ci95_onder"],
                           "bron": "gemeten: voor − na zonder vergelijkingsgroep (geen causaal effect)"}
                n_i = r["n_deelnemers"]
    mbc = kosten.businesscase(n, bc["interventiekosten"], bc.get("vermeden_zorg", []), gemeten)
    mbc = mbc[mbc["onderdeel"] != "n_deelnemers"].reset_index(drop=True)  # the count is column n
    gemeten_rij = mbc["onderdeel"].str.contains("gemeten")
    mbc["n_kosten_interventie"] = pd.array([n_i if g else pd.NA for g in gemeten_rij], dtype="Int64")
    mbc["n_kosten_vergelijking"] = pd.array([n_v if g else pd.NA for g in gemeten_rij], dtype="Int64")
    return mbc


def _instellingen_tabel(k: dict[str, Any], peildatum: str, basisjaar: int | None) -> pd.DataFrame:
    gelijk = k["maanden_voor"] == k["maanden_na"]
    index = k["prijsindex"]
    rijen = [
        ("venster_voor", f"{k['maanden_voor']} maanden voor de start"),
        ("venster_na", f"{k['maanden_na']} maanden vanaf de start"),
        ("annualisering", "niet nodig, want beide vensters zijn even lang" if gelijk else
         "bedragen omgerekend naar een jaarbedrag (bedrag in het venster × 12 / maanden)"),
        ("prijsindexering", "geen; bedragen zijn in prijzen van het jaar waarin de zorg is geleverd"
         if not index else f"alle bedragen in prijzen van {basisjaar}"
         + (f" (index: {index.get('bron')})" if index.get("bron") else "")),
        ("peildatum", str(peildatum)),
        ("gegevens_vanaf", str(k["gegevens_vanaf"] or "")),
        ("bootstrap", f"BCa, {k['n_resamples']} trekkingen, seed {k['seed']}"),
        ("did_cluster", k["did_cluster"]),
        ("glm_covariaten", ", ".join(k["glm"]) if k["glm"] else ""),
    ]
    return pd.DataFrame(rijen, columns=["onderdeel", "waarde"])
