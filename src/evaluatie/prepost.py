"""Voor/na-vergelijkingen: gepaarde toetsen, verandercategorieën, gemengd model, subgroepen.

Alle functies zijn puur: een lange DataFrame ``metingen`` (één rij per ``pseudo_id`` x
``meetmoment``) erin, een nette DataFrame (één rij per resultaat) eruit. Verschillen zijn
overal **post − pre** (bijv. T1 − T0). Resultaten die niet te berekenen zijn krijgen
``status = "niet_te_berekenen"`` en een Nederlandse ``reden``; anders ``status = "ok"`` en
een lege ``reden``.

Gevalideerd tegen R 4.2.2 (``stats``, ``effectsize`` 0.8.3, ``lme4`` 1.1-31, ``lmerTest``
3.1-3) met ``tests/r/prepost.R``; zie ``tests/test_prepost.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.tools.numdiff import approx_fprime, approx_hess3

__all__ = [
    "corrigeer_multipliciteit",
    "gemengd_model",
    "gemengd_model_did",
    "gemiddelden_per_meetmoment",
    "gepaarde_vergelijking",
    "subgroep_analyse",
    "verandercategorieen",
    "verandering_histogram_tabel",
    "voor_na_tabel",
]

OK = "ok"
NIET_TE_BEREKENEN = "niet_te_berekenen"
#: Kritieke waarde voor de Reliable Change Index (Jacobson & Truax 1991).
RCI_GRENS = 1.96
#: Marge voor drempelvergelijkingen, zodat 1.60 - 1.35 als 0.25 telt ondanks afronding.
_TOLERANTIE = 1e-9


# ---------------------------------------------------------------------------------------------
# Hulpfuncties
# ---------------------------------------------------------------------------------------------
def _meetmoment_nummer(meetmoment: str) -> int:
    """Volgnummer van een meetmoment ("T0" -> 0, "T12" -> 12)."""
    try:
        return int(str(meetmoment).lstrip("Tt"))
    except ValueError as fout:
        raise ValueError(f"Onbekend meetmoment {meetmoment!r}; verwacht 'T0', 'T1', ...") from fout


def _sorteer_meetmomenten(meetmomenten: Iterable[str]) -> list[str]:
    return sorted({str(m) for m in meetmomenten}, key=_meetmoment_nummer)


def _controleer_kolommen(metingen: pd.DataFrame, kolommen: Iterable[str]) -> None:
    ontbreekt = [k for k in ("pseudo_id", "meetmoment", *kolommen) if k not in metingen.columns]
    if ontbreekt:
        raise KeyError(f"Kolommen ontbreken in metingen: {', '.join(ontbreekt)}")


def _controleer_uniek(metingen: pd.DataFrame) -> None:
    dubbel = metingen.duplicated(["pseudo_id", "meetmoment"], keep=False)
    if dubbel.any():
        voorbeeld = metingen.loc[dubbel, ["pseudo_id", "meetmoment"]].iloc[0].tolist()
        raise ValueError(
            f"{int(dubbel.sum())} rijen met dezelfde pseudo_id x meetmoment, bijv. {voorbeeld}; "
            "metingen moet één rij per deelnemer per meetmoment hebben."
        )


def _paren(metingen: pd.DataFrame, uitkomst: str, pre: str, post: str) -> pd.DataFrame:
    """Completers: deelnemers met een niet-ontbrekende waarde op zowel ``pre`` als ``post``.

    Geeft een DataFrame met index ``pseudo_id`` (gesorteerd) en kolommen ``pre``, ``post``.
    """
    _controleer_kolommen(metingen, [uitkomst])
    _controleer_uniek(metingen)
    deel = metingen.loc[metingen["meetmoment"].astype(str).isin([pre, post])]
    deel = deel.loc[deel[uitkomst].notna(), ["pseudo_id", "meetmoment", uitkomst]]
    deel = deel.assign(meetmoment=deel["meetmoment"].astype(str))
    breed = deel.pivot(index="pseudo_id", columns="meetmoment", values=uitkomst)
    for kolom in (pre, post):
        if kolom not in breed.columns:
            breed[kolom] = np.nan
    breed = breed[[pre, post]].dropna().astype(float).sort_index()
    breed.columns = ["pre", "post"]
    return breed


def _ncp_t_interval(t: float, df: float, niveau: float = 0.95) -> tuple[float, float]:
    """Betrouwbaarheidsinterval voor de non-centraliteitsparameter van een t-verdeling.

    Zoekt ``ncp`` met ``P(T_df,ncp <= t) = 1 - a/2`` (onder) en ``= a/2`` (boven); dezelfde
    inversie als ``effectsize:::.get_ncp_t`` (die ``optim`` gebruikt; hier ``brentq``).
    """
    alfa = 1.0 - niveau

    def grens(kans: float) -> float:
        def f(ncp: float) -> float:
            p = float(stats.nct.cdf(t, df, ncp))
            if np.isnan(p):
                # scipy's nct.cdf returns NaN far in a tail (e.g. t = −11.9, df = 127,
                # ncp = 2, where the true value is ~1e-40): the tail is 0 when ncp lies
                # far above t and 1 when it lies far below.
                p = 0.0 if ncp > t else 1.0
            return p - kans

        breedte = 2.0 + abs(t)
        laag, hoog = t - breedte, t + breedte
        while f(laag) < 0:
            laag -= breedte
        while f(hoog) > 0:
            hoog += breedte
        return float(optimize.brentq(f, laag, hoog, xtol=1e-12, rtol=1e-12))

    return grens(1 - alfa / 2), grens(alfa / 2)


def _wilcoxon_gepaard(verschil: np.ndarray) -> tuple[float, float, str]:
    """Wilcoxon signed-rank zoals R ``wilcox.test(post, pre, paired = TRUE)``.

    V = som van de rangen van de positieve verschillen (nullen eerst verwijderd, knopen
    krijgen de gemiddelde rang). Exact als er na het verwijderen van nullen < 50 verschillen
    zijn en er geen knopen of nullen waren; anders normale benadering met
    knopencorrectie op de variantie en continuïteitscorrectie (R's standaard ``correct = TRUE``).
    """
    niet_nul = verschil[verschil != 0]
    n = len(niet_nul)
    if n == 0:
        return 0.0, 1.0, "niet te toetsen: alle verschillen zijn 0"
    rangen = stats.rankdata(np.abs(niet_nul))
    v = float(rangen[niet_nul > 0].sum())
    knopen = len(np.unique(np.abs(niet_nul))) < n
    nullen = n < len(verschil)
    if n < 50 and not knopen and not nullen:
        res = stats.wilcoxon(niet_nul, zero_method="wilcox", method="exact")
        return v, float(res.pvalue), "exact"
    res = stats.wilcoxon(verschil, zero_method="wilcox", correction=True, method="asymptotic")
    return v, float(res.pvalue), "normale benadering met continuïteitscorrectie"


def _hedges_j_exact(df: float) -> float:
    """Hedges' correctiefactor met gammafuncties, zoals ``effectsize`` 0.8.3 (0 bij df = 1)."""
    return float(np.exp(special.gammaln(df / 2) - np.log(np.sqrt(df / 2))
                        - special.gammaln((df - 1) / 2)))


def _richting(verschil: float, hoger_is_beter: bool) -> str:
    from evaluatie.oordeel import richting

    return richting(verschil, hoger_is_beter)


# ---------------------------------------------------------------------------------------------
# 1. Gepaarde vergelijking
# ---------------------------------------------------------------------------------------------
def gepaarde_vergelijking(
    metingen: pd.DataFrame,
    uitkomst: str,
    pre: str = "T0",
    post: str = "T1",
    hoger_is_beter: bool = True,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Gepaarde voor/na-vergelijking van één uitkomst bij completers.

    Parameters
    ----------
    metingen : pandas.DataFrame
        Lang formaat: kolommen ``pseudo_id``, ``meetmoment`` en ``uitkomst``; één rij per
        deelnemer per meetmoment (anders ``ValueError``).
    uitkomst : str
        Naam van de uitkomstkolom, bijv. ``"bmi_z"``.
    pre, post : str
        Meetmomenten die vergeleken worden; het verschil is ``post − pre``.
    hoger_is_beter : bool
        Richting van verbetering; bepaalt ``richting``.
    alpha : float
        Niet meer gebruikt (behouden voor aanroepers); een oordeel over significantie
        geeft :mod:`evaluatie.oordeel`, op de gecorrigeerde p. Intervallen zijn 95%.

    Returns
    -------
    pandas.DataFrame
        Eén rij met kolommen:

        - ``uitkomst``, ``pre``, ``post``: wat vergeleken is.
        - ``n_paren``: aantal deelnemers met een waarde op pre én post (completers).
        - ``gemiddelde_pre``, ``sd_pre``, ``gemiddelde_post``, ``sd_post``: gemiddelde en SD
          (n − 1) bij de completers.
        - ``verschil``: gemiddeld verschil post − pre; ``sd_verschil``: SD van de verschillen.
        - ``ci95_onder``, ``ci95_boven``: 95%-BI van ``verschil`` (t-verdeling, n − 1 df).
        - ``t``, ``df``, ``p``: gepaarde t-toets (tweezijdig).
        - ``wilcoxon_v``, ``p_wilcoxon``, ``wilcoxon_methode``: Wilcoxon signed-rank toets;
          V = som van de rangen van de positieve verschillen post − pre, zoals R.
        - ``cohens_dz``, ``dz_ci95_onder``, ``dz_ci95_boven``: Cohen's d_z = verschil /
          sd_verschil, 95%-BI via de niet-centrale t-verdeling.
        - ``hedges_gz``, ``gz_ci95_onder``, ``gz_ci95_boven``: d_z en BI maal Hedges' J.
        - ``cohens_dav``: verschil / ((sd_pre + sd_post) / 2) (Lakens 2013).
        - ``hedges_gav``: ``cohens_dav`` x (1 − 3 / (4(n − 1) − 1)).
        - ``hoger_is_beter``: de opgegeven richting.
        - ``richting``: "gunstig" / "ongunstig" / "geen_verschil", op grond van het teken
          van ``verschil`` en ``hoger_is_beter`` (los van significantie; zie
          :mod:`evaluatie.oordeel`).
        - ``status``, ``reden``: "ok" of "niet_te_berekenen" met Nederlandse reden.

    Notes
    -----
    Alleen complete paren tellen mee (completers-analyse); deelnemers met alleen pre of
    alleen post vallen weg. Gebruik :func:`gemengd_model` voor alle beschikbare data.

    Met d_i = post_i − pre_i, n paren: t = mean(d) / (sd(d) / sqrt(n)), df = n − 1.
    Cohen's d_z = mean(d) / sd(d); 95%-BI: de non-centraliteitsparameters ncp_l, ncp_u met
    P(T_{n−1, ncp} <= t) = 0.975 resp. 0.025, gedeeld door sqrt(n) (zoals effectsize 0.8.3).
    Hedges' g_z = d_z x J met J = Γ(df/2) / (sqrt(df/2) Γ((df − 1)/2)); het BI wordt met
    dezelfde J vermenigvuldigd. d_av en g_av volgens Lakens (2013), met de benadering
    J = 1 − 3/(4(n − 1) − 1).

    Wilcoxon: exact bij < 50 verschillen ongelijk aan 0 zonder knopen en nullen, anders de
    normale benadering met knopencorrectie en continuïteitscorrectie (R's standaard).

    Niet te berekenen (status) bij minder dan 2 paren of als alle verschillen gelijk zijn
    (SD van de verschillen 0): beschrijvende kolommen worden dan gevuld waar mogelijk.

    Gevalideerd tegen R ``t.test(post, pre, paired = TRUE)``,
    ``wilcox.test(post, pre, paired = TRUE)``, ``effectsize::cohens_d`` en ``hedges_g``
    (``paired = TRUE``, versie 0.8.3) en de formules van Lakens; overeenstemming >= 4
    significante cijfers (``tests/r/prepost.R``).
    """
    paren = _paren(metingen, uitkomst, pre, post)
    n = len(paren)
    d = (paren["post"] - paren["pre"]).to_numpy()
    rij: dict[str, object] = {
        "uitkomst": uitkomst,
        "pre": pre,
        "post": post,
        "n_paren": n,
        "gemiddelde_pre": paren["pre"].mean() if n else np.nan,
        "sd_pre": paren["pre"].std(ddof=1) if n > 1 else np.nan,
        "gemiddelde_post": paren["post"].mean() if n else np.nan,
        "sd_post": paren["post"].std(ddof=1) if n > 1 else np.nan,
        "verschil": float(d.mean()) if n else np.nan,
        "sd_verschil": float(d.std(ddof=1)) if n > 1 else np.nan,
    }
    for kolom in (
        "ci95_onder", "ci95_boven", "t", "df", "p", "wilcoxon_v", "p_wilcoxon",
        "cohens_dz", "dz_ci95_onder", "dz_ci95_boven", "hedges_gz", "gz_ci95_onder",
        "gz_ci95_boven", "cohens_dav", "hedges_gav",
    ):
        rij[kolom] = np.nan
    rij["wilcoxon_methode"] = ""
    rij["hoger_is_beter"] = hoger_is_beter
    rij["richting"] = _richting(float(rij["verschil"]), hoger_is_beter) if n else ""
    rij["status"], rij["reden"] = OK, ""

    if n < 2:
        rij["status"] = NIET_TE_BEREKENEN
        rij["reden"] = "Te weinig complete paren voor een toets."
    elif not float(rij["sd_verschil"]) > 0:
        rij["status"] = NIET_TE_BEREKENEN
        rij["reden"] = "Alle verschillen na − voor zijn gelijk (geen spreiding); geen toets mogelijk."
    else:
        gem, sd_d = float(rij["verschil"]), float(rij["sd_verschil"])
        se = sd_d / np.sqrt(n)
        df = n - 1
        t = gem / se
        q = stats.t.ppf(0.975, df)
        rij.update(ci95_onder=gem - q * se, ci95_boven=gem + q * se, t=t, df=float(df),
                   p=float(2 * stats.t.sf(abs(t), df)))
        v, p_w, methode = _wilcoxon_gepaard(d)
        rij.update(wilcoxon_v=v, p_wilcoxon=p_w, wilcoxon_methode=methode)

        dz = gem / sd_d
        ncp_onder, ncp_boven = _ncp_t_interval(t, df)
        j = _hedges_j_exact(df)
        rij.update(cohens_dz=dz, dz_ci95_onder=ncp_onder / np.sqrt(n),
                   dz_ci95_boven=ncp_boven / np.sqrt(n))
        rij.update(hedges_gz=dz * j, gz_ci95_onder=j * ncp_onder / np.sqrt(n),
                   gz_ci95_boven=j * ncp_boven / np.sqrt(n))
        sd_av = (float(rij["sd_pre"]) + float(rij["sd_post"])) / 2
        d_av = gem / sd_av
        rij.update(cohens_dav=d_av, hedges_gav=d_av * (1 - 3 / (4 * (n - 1) - 1)))

    return pd.DataFrame([rij])


def voor_na_tabel(
    metingen: pd.DataFrame,
    uitkomsten: Mapping[str, bool],
    paren: Sequence[tuple[str, str]] = (("T0", "T1"), ("T0", "T2")),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """:func:`gepaarde_vergelijking` voor meerdere uitkomsten en meetmomentparen.

    Parameters
    ----------
    metingen : pandas.DataFrame
        Lang formaat, zie :func:`gepaarde_vergelijking`.
    uitkomsten : Mapping[str, bool]
        Uitkomstkolom -> ``hoger_is_beter``.
    paren : Sequence[tuple[str, str]]
        (pre, post)-paren; verschil is post − pre.
    alpha : float
        Significantieniveau voor ``significant``.

    Returns
    -------
    pandas.DataFrame
        De rijen van :func:`gepaarde_vergelijking` onder elkaar, in de volgorde van
        ``uitkomsten`` en daarbinnen ``paren``; dezelfde kolommen.

    Notes
    -----
    Per paar een eigen completers-set: n_paren kan per paar verschillen.
    """
    rijen = [
        gepaarde_vergelijking(metingen, uitkomst, pre, post, hoger_is_beter, alpha)
        for uitkomst, hoger_is_beter in uitkomsten.items()
        for pre, post in paren
    ]
    return pd.concat(rijen, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# 2. Verandercategorieën
# ---------------------------------------------------------------------------------------------
def verandercategorieen(
    metingen: pd.DataFrame,
    uitkomst: str,
    pre: str = "T0",
    post: str = "T1",
    *,
    stabiliteitsband: float,
    klinisch_relevant: float | None = None,
    hoger_is_beter: bool = True,
    betrouwbaarheid: float | None = None,
) -> pd.DataFrame:
    """Aantal en aandeel deelnemers per categorie van individuele verandering (completers).

    Parameters
    ----------
    metingen : pandas.DataFrame
        Lang formaat, zie :func:`gepaarde_vergelijking`.
    uitkomst : str
        Uitkomstkolom.
    pre, post : str
        Meetmomenten; verschil = post − pre.
    stabiliteitsband : float
        |post − pre| <= band telt als "gelijk" (in eenheden van de uitkomst, >= 0).
    klinisch_relevant : float, optional
        Minimale verbetering die klinisch relevant is, als positief getal in de richting van
        verbetering (bijv. 0.25 voor een daling van de BMI z-score met ``hoger_is_beter =
        False``). Zonder deze waarde geen indeling "klinisch_relevant".
    hoger_is_beter : bool
        Richting van verbetering.
    betrouwbaarheid : float, optional
        Betrouwbaarheid r_xx van het instrument (0 <= r_xx < 1) voor de Reliable Change
        Index. Zonder deze waarde geen indeling "betrouwbare_verandering".

    Returns
    -------
    pandas.DataFrame
        Eén rij per categorie met kolommen:

        - ``uitkomst``, ``pre``, ``post``.
        - ``indeling``: "verandering" (toegenomen/gelijk/afgenomen, in waarde, los van
          verbetering), "klinisch_relevant" (klinisch relevant verbeterd / niet klinisch
          relevant verbeterd) of "betrouwbare_verandering" (betrouwbaar verbeterd / geen
          betrouwbare verandering / betrouwbaar verslechterd).
        - ``categorie``: de categorie binnen de indeling.
        - ``n_categorie``: aantal completers in de categorie.
        - ``n_totaal``: aantal completers (noemer).
        - ``percentage``: 100 x n_categorie / n_totaal.
        - ``drempel``: gebruikte grens in eenheden van de uitkomst (band, klinisch relevante
          verbetering, of 1.96 x S_diff voor de RCI).
        - ``status``, ``reden``.

    Notes
    -----
    d = post − pre. Toegenomen: d > band; gelijk: |d| <= band; afgenomen: d < −band.
    Klinisch relevant verbeterd: s x d >= drempel, met s = +1 als hoger beter is en −1
    anders. Reliable Change Index (Jacobson & Truax 1991): RCI = d / S_diff met
    S_diff = sqrt(2) x SD_pre x sqrt(1 − r_xx), SD_pre de SD (n − 1) van de pre-waarden
    van de completers; betrouwbaar verbeterd als s x RCI > 1.96, betrouwbaar verslechterd
    als s x RCI < −1.96. Drempelvergelijkingen gebruiken een marge van 1e-9 tegen
    afrondingsfouten (zo ook in de R-referentie).

    Alleen complete paren tellen mee. Gevalideerd tegen tellingen in R
    (``tests/r/prepost.R``), exact.
    """
    if stabiliteitsband < 0:
        raise ValueError("stabiliteitsband moet >= 0 zijn")
    if klinisch_relevant is not None and klinisch_relevant <= 0:
        raise ValueError("klinisch_relevant is een positieve verbetering (> 0)")
    if betrouwbaarheid is not None and not 0 <= betrouwbaarheid < 1:
        raise ValueError("betrouwbaarheid moet in [0, 1) liggen")

    paren = _paren(metingen, uitkomst, pre, post)
    d = (paren["post"] - paren["pre"]).to_numpy()
    n = len(d)
    teken = 1.0 if hoger_is_beter else -1.0
    rijen: list[dict[str, object]] = []

    def voeg_toe(indeling: str, tellingen: dict[str, int], drempel: float,
                 reden: str = "") -> None:
        for categorie, aantal in tellingen.items():
            te_berekenen = n > 0 and not reden
            rijen.append({
                "uitkomst": uitkomst, "pre": pre, "post": post, "indeling": indeling,
                "categorie": categorie, "n_categorie": int(aantal), "n_totaal": n,
                "percentage": 100.0 * aantal / n if te_berekenen else np.nan,
                "drempel": drempel,
                "status": OK if te_berekenen else NIET_TE_BEREKENEN,
                "reden": "" if te_berekenen else (reden or "Geen complete paren."),
            })

    band = stabiliteitsband + _TOLERANTIE
    voeg_toe("verandering", {
        "toegenomen": int((d > band).sum()),
        "gelijk": int((np.abs(d) <= band).sum()),
        "afgenomen": int((d < -band).sum()),
    }, stabiliteitsband)

    if klinisch_relevant is not None:
        verbeterd = int((teken * d >= klinisch_relevant - _TOLERANTIE).sum())
        voeg_toe("klinisch_relevant", {
            "klinisch relevant verbeterd": verbeterd,
            "niet klinisch relevant verbeterd": n - verbeterd,
        }, klinisch_relevant)

    if betrouwbaarheid is not None:
        sd_pre = float(paren["pre"].std(ddof=1)) if n > 1 else np.nan
        s_diff = np.sqrt(2.0) * sd_pre * np.sqrt(1.0 - betrouwbaarheid)
        categorieen = ("betrouwbaar verbeterd", "geen betrouwbare verandering",
                       "betrouwbaar verslechterd")
        if n < 2 or not s_diff > 0:
            reden = ("Reliable Change Index niet te berekenen: te weinig paren of geen spreiding "
                     "bij de voormeting.")
            voeg_toe("betrouwbare_verandering", dict.fromkeys(categorieen, 0), np.nan, reden)
        else:
            rci = teken * d / s_diff
            grens = RCI_GRENS + _TOLERANTIE
            voeg_toe("betrouwbare_verandering", {
                "betrouwbaar verbeterd": int((rci > grens).sum()),
                "geen betrouwbare verandering": int((np.abs(rci) <= grens).sum()),
                "betrouwbaar verslechterd": int((rci < -grens).sum()),
            }, RCI_GRENS * s_diff)

    return pd.DataFrame(rijen)


# ---------------------------------------------------------------------------------------------
# 3. Gemengd model
# ---------------------------------------------------------------------------------------------
def _ontwerpmatrix(data: pd.DataFrame, meetmomenten: list[str], referentie: str,
                   covariaten: Sequence[str]) -> pd.DataFrame:
    """Intercept + dummy's voor meetmoment (treatment, ref. ``referentie``) + covariaten.

    Categorische covariaten krijgen dummy's met het eerste niveau als referentie (de
    volgorde van een pandas Categorical, anders alfabetisch, zoals R's ``factor``).
    """
    kolommen: dict[str, pd.Series] = {"intercept": pd.Series(1.0, index=data.index)}
    for m in meetmomenten:
        if m != referentie:
            kolommen[f"meetmoment{m}"] = (data["meetmoment"] == m).astype(float)
    for cov in covariaten:
        waarden = data[cov]
        if isinstance(waarden.dtype, pd.CategoricalDtype):
            niveaus = [c for c in waarden.cat.categories if (waarden == c).any()]
        elif pd.api.types.is_bool_dtype(waarden) or not pd.api.types.is_numeric_dtype(waarden):
            niveaus = sorted(waarden.astype(str).unique())
            waarden = waarden.astype(str)
        else:
            kolommen[cov] = waarden.astype(float)
            continue
        for niveau in niveaus[1:]:
            kolommen[f"{cov}{niveau}"] = (waarden == niveau).astype(float)
    return pd.DataFrame(kolommen)


def _reml_deviance(log_var: np.ndarray, y: np.ndarray, x: np.ndarray,
                   groep_idx: np.ndarray, n_groep: np.ndarray) -> tuple[float, np.ndarray]:
    """REML-deviance (−2 log L_R zonder constante) en cov(beta) voor een random-interceptmodel.

    V_i = s2e I + s2u J per deelnemer; ``log_var = (log s2u, log s2e)``.
    """
    s2u, s2e = np.exp(log_var)
    c = s2u / (s2e + n_groep * s2u)
    k = len(n_groep)
    sx = np.zeros((k, x.shape[1]))
    np.add.at(sx, groep_idx, x)
    sy = np.bincount(groep_idx, weights=y, minlength=k)
    xvx = (x.T @ x - (sx * c[:, None]).T @ sx) / s2e
    xvy = (x.T @ y - (sx * c[:, None]).T @ sy) / s2e
    beta = np.linalg.solve(xvx, xvy)
    r = y - x @ beta
    sr = np.bincount(groep_idx, weights=r, minlength=k)
    rvr = (r @ r - (c * sr**2).sum()) / s2e
    logdet_v = ((n_groep - 1) * np.log(s2e) + np.log(s2e + n_groep * s2u)).sum()
    _, logdet_xvx = np.linalg.slogdet(xvx)
    return float(logdet_v + logdet_xvx + rvr), np.linalg.inv(xvx)


def _satterthwaite_df(s2u: float, s2e: float, y: np.ndarray, x: np.ndarray,
                      groep_idx: np.ndarray, n_groep: np.ndarray) -> np.ndarray | None:
    """Satterthwaite-vrijheidsgraden per coëfficiënt, zoals lmerTest.

    df_j = 2 (Var beta_j)^2 / (g_j' A g_j), g_j = gradiënt van Var beta_j naar de
    variantieparameters, A = 2 H^-1 met H de Hessiaan van de REML-deviance in het optimum.
    Numerieke afgeleiden in (log s2u, log s2e); df is invariant voor die herparametrisatie
    in een inwendig optimum. Geeft ``None`` als H niet positief definiet is (bijv. s2u op
    de rand 0).
    """
    theta = np.log([s2u, s2e])

    def dev(th: np.ndarray) -> float:
        return _reml_deviance(th, y, x, groep_idx, n_groep)[0]

    def var_beta(th: np.ndarray) -> np.ndarray:
        return np.diag(_reml_deviance(th, y, x, groep_idx, n_groep)[1])

    hess = approx_hess3(theta, dev)
    if not np.all(np.isfinite(hess)) or np.any(np.linalg.eigvalsh(hess) <= 0):
        return None
    a = 2.0 * np.linalg.inv(hess)
    grad = approx_fprime(theta, var_beta, centered=True)  # (p, 2)
    var = var_beta(theta)
    noemer = np.einsum("pi,ij,pj->p", grad, a, grad)
    return 2.0 * var**2 / noemer


def _profiel_deviance(theta: float, y: np.ndarray, x: np.ndarray, groep_idx: np.ndarray,
                      n_groep: np.ndarray, sx: np.ndarray, sy: np.ndarray
                      ) -> tuple[float, float]:
    """REML-deviance met s2e uitgeprofileerd, als functie van theta = s2u / s2e >= 0.

    Met V_i = s2e (I + theta J): s2e_hat = r' V0^-1 r / (n − p) en
    dev = log|V0| + (n − p) log s2e_hat + log|X' V0^-1 X| + (n − p), gelijk aan
    :func:`_reml_deviance` in (theta x s2e_hat, s2e_hat). Geeft (dev, s2e_hat).
    """
    c = theta / (1.0 + n_groep * theta)
    xvx = x.T @ x - (sx * c[:, None]).T @ sx
    xvy = x.T @ y - (sx * c[:, None]).T @ sy
    try:
        beta = np.linalg.solve(xvx, xvy)
    except np.linalg.LinAlgError:
        return np.inf, np.nan
    r = y - x @ beta
    sr = np.bincount(groep_idx, weights=r, minlength=len(n_groep))
    df_res = len(y) - x.shape[1]
    s2e = float(r @ r - (c * sr**2).sum()) / df_res
    teken, logdet_xvx = np.linalg.slogdet(xvx)
    if not (s2e > 0 and teken > 0):
        return np.inf, np.nan
    dev = float(np.log1p(n_groep * theta).sum() + df_res * np.log(s2e) + logdet_xvx + df_res)
    return dev, s2e


#: Rooster voor theta = s2u / s2e: 0 en 10^-6 ... 10^6.
_THETA_ROOSTER = np.concatenate([[0.0], np.logspace(-6, 6, 49)])


def _optimaliseer_theta(y: np.ndarray, x: np.ndarray, groep_idx: np.ndarray,
                        n_groep: np.ndarray) -> tuple[float, float, float, str] | None:
    """REML-schatting van (s2u, s2e) via het profiel in theta; ``None`` als niets eindig is.

    Eerst het rooster :data:`_THETA_ROOSTER`, dan Brent (begrensd) tussen de buren van het
    beste roosterpunt (in log theta, of in theta als het beste punt 0 is).
    Geeft (deviance, s2u, s2e, waarschuwing).
    """
    k_groep = len(n_groep)
    sx = np.zeros((k_groep, x.shape[1]))
    np.add.at(sx, groep_idx, x)
    sy = np.bincount(groep_idx, weights=y, minlength=k_groep)

    def dev(theta: float) -> float:
        return _profiel_deviance(theta, y, x, groep_idx, n_groep, sx, sy)[0]

    waarden = np.array([dev(t) for t in _THETA_ROOSTER])
    if not np.isfinite(waarden).any():
        return None
    k = int(np.nanargmin(np.where(np.isfinite(waarden), waarden, np.nan)))
    waarschuwing = ""
    if k == 0:
        res = optimize.minimize_scalar(dev, bounds=(0.0, _THETA_ROOSTER[1]), method="bounded",
                                       options={"xatol": 1e-14})
        theta = float(res.x)
    else:
        onder = np.log(_THETA_ROOSTER[max(k - 1, 1)])
        boven = np.log(_THETA_ROOSTER[min(k + 1, len(_THETA_ROOSTER) - 1)])
        res = optimize.minimize_scalar(lambda u: dev(float(np.exp(u))), bounds=(onder, boven),
                                       method="bounded", options={"xatol": 1e-10})
        theta = float(np.exp(res.x))
        if k == len(_THETA_ROOSTER) - 1:
            waarschuwing = ("residuele variantie nagenoeg 0 ten opzichte van de variantie "
                            "tussen deelnemers; schatting onbetrouwbaar")
    if not dev(theta) <= waarden[k]:
        theta = float(_THETA_ROOSTER[k])
    d, s2e = _profiel_deviance(theta, y, x, groep_idx, n_groep, sx, sy)
    return d, theta * s2e, s2e, waarschuwing


def _reml_beta(s2u: float, s2e: float, y: np.ndarray, x: np.ndarray, groep_idx: np.ndarray,
               n_groep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GLS-schatting van beta en cov(beta) = (X' V^-1 X)^-1 bij gegeven variantiecomponenten."""
    c = s2u / (s2e + n_groep * s2u)
    k = len(n_groep)
    sx = np.zeros((k, x.shape[1]))
    np.add.at(sx, groep_idx, x)
    sy = np.bincount(groep_idx, weights=y, minlength=k)
    xvx = (x.T @ x - (sx * c[:, None]).T @ sx) / s2e
    xvy = (x.T @ y - (sx * c[:, None]).T @ sy) / s2e
    cov = np.linalg.inv(xvx)
    return cov @ xvy, cov


def _schat_random_intercept(y: np.ndarray, xm: np.ndarray, ids: pd.Series) -> dict | str:
    """REML fit of ``y ~ X + (1 | id)``: beta, se, Satterthwaite df per coefficient, the test
    used, the variance components and a warning; or the reason it cannot be fitted.

    Shared by :func:`gemengd_model` and :func:`gemengd_model_did` (one estimator, one
    validation against lme4/lmerTest).
    """
    _, groep_idx = np.unique(ids.astype(str), return_inverse=True)
    n_groep = np.bincount(groep_idx).astype(float)
    n_obs, n_par = xm.shape

    # Profiel-REML over theta = s2u / s2e (zoals lme4): s2e heeft dan een gesloten vorm en
    # de schatting is een eendimensionale minimalisatie (rooster, dan Brent).
    beste = _optimaliseer_theta(y, xm, groep_idx, n_groep)

    # Randoplossing (variantie deelnemers = 0, lmer: "boundary (singular) fit"): dan is de
    # REML-schatting gelijk aan gewone kleinste kwadraten, met df = n - p zoals lmerTest.
    ols_beta, *_ = np.linalg.lstsq(xm, y, rcond=None)
    rss = float(((y - xm @ ols_beta) ** 2).sum())
    s2e_ols = rss / (n_obs - n_par)
    dev_rand = _reml_deviance(np.array([-np.inf, np.log(s2e_ols)]), y, xm, groep_idx,
                              n_groep)[0] if s2e_ols > 0 else np.inf
    if not np.isfinite(dev_rand) and beste is None:
        return "Model niet te schatten: geen spreiding in de uitkomst."

    if beste is None or dev_rand <= beste[0] + 1e-7:
        s2u, s2e = 0.0, s2e_ols
        beta = ols_beta
        se = np.sqrt(np.diag(s2e_ols * np.linalg.inv(xm.T @ xm)))
        df = np.full(n_par, float(n_obs - n_par))
        toets = "t (rand: variantie deelnemers 0, df = n − p)"
        waarschuwing = ("variantie tussen deelnemers geschat op 0 (randoplossing, in lmer "
                        "'boundary (singular) fit'); resultaat gelijk aan lineaire regressie")
    else:
        _, s2u, s2e, waarschuwing = beste
        beta, cov_beta = _reml_beta(s2u, s2e, y, xm, groep_idx, n_groep)
        se = np.sqrt(np.diag(cov_beta))
        df = _satterthwaite_df(s2u, s2e, y, xm, groep_idx, n_groep)
        toets = "t (Satterthwaite)"
        if df is None:
            toets = "z (Wald)"
            waarschuwing = "; ".join(filter(None, [
                waarschuwing, "Hessiaan van de REML-deviance niet positief definiet: "
                "Satterthwaite niet mogelijk, z-toets gebruikt"]))
    return {"beta": beta, "se": se, "df": df, "toets": toets, "s2u": s2u, "s2e": s2e,
            "waarschuwing": waarschuwing}


def gemengd_model(
    metingen: pd.DataFrame,
    uitkomst: str,
    covariaten: Sequence[str] | None = None,
    referentie: str = "T0",
) -> pd.DataFrame:
    """Lineair gemengd model op alle beschikbare metingen: verandering t.o.v. ``referentie``.

    Model: uitkomst ~ meetmoment (treatment-codering, referentie T0) + covariaten, met een
    random intercept per ``pseudo_id``; geschat met REML.

    Parameters
    ----------
    metingen : pandas.DataFrame
        Lang formaat met ``pseudo_id``, ``meetmoment``, ``uitkomst`` en de covariaten
        (deelnemerkenmerken al aan de lange tabel gekoppeld).
    uitkomst : str
        Uitkomstkolom.
    covariaten : Sequence[str], optional
        Kolommen met vaste effecten naast meetmoment. Numeriek: lineair; tekst/categorisch:
        dummy's met het eerste niveau (alfabetisch, of de Categorical-volgorde) als referentie.
    referentie : str
        Referentiemeetmoment.

    Returns
    -------
    pandas.DataFrame
        Eén rij per niet-referentiemeetmoment (oplopend) met kolommen:

        - ``uitkomst``, ``meetmoment``, ``referentie``.
        - ``schatting``: geschatte verandering meetmoment − referentie (gecorrigeerd voor
          covariaten).
        - ``se``: standaardfout (REML, modelgebaseerd).
        - ``df``: vrijheidsgraden van de t-toets: Satterthwaite (zoals lmerTest), of n − p bij
          een randoplossing; leeg bij de z-terugval.
        - ``t``: schatting / se.
        - ``p``: tweezijdige p-waarde uit t(df) (of N(0, 1), zie ``toets``).
        - ``ci95_onder``, ``ci95_boven``: schatting ± t_{0.975, df} x se (Wald-type).
        - ``toets``: "t (Satterthwaite)"; "t (rand: variantie deelnemers 0, df = n − p)" als
          de variantie tussen deelnemers op 0 uitkomt; "z (Wald)" als de Hessiaan voor
          Satterthwaite niet positief definiet is.
        - ``n_deelnemers``: deelnemers met >= 1 gebruikte waarneming.
        - ``n_waarnemingen``: gebruikte waarnemingen in het model.
        - ``n_waarnemingen_meetmoment``: gebruikte waarnemingen op dit meetmoment.
        - ``sigma2_deelnemer``, ``sigma2_residu``: variantiecomponenten (REML).
        - ``covariaten``: de covariaten, kommagescheiden.
        - ``waarschuwing``: meldingen van de schatter (bijv. convergentie), anders leeg.
        - ``status``, ``reden``.

    Notes
    -----
    Alle rijen met een waarde voor de uitkomst en alle covariaten tellen mee (geen
    completers-eis); onder MAR gegeven de eerdere metingen geeft dit zuivere schattingen.
    Schattingen en SE's zijn gevalideerd tegen ``lme4::lmer(..., REML = TRUE)`` (>= 4
    significante cijfers). p-waarden: lmerTest gebruikt t-verdelingen met
    Satterthwaite-df; die zijn hier geïmplementeerd voor het random-interceptmodel
    (numerieke Hessiaan van de REML-deviance) en komen op ~3-4 significante cijfers overeen.
    Wald-z-p-waarden (de standaard van statsmodels ``MixedLM``) zijn bij kleine n te klein;
    ze worden alleen gebruikt als de Hessiaan niet positief definiet is.

    Schatting: REML geprofileerd over theta = s2u / s2e (zoals lme4): de residuele
    variantie en beta hebben bij gegeven theta een gesloten vorm, theta wordt gezocht op
    een rooster (0 en 10^-6 … 10^6) en verfijnd met begrensde Brent. Gevectoriseerd (geen
    lus per deelnemer); de REML-deviance is gelijk aan die van statsmodels ``MixedLM``
    (getest). Is de REML-deviance met variantie deelnemers = 0 minstens zo laag
    (randoplossing, lmer meldt dan "boundary (singular) fit"), dan is het resultaat de
    kleinste-kwadratenfit met df = n − p; dat is ook wat lme4/lmerTest dan rapporteert (gevalideerd).
    """
    covariaten = list(covariaten or [])
    _controleer_kolommen(metingen, [uitkomst, *covariaten])
    _controleer_uniek(metingen)
    data = metingen.loc[metingen[[uitkomst, *covariaten]].notna().all(axis=1)].copy()
    data["meetmoment"] = data["meetmoment"].astype(str)
    data = data.sort_values(
        ["pseudo_id", "meetmoment"],
        key=lambda s: s.map(_meetmoment_nummer) if s.name == "meetmoment" else s.astype(str),
    ).reset_index(drop=True)
    meetmomenten = _sorteer_meetmomenten(data["meetmoment"])
    andere = [m for m in meetmomenten if m != referentie]

    basis = {
        "uitkomst": uitkomst, "referentie": referentie,
        "n_deelnemers": int(data["pseudo_id"].nunique()), "n_waarnemingen": len(data),
        "covariaten": ", ".join(covariaten),
    }

    def mislukt(reden: str, momenten: list[str]) -> pd.DataFrame:
        rijen = [{**basis, "meetmoment": m,
                  "n_waarnemingen_meetmoment": int((data["meetmoment"] == m).sum()),
                  "status": NIET_TE_BEREKENEN, "reden": reden} for m in (momenten or [""])]
        return _kolomvolgorde_gemengd(pd.DataFrame(rijen))

    if referentie not in meetmomenten or not andere:
        return mislukt(f"Geen waarnemingen op {referentie} én op een later meetmoment.", andere)
    if basis["n_deelnemers"] < 2:
        return mislukt("Te weinig deelnemers met waarnemingen.", andere)

    x = _ontwerpmatrix(data, meetmomenten, referentie, covariaten)
    y = data[uitkomst].astype(float).to_numpy()
    if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1] or len(y) <= x.shape[1] + 1:
        return mislukt("Model niet schatbaar: te weinig waarnemingen of covariaten volledig "
                       "afhankelijk van elkaar of van het meetmoment.", andere)

    fit = _schat_random_intercept(y, x.to_numpy(), data["pseudo_id"])
    if isinstance(fit, str):
        return mislukt(fit, andere)
    beta, se, df, toets = fit["beta"], fit["se"], fit["df"], fit["toets"]
    s2u, s2e, waarschuwing = fit["s2u"], fit["s2e"], fit["waarschuwing"]

    rijen = []
    for m in andere:
        j = list(x.columns).index(f"meetmoment{m}")
        t = beta[j] / se[j]
        if df is not None:
            dfj = float(df[j])
            q, p = stats.t.ppf(0.975, dfj), 2 * stats.t.sf(abs(t), dfj)
        else:
            dfj = np.nan
            q, p = stats.norm.ppf(0.975), 2 * stats.norm.sf(abs(t))
        rijen.append({
            **basis, "meetmoment": m, "schatting": beta[j], "se": se[j], "df": dfj, "t": t,
            "p": float(p), "ci95_onder": beta[j] - q * se[j], "ci95_boven": beta[j] + q * se[j],
            "toets": toets,
            "n_waarnemingen_meetmoment": int((data["meetmoment"] == m).sum()),
            "sigma2_deelnemer": s2u, "sigma2_residu": s2e, "waarschuwing": waarschuwing,
            "status": OK, "reden": "",
        })
    return _kolomvolgorde_gemengd(pd.DataFrame(rijen))


def gemengd_model_did(
    metingen: pd.DataFrame,
    uitkomst: str,
    groep: str = "onderzoeksgroep",
    covariaten: Sequence[str] | None = None,
    referentie: str = "T0",
    interventie: str = "interventie",
    vergelijking: str = "vergelijking",
) -> pd.DataFrame:
    """Difference in differences on all measurements: the mixed model with a comparison group.

    Model: ``uitkomst ~ meetmoment * groep + covariaten + (1 | pseudo_id)`` (treatment
    coding, reference ``referentie`` and the comparison group), REML, Satterthwaite df, by
    the same estimator as :func:`gemengd_model`. The estimate for meetmoment *m* is the
    interaction coefficient: the change ``m − referentie`` in the intervention group minus
    that in the comparison group, adjusted for the covariates.

    Parameters
    ----------
    metingen : pandas.DataFrame
        Long format with ``pseudo_id``, ``meetmoment``, ``uitkomst``, ``groep`` and the
        covariates (participant characteristics already joined).
    groep : str
        Column with :data:`interventie` or :data:`vergelijking`; other values are an error.

    Returns
    -------
    pandas.DataFrame
        One row per non-reference meetmoment: ``uitkomst``, ``meetmoment``, ``referentie``,
        ``schatting``, ``se``, ``df``, ``t``, ``p``, ``ci95_onder``, ``ci95_boven``,
        ``toets``, ``n_interventie`` and ``n_vergelijking`` (participants with at least one
        observation in the model; for the intervention group the participants of
        :func:`gemengd_model` with the same covariates), ``n_waarnemingen``, ``sigma2_deelnemer``,
        ``sigma2_residu``, ``covariaten``, ``waarschuwing``, ``status``, ``reden``. Not
        estimable (``status = niet_te_berekenen``) when a group has no observation on the
        reference or on that meetmoment.

    Notes
    -----
    Validated against ``lmerTest::lmer(y ~ meetmoment * groep + ... + (1 | id))`` in
    ``tests/r/did_gemengd.R`` (see ``tests/test_prepost.py``). The parallel-trends
    assumption is the reader's to judge: the model does not test it.
    """
    covariaten = list(covariaten or [])
    _controleer_kolommen(metingen, [uitkomst, groep, *covariaten])
    _controleer_uniek(metingen)
    onbekend = sorted(set(metingen[groep].dropna().astype(str)) - {interventie, vergelijking})
    if onbekend:
        raise ValueError(f"kolom {groep!r}: onbekende groep(en) {onbekend}; verwacht "
                         f"{interventie!r} of {vergelijking!r}")
    data = metingen.loc[metingen[[uitkomst, groep, *covariaten]].notna().all(axis=1)].copy()
    data["meetmoment"] = data["meetmoment"].astype(str)
    data = data.sort_values(
        ["pseudo_id", "meetmoment"],
        key=lambda s: s.map(_meetmoment_nummer) if s.name == "meetmoment" else s.astype(str),
    ).reset_index(drop=True)
    meetmomenten = _sorteer_meetmomenten(data["meetmoment"])
    andere = [m for m in meetmomenten if m != referentie]
    is_int = (data[groep].astype(str) == interventie).astype(float)
    basis = {
        "uitkomst": uitkomst, "referentie": referentie,
        "n_interventie": int(data.loc[is_int == 1, "pseudo_id"].nunique()),
        "n_vergelijking": int(data.loc[is_int == 0, "pseudo_id"].nunique()),
        "n_waarnemingen": len(data), "covariaten": ", ".join(covariaten),
    }

    def mislukt(reden: str, momenten: list[str]) -> pd.DataFrame:
        return _kolomvolgorde_did(pd.DataFrame(
            [{**basis, "meetmoment": m, "status": NIET_TE_BEREKENEN, "reden": reden}
             for m in (momenten or [""])]))

    # every group needs the reference and the meetmoment itself
    in_cel = data.groupby([is_int.to_numpy(), data["meetmoment"].to_numpy()]).size()
    schatbaar = [m for m in andere if all(in_cel.get((g, m), 0) and in_cel.get((g, referentie), 0)
                                          for g in (0.0, 1.0))]
    if not schatbaar:
        return mislukt(f"Geen waarnemingen van beide groepen op {referentie} én op een later "
                       "meetmoment.", andere)
    # all measurements stay in the model (the intervention group's part is exactly the data
    # of gemengd_model); only meetmomenten with both groups get an interaction
    x = _ontwerpmatrix(data, meetmomenten, referentie, covariaten)
    x.insert(1 + len(andere), "groep_interventie", is_int)
    for m in schatbaar:
        x[f"meetmoment{m}:interventie"] = x[f"meetmoment{m}"] * is_int
    y = data[uitkomst].astype(float).to_numpy()
    if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1] or len(y) <= x.shape[1] + 1:
        return mislukt("Model niet schatbaar: te weinig waarnemingen of covariaten volledig "
                       "afhankelijk van groep of meetmoment.", andere)
    fit = _schat_random_intercept(y, x.to_numpy(), data["pseudo_id"])
    if isinstance(fit, str):
        return mislukt(fit, andere)

    rijen = []
    for m in andere:
        if m not in schatbaar:
            rijen.append({**basis, "meetmoment": m, "status": NIET_TE_BEREKENEN,
                          "reden": f"Geen waarnemingen van beide groepen op {m}."})
            continue
        j = list(x.columns).index(f"meetmoment{m}:interventie")
        b, se = float(fit["beta"][j]), float(fit["se"][j])
        t = b / se
        if fit["df"] is not None:
            dfj = float(fit["df"][j])
            q, p = stats.t.ppf(0.975, dfj), 2 * stats.t.sf(abs(t), dfj)
        else:
            dfj = np.nan
            q, p = stats.norm.ppf(0.975), 2 * stats.norm.sf(abs(t))
        rijen.append({**basis, "meetmoment": m, "schatting": b, "se": se, "df": dfj, "t": t,
                      "p": float(p), "ci95_onder": b - q * se, "ci95_boven": b + q * se,
                      "toets": fit["toets"], "sigma2_deelnemer": fit["s2u"],
                      "sigma2_residu": fit["s2e"], "waarschuwing": fit["waarschuwing"],
                      "status": OK, "reden": ""})
    return _kolomvolgorde_did(pd.DataFrame(rijen))


_KOLOMMEN_DID = [
    "uitkomst", "meetmoment", "referentie", "schatting", "se", "df", "t", "p", "ci95_onder",
    "ci95_boven", "toets", "n_interventie", "n_vergelijking", "n_waarnemingen",
    "sigma2_deelnemer", "sigma2_residu", "covariaten", "waarschuwing", "status", "reden",
]


def _kolomvolgorde_did(df: pd.DataFrame) -> pd.DataFrame:
    for kolom in _KOLOMMEN_DID:
        if kolom not in df.columns:
            df[kolom] = "" if kolom in ("toets", "waarschuwing") else np.nan
    return df[_KOLOMMEN_DID]


_KOLOMMEN_GEMENGD = [
    "uitkomst", "meetmoment", "referentie", "schatting", "se", "df", "t", "p", "ci95_onder",
    "ci95_boven", "toets", "n_deelnemers", "n_waarnemingen", "n_waarnemingen_meetmoment",
    "sigma2_deelnemer", "sigma2_residu", "covariaten", "waarschuwing", "status", "reden",
]


def _kolomvolgorde_gemengd(df: pd.DataFrame) -> pd.DataFrame:
    for kolom in _KOLOMMEN_GEMENGD:
        if kolom not in df.columns:
            df[kolom] = "" if kolom in ("toets", "waarschuwing") else np.nan
    return df[_KOLOMMEN_GEMENGD]


# ---------------------------------------------------------------------------------------------
# 4. Subgroepen
# ---------------------------------------------------------------------------------------------
def subgroep_analyse(
    metingen_met_kenmerken: pd.DataFrame,
    uitkomst: str,
    subgroep: str,
    pre: str = "T0",
    post: str = "T1",
) -> pd.DataFrame:
    """Gepaard verschil per subgroep en een toets of de verandering verschilt tussen subgroepen.

    Parameters
    ----------
    metingen_met_kenmerken : pandas.DataFrame
        Lange metingen met een deelnemerkenmerk ``subgroep`` (bijv. ``ses_groep``) gekoppeld;
        het kenmerk moet per deelnemer constant zijn (anders ``ValueError``).
    uitkomst : str
        Uitkomstkolom.
    subgroep : str
        Kolom met de subgroep.
    pre, post : str
        Meetmomenten; verschil = post − pre.

    Returns
    -------
    pandas.DataFrame
        Eerst één rij per subgroepniveau (``onderdeel = "subgroep"``; volgorde van een
        Categorical, anders alfabetisch), dan één rij ``onderdeel = "interactie"``. Kolommen:

        - ``uitkomst``, ``subgroep`` (kolomnaam), ``niveau`` (leeg bij de interactierij),
          ``pre``, ``post``, ``onderdeel``.
        - ``n_paren``: completers in het niveau (interactierij: alle completers met subgroep).
        - ``verschil``, ``ci95_onder``, ``ci95_boven``, ``p``: gemiddeld verschil post − pre
          met 95%-BI en p van de gepaarde t-toets (subgroeprijen);
          interactierij: ``p`` van de F-toets.
        - ``f``, ``df_teller``, ``df_noemer``: F-toets van de interactie (interactierij).
        - ``status``, ``reden``.

    Notes
    -----
    Interactietoets: lineaire regressie van de verschilscores van completers op de
    subgroep, ``lm(post − pre ~ subgroep)``, F-toets van de subgroep (= eenweg-ANOVA van de
    verschillen). Bij twee meetmomenten en complete paren is dit de toets van
    meetmoment x subgroep, met een exacte F-verdeling en zonder convergentieproblemen; het
    sluit aan op de subgroepverschillen, die ook op completers berusten.
    Deelnemers zonder waarde voor de subgroep vallen weg.
    Gevalideerd tegen R ``t.test(paired = TRUE)`` per subgroep en
    ``anova(lm(verschil ~ ses_groep))`` (>= 4 significante cijfers).
    """
    _controleer_kolommen(metingen_met_kenmerken, [uitkomst, subgroep])
    kenmerk = metingen_met_kenmerken[["pseudo_id", subgroep]].dropna().drop_duplicates()
    if kenmerk["pseudo_id"].duplicated().any():
        raise ValueError(f"Kenmerk {subgroep!r} is niet constant per deelnemer.")
    paren = _paren(metingen_met_kenmerken, uitkomst, pre, post)
    paren = paren.join(kenmerk.set_index("pseudo_id")[subgroep], how="inner")
    verschil = paren["post"] - paren["pre"]

    waarden = metingen_met_kenmerken[subgroep]
    if isinstance(waarden.dtype, pd.CategoricalDtype):
        niveaus = [c for c in waarden.cat.categories if (paren[subgroep] == c).any()]
    else:
        niveaus = sorted(paren[subgroep].unique(), key=str)

    rijen = []
    for niveau in niveaus:
        ids = paren.index[paren[subgroep] == niveau]
        deel = metingen_met_kenmerken.loc[metingen_met_kenmerken["pseudo_id"].isin(ids)]
        res = gepaarde_vergelijking(deel, uitkomst, pre, post).iloc[0]
        rijen.append({
            "onderdeel": "subgroep", "niveau": str(niveau), "n_paren": int(res["n_paren"]),
            "verschil": res["verschil"], "ci95_onder": res["ci95_onder"],
            "ci95_boven": res["ci95_boven"], "p": res["p"], "f": np.nan,
            "df_teller": np.nan, "df_noemer": np.nan,
            "status": res["status"], "reden": res["reden"],
        })

    groepen = [verschil[paren[subgroep] == niveau].to_numpy() for niveau in niveaus]
    k, n = len(groepen), len(verschil)
    interactie: dict[str, object] = {
        "onderdeel": "interactie", "niveau": "", "n_paren": n, "verschil": np.nan,
        "ci95_onder": np.nan, "ci95_boven": np.nan, "p": np.nan, "f": np.nan,
        "df_teller": float(k - 1), "df_noemer": float(n - k), "status": OK, "reden": "",
    }
    binnen = sum(float(((g - g.mean()) ** 2).sum()) for g in groepen)
    if k < 2 or n - k < 1 or not binnen > 0:
        interactie["status"] = NIET_TE_BEREKENEN
        interactie["reden"] = ("Interactietoets niet te berekenen: minder dan twee subgroepen met "
                               "voldoende paren.")
    else:
        res_f = stats.f_oneway(*groepen)
        interactie.update(f=float(res_f.statistic), p=float(res_f.pvalue))
    rijen.append(interactie)

    uit = pd.DataFrame(rijen)
    uit.insert(0, "uitkomst", uitkomst)
    uit.insert(1, "subgroep", subgroep)
    uit.insert(3, "pre", pre)
    uit.insert(4, "post", post)
    return uit[["uitkomst", "subgroep", "niveau", "pre", "post", "onderdeel", "n_paren",
                "verschil", "ci95_onder", "ci95_boven", "p", "f", "df_teller", "df_noemer",
                "status", "reden"]]


# ---------------------------------------------------------------------------------------------
# 5. Multipliciteit
# ---------------------------------------------------------------------------------------------
def corrigeer_multipliciteit(
    resultaten: pd.DataFrame,
    primair: set[str],
    kolom_p: str = "p",
    kolom_uitkomst: str = "uitkomst",
) -> pd.DataFrame:
    """Corrigeer p-waarden: Holm over primaire uitkomsten, Benjamini–Hochberg over de rest.

    Parameters
    ----------
    resultaten : pandas.DataFrame
        Resultatentabel met een kolom met p-waarden en een kolom met de uitkomstnaam
        (bijv. de uitvoer van :func:`voor_na_tabel`).
    primair : set[str]
        Uitkomsten die als primair zijn vastgelegd.
    kolom_p, kolom_uitkomst : str
        Namen van de p- en uitkomstkolom.

    Returns
    -------
    pandas.DataFrame
        Kopie van ``resultaten`` (zelfde rijvolgorde en index) met twee extra kolommen:

        - ``p_gecorrigeerd``: gecorrigeerde p-waarde (leeg als ``p`` leeg is).
        - ``correctie``: "holm" (primaire uitkomsten), "bh" (overige), leeg zonder p.

    Notes
    -----
    De familie voor Holm is de verzameling van alle rijen met een primaire uitkomst en een
    p-waarde (dus ook meerdere meetmomentparen van dezelfde uitkomst); de familie voor BH is
    alle overige rijen met een p-waarde. Rijen zonder p (niet te berekenen) doen niet mee.
    Implementatie: ``statsmodels.stats.multitest.multipletests`` (``holm``, ``fdr_bh``);
    gevalideerd tegen R ``p.adjust(p, "holm")`` en ``p.adjust(p, "BH")`` (>= 10 cijfers).
    """
    uit = resultaten.copy()
    p = pd.to_numeric(uit[kolom_p], errors="coerce")
    is_primair = uit[kolom_uitkomst].isin(primair)
    uit["p_gecorrigeerd"] = np.nan
    uit["correctie"] = ""
    for masker, methode, label in ((is_primair, "holm", "holm"), (~is_primair, "fdr_bh", "bh")):
        masker = masker & p.notna()
        if masker.any():
            uit.loc[masker, "p_gecorrigeerd"] = multipletests(p[masker].to_numpy(),
                                                              method=methode)[1]
            uit.loc[masker, "correctie"] = label
    return uit


# ---------------------------------------------------------------------------------------------
# 6. Geaggregeerde tabellen voor figuren
# ---------------------------------------------------------------------------------------------
def gemiddelden_per_meetmoment(metingen: pd.DataFrame, uitkomsten: Sequence[str],
                               voormeting: str | None = None) -> pd.DataFrame:
    """Gemiddelde met 95%-BI per uitkomst per meetmoment (alle beschikbare waarnemingen).

    Parameters
    ----------
    metingen : pandas.DataFrame
        Lang formaat met ``pseudo_id``, ``meetmoment`` en de uitkomstkolommen.
    uitkomsten : Sequence[str]
        Uitkomstkolommen.
    voormeting : str, optional
        Tellen latere meetmomenten alleen deelnemers die op de voormeting ook gemeten zijn
        (zie :func:`evaluatie.beschrijving.beschrijf`; kolom ``populatie``).

    Returns
    -------
    pandas.DataFrame
        Eén rij per uitkomst x meetmoment (oplopend) met ``uitkomst``, ``meetmoment``,
        ``populatie``, ``n`` (niet-ontbrekende waarnemingen), ``gemiddelde``, ``sd`` (n − 1),
        ``ci95_onder``, ``ci95_boven`` (t-verdeling, n − 1 df), ``status``, ``reden``.

    Notes
    -----
    Per meetmoment alle aanwezige waarnemingen (geen completers-eis), dus de samenstelling
    kan per meetmoment verschillen. Gevalideerd tegen R ``t.test(x)$conf.int``.
    """
    from evaluatie.beschrijving import met_voormeting, populatie

    _controleer_kolommen(metingen, uitkomsten)
    rijen = []
    for uitkomst in uitkomsten:
        mu = met_voormeting(metingen, uitkomst, voormeting) if voormeting else metingen
        for m in _sorteer_meetmomenten(metingen["meetmoment"]):
            bron = metingen if populatie(m, voormeting) == "alle" else mu
            x = bron.loc[bron["meetmoment"].astype(str) == m, uitkomst].dropna()
            x = x.astype(float).to_numpy()
            n = len(x)
            rij = {"uitkomst": uitkomst, "meetmoment": m, "populatie": populatie(m, voormeting), "n": n,
                   "gemiddelde": float(x.mean()) if n else np.nan,
                   "sd": float(x.std(ddof=1)) if n > 1 else np.nan,
                   "ci95_onder": np.nan, "ci95_boven": np.nan, "status": OK, "reden": ""}
            if n < 2:
                rij.update(status=NIET_TE_BEREKENEN,
                           reden="Te weinig waarnemingen voor een betrouwbaarheidsinterval.")
            else:
                marge = stats.t.ppf(0.975, n - 1) * rij["sd"] / np.sqrt(n)
                rij.update(ci95_onder=rij["gemiddelde"] - marge,
                           ci95_boven=rij["gemiddelde"] + marge)
            rijen.append(rij)
    return pd.DataFrame(rijen)


def verandering_histogram_tabel(
    metingen: pd.DataFrame,
    uitkomst: str,
    pre: str = "T0",
    post: str = "T1",
    *,
    breedte: float,
    oorsprong: float | None = None,
) -> pd.DataFrame:
    """Aantal completers per klasse van verandering (post − pre), voor een histogram.

    Parameters
    ----------
    metingen : pandas.DataFrame
        Lang formaat.
    uitkomst : str
        Uitkomstkolom.
    pre, post : str
        Meetmomenten; verandering = post − pre.
    breedte : float
        Klassebreedte (> 0).
    oorsprong : float, optional
        Eén klassegrens; standaard −breedte/2, zodat 0 midden in een klasse valt.

    Returns
    -------
    pandas.DataFrame
        Eén rij per klasse van de kleinste t/m de grootste bezette klasse (ook lege klassen),
        met ``uitkomst``, ``pre``, ``post``, ``klasse_onder``, ``klasse_boven`` (klasse is
        [onder, boven)), ``n`` (aantal completers), ``n_totaal``.

    Notes
    -----
    Deze tabel bevat alleen aantallen; de aanroeper past hierop de
    onthullingscontrole toe voordat :func:`evaluatie.figuren_prepost.figuur_verandering`
    hem tekent.
    """
    if not breedte > 0:
        raise ValueError("breedte moet > 0 zijn")
    oorsprong = -breedte / 2 if oorsprong is None else oorsprong
    paren = _paren(metingen, uitkomst, pre, post)
    d = (paren["post"] - paren["pre"]).to_numpy()
    kolommen = ["uitkomst", "pre", "post", "klasse_onder", "klasse_boven", "n", "n_totaal"]
    if len(d) == 0:
        return pd.DataFrame(columns=kolommen)
    klasse = np.floor((d - oorsprong) / breedte + _TOLERANTIE).astype(int)
    nummers = np.arange(klasse.min(), klasse.max() + 1)
    aantallen = np.array([(klasse == k).sum() for k in nummers], dtype=int)
    return pd.DataFrame({
        "uitkomst": uitkomst, "pre": pre, "post": post,
        "klasse_onder": oorsprong + nummers * breedte,
        "klasse_boven": oorsprong + (nummers + 1) * breedte,
        "n": aantallen, "n_totaal": len(d),
    })[kolommen]
