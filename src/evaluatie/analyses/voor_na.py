"""Voor/na-vergelijkingen per uitkomst: completers, gemengd model, verandercategorieën, subgroepen.

Alle statistiek staat in :mod:`evaluatie.prepost` (gevalideerd tegen R); deze module kiest
uitkomsten, paren, drempels en subgroepen uit woordenboek en configuratie (sectie
``voor_na``, schema ``workflow/schemas/onderdelen/voor_na.yaml``), corrigeert voor
multipliciteit (Holm voor de primaire uitkomst, Benjamini–Hochberg voor de rest) en zet bij
elke toets de richting en het oordeel (:mod:`evaluatie.oordeel`, op de gecorrigeerde p).

De tabellen volgen hun specificatie in :data:`TABELLEN`; de onthullingscontrole gebeurt
daarna, voor de hele regio tegelijk (:mod:`evaluatie.disclosure`). Alleen de staarten van het
histogram worden hier samengevoegd tot open klassen met ten minste ``min_n`` deelnemers: een
grofheid van de indeling, geen onderdrukking.

Richting: verschillen zijn overal na − voor.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from evaluatie import beschrijving, prepost, woordenboek
from evaluatie.analyses import Context
from evaluatie.analyses.beschrijving import GEMETEN, GEMETEN_ALLE
from evaluatie.contract import (
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
from evaluatie.oordeel import OORDELEN, RICHTINGEN, oordeel

TITEL = "Voor/na-vergelijkingen"

#: Completers of an outcome between two meetmomenten (one quantity in several tables).
PAREN = "paren/{uitkomst}/{pre}/{post}"
STATUS = ("ok", "niet_te_berekenen")
CORRECTIES = ("holm", "bh", "")
TOETSEN = ("t (Satterthwaite)", "t (rand: variantie deelnemers 0, df = n − p)", "z (Wald)", "")
WILCOXON = ("exact", "normale benadering met continuïteitscorrectie",
            "niet te toetsen: alle verschillen zijn 0", "")


def _status() -> list:
    return [code("status", "ok of niet_te_berekenen", STATUS),
            tekst("reden", "Waarom niet te berekenen")]


def _oordeel_kolommen(onthult: bool = True) -> list:
    return [
        statistiek("p_gecorrigeerd", "p na correctie voor meervoudig toetsen", onthult=onthult),
        sleutel("correctie", "holm (primaire uitkomst) of bh (overige)"),
        code("richting", "Richting van de puntschatting: gunstig, ongunstig, geen_verschil",
             RICHTINGEN),
        code("oordeel", "Oordeel op de gecorrigeerde p: verbeterd, verslechterd, "
             "geen_aantoonbare_verandering, niet_te_berekenen", OORDELEN),
    ]


_PAAR = [sleutel("uitkomst", "Uitkomst (naam in het datawoordenboek, of pg_totaal)"),
         sleutel("pre", "Voormeting"), sleutel("post", "Nameting")]

#: Participants of an outcome's model: everyone with at least one value of it.
MODEL = "model/{uitkomst}/{pre}"

TABELLEN = {
    "instellingen": Tabel(
        "Per uitkomst: titel, eenheid, richting, primair, drempels (stabiliteitsband, klinisch "
        "relevante verbetering met bron, betrouwbaarheid voor de RCI), correctie en alpha.",
        [
            sleutel("uitkomst"), sleutel("titel", "Titel uit het woordenboek"),
            sleutel("eenheid", "Eenheid uit het woordenboek"),
            sleutel("hoger_is_beter", dtype="boolean"), sleutel("primair", dtype="boolean"),
            instelling("stabiliteitsband", "|na − voor| ≤ band telt als gelijk gebleven"),
            instelling("klinisch_relevant", "Klinisch relevante verbetering"),
            tekst("klinisch_relevant_bron", "Bron van de klinisch relevante verbetering"),
            instelling("betrouwbaarheid", "Betrouwbaarheid r_xx voor de Reliable Change Index"),
            sleutel("correctie", "holm of bh"), instelling("alpha", "Significantieniveau"),
        ],
    ),
    "gepaard": Tabel(
        "Completers per uitkomst en meetmomentpaar (na − voor): gemiddelden, verschil met 95%-BI, "
        "gepaarde t-toets, Wilcoxon-rangtekentoets, Cohen's d_z en Hedges' g_z met 95%-BI, d_av en "
        "g_av, gecorrigeerde p, richting en oordeel (evaluatie.prepost.gepaarde_vergelijking).",
        [
            *_PAAR,
            aantal("n_paren", "Completers: deelnemers met een waarde op voor én na", grootheid=PAREN,
                   gewicht=20),
            *[statistiek(k) for k in ("gemiddelde_pre", "sd_pre", "gemiddelde_post", "sd_post",
                                      "verschil", "sd_verschil", "ci95_onder", "ci95_boven", "t",
                                      "df", "p", "wilcoxon_v", "p_wilcoxon", "cohens_dz",
                                      "dz_ci95_onder", "dz_ci95_boven", "hedges_gz",
                                      "gz_ci95_onder", "gz_ci95_boven", "cohens_dav",
                                      "hedges_gav")],
            code("wilcoxon_methode", "Exact of normale benadering", WILCOXON),
            sleutel("hoger_is_beter", dtype="boolean"), sleutel("primair", dtype="boolean"),
            *_oordeel_kolommen(), *_status(),
        ],
        basis="n_paren",
        relaties=[
            Som("n_paren", GEMETEN_ALLE.replace("{meetmoment}", "{pre}"), per=("uitkomst", "pre", "post"),
                rest="alleen_voor/{uitkomst}/{pre}/{post}"),
            Som("n_paren", GEMETEN_ALLE.replace("{meetmoment}", "{post}"), per=("uitkomst", "pre", "post"),
                rest="alleen_na/{uitkomst}/{pre}/{post}"),
        ],
    ),
    "gemengd_model": Tabel(
        "Primaire analyse op alle beschikbare metingen: lineair gemengd model (random intercept per "
        "deelnemer, meetmoment vast, covariaten uit de configuratie), REML, Satterthwaite-df. Per "
        "uitkomst en paar de geschatte verandering na − voor met 95%-BI, p, gecorrigeerde p, "
        "richting en oordeel (evaluatie.prepost.gemengd_model).",
        [
            *_PAAR,
            # a model estimate does not give the number of people away (unlike a mean with its
            # SD and t-interval): it stays when that number is hidden but at least min_n
            *[statistiek(k, onthult=False) for k in ("schatting", "se", "df", "t", "p", "ci95_onder",
                                                     "ci95_boven")],
            code("toets", "Soort toets", TOETSEN),
            aantal("n_deelnemers", "Deelnemers met ten minste één meting van de uitkomst (het model "
                   "gebruikt wie daarvan ook de covariaten heeft)", grootheid=MODEL),
            statistiek("sigma2_deelnemer", "Variantie tussen deelnemers", onthult=False),
            statistiek("sigma2_residu", "Residuele variantie", onthult=False),
            sleutel("covariaten", "Covariaten (uit de configuratie)"),
            tekst("waarschuwing", "Melding van de schatter"),
            sleutel("primair", dtype="boolean"),
            *_oordeel_kolommen(onthult=False), *_status(),
        ],
        # the model's observation counts are not released: with the counts per meetmoment
        # and the completers they would give away who was measured at one moment only
        basis=("n_deelnemers",),
        # everyone measured at the voormeting is in it, and those measured only later
        relaties=[RijSom("n_deelnemers", (GEMETEN_ALLE.replace("{meetmoment}", "{pre}"),),
                         rest="zonder_voormeting/{uitkomst}/{pre}")],
    ),
    "gemengd_model_did": Tabel(
        "Alleen met een vergelijkingsgroep die gemeten is: verschil-in-verschillen op alle "
        "metingen, het gemengde model met groep × meetmoment (random intercept per deelnemer, "
        "covariaten uit de configuratie), REML, Satterthwaite-df. Per uitkomst en paar de "
        "verandering na − voor in de interventiegroep min die in de vergelijkingsgroep, met 95%-BI, "
        "p, gecorrigeerde p, richting en oordeel (evaluatie.prepost.gemengd_model_did).",
        [
            *_PAAR,
            *[statistiek(k, onthult=False) for k in ("schatting", "se", "df", "t", "p", "ci95_onder",
                                                     "ci95_boven")],
            code("toets", "Soort toets", TOETSEN),
            # the intervention group of this model is that of gemengd_model: the same people
            aantal("n_interventie", "Interventiegroep: deelnemers met ten minste één meting",
                   grootheid=MODEL),
            aantal("n_vergelijking", "Vergelijkingsgroep: deelnemers met ten minste één meting",
                   grootheid="model_vergelijking/{uitkomst}/{pre}"),
            statistiek("sigma2_deelnemer", "Variantie tussen deelnemers", onthult=False),
            statistiek("sigma2_residu", "Residuele variantie", onthult=False),
            sleutel("covariaten", "Covariaten (uit de configuratie)"),
            tekst("waarschuwing", "Melding van de schatter"),
            sleutel("primair", dtype="boolean"),
            *_oordeel_kolommen(onthult=False), *_status(),
        ],
        basis=("n_interventie", "n_vergelijking"),
    ),
    "verandercategorieen": Tabel(
        "Individuele verandering bij completers per uitkomst, paar en indeling (verandering: "
        "toegenomen/gelijk/afgenomen; klinisch_relevant; betrouwbare_verandering volgens "
        "Jacobson–Truax): aantal, percentage en drempel (evaluatie.prepost.verandercategorieen).",
        [
            *_PAAR, sleutel("indeling"), sleutel("categorie"),
            aantal("n_categorie", "Completers in de categorie"),
            aantal("n_totaal", "Completers (noemer)", grootheid=PAREN, gewicht=20),
            aandeel("percentage", "100 · n_categorie / n_totaal", teller="n_categorie",
                    noemer="n_totaal"),
            statistiek("drempel", "Grens in eenheden van de uitkomst (bij de RCI: 1,96 · S_diff)",
                       basis="n_totaal"),
            # whether the indeling could be made at all (not a property of one category)
            sleutel("status", "ok of niet_te_berekenen (de hele indeling)"), tekst("reden"),
        ],
        basis="n_categorie",
        relaties=[Som("n_categorie", PAREN, per=("uitkomst", "pre", "post", "indeling"),
                      waar={"status": ("ok",)})],
    ),
    "subgroepen": Tabel(
        "Per uitkomst, paar en subgroepkenmerk: gepaard verschil met 95%-BI per niveau "
        "(onderdeel = subgroep) en de interactietoets (onderdeel = interactie: F, p, gecorrigeerde "
        "p; niveaus met minder dan min_n paren zijn daarvoor samengevoegd, zie niveaus_samengevoegd) "
        "(evaluatie.prepost.subgroep_analyse).",
        [
            sleutel("uitkomst"), sleutel("subgroep"), sleutel("niveau"), sleutel("pre"),
            sleutel("post"), sleutel("onderdeel", "subgroep of interactie"),
            aantal("n_paren", "Completers in het niveau (interactie: in de toets)",
                   grootheid="paren/{uitkomst}/{pre}/{post}/{subgroep}/{onderdeel}/{niveau}"),
            *[statistiek(k) for k in ("verschil", "ci95_onder", "ci95_boven", "p", "f", "df_teller",
                                      "df_noemer")],
            *_status(),
            statistiek("p_gecorrigeerd", "p na correctie (alleen de interactietoets)"),
            sleutel("correctie"),
            sleutel("niveaus_samengevoegd", "Niveaus die voor de interactietoets zijn samengevoegd"),
        ],
        basis="n_paren",
        relaties=[
            Som("n_paren", PAREN, per=("uitkomst", "subgroep", "pre", "post"),
                waar={"onderdeel": ("subgroep",)}, rest="paren/{uitkomst}/{pre}/{post}/{subgroep}/onbekend"),
            # the test keeps everyone with a known level: its n is the sum of the levels
            Som("n_paren", "paren/{uitkomst}/{pre}/{post}/{subgroep}/interactie/",
                per=("uitkomst", "subgroep", "pre", "post"), waar={"onderdeel": ("subgroep",)}),
        ],
    ),
    "gemiddelden": Tabel(
        "Per uitkomst en meetmoment: n, gemiddelde, sd en 95%-BI (t); na de voormeting alleen "
        "deelnemers die ook op de voormeting gemeten zijn (voor het verloop en het spinnenweb).",
        [
            sleutel("uitkomst"), sleutel("meetmoment"),
            sleutel("populatie", "alle (voormeting) of met_voormeting (latere meetmomenten)"),
            aantal("n", "Deelnemers met een waarde", grootheid=GEMETEN, gewicht=5),
            *[statistiek(k) for k in ("gemiddelde", "sd", "ci95_onder", "ci95_boven")],
            *_status(),
        ],
        basis="n",
    ),
    "histogram": Tabel(
        "Verdeling van de verandering na − voor bij completers per uitkomst en paar: klassen "
        "[klasse_onder, klasse_boven) met hun aantal; de open staartklassen (een grens leeg) "
        "bevatten ten minste min_n deelnemers.",
        [
            *_PAAR, sleutel("klasse", "Volgnummer van de klasse", dtype="Int64"),
            statistiek("klasse_onder", "Ondergrens (leeg: open klasse)", basis="n_totaal"),
            statistiek("klasse_boven", "Bovengrens (leeg: open klasse)", basis="n_totaal"),
            statistiek("klassebreedte", "Breedte van de klassen", basis="n_totaal"),
            aantal("n", "Completers in de klasse"),
            aantal("n_totaal", "Completers", grootheid=PAREN, gewicht=20),
        ],
        relaties=[Som("n", PAREN, per=("uitkomst", "pre", "post"))],
    ),
}

_KENMERKEN = ("geslacht", "leeftijd_start", "ses_groep", "ses_score", "verwijzer", "wijk")


# ---------------------------------------------------------------------------------------------
# Instellingen
# ---------------------------------------------------------------------------------------------
def instellingen(config: dict[str, Any]) -> dict[str, Any]:
    """De sectie ``voor_na`` van de gevalideerde configuratie (standaarden uit het schema)."""
    return dict(config["voor_na"])


def _mooie_breedte(x: float) -> float:
    """Afronden naar 1, 2, 2,5 of 5 maal een macht van 10."""
    if not x > 0 or not math.isfinite(x):
        return 1.0
    macht = 10.0 ** math.floor(math.log10(x))
    for f in (1.0, 2.0, 2.5, 5.0, 10.0):
        if x <= f * macht * 1.0000001:
            return f * macht
    return 10.0 * macht


def klassebreedte(verschillen: np.ndarray) -> float:
    """Standaard klassebreedte voor het histogram van verschillen.

    Gehele verschillen (bijv. ervaren gezondheid, rapportcijfer): 1. Anders ongeveer een
    zesde van het bereik van het 5e tot het 95e percentiel, afgerond op 1/2/2,5/5 x 10^k:
    grof genoeg dat de meeste klassen ten minste ``min_n`` deelnemers bevatten.
    """
    d = np.asarray(verschillen, dtype=float)
    d = d[np.isfinite(d)]
    if d.size == 0:
        return 1.0
    if np.allclose(d, np.round(d)):
        return 1.0
    q05, q95 = np.quantile(d, [0.05, 0.95])
    return _mooie_breedte((q95 - q05) / 6)


def uitkomst_instellingen(uitkomsten: list[str], inst: dict[str, Any], primair: str | None
                          ) -> dict[str, dict[str, Any]]:
    """Per uitkomst: richting, primair en drempels (woordenboek, overschreven door config)."""
    alle = {**woordenboek.uitkomsten(), "pg_totaal": woordenboek.PG_TOTAAL}
    uit: dict[str, dict[str, Any]] = {}
    for u in uitkomsten:
        w = alle[u]
        eigen = {k: v for k, v in (inst["per_uitkomst"].get(u) or {}).items() if v is not None}
        bron = " ".join((w.klinisch_relevant_bron or "").split())
        klinisch = eigen.get("klinisch_relevant", w.klinisch_relevant)
        if "klinisch_relevant" in eigen:
            bron = eigen.get("klinisch_relevant_bron", "configuratie (voor_na.per_uitkomst)")
        uit[u] = {
            "titel": w.titel, "eenheid": w.eenheid, "hoger_is_beter": w.hoger_is_beter,
            "primair": u == primair,
            "stabiliteitsband": float(eigen.get("stabiliteitsband", w.stabiliteitsband)),
            "klinisch_relevant": klinisch,
            "klinisch_relevant_bron": bron if klinisch is not None else "",
            "betrouwbaarheid": eigen.get("betrouwbaarheid", w.betrouwbaarheid),
            "klassebreedte": eigen.get("klassebreedte"),
        }
    return uit


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------
def leeftijdsgroep(leeftijd: pd.Series, grenzen: list[float]) -> pd.Series:
    """Leeftijdsgroep uit grenzen (ondergrenzen van de 2e, 3e, ... groep), als Categorical.

    Grenzen [45, 65] geven "jonger dan 45 jaar", "45 tot 65 jaar", "65 jaar en ouder".
    """
    grenzen = sorted(float(g) for g in grenzen)
    if not grenzen:
        return pd.Series(pd.Categorical(["alle leeftijden"] * len(leeftijd)), index=leeftijd.index)

    def fmt(x: float) -> str:
        return f"{x:g}".replace(".", ",")

    labels = [f"jonger dan {fmt(grenzen[0])} jaar"]
    labels += [f"{fmt(a)} tot {fmt(b)} jaar" for a, b in zip(grenzen, grenzen[1:], strict=False)]
    labels.append(f"{fmt(grenzen[-1])} jaar en ouder")
    return pd.cut(leeftijd.astype(float), [-np.inf, *grenzen, np.inf], right=False, labels=labels)


def koppel_kenmerken(metingen: pd.DataFrame, deelnemers: pd.DataFrame,
                     grenzen: list[float]) -> pd.DataFrame:
    """Lange metingen met deelnemerkenmerken en ``leeftijdsgroep`` (leeftijd bij start)."""
    kolommen = ["pseudo_id", *[k for k in _KENMERKEN if k in deelnemers]]
    kenmerken = deelnemers[kolommen].drop_duplicates("pseudo_id").copy()
    if "leeftijd_start" in kenmerken:
        kenmerken["leeftijdsgroep"] = leeftijdsgroep(kenmerken["leeftijd_start"], grenzen)
    if "ses_groep" in kenmerken:
        kenmerken["ses_groep"] = pd.Categorical(kenmerken["ses_groep"], ["laag", "midden", "hoog"])
    dubbel = [k for k in kenmerken.columns if k != "pseudo_id" and k in metingen]
    return metingen.drop(columns=dubbel).merge(kenmerken, on="pseudo_id", how="left",
                                               validate="many_to_one")


def veilig_histogram(klassen: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Voeg de staarten samen tot open klassen met ten minste ``min_n`` deelnemers.

    De eerste en laatste getoonde klasse worden zo gekozen dat alles daarbuiten samen ten
    minste ``min_n`` telt; die deelnemers komen in een open klasse ("lager dan" /
    "hoger dan", ``klasse_onder`` resp. ``klasse_boven`` leeg). Telt een staart minder dan
    ``min_n``, dan gaat hij op in de eerstvolgende klasse(n) tot die grens gehaald is; de
    rechterstaart mag daarbij alle getoonde klassen opnemen (twee open klassen), en lukt
    ook dat niet, dan is er één klasse met iedereen. Zo verraadt geen klassegrens een
    uitschieter; kleine klassen binnen het bereik laat de onthullingscontrole daarna weg.
    """
    if klassen.empty:
        return klassen
    k = klassen.reset_index(drop=True)
    n = k["n"].to_numpy()
    cum_l = np.cumsum(n)
    cum_r = np.cumsum(n[::-1])[::-1]
    eerste = 0
    while eerste < len(k) - 1 and (0 < (cum_l[eerste - 1] if eerste else 0) < min_n
                                   or n[eerste] < min_n):
        eerste += 1
    laatste = len(k) - 1

    def rechts(j: int) -> int:  # the persons beyond class j
        return int(cum_r[j + 1]) if j < len(k) - 1 else 0

    # the right tail may take every shown class (laatste = eerste - 1: two open classes)
    while laatste >= eerste and (0 < rechts(laatste) < min_n or n[laatste] < min_n):
        laatste -= 1
    # still too small: move the boundary left while the left tail keeps min_n
    while 0 < rechts(laatste) < min_n and eerste > 0 and cum_l[eerste - 1] - n[eerste - 1] >= min_n:
        eerste -= 1
        laatste = eerste - 1
    rijen = []
    basis = {c: k[c].iloc[0] for c in ("uitkomst", "pre", "post", "n_totaal")}
    if 0 < rechts(laatste) < min_n or (eerste > 0 and 0 < cum_l[eerste - 1] < min_n):
        # no split leaves both tails at min_n: one class holds everyone
        return pd.DataFrame([{**basis, "klasse_onder": np.nan, "klasse_boven": np.nan,
                              "n": int(n.sum())}])[list(klassen.columns)]
    if eerste > 0 and n[:eerste].sum() > 0:  # (empty classes beyond the data are dropped)
        rijen.append({**basis, "klasse_onder": np.nan,
                      "klasse_boven": float(k["klasse_onder"].iloc[eerste]),
                      "n": int(n[:eerste].sum())})
    for i in range(eerste, laatste + 1):
        rijen.append({**basis, "klasse_onder": float(k["klasse_onder"].iloc[i]),
                      "klasse_boven": float(k["klasse_boven"].iloc[i]), "n": int(n[i])})
    if laatste < len(k) - 1 and rechts(laatste) > 0:
        rijen.append({**basis, "klasse_onder": float(k["klasse_onder"].iloc[laatste + 1]),
                      "klasse_boven": np.nan, "n": rechts(laatste)})
    return pd.DataFrame(rijen)[list(klassen.columns)]


# ---------------------------------------------------------------------------------------------
# Analyse
# ---------------------------------------------------------------------------------------------
def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    inst = instellingen(ctx.config)
    min_n = ctx.min_n
    alpha = float(inst["alpha"])
    paren = [(str(a), str(b)) for a, b in inst["paren"]]
    momenten = set(ctx.meetmomenten)
    fout = [f"{a}→{b}" for a, b in paren if a not in momenten or b not in momenten or a == b]
    if fout:
        raise ConfigFout(f"voor_na.paren: {', '.join(fout)} niet twee verschillende meetmomenten "
                         f"uit {sorted(momenten)}")

    doelgroep = ctx.spec.get("doelgroep", "volwassene")
    grenzen = inst["leeftijdsgroepen"].get(doelgroep, [])
    m = koppel_kenmerken(ctx.metingen, ctx.deelnemers, grenzen)
    uitkomsten = beschrijving.uitkomsten_voor(ctx.metingen, ctx.spec.get("uitkomsten"))
    uitkomsten = [u for u in uitkomsten if u in m.columns]
    prim = ctx.primaire_uitkomst
    per = uitkomst_instellingen(uitkomsten, inst, prim)
    covariaten = list(inst["covariaten"])
    ontbreekt = [c for c in covariaten if c not in m.columns]
    if ontbreekt:
        raise ConfigFout(f"voor_na.covariaten: onbekend {ontbreekt}; kies uit "
                         f"{', '.join([*_KENMERKEN, 'leeftijdsgroep'])}")
    primair = {u for u, s in per.items() if s["primair"]}

    gepaard, gemengd, categorieen, subgroepen, histogrammen = [], [], [], [], []
    extra = [k for k in dict.fromkeys([*inst["subgroepen"], *covariaten]) if k in m.columns]
    for u in uitkomsten:
        s = per[u]
        mu = m.loc[m[u].notna(), ["pseudo_id", "meetmoment", u, *extra]].reset_index(drop=True)
        for pre, post in paren:
            gepaard.append(prepost.gepaarde_vergelijking(mu, u, pre, post, s["hoger_is_beter"]))
            categorieen.append(prepost.verandercategorieen(
                mu, u, pre, post, stabiliteitsband=s["stabiliteitsband"],
                klinisch_relevant=s["klinisch_relevant"], hoger_is_beter=s["hoger_is_beter"],
                betrouwbaarheid=s["betrouwbaarheid"]))
            paar = prepost._paren(mu, u, pre, post)
            breedte = s["klassebreedte"] or klassebreedte((paar["post"] - paar["pre"]).to_numpy())
            h = veilig_histogram(prepost.verandering_histogram_tabel(mu, u, pre, post,
                                                                     breedte=breedte), min_n)
            histogrammen.append(h.assign(klassebreedte=breedte))
            for kenmerk in inst["subgroepen"]:
                if kenmerk in m.columns:
                    subgroepen.append(_subgroep(mu, u, kenmerk, pre, post, min_n))
        for pre in dict.fromkeys(p for p, _ in paren):
            model = _model(prepost.gemengd_model(mu, u, covariaten, referentie=pre), mu, min_n)
            for _, post in (p for p in paren if p[0] == pre):
                rij = model.loc[model["meetmoment"] == post].copy()
                if rij.empty:
                    rij = _niet_te_berekenen(model.iloc[:1].assign(meetmoment=post),
                                             "Geen waarnemingen op het nameetmoment.")
                gemengd.append(rij)

    did = _verschil_in_verschillen(ctx, uitkomsten, paren, covariaten, grenzen)

    ctx.vastleggen("gepaarde_t", paren=paren, alpha=alpha)
    ctx.vastleggen("wilcoxon", tabel="gepaard")
    ctx.vastleggen("effectgrootte_dz", tabel="gepaard")
    ctx.vastleggen("gemengd_model", covariaten=covariaten, vrijheidsgraden="Satterthwaite")
    if did:
        ctx.vastleggen("did_gemengd_model", covariaten=covariaten, vrijheidsgraden="Satterthwaite",
                       uitkomsten=sorted({str(d["uitkomst"].iloc[0]) for d in did}))
    ctx.vastleggen("multipliciteit", primair="holm", overige="bh",
                   primaire_uitkomst=prim or "")
    if any(s["betrouwbaarheid"] is not None for s in per.values()):
        ctx.vastleggen("rci", uitkomsten=[u for u, s in per.items() if s["betrouwbaarheid"] is not None])
    if any(s["klinisch_relevant"] is not None for s in per.values()):
        ctx.vastleggen("klinisch_relevant",
                       uitkomsten=[u for u, s in per.items() if s["klinisch_relevant"] is not None])
    ctx.vastleggen("stabiliteitsband")
    if inst["subgroepen"]:
        ctx.vastleggen("subgroepen", kenmerken=list(inst["subgroepen"]), toets="F op verschilscores")

    return {
        "instellingen": _instellingentabel(per).assign(alpha=alpha),
        "gepaard": _gepaard(gepaard, per, primair, alpha),
        "gemengd_model": _gemengd(gemengd, per, primair, alpha),
        "gemengd_model_did": _gemengd(did, per, primair, alpha),
        "verandercategorieen": _categorieen(categorieen),
        "subgroepen": _subgroepen(subgroepen, primair),
        "gemiddelden": (prepost.gemiddelden_per_meetmoment(m, uitkomsten, voormeting=ctx.meetmomenten[0])
                        if uitkomsten else None),
        "histogram": _histogram(histogrammen),
    }


def _verschil_in_verschillen(ctx: Context, uitkomsten: list[str], paren: list[tuple[str, str]],
                             covariaten: list[str], grenzen: list[float]) -> list[pd.DataFrame]:
    """The mixed-model DiD per outcome and pair, for outcomes the comparison group was
    measured on (none without a comparison group). One row per pair."""
    alle = ctx.deelnemers_alle
    if "onderzoeksgroep" not in alle or not (alle["onderzoeksgroep"] == "vergelijking").any():
        return []
    mv = ctx.tabel("metingen", ook_vergelijking=True)
    groep = alle.set_index("pseudo_id")["onderzoeksgroep"].fillna("interventie")
    mv = koppel_kenmerken(mv, alle, grenzen).assign(onderzoeksgroep=lambda d: d["pseudo_id"].map(groep))
    vergelijking = mv["onderzoeksgroep"] == "vergelijking"
    delen = []
    for u in uitkomsten:
        if not mv.loc[vergelijking, u].notna().any():
            continue  # the comparison group was not measured on this outcome
        mu = mv.loc[mv[u].notna(), ["pseudo_id", "meetmoment", "onderzoeksgroep", u,
                                    *[c for c in covariaten if c in mv]]].reset_index(drop=True)
        for pre in dict.fromkeys(p for p, _ in paren):
            model = _model(prepost.gemengd_model_did(mu, u, "onderzoeksgroep", covariaten, referentie=pre),
                           mu, ctx.min_n, groep="onderzoeksgroep")
            for _, post in (p for p in paren if p[0] == pre):
                rij = model.loc[model["meetmoment"] == post].copy()
                if rij.empty:
                    rij = _niet_te_berekenen(model.iloc[:1].assign(meetmoment=post),
                                             "Geen waarnemingen op het nameetmoment.")
                delen.append(rij.drop(columns=["n_waarnemingen"]))
    return delen


_SCHATTINGEN = ("schatting", "se", "df", "t", "p", "ci95_onder", "ci95_boven")


def _niet_te_berekenen(rijen: pd.DataFrame, reden: str) -> pd.DataFrame:
    rijen = rijen.copy()
    rijen[list(_SCHATTINGEN)] = np.nan
    rijen["status"] = prepost.NIET_TE_BEREKENEN
    rijen["reden"] = reden
    return rijen


def _model(model: pd.DataFrame, mu: pd.DataFrame, min_n: int, groep: str | None = None) -> pd.DataFrame:
    """A mixed model's rows as released: its people counted as everyone with a value of the
    outcome (so that they relate to the counts per meetmoment), and not estimated on fewer
    than ``min_n`` people with complete data. ``groep``: the DiD's intervention group."""
    model = model.copy()
    kolom = "n_interventie" if groep else "n_deelnemers"
    in_groep = mu if groep is None else mu[mu[groep] == "interventie"]
    gebruikt = model[kolom].copy()
    model[kolom] = in_groep["pseudo_id"].nunique()
    te_weinig = (model["status"] == prepost.OK) & (gebruikt < min_n)
    if groep:
        te_weinig |= (model["status"] == prepost.OK) & (model["n_vergelijking"] < min_n)
    if te_weinig.any():
        model.loc[te_weinig] = _niet_te_berekenen(
            model.loc[te_weinig], "Te weinig deelnemers met volledige gegevens voor het model.")
    return model


#: Label of the merged small levels in the interaction test.
OVERIG = "overige niveaus"


def _subgroep(m: pd.DataFrame, uitkomst: str, kenmerk: str, pre: str, post: str,
              min_n: int) -> pd.DataFrame:
    """Subgroup analysis; levels with fewer than ``min_n`` pairs are merged for the test.

    The interaction test compares the levels; a level with fewer than ``min_n`` pairs is
    neither estimable nor releasable on its own, so all such levels are merged into one
    group (and, while that group is still smaller than ``min_n``, with the smallest other
    level). Nobody is left out of the test, so its n equals the sum of the levels and no
    small level can be recovered from it (column ``niveaus_samengevoegd``).
    """
    res = prepost.subgroep_analyse(m, uitkomst, kenmerk, pre, post)
    niveaus = res.loc[res["onderdeel"] == "subgroep"]
    aantal = dict(zip(niveaus["niveau"], niveaus["n_paren"], strict=True))
    klein = [nv for nv, n in aantal.items() if n < min_n]
    res["niveaus_samengevoegd"] = ""
    if klein:
        samen = set(klein)
        rest = sorted((nv for nv in aantal if nv not in samen), key=lambda nv: aantal[nv])
        while sum(aantal[nv] for nv in samen) < min_n and rest:
            samen.add(rest.pop(0))
        waarden = m[kenmerk].astype(object)
        samengevoegd = m.copy()
        samengevoegd[kenmerk] = waarden.where(~waarden.astype(str).isin(samen), OVERIG)
        inter = prepost.subgroep_analyse(samengevoegd, uitkomst, kenmerk, pre, post)
        inter = inter.loc[inter["onderdeel"] == "interactie"].assign(
            niveaus_samengevoegd=", ".join(nv for nv in aantal if nv in samen))
        res = pd.concat([res.loc[res["onderdeel"] == "subgroep"], inter], ignore_index=True)
    return res


def _instellingentabel(per: dict[str, dict[str, Any]]) -> pd.DataFrame:
    rijen = []
    for u, s in per.items():
        rijen.append({
            "uitkomst": u, "titel": s["titel"], "eenheid": s["eenheid"],
            "hoger_is_beter": s["hoger_is_beter"], "primair": s["primair"],
            "stabiliteitsband": s["stabiliteitsband"],
            "klinisch_relevant": s["klinisch_relevant"],
            "klinisch_relevant_bron": s["klinisch_relevant_bron"],
            "betrouwbaarheid": s["betrouwbaarheid"],
            "correctie": "holm" if s["primair"] else "bh",
        })
    return pd.DataFrame(rijen, columns=[
        "uitkomst", "titel", "eenheid", "hoger_is_beter", "primair", "stabiliteitsband",
        "klinisch_relevant", "klinisch_relevant_bron", "betrouwbaarheid", "correctie"])


def _met_oordeel(df: pd.DataFrame, schatting: str, per: dict[str, dict[str, Any]],
                 alpha: float) -> pd.DataFrame:
    df["oordeel"] = [
        oordeel(x, per[u]["hoger_is_beter"], p=p, alpha=alpha, ok=s == prepost.OK)
        for u, x, p, s in zip(df["uitkomst"], df[schatting], df["p_gecorrigeerd"], df["status"],
                              strict=True)]
    return df


def _gepaard(delen: list[pd.DataFrame], per: dict[str, dict[str, Any]], primair: set[str],
             alpha: float) -> pd.DataFrame | None:
    if not delen:
        return None
    df = prepost.corrigeer_multipliciteit(pd.concat(delen, ignore_index=True), primair)
    df["primair"] = df["uitkomst"].isin(primair)
    return _met_oordeel(df, "verschil", per, alpha)


def _gemengd(delen: list[pd.DataFrame], per: dict[str, dict[str, Any]],
             primair: set[str], alpha: float) -> pd.DataFrame | None:
    if not delen:
        return None
    df = pd.concat(delen, ignore_index=True).rename(columns={"referentie": "pre",
                                                             "meetmoment": "post"})
    df = df.drop(columns=[k for k in ("n_waarnemingen", "n_waarnemingen_meetmoment") if k in df])
    df = prepost.corrigeer_multipliciteit(df, primair)
    df["richting"] = [prepost._richting(v, per[u]["hoger_is_beter"]) if s == prepost.OK else ""
                      for u, v, s in zip(df["uitkomst"], df["schatting"], df["status"], strict=True)]
    df["primair"] = df["uitkomst"].isin(primair)
    return _met_oordeel(df, "schatting", per, alpha)


def _categorieen(delen: list[pd.DataFrame]) -> pd.DataFrame | None:
    return pd.concat(delen, ignore_index=True) if delen else None


def _subgroepen(delen: list[pd.DataFrame], primair: set[str]) -> pd.DataFrame | None:
    if not delen:
        return None
    df = pd.concat(delen, ignore_index=True)
    interactie = df["onderdeel"] == "interactie"
    gecorrigeerd = prepost.corrigeer_multipliciteit(df.loc[interactie], primair)
    df["p_gecorrigeerd"] = np.nan
    df["correctie"] = ""
    df.loc[interactie, ["p_gecorrigeerd", "correctie"]] = gecorrigeerd[
        ["p_gecorrigeerd", "correctie"]]
    return df


def _histogram(delen: list[pd.DataFrame]) -> pd.DataFrame | None:
    delen = [d for d in delen if not d.empty]
    if not delen:
        return None
    df = pd.concat(delen, ignore_index=True)
    df["klasse"] = df.groupby(["uitkomst", "pre", "post"], sort=False).cumcount() + 1
    return df
