"""Voor/na-vergelijkingen per uitkomst: completers, gemengd model, verandercategorieën, subgroepen.

Alle statistiek staat in :mod:`evaluatie.prepost` (gevalideerd tegen R); deze module kiest
uitkomsten, paren, drempels en subgroepen uit woordenboek en configuratie (sectie
``voor_na``, schema ``workflow/schemas/onderdelen/voor_na.yaml``), corrigeert voor
multipliciteit en maakt de tabellen publiceerbaar van vorm: elke rij met een gemiddelde,
percentage of toets draagt zijn eigen aantal (``n`` / ``n_*``), zodat de generieke
onthullingscontrole de juiste cellen onderdrukt. Waar één onderdrukte cel uit een totaal
terug te rekenen is (verandercategorieën, histogramklassen), onderdrukt deze module zelf een
tweede cel (secundaire onderdrukking); de staarten van het histogram worden samengevoegd tot
ze ten minste ``min_n`` deelnemers bevatten, zodat geen klassegrens een uitschieter verraadt.

Richting: verschillen zijn overal post − pre; ``richting`` zegt "verbeterd" of
"verslechterd" volgens ``hoger_is_beter`` uit het woordenboek.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from evaluatie import beschrijving, prepost, woordenboek
from evaluatie.analyses import Context
from evaluatie.fouten import ConfigFout

TITEL = "Voor/na-vergelijkingen"
TABELLEN = {
    "instellingen": "Per uitkomst: titel, eenheid, richting (hoger_is_beter), primair, "
                    "stabiliteitsband, klinisch relevante verbetering met bron, betrouwbaarheid "
                    "(RCI), klassebreedte van het histogram, de multipliciteitscorrectie "
                    "(holm voor primaire uitkomsten, bh voor de rest) en alpha.",
    "gepaard": "Completers per uitkomst en meetmomentpaar (post − pre): n_paren, gemiddelde en "
               "sd voor en na, verschil met ci95, gepaarde t-toets (p), Wilcoxon, Cohen's d_z en "
               "Hedges' g_z met ci95, d_av en g_av, richting (verbeterd/verslechterd), "
               "p_gecorrigeerd en correctie, status en reden "
               "(zie evaluatie.prepost.gepaarde_vergelijking).",
    "gemengd_model": "Primaire analyse op alle beschikbare metingen: lineair gemengd model "
                     "(random intercept per deelnemer, meetmoment vast, covariaten uit de "
                     "configuratie). Per uitkomst en paar: schatting van post − pre met ci95, "
                     "df, p, p_gecorrigeerd en correctie, n_deelnemers, n_waarnemingen, "
                     "richting, status en reden (zie evaluatie.prepost.gemengd_model).",
    "verandercategorieen": "Per uitkomst, paar en indeling (verandering: toegenomen/gelijk/"
                           "afgenomen; klinisch_relevant; betrouwbare_verandering volgens "
                           "Jacobson–Truax): n_categorie, n_totaal, percentage, drempel; "
                           "secundair = True waar een cel is onderdrukt omdat hij anders uit het "
                           "totaal terug te rekenen is (zie evaluatie.prepost.verandercategorieen).",
    "subgroepen": "Per uitkomst, paar en subgroepkenmerk: gepaard verschil met ci95 per niveau "
                  "(onderdeel = subgroep) en de interactietoets (onderdeel = interactie: F, p, "
                  "p_gecorrigeerd, correctie; niveaus met minder dan min_n paren doen niet mee, "
                  "zie toelichting) (zie evaluatie.prepost.subgroep_analyse).",
    "gemiddelden": "Per uitkomst en meetmoment: n, gemiddelde, sd en ci95 op alle beschikbare "
                   "metingen (voor het verloop en het spinnenweb).",
    "histogram": "Verdeling van de verandering post − pre bij completers per uitkomst en paar: "
                 "klasse_onder, klasse_boven, n, n_totaal; open staartklassen (klasse_onder of "
                 "klasse_boven leeg) bevatten samen ten minste min_n deelnemers; secundair "
                 "zoals bij verandercategorieen.",
}

#: pg_totaal staat niet in het woordenboek (afgeleid in :mod:`evaluatie.afleiden`).
PG_TOTAAL = woordenboek.PG_TOTAAL

#: Standaardinstellingen; gelijk aan de defaults in het schema (voor aanroepen zonder validatie).
STANDAARD: dict[str, Any] = {
    "paren": [["T0", "T1"], ["T0", "T2"]],
    "subgroepen": ["geslacht", "leeftijdsgroep", "ses_groep"],
    "leeftijdsgroepen": {"kind": [8, 12], "volwassene": [45, 65], "gezin": [45, 65]},
    "covariaten": [],
    "alpha": 0.05,
    "primair": {},
    "per_uitkomst": {},
}

_KENMERKEN = ("geslacht", "leeftijd_start", "ses_groep", "ses_score", "verwijzer", "wijk")


# ---------------------------------------------------------------------------------------------
# Instellingen
# ---------------------------------------------------------------------------------------------
def instellingen(config: dict[str, Any]) -> dict[str, Any]:
    """De sectie ``voor_na`` met standaardwaarden aangevuld."""
    eigen = dict(config.get("voor_na") or {})
    uit = {k: eigen.get(k, v) for k, v in STANDAARD.items()}
    uit["leeftijdsgroepen"] = {**STANDAARD["leeftijdsgroepen"], **(eigen.get("leeftijdsgroepen") or {})}
    return uit


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


def uitkomst_instellingen(ctx: Context, uitkomsten: list[str], inst: dict[str, Any]
                          ) -> dict[str, dict[str, Any]]:
    """Per uitkomst: richting, primair en drempels (woordenboek, overschreven door config)."""
    alle = {**woordenboek.uitkomsten(), "pg_totaal": PG_TOTAAL}
    primair_cfg = inst["primair"].get(ctx.interventie)
    if primair_cfg is None and ctx.spec.get("primaire_uitkomst"):
        primair_cfg = [ctx.spec["primaire_uitkomst"]]  # interventies.<code>.primaire_uitkomst
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
            "primair": (u in primair_cfg) if primair_cfg is not None else w.primair,
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
    groep = pd.cut(leeftijd.astype(float), [-np.inf, *grenzen, np.inf], right=False,
                   labels=labels)
    return groep


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


def _richting(waarde: float, hoger_is_beter: bool) -> str:
    if pd.isna(waarde) or waarde == 0:
        return "geen verschil"
    return "verbeterd" if (waarde > 0) == hoger_is_beter else "verslechterd"


# ---------------------------------------------------------------------------------------------
# Onthullingsvorm
# ---------------------------------------------------------------------------------------------
def secundair_onderdrukken(df: pd.DataFrame, groep: list[str], telkolom: str,
                           statistieken: list[str], min_n: int) -> pd.DataFrame:
    """Onderdruk een tweede cel waar één kleine cel uit het groepstotaal terug te rekenen is.

    Binnen elke groep (rijen die samen ``n_totaal`` vormen) worden de cellen met
    ``1 <= telkolom < min_n`` door de generieke controle onderdrukt. Is dat er precies één,
    dan is die uit het totaal af te leiden; daarom wordt hier ook de kleinste andere cel
    groter dan 0 onderdrukt: ``telkolom`` en ``statistieken`` leeg, ``onderdrukt = True`` en
    ``secundair = True`` (die cel is niet per se klein; een rapport toont hem anders dan "<n").
    """
    uit = df.copy()
    uit["onderdrukt"] = uit["onderdrukt"].astype(bool) if "onderdrukt" in uit else False
    uit["secundair"] = False
    if uit.empty:
        return uit
    tel = pd.to_numeric(uit[telkolom], errors="coerce")
    klein = (tel >= 1) & (tel < min_n)
    extra = []
    for _, idx in uit.groupby(groep, sort=False, dropna=False).groups.items():
        idx = list(idx)
        if int(klein[idx].sum()) != 1:
            continue
        kandidaten = tel[idx][~klein[idx] & (tel[idx] > 0)]
        if len(kandidaten):
            extra.append(kandidaten.idxmin())
    if extra:
        for k in [telkolom, *statistieken]:
            uit[k] = uit[k].astype(float)
            uit.loc[extra, k] = np.nan
        uit.loc[extra, "onderdrukt"] = True
        uit.loc[extra, "secundair"] = True
    return uit


#: Kolommen die een rij beschrijven; alle andere tekst is een uitkomst van de analyse.
_LABELS = {"uitkomst", "pre", "post", "meetmoment", "indeling", "categorie", "subgroep",
           "niveau", "onderdeel", "covariaten", "titel", "eenheid", "correctie", "primair",
           "hoger_is_beter", "onderdrukt", "secundair"}


def maskeer_tekst(df: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Maak tekst- en ja/nee-kolommen leeg in rijen die de onthullingscontrole onderdrukt.

    De generieke controle maakt alleen getallen leeg; een ``richting`` ("verbeterd"), een
    ``significant`` of een ``reden`` als "Te weinig complete paren (1)" zou anders iets over
    minder dan ``min_n`` personen prijsgeven. ``status`` wordt "onderdrukt".
    """
    uit = df.copy()
    tel = [k for k in uit.columns if k == "n" or str(k).startswith("n_")]
    if not tel or uit.empty:
        return uit
    klein = np.zeros(len(uit), dtype=bool)
    for k in tel:
        w = pd.to_numeric(uit[k], errors="coerce")
        klein |= ((w >= 1) & (w < min_n)).fillna(False).to_numpy(bool)
    if not klein.any():
        return uit
    for k in uit.columns:
        if k in _LABELS or k in tel:
            continue
        if pd.api.types.is_bool_dtype(uit[k]):
            uit[k] = uit[k].astype("boolean")
            uit.loc[klein, k] = pd.NA
        elif not pd.api.types.is_numeric_dtype(uit[k]):
            uit.loc[klein, k] = ""
    if "status" in uit:
        uit.loc[klein, "status"] = "onderdrukt"
    if "reden" in uit:
        uit.loc[klein, "reden"] = f"minder dan {min_n} deelnemers"
    return uit


def veilig_histogram(klassen: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Voeg de staarten samen tot open klassen met ten minste ``min_n`` deelnemers.

    De eerste en laatste getoonde klasse worden zo gekozen dat alles daarbuiten samen ten
    minste ``min_n`` telt; die deelnemers komen in een open klasse ("lager dan" /
    "hoger dan", ``klasse_onder`` resp. ``klasse_boven`` leeg). Telt een staart minder dan
    ``min_n``, dan gaat hij op in de eerstvolgende klasse(n) tot die grens gehaald is.
    """
    if klassen.empty:
        return klassen
    k = klassen.reset_index(drop=True)
    n = k["n"].to_numpy()
    cum_l = np.cumsum(n)
    cum_r = np.cumsum(n[::-1])[::-1]
    # laagste index i zodat alles vóór i samen 0 of >= min_n is, en klasse i zelf >= min_n
    eerste = 0
    while eerste < len(k) - 1 and (0 < (cum_l[eerste - 1] if eerste else 0) < min_n
                                   or n[eerste] < min_n):
        eerste += 1
    laatste = len(k) - 1
    while laatste > eerste and (0 < (cum_r[laatste + 1] if laatste < len(k) - 1 else 0) < min_n
                                or n[laatste] < min_n):
        laatste -= 1
    rijen = []
    basis = {c: k[c].iloc[0] for c in ("uitkomst", "pre", "post", "n_totaal")}
    if eerste > 0:
        rijen.append({**basis, "klasse_onder": np.nan,
                      "klasse_boven": float(k["klasse_onder"].iloc[eerste]),
                      "n": int(n[:eerste].sum())})
    for i in range(eerste, laatste + 1):
        rijen.append({**basis, "klasse_onder": float(k["klasse_onder"].iloc[i]),
                      "klasse_boven": float(k["klasse_boven"].iloc[i]), "n": int(n[i])})
    if laatste < len(k) - 1:
        rijen.append({**basis, "klasse_onder": float(k["klasse_boven"].iloc[laatste]),
                      "klasse_boven": np.nan, "n": int(n[laatste + 1:].sum())})
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
    per = uitkomst_instellingen(ctx, uitkomsten, inst)
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
        # alleen wat deze uitkomst nodig heeft (sneller); rijen zonder waarde tellen nergens mee
        mu = m.loc[m[u].notna(), ["pseudo_id", "meetmoment", u, *extra]].reset_index(drop=True)
        for pre, post in paren:
            g = prepost.gepaarde_vergelijking(mu, u, pre, post, s["hoger_is_beter"], alpha)
            gepaard.append(g)
            c = prepost.verandercategorieen(
                mu, u, pre, post, stabiliteitsband=s["stabiliteitsband"],
                klinisch_relevant=s["klinisch_relevant"], hoger_is_beter=s["hoger_is_beter"],
                betrouwbaarheid=s["betrouwbaarheid"])
            categorieen.append(c)
            paar = prepost._paren(mu, u, pre, post)
            breedte = s["klassebreedte"] or klassebreedte((paar["post"] - paar["pre"]).to_numpy())
            s.setdefault("klassebreedtes", {})[f"{pre}-{post}"] = breedte
            histogrammen.append(veilig_histogram(
                prepost.verandering_histogram_tabel(mu, u, pre, post, breedte=breedte), min_n))
            for kenmerk in inst["subgroepen"]:
                if kenmerk in m.columns:
                    subgroepen.append(_subgroep(mu, u, kenmerk, pre, post, min_n))
        for pre in dict.fromkeys(p for p, _ in paren):
            model = prepost.gemengd_model(mu, u, covariaten, referentie=pre)
            for _, post in (p for p in paren if p[0] == pre):
                rij = model.loc[model["meetmoment"] == post].copy()
                if rij.empty:
                    rij = model.iloc[:1].copy()
                    rij["meetmoment"] = post
                    for kolom in ("schatting", "se", "df", "t", "p", "ci95_onder", "ci95_boven"):
                        rij[kolom] = np.nan
                    rij["n_waarnemingen_meetmoment"] = 0
                    rij["status"] = prepost.NIET_TE_BEREKENEN
                    rij["reden"] = f"Geen waarnemingen op {post}."
                gemengd.append(rij)

    tabellen = {
        "instellingen": _instellingentabel(per, primair).assign(alpha=alpha),
        "gepaard": _gepaard(gepaard, primair),
        "gemengd_model": _gemengd(gemengd, per, primair),
        "verandercategorieen": _categorieen(categorieen, min_n),
        "subgroepen": _subgroepen(subgroepen, primair),
        "gemiddelden": prepost.gemiddelden_per_meetmoment(m, uitkomsten) if uitkomsten
        else pd.DataFrame(columns=["uitkomst", "meetmoment", "n", "gemiddelde", "sd",
                                   "ci95_onder", "ci95_boven", "status", "reden"]),
        "histogram": _histogram(histogrammen, min_n),
    }
    return {naam: maskeer_tekst(df, min_n) for naam, df in tabellen.items()}


def _subgroep(m: pd.DataFrame, uitkomst: str, kenmerk: str, pre: str, post: str,
              min_n: int) -> pd.DataFrame:
    """Subgroepanalyse; niveaus met < min_n paren doen niet mee aan de interactietoets."""
    res = prepost.subgroep_analyse(m, uitkomst, kenmerk, pre, post)
    klein = res.loc[(res["onderdeel"] == "subgroep") & (res["n_paren"] < min_n), "niveau"]
    res["toelichting"] = ""
    if len(klein):
        zonder = m.copy()
        waarden = zonder[kenmerk].astype(object)
        zonder[kenmerk] = waarden.where(~waarden.astype(str).isin(set(klein)), None)
        if isinstance(m[kenmerk].dtype, pd.CategoricalDtype):
            zonder[kenmerk] = pd.Categorical(zonder[kenmerk], m[kenmerk].cat.categories)
        inter = prepost.subgroep_analyse(zonder, uitkomst, kenmerk, pre, post)
        inter = inter.loc[inter["onderdeel"] == "interactie"].assign(
            toelichting=f"niveaus met minder dan {min_n} paren niet in de toets: "
                        + ", ".join(klein))
        res = pd.concat([res.loc[res["onderdeel"] == "subgroep"], inter], ignore_index=True)
    return res


def _instellingentabel(per: dict[str, dict[str, Any]], primair: set[str]) -> pd.DataFrame:
    rijen = []
    for u, s in per.items():
        rijen.append({
            "uitkomst": u, "titel": s["titel"], "eenheid": s["eenheid"],
            "hoger_is_beter": s["hoger_is_beter"], "primair": u in primair,
            "stabiliteitsband": s["stabiliteitsband"],
            "klinisch_relevant": s["klinisch_relevant"],
            "klinisch_relevant_bron": s["klinisch_relevant_bron"],
            "betrouwbaarheid": s["betrouwbaarheid"],
            "klassebreedte": "; ".join(f"{k}: {v:g}" for k, v in s.get("klassebreedtes", {}).items()),
            "correctie": "holm" if u in primair else "bh",
        })
    return pd.DataFrame(rijen, columns=[
        "uitkomst", "titel", "eenheid", "hoger_is_beter", "primair", "stabiliteitsband",
        "klinisch_relevant", "klinisch_relevant_bron", "betrouwbaarheid", "klassebreedte",
        "correctie"])


def _gepaard(delen: list[pd.DataFrame], primair: set[str]) -> pd.DataFrame:
    if not delen:
        return pd.DataFrame(columns=["uitkomst", "pre", "post", "n_paren", "status", "reden"])
    df = prepost.corrigeer_multipliciteit(pd.concat(delen, ignore_index=True), primair)
    df["primair"] = df["uitkomst"].isin(primair)
    return df


def _gemengd(delen: list[pd.DataFrame], per: dict[str, dict[str, Any]],
             primair: set[str]) -> pd.DataFrame:
    if not delen:
        return pd.DataFrame(columns=["uitkomst", "pre", "post", "n_deelnemers", "status", "reden"])
    df = pd.concat(delen, ignore_index=True).rename(columns={"referentie": "pre",
                                                             "meetmoment": "post"})
    df = prepost.corrigeer_multipliciteit(df, primair)
    df["richting"] = [_richting(v, per[u]["hoger_is_beter"]) if s == prepost.OK else ""
                      for u, v, s in zip(df["uitkomst"], df["schatting"], df["status"], strict=True)]
    df["primair"] = df["uitkomst"].isin(primair)
    eerst = ["uitkomst", "pre", "post"]
    return df[eerst + [k for k in df.columns if k not in eerst]]


def _categorieen(delen: list[pd.DataFrame], min_n: int) -> pd.DataFrame:
    if not delen:
        return pd.DataFrame(columns=["uitkomst", "pre", "post", "indeling", "categorie",
                                     "n_categorie", "n_totaal", "percentage"])
    df = pd.concat(delen, ignore_index=True)
    return secundair_onderdrukken(df, ["uitkomst", "pre", "post", "indeling"], "n_categorie",
                                  ["percentage"], min_n)


def _subgroepen(delen: list[pd.DataFrame], primair: set[str]) -> pd.DataFrame:
    if not delen:
        return pd.DataFrame(columns=["uitkomst", "subgroep", "niveau", "pre", "post", "onderdeel",
                                     "n_paren", "p", "p_gecorrigeerd", "correctie"])
    df = pd.concat(delen, ignore_index=True)
    interactie = df["onderdeel"] == "interactie"
    gecorrigeerd = prepost.corrigeer_multipliciteit(df.loc[interactie], primair)
    df["p_gecorrigeerd"] = np.nan
    df["correctie"] = ""
    df.loc[interactie, ["p_gecorrigeerd", "correctie"]] = gecorrigeerd[
        ["p_gecorrigeerd", "correctie"]]
    return df


def _histogram(delen: list[pd.DataFrame], min_n: int) -> pd.DataFrame:
    kolommen = ["uitkomst", "pre", "post", "klasse_onder", "klasse_boven", "n", "n_totaal"]
    delen = [d for d in delen if not d.empty]
    if not delen:
        return pd.DataFrame(columns=kolommen)
    df = pd.concat(delen, ignore_index=True)[kolommen]
    return secundair_onderdrukken(df, ["uitkomst", "pre", "post"], "n", [], min_n)
