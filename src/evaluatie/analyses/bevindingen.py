"""Bevindingen: the findings of one interventie, computed once, read by every report.

One row per outcome, in a fixed order: the primary outcome (``interventies.<code>
.primaire_uitkomst``), then the secondary outcomes, then the headline cost estimate. Every
row holds the estimate of the **primary estimand** as the config declares it once
(section ``bevindingen``: the estimator and the window), its 95% CI, the corrected p, the
direction and the verdict, copied from the table that computed them (column ``bron``):
no estimate is computed twice, and no report decides a verdict.

Where a comparison group exists, the headline cost estimate is the difference in
differences (``schatter = kosten_did``); the pre/post change of the intervention group
stands beside it (``rol = naast``). The same holds for health outcomes when the comparison
group was measured on them (``schatter = did_gemengd_model``, table
``voor_na/gemengd_model_did``; see :func:`evaluatie.prepost.gemengd_model_did`): the DiD
row takes the outcome's role and the estimate of the configured estimator follows it as
``naast``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from evaluatie import woordenboek
from evaluatie.analyses import Context
from evaluatie.analyses.voor_na import MODEL, PAREN
from evaluatie.contract import Tabel, aantal, code, instelling, sleutel, statistiek, tekst
from evaluatie.oordeel import OORDELEN, RICHTINGEN

TITEL = "Bevindingen"
GEBRUIKT = ["voor_na", "kosten"]

ROLLEN = ("primair", "secundair", "kosten", "naast")
SCHATTERS = ("gemengd_model", "completers", "did_gemengd_model", "kosten_did", "kosten_voor_na")
KOSTEN = "zorgkosten_totaal"

TABELLEN = {
    "bevindingen": Tabel(
        "De bevindingen: per uitkomst de schatting van de primaire schatter (bevindingen.schatter, "
        "venster bevindingen.pre–post) met 95%-BI, gecorrigeerde p, richting en oordeel; de "
        "primaire uitkomst eerst, dan de secundaire, dan de zorgkosten (met een "
        "vergelijkingsgroep het verschil-in-verschillen, met de voor/na-verandering ernaast).",
        [
            sleutel("rol", "primair, secundair, kosten of naast (naast een hoofdschatting)"),
            sleutel("domein", "gezondheid of kosten"),
            sleutel("uitkomst", "Uitkomst (woordenboek), of zorgkosten_totaal"),
            sleutel("pre"), sleutel("post"),
            sleutel("schatter", f"Welke schatting: {', '.join(SCHATTERS)}"),
            sleutel("bron", "Tabel waarin deze schatting is berekend"),
            sleutel("hoger_is_beter", dtype="boolean"),
            # copies of the estimates: like their source, a completers row reveals its count,
            # a model row does not
            *[statistiek(k, onthult=("n_paren",)) for k in ("schatting", "ci95_onder", "ci95_boven",
                                                           "p", "p_gecorrigeerd")],
            sleutel("correctie", "holm (primair), bh (secundair), geen"),
            instelling("alpha"),
            code("richting", woorden=RICHTINGEN), code("oordeel", woorden=OORDELEN),
            aantal("n_deelnemers", "Deelnemers met metingen (gemengd model)", grootheid=MODEL),
            aantal("n_paren", "Completers", grootheid=PAREN, gewicht=20),
            aantal("n_vergelijking", "Vergelijkingsgroep in het gemengde model (verschil-in-verschillen)",
                   grootheid="model_vergelijking/{uitkomst}/{pre}"),
            aantal("n_kosten_interventie", "Interventiegroep met kostengegevens",
                   grootheid="kosten/dln/interventie", gewicht=20),
            aantal("n_kosten_vergelijking", "Vergelijkingsgroep met kostengegevens",
                   grootheid="kosten/dln/vergelijking", gewicht=20),
            code("status", woorden=("ok", "niet_te_berekenen")), tekst("reden"),
        ],
        basis=("n_deelnemers", "n_paren", "n_vergelijking", "n_kosten_interventie",
               "n_kosten_vergelijking"),
    ),
}


def _gezondheid(ctx: Context, schatter: str, pre: str, post: str, alpha: float) -> list[dict[str, Any]]:
    gemengd = ctx.resultaat("voor_na", "gemengd_model")
    gepaard = ctx.resultaat("voor_na", "gepaard")
    if gemengd is None or gepaard is None or not len(gepaard):
        return []
    prim = ctx.primaire_uitkomst
    uitkomsten = list(dict.fromkeys(gepaard["uitkomst"]))
    if prim in uitkomsten:
        uitkomsten = [prim, *[u for u in uitkomsten if u != prim]]
    alle = {**woordenboek.uitkomsten(), "pg_totaal": woordenboek.PG_TOTAAL}
    did = ctx.resultaat("voor_na", "gemengd_model_did")
    rijen = []
    for u in uitkomsten:
        rol = "primair" if u == prim else "secundair"
        basis = dict(rol=rol, domein="gezondheid", uitkomst=u, pre=pre, post=post,
                     hoger_is_beter=alle[u].hoger_is_beter if u in alle else True, alpha=alpha)
        if schatter == "gemengd_model":
            r = gemengd[(gemengd["uitkomst"] == u) & (gemengd["pre"] == pre) & (gemengd["post"] == post)]
            if not len(r):
                continue
            r = r.iloc[0]
            rijen.append({**basis, "schatter": "gemengd_model", "bron": "voor_na/gemengd_model",
                          "schatting": r["schatting"], "ci95_onder": r["ci95_onder"],
                          "ci95_boven": r["ci95_boven"], "p": r["p"],
                          "p_gecorrigeerd": r["p_gecorrigeerd"], "correctie": r["correctie"],
                          "richting": r["richting"], "oordeel": r["oordeel"],
                          "n_deelnemers": r["n_deelnemers"], "status": r["status"],
                          "reden": r["reden"]})
        else:
            r = gepaard[(gepaard["uitkomst"] == u) & (gepaard["pre"] == pre) & (gepaard["post"] == post)]
            if not len(r):
                continue
            r = r.iloc[0]
            rijen.append({**basis, "schatter": "completers", "bron": "voor_na/gepaard",
                          "schatting": r["verschil"], "ci95_onder": r["ci95_onder"],
                          "ci95_boven": r["ci95_boven"], "p": r["p"],
                          "p_gecorrigeerd": r["p_gecorrigeerd"], "correctie": r["correctie"],
                          "richting": r["richting"], "oordeel": r["oordeel"], "n_paren": r["n_paren"],
                          "status": r["status"], "reden": r["reden"]})
        d = did[(did["uitkomst"] == u) & (did["pre"] == pre) & (did["post"] == post)] \
            if did is not None and len(did) and rijen and rijen[-1]["uitkomst"] == u else []
        if len(d):
            # a measured comparison group: the DiD is the headline, the pre/post change beside it
            d = d.iloc[0]
            rijen[-1] = {**rijen[-1], "rol": "naast"}
            rijen.insert(len(rijen) - 1, {
                **basis, "schatter": "did_gemengd_model", "bron": "voor_na/gemengd_model_did",
                "schatting": d["schatting"], "ci95_onder": d["ci95_onder"],
                "ci95_boven": d["ci95_boven"], "p": d["p"], "p_gecorrigeerd": d["p_gecorrigeerd"],
                "correctie": d["correctie"], "richting": d["richting"], "oordeel": d["oordeel"],
                "n_deelnemers": d["n_interventie"], "n_vergelijking": d["n_vergelijking"],
                "status": d["status"], "reden": d["reden"]})
    return rijen


def _kosten(ctx: Context, alpha: float) -> list[dict[str, Any]]:
    kt = ctx.resultaat("kosten", "kostentabel")
    if kt is None or not len(kt):
        return []
    from evaluatie import kosten
    from evaluatie.oordeel import oordeel, richting

    k = ctx.config["kosten"]
    basis = dict(domein="kosten", uitkomst=KOSTEN, pre=f"{k['maanden_voor']} maanden voor",
                 post=f"{k['maanden_na']} maanden na", hoger_is_beter=False, alpha=alpha)
    t = kt[(kt["onderzoeksgroep"] == "interventie") & (kt["kostendomein"] == kosten.TOTAAL)]
    if not len(t):
        return []
    t = t.iloc[0]
    voor_na = {**basis, "schatter": "kosten_voor_na", "bron": "kosten/kostentabel",
               "schatting": t["gemiddeld_verschil"], "ci95_onder": t["ci95_onder"],
               "ci95_boven": t["ci95_boven"], "correctie": "geen",
               "richting": richting(t["gemiddeld_verschil"], False),
               "oordeel": oordeel(t["gemiddeld_verschil"], False,
                                  ci95=(t["ci95_onder"], t["ci95_boven"])),
               "n_kosten_interventie": t["n_deelnemers"], "status": t["status"], "reden": t["reden"]}
    did = ctx.resultaat("kosten", "verschil_in_verschillen")
    d = did[(did["kostendomein"] == kosten.TOTAAL) & did["is_did"].fillna(False).astype(bool)] \
        if did is not None and len(did) else []
    if not len(d):
        return [{**voor_na, "rol": "kosten"}]
    d = d.iloc[0]
    hoofd = {**basis, "rol": "kosten", "schatter": "kosten_did", "bron": "kosten/verschil_in_verschillen",
             "schatting": d["schatting"], "ci95_onder": d["ci95_onder"], "ci95_boven": d["ci95_boven"],
             "p": d["p"], "p_gecorrigeerd": d["p_gecorrigeerd"], "correctie": d["correctie"],
             "richting": d["richting"], "oordeel": d["oordeel"],
             "n_kosten_interventie": d["n_interventie"], "n_kosten_vergelijking": d["n_vergelijking"],
             "status": d["status"], "reden": d["reden"]}
    return [hoofd, {**voor_na, "rol": "naast"}]


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    b = ctx.config["bevindingen"]
    alpha = float(ctx.config["voor_na"]["alpha"])
    rijen = _gezondheid(ctx, b["schatter"], b["pre"], b["post"], alpha) + _kosten(ctx, alpha)
    ctx.vastleggen("bevindingen", schatter=b["schatter"], pre=b["pre"], post=b["post"], alpha=alpha,
                   primaire_uitkomst=ctx.primaire_uitkomst or "")
    kolommen = TABELLEN["bevindingen"].namen
    return {"bevindingen": pd.DataFrame(rijen).reindex(columns=kolommen) if rijen else None}
