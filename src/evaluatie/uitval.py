"""Uitval (dropout): participant flow, dropout rates, who drops out, time to dropout and
how sensitive a pre/post result is to the missing data that dropout leaves behind.

All functions are pure: a long pandas DataFrame in, a tidy DataFrame out, nothing read
from or written to disk. Dates may be given as ``datetime64`` or ISO strings
(``"2023-04-01"``); empty strings and missing values mean "no date".

Every statistic here was checked against R on the data set that ``tests/r/uitval.R``
makes; ``tests/test_uitval.py`` holds the comparison and the tolerance used.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.imputation.mice import MICEData
from statsmodels.stats.proportion import proportion_confint
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    HessianInversionWarning,
    PerfectSeparationWarning,
)

from evaluatie.fouten import EvaluatieFout

__all__ = [
    "StroomFout",
    "deelnemersstroom",
    "controleer_stroom",
    "uitvalpercentages",
    "vergelijk_uitvallers",
    "uitvalmodel",
    "kaplan_meier_uitval",
    "km_op_vaste_tijden",
    "gevoeligheidsanalyse",
    "conclusie_gevoeligheid",
]

OK = "ok"
NIET = "niet_te_berekenen"

#: Loss reasons that the flow adds to the ``reden_uitval`` codes of the data dictionary.
EXTRA_REDENEN = {
    "niet_gestart": "aangemeld maar niet gestart",
    "geen_meting": "geen meting (wel in zorg of afgerond)",
    "nog_actief": "nog actief, meting nog niet gedaan",
}


class StroomFout(EvaluatieFout):
    """The participant flow does not add up: someone is lost or counted twice."""


# ----------------------------------------------------------------------------- helpers


def _datum(reeks: pd.Series) -> pd.Series:
    """Dates from datetime64 or ISO strings; empty strings become NaT."""
    if pd.api.types.is_datetime64_any_dtype(reeks):
        return reeks
    schoon = reeks.astype("object").where(reeks.notna(), None)
    schoon = schoon.map(lambda v: None if isinstance(v, str) and not v.strip() else v)
    return pd.to_datetime(schoon, format="ISO8601")


def _controleer_kolommen(df: pd.DataFrame, kolommen: Sequence[str], naam: str) -> None:
    ontbreekt = [k for k in kolommen if k not in df.columns]
    if ontbreekt:
        raise ValueError(f"{naam} mist de kolom(men) {', '.join(ontbreekt)}.")


def _unieke_deelnemers(deelnemers: pd.DataFrame) -> pd.DataFrame:
    dubbel = deelnemers["pseudo_id"].duplicated()
    if dubbel.any():
        ids = ", ".join(map(str, deelnemers.loc[dubbel, "pseudo_id"].unique()[:5]))
        raise ValueError(f"deelnemers bevat pseudo_id's meer dan eens (bijvoorbeeld {ids}).")
    return deelnemers.sort_values("pseudo_id", kind="stable").reset_index(drop=True)


def _getal(x: float) -> str:
    """Dutch number format with a real minus sign: -0.123 -> '−0,12'."""
    return f"{x:.2f}".replace("-", "−").replace(".", ",")


# ----------------------------------------------------------------------------- 1. flow


#: Codes of the flow table (:func:`deelnemersstroom`).
STAPPEN = ("aangemeld", "gestart", "afgerond")
VERLIESGROEPEN = ("niet_gestart", "uitgevallen", "nog_actief")


def deelnemersstroom(
    deelnemers: pd.DataFrame,
    metingen: pd.DataFrame,
    meetmomenten: Sequence[str] = ("T0", "T1", "T2"),
) -> pd.DataFrame:
    """Participant flow (TREND/CONSORT): who started, who completed, who was lost and why.

    Stages: aangemeld → gestart (has a startdatum) → afgerond (status ``afgerond``). The
    participants who started but did not complete are split into ``uitgevallen`` (status
    ``uitgevallen``, per ``reden_uitval``; a dropout without a reason counts as
    ``onbekend``) and ``nog_actief`` (still in the intervention on the peildatum). "Afgerond"
    means the same here as everywhere else in the package: status ``afgerond``.
    Measurements are reported next to the flow: per meetmoment, the participants who
    started and have a measurement then (whatever happened at the other moments).

    Parameters
    ----------
    deelnemers : DataFrame
        One row per participant with ``pseudo_id``, ``startdatum`` (empty if never
        started), ``status`` (aangemeld/gestart/afgerond/uitgevallen) and ``reden_uitval``.
    metingen : DataFrame
        Long measurements, one row per ``pseudo_id`` x ``meetmoment``; a row counts as a
        measurement whatever its outcome values. Rows of people not in ``deelnemers``
        are ignored.
    meetmomenten : sequence of str
        Measurement moments in chronological order.

    Returns
    -------
    DataFrame
        - ``stap_nr`` (int), ``stap`` (``aangemeld``, ``gestart``, ``afgerond`` or
          ``gemeten_<T>``), ``van`` (the stage these participants come from; empty for
          the first stage, reasons and measurements);
        - ``soort``: ``stap`` (reached the stage), ``verlies`` (left between ``van`` and
          this stage, one row per group), ``reden`` (the dropouts per reason) or
          ``meting`` (started and measured at the meetmoment);
        - ``groep``: loss group (``niet_gestart``, ``uitgevallen``, ``nog_actief``);
        - ``reden``: ``reden_uitval`` code of a ``reden`` row;
        - ``n``: number of participants.

        Relations (checked by :func:`controleer_stroom`): ``n(van) = n(stap) + sum of
        the stage's losses``; the reasons add up to ``uitgevallen``; a measurement count
        is at most ``n(gestart)``.

    Notes
    -----
    Rows are ordered by stage, then by count (largest first) and code, so the result
    does not depend on the input row order.
    """
    _controleer_kolommen(deelnemers, ["pseudo_id", "startdatum", "status"], "deelnemers")
    _controleer_kolommen(metingen, ["pseudo_id", "meetmoment"], "metingen")
    d = _unieke_deelnemers(deelnemers).set_index("pseudo_id", drop=False)
    if "reden_uitval" not in d.columns:
        d = d.assign(reden_uitval=pd.NA)
    gestart = _datum(d["startdatum"]).notna().to_numpy()
    status = d["status"].astype(object).to_numpy()
    g = d[gestart]
    st = status[gestart]
    rijen: list[dict] = []

    def rij(nr: int, stap: str, van: str, soort: str, n: int, groep: str = "", reden: str = "") -> None:
        rijen.append(dict(stap_nr=nr, stap=stap, van=van, soort=soort, groep=groep, reden=reden,
                          n=int(n)))

    rij(0, "aangemeld", "", "stap", len(d))
    rij(1, "gestart", "aangemeld", "stap", int(gestart.sum()))
    rij(1, "gestart", "aangemeld", "verlies", int((~gestart).sum()), groep="niet_gestart")
    afgerond = st == "afgerond"
    uitgevallen = st == "uitgevallen"
    rij(2, "afgerond", "gestart", "stap", int(afgerond.sum()))
    rij(2, "afgerond", "gestart", "verlies", int(uitgevallen.sum()), groep="uitgevallen")
    redenen = g.loc[uitgevallen, "reden_uitval"].astype(object)
    redenen = redenen.where(redenen.map(lambda x: isinstance(x, str) and bool(x.strip())), "onbekend")
    telling = redenen.value_counts()
    for reden, n in sorted(telling.items(), key=lambda kv: (-kv[1], kv[0])):
        rij(2, "afgerond", "", "reden", n, groep="uitgevallen", reden=str(reden))
    rij(2, "afgerond", "gestart", "verlies", int((~afgerond & ~uitgevallen).sum()), groep="nog_actief")
    ids = pd.Index(g.index)
    for k, mm in enumerate(meetmomenten):
        gemeten = pd.Index(metingen.loc[metingen["meetmoment"] == mm, "pseudo_id"].unique())
        rij(3 + k, f"gemeten_{mm}", "", "meting", int(ids.isin(gemeten).sum()))
    uit = pd.DataFrame(rijen)
    uit["n"] = uit["n"].astype("int64")
    return uit


def controleer_stroom(stroom: pd.DataFrame, deelnemers: pd.DataFrame) -> None:
    """Check that a flow table adds up; raise :class:`StroomFout` if it does not.

    Checks: the first stage holds every participant exactly once; every stage equals
    its successor plus its losses; the reasons add up to the dropouts; a measurement
    count does not exceed the number who started; counts are whole and non-negative.

    Raises
    ------
    StroomFout
        Listing every problem found, in Dutch.
    """
    problemen: list[str] = []
    n = pd.to_numeric(stroom["n"], errors="coerce")
    if n.isna().any() or (n < 0).any() or (n % 1 != 0).any():
        problemen.append("niet alle aantallen zijn hele, niet-negatieve getallen")
    stap = stroom[stroom["soort"] == "stap"].set_index("stap")["n"]
    if stap.index.duplicated().any():
        problemen.append("een stap komt meer dan eens voor")
    n_totaal = deelnemers["pseudo_id"].nunique()
    if "aangemeld" not in stap.index or int(stap["aangemeld"]) != n_totaal:
        problemen.append(f"de eerste stap telt {int(stap.get('aangemeld', -1))} deelnemers, maar er "
                         f"zijn er {n_totaal}")
    for naam in stap.index:
        van = stroom.loc[(stroom["soort"] == "stap") & (stroom["stap"] == naam), "van"].iloc[0]
        if not van:
            continue
        verlies = int(stroom.loc[(stroom["soort"] == "verlies") & (stroom["stap"] == naam), "n"].sum())
        if int(stap[van]) != int(stap[naam]) + verlies:
            problemen.append(f"{van} ({int(stap[van])}) ≠ {naam} ({int(stap[naam])}) + verlies "
                             f"({verlies}): {int(stap[van]) - int(stap[naam]) - verlies:+d} deelnemers "
                             "niet verantwoord")
    uit = stroom[(stroom["soort"] == "verlies") & (stroom["groep"] == "uitgevallen")]
    redenen = int(stroom.loc[stroom["soort"] == "reden", "n"].sum())
    if len(uit) and int(uit["n"].iloc[0]) != redenen:
        problemen.append(f"uitgevallen ({int(uit['n'].iloc[0])}) ≠ som van de redenen ({redenen})")
    metingen = stroom[stroom["soort"] == "meting"]
    if "gestart" in stap.index and (metingen["n"] > int(stap["gestart"])).any():
        problemen.append("een meetmoment telt meer deelnemers dan er gestart zijn")
    if problemen:
        raise StroomFout("De deelnemersstroom klopt niet: " + "; ".join(problemen) + ".")


# ----------------------------------------------------------------------------- 2. rates


def uitvalpercentages(
    deelnemers: pd.DataFrame,
    per: Literal["kwartaal", "jaar"] | None = None,
) -> pd.DataFrame:
    """Percentage of started participants who dropped out, with a Wilson 95% CI.

    Parameters
    ----------
    deelnemers : DataFrame
        One row per participant with ``pseudo_id``, ``startdatum`` and ``status``.
    per : {None, "kwartaal", "jaar"}
        ``None``: one row for all participants; otherwise one row per calendar quarter
        or year of the ``startdatum`` (start cohorts).

    Returns
    -------
    DataFrame
        - ``periode`` : ``"totaal"``, ``"2023"`` or ``"2023-K2"``.
        - ``n_gestart`` : participants with a startdatum (the denominator).
        - ``n_uitgevallen`` : of those, status ``uitgevallen`` (the numerator).
        - ``n_afgerond`` : of those, status ``afgerond``.
        - ``n_actief`` : the rest, still in the intervention on the peildatum.
        - ``percentage`` : 100 * n_uitgevallen / n_gestart.
        - ``ci95_onder``, ``ci95_boven`` : Wilson score 95% interval, in percent.
        - ``status``, ``reden`` : ``"niet_te_berekenen"`` when nobody started.

    Notes
    -----
    Denominator: everyone who started. A participant still active on the peildatum is
    in the denominator but not in the numerator, so for recent cohorts the percentage
    is a lower bound of the eventual dropout; use :func:`kaplan_meier_uitval` for a
    rate that accounts for unfinished follow-up. People who never started are not
    dropouts here (they appear as ``niet_gestart`` in the flow).

    Wilson interval: ``statsmodels.stats.proportion.proportion_confint(method="wilson")``,
    validated against R ``prop.test(x, n, correct = FALSE)$conf.int``.
    """
    _controleer_kolommen(deelnemers, ["pseudo_id", "startdatum", "status"], "deelnemers")
    if per not in (None, "kwartaal", "jaar"):
        raise ValueError(f"per moet None, 'kwartaal' of 'jaar' zijn, niet {per!r}.")
    d = _unieke_deelnemers(deelnemers)
    start = _datum(d["startdatum"])
    g = d[start.notna()].assign(_start=start[start.notna()])
    if per is None:
        g["periode"] = "totaal"
    elif per == "jaar":
        g["periode"] = g["_start"].dt.year.astype(str)
    else:
        g["periode"] = g["_start"].dt.year.astype(str) + "-K" + g["_start"].dt.quarter.astype(str)
    periodes = sorted(g["periode"].unique()) if len(g) else ["totaal"]
    rijen = []
    for periode in periodes:
        sel = g[g["periode"] == periode]
        n = len(sel)
        x = int((sel["status"] == "uitgevallen").sum())
        af = int((sel["status"] == "afgerond").sum())
        rij = dict(periode=periode, n_gestart=n, n_uitgevallen=x, n_afgerond=af,
                   n_actief=n - x - af)
        if n == 0:
            rij.update(percentage=np.nan, ci95_onder=np.nan, ci95_boven=np.nan, status=NIET,
                       reden="Niemand is gestart, dus er is geen noemer.")
        else:
            lo, hi = proportion_confint(x, n, alpha=0.05, method="wilson")
            rij.update(percentage=100 * x / n, ci95_onder=100 * float(lo),
                       ci95_boven=100 * float(hi), status=OK, reden="")
        rijen.append(rij)
    return pd.DataFrame(rijen)


# ----------------------------------------------------------------------------- 3. who


GROEPEN = ("uitvallers", "afronders")


def _niveaus(reeks: pd.Series) -> list:
    if isinstance(reeks.dtype, pd.CategoricalDtype):
        return list(reeks.cat.categories)
    return sorted(reeks.dropna().unique().tolist(), key=str)


def _smd_continu(a: np.ndarray, b: np.ndarray) -> float:
    verschil = a.mean() - b.mean()
    noemer = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    if noemer == 0:
        return 0.0 if verschil == 0 else np.nan
    return float(verschil / noemer)


def _smd_categorisch(tabel: np.ndarray) -> float:
    """Yang & Dalton (2012) SMD from a levels x 2 count table, as tableone's StdDiffMulti."""
    p = tabel / tabel.sum(axis=0, keepdims=True)
    if p.shape[0] > 1:
        p = p[1:, :]
    t, c = p[:, 0], p[:, 1]

    def cov(q: np.ndarray) -> np.ndarray:
        s = -np.outer(q, q)
        np.fill_diagonal(s, q * (1 - q))
        return s

    s = (cov(t) + cov(c)) / 2
    d = t - c
    if np.all(s == 0):
        return 0.0 if np.all(d == 0) else np.nan
    return float(np.sqrt(d @ np.linalg.pinv(s) @ d))


def vergelijk_uitvallers(
    deelnemers_baseline: pd.DataFrame,
    kenmerken: Mapping[str, Literal["continu", "categorisch"]],
) -> pd.DataFrame:
    """Table 1: baseline characteristics of dropouts (uitvallers) versus completers (afronders).

    Parameters
    ----------
    deelnemers_baseline : DataFrame
        One row per participant with ``status`` and the baseline characteristics (for
        example ``deelnemers`` merged with the T0 measurements). Only status
        ``uitgevallen`` (uitvallers) and ``afgerond`` (afronders) are compared;
        participants still active or never started are left out.
    kenmerken : mapping of column name to ``"continu"`` or ``"categorisch"``
        The characteristics, in the order of the table.

    Returns
    -------
    DataFrame
        Long format, one row per kenmerk x niveau x groep, in the order of ``kenmerken``
        (first two rows: ``kenmerk == "n"``, the group sizes):

        - ``kenmerk`` : column name (``"n"`` for the group-size rows).
        - ``type`` : ``"aantal"``, ``"continu"`` or ``"categorisch"``.
        - ``niveau`` : category level; empty for continuous characteristics.
        - ``groep`` : ``"uitvallers"`` or ``"afronders"``.
        - ``n`` : continuous: participants with a value; categorical: participants at
          this level; ``"n"`` rows: group size.
        - ``n_noemer`` : participants with a known value in the group (the denominator
          of ``percentage``).
        - ``n_ontbrekend`` : participants in the group with the value missing.
        - ``percentage`` : categorical: 100 * n / n_noemer (missing values excluded).
        - ``gemiddelde``, ``sd`` : continuous: mean and SD (ddof = 1).
        - ``mediaan``, ``q1``, ``q3`` : continuous: median and quartiles (linear
          interpolation, R ``quantile(type = 7)``).
        - ``smd`` : standardized mean difference, uitvallers − afronders, repeated on
          every row of the kenmerk. Continuous: ``(m1 − m2) / sqrt((s1² + s2²) / 2)``,
          signed (tableone reports its absolute value); categorical: the multi-level
          SMD of Yang & Dalton (2012), ``sqrt((p1 − p2)' S⁺ (p1 − p2))`` over the
          level proportions minus the first level with ``S`` the mean of the two
          multinomial covariance matrices and ``S⁺`` its Moore–Penrose inverse
          (always ≥ 0).
        - ``p`` : two-sided p-value: Welch t-test (continuous); Pearson chi-square
          (with Yates' correction for a 2 x 2 table, as R ``chisq.test``) or Fisher's
          exact test when an expected count is below 5 (categorical).
        - ``toets`` : the test used.
        - ``status``, ``reden`` : ``"niet_te_berekenen"`` with a reason when a group has
          fewer than two values, no variation, or only one level was observed.

    Notes
    -----
    Missing values are left out of means, percentages, SMD and test (complete cases per
    characteristic) and counted in ``n_ontbrekend``. Validated against R: SMDs against
    the formulas of tableone's ``StdDiff``/``StdDiffMulti`` (tableone is not packaged in
    Debian, so the formulas were written out in ``tests/r/uitval.R``), p-values against
    ``t.test``, ``chisq.test`` and ``fisher.test``.
    """
    _controleer_kolommen(deelnemers_baseline, ["status", *kenmerken], "deelnemers_baseline")
    for k, soort in kenmerken.items():
        if soort not in ("continu", "categorisch"):
            raise ValueError(f"kenmerk {k!r}: type moet 'continu' of 'categorisch' zijn.")
    d = deelnemers_baseline[deelnemers_baseline["status"].isin(["uitgevallen", "afgerond"])]
    if "pseudo_id" in d.columns:
        d = d.sort_values("pseudo_id", kind="stable")
    groep = np.where(d["status"] == "uitgevallen", GROEPEN[0], GROEPEN[1])
    rijen: list[dict] = []
    for g in GROEPEN:
        n_g = int((groep == g).sum())
        rijen.append(dict(kenmerk="n", type="aantal", niveau="", groep=g, n=n_g, n_noemer=n_g,
                          n_ontbrekend=0, status=OK, reden=""))
    for kenmerk, soort in kenmerken.items():
        if soort == "continu":
            rijen += _tabel1_continu(d[kenmerk], groep, kenmerk)
        else:
            rijen += _tabel1_categorisch(d[kenmerk], groep, kenmerk)
    kolommen = ["kenmerk", "type", "niveau", "groep", "n", "n_noemer", "n_ontbrekend",
                "percentage", "gemiddelde", "sd", "mediaan", "q1", "q3", "smd", "p", "toets",
                "status", "reden"]
    uit = pd.DataFrame(rijen).reindex(columns=kolommen)
    for k in ("n", "n_noemer", "n_ontbrekend"):
        uit[k] = uit[k].astype("int64")
    uit["toets"] = uit["toets"].fillna("")
    return uit


def _tabel1_continu(reeks: pd.Series, groep: np.ndarray, kenmerk: str) -> list[dict]:
    x = pd.to_numeric(reeks, errors="raise").to_numpy(dtype=float)
    waarden = {g: x[(groep == g) & ~np.isnan(x)] for g in GROEPEN}
    rijen = []
    for g in GROEPEN:
        v = waarden[g]
        rij = dict(kenmerk=kenmerk, type="continu", niveau="", groep=g, n=len(v),
                   n_noemer=len(v), n_ontbrekend=int(((groep == g) & np.isnan(x)).sum()))
        if len(v):
            q1, med, q3 = np.quantile(v, [0.25, 0.5, 0.75])
            rij.update(gemiddelde=float(v.mean()), mediaan=float(med), q1=float(q1),
                       q3=float(q3), sd=float(v.std(ddof=1)) if len(v) > 1 else np.nan)
        rijen.append(rij)
    a, b = waarden[GROEPEN[0]], waarden[GROEPEN[1]]
    if min(len(a), len(b)) < 2:
        smd, p, status, reden = np.nan, np.nan, NIET, "Minder dan twee waarden in een groep."
    elif a.var() == 0 and b.var() == 0:
        smd, p, status = _smd_continu(a, b), np.nan, NIET
        reden = "Geen spreiding in beide groepen; geen t-toets mogelijk."
    else:
        smd = _smd_continu(a, b)
        p = float(stats.ttest_ind(a, b, equal_var=False).pvalue)
        status, reden = OK, ""
    for rij in rijen:
        rij.update(smd=smd, p=p, toets="Welch t-toets", status=status, reden=reden)
    return rijen


def _tabel1_categorisch(reeks: pd.Series, groep: np.ndarray, kenmerk: str) -> list[dict]:
    niveaus = _niveaus(reeks)
    bekend = reeks.notna().to_numpy()
    waarden = reeks.astype("object").to_numpy()
    tabel = np.array([[int(((waarden == nv) & (groep == g)).sum()) for g in GROEPEN]
                      for nv in niveaus], dtype=float).reshape(len(niveaus), len(GROEPEN))
    noemer = tabel.sum(axis=0)
    rijen = []
    for i, nv in enumerate(niveaus):
        for j, g in enumerate(GROEPEN):
            pct = 100 * tabel[i, j] / noemer[j] if noemer[j] else np.nan
            rijen.append(dict(kenmerk=kenmerk, type="categorisch", niveau=str(nv), groep=g,
                              n=int(tabel[i, j]), n_noemer=int(noemer[j]),
                              n_ontbrekend=int(((groep == g) & ~bekend).sum()), percentage=pct))
    gebruikt = tabel[tabel.sum(axis=1) > 0]
    toets = ""
    if (noemer == 0).any():
        smd, p, status, reden = np.nan, np.nan, NIET, "Een groep heeft geen bekende waarden."
    elif len(gebruikt) < 2:
        smd, p, status = _smd_categorisch(tabel), np.nan, NIET
        reden = "Maar één waarde waargenomen; geen toets mogelijk."
    else:
        smd = _smd_categorisch(gebruikt)
        chi = stats.chi2_contingency(gebruikt, correction=True)
        if (chi.expected_freq < 5).any():
            p, toets = _fisher_kx2(gebruikt)
        else:
            p, toets = float(chi.pvalue), "chi-kwadraat"
        status, reden = OK, ""
    for rij in rijen:
        rij.update(smd=smd, p=p, toets=toets, status=status, reden=reden)
    return rijen


def _fisher_kx2(tabel: np.ndarray, max_tabellen: int = 2_000_000) -> tuple[float, str]:
    """Fisher's exact test for a k x 2 table, two-sided as R ``fisher.test``.

    2 x 2: scipy. k x 2: scipy offers only Monte-Carlo p-values for larger tables, so
    all tables with the observed margins are enumerated and the probabilities of those
    no more likely than the observed one are summed (R's relative tolerance 1e-7).
    Above ``max_tabellen`` tables, a seeded Monte-Carlo p-value (10^5 tables) is used,
    as R ``fisher.test(simulate.p.value = TRUE)``, and the test name says so.
    """
    tabel = np.asarray(tabel, dtype=int)
    if tabel.shape == (2, 2):
        return float(stats.fisher_exact(tabel).pvalue), "Fisher exact"
    rijen, k1 = tabel.sum(axis=1), int(tabel[:, 0].sum())
    rest = np.concatenate([np.cumsum(rijen[::-1])[::-1][1:], [0]])  # capacity after row i
    som, logp = np.zeros(1, dtype=int), np.zeros(1)
    for i, r in enumerate(rijen[:-1]):
        x = np.arange(r + 1)
        som = (som[:, None] + x[None, :]).ravel()
        logp = (logp[:, None] + _log_binom(r, x)[None, :]).ravel()
        houd = (som <= k1) & (som + rest[i] >= k1)
        som, logp = som[houd], logp[houd]
        if len(som) > max_tabellen:
            methode = stats.MonteCarloMethod(n_resamples=100_000, rng=np.random.default_rng(0))
            return (float(stats.fisher_exact(tabel, method=methode).pvalue),
                    "Fisher exact (Monte Carlo)")
    logp = logp + _log_binom(rijen[-1], k1 - som)
    waargenomen = float(np.sum(_log_binom(rijen, tabel[:, 0])))
    totaal = _log_binom(rijen.sum(), k1)
    p = np.exp(logp[logp <= waargenomen + np.log1p(1e-7)] - totaal).sum()
    return float(min(1.0, p)), "Fisher exact"


def _log_binom(n, k) -> np.ndarray:
    n, k = np.asarray(n, dtype=float), np.asarray(k, dtype=float)
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def uitvalmodel(
    data: pd.DataFrame,
    uitkomst: str = "uitgevallen",
    predictoren: Sequence[str] = (),
    referentieniveaus: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Logistic regression of dropout on baseline characteristics, as odds ratios.

    Parameters
    ----------
    data : DataFrame
        One row per participant. If ``uitkomst`` is ``"uitgevallen"`` and the column is
        absent, it is derived from ``status``: 1 for ``uitgevallen``, 0 for
        ``afgerond``; other statuses (still active, never started) are left out.
    uitkomst : str
        Column with the 0/1 (or boolean) outcome.
    predictoren : sequence of str
        Predictor columns. Numeric columns enter linearly; text, categorical and
        boolean columns are dummy coded against a reference level.
    referentieniveaus : mapping, optional
        Reference level per categorical predictor. Default: the first category of a
        pandas Categorical, else the first level in sorted order (as R's ``factor``).

    Returns
    -------
    DataFrame
        One row per model term (intercept first):

        - ``term`` : ``"(intercept)"``, the predictor name, or ``"predictor[niveau]"``.
        - ``predictor``, ``niveau``, ``referentie`` : for dummy terms, the level and the
          reference level it is compared with; empty otherwise.
        - ``coef``, ``se`` : log odds (ratio) and its standard error.
        - ``odds_ratio`` : ``exp(coef)`` (for the intercept: the odds at all-zero /
          reference values).
        - ``ci95_onder``, ``ci95_boven`` : Wald 95% interval ``exp(coef ± 1.96 se)``.
        - ``p`` : Wald z-test p-value.
        - ``n`` : participants in the model (complete cases).
        - ``n_uitgevallen`` : of those, the number with outcome 1.
        - ``status``, ``reden`` : ``"niet_te_berekenen"`` on (quasi-)complete
          separation, non-convergence, or when one outcome value does not occur.

    Notes
    -----
    ``statsmodels`` GLM with binomial family and logit link, complete-case analysis.
    Validated against R ``glm(family = binomial)``: coefficients, ``summary()`` p-values
    and ``exp(confint.default(fit))`` (Wald, not profile-likelihood ``confint``).
    """
    predictoren = list(predictoren)
    referentieniveaus = dict(referentieniveaus or {})
    d = data
    if uitkomst not in d.columns and uitkomst == "uitgevallen" and "status" in d.columns:
        d = d[d["status"].isin(["uitgevallen", "afgerond"])]
        d = d.assign(uitgevallen=(d["status"] == "uitgevallen").astype(int))
    _controleer_kolommen(d, [uitkomst, *predictoren], "data")
    if "pseudo_id" in d.columns:
        d = d.sort_values("pseudo_id", kind="stable")
    d = d[[uitkomst, *predictoren]].dropna()
    y = d[uitkomst].astype(float).to_numpy()
    if not np.isin(y, [0.0, 1.0]).all():
        raise ValueError(f"uitkomst {uitkomst!r} moet 0/1 of waar/onwaar zijn.")

    kolommen: dict[str, np.ndarray] = {"(intercept)": np.ones(len(d))}
    info: dict[str, tuple[str, str, str]] = {"(intercept)": ("", "", "")}
    for p in predictoren:
        x = d[p]
        if pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x):
            kolommen[p] = x.to_numpy(dtype=float)
            info[p] = (p, "", "")
            continue
        niveaus = _niveaus(x.astype("category") if pd.api.types.is_bool_dtype(x) else x)
        ref = referentieniveaus.get(p, niveaus[0] if niveaus else None)
        if ref not in niveaus:
            raise ValueError(f"referentieniveau {ref!r} komt niet voor in {p!r} ({niveaus}).")
        for nv in niveaus:
            if nv != ref:
                naam = f"{p}[{nv}]"
                kolommen[naam] = (x == nv).to_numpy(dtype=float)
                info[naam] = (p, str(nv), str(ref))
    X = pd.DataFrame(kolommen)
    n, n_uit = len(y), int(y.sum())

    def rijen(coef, se, lo, hi, pw, status, reden) -> pd.DataFrame:
        return pd.DataFrame(dict(
            term=list(X.columns), predictor=[info[t][0] for t in X.columns],
            niveau=[info[t][1] for t in X.columns], referentie=[info[t][2] for t in X.columns],
            coef=coef, se=se, odds_ratio=np.exp(coef), ci95_onder=lo, ci95_boven=hi, p=pw,
            n=n, n_uitgevallen=n_uit, status=status, reden=reden))

    leeg = np.full(X.shape[1], np.nan)
    if n_uit == 0 or n_uit == n:
        return rijen(leeg, leeg, leeg, leeg, leeg, NIET,
                     "De uitkomst heeft maar één waarde; geen model mogelijk.")
    if np.linalg.matrix_rank(X.to_numpy()) < X.shape[1]:
        return rijen(leeg, leeg, leeg, leeg, leeg, NIET,
                     "Predictoren zijn lineair afhankelijk (of een niveau komt niet voor).")
    with warnings.catch_warnings(record=True) as gevangen:
        warnings.simplefilter("always")
        fit = sm.GLM(y, X, family=sm.families.Binomial()).fit()
    problemen = [w for w in gevangen if issubclass(
        w.category, PerfectSeparationWarning | ConvergenceWarning | HessianInversionWarning)]
    if problemen or not fit.converged or not np.all(np.isfinite(fit.bse)):
        return rijen(leeg, leeg, leeg, leeg, leeg, NIET,
                     "Het model convergeert niet (mogelijk perfecte scheiding: een groep "
                     "waarin iedereen of niemand uitvalt).")
    ci = np.exp(fit.conf_int(alpha=0.05))
    return rijen(fit.params.to_numpy(), fit.bse.to_numpy(), ci.iloc[:, 0].to_numpy(),
                 ci.iloc[:, 1].to_numpy(), fit.pvalues.to_numpy(), OK, "")


# ----------------------------------------------------------------------------- 4. time


def _uitvaltijden(deelnemers: pd.DataFrame, peildatum) -> pd.DataFrame:
    d = _unieke_deelnemers(deelnemers)
    peil = pd.Timestamp(peildatum)
    start = _datum(d["startdatum"])
    eind = _datum(d["einddatum"]) if "einddatum" in d.columns else pd.Series(pd.NaT, d.index)
    g = d.assign(_start=start, _eind=eind)[start.notna()]
    klaar = g["status"].isin(["uitgevallen", "afgerond"])
    zonder_eind = klaar & g["_eind"].isna()
    if zonder_eind.any():
        raise ValueError(f"{int(zonder_eind.sum())} afgeronde of uitgevallen deelnemer(s) "
                         "zonder einddatum.")
    eindpunt = g["_eind"].where(klaar, peil)
    na_peil = eindpunt > peil
    tijd = (eindpunt.where(~na_peil, peil) - g["_start"]).dt.days
    if (tijd < 0).any():
        raise ValueError(f"{int((tijd < 0).sum())} deelnemer(s) met einddatum vóór startdatum "
                         "of startdatum na de peildatum.")
    gebeurtenis = ((g["status"] == "uitgevallen") & ~na_peil).astype(int)
    return pd.DataFrame({"tijd": tijd.to_numpy(dtype=float), "uitval": gebeurtenis.to_numpy()})


def kaplan_meier_uitval(deelnemers: pd.DataFrame, peildatum) -> pd.DataFrame:
    """Kaplan–Meier estimate of the share of started participants not yet dropped out.

    Parameters
    ----------
    deelnemers : DataFrame
        One row per participant with ``pseudo_id``, ``startdatum``, ``einddatum`` and
        ``status``. Only participants with a startdatum are used.
    peildatum : date-like
        The reference date of the data export.

    Returns
    -------
    DataFrame
        One row per distinct follow-up time (dropouts and censorings), as R
        ``survfit``:

        - ``tijd_dagen`` : days since startdatum.
        - ``n_risico`` : participants still in follow-up just before this time.
        - ``n_uitval`` : dropouts at this time (events).
        - ``n_gecensureerd`` : follow-up ending without dropout at this time.
        - ``overleving`` : Kaplan–Meier estimate of the share not yet dropped out.
        - ``ci95_onder``, ``ci95_boven`` : pointwise 95% interval, log transformed.
        - ``status``, ``reden`` : ``"niet_te_berekenen"`` when nobody started or nobody
          dropped out (one row), or for the interval once the estimate reaches 0.

    Notes
    -----
    Time is ``einddatum − startdatum`` in days. Dropout (status ``uitgevallen``) is the
    event; ``afgerond`` is censored at its einddatum, still active (``gestart``) at the
    peildatum. An einddatum after the peildatum is censored at the peildatum.

    The estimate and Greenwood standard error come from ``statsmodels``
    ``SurvfuncRight``. The interval is R ``survfit``'s default ``conf.type = "log"``:
    ``S · exp(±1.96 · se(S) / S)``, upper bound capped at 1. Validated against R
    ``survival::survfit(Surv(tijd, uitval) ~ 1)``.
    """
    _controleer_kolommen(deelnemers, ["pseudo_id", "startdatum", "status"], "deelnemers")
    t = _uitvaltijden(deelnemers, peildatum)
    kolommen = ["tijd_dagen", "n_risico", "n_uitval", "n_gecensureerd", "overleving",
                "ci95_onder", "ci95_boven", "status", "reden"]
    if len(t) == 0 or t["uitval"].sum() == 0:
        reden = ("Niemand is gestart." if len(t) == 0 else
                 "Geen uitval waargenomen; het aandeel niet-uitgevallen blijft 100%.")
        return pd.DataFrame([dict(tijd_dagen=np.nan, n_risico=len(t), n_uitval=0,
                                  n_gecensureerd=len(t), overleving=np.nan, ci95_onder=np.nan,
                                  ci95_boven=np.nan, status=NIET, reden=reden)],
                            columns=kolommen)
    sf = SurvfuncRight(t["tijd"].to_numpy(), t["uitval"].to_numpy())
    tijden = np.sort(t["tijd"].unique())
    per_tijd = t.groupby("tijd")["uitval"].agg(["sum", "count"]).reindex(tijden)
    n_uitval = per_tijd["sum"].to_numpy().astype(int)
    n_cens = (per_tijd["count"] - per_tijd["sum"]).to_numpy().astype(int)
    n_risico = np.array([(t["tijd"] >= s).sum() for s in tijden], dtype=int)
    # step function of statsmodels' event-time estimates, carried to censoring times
    pos = np.searchsorted(sf.surv_times, tijden, side="right") - 1
    s_ev = np.concatenate([[1.0], sf.surv_prob])
    se_ev = np.concatenate([[0.0], sf.surv_prob_se])
    overleving, se = s_ev[pos + 1], se_ev[pos + 1]
    z = stats.norm.ppf(0.975)
    with np.errstate(divide="ignore", invalid="ignore"):
        se_log = se / overleving
        onder = overleving * np.exp(-z * se_log)
        boven = np.minimum(1.0, overleving * np.exp(z * se_log))
    nul = overleving <= 0
    onder[nul], boven[nul] = np.nan, np.nan
    return pd.DataFrame(dict(
        tijd_dagen=tijden, n_risico=n_risico, n_uitval=n_uitval, n_gecensureerd=n_cens,
        overleving=overleving, ci95_onder=onder, ci95_boven=boven,
        status=np.where(nul, NIET, OK),
        reden=np.where(nul, "Interval niet te berekenen: iedereen in follow-up is uitgevallen.",
                       "")), columns=kolommen)


DAGEN_PER_MAAND = 365.25 / 12


def km_op_vaste_tijden(km: pd.DataFrame, stap_maanden: float = 1, min_n: int = 10
                       ) -> pd.DataFrame:
    """The Kaplan–Meier table at fixed times, coarsened so that it can be released.

    The table per distinct time (:func:`kaplan_meier_uitval`) tells, row by row, when
    single participants dropped out or ended follow-up; nearly all of it would be
    suppressed. This summary keeps the curve at fixed times (every ``stap_maanden``
    months since the start) with cumulative counts.

    Parameters
    ----------
    km : DataFrame
        Output of :func:`kaplan_meier_uitval`.
    stap_maanden : float
        Spacing of the candidate times in months (1 month = 365.25 / 12 days).
    min_n : int
        Smallest count that may be released (``disclosure.min_n``).

    Returns
    -------
    DataFrame
        One row per retained time, starting at 0:

        - ``tijd_maanden``, ``tijd_dagen`` : the time since start.
        - ``n_risico`` : participants still in follow-up after this time (started,
          neither dropped out nor censored by then).
        - ``n_uitval_cum`` : dropouts up to and including this time.
        - ``n_gecensureerd_cum`` : follow-up ended without dropout up to this time.
        - ``overleving``, ``ci95_onder``, ``ci95_boven`` : the Kaplan–Meier estimate
          (share not yet dropped out) and its 95% interval at this time, as in ``km``.
        - ``status``, ``reden`` : one ``"niet_te_berekenen"`` row when ``km`` has no
          estimate.

    Notes
    -----
    ``n_risico + n_uitval_cum + n_gecensureerd_cum`` is the number who started, on
    every row. Secondary suppression by merging intervals: walking through the
    candidate times, a time is kept only when the dropouts and the censorings since
    the previous kept time are each 0 or at least ``min_n``, so no small count can be
    recovered by subtracting two rows; the table stops before ``n_risico`` falls below
    ``min_n``. Times dropped this way are simply absent (the curve is drawn through
    the kept times).
    """
    kolommen = ["tijd_maanden", "tijd_dagen", "n_risico", "n_uitval_cum", "n_gecensureerd_cum",
                "overleving", "ci95_onder", "ci95_boven", "status", "reden"]
    if stap_maanden <= 0:
        raise ValueError("stap_maanden moet groter dan 0 zijn.")
    if len(km) == 0 or km["overleving"].isna().all():
        reden = km["reden"].iloc[0] if len(km) else "Geen gegevens."
        return pd.DataFrame([dict(tijd_maanden=np.nan, tijd_dagen=np.nan, n_risico=np.nan,
                                  n_uitval_cum=np.nan, n_gecensureerd_cum=np.nan,
                                  overleving=np.nan, ci95_onder=np.nan, ci95_boven=np.nan,
                                  status=NIET, reden=reden)], columns=kolommen)
    km = km.sort_values("tijd_dagen")
    tijd = km["tijd_dagen"].to_numpy(dtype=float)
    n_totaal = int(km["n_risico"].iloc[0])
    cum_e = np.cumsum(km["n_uitval"].to_numpy(dtype=int))
    cum_c = np.cumsum(km["n_gecensureerd"].to_numpy(dtype=int))
    rijen = []
    vorige_e = vorige_c = 0
    k = 0
    while True:
        t_dag = k * stap_maanden * DAGEN_PER_MAAND
        if k > 0 and t_dag > tijd.max():
            break
        i = np.searchsorted(tijd, t_dag, side="right") - 1  # last row with tijd <= t
        e, c = (int(cum_e[i]), int(cum_c[i])) if i >= 0 else (0, 0)
        risico = n_totaal - e - c
        if risico < min_n:
            break
        de, dc = e - vorige_e, c - vorige_c
        if (de == 0 or de >= min_n) and (dc == 0 or dc >= min_n):
            rij = km.iloc[i] if i >= 0 else None
            rijen.append(dict(
                tijd_maanden=k * stap_maanden, tijd_dagen=t_dag, n_risico=risico,
                n_uitval_cum=e, n_gecensureerd_cum=c,
                overleving=1.0 if rij is None else float(rij["overleving"]),
                ci95_onder=1.0 if rij is None else float(rij["ci95_onder"]),
                ci95_boven=1.0 if rij is None else float(rij["ci95_boven"]),
                status=OK if rij is None else rij["status"],
                reden="" if rij is None else rij["reden"]))
            vorige_e, vorige_c = e, c
        k += 1
    uit = pd.DataFrame(rijen, columns=kolommen)
    for kol in ("n_risico", "n_uitval_cum", "n_gecensureerd_cum"):
        uit[kol] = uit[kol].astype("int64")
    return uit


# ----------------------------------------------------------------------------- 5. missing data


def _covariaatmatrix(deelnemers: pd.DataFrame, covariaten: Sequence[str]) -> pd.DataFrame:
    """Numeric covariates as they are; others as 0/1 dummies (first level is reference)."""
    delen = []
    for c in covariaten:
        x = deelnemers[c]
        if pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x):
            delen.append(x.astype(float).rename(c))
            continue
        for nv in _niveaus(x)[1:]:
            naam = "".join(ch if ch.isalnum() else "_" for ch in f"{c}_{nv}")
            delen.append((x == nv).astype(float).where(x.notna()).rename(naam))
    return pd.concat(delen, axis=1) if delen else pd.DataFrame(index=deelnemers.index)


def gevoeligheidsanalyse(
    metingen: pd.DataFrame,
    deelnemers: pd.DataFrame,
    uitkomst: str,
    pre: str = "T0",
    post: str = "T1",
    covariaten: Sequence[str] = (),
    m: int = 20,
    seed: int = 20240611,
) -> pd.DataFrame:
    """The pre/post change under three ways of handling missing data, side by side.

    Parameters
    ----------
    metingen : DataFrame
        Long measurements with ``pseudo_id``, ``meetmoment`` and ``uitkomst``.
    deelnemers : DataFrame
        ``pseudo_id``, ``startdatum``, ``status`` and the ``covariaten``.
    uitkomst : str
        Outcome column in ``metingen``.
    pre, post : str
        The two measurement moments; the estimate is always post − pre.
    covariaten : sequence of str
        Baseline characteristics from ``deelnemers``, used in the mixed model (fixed
        effects) and as predictors in the imputation model. Text columns are dummy
        coded.
    m : int
        Number of imputations (at least 20).
    seed : int
        Seed for the imputations; the same seed gives the same result.

    Returns
    -------
    DataFrame
        Three rows, ``methode`` = ``completers``, ``gemengd_model``,
        ``meervoudige_imputatie``:

        - ``methode``, ``label`` : code and Dutch description.
        - ``uitkomst``, ``pre``, ``post`` : what was compared.
        - ``schatting`` : mean change post − pre.
        - ``se`` : its standard error.
        - ``ci95_onder``, ``ci95_boven`` : 95% interval (t-based for completers and
          imputation, normal for the mixed model).
        - ``df`` : degrees of freedom of the interval (NaN for the mixed model).
        - ``p`` : two-sided p-value for "no change".
        - ``n`` : participants in the analysis.
        - ``n_compleet`` : of those, with both pre and post observed.
        - ``m_imputaties`` : number of imputations (imputation row only).
        - ``analysemodel`` : the model, in words.
        - ``status``, ``reden`` : ``"niet_te_berekenen"`` with a reason, e.g. too few
          pairs or a model that does not converge.

    Notes
    -----
    Population: participants with a startdatum whose follow-up is over (``afgerond``,
    ``uitgevallen``) or who already have a ``post`` measurement; a participant still
    active without a post measurement is not missing, just not yet due.

    - completers: paired t-test on participants with both values (scipy
      ``ttest_rel``); validated against R ``t.test(post, pre, paired = TRUE)``.
    - gemengd_model: linear mixed model on every observed value at pre and post,
      ``uitkomst ~ post + covariaten + (1 | pseudo_id)``, REML (statsmodels
      ``MixedLM``); valid under MAR given the observed outcomes and covariates.
      Participants with a missing covariate are left out. The SE is the model-based
      ``sqrt(diag((X' V⁻¹ X)⁻¹))`` at the REML variance estimates, as lme4's
      ``vcov``; interval and p-value are Wald (normal), as lme4's
      ``confint(method = "Wald")`` (lmerTest's Satterthwaite t gives a slightly larger
      p). Validated against R ``lme4::lmer`` (estimate, SE, variance components).
    - meervoudige_imputatie: ``statsmodels.imputation.mice`` (``MICEData``: chained
      equations with predictive mean matching, each variable predicted from all
      others; 10 burn-in cycles, then 4 cycles between imputations, as statsmodels'
      ``MICE`` with its default ``n_skip = 3``) on wide data (pre, post, covariates).
      The design matrices of the imputation models are built in numpy rather than by
      patsy (same models, same draws, about 20 times faster). The analysis model on
      each completed data set is ``I(post − pre) ~ 1`` (OLS with an intercept only:
      the mean change, SE = SD / sqrt(n), computed directly), so the pooled estimate
      is the mean change in the whole population, directly comparable with the other
      two rows. Pooling: Rubin's rules with Barnard–Rubin degrees of freedom, as R
      ``mice::pool`` (statsmodels' ``MICE.combine`` cannot pool a model with a single
      parameter).
      The random draws use a ``numpy.random.Generator`` seeded with ``seed`` that is
      passed to ``MICEData``; numpy's global random state is saved and restored
      around the imputation as well, so calling this function does not disturb other
      random numbers. Validated against R ``mice(method = "norm")`` + ``pool()``
      within Monte-Carlo tolerance (the methods differ: PMM versus Bayesian normal
      regression).
    """
    breed, cov = _breed(metingen, deelnemers, uitkomst, pre, post, covariaten, m)
    gemeenschappelijk = dict(uitkomst=uitkomst, pre=pre, post=post)
    rijen = [
        _completers(breed) | gemeenschappelijk,
        _gemengd_model(breed, list(cov.columns)) | gemeenschappelijk,
        _imputatie(breed, m, seed) | gemeenschappelijk,
    ]
    return _gevoeligheid_tabel(rijen)


_GEVOELIG_KOLOMMEN = ["methode", "label", "uitkomst", "pre", "post", "schatting", "se", "ci95_onder",
                      "ci95_boven", "df", "p", "n", "n_compleet", "m_imputaties", "analysemodel",
                      "status", "reden"]


def _gevoeligheid_tabel(rijen: list[dict]) -> pd.DataFrame:
    uit = pd.DataFrame(rijen).reindex(columns=_GEVOELIG_KOLOMMEN)
    uit["n"] = uit["n"].astype("int64")
    uit["n_compleet"] = uit["n_compleet"].astype("int64")
    return uit


def meervoudige_imputatie(
    metingen: pd.DataFrame,
    deelnemers: pd.DataFrame,
    uitkomst: str,
    pre: str = "T0",
    post: str = "T1",
    covariaten: Sequence[str] = (),
    m: int = 20,
    seed: int = 20240611,
) -> pd.DataFrame:
    """Only the multiple-imputation row of :func:`gevoeligheidsanalyse` (same population,
    imputation model, pooling and seed), for callers that already have the completers and
    mixed-model estimates: each estimate is computed once."""
    breed, _ = _breed(metingen, deelnemers, uitkomst, pre, post, covariaten, m)
    return _gevoeligheid_tabel([_imputatie(breed, m, seed) | dict(uitkomst=uitkomst, pre=pre,
                                                                   post=post)])


def _breed(metingen: pd.DataFrame, deelnemers: pd.DataFrame, uitkomst: str, pre: str, post: str,
           covariaten: Sequence[str], m: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wide data of the sensitivity population: pre, post and the covariates."""
    if m < 20:
        raise ValueError("Gebruik minstens m = 20 imputaties.")
    _controleer_kolommen(metingen, ["pseudo_id", "meetmoment", uitkomst], "metingen")
    _controleer_kolommen(deelnemers, ["pseudo_id", "startdatum", "status", *covariaten],
                         "deelnemers")
    d = _unieke_deelnemers(deelnemers)
    d = d[_datum(d["startdatum"]).notna()]

    def waarde(mm: str) -> pd.Series:
        rij = metingen[metingen["meetmoment"] == mm]
        if rij["pseudo_id"].duplicated().any():
            raise ValueError(f"metingen heeft meer dan één rij per pseudo_id op {mm}.")
        return pd.to_numeric(rij.set_index("pseudo_id")[uitkomst], errors="raise")

    heeft_post = d["pseudo_id"].isin(metingen.loc[metingen["meetmoment"] == post, "pseudo_id"])
    d = d[(d["status"] != "gestart") | heeft_post].set_index("pseudo_id")
    breed = pd.DataFrame({"pre": waarde(pre).reindex(d.index),
                          "post": waarde(post).reindex(d.index)})
    cov = _covariaatmatrix(d, covariaten)
    return pd.concat([breed, cov], axis=1), cov


def _niet(rij: dict, reden: str) -> dict:
    return rij | dict(schatting=np.nan, se=np.nan, ci95_onder=np.nan, ci95_boven=np.nan,
                      df=np.nan, p=np.nan, status=NIET, reden=reden)


def _completers(breed: pd.DataFrame) -> dict:
    paren = breed.dropna(subset=["pre", "post"])
    rij = dict(methode="completers", label="Alleen complete paren (completers)",
               n=len(paren), n_compleet=len(paren),
               analysemodel="gepaarde t-toets op deelnemers met voor- en nameting")
    if len(paren) < 2:
        return _niet(rij, "Minder dan twee deelnemers met voor- én nameting.")
    verschil = paren["post"] - paren["pre"]
    if verschil.std(ddof=1) == 0:
        return _niet(rij, "Alle verschillen zijn gelijk; geen spreiding.")
    res = stats.ttest_rel(paren["post"], paren["pre"])
    ci = res.confidence_interval(0.95)
    return rij | dict(schatting=float(verschil.mean()),
                      se=float(verschil.std(ddof=1) / np.sqrt(len(verschil))),
                      ci95_onder=float(ci.low), ci95_boven=float(ci.high), df=float(res.df),
                      p=float(res.pvalue), status=OK, reden="")


def _gemengd_model(breed: pd.DataFrame, covs: list[str]) -> dict:
    lang = pd.concat([
        breed.assign(y=breed["pre"], na=0.0),
        breed.assign(y=breed["post"], na=1.0),
    ]).rename_axis("pseudo_id").reset_index()
    lang = lang.dropna(subset=["y", *covs]).sort_values(["pseudo_id", "na"], kind="stable")
    paren = breed.dropna(subset=["pre", "post", *covs])
    omschrijving = ("MixedLM (REML): uitkomst ~ meetmoment"
                    + "".join(f" + {c}" for c in covs) + " + (1 | pseudo_id)")
    rij = dict(methode="gemengd_model", label="Gemengd model op alle metingen",
               n=int(lang["pseudo_id"].nunique()), n_compleet=len(paren),
               analysemodel=omschrijving)
    if lang["na"].nunique() < 2 or len(paren) < 2:
        return _niet(rij, "Te weinig deelnemers met een voor- én nameting.")
    X = sm.add_constant(lang[["na", *covs]], has_constant="add")
    with warnings.catch_warnings(record=True) as gevangen:
        warnings.simplefilter("always")
        try:
            fit = sm.MixedLM(lang["y"].to_numpy(), X, groups=lang["pseudo_id"].to_numpy()).fit(
                reml=True)
        except (np.linalg.LinAlgError, ValueError):
            return _niet(rij, "Het gemengde model is niet te schatten (te weinig gegevens).")
    niet_geconvergeerd = [w for w in gevangen if issubclass(w.category, ConvergenceWarning)
                          and "boundary" not in str(w.message)]
    if niet_geconvergeerd or not fit.converged or not np.isfinite(fit.bse["na"]):
        return _niet(rij, "Het gemengde model convergeert niet.")
    se = _gls_se(X.to_numpy(), lang["pseudo_id"].to_numpy(), float(fit.cov_re.iloc[0, 0]),
                 float(fit.scale))[list(X.columns).index("na")]
    schatting = float(fit.params["na"])
    z = stats.norm.ppf(0.975)
    return rij | dict(schatting=schatting, se=se, ci95_onder=schatting - z * se,
                      ci95_boven=schatting + z * se, df=np.nan,
                      p=float(2 * stats.norm.sf(abs(schatting / se))), status=OK, reden="")


def _gls_se(X: np.ndarray, groepen: np.ndarray, var_intercept: float, var_residu: float
            ) -> np.ndarray:
    """Standard errors of the fixed effects from ``(X' V⁻¹ X)⁻¹``, as lme4's ``vcov``.

    ``V`` is block diagonal with blocks ``var_residu · I + var_intercept · J`` (random
    intercept). statsmodels' own ``bse`` inverts the joint Hessian of fixed effects and
    variance parameters instead, which differs from lme4 in the fourth digit.
    """
    informatie = np.zeros((X.shape[1], X.shape[1]))
    for g in pd.unique(groepen):
        xi = X[groepen == g]
        k = len(xi)
        # V⁻¹ = (I − c·J) / var_residu, c = var_intercept / (var_residu + k·var_intercept)
        c = var_intercept / (var_residu + k * var_intercept)
        som = xi.sum(axis=0)
        informatie += (xi.T @ xi - c * np.outer(som, som)) / var_residu
    return np.sqrt(np.diag(np.linalg.inv(informatie)))


class _MICEDataNumpy(MICEData):
    """``MICEData`` with the default conditional models built in numpy instead of patsy.

    statsmodels' default imputation model for a variable is OLS on an intercept and all
    other columns (formula ``x ~ a + b + ...``), and it rebuilds that design matrix with
    patsy twice per update (fit and prediction): at the sizes here that formula overhead
    is over 90% of the run time. This subclass builds the same matrix, ``[1, other
    columns in data order]``, directly; the fitted models, random draws and imputations
    are identical (``tests/test_uitval.py`` checks this against plain ``MICEData``).
    Only valid without ``set_imputer`` formulas or ``predict_kwds``, which this module
    never uses.
    """

    def _ontwerp(self, naam: str) -> tuple[np.ndarray, np.ndarray]:
        alles = self.data.to_numpy(float)
        j = self.data.columns.get_loc(naam)
        x = np.column_stack([np.ones(len(alles)), np.delete(alles, j, axis=1)])
        return alles[:, j], x

    def get_split_data(self, vname):  # noqa: D102 (statsmodels' signature and docs)
        y, x = self._ontwerp(vname)
        ixo, ixm = self.ix_obs[vname], self.ix_miss[vname]
        return y[ixo], x[ixo], x[ixm], {}, {}

    def get_fitting_data(self, vname):  # noqa: D102
        y, x = self._ontwerp(vname)
        ix = self.ix_obs[vname]
        return y[ix], x[ix], {}, {}


#: MICE cycles before the first imputation (burn-in) and between two imputations;
#: as statsmodels' ``MICE.fit`` defaults (``n_burnin=10``, ``n_skip=3``: 3 + 1 cycles).
MICE_BURNIN = 10
MICE_CYCLI_TUSSEN = 4


def _imputatie(breed: pd.DataFrame, m: int, seed: int, micedata: type = _MICEDataNumpy) -> dict:
    data = breed.reset_index(drop=True)
    data.columns = [str(c) for c in data.columns]
    n_compleet = int(data.dropna().shape[0])
    rij = dict(methode="meervoudige_imputatie",
               label=f"Meervoudige imputatie (MICE, m = {m})", n=len(data),
               n_compleet=n_compleet, m_imputaties=m,
               analysemodel=("MICE (predictive mean matching), analysemodel "
                             "post − pre ~ 1, gepoold met de regels van Rubin"))
    if data[["pre", "post"]].notna().all(axis=1).sum() < 2 or data["post"].notna().sum() < 2:
        return _niet(rij, "Te weinig waargenomen waarden om te imputeren.")
    data = data.loc[:, data.notna().any()]  # a covariate that is always missing cannot help
    data = data.astype("float64")  # plain numpy columns (not Arrow): fast to read per update
    # numpy's legacy global state: saved, seeded for statsmodels < 0.15, restored
    globaal = np.random.get_state()  # noqa: NPY002
    schattingen, binnen = [], []
    try:
        np.random.seed(seed % 2**32)  # noqa: NPY002
        with warnings.catch_warnings(record=True) as gevangen:
            warnings.simplefilter("always")
            if "rng" in inspect.signature(MICEData).parameters:  # statsmodels >= 0.15
                imp = micedata(data, rng=np.random.default_rng(seed))
            else:  # older statsmodels draws from numpy's global state, seeded above
                imp = micedata(data)
            try:
                # as statsmodels' MICE(...).next_sample(), with the analysis model
                # OLS(post − pre ~ 1) written out: its estimate is the mean change and
                # its SE the SD of the change over sqrt(n)
                imp.update_all(MICE_BURNIN)
                for _ in range(m):
                    imp.update_all(MICE_CYCLI_TUSSEN)
                    verschil = (imp.data["post"] - imp.data["pre"]).to_numpy(float)
                    schattingen.append(verschil.mean())
                    binnen.append(verschil.var(ddof=1) / len(verschil))
            except (np.linalg.LinAlgError, ValueError):  # tiny or degenerate data
                return _niet(rij, "Het imputatiemodel is niet te schatten (te weinig of te "
                                  "weinig verschillende gegevens).")
    finally:
        np.random.set_state(globaal)  # noqa: NPY002
    if any(issubclass(w.category, ConvergenceWarning) for w in gevangen):
        return _niet(rij, "Het imputatiemodel convergeert niet.")
    schattingen, binnen = np.array(schattingen), np.array(binnen)
    q, w, b = schattingen.mean(), binnen.mean(), schattingen.var(ddof=1)
    t = w + (1 + 1 / m) * b
    df = _barnard_rubin(m, b, t, dfcom=len(imp.data) - 1)
    se = np.sqrt(t)
    kwantiel = stats.t.ppf(0.975, df)
    return rij | dict(n=len(imp.data), schatting=float(q), se=float(se),
                      ci95_onder=float(q - kwantiel * se), ci95_boven=float(q + kwantiel * se),
                      df=float(df), p=float(2 * stats.t.sf(abs(q / se), df)), status=OK,
                      reden="")


def _barnard_rubin(m: int, b: float, t: float, dfcom: float) -> float:
    """Barnard & Rubin (1999) degrees of freedom, as R ``mice:::barnard.rubin``."""
    labda = max((1 + 1 / m) * b / t, 1e-4)
    dfold = (m - 1) / labda**2
    dfobs = (dfcom + 1) / (dfcom + 3) * dfcom * (1 - labda)
    return dfold * dfobs / (dfold + dfobs)


_METHODE_TEKST = {
    "completers": "completers",
    "gemengd_model": "gemengd model",
    "meervoudige_imputatie": "meervoudige imputatie",
}


def _oordeel(rij: pd.Series) -> str:
    if rij["ci95_onder"] > 0:
        return "neemt significant toe"
    if rij["ci95_boven"] < 0:
        return "neemt significant af"
    return "verandert niet significant"


def conclusie_gevoeligheid(tabel: pd.DataFrame, uitkomst_titel: str | None = None) -> str:
    """A Dutch sentence: does the conclusion depend on how missing data are handled?

    Parameters
    ----------
    tabel : DataFrame
        Output of :func:`gevoeligheidsanalyse`.
    uitkomst_titel : str, optional
        Readable name of the outcome for the sentence (default: the column name).

    Returns
    -------
    str
        One or two sentences. The conclusion per approach is "significant increase",
        "significant decrease" or "no significant change", judged by whether the 95%
        interval of post − pre excludes 0. The numbers (estimate and interval) are taken
        from ``tabel``, never typed by hand.
    """
    ok = tabel[tabel["status"] == OK]
    niet = tabel[tabel["status"] != OK]
    if len(ok) == 0:
        redenen = sorted({str(r).rstrip(".") for r in niet["reden"] if str(r).strip()})
        return ("Geen van de analyses kon worden uitgevoerd, dus er is geen conclusie"
                + (f" ({'; '.join(redenen)})." if redenen else "."))
    eerste = ok.iloc[0]
    onderwerp = f"{uitkomst_titel or eerste['uitkomst']} ({eerste['post']} − {eerste['pre']})"
    oordelen = {r.methode: _oordeel(pd.Series(r._asdict())) for r in ok.itertuples()}
    cijfers = "; ".join(
        f"{_METHODE_TEKST.get(r.methode, r.methode)}: {_getal(r.schatting)} "
        f"[{_getal(r.ci95_onder)}; {_getal(r.ci95_boven)}]" for r in ok.itertuples())
    if len(set(oordelen.values())) == 1:
        oordeel = next(iter(oordelen.values()))
        alle = "alle drie de" if len(ok) == 3 else f"de {len(ok)} uitgevoerde"
        zin = (f"De conclusie is bij {alle} benaderingen van ontbrekende gegevens gelijk: "
               f"{onderwerp} {oordeel} ({cijfers}).")
        if oordeel.startswith("verandert niet") and len(set(np.sign(ok["schatting"]))) > 1:
            zin += " De puntschattingen wijzen wel in verschillende richtingen."
    else:
        delen = [f"bij {_METHODE_TEKST.get(k, k)} {v}" for k, v in oordelen.items()]
        zin = (f"De conclusie hangt af van de aanpak van ontbrekende gegevens: {onderwerp} "
               + ", ".join(delen[:-1]) + " en " + delen[-1]
               + f" ({cijfers}). Interpreteer het resultaat daarom voorzichtig.")
    if len(niet):
        namen = ", ".join(f"{_METHODE_TEKST.get(r.methode, r.methode)} ({r.reden.rstrip('.')})"
                          for r in niet.itertuples())
        zin += f" Niet te berekenen: {namen}."
    return zin
