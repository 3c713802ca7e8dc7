"""A synthetic, pseudonymised demo region with known true effects.

The generator writes every input table of the data dictionary for a fictitious
region ("Regio Zuidrand") with four interventies patterned on real Dutch ones. It is
deterministic for a seed, and each interventie has its own random stream, so adding
one does not change the others.

Data-generating model, per interventie and continuous outcome ``y``::

    y_it = a_i + effect_t + e_it,    a_i ~ N(mu, sd_tussen²),  e_it ~ N(0, sd_binnen²)

with ``effect_T0 = 0``: the true mean change from T0 to Tk is ``effect_Tk`` for
every participant (no effect heterogeneity). Dropout depends on the SES group and on
the *observed* T0 value of the interventie's primary outcome: missing at random (MAR)
given the baseline data. Because the observed baseline is signal plus measurement
error, completers' mean change is biased by regression to the mean (small at the demo
parameters); the mixed model on all data is unbiased under MAR. Zorgkosten per quarter and domain are
zero with probability ``1 − p`` and lognormal otherwise; after the start the mean is
multiplied by the domain's ``factor``. Everything true is written to ``waarheid.json``.

Raw length and weight (option ``bmi_meting`` of :func:`genereer_regio`): by default the
children's interventie delivers ``bmi_z`` only, as most JGZ exports do. With ``"ruw"``
(instead of ``bmi_z``) or ``"beide"`` (next to it) it delivers ``lengte_cm`` and
``gewicht_kg`` that are consistent with the true ``bmi_z`` under a growth reference. The
package cannot ship those tables, so the caller names a directory with them
(``groeireferentie_map``, the same one as ``afgeleide_maten.groeireferentie_map``). Length
follows an illustrative Dutch median-height curve plus a personal offset (not a reference);
BMI is the reference's LMS value at the child's ``bmi_z``, age and sex
(``M(1 + L·S·z)^(1/L)``); weight = BMI × (length/100)². Both are rounded to 0.1, so a z-score
recomputed from them differs from the delivered one by a few thousandths (the largest
difference is in ``waarheid.json``). These draws use their own random stream: every other
value, and the default output, is byte-identical to a run without the option.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluatie import woordenboek

PEILDATUM = pd.Timestamp("2026-10-31")
MEETMOMENTEN = {"T0": 0, "T1": 182, "T2": 365}  # days after start


@dataclass(frozen=True)
class UitkomstModel:
    mu: float
    sd_tussen: float
    sd_binnen: float
    effect: dict[str, float]  # true mean change T0 -> Tk
    decimalen: int = 2


@dataclass(frozen=True)
class KostenModel:
    p: float  # probability of any cost in a quarter
    mu_log: float  # lognormal location of a non-zero quarterly amount
    sd_log: float
    factor: float = 1.0  # multiplier of the mean after start (true effect)


@dataclass(frozen=True)
class InterventieSpec:
    code: str
    naam: str
    n: int
    leeftijd: tuple[float, float]
    primair: str
    uitkomsten: dict[str, UitkomstModel]
    kosten: dict[str, KostenModel]
    uitval_intercept: float  # logit of dropout for SES midden at mean baseline
    uitval_ses: dict[str, float] = field(default_factory=lambda: {"laag": 0.6, "hoog": -0.4})
    uitval_ernst: float = 0.35  # per SD of the observed baseline primary outcome (worse = more)
    n_vergelijking: int = 0
    #: is the comparison group measured on the outcomes too (then the true difference in
    #: differences is ``(1 - vergelijking_trend) × effect``)?
    vergelijking_gemeten: bool = False
    #: the comparison group's change, as a fraction of the intervention group's effect
    vergelijking_trend: float = 0.3
    n_professionals: int = 15
    rapportcijfer: float = 7.8


def _pg(mu: float, eff1: float, eff2: float) -> dict[str, UitkomstModel]:
    dims = woordenboek.pg_dimensies()
    return {
        d: UitkomstModel(mu + 0.15 * (i - 2.5), 1.1, 0.6, {"T1": eff1, "T2": eff2}, 1)
        for i, d in enumerate(dims)
    }


def demo_interventies() -> list[InterventieSpec]:
    """The four interventies of the demo region and their true effects."""
    algemeen = {
        "zvw_huisarts": KostenModel(0.75, 4.6, 0.7),
        "zvw_farmacie": KostenModel(0.45, 4.4, 1.0),
        "zvw_msz": KostenModel(0.18, 6.4, 1.1),
        "zvw_ggz": KostenModel(0.06, 6.8, 0.9),
        "zvw_overig": KostenModel(0.10, 4.8, 1.0),
    }
    return [
        InterventieSpec(
            code="czv-kind",
            naam="Centrale zorgverlener kinderen met overgewicht",
            n=600, leeftijd=(4, 17.9), primair="bmi_z",
            uitkomsten={
                "bmi_z": UitkomstModel(2.6, 0.55, 0.18, {"T1": -0.15, "T2": -0.25}),
                "rapportcijfer_leven": UitkomstModel(6.9, 1.0, 0.7, {"T1": 0.3, "T2": 0.4}, 0),
            },
            kosten={**algemeen, "jeugdwet": KostenModel(0.08, 7.0, 1.0, 0.9)},
            uitval_intercept=-1.2,
        ),
        InterventieSpec(
            code="leefstijlloket",
            naam="Leefstijlloket voor volwassenen",
            n=1200, leeftijd=(18, 75), primair="bmi",
            uitkomsten={
                "bmi": UitkomstModel(31.0, 4.2, 0.7, {"T1": -0.8, "T2": -1.1}, 1),
                **_pg(6.2, 0.35, 0.5),
                "rapportcijfer_leven": UitkomstModel(6.8, 1.0, 0.7, {"T1": 0.3, "T2": 0.4}, 0),
                "ervaren_gezondheid": UitkomstModel(2.6, 0.7, 0.45, {"T1": 0.2, "T2": 0.3}, 0),
            },
            kosten={**algemeen, "wmo": KostenModel(0.05, 6.0, 0.9)},
            uitval_intercept=-1.0,
        ),
        InterventieSpec(
            code="gezinsregie",
            naam="Gezinsregie bij hoge kosten over domeinen",
            n=300, leeftijd=(22, 58), primair="pg_mentaal_welbevinden",
            uitkomsten={
                **_pg(5.0, 0.5, 0.8),
                "rapportcijfer_leven": UitkomstModel(5.9, 1.1, 0.8, {"T1": 0.4, "T2": 0.7}, 0),
            },
            kosten={
                **algemeen,
                "zvw_ggz": KostenModel(0.35, 7.0, 0.9, 0.85),
                "wmo": KostenModel(0.55, 7.2, 0.8, 0.8),
                "jeugdwet": KostenModel(0.45, 8.0, 0.9, 0.75),
                "participatiewet": KostenModel(0.7, 8.3, 0.3, 0.9),
            },
            uitval_intercept=-0.9,
            n_vergelijking=300,
        ),
        InterventieSpec(
            code="groepsconsulten",
            naam="Groepsconsulten leefstijl in de huisartsenpraktijk",
            n=800, leeftijd=(25, 80), primair="pg_totaal",
            uitkomsten={
                "bmi": UitkomstModel(30.0, 4.0, 0.6, {"T1": -0.4, "T2": -0.6}, 1),
                **_pg(6.4, 0.25, 0.35),
                "ervaren_gezondheid": UitkomstModel(2.7, 0.7, 0.45, {"T1": 0.15, "T2": 0.2}, 0),
            },
            kosten=algemeen,
            uitval_intercept=-1.6,
            n_professionals=12,
        ),
    ]


WIJKEN = [  # (code, naam, ses_groep, ses_score, inwoners in de doelgroep)
    ("WK099901", "Centrum", "midden", 0.05, 14200),
    ("WK099902", "Oude Haven", "laag", -0.42, 9800),
    ("WK099903", "Molenwijk", "laag", -0.31, 11300),
    ("WK099904", "Parkzoom", "hoog", 0.28, 12600),
    ("WK099905", "Boschveld", "midden", -0.02, 10400),
    ("WK099906", "Zuiderkwartier", "laag", -0.55, 8700),
    ("WK099907", "Vinkenbuurt", "midden", 0.09, 9900),
    ("WK099908", "Kasteelhof", "hoog", 0.41, 7600),
    ("WK099909", "Rietlanden", "midden", 0.01, 12100),
    ("WK099910", "Heidepark", "hoog", 0.33, 8800),
]


@dataclass
class Dataset:
    tabellen: dict[str, pd.DataFrame]
    waarheid: dict[str, Any]


def _ids(rng: np.random.Generator, n: int, prefix: str, bezet: set[str]) -> list[str]:
    uit: list[str] = []
    while len(uit) < n:
        kand = [f"{prefix}{x:08X}" for x in rng.integers(0, 2**32, size=n - len(uit))]
        for k in kand:
            if k not in bezet:
                bezet.add(k)
                uit.append(k)
    return uit


def _genereer_interventie(spec: InterventieSpec, n: int, n_verg: int, rng: np.random.Generator,
                          bezet: set[str]) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    d = woordenboek.tabellen()
    verwijzers = list(d["deelnemers"].veld("verwijzer").toegestaan or ())
    redenen = list(d["deelnemers"].veld("reden_uitval").toegestaan or ())
    wijk_idx = rng.integers(0, len(WIJKEN), size=n + n_verg)
    # low-SES wijken are over-represented among participants, as intended by most programmes
    gewicht = np.array([1.6 if w[2] == "laag" else 1.0 for w in WIJKEN])
    wijk_idx = rng.choice(len(WIJKEN), size=n + n_verg, p=gewicht / gewicht.sum())
    wijk = np.array([WIJKEN[i][0] for i in wijk_idx])
    ses_groep = np.array([WIJKEN[i][2] for i in wijk_idx])
    ses_score = np.array([WIJKEN[i][3] for i in wijk_idx])
    ids = _ids(rng, n + n_verg, spec.code[:2].upper(), bezet)
    geslacht = rng.choice(["man", "vrouw", "anders"], size=n + n_verg, p=[0.48, 0.515, 0.005])
    leeftijd = np.round(rng.uniform(*spec.leeftijd, size=n + n_verg), 2)
    aanmeld = pd.Timestamp("2023-01-02") + pd.to_timedelta(rng.integers(0, 1300, n + n_verg), "D")
    start = aanmeld + pd.to_timedelta(rng.integers(7, 60, n + n_verg), "D")
    groep = np.array(["interventie"] * n + ["vergelijking"] * n_verg)

    # --- outcomes: latent person level + effects, measured with noise -----------------
    y: dict[str, dict[str, np.ndarray]] = {}
    for naam, m in spec.uitkomsten.items():
        a = rng.normal(m.mu, m.sd_tussen, n)
        y[naam] = {
            t: a + m.effect.get(t, 0.0) + rng.normal(0, m.sd_binnen, n) for t in MEETMOMENTEN
        }
    prim = y[spec.primair]["T0"] if spec.primair in y else np.mean(
        [y[k]["T0"] for k in woordenboek.pg_dimensies()], axis=0)
    lager_beter = spec.primair in ("bmi_z", "bmi")
    ernst = (prim - prim.mean()) / prim.std() * (1 if lager_beter else -1)

    # --- flow: not started, dropout (MAR on SES and baseline), still active ------------
    niet_gestart = rng.random(n) < 0.08
    ses_term = np.array([spec.uitval_ses.get(s, 0.0) for s in ses_groep[:n]])
    logit = spec.uitval_intercept + ses_term + spec.uitval_ernst * ernst
    uitval = (rng.random(n) < 1 / (1 + np.exp(-logit))) & ~niet_gestart
    uitval_dag = rng.integers(20, 360, n)
    start_i = start[:n]
    einde_programma = start_i + pd.Timedelta(days=380)
    actief = ~niet_gestart & ~uitval & (einde_programma > PEILDATUM)
    uitval_na_peil = uitval & (start_i + pd.to_timedelta(uitval_dag, "D") > PEILDATUM)
    uitval = uitval & ~uitval_na_peil
    actief = actief | uitval_na_peil
    status = np.where(niet_gestart, "aangemeld",
                      np.where(uitval, "uitgevallen", np.where(actief, "gestart", "afgerond")))
    einddatum = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    einddatum[uitval] = (start_i + pd.to_timedelta(uitval_dag, "D"))[uitval]
    afgerond = status == "afgerond"
    einddatum[afgerond] = einde_programma[afgerond]
    reden = np.where(uitval, rng.choice(redenen, size=n,
                                        p=[0.3, 0.12, 0.08, 0.12, 0.2, 0.08, 0.1]), None)

    deelnemers = pd.DataFrame({
        "pseudo_id": ids,
        "interventie": spec.code,
        "onderzoeksgroep": groep,
        "geslacht": geslacht,
        "leeftijd_start": leeftijd,
        "wijk": wijk,
        "ses_score": ses_score,
        "ses_groep": ses_groep,
        "verwijzer": rng.choice(verwijzers, size=n + n_verg),
        "aanmelddatum": aanmeld,
        "startdatum": start,
        "einddatum": pd.concat([einddatum, pd.Series(pd.NaT, index=range(n, n + n_verg))],
                               ignore_index=True),
        "status": np.concatenate([status, np.full(n_verg, "gestart")]),
        "reden_uitval": np.concatenate([reden, np.full(n_verg, None)]),
    })
    deelnemers.loc[np.r_[niet_gestart, np.zeros(n_verg, bool)], "startdatum"] = pd.NaT

    # --- measurements at each moment that falls before dropout and peildatum -----------
    rijen = []
    y_verg: dict[str, np.ndarray] = {}
    for t, dag in MEETMOMENTEN.items():
        datum = start_i + pd.to_timedelta(dag + rng.integers(-10, 11, n) * (dag > 0), "D")
        gemeten = ~niet_gestart & (datum <= PEILDATUM)
        gemeten &= ~(uitval & (np.asarray(uitval_dag) < dag))
        if dag > 0:
            gemeten &= rng.random(n) > 0.04  # a missed visit, completely at random
        df = pd.DataFrame({"pseudo_id": np.array(ids[:n])[gemeten], "meetmoment": t,
                           "meetdatum": datum[gemeten]})
        for naam, m in spec.uitkomsten.items():
            v = np.round(y[naam][t][gemeten], m.decimalen)
            veld = d["metingen"].veld(naam)
            v = np.clip(v, veld.minimum, veld.maximum)
            v[rng.random(v.size) < 0.02] = np.nan  # item non-response
            df[naam] = v
        rijen.append(df)
    if n_verg and spec.vergelijking_gemeten:
        # the comparison group: its own people, measured at the same moments around their
        # index date, changing by a fraction of the intervention's effect
        for t, dag in MEETMOMENTEN.items():
            datum = start[n:] + pd.to_timedelta(dag + rng.integers(-10, 11, n_verg) * (dag > 0), "D")
            gemeten = (datum <= PEILDATUM) & (rng.random(n_verg) > (0.12 if dag > 0 else 0.03))
            df = pd.DataFrame({"pseudo_id": np.array(ids[n:])[gemeten], "meetmoment": t,
                               "meetdatum": datum[gemeten]})
            for naam, m in spec.uitkomsten.items():
                a = y_verg.setdefault(naam, rng.normal(m.mu, m.sd_tussen, n_verg))
                w = a + spec.vergelijking_trend * m.effect.get(t, 0.0) + rng.normal(0, m.sd_binnen, n_verg)
                veld = d["metingen"].veld(naam)
                df[naam] = np.clip(np.round(w[gemeten], m.decimalen), veld.minimum, veld.maximum)
            rijen.append(df)
    metingen = pd.concat(rijen, ignore_index=True)
    if "ervaren_gezondheid" in metingen:
        metingen["ervaren_gezondheid"] = metingen["ervaren_gezondheid"].round().clip(1, 5)
    for kolom in ("rapportcijfer_leven",):
        if kolom in metingen:
            metingen[kolom] = metingen[kolom].round().clip(0, 10)

    # --- zorgkosten per quarter, 4 quarters before and after start ---------------------
    kosten = []
    gestart_idx = np.flatnonzero(deelnemers["startdatum"].notna())
    s = deelnemers["startdatum"].to_numpy()[gestart_idx]
    is_int = groep[gestart_idx] == "interventie"
    for domein, km in spec.kosten.items():
        for q in range(-4, 4):
            ps = s + np.timedelta64(91, "D") * q
            factor = np.where((q >= 0) & is_int, km.factor, 1.0)
            # only quarters that ended by the peildatum are in the data
            heeft = (rng.random(s.size) < km.p) & (ps + np.timedelta64(90, "D") <= PEILDATUM)
            bedrag = np.round(rng.lognormal(km.mu_log, km.sd_log, s.size) * factor, 2)
            kosten.append(pd.DataFrame({
                "pseudo_id": deelnemers["pseudo_id"].to_numpy()[gestart_idx][heeft],
                "periode_start": ps[heeft],
                "periode_eind": (ps + np.timedelta64(90, "D"))[heeft],
                "kostendomein": domein,
                "bedrag_eur": bedrag[heeft],
            }))
    zorgkosten = pd.concat(kosten, ignore_index=True)

    # --- ervaringen at T1, werkplezier per professional -------------------------------
    t1 = metingen[metingen["meetmoment"] == "T1"][["pseudo_id", "meetdatum"]]
    n1 = len(t1)
    ervaringen = pd.DataFrame({
        "pseudo_id": t1["pseudo_id"].to_numpy(),
        "meetmoment": "T1",
        "datum": np.minimum(t1["meetdatum"].to_numpy() + np.timedelta64(3, "D"),
                            PEILDATUM.to_datetime64()),
        "rapportcijfer": np.clip(np.round(rng.normal(spec.rapportcijfer, 1.0, n1)), 0, 10),
        "aanbevelen": np.clip(np.round(rng.normal(8.0, 1.6, n1)), 0, 10),
    })
    prof_ids = _ids(rng, spec.n_professionals, "PR", bezet)
    professionals = pd.DataFrame([
        {"professional_id": p, "organisatie": org, "interventie": spec.code, "jaar": jaar,
         "werkplezier": int(np.clip(round(rng.normal(7.3 + 0.1 * (jaar - 2024), 0.9)), 0, 10))}
        for p, org in zip(prof_ids, rng.choice(["GGD Zuidrand", "Wijkteam Zuidrand",
                                                "Huisartsenzorg Zuidrand"], spec.n_professionals),
                          strict=True)
        for jaar in (2024, 2025, 2026)
    ])

    waarheid = {
        "naam": spec.naam,
        "n": n,
        "n_vergelijking": n_verg,
        "primaire_uitkomst": spec.primair,
        "did_gezondheid": ({k: {t: (1 - spec.vergelijking_trend) * e for t, e in m.effect.items()}
                            for k, m in spec.uitkomsten.items()}
                           if n_verg and spec.vergelijking_gemeten else None),
        "effect": {k: dict(m.effect) for k, m in spec.uitkomsten.items()},
        "effect_pg_totaal": (
            {t: float(np.mean([spec.uitkomsten[k].effect[t] for k in woordenboek.pg_dimensies()]))
             for t in ("T1", "T2")}
            if all(k in spec.uitkomsten for k in woordenboek.pg_dimensies()) else None
        ),
        "uitval_logit": {
            "intercept_ses_midden": spec.uitval_intercept,
            "ses_groep": dict(spec.uitval_ses),
            "per_sd_ernst_baseline": spec.uitval_ernst,
            "ernst": f"gestandaardiseerde T0-waarde van {spec.primair} ("
                     + ("hoger" if lager_beter else "lager") + " = ernstiger)",
        },
        "kosten_factor_na_start": {k: km.factor for k, km in spec.kosten.items()},
        "kosten_verwacht_per_jaar": {
            k: 4 * km.p * float(np.exp(km.mu_log + km.sd_log**2 / 2)) for k, km in spec.kosten.items()
        },
        "rapportcijfer": spec.rapportcijfer,
    }
    return {"deelnemers": deelnemers, "metingen": metingen, "zorgkosten": zorgkosten,
            "ervaringen": ervaringen, "professionals": professionals}, waarheid


#: Illustrative median length (cm) of Dutch children by age (years); not a growth reference.
_LENGTE_MEDIAAN = {
    "leeftijd": [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 21],
    "man": [52, 91, 105, 120, 133, 145, 156, 170, 180, 183, 184],
    "vrouw": [51, 90, 104, 119, 132, 144, 157, 166, 169, 170, 171],
}
_LENGTE_SD = 6.5


def _ruwe_maten(metingen: pd.DataFrame, deelnemers: pd.DataFrame, ref: Any,
                rng: np.random.Generator, modus: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Length and weight consistent with ``bmi_z`` under ``ref`` (see the module docstring)."""
    from evaluatie import groei

    m = metingen.copy()
    d = deelnemers.drop_duplicates("pseudo_id").set_index("pseudo_id")
    ids = d.index[d.index.isin(m["pseudo_id"])]
    offset = pd.Series(rng.normal(0.0, 1.0, len(ids)), index=ids)
    # sex for the length curve and the LMS table; 'anders' gets one of the two at random
    gekozen = pd.Series(rng.choice(["man", "vrouw"], len(ids)), index=ids)
    geslacht = d.loc[ids, "geslacht"].where(d.loc[ids, "geslacht"].isin(["man", "vrouw"]), gekozen)
    leeftijd = (m["pseudo_id"].map(d["leeftijd_start"])
                + (m["meetdatum"] - m["pseudo_id"].map(d["startdatum"])).dt.days / 365.25)
    sekse = m["pseudo_id"].map(geslacht)
    mediaan = np.where(sekse == "man",
                       np.interp(leeftijd, _LENGTE_MEDIAAN["leeftijd"], _LENGTE_MEDIAAN["man"]),
                       np.interp(leeftijd, _LENGTE_MEDIAAN["leeftijd"], _LENGTE_MEDIAAN["vrouw"]))
    lengte = np.round(mediaan + _LENGTE_SD * m["pseudo_id"].map(offset).to_numpy(), 1)
    lms = groei.interpoleer_lms(ref, leeftijd.to_numpy(), sekse.to_numpy())
    bmi = groei.lms_waarde(m["bmi_z"].to_numpy(float), lms["L"], lms["M"], lms["S"])
    gewicht = np.round(bmi * (lengte / 100.0) ** 2, 1)
    ok = np.isfinite(gewicht)
    m["lengte_cm"] = np.where(ok, lengte, np.nan)
    m["gewicht_kg"] = np.where(ok, gewicht, np.nan)
    terug = groei.bmi_z(gewicht_kg=m["gewicht_kg"], lengte_cm=m["lengte_cm"],
                        leeftijd_jaren=leeftijd, geslacht=sekse, referentie=ref)["bmi_z"]
    verschil = float(np.nanmax(np.abs(terug.to_numpy() - m["bmi_z"].to_numpy(float))))
    waarheid = {
        "modus": modus,
        "referentie": ref.label,
        "bestanden_sha256": dict(ref.sha256),
        "max_verschil_bmi_z_uit_lengte_gewicht": round(verschil, 4),
        "toelichting": "lengte_cm en gewicht_kg geven onder deze referentie de ware bmi_z "
                       "(op 0,1 afgerond); geslacht 'anders' kreeg een willekeurige tabel, "
                       "maar heeft in de pijplijn geen z-score",
    }
    if modus == "ruw":
        m = m.drop(columns="bmi_z")
    return m, waarheid


def genereer_regio(seed: int = 2026, schaal: float = 1.0,
                   interventies: list[InterventieSpec] | None = None, *,
                   bmi_meting: str = "bmi_z", groeireferentie_map: str | Path | None = None,
                   groeireferentie: str = "nl1997") -> Dataset:
    """Generate the demo region.

    Parameters
    ----------
    seed
        Seed of the whole region; every interventie gets its own child stream.
    schaal
        Multiplies every cohort size (used for benchmarks, e.g. 10).
    interventies
        Specs to generate (default :func:`demo_interventies`).
    bmi_meting
        For interventies with outcome ``bmi_z``: ``"bmi_z"`` (default: the z-score only),
        ``"ruw"`` (``lengte_cm`` and ``gewicht_kg`` instead of ``bmi_z``) or ``"beide"``.
    groeireferentie_map, groeireferentie
        Directory with the user's growth reference tables and which reference the true
        ``bmi_z`` refers to; required unless ``bmi_meting="bmi_z"``.

    Raises
    ------
    evaluatie.groei.ReferentieFout
        ``bmi_meting`` asks for raw measures and the reference cannot be loaded.
    """
    if bmi_meting not in ("bmi_z", "ruw", "beide"):
        raise ValueError(f"bmi_meting moet bmi_z, ruw of beide zijn, niet {bmi_meting!r}")
    ref = None
    if bmi_meting != "bmi_z":
        from evaluatie import groei

        if groeireferentie_map is None:
            raise groei.ontbrekende_referentiemap(
                groeireferentie, f"De synthetische regio krijgt lengte en gewicht "
                f"(bmi_meting: {bmi_meting})")
        ref = groei.laad_referentie(groeireferentie, groeireferentie_map)
    specs = interventies if interventies is not None else demo_interventies()
    kinderen = np.random.SeedSequence(seed).spawn(len(specs))
    bezet: set[str] = set()
    delen: dict[str, list[pd.DataFrame]] = {}
    waarheid: dict[str, Any] = {"seed": seed, "schaal": schaal,
                                "peildatum": PEILDATUM.strftime("%Y-%m-%d"), "interventies": {}}
    for spec, kind in zip(specs, kinderen, strict=True):
        rng = np.random.default_rng(kind)
        tabellen, w = _genereer_interventie(
            spec, max(2, round(spec.n * schaal)), round(spec.n_vergelijking * schaal), rng, bezet)
        if ref is not None and "bmi_z" in spec.uitkomsten:
            # own stream, spawned from this interventie's seed: nothing else changes
            rng_groei = np.random.default_rng(kind.spawn(1)[0])
            tabellen["metingen"], w["bmi_meting"] = _ruwe_maten(
                tabellen["metingen"], tabellen["deelnemers"], ref, rng_groei, bmi_meting)
        waarheid["interventies"][spec.code] = w
        for k, v in tabellen.items():
            delen.setdefault(k, []).append(v)
    schemas = woordenboek.tabellen()
    tabellen = {}
    for naam, lijst in delen.items():
        df = pd.concat(lijst, ignore_index=True)
        df = df[[k for k in schemas[naam].kolommen if k in df.columns]]
        for v in schemas[naam].velden:
            if v.type == "integer" and v.naam in df:
                df[v.naam] = df[v.naam].astype("Int64")
        tabellen[naam] = df
    tabellen["wijken"] = pd.DataFrame(
        [(c, nm, g, round(i * max(schaal, 1))) for c, nm, g, _, i in WIJKEN],
        columns=["wijk", "wijknaam", "ses_groep", "inwoners_doelgroep"])
    return Dataset(tabellen, waarheid)


def schrijf(dataset: Dataset, map_: Path) -> dict[str, Path]:
    """Write every table as UTF-8 CSV (ISO dates) plus ``waarheid.json``."""
    map_.mkdir(parents=True, exist_ok=True)
    paden = {}
    for naam, df in dataset.tabellen.items():
        pad = map_ / f"{naam}.csv"
        df.to_csv(pad, index=False, date_format="%Y-%m-%d")
        paden[naam] = pad
    (map_ / "waarheid.json").write_text(json.dumps(dataset.waarheid, indent=2, ensure_ascii=False),
                                        encoding="utf-8")
    return paden
