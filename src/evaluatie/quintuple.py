"""Indicatoren van de quintuple aim, per interventie en voor de hele regio.

Het register (``data_dictionary/indicatoren.yaml``) zegt per indicator wat hij meet, uit welke
tabel, in welke richting een verbetering ligt en in welke eenheid. Dit module berekent ze uit de
rijniveau-tabellen (pure functies: tabellen erin, een nette tabel eruit) en kent een stoplicht
toe als er een streefwaarde is.

De resultaattabel (:data:`KOLOMMEN`) heeft één rij per eenheid × indicator × groep:

- ``interventie``: code van de interventie, of ``"regio"`` voor de hele regio
- ``indicator``, ``doel_nr``, ``doel``, ``naam``: uit het register
- ``groep``: ``"alle"``; bij de gelijkheidsindicatoren ook ``"ses_laag"``, ``"ses_midden"``,
  ``"ses_hoog"`` en ``"kloof_laag_hoog"`` (laag − hoog)
- ``uitkomst``, ``pre``, ``post``: bij de gezondheidsindicatoren de uitkomst en de meetmomenten
- ``jaar``: bij werkplezier het uitvraagjaar
- ``waarde``, ``ci95_onder``, ``ci95_boven``: de waarde en het 95%-interval (leeg als er geen
  interval is)
- aantallen personen waarop de waarde rust, elk in de kolom van zijn soort (leeg waar niet van
  toepassing): ``n`` (algemeen), ``n_paren`` (completers van de gezondheidsindicatoren),
  ``n_deelnemers`` en ``n_vergelijking`` (zorgkosten), ``n_teller`` (uitvallers bij uitval naar
  SES, deelnemers uit wijken met lage SES bij het bereik)
- ``eenheid``, ``richting``, ``decimalen``
- ``streefwaarde``: uit de configuratie of het register (leeg: geen)
- ``stoplicht``: ``"groen"``, ``"oranje"``, ``"rood"`` of leeg (geen streefwaarde of geen waarde)
- ``status`` (``"ok"`` / ``"niet_te_berekenen"``), ``reden``

Verschillen zijn overal **na − voor**; een kloof is **laag − hoog**.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from evaluatie import kosten, prepost

__all__ = [
    "KOLOMMEN",
    "Indicator",
    "bereik_lage_ses",
    "bereken_indicatoren",
    "ervaring",
    "gezondheid",
    "kloof_welch",
    "kosten_indicatoren",
    "newcombe_verschil",
    "register",
    "regiotabel",
    "stoplicht",
    "uitval_per_ses",
    "werkplezier",
    "wilson",
]

REGISTER_PAD = Path(__file__).resolve().parents[2] / "data_dictionary" / "indicatoren.yaml"
OK = "ok"
NIET_TE_BEREKENEN = "niet_te_berekenen"
SES_GROEPEN = ("laag", "midden", "hoog")
REGIO = "regio"
_Z = float(stats.norm.ppf(0.975))

KOLOMMEN = [
    "interventie", "indicator", "doel_nr", "doel", "naam", "groep", "uitkomst", "pre", "post",
    "jaar", "waarde", "ci95_onder", "ci95_boven", "n", "n_paren", "n_deelnemers", "n_vergelijking",
    "n_teller", "eenheid", "richting", "decimalen", "streefwaarde", "stoplicht", "status", "reden",
]
#: Count columns of the indicator table (each row fills the one(s) of its kind).
TELKOLOMMEN = ("n", "n_paren", "n_deelnemers", "n_vergelijking", "n_teller")


@dataclass(frozen=True)
class Indicator:
    """Eén indicator uit het register."""

    id: str
    doel_nr: int
    doel: str
    naam: str
    definitie: str
    bron: str
    richting: str
    eenheid: str
    decimalen: int = 1
    referentie: float | None = None
    streefwaarde: float | None = None


def register(pad: Path | None = None) -> dict[str, Indicator]:
    """Het indicatorregister, in registervolgorde (``data_dictionary/indicatoren.yaml``)."""
    d = yaml.safe_load(Path(pad or REGISTER_PAD).read_text(encoding="utf-8"))
    doelen = {int(k): str(v) for k, v in d["doelen"].items()}
    uit: dict[str, Indicator] = {}
    for r in d["indicatoren"]:
        if r["id"] in uit:
            raise ValueError(f"indicator {r['id']!r} staat dubbel in het register")
        if int(r["doel"]) not in doelen:
            raise ValueError(f"indicator {r['id']!r}: onbekend doel {r['doel']!r}")
        if r["richting"] not in ("hoger_beter", "lager_beter"):
            raise ValueError(f"indicator {r['id']!r}: richting moet hoger_beter of lager_beter zijn")
        uit[r["id"]] = Indicator(
            id=r["id"], doel_nr=int(r["doel"]), doel=doelen[int(r["doel"])], naam=r["naam"],
            definitie=" ".join(str(r["definitie"]).split()), bron=r["bron"],
            richting=r["richting"], eenheid=r["eenheid"], decimalen=int(r.get("decimalen", 1)),
            referentie=r.get("referentie"), streefwaarde=r.get("streefwaarde"),
        )
    return uit


# ---------------------------------------------------------------------------------------------
# Statistische bouwstenen
# ---------------------------------------------------------------------------------------------


def wilson(x: int, n: int) -> tuple[float, float]:
    """Wilson-scoreinterval (95%) van een aandeel x/n; gelijk aan R ``prop.test(x, n,
    correct = FALSE)$conf.int``."""
    if n <= 0:
        return np.nan, np.nan
    p = x / n
    z2 = _Z**2
    midden = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return float(midden - half), float(midden + half)


def newcombe_verschil(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float, float]:
    """Verschil van twee aandelen p1 − p2 met het Newcombe-interval (hybride score, methode 10).

    Returns
    -------
    (verschil, onder, boven)

    Notes
    -----
    Met Wilson-intervallen (l_i, u_i): onder = D − √((p1 − l1)² + (u2 − p2)²),
    boven = D + √((u1 − p1)² + (p2 − l2)²) (Newcombe 1998, Stat Med 17:873-890, methode 10).
    """
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1)
    l2, u2 = wilson(x2, n2)
    d = p1 - p2
    return d, d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def kloof_welch(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int
                ) -> tuple[float, float, float]:
    """Verschil van twee gemiddelden m1 − m2 met Welch-95%-interval, uit samenvattende maten.

    Gelijk aan R ``t.test(x1, x2, var.equal = FALSE)$conf.int``: se = √(s1²/n1 + s2²/n2),
    vrijheidsgraden volgens Welch-Satterthwaite.
    """
    if min(n1, n2) < 2 or not (np.isfinite(s1) and np.isfinite(s2)):
        return m1 - m2, np.nan, np.nan
    v1, v2 = s1**2 / n1, s2**2 / n2
    se = np.sqrt(v1 + v2)
    if se == 0:
        return m1 - m2, np.nan, np.nan
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    q = stats.t.ppf(0.975, df)
    return m1 - m2, m1 - m2 - q * se, m1 - m2 + q * se


def _t_gemiddelde(x: np.ndarray) -> tuple[float, float, float]:
    n = x.size
    if n == 0:
        return np.nan, np.nan, np.nan
    m = float(x.mean())
    if n < 2 or np.ptp(x) == 0:
        return m, np.nan, np.nan
    marge = stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n)
    return m, m - marge, m + marge


def stoplicht(waarde: float, onder: float, boven: float, streefwaarde: float | None,
              richting: str) -> str:
    """Kleur van een indicator ten opzichte van een streefwaarde.

    ``""`` zonder streefwaarde of zonder waarde; ``"groen"`` als de waarde de streefwaarde haalt
    (in de richting van het register, grens inbegrepen); ``"oranje"`` als de waarde de streefwaarde
    mist maar het 95%-interval haar bevat; anders ``"rood"``.
    """
    if streefwaarde is None or pd.isna(streefwaarde) or pd.isna(waarde):
        return ""
    haalt = waarde >= streefwaarde if richting == "hoger_beter" else waarde <= streefwaarde
    if haalt:
        return "groen"
    if pd.notna(onder) and pd.notna(boven) and onder <= streefwaarde <= boven:
        return "oranje"
    return "rood"


def _rij(indicator: str, waarde: float = np.nan, onder: float = np.nan, boven: float = np.nan,
         n: Any = pd.NA, *, groep: str = "alle", reden: str = "", **extra: Any) -> dict[str, Any]:
    """One indicator row; ``extra`` fills the other count columns and the keys."""
    goed = not reden and pd.notna(waarde)
    rij = {"indicator": indicator, "groep": groep, "waarde": waarde, "ci95_onder": onder,
           "ci95_boven": boven, "n": n, "status": OK if goed else NIET_TE_BEREKENEN,
           "reden": reden if reden or goed else "geen waarnemingen"}
    rij.update(extra)
    return rij


# ---------------------------------------------------------------------------------------------
# Doel 1 en 5: gezondheid en de verandering naar SES
# ---------------------------------------------------------------------------------------------

def _gepaard(m: pd.DataFrame, uitkomst: str, pre: str, post: str, hoger: bool) -> pd.Series:
    """:func:`evaluatie.prepost.gepaarde_vergelijking`, met alleen de kolommen die hier nodig zijn.

    Valt terug op een eigen gepaarde t-interval als prepost faalt: scipy's niet-centrale
    t-verdeling geeft NaN bij een grote t (bijv. t > 30 bij de hele regio), waarop de
    effectgrootte-berekening van prepost (niet de verandering zelf) een ValueError geeft.
    """
    try:
        return prepost.gepaarde_vergelijking(m, uitkomst, pre, post, hoger_is_beter=hoger).iloc[0]
    except ValueError as fout:
        if "NaN" not in str(fout):
            raise
    breed = m[m["meetmoment"].isin([pre, post])].dropna(subset=[uitkomst])
    breed = breed.pivot(index="pseudo_id", columns="meetmoment", values=uitkomst)
    d = (breed[post] - breed[pre]).dropna().to_numpy(float) if {pre, post} <= set(breed) else np.array([])
    gem, onder, boven = _t_gemiddelde(d)
    return pd.Series({"n_paren": d.size, "verschil": gem, "ci95_onder": onder, "ci95_boven": boven,
                      "sd_verschil": float(d.std(ddof=1)) if d.size > 1 else np.nan})


_GEZONDHEID = {"bmi_z": ("bmi_z_verandering", "bmi_z_verandering_ses", False),
               "pg_totaal": ("pg_verandering", "pg_verandering_ses", True)}


def gezondheid(metingen: pd.DataFrame | None, deelnemers: pd.DataFrame, pre: str, post: str,
               min_paren: int = 2, overgenomen: Mapping[str, Mapping[str, Any]] | None = None
               ) -> list[dict[str, Any]]:
    """Verandering (post − pre) van BMI z-score en Positieve Gezondheid, totaal en naar SES.

    Per uitkomst een rij ``groep = "alle"`` (:func:`evaluatie.prepost.gepaarde_vergelijking`),
    een rij per SES-groep en de kloof laag − hoog (:func:`kloof_welch` op de verschillen). Een
    uitkomst die niet gemeten is, krijgt één rij met de reden. ``overgenomen`` geeft per
    uitkomst de al berekende rij ``alle`` (de completersrij van de analyse ``voor_na``:
    ``verschil``, ``ci95_onder``, ``ci95_boven``, ``n_paren``), zodat die schatting maar één
    keer wordt berekend.
    """
    rijen: list[dict[str, Any]] = []
    sleutel = {"pre": pre, "post": post}
    for uitkomst, (ind, ind_ses, hoger) in _GEZONDHEID.items():
        s = {**sleutel, "uitkomst": uitkomst}
        if metingen is None or uitkomst not in metingen or metingen[uitkomst].notna().sum() == 0:
            rijen.append(_rij(ind, reden="niet gemeten bij deze deelnemers", **s))
            rijen.append(_rij(ind_ses, groep="kloof_laag_hoog", reden="niet gemeten bij deze deelnemers",
                              **s))
            continue
        m = metingen[["pseudo_id", "meetmoment", uitkomst]]
        alle = (pd.Series(dict(overgenomen[uitkomst])) if overgenomen and uitkomst in overgenomen
                else _gepaard(m, uitkomst, pre, post, hoger))
        rijen.append(_rij(ind, alle["verschil"], alle["ci95_onder"], alle["ci95_boven"],
                          n_paren=int(alle["n_paren"]),
                          reden="" if alle["n_paren"] >= min_paren else
                          "te weinig deelnemers met beide metingen", **s))
        ses = deelnemers.drop_duplicates("pseudo_id").set_index("pseudo_id")["ses_groep"]
        per: dict[str, pd.Series] = {}
        for g in SES_GROEPEN:
            sub = m[m["pseudo_id"].map(ses) == g]
            r = _gepaard(sub, uitkomst, pre, post, hoger)
            per[g] = r
            rijen.append(_rij(ind_ses, r["verschil"], r["ci95_onder"], r["ci95_boven"],
                              int(r["n_paren"]), groep=f"ses_{g}",
                              reden="" if r["n_paren"] >= min_paren else
                              "te weinig deelnemers met beide metingen", **s))
        lg, hg = per["laag"], per["hoog"]
        nl, nh = int(lg["n_paren"]), int(hg["n_paren"])
        if min(nl, nh) < 2:
            rijen.append(_rij(ind_ses, groep="kloof_laag_hoog", n=nl + nh,
                              reden="te weinig deelnemers in de groep laag of hoog", **s))
        else:
            d, o, b = kloof_welch(lg["verschil"], lg["sd_verschil"], nl,
                                  hg["verschil"], hg["sd_verschil"], nh)
            rijen.append(_rij(ind_ses, d, o, b, nl + nh, groep="kloof_laag_hoog", **s))
    return rijen


# ---------------------------------------------------------------------------------------------
# Doel 2: ervaring
# ---------------------------------------------------------------------------------------------


def _laatste_per_deelnemer(ervaringen: pd.DataFrame, kolom: str) -> np.ndarray:
    e = ervaringen.dropna(subset=[kolom])
    volgorde = [k for k in ("datum", "meetmoment") if k in e.columns]
    e = e.sort_values(["pseudo_id", *volgorde]).drop_duplicates("pseudo_id", keep="last")
    return e[kolom].to_numpy(float)


def ervaring(ervaringen: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Gemiddeld rapportcijfer (t-interval) en Net Promoter Score (Wald-interval).

    Per deelnemer telt het laatst ingevulde antwoord (op ``datum``, dan ``meetmoment``).
    NPS = 100 × (p_promotor − p_criticaster), promotor 9-10, criticaster 0-6; variantie per
    antwoord p_p + p_c − (p_p − p_c)².
    """
    if ervaringen is None or ervaringen.empty:
        reden = "geen ervaringsvragenlijsten"
        return [_rij("rapportcijfer", reden=reden), _rij("nps", reden=reden)]
    rijen = []
    x = _laatste_per_deelnemer(ervaringen, "rapportcijfer") if "rapportcijfer" in ervaringen else np.array([])
    m, o, b = _t_gemiddelde(x)
    rijen.append(_rij("rapportcijfer", m, o, b, x.size,
                      reden="" if x.size else "geen rapportcijfers"))
    a = _laatste_per_deelnemer(ervaringen, "aanbevelen") if "aanbevelen" in ervaringen else np.array([])
    n = a.size
    if n == 0:
        rijen.append(_rij("nps", reden="geen antwoorden op de aanbeveelvraag"))
    else:
        pp, pc = float(np.mean(a >= 9)), float(np.mean(a <= 6))
        waarde = 100 * (pp - pc)
        se = 100 * np.sqrt(max(pp + pc - (pp - pc) ** 2, 0.0) / n)
        o, b = (waarde - _Z * se, waarde + _Z * se) if se > 0 else (np.nan, np.nan)
        rijen.append(_rij("nps", waarde, max(o, -100.0), min(b, 100.0), n))
    return rijen


# ---------------------------------------------------------------------------------------------
# Doel 3: zorgkosten
# ---------------------------------------------------------------------------------------------


def kosten_indicatoren(zorgkosten: pd.DataFrame | None, deelnemers_alle: pd.DataFrame,
                       instellingen: Mapping[str, Any], peildatum: Any,
                       prijsindex: pd.DataFrame | None = None, basisjaar: int | None = None,
                       met_did: bool = True, min_n: int = 10,
                       overgenomen: Mapping[str, Mapping[str, Any]] | None = None
                       ) -> list[dict[str, Any]]:
    """Gemiddeld verschil (na − voor) in totale zorgkosten, het %-verschil en het DiD.

    Met ``overgenomen`` (de rij ``totaal`` van de interventiegroep uit de kostentabel van de
    analyse ``kosten`` als ``"kostentabel"``, en de DiD-rij als ``"did"``) worden die
    schattingen overgenomen in plaats van opnieuw berekend (één bootstrap per schatting).
    Anders (de regio als geheel): :func:`evaluatie.kosten.kosten_per_deelnemer` en
    :func:`evaluatie.kosten.kostentabel` op de samengevoegde deelnemers.
    """
    if zorgkosten is None:
        reden = "geen zorgkostentabel"
        return [_rij("kosten_verschil", reden=reden), _rij("kosten_verschil_pct", reden=reden),
                _rij("kosten_did", reden=reden)]
    overgenomen = overgenomen or {}
    groep = deelnemers_alle.get("onderzoeksgroep", pd.Series("interventie", index=deelnemers_alle.index))
    dln = deelnemers_alle.assign(onderzoeksgroep=groep.fillna("interventie"))
    rijen = []
    per = None
    if "kostentabel" in overgenomen:
        t = pd.Series(dict(overgenomen["kostentabel"]))
    else:
        per = kosten.kosten_per_deelnemer(
            zorgkosten, dln, instellingen["maanden_voor"], instellingen["maanden_na"], prijsindex,
            basisjaar, peildatum=peildatum, gegevens_vanaf=instellingen.get("gegevens_vanaf")).kosten
        int_tot = per[(per["kostendomein"] == kosten.TOTAAL) & (per["onderzoeksgroep"] == "interventie")]
        t = None if int_tot.empty else kosten.kostentabel(
            int_tot, seed=instellingen["seed"], n_resamples=instellingen["n_resamples"],
            groep_kolom="onderzoeksgroep", min_n=min_n).iloc[0]
    if t is None:
        reden = "geen deelnemers met een complete kostenperiode voor en na de start"
        rijen += [_rij("kosten_verschil", reden=reden), _rij("kosten_verschil_pct", reden=reden)]
    else:
        rijen.append(_rij("kosten_verschil", t["gemiddeld_verschil"], t["ci95_onder"],
                          t["ci95_boven"], n_deelnemers=int(t["n_deelnemers"]),
                          reden="" if pd.notna(t["ci95_onder"]) else t["reden"]))
        rijen.append(_rij("kosten_verschil_pct", t["verschil_pct"], n_deelnemers=int(t["n_deelnemers"]),
                          reden="" if pd.notna(t["verschil_pct"]) else t["reden"]))
    if not met_did:
        rijen.append(_rij("kosten_did", reden="niet voor de regio als geheel"))
    elif "did" in overgenomen:
        r = overgenomen["did"]
        if r is None:
            rijen.append(_rij("kosten_did", reden="geen vergelijkingsgroep in de data"))
        else:
            rijen.append(_rij("kosten_did", r["schatting"], r["ci95_onder"], r["ci95_boven"],
                              n_deelnemers=int(r["n_interventie"]),
                              n_vergelijking=int(r["n_vergelijking"]), reden=r["reden"]))
    else:
        if per is None:
            per = kosten.kosten_per_deelnemer(
                zorgkosten, dln, instellingen["maanden_voor"], instellingen["maanden_na"],
                prijsindex, basisjaar, peildatum=peildatum,
                gegevens_vanaf=instellingen.get("gegevens_vanaf")).kosten
        per_tot = per[per["kostendomein"] == kosten.TOTAAL]
        if (per_tot["onderzoeksgroep"] == "vergelijking").sum() == 0:
            rijen.append(_rij("kosten_did", reden="geen vergelijkingsgroep in de data"))
        else:
            cl = instellingen.get("did_cluster", "pseudo_id")
            r = kosten.verschil_in_verschillen(per, cluster=cl).query("is_did").iloc[0]
            rijen.append(_rij("kosten_did", r["schatting"], r["ci95_onder"], r["ci95_boven"],
                              n_deelnemers=int(r["n_interventie"]),
                              n_vergelijking=int(r["n_vergelijking"]), reden=r["reden"]))
    return rijen


# ---------------------------------------------------------------------------------------------
# Doel 4: werkplezier
# ---------------------------------------------------------------------------------------------


def werkplezier(professionals: pd.DataFrame | None, jaar: int | None = None) -> list[dict[str, Any]]:
    """Gemiddeld werkplezier (t-interval) in het laatste uitvraagjaar tot en met `jaar`."""
    if professionals is None or professionals.empty:
        return [_rij("werkplezier", reden="geen gegevens over professionals")]
    p = professionals.dropna(subset=["werkplezier", "jaar"])
    if jaar is not None:
        p = p[p["jaar"] <= int(jaar)]
    if p.empty:
        return [_rij("werkplezier", reden="geen uitvraag in of voor het verslagjaar")]
    laatste = int(p["jaar"].max())
    x = p.loc[p["jaar"] == laatste].drop_duplicates("professional_id")["werkplezier"].to_numpy(float)
    m, o, b = _t_gemiddelde(x)
    return [_rij("werkplezier", m, o, b, x.size, jaar=laatste)]


# ---------------------------------------------------------------------------------------------
# Doel 5: uitval naar SES en bereik in wijken met lage SES
# ---------------------------------------------------------------------------------------------


def uitval_per_ses(deelnemers: pd.DataFrame) -> list[dict[str, Any]]:
    """Uitval (% van de gestarte deelnemers) per SES-groep, Wilson-interval; kloof laag − hoog
    in procentpunten met het Newcombe-interval."""
    d = deelnemers.drop_duplicates("pseudo_id")
    d = d[d["startdatum"].notna()]
    rijen = []
    tel: dict[str, tuple[int, int]] = {}
    for g in SES_GROEPEN:
        sub = d[d["ses_groep"] == g]
        n, x = len(sub), int((sub["status"] == "uitgevallen").sum())
        tel[g] = (x, n)
        if n == 0:
            rijen.append(_rij("uitval_ses", groep=f"ses_{g}", n=0, n_teller=0,
                              reden="geen gestarte deelnemers"))
            continue
        o, b = wilson(x, n)
        rijen.append(_rij("uitval_ses", 100 * x / n, 100 * o, 100 * b, n, groep=f"ses_{g}",
                          n_teller=x))
    (xl, nl), (xh, nh) = tel["laag"], tel["hoog"]
    if min(nl, nh) == 0:
        rijen.append(_rij("uitval_ses", groep="kloof_laag_hoog", n=nl + nh,
                          reden="geen gestarte deelnemers in de groep laag of hoog"))
    else:
        v, o, b = newcombe_verschil(xl, nl, xh, nh)
        rijen.append(_rij("uitval_ses", 100 * v, 100 * o, 100 * b, nl + nh, groep="kloof_laag_hoog"))
    return rijen


def bereik_lage_ses(deelnemers: pd.DataFrame, wijken: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Aandeel deelnemers uit wijken met lage SES gedeeld door het aandeel inwoners daar.

    Deelnemers: alle aangemelde deelnemers (ook niet gestart) met een wijk uit `wijken`.
    Interval: Wilson-interval van het aandeel deelnemers gedeeld door het bevolkingsaandeel.
    """
    if wijken is None or wijken.empty:
        return [_rij("bereik_lage_ses", reden="geen wijkentabel")]
    w = wijken.drop_duplicates("wijk").set_index("wijk")
    inwoners = pd.to_numeric(w["inwoners_doelgroep"], errors="coerce").fillna(0)
    totaal = float(inwoners.sum())
    laag_pop = float(inwoners[w["ses_groep"] == "laag"].sum())
    if totaal <= 0 or laag_pop <= 0:
        return [_rij("bereik_lage_ses", reden="geen inwoners in wijken met lage SES in de wijkentabel")]
    aandeel_pop = laag_pop / totaal
    d = deelnemers.drop_duplicates("pseudo_id")
    d = d[d["wijk"].isin(w.index)]
    n = len(d)
    if n == 0:
        return [_rij("bereik_lage_ses", reden="geen deelnemers met een wijk uit de wijkentabel")]
    x = int((d["wijk"].map(w["ses_groep"]) == "laag").sum())
    o, b = wilson(x, n)
    return [_rij("bereik_lage_ses", (x / n) / aandeel_pop, o / aandeel_pop, b / aandeel_pop, n,
                 n_teller=x)]


# ---------------------------------------------------------------------------------------------
# Alles samen
# ---------------------------------------------------------------------------------------------


def bereken_indicatoren(
    eenheid: str,
    deelnemers_alle: pd.DataFrame,
    metingen: pd.DataFrame | None,
    ervaringen: pd.DataFrame | None,
    professionals: pd.DataFrame | None,
    wijken: pd.DataFrame | None,
    zorgkosten: pd.DataFrame | None,
    *,
    pre: str,
    post: str,
    kosten_instellingen: Mapping[str, Any],
    peildatum: Any,
    jaar: int | None = None,
    streefwaarden: Mapping[str, float] | None = None,
    prijsindex: pd.DataFrame | None = None,
    basisjaar: int | None = None,
    min_n: int = 10,
    indicatoren: Mapping[str, Indicator] | None = None,
    overgenomen: Mapping[str, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Alle indicatoren van het register voor één eenheid (een interventie of de regio).

    Parameters
    ----------
    eenheid
        Code van de interventie of ``"regio"`` (komt in kolom ``interventie``; de regio krijgt
        geen verschil-in-verschillen).
    deelnemers_alle
        Deelnemers inclusief een eventuele vergelijkingsgroep (``onderzoeksgroep``); alle andere
        indicatoren gebruiken alleen de interventiegroep.
    metingen, ervaringen, zorgkosten
        Rijniveau-tabellen (mogen meer deelnemers bevatten; er wordt op ``pseudo_id`` gefilterd).
    professionals
        Professionals van deze eenheid (al gefilterd op interventie).
    wijken
        Wijkentabel van de regio.
    pre, post
        Meetmomenten van de verandering in gezondheid.
    kosten_instellingen
        De configuratiesectie ``kosten`` (maanden_voor, maanden_na, n_resamples, seed, ...).
    peildatum, jaar
        Peildatum van de kosten; verslagjaar voor het werkplezier.
    streefwaarden
        Streefwaarde per indicator-id (vervangt die uit het register).
    prijsindex, basisjaar
        Optionele prijsindexering (zie :func:`evaluatie.kosten.kosten_per_deelnemer`).
    min_n
        Kleinste groep voor een bootstrapinterval.
    overgenomen
        Schattingen die een andere analyse al heeft berekend (zie :func:`gezondheid` en
        :func:`kosten_indicatoren`): ``"bmi_z"``/``"pg_totaal"``, ``"kostentabel"``,
        ``"did"``. Ze worden overgenomen, niet opnieuw berekend.

    Returns
    -------
    DataFrame
        Kolommen :data:`KOLOMMEN`, in registervolgorde; zie de moduledocumentatie.
        Onthullingscontrole gebeurt niet hier maar bij het wegschrijven.
    """
    reg = dict(indicatoren or register())
    streef = dict(streefwaarden or {})
    onbekend = set(streef) - set(reg)
    if onbekend:
        raise ValueError(f"streefwaarde voor onbekende indicator(en): {sorted(onbekend)}; "
                         f"bekend: {', '.join(reg)}")
    groep = deelnemers_alle.get("onderzoeksgroep", pd.Series(pd.NA, index=deelnemers_alle.index))
    dln = deelnemers_alle[groep.fillna("interventie") == "interventie"]
    ids = set(dln["pseudo_id"])

    def van(df: pd.DataFrame | None) -> pd.DataFrame | None:
        return None if df is None else df[df["pseudo_id"].isin(ids)]

    ids_alle = set(deelnemers_alle["pseudo_id"])
    overgenomen = overgenomen or {}
    rijen = gezondheid(van(metingen), dln, pre, post, overgenomen=overgenomen)
    rijen += ervaring(van(ervaringen))
    rijen += kosten_indicatoren(
        None if zorgkosten is None else zorgkosten[zorgkosten["pseudo_id"].isin(ids_alle)],
        deelnemers_alle, kosten_instellingen, peildatum, prijsindex, basisjaar,
        met_did=eenheid != REGIO, min_n=min_n, overgenomen=overgenomen)
    rijen += werkplezier(professionals, jaar)
    rijen += uitval_per_ses(dln)
    rijen += bereik_lage_ses(dln, wijken)

    uit = pd.DataFrame(rijen).reindex(columns=[*rijen[0].keys(), "uitkomst", "pre", "post", "jaar",
                                                *TELKOLOMMEN])
    uit = uit.loc[:, ~uit.columns.duplicated()]
    volgorde = {k: i for i, k in enumerate(reg)}
    groepvolgorde = {g: i for i, g in enumerate(["alle", *(f"ses_{g}" for g in SES_GROEPEN),
                                                   "kloof_laag_hoog"])}
    uit = uit.assign(_i=uit["indicator"].map(volgorde), _g=uit["groep"].map(groepvolgorde))
    uit = uit.sort_values(["_i", "_g"], kind="stable").drop(columns=["_i", "_g"])
    uit["interventie"] = eenheid
    for k in ("doel_nr", "doel", "naam", "eenheid", "richting", "decimalen"):
        uit[k] = uit["indicator"].map({i: getattr(ind, k) for i, ind in reg.items()})
    uit["streefwaarde"] = uit["indicator"].map(
        {i: streef.get(i, ind.streefwaarde) for i, ind in reg.items()}).astype(float)
    kop = uit["groep"].isin(["alle", "kloof_laag_hoog"])  # alleen de kernwaarde krijgt een kleur
    uit["stoplicht"] = [
        stoplicht(r.waarde, r.ci95_onder, r.ci95_boven, r.streefwaarde, r.richting) if k else ""
        for r, k in zip(uit.itertuples(), kop, strict=True)
    ]
    for k in TELKOLOMMEN:
        uit[k] = pd.array(uit[k].tolist(), dtype="Int64")
    uit["jaar"] = pd.array(uit["jaar"].tolist(), dtype="Int64")
    for k in ("uitkomst", "pre", "post"):
        uit[k] = uit[k].fillna("")
    return uit[KOLOMMEN].reset_index(drop=True)


def regiotabel(per_interventie: Sequence[pd.DataFrame], regio: pd.DataFrame) -> pd.DataFrame:
    """De indicatortabel van de regio: de rijen van alle interventies plus de rijen
    ``interventie = "regio"`` (berekend op de samengevoegde interventiegroepen). De
    onthullingscontrole gebruikt dat de regiorijen de som zijn van die van de interventies."""
    delen = [t for t in per_interventie if len(t)]
    return pd.concat([*delen, regio], ignore_index=True)[KOLOMMEN]
