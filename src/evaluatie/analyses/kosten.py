"""Zorgkosten voor en na de start, verschil-in-verschillen en maatschappelijke businesscase.

Instellingen: configuratiesectie ``kosten`` (schema ``workflow/schemas/onderdelen/kosten.yaml``).
Alle statistiek staat in :mod:`evaluatie.kosten`; dit module koppelt de tabellen van de
interventie eraan en maakt de tabellen publiceerbaar (onderdrukking van kleine domeinen, ook
secundair, zodat een onderdrukt domein niet uit het totaal terug te rekenen is).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from evaluatie import disclosure, kosten
from evaluatie.analyses import Context
from evaluatie.fouten import ConfigFout

TITEL = "Zorgkosten en maatschappelijke businesscase"
TABELLEN = {
    "kostentabel": "Per kostendomein en totaal (interventiegroep): n_deelnemers, n met kosten, "
                   "totalen voor/na, verschil en %-verschil, gemiddelden, gemiddeld verschil (na − voor) "
                   "met BCa-bootstrap-95%-interval, gemiddeld verschil bij deelnemers met kosten in het "
                   "domein, medianen en aandeel zonder kosten (evaluatie.kosten.kostentabel); kleine "
                   "domeinen primair en secundair onderdrukt.",
    "groepen": "Totale kosten voor/na per onderzoeksgroep (alleen met vergelijkingsgroep); kolommen "
               "als kostentabel plus onderzoeksgroep.",
    "kwartalen": "Gemiddelde totale kosten per onderzoeksgroep per kwartaal t.o.v. de start, met "
                 "t-interval (evaluatie.kosten.kosten_per_kwartaal).",
    "verschil_in_verschillen": "Verschil-in-verschillen per kostendomein met clusterrobuuste "
                               "standaardfouten (evaluatie.kosten.verschil_in_verschillen); leeg "
                               "zonder vergelijkingsgroep.",
    "glm": "Tweedelig model voor de kosten na de start (logit × Gamma-log) met de ingestelde "
           "covariaten (evaluatie.kosten.kosten_glm); leeg als kosten.glm null is.",
    "businesscase": "Aannames en resultaten van de maatschappelijke businesscase "
                    "(evaluatie.kosten.businesscase); leeg als er geen is ingesteld.",
    "uitsluitingen": "Uitgesloten deelnemers en declaraties met reden en aantal.",
    "instellingen": "De gebruikte instellingen (vensters, annualisering, prijsindexering, bootstrap).",
}

_STATISTIEK = ["n_deelnemers", "n_met_kosten_voor", "n_met_kosten_na", "n_met_kosten",
               "totaal_voor", "totaal_na", "verschil", "verschil_pct", "gemiddeld_voor",
               "gemiddeld_na", "gemiddeld_verschil", "ci95_onder", "ci95_boven",
               "gemiddeld_verschil_per_deelnemer_met_domein", "mediaan_voor", "mediaan_na",
               "aandeel_nul_voor", "aandeel_nul_na"]


def instellingen(config: dict[str, Any]) -> dict[str, Any]:
    """De sectie ``kosten`` met standaardwaarden (ook als de schema-standaarden ontbreken)."""
    standaard = {"maanden_voor": 12, "maanden_na": 12, "gegevens_vanaf": None, "n_resamples": 2000,
                 "seed": 2026, "glm": None, "did_cluster": "pseudo_id", "prijsindex": None,
                 "businesscase": {}}
    return {**standaard, **(config.get("kosten") or {})}


def prijsindex(k: dict[str, Any]) -> tuple[pd.DataFrame | None, int | None]:
    try:
        return kosten.lees_prijsindex(k["prijsindex"])
    except ValueError as e:
        raise ConfigFout(f"kosten.prijsindex: {e}") from None


def onderdruk_domeinen(tabel: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Primaire onderdrukking plus secundaire: is precies één kostendomein onderdrukt, dan ook
    het domein met de minste deelnemers met kosten, zodat totaal − overige domeinen het
    onderdrukte domein niet prijsgeeft."""
    uit = disclosure.onderdruk(tabel, min_n)
    domein = uit["kostendomein"] != kosten.TOTAAL
    groepen = uit.groupby("onderzoeksgroep", sort=False) if "onderzoeksgroep" in uit else [(None, uit)]
    for _, sub in groepen:
        sub = sub[domein.loc[sub.index]]
        weg = sub[sub["onderdrukt"]]
        rest = sub[~sub["onderdrukt"] & (sub["n_met_kosten"] > 0)].sort_values("n_met_kosten")
        if len(weg) == 1 and len(rest):
            i = rest.index[0]
            uit.loc[i, [k for k in _STATISTIEK if k in uit]] = np.nan
            uit.loc[i, "onderdrukt"] = True
            uit.loc[i, "reden"] = "secundair onderdrukt (anders terug te rekenen uit het totaal)"
    return uit


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    k = instellingen(ctx.config)
    bc_cfg = k["businesscase"] or {}
    onbekend = sorted(set(bc_cfg) - set(ctx.config["interventies"]))
    if onbekend:
        raise ConfigFout(f"kosten.businesscase: onbekende interventie(s) {onbekend}; "
                         f"kies uit {', '.join(ctx.config['interventies'])}")
    index, basisjaar = prijsindex(k)
    leeg = {t: pd.DataFrame() for t in TABELLEN}
    zk = ctx.tabel("zorgkosten", ook_vergelijking=True)
    instel = _instellingen_tabel(k, ctx.config["peildatum"], basisjaar)
    if zk is None:
        return {**leeg, "instellingen": instel}

    dln = ctx.deelnemers_alle.copy()
    dln["onderzoeksgroep"] = dln["onderzoeksgroep"].fillna("interventie")
    res = kosten.kosten_per_deelnemer(zk, dln, k["maanden_voor"], k["maanden_na"], index, basisjaar,
                                      peildatum=ctx.config["peildatum"],
                                      gegevens_vanaf=k["gegevens_vanaf"])
    per = res.kosten
    per_int = per[per["onderzoeksgroep"] == "interventie"]
    met_vergelijking = bool((per["onderzoeksgroep"] == "vergelijking").any())
    uit: dict[str, pd.DataFrame] = {**leeg, "instellingen": instel,
                                    "uitsluitingen": res.uitsluitingen}
    if per_int.empty:
        return uit

    tabel = kosten.kostentabel(per_int, seed=k["seed"], n_resamples=k["n_resamples"], min_n=ctx.min_n)
    uit["kostentabel"] = onderdruk_domeinen(_hernoem(tabel), ctx.min_n)

    if met_vergelijking:
        tot = per[per["kostendomein"] == kosten.TOTAAL]
        groepen = kosten.kostentabel(tot, seed=k["seed"], n_resamples=k["n_resamples"],
                                     groep_kolom="onderzoeksgroep", min_n=ctx.min_n)
        uit["groepen"] = _hernoem(groepen)
        domeinen = tabel.loc[tabel["n_met_kosten"] > 0, "kostendomein"].tolist()
        uit["verschil_in_verschillen"] = pd.concat(
            [kosten.verschil_in_verschillen(per, cluster=k["did_cluster"], kostendomein=d,
                                            min_n_per_groep=ctx.min_n) for d in domeinen],
            ignore_index=True)

    if k["maanden_voor"] % 3 == 0 and k["maanden_na"] % 3 == 0:
        uit["kwartalen"] = kosten.kosten_per_kwartaal(
            zk, dln, k["maanden_voor"], k["maanden_na"], groep_kolom="onderzoeksgroep",
            prijsindex=index, basisjaar=basisjaar, peildatum=ctx.config["peildatum"],
            gegevens_vanaf=k["gegevens_vanaf"])

    if k["glm"]:
        covs = [c for c in k["glm"]]
        kenmerken = [c for c in covs if c in dln.columns and c != "onderzoeksgroep"]
        breed = kosten.kosten_breed(per_int, dln[["pseudo_id", *kenmerken]])
        uit["glm"] = kosten.kosten_glm(breed, covs, min_n=max(20, ctx.min_n))

    if ctx.interventie in bc_cfg:
        uit["businesscase"] = _businesscase(ctx, bc_cfg[ctx.interventie], tabel,
                                            uit["verschil_in_verschillen"])
    return uit


def _hernoem(tabel: pd.DataFrame) -> pd.DataFrame:
    # n_resamples is geen aantal personen: niet onder de telconventie van disclosure laten vallen
    return tabel.rename(columns={"n_resamples": "bootstrap_trekkingen"})


def _businesscase(ctx: Context, bc: dict[str, Any], tabel: pd.DataFrame,
                  did: pd.DataFrame) -> pd.DataFrame:
    n = int(ctx.deelnemers["startdatum"].notna().sum())
    if n == 0:
        return pd.DataFrame()
    gemeten = None
    if bc.get("gemeten_besparing", True):
        r_did = did[(did.get("kostendomein") == kosten.TOTAAL) & did["is_did"]] if len(did) else did
        if len(r_did) and r_did.iloc[0]["status"] == kosten.OK:
            r = r_did.iloc[0]
            gemeten = {"per_deelnemer": -r["schatting"], "ci95_onder": -r["ci95_boven"],
                       "ci95_boven": -r["ci95_onder"],
                       "bron": "gemeten: verschil-in-verschillen t.o.v. de vergelijkingsgroep"}
        else:
            r = tabel[tabel["kostendomein"] == kosten.TOTAAL].iloc[0]
            if pd.notna(r["ci95_onder"]):
                gemeten = {"per_deelnemer": -r["gemiddeld_verschil"], "ci95_onder": -r["ci95_boven"],
                           "ci95_boven": -r["ci95_onder"],
                           "bron": "gemeten: voor − na zonder vergelijkingsgroep (geen causaal effect)"}
    return kosten.businesscase(n, bc["interventiekosten"], bc.get("vermeden_zorg", []), gemeten)


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
