"""Zorgkosten rond de start van een interventie en de maatschappelijke businesscase.

Stroom van de gegevens::

    zorgkosten (declaraties) + deelnemers
        ──kosten_per_deelnemer──▶ lang: deelnemer × periode (voor/na) × kostendomein
        ──kostentabel──▶ per kostendomein: totalen, medianen, gemiddeld verschil + BCa-interval
        ──kosten_breed──▶ één rij per deelnemer ──kosten_glm──▶ tweedelig model (logit × Gamma)
        ──verschil_in_verschillen──▶ OLS groep × periode met clusterrobuuste standaardfouten
    kosten_per_kwartaal ──▶ gemiddelde kosten per groep per kwartaal (parallelle trends)
    businesscase ──▶ aannames en resultaten van een maatschappelijke businesscase

Alle verschillen zijn **na − voor**: een negatief verschil is een daling van de kosten.
"""

from __future__ import annotations

import logging
import warnings
import zlib
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

__all__ = [
    "KOSTENDOMEINEN",
    "KostenPerDeelnemer",
    "businesscase",
    "kosten_breed",
    "kosten_glm",
    "kosten_per_deelnemer",
    "kosten_per_kwartaal",
    "kostentabel",
    "lees_prijsindex",
    "verschil_in_verschillen",
]

#: Kostendomeinen uit het datawoordenboek, in vaste volgorde; "totaal" is hun som.
KOSTENDOMEINEN: tuple[str, ...] = (
    "zvw_huisarts",
    "zvw_ggz",
    "zvw_msz",
    "zvw_farmacie",
    "zvw_overig",
    "wmo",
    "jeugdwet",
    "participatiewet",
)
log = logging.getLogger("evaluatie")

TOTAAL = "totaal"
PERIODES: tuple[str, str] = ("voor", "na")
OK = "ok"
NIET_TE_BEREKENEN = "niet_te_berekenen"
#: Bedragen met |bedrag| kleiner dan een halve cent tellen als "geen kosten".
NUL_GRENS_EUR = 0.005
#: Kenmerken van de deelnemer die in de lange kostentabel worden meegenomen (als aanwezig).
MEE_TE_NEMEN_KENMERKEN: tuple[str, ...] = ("onderzoeksgroep", "wijk")

_DAG = pd.Timedelta(days=1)


class KostenPerDeelnemer(NamedTuple):
    """Resultaat van :func:`kosten_per_deelnemer`: de kostentabel en de uitsluitingen."""

    kosten: pd.DataFrame
    uitsluitingen: pd.DataFrame


# ---------------------------------------------------------------------------------------------
# Toedeling van declaraties aan vensters
# ---------------------------------------------------------------------------------------------


def _als_datum(reeks: pd.Series) -> pd.Series:
    """Zet een kolom om naar datums; lege tekst en onleesbare waarden worden NaT."""
    if pd.api.types.is_datetime64_any_dtype(reeks):
        return reeks.dt.normalize()
    tekst = reeks.astype("string").str.strip().replace("", pd.NA)
    return pd.to_datetime(tekst, errors="coerce").dt.normalize()


def _laatste(a: pd.Series, b: Any) -> pd.Series:
    """Elementgewijs de laatste datum; ``np.maximum`` faalt bij ongelijke datetime-eenheden
    (bijv. ns uit Parquet naast us na een ``DateOffset``)."""
    return a.where(a >= b, b)


def _eerste(a: pd.Series, b: Any) -> pd.Series:
    """Elementgewijs de eerste datum (zie :func:`_laatste`)."""
    return a.where(a <= b, b)


def _indexfactoren(
    prijsindex: pd.DataFrame | None, basisjaar: int | None
) -> dict[int, float] | None:
    """Factor per jaar om een bedrag uit dat jaar naar prijzen van `basisjaar` om te rekenen."""
    if prijsindex is None and basisjaar is None:
        return None
    if prijsindex is None or basisjaar is None:
        raise ValueError("prijsindex en basisjaar horen samen: geef beide of geen van beide op.")
    if not {"jaar", "index"} <= set(prijsindex.columns):
        raise ValueError("prijsindex moet de kolommen 'jaar' en 'index' hebben.")
    jaren = pd.to_numeric(prijsindex["jaar"], errors="raise").astype(int)
    if jaren.duplicated().any():
        raise ValueError("prijsindex bevat een jaar meer dan eens.")
    index = dict(zip(jaren, pd.to_numeric(prijsindex["index"], errors="raise"), strict=True))
    if any(not np.isfinite(v) or v <= 0 for v in index.values()):
        raise ValueError("prijsindex bevat een ontbrekend, nul- of negatief indexcijfer.")
    if int(basisjaar) not in index:
        raise ValueError(f"basisjaar {basisjaar} staat niet in de prijsindex.")
    basis = index[int(basisjaar)]
    return {jaar: basis / waarde for jaar, waarde in index.items()}


def _verdeel(
    zorgkosten: pd.DataFrame,
    deelnemers: pd.DataFrame,
    vensters: Sequence[tuple[Any, int, int]],
    peildatum: Any,
    gegevens_vanaf: Any,
    prijsindex: pd.DataFrame | None,
    basisjaar: int | None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Verdeel declaratiebedragen pro rata over vensters rond de startdatum.

    Returns
    -------
    bedragen : lang, (pseudo_id, venster, kostendomein, bedrag_eur), alleen niet-lege cellen
    opgenomen : één rij per opgenomen deelnemer (pseudo_id + kenmerken)
    uitsluitingen : eenheid, reden, n
    """
    ontbrekend = {"pseudo_id", "startdatum"} - set(deelnemers.columns)
    if ontbrekend:
        raise ValueError(f"deelnemers mist kolommen: {sorted(ontbrekend)}")
    ontbrekend = {"pseudo_id", "periode_start", "periode_eind", "kostendomein", "bedrag_eur"} - set(
        zorgkosten.columns
    )
    if ontbrekend:
        raise ValueError(f"zorgkosten mist kolommen: {sorted(ontbrekend)}")
    if deelnemers["pseudo_id"].duplicated().any():
        raise ValueError("deelnemers bevat een pseudo_id meer dan eens.")
    factoren = _indexfactoren(prijsindex, basisjaar)

    uitsluitingen: list[dict[str, Any]] = []

    def sluit_uit(eenheid: str, reden: str, n: int) -> None:
        uitsluitingen.append({"eenheid": eenheid, "reden": reden, "n": int(n)})

    # --- declaraties ---------------------------------------------------------------------
    kenmerken = [k for k in MEE_TE_NEMEN_KENMERKEN if k in deelnemers.columns]
    dln = deelnemers[["pseudo_id", "startdatum", *kenmerken]].copy()
    dln["pseudo_id"] = dln["pseudo_id"].astype(str)
    dln["startdatum"] = _als_datum(dln["startdatum"])

    dec = zorgkosten[
        ["pseudo_id", "periode_start", "periode_eind", "kostendomein", "bedrag_eur"]
    ].copy()
    dec["pseudo_id"] = dec["pseudo_id"].astype(str)
    dec["kostendomein"] = dec["kostendomein"].astype(str)
    dec["c_start"] = _als_datum(dec["periode_start"])
    dec["c_eind"] = _als_datum(dec["periode_eind"]) + _DAG  # exclusief einde
    dec["bedrag_eur"] = pd.to_numeric(dec["bedrag_eur"], errors="coerce")

    onvolledig = dec[["c_start", "c_eind", "bedrag_eur"]].isna().any(axis=1)
    sluit_uit("declaratie", "ontbrekende of onleesbare periode of bedrag", onvolledig.sum())
    dec = dec[~onvolledig]
    omgekeerd = dec["c_eind"] <= dec["c_start"]
    sluit_uit("declaratie", "periode_eind ligt voor periode_start", omgekeerd.sum())
    dec = dec[~omgekeerd]
    if peildatum is None:  # laatste dag van de laatste geldige declaratie
        if dec.empty:
            raise ValueError("geef een peildatum op: zorgkosten bevat geen geldige declaraties.")
        peil = dec["c_eind"].max() - _DAG
    else:
        peil = pd.Timestamp(peildatum).normalize()
    vanaf = None if gegevens_vanaf is None else pd.Timestamp(gegevens_vanaf).normalize()
    onbekend = ~dec["pseudo_id"].isin(dln["pseudo_id"])
    sluit_uit("declaratie", "pseudo_id komt niet voor in deelnemers", onbekend.sum())
    dec = dec[~onbekend]

    # --- deelnemers ----------------------------------------------------------------------
    geen_start = dln["startdatum"].isna()
    sluit_uit("deelnemer", "geen startdatum (niet gestart)", geen_start.sum())
    dln = dln[~geen_start].copy()
    eerste = min(v[1] for v in vensters)
    laatste = max(v[2] for v in vensters)
    dln["_v_begin"] = dln["startdatum"] + pd.DateOffset(months=eerste)
    dln["_v_eind"] = dln["startdatum"] + pd.DateOffset(months=laatste)  # exclusief
    niet_af = dln["_v_eind"] - _DAG > peil
    sluit_uit(
        "deelnemer",
        f"nameting niet compleet: venster na de start loopt na de peildatum {peil.date()}",
        niet_af.sum(),
    )
    dln = dln[~niet_af]
    if vanaf is not None:
        te_vroeg = dln["_v_begin"] < vanaf
        sluit_uit(
            "deelnemer",
            f"voormeting niet compleet: venster voor de start begint voor {vanaf.date()}",
            te_vroeg.sum(),
        )
        dln = dln[~te_vroeg]
    opgenomen = dln[["pseudo_id", *kenmerken]].reset_index(drop=True)

    # --- toedeling ----------------------------------------------------------------------
    dec = dec.merge(dln[["pseudo_id", "startdatum"]], on="pseudo_id", how="inner")
    duur = (dec["c_eind"] - dec["c_start"]) / _DAG
    stukken = []
    for label, van, tot in vensters:
        w_begin = dec["startdatum"] + pd.DateOffset(months=van)
        w_eind = dec["startdatum"] + pd.DateOffset(months=tot)
        o_begin = _laatste(dec["c_start"], w_begin)
        o_eind = _eerste(dec["c_eind"], w_eind)
        if factoren is None:
            dagen = ((o_eind - o_begin) / _DAG).clip(lower=0)
            bedrag = dec["bedrag_eur"] * dagen / duur
        else:
            bedrag = pd.Series(0.0, index=dec.index)
            heeft = o_eind > o_begin
            if heeft.any():
                j0, j1 = int(o_begin[heeft].dt.year.min()), int(o_eind[heeft].dt.year.max())
                for jaar in range(j0, j1 + 1):
                    j_begin = _laatste(o_begin, pd.Timestamp(year=jaar, month=1, day=1))
                    j_eind = _eerste(o_eind, pd.Timestamp(year=jaar + 1, month=1, day=1))
                    dagen = ((j_eind - j_begin) / _DAG).clip(lower=0)
                    if (dagen > 0).any():
                        if jaar not in factoren:
                            raise ValueError(
                                f"prijsindex heeft geen indexcijfer voor {jaar}; "
                                "indexcijfers worden niet verzonnen."
                            )
                        bedrag = bedrag + dec["bedrag_eur"] * dagen / duur * factoren[jaar]
        stukken.append(
            pd.DataFrame(
                {
                    "pseudo_id": dec["pseudo_id"],
                    "venster": label,
                    "kostendomein": dec["kostendomein"],
                    "bedrag_eur": bedrag,
                }
            )
        )
    bedragen = pd.concat(stukken, ignore_index=True) if stukken else pd.DataFrame()
    if len(bedragen):
        bedragen = bedragen.groupby(
            ["pseudo_id", "venster", "kostendomein"], as_index=False, sort=False
        )["bedrag_eur"].sum()
    uit = pd.DataFrame(uitsluitingen, columns=["eenheid", "reden", "n"])
    return bedragen, opgenomen, uit


def lees_prijsindex(instelling: Mapping[str, Any] | None) -> tuple[pd.DataFrame | None, int | None]:
    """Prijsindex en basisjaar uit de configuratie (``kosten.prijsindex``), of ``(None, None)``.

    Het bestand is een door de gebruiker aangeleverde CSV met kolommen ``jaar`` en ``index``
    (komma of puntkomma als scheidingsteken; decimaalkomma toegestaan). Er worden geen
    indexcijfers aangevuld: :func:`kosten_per_deelnemer` stopt als een jaar ontbreekt.
    """
    if not instelling:
        return None, None
    pad = instelling["bestand"]
    try:
        tabel = pd.read_csv(pad, sep=None, engine="python", dtype=str)
    except FileNotFoundError:
        raise ValueError(f"prijsindex: bestand {pad} bestaat niet.") from None
    tabel.columns = [str(k).strip().lower() for k in tabel.columns]
    if not {"jaar", "index"} <= set(tabel.columns):
        raise ValueError(f"prijsindex {pad}: verwacht de kolommen 'jaar' en 'index'.")
    tabel["index"] = pd.to_numeric(tabel["index"].str.strip().str.replace(",", ".", regex=False),
                                   errors="raise")
    tabel["jaar"] = pd.to_numeric(tabel["jaar"].str.strip(), errors="raise").astype(int)
    return tabel[["jaar", "index"]], int(instelling["basisjaar"])


def _domeinen(aanwezig: Sequence[str]) -> list[str]:
    extra = sorted(set(aanwezig) - set(KOSTENDOMEINEN) - {TOTAAL})
    return [*KOSTENDOMEINEN, *extra]


def kosten_per_deelnemer(
    zorgkosten: pd.DataFrame,
    deelnemers: pd.DataFrame,
    maanden_voor: int = 12,
    maanden_na: int = 12,
    prijsindex: pd.DataFrame | None = None,
    basisjaar: int | None = None,
    *,
    peildatum: Any = None,
    gegevens_vanaf: Any = None,
) -> KostenPerDeelnemer:
    """Zorgkosten per deelnemer in een venster voor en na de startdatum, per kostendomein.

    Parameters
    ----------
    zorgkosten : DataFrame
        Declaraties: ``pseudo_id``, ``periode_start``, ``periode_eind`` (datums, beide
        inclusief), ``kostendomein``, ``bedrag_eur``.
    deelnemers : DataFrame
        ``pseudo_id`` en ``startdatum`` (leeg als niet gestart); ``onderzoeksgroep`` en
        ``wijk`` worden meegenomen als ze aanwezig zijn.
    maanden_voor, maanden_na : int
        Lengte van de vensters in kalendermaanden. "voor" = [start − maanden_voor, start),
        "na" = [start, start + maanden_na).
    prijsindex : DataFrame, optional
        Door de gebruiker aangeleverde index met kolommen ``jaar`` en ``index``. Alle bedragen
        worden omgerekend naar prijzen van `basisjaar`.
    basisjaar : int, optional
        Prijsniveau van de uitkomst; verplicht samen met `prijsindex`.
    peildatum : datum, optional
        Laatste dag waarover declaraties compleet zijn. Standaard de laatste ``periode_eind``
        in `zorgkosten`.
    gegevens_vanaf : datum, optional
        Eerste dag waarover declaraties compleet zijn. Als opgegeven worden deelnemers van wie
        het voor-venster eerder begint uitgesloten.

    Returns
    -------
    KostenPerDeelnemer
        ``kosten``: één rij per deelnemer × periode × kostendomein (de acht domeinen plus
        ``"totaal"``), met kolommen

        - ``pseudo_id``
        - ``onderzoeksgroep``, ``wijk``: overgenomen uit `deelnemers` (als aanwezig)
        - ``periode``: ``"voor"`` of ``"na"``
        - ``kostendomein``
        - ``bedrag_venster_eur``: kosten in het venster (na indexering)
        - ``bedrag_eur``: analysebedrag; gelijk aan ``bedrag_venster_eur`` als beide vensters
          even lang zijn, anders per jaar: ``bedrag_venster_eur × 12 / maanden_venster``
        - ``maanden_venster``: lengte van het venster in maanden
        - ``geannualiseerd``: of ``bedrag_eur`` naar een jaarbedrag is omgerekend
        - ``geindexeerd``: of de bedragen met `prijsindex` zijn omgerekend
        - ``prijsniveau``: `basisjaar`, of leeg zonder indexering

        ``uitsluitingen``: ``eenheid`` (``"deelnemer"`` of ``"declaratie"``), ``reden``, ``n``
        (aantal); een reden met n = 0 staat er ook in, zodat zichtbaar is dat erop getoetst is.

    Notes
    -----
    *Toedeling.* Een declaratie dekt de dagen ``periode_start`` t/m ``periode_eind``. Het bedrag
    wordt naar rato van het aantal overlappende dagen aan elk venster toegedeeld:
    ``bedrag × dagen_overlap / dagen_declaratie``. Met een prijsindex wordt het overlappende
    deel bovendien per kalenderjaar gesplitst en elk deel vermenigvuldigd met
    ``index[basisjaar] / index[jaar]``; ontbreekt een benodigd jaar dan volgt een fout
    (indexcijfers worden nooit verzonnen).

    *Vensters.* Maanden zijn kalendermaanden (``pd.DateOffset``); 31 januari + 1 maand is
    28/29 februari.

    *Annualisering.* Zijn ``maanden_voor`` en ``maanden_na`` ongelijk, dan is ``bedrag_eur``
    het jaarbedrag ``bedrag_venster_eur × 12 / maanden_venster``, zodat voor en na
    vergelijkbaar zijn.

    *Ontbrekende gegevens.* Een deelnemer zonder declaraties telt in elk domein als € 0.
    Uitgesloten (en geteld in ``uitsluitingen``): deelnemers zonder startdatum, deelnemers van
    wie het na-venster na de peildatum eindigt (nameting niet compleet), met `gegevens_vanaf`
    deelnemers van wie het voor-venster te vroeg begint, en declaraties met ontbrekende datum of
    bedrag, een einddatum voor de begindatum of een onbekende ``pseudo_id``. Negatieve bedragen
    (correcties) tellen gewoon mee.
    """
    if maanden_voor <= 0 or maanden_na <= 0:
        raise ValueError("maanden_voor en maanden_na moeten positief zijn.")
    vensters = [("voor", -int(maanden_voor), 0), ("na", 0, int(maanden_na))]
    bedragen, opgenomen, uit = _verdeel(
        zorgkosten, deelnemers, vensters, peildatum, gegevens_vanaf, prijsindex, basisjaar
    )
    aanwezig = bedragen["kostendomein"].unique().tolist() if len(bedragen) else []
    domeinen = _domeinen(aanwezig)

    ids = sorted(opgenomen["pseudo_id"])
    rooster = pd.MultiIndex.from_product(
        [ids, list(PERIODES), domeinen], names=["pseudo_id", "periode", "kostendomein"]
    )
    if len(bedragen):
        reeks = bedragen.rename(columns={"venster": "periode"}).set_index(
            ["pseudo_id", "periode", "kostendomein"]
        )["bedrag_eur"]
        reeks = reeks.reindex(rooster, fill_value=0.0)
    else:
        reeks = pd.Series(0.0, index=rooster, name="bedrag_eur")
    lang = reeks.rename("bedrag_venster_eur").reset_index()
    totaal = lang.groupby(["pseudo_id", "periode"], as_index=False, sort=False)[
        "bedrag_venster_eur"
    ].sum()
    totaal["kostendomein"] = TOTAAL
    lang = pd.concat([lang, totaal], ignore_index=True)

    volgorde_dom = {d: i for i, d in enumerate([*domeinen, TOTAAL])}
    lang["_p"] = lang["periode"].map({"voor": 0, "na": 1})
    lang["_d"] = lang["kostendomein"].map(volgorde_dom)
    lang = lang.sort_values(["pseudo_id", "_p", "_d"]).drop(columns=["_p", "_d"])

    maanden = lang["periode"].map({"voor": int(maanden_voor), "na": int(maanden_na)})
    annualiseer = int(maanden_voor) != int(maanden_na)
    lang["bedrag_eur"] = (
        lang["bedrag_venster_eur"] * 12.0 / maanden if annualiseer else lang["bedrag_venster_eur"]
    )
    lang["maanden_venster"] = maanden.astype(int)
    lang["geannualiseerd"] = annualiseer
    lang["geindexeerd"] = prijsindex is not None
    lang["prijsniveau"] = pd.array(
        [basisjaar if prijsindex is not None else pd.NA] * len(lang), dtype="Int64"
    )
    lang = lang.merge(opgenomen, on="pseudo_id", how="left")
    kolommen = [
        "pseudo_id",
        *[k for k in MEE_TE_NEMEN_KENMERKEN if k in opgenomen.columns],
        "periode",
        "kostendomein",
        "bedrag_venster_eur",
        "bedrag_eur",
        "maanden_venster",
        "geannualiseerd",
        "geindexeerd",
        "prijsniveau",
    ]
    return KostenPerDeelnemer(lang[kolommen].reset_index(drop=True), uit)


def kosten_per_kwartaal(
    zorgkosten: pd.DataFrame,
    deelnemers: pd.DataFrame,
    maanden_voor: int = 12,
    maanden_na: int = 12,
    groep_kolom: str = "onderzoeksgroep",
    kostendomein: str = TOTAAL,
    prijsindex: pd.DataFrame | None = None,
    basisjaar: int | None = None,
    *,
    peildatum: Any = None,
    gegevens_vanaf: Any = None,
) -> pd.DataFrame:
    """Gemiddelde kosten per groep per kwartaal ten opzichte van de start (parallelle trends).

    Parameters
    ----------
    zorgkosten, deelnemers, maanden_voor, maanden_na, prijsindex, basisjaar, peildatum,
    gegevens_vanaf
        Als in :func:`kosten_per_deelnemer`; de maanden moeten veelvouden van 3 zijn.
    groep_kolom : str
        Kolom in `deelnemers` met de groep (standaard ``onderzoeksgroep``).
    kostendomein : str
        Een kostendomein of ``"totaal"``.

    Returns
    -------
    DataFrame
        Eén rij per groep × kwartaal:

        - ``<groep_kolom>``
        - ``kwartaal``: kwartaalnummer t.o.v. de start; −1 = laatste kwartaal voor de start,
          0 = eerste kwartaal vanaf de start (venster [start + 3k, start + 3k + 3) maanden)
        - ``kostendomein``
        - ``n``: aantal deelnemers
        - ``gemiddeld_eur``, ``sd_eur``: gemiddelde en standaarddeviatie van de kosten in het
          kwartaal (niet geannualiseerd)
        - ``ci95_onder``, ``ci95_boven``: t-interval van het gemiddelde
        - ``totaal_eur``: som van de kosten in het kwartaal; ``grootste_bijdrage``,
          ``tweede_bijdrage``: de twee grootste bedragen van één deelnemer (absolute waarde),
          voor de dominantieregel van de onthullingscontrole
        - ``status``, ``reden``

    Notes
    -----
    Zelfde toedeling en uitsluitingen als :func:`kosten_per_deelnemer`; deelnemers zonder
    declaraties tellen als € 0. Bedoeld als invoer voor
    :func:`evaluatie.figuren_kosten.figuur_parallelle_trends`.
    """
    if maanden_voor % 3 or maanden_na % 3 or maanden_voor <= 0 or maanden_na <= 0:
        raise ValueError("maanden_voor en maanden_na moeten positieve veelvouden van 3 zijn.")
    if groep_kolom not in deelnemers.columns:
        raise ValueError(f"deelnemers mist de groepskolom {groep_kolom!r}.")
    kwartalen = list(range(-maanden_voor // 3, maanden_na // 3))
    vensters = [(k, 3 * k, 3 * k + 3) for k in kwartalen]
    dln = deelnemers.copy()
    dln["_groep"] = dln[groep_kolom]
    # _verdeel neemt alleen vaste kenmerken mee; de groep koppelen we hieronder zelf.
    bedragen, opgenomen, _ = _verdeel(
        zorgkosten, dln, vensters, peildatum, gegevens_vanaf, prijsindex, basisjaar
    )
    if len(bedragen) and kostendomein != TOTAAL:
        bedragen = bedragen[bedragen["kostendomein"] == kostendomein]
    per = (
        bedragen.groupby(["pseudo_id", "venster"])["bedrag_eur"].sum()
        if len(bedragen)
        else pd.Series(dtype=float)
    )
    ids = sorted(opgenomen["pseudo_id"])
    rooster = pd.MultiIndex.from_product([ids, kwartalen], names=["pseudo_id", "venster"])
    per = per.reindex(rooster, fill_value=0.0).rename("bedrag_eur").reset_index()
    groep = dln.assign(pseudo_id=dln["pseudo_id"].astype(str)).set_index("pseudo_id")["_groep"]
    per[groep_kolom] = per["pseudo_id"].map(groep)
    rijen = []
    for (g, k), sub in per.groupby([groep_kolom, "venster"], sort=True):
        x = sub["bedrag_eur"].to_numpy(float)
        n = len(x)
        rij = {groep_kolom: g, "kwartaal": int(k), "kostendomein": kostendomein, "n": n}
        rij["gemiddeld_eur"] = float(x.mean())
        rij["totaal_eur"] = float(x.sum())
        rij["grootste_bijdrage"], rij["tweede_bijdrage"] = _grootste_twee(x)
        if n >= 2:
            sd = float(x.std(ddof=1))
            marge = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)
            rij.update(
                sd_eur=sd,
                ci95_onder=rij["gemiddeld_eur"] - marge,
                ci95_boven=rij["gemiddeld_eur"] + marge,
                status=OK,
                reden="",
            )
        else:
            rij.update(
                sd_eur=np.nan,
                ci95_onder=np.nan,
                ci95_boven=np.nan,
                status=NIET_TE_BEREKENEN,
                reden="te weinig deelnemers: geen spreiding",
            )
        rijen.append(rij)
    kolommen = [groep_kolom, "kwartaal", "kostendomein", "n", "gemiddeld_eur", "sd_eur",
                "ci95_onder", "ci95_boven", "totaal_eur", "grootste_bijdrage", "tweede_bijdrage",
                "status", "reden"]
    return pd.DataFrame(rijen, columns=kolommen)


# ---------------------------------------------------------------------------------------------
# Kostentabel met BCa-bootstrapinterval
# ---------------------------------------------------------------------------------------------


def _bca_gemiddelde(
    x: np.ndarray, rng: np.random.Generator, n_resamples: int
) -> tuple[float, float]:
    """BCa-95%-interval van het gemiddelde van `x`.

    De bootstrapverdeling komt van ``scipy.stats.bootstrap`` (gevectoriseerd, in batches). De
    BCa-correctie volgt exact scipy's ``_bca_interval`` (Efron & Tibshirani 1993, 14.3), maar
    de jackknife-waarden van het gemiddelde worden analytisch berekend:
    ``θ_(i) = (Σx − x_i) / (n − 1)``. scipy maakt daarvoor n kopieën van lengte n − 1
    (O(n²); ±11 s per domein bij n = 50.000); dit is O(n) en geeft hetzelfde interval
    (getest tegen ``method="BCa"`` van scipy).
    """
    n = x.size
    batch = max(1, min(n_resamples, 10_000_000 // max(n, 1)))
    res = stats.bootstrap(
        (x,),
        np.mean,
        method="percentile",
        vectorized=True,
        n_resamples=n_resamples,
        batch=batch,
        rng=rng,
    )
    theta_b = res.bootstrap_distribution
    theta = x.mean()
    # bias-correctie z0 (scipy: _percentile_of_score, soort "mean")
    kans = (np.count_nonzero(theta_b < theta) + np.count_nonzero(theta_b <= theta)) / (
        2 * theta_b.size
    )
    z0 = stats.norm.ppf(kans)
    # versnelling a uit de analytische jackknife
    theta_i = (x.sum() - x) / (n - 1)
    u = (n - 1) * (theta_i.mean() - theta_i)
    a = (np.sum(u**3) / n**3) / 6.0 / (np.sum(u**2) / n**2) ** 1.5
    z = stats.norm.ppf([0.025, 0.975])
    alfa = stats.norm.cdf(z0 + (z0 + z) / (1 - a * (z0 + z)))
    if not np.all(np.isfinite(alfa)):
        return np.nan, np.nan
    onder, boven = stats.quantile(theta_b, alfa)
    return float(onder), float(boven)


def _grootste_twee(x: np.ndarray) -> tuple[float, float]:
    """The two largest absolute amounts (0 when there are fewer)."""
    a = np.sort(np.abs(np.asarray(x, dtype=float)))[::-1]
    return (float(a[0]) if a.size else 0.0, float(a[1]) if a.size > 1 else 0.0)


def _rng(seed: int, *sleutel: str) -> np.random.Generator:
    """Generator per (seed, domein, groep): onafhankelijk van welke andere domeinen er zijn."""
    return np.random.default_rng([int(seed), *(zlib.crc32(s.encode()) for s in sleutel)])


def kostentabel(
    per_deelnemer: pd.DataFrame,
    seed: int,
    n_resamples: int = 2000,
    *,
    groep_kolom: str | None = None,
    min_n: int = 10,
) -> pd.DataFrame:
    """Kosten voor en na de start per kostendomein, met BCa-interval van het gemiddelde verschil.

    Parameters
    ----------
    per_deelnemer : DataFrame
        Lange tabel van :func:`kosten_per_deelnemer` (``pseudo_id``, ``periode``,
        ``kostendomein``, ``bedrag_eur``; elke deelnemer heeft een rij voor en na).
    seed : int
        Startwaarde van de random generator voor de bootstrap (verplicht: reproduceerbaar).
    n_resamples : int
        Aantal bootstrap-trekkingen, minstens 2000.
    groep_kolom : str, optional
        Bereken de tabel per groep (bijv. ``"onderzoeksgroep"``).
    min_n : int
        Minimaal aantal deelnemers voor een betrouwbaarheidsinterval.

    Returns
    -------
    DataFrame
        Eén rij per (groep ×) kostendomein, met ``totaal`` als laatste:

        - ``<groep_kolom>`` (alleen als opgegeven), ``kostendomein``
        - ``n_deelnemers``: aantal deelnemers (iedereen telt mee, ook met € 0)
        - ``n_met_kosten_voor``, ``n_met_kosten_na``: deelnemers met kosten ≠ 0 in de periode
        - ``n_met_kosten``: deelnemers met kosten ≠ 0 in voor of na
        - ``totaal_voor``, ``totaal_na``: som van de kosten (€); ``grootste_bijdrage_voor``,
          ``tweede_bijdrage_voor`` (en ``_na``): de twee grootste bedragen van één deelnemer
          (absolute waarde), voor de dominantieregel
        - ``verschil``: totaal_na − totaal_voor (€)
        - ``verschil_pct``: 100 × verschil / totaal_voor
        - ``gemiddeld_voor``, ``gemiddeld_na``: gemiddelde kosten per deelnemer (n_deelnemers)
        - ``gemiddeld_verschil``: gemiddelde van (na − voor) over alle deelnemers
        - ``ci95_onder``, ``ci95_boven``: BCa-bootstrap-95%-interval van gemiddeld_verschil
        - ``gemiddeld_verschil_per_deelnemer_met_domein``: gemiddelde van (na − voor) over de
          n_met_kosten deelnemers met kosten in dit domein in voor of na
        - ``mediaan_voor``, ``mediaan_na``: medianen over alle deelnemers
        - ``aandeel_nul_voor``, ``aandeel_nul_na``: aandeel deelnemers zonder kosten (0–1)
        - ``ci_methode``: ``"BCa-bootstrap"``; ``n_resamples``; ``seed``
        - ``status``, ``reden``

    Notes
    -----
    Verschil = na − voor, per deelnemer; een negatief verschil is een besparing.
    "Geen kosten" betekent |bedrag| < € 0,005. Het interval is het BCa-interval (Efron) met
    ``scipy.stats.bootstrap`` voor de trekkingen en de analytische jackknife van het
    gemiddelde voor de versnelling (identiek aan scipy's ``method="BCa"``, maar O(n)).
    Elke (groep, domein) krijgt een eigen generator afgeleid van `seed`, zodat het interval
    niet afhangt van de volgorde van de rijen of van welke andere domeinen er zijn.
    Gevalideerd tegen R ``boot::boot.ci(boot(d, function(x, i) mean(x[i]), R = 20000),
    type = "bca")`` binnen 5% van de intervalbreedte (Monte-Carlo).
    ``status = "niet_te_berekenen"`` bij minder dan `min_n` deelnemers, geen variatie in het
    verschil, een ontaarde bootstrapverdeling of totaal_voor = 0 (verschil_pct); de reden
    noemt wat ontbreekt.
    """
    if n_resamples < 2000:
        raise ValueError("n_resamples moet minstens 2000 zijn.")
    nodig = {"pseudo_id", "periode", "kostendomein", "bedrag_eur"}
    if groep_kolom is not None:
        nodig.add(groep_kolom)
    ontbrekend = nodig - set(per_deelnemer.columns)
    if ontbrekend:
        raise ValueError(f"per_deelnemer mist kolommen: {sorted(ontbrekend)}")
    sleutels = ([groep_kolom] if groep_kolom else []) + ["kostendomein", "pseudo_id"]
    breed = per_deelnemer.pivot_table(
        index=sleutels, columns="periode", values="bedrag_eur", aggfunc="sum", observed=True
    )
    if per_deelnemer.duplicated([*sleutels, "periode"]).any():
        raise ValueError("per_deelnemer bevat dubbele rijen voor deelnemer × periode × domein.")
    for p in PERIODES:
        if p not in breed.columns:
            breed[p] = np.nan
    if breed[list(PERIODES)].isna().any().any():
        raise ValueError("elke deelnemer moet een rij 'voor' en 'na' hebben in elk domein.")

    aanwezig = set(per_deelnemer["kostendomein"].astype(str).unique())
    domeinen = [d for d in [*_domeinen(list(aanwezig)), TOTAAL] if d in aanwezig]
    groepen = sorted(per_deelnemer[groep_kolom].dropna().unique()) if groep_kolom else [None]

    rijen = []
    for g in groepen:
        for dom in domeinen:
            sub = breed.loc[(g, dom)] if groep_kolom else breed.loc[dom]
            sub = sub.sort_index()
            voor = sub["voor"].to_numpy(float)
            na = sub["na"].to_numpy(float)
            d = na - voor
            n = len(d)
            k_voor = np.abs(voor) >= NUL_GRENS_EUR
            k_na = np.abs(na) >= NUL_GRENS_EUR
            met = k_voor | k_na
            rij: dict[str, Any] = {} if groep_kolom is None else {groep_kolom: g}
            top_voor, top_na = _grootste_twee(voor), _grootste_twee(na)
            rij.update(
                kostendomein=dom,
                n_deelnemers=n,
                n_met_kosten_voor=int(k_voor.sum()),
                n_met_kosten_na=int(k_na.sum()),
                n_met_kosten=int(met.sum()),
                totaal_voor=float(voor.sum()),
                totaal_na=float(na.sum()),
                grootste_bijdrage_voor=top_voor[0], tweede_bijdrage_voor=top_voor[1],
                grootste_bijdrage_na=top_na[0], tweede_bijdrage_na=top_na[1],
            )
            rij["verschil"] = rij["totaal_na"] - rij["totaal_voor"]
            redenen = []
            if abs(rij["totaal_voor"]) >= NUL_GRENS_EUR:
                rij["verschil_pct"] = 100.0 * rij["verschil"] / rij["totaal_voor"]
            else:
                rij["verschil_pct"] = np.nan
                redenen.append("verschil_pct: geen kosten voor de start")
            rij.update(
                gemiddeld_voor=float(voor.mean()),
                gemiddeld_na=float(na.mean()),
                gemiddeld_verschil=float(d.mean()),
                ci95_onder=np.nan,
                ci95_boven=np.nan,
                gemiddeld_verschil_per_deelnemer_met_domein=(
                    float(d[met].mean()) if met.any() else np.nan
                ),
                mediaan_voor=float(np.median(voor)),
                mediaan_na=float(np.median(na)),
                aandeel_nul_voor=float(1 - k_voor.mean()),
                aandeel_nul_na=float(1 - k_na.mean()),
                ci_methode="BCa-bootstrap",
                n_resamples=int(n_resamples),
                seed=int(seed),
            )
            if not met.any():
                redenen.append("niemand heeft kosten in dit domein")
            if n < min_n:
                redenen.append("betrouwbaarheidsinterval: te weinig deelnemers")
            elif np.ptp(d) == 0:
                redenen.append("betrouwbaarheidsinterval: geen variatie in het verschil")
            else:
                sleutel = (dom,) if g is None else (dom, str(g))
                onder, boven = _bca_gemiddelde(d, _rng(seed, *sleutel), n_resamples)
                if np.isfinite(onder) and np.isfinite(boven):
                    rij.update(ci95_onder=onder, ci95_boven=boven)
                else:
                    redenen.append("BCa-interval niet te bepalen (ontaarde bootstrapverdeling)")
            rij["status"] = NIET_TE_BEREKENEN if redenen else OK
            rij["reden"] = "; ".join(redenen)
            rijen.append(rij)
    return pd.DataFrame(rijen)


# ---------------------------------------------------------------------------------------------
# Tweedelig model (logit × Gamma-log)
# ---------------------------------------------------------------------------------------------


def kosten_breed(
    per_deelnemer: pd.DataFrame,
    deelnemers: pd.DataFrame | None = None,
    kostendomein: str = TOTAAL,
) -> pd.DataFrame:
    """Eén rij per deelnemer met kosten voor en na (invoer voor :func:`kosten_glm`).

    Parameters
    ----------
    per_deelnemer : DataFrame
        Lange tabel van :func:`kosten_per_deelnemer`.
    deelnemers : DataFrame, optional
        Deelnemerskenmerken (covariaten) om op ``pseudo_id`` te koppelen.
    kostendomein : str
        Domein of ``"totaal"``.

    Returns
    -------
    DataFrame
        ``pseudo_id``, ``kostendomein``, ``kosten_voor``, ``kosten_na`` (``bedrag_eur``),
        ``verschil`` (na − voor), ``log1p_kosten_voor`` (ln(1 + max(kosten_voor, 0))), plus de
        kolommen van `deelnemers` (of anders de kenmerken uit `per_deelnemer`).
    """
    sub = per_deelnemer[per_deelnemer["kostendomein"] == kostendomein]
    breed = sub.pivot_table(
        index="pseudo_id", columns="periode", values="bedrag_eur", aggfunc="sum"
    ).reindex(columns=list(PERIODES))
    uit = pd.DataFrame(
        {
            "pseudo_id": breed.index.astype(str),
            "kostendomein": kostendomein,
            "kosten_voor": breed["voor"].to_numpy(float),
            "kosten_na": breed["na"].to_numpy(float),
        }
    )
    uit["verschil"] = uit["kosten_na"] - uit["kosten_voor"]
    uit["log1p_kosten_voor"] = np.log1p(uit["kosten_voor"].clip(lower=0))
    if deelnemers is not None:
        extra = deelnemers.assign(pseudo_id=deelnemers["pseudo_id"].astype(str))
        extra = extra.drop(columns=[c for c in extra.columns if c in uit.columns and
                                    c != "pseudo_id"])
        uit = uit.merge(extra, on="pseudo_id", how="left")
    else:
        kenm = [k for k in MEE_TE_NEMEN_KENMERKEN if k in sub.columns]
        if kenm:
            uit = uit.merge(sub.drop_duplicates("pseudo_id")[["pseudo_id", *kenm]],
                            on="pseudo_id", how="left")
    return uit.sort_values("pseudo_id").reset_index(drop=True)


_GLM_KOLOMMEN = [
    "deel", "term", "coef", "se", "ratio", "ci95_onder", "ci95_boven", "statistiek",
    "toets", "df", "p", "n", "dispersie", "status", "reden",
]


def _glm_deel(
    data: pd.DataFrame,
    formule: str,
    familie: sm.families.Family,
    deel: str,
    use_t: bool,
    min_n: int,
) -> list[dict[str, Any]]:
    n = len(data)
    leeg = {k: np.nan for k in _GLM_KOLOMMEN}

    def mislukt(reden: str) -> list[dict[str, Any]]:
        return [{**leeg, "deel": deel, "term": "(alle)", "n": n,
                 "status": NIET_TE_BEREKENEN, "reden": reden}]

    if n < min_n:
        return mislukt("te weinig deelnemers voor het model")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            warnings.simplefilter("error", PerfectSeparationWarning)
            warnings.simplefilter("error", RuntimeWarning)
            fit = smf.glm(formule, data, family=familie).fit(use_t=use_t, tol=1e-12,
                                                              maxiter=100)
    except (ConvergenceWarning, PerfectSeparationWarning, RuntimeWarning, ValueError,
            np.linalg.LinAlgError) as fout:
        log.info("kostenmodel %s niet te schatten: %s: %s", deel, type(fout).__name__, fout)
        return mislukt("model niet te schatten (geen convergentie, scheiding of singulier)")
    if fit.df_resid < 1:
        return mislukt("te weinig deelnemers voor het aantal covariaten")
    ci = fit.conf_int(alpha=0.05)
    rijen = []
    for term in fit.params.index:
        coef, se = float(fit.params[term]), float(fit.bse[term])
        goed = np.isfinite(se) and se > 0
        rijen.append(
            {
                "deel": deel,
                "term": term,
                "coef": coef,
                "se": se,
                "ratio": float(np.exp(coef)),
                "ci95_onder": float(np.exp(ci.loc[term, 0])),
                "ci95_boven": float(np.exp(ci.loc[term, 1])),
                "statistiek": float(fit.tvalues[term]),
                "toets": "t" if use_t else "z",
                "df": float(fit.df_resid) if use_t else np.nan,
                "p": float(fit.pvalues[term]),
                "n": n,
                "dispersie": float(fit.scale),
                "status": OK if goed else NIET_TE_BEREKENEN,
                "reden": "" if goed else "standaardfout niet te bepalen",
            }
        )
    return rijen


def kosten_glm(
    per_deelnemer_wide: pd.DataFrame,
    covariaten: Sequence[str],
    uitkomst: str = "kosten_na",
    *,
    min_n: int = 20,
) -> pd.DataFrame:
    """Tweedelig model voor de kosten na de start: kans op kosten × hoogte van positieve kosten.

    Parameters
    ----------
    per_deelnemer_wide : DataFrame
        Eén rij per deelnemer, bijv. van :func:`kosten_breed`.
    covariaten : sequence of str
        Kolomnamen; tekstkolommen worden categorisch (referentie = eerste in alfabet), bijv.
        ``["log1p_kosten_voor", "leeftijd_start", "geslacht", "ses_score"]``.
    uitkomst : str
        Kostenkolom (standaard ``kosten_na``).
    min_n : int
        Minimaal aantal deelnemers per deel van het model.

    Returns
    -------
    DataFrame
        Eén rij per deel × term:

        - ``deel``: ``"kans_op_kosten"`` (logit op kosten > 0; ratio = odds ratio) of
          ``"kosten_indien_positief"`` (Gamma-GLM, log-link, op deelnemers met kosten > 0;
          ratio = kostenratio, factor op de gemiddelde kosten)
        - ``term``: statsmodels-termnaam, bijv. ``geslacht[T.vrouw]``
        - ``coef``, ``se``: op de link-schaal
        - ``ratio``: exp(coef); ``ci95_onder``, ``ci95_boven``: 95%-interval van de ratio
        - ``statistiek``: t (Gamma) of z (logit); ``toets``; ``df`` (residuele vrijheidsgraden
          bij t)
        - ``p``
        - ``n``: aantal deelnemers in dit deel (complete cases)
        - ``dispersie``: Pearson χ²/(n − p) (Gamma) of 1 (logit)
        - ``status``, ``reden``

    Notes
    -----
    *Nullen.* Een Gamma-verdeling kent alleen positieve waarden; daarom een tweedelig model:
    deel 1 is een logistische regressie op ``uitkomst > 0`` (alle deelnemers), deel 2 een
    Gamma-GLM met log-link op de deelnemers met ``uitkomst > 0``. De verwachte kosten zijn
    P(kosten > 0) × E(kosten | kosten > 0).
    *Inferentie.* Gamma: dispersie = Pearson χ²/df_resid en t-toets met df_resid, CI =
    coef ± t(0,975; df_resid) × se — gelijk aan R ``summary(glm(family = Gamma(link =
    "log")))``. Logit: z-toets en Wald-CI (R ``confint.default``), geen profiel-likelihood.
    *Ontbrekend.* Complete cases op uitkomst en covariaten. Bij te weinig deelnemers, geen
    variatie, perfecte scheiding of geen convergentie krijgt het deel één rij met
    ``status = "niet_te_berekenen"``.
    Gevalideerd tegen R ``glm(..., family = Gamma(link = "log"))`` en ``glm(..., family =
    binomial())`` met ``control = glm.control(epsilon = 1e-12)`` (coëfficiënten, SE's, p en
    dispersie op ≥ 6 significante cijfers); R's standaard epsilon = 1e-8 stopt eerder en wijkt
    dan ~1e-5 relatief af.
    """
    kolommen = [uitkomst, *covariaten]
    ontbrekend = set(kolommen) - set(per_deelnemer_wide.columns)
    if ontbrekend:
        raise ValueError(f"per_deelnemer_wide mist kolommen: {sorted(ontbrekend)}")
    data = per_deelnemer_wide[kolommen].dropna().copy()
    sort = [c for c in ("pseudo_id",) if c in per_deelnemer_wide.columns]
    if sort:  # vaste volgorde: resultaat onafhankelijk van de rijvolgorde
        data = data.loc[per_deelnemer_wide.loc[data.index].sort_values(sort).index]
    data["_positief"] = (data[uitkomst] >= NUL_GRENS_EUR).astype(int)
    rechts = " + ".join(f"Q('{c}')" if not c.isidentifier() else c for c in covariaten) or "1"

    rijen = []
    if data["_positief"].nunique() < 2:
        rijen += [{**{k: np.nan for k in _GLM_KOLOMMEN}, "deel": "kans_op_kosten",
                   "term": "(alle)", "n": len(data), "status": NIET_TE_BEREKENEN,
                   "reden": "iedereen of niemand heeft kosten: kans niet te modelleren"}]
    else:
        rijen += _glm_deel(data, f"_positief ~ {rechts}", sm.families.Binomial(),
                           "kans_op_kosten", use_t=False, min_n=min_n)
    pos = data[data["_positief"] == 1]
    rijen += _glm_deel(pos, f"{uitkomst} ~ {rechts}",
                       sm.families.Gamma(link=sm.families.links.Log()),
                       "kosten_indien_positief", use_t=True, min_n=min_n)
    uit = pd.DataFrame(rijen, columns=_GLM_KOLOMMEN)
    uit["n"] = uit["n"].astype(int)
    return uit


# ---------------------------------------------------------------------------------------------
# Verschil-in-verschillen
# ---------------------------------------------------------------------------------------------

_DID_TERMEN = {
    "Intercept": "constante",
    "interventie": "interventie",
    "na": "na",
    "interventie:na": "interventie:na",
}


def verschil_in_verschillen(
    per_deelnemer_long: pd.DataFrame,
    groep_kolom: str = "onderzoeksgroep",
    cluster: str = "pseudo_id",
    *,
    kostendomein: str = TOTAAL,
    interventie: str = "interventie",
    vergelijking: str = "vergelijking",
    min_n_per_groep: int = 5,
) -> pd.DataFrame:
    """Verschil-in-verschillen in kosten: OLS van kosten op groep × periode.

    Parameters
    ----------
    per_deelnemer_long : DataFrame
        Lange tabel (:func:`kosten_per_deelnemer`): ``pseudo_id``, `groep_kolom`, ``periode``
        (voor/na), ``kostendomein``, ``bedrag_eur`` en de clusterkolom.
    groep_kolom : str
        Kolom met de groep; waarden `interventie` en `vergelijking`.
    cluster : str
        Kolom voor clusterrobuuste standaardfouten: ``"pseudo_id"`` (herhaalde metingen per
        deelnemer) of ``"wijk"``.
    kostendomein : str
        Domein of ``"totaal"``.
    min_n_per_groep : int
        Minimaal aantal deelnemers per groep.

    Returns
    -------
    DataFrame
        Eén rij per term:

        - ``term``: ``constante`` (vergelijking, voor), ``interventie`` (verschil tussen de
          groepen voor de start), ``na`` (verandering na − voor in de vergelijkingsgroep),
          ``interventie:na`` (verschil-in-verschillen: (na − voor)_interventie −
          (na − voor)_vergelijking)
        - ``is_did``: True voor de interactieterm
        - ``kostendomein``, ``schatting`` (€), ``se``, ``ci95_onder``, ``ci95_boven``, ``t``,
          ``df`` (= n_clusters − 1), ``p``
        - ``n_interventie``, ``n_vergelijking``: aantal deelnemers per groep
        - ``n_clusters``, ``n_waarnemingen``: aantal clusters en rijen (deelnemer × periode)
        - ``cluster``: naam van de clusterkolom
        - ``status``, ``reden``

    Notes
    -----
    Model: ``bedrag_eur ~ interventie * na`` met indicatoren interventie (groep) en na
    (periode). Covariantie: clusterrobuust (statsmodels ``cov_type="cluster"``, standaard
    ``use_correction=True``): factor G/(G − 1) × (N − 1)/(N − K), gelijk aan
    ``sandwich::vcovCL(fit, cluster = ~id)`` met zijn standaard ``type = "HC1"`` en
    ``cadjust = TRUE``. Toetsing met een t-verdeling met G − 1 vrijheidsgraden (conservatief
    bij weinig clusters, zoals Stata); in R: ``lmtest::coeftest(fit, vcov. = V, df = G - 1)``.
    Let op: coeftest gebruikt zonder ``df`` N − K vrijheidsgraden.
    Gevalideerd tegen R (lm + vcovCL + coeftest) op ≥ 6 significante cijfers, geclusterd op
    pseudo_id en op wijk. Rijen met ontbrekend bedrag of cluster vallen weg (complete cases).
    """
    nodig = {"pseudo_id", groep_kolom, "periode", "kostendomein", "bedrag_eur", cluster}
    ontbrekend = nodig - set(per_deelnemer_long.columns)
    if ontbrekend:
        raise ValueError(f"per_deelnemer_long mist kolommen: {sorted(ontbrekend)}")
    data = per_deelnemer_long[per_deelnemer_long["kostendomein"] == kostendomein]
    data = data[data[groep_kolom].isin([interventie, vergelijking])]
    data = data[data["periode"].isin(PERIODES)]
    data = data.dropna(subset=["bedrag_eur", cluster])
    data = data.sort_values(["pseudo_id", "periode"]).reset_index(drop=True)
    df = pd.DataFrame(
        {
            "bedrag_eur": data["bedrag_eur"].astype(float),
            "interventie": (data[groep_kolom] == interventie).astype(int),
            "na": (data["periode"] == "na").astype(int),
        }
    )
    n_i = int(data.loc[df["interventie"] == 1, "pseudo_id"].nunique())
    n_v = int(data.loc[df["interventie"] == 0, "pseudo_id"].nunique())
    groepen = pd.factorize(data[cluster].astype(str), sort=True)[0]
    g = int(len(np.unique(groepen)))
    basis = {
        "kostendomein": kostendomein,
        "n_interventie": n_i,
        "n_vergelijking": n_v,
        "n_clusters": g,
        "n_waarnemingen": len(df),
        "cluster": cluster,
    }
    kolommen = ["term", "is_did", "kostendomein", "schatting", "se", "ci95_onder",
                "ci95_boven", "t", "df", "p", "n_interventie", "n_vergelijking", "n_clusters",
                "n_waarnemingen", "cluster", "status", "reden"]

    def mislukt(reden: str) -> pd.DataFrame:
        rijen = [{**basis, "term": t, "is_did": t == "interventie:na", "schatting": np.nan,
                  "se": np.nan, "ci95_onder": np.nan, "ci95_boven": np.nan, "t": np.nan,
                  "df": np.nan, "p": np.nan, "status": NIET_TE_BEREKENEN, "reden": reden}
                 for t in _DID_TERMEN.values()]
        return pd.DataFrame(rijen, columns=kolommen)

    if min(n_i, n_v) < min_n_per_groep:
        return mislukt("te weinig deelnemers in een groep")
    if df.groupby(["interventie", "na"]).size().shape[0] < 4:
        return mislukt("niet elke combinatie van groep en periode heeft waarnemingen")
    if g < 2:
        return mislukt("minder dan 2 clusters")
    if df["bedrag_eur"].nunique() < 2:
        return mislukt("geen variatie in de kosten")
    fit = smf.ols("bedrag_eur ~ interventie * na", df).fit(
        cov_type="cluster", cov_kwds={"groups": groepen, "use_correction": True}, use_t=True
    )
    ci = fit.conf_int(alpha=0.05)
    rijen = []
    for term, naam in _DID_TERMEN.items():
        se = float(fit.bse[term])
        goed = np.isfinite(se) and se > 0
        rijen.append(
            {
                **basis,
                "term": naam,
                "is_did": naam == "interventie:na",
                "schatting": float(fit.params[term]),
                "se": se,
                "ci95_onder": float(ci.loc[term, 0]),
                "ci95_boven": float(ci.loc[term, 1]),
                "t": float(fit.tvalues[term]),
                "df": float(fit.df_resid_inference),
                "p": float(fit.pvalues[term]),
                "status": OK if goed else NIET_TE_BEREKENEN,
                "reden": "" if goed else "standaardfout niet te bepalen",
            }
        )
    return pd.DataFrame(rijen, columns=kolommen)


# ---------------------------------------------------------------------------------------------
# Maatschappelijke businesscase
# ---------------------------------------------------------------------------------------------

_MBC_KOLOMMEN = ["soort", "onderdeel", "omschrijving", "waarde", "eenheid", "bron", "n",
                 "status", "reden"]


def _getal(waarde: Any, naam: str) -> float:
    try:
        x = float(waarde)
    except (TypeError, ValueError) as fout:
        raise ValueError(f"{naam} moet een getal zijn, niet {waarde!r}.") from fout
    if not np.isfinite(x) or x < 0:
        raise ValueError(f"{naam} moet een eindig, niet-negatief getal zijn, niet {waarde!r}.")
    return x


def businesscase(
    n_deelnemers: int,
    interventiekosten: Mapping[str, Any],
    vermeden_zorg: Sequence[Mapping[str, Any]],
    gemeten_besparing: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Maatschappelijke businesscase: interventiekosten tegenover vermeden zorgkosten.

    Parameters
    ----------
    n_deelnemers : int
        Aantal deelnemers.
    interventiekosten : mapping
        ``{"per_deelnemer": x}`` of ``{"uren": h, "weken": w, "tarief": r}`` met h = uren per
        week per deelnemer, w = aantal weken, r = uurtarief (€); optioneel ``"bron"``.
    vermeden_zorg : sequence of mapping
        Per post: ``"omschrijving"``, ``"aantal_per_deelnemer"`` of ``"aantal_totaal"``
        (vermeden eenheden), ``"eenheidsprijs"`` (€) en ``"bron"``.
    gemeten_besparing : mapping, optional
        Een gemeten besparing per deelnemer, bijv. uit :func:`kostentabel`:
        ``{"per_deelnemer": −gemiddeld_verschil, "bron": ..., "ci95_onder": ...,
        "ci95_boven": ...}``. Besparing = voor − na (positief is een besparing).

    Returns
    -------
    DataFrame
        Eerst de aannames (``soort = "aanname"``), dan de resultaten
        (``soort = "resultaat"``), met kolommen

        - ``soort``, ``onderdeel`` (vaste sleutel), ``omschrijving`` (tekst)
        - ``waarde``, ``eenheid`` (``"deelnemers"``, ``"uur"``, ``"eur"``, ``"eur per eur"``,
          ...), ``bron``
        - ``n``: aantal deelnemers waarop de rij is gebaseerd
        - ``status``, ``reden``

        Resultaten: ``interventiekosten_per_deelnemer``, ``interventiekosten_totaal``,
        ``besparing_<i>_per_deelnemer`` per post, ``bruto_besparing_per_deelnemer``,
        ``bruto_besparing_totaal``, ``netto_besparing_per_deelnemer``,
        ``netto_besparing_totaal``, ``besparing_per_geinvesteerde_euro``; met
        `gemeten_besparing` ook ``gemeten_besparing_totaal``,
        ``netto_gemeten_besparing_per_deelnemer``, ``netto_gemeten_besparing_totaal`` en
        ``gemeten_besparing_per_geinvesteerde_euro``.

    Notes
    -----
    interventiekosten per deelnemer = x, of h × w × r; totaal = per deelnemer × n.
    Per post: aantal per deelnemer = aantal_per_deelnemer, of aantal_totaal / n; besparing per
    deelnemer = aantal per deelnemer × eenheidsprijs. Bruto besparing = som over de posten;
    netto = bruto − interventiekosten; besparing per geïnvesteerde euro = bruto /
    interventiekosten (niet te berekenen als de interventiekosten 0 zijn). Elke aanname is een
    eigen rij met bron, zodat de berekening in het rapport na te rekenen is.
    """
    n = int(n_deelnemers)
    if n <= 0:
        raise ValueError("n_deelnemers moet positief zijn.")
    rijen: list[dict[str, Any]] = []

    def rij(soort: str, onderdeel: str, omschrijving: str, waarde: float, eenheid: str,
            bron: str = "", status: str = OK, reden: str = "") -> None:
        rijen.append({"soort": soort, "onderdeel": onderdeel, "omschrijving": omschrijving,
                      "waarde": waarde, "eenheid": eenheid, "bron": bron, "n": n,
                      "status": status, "reden": reden})

    rij("aanname", "n_deelnemers", "aantal deelnemers", float(n), "deelnemers")
    bron_ik = str(interventiekosten.get("bron", ""))
    if "per_deelnemer" in interventiekosten:
        ik = _getal(interventiekosten["per_deelnemer"], "interventiekosten per_deelnemer")
        rij("aanname", "interventiekosten_per_deelnemer_invoer",
            "interventiekosten per deelnemer", ik, "eur", bron_ik)
    elif {"uren", "weken", "tarief"} <= set(interventiekosten):
        uren = _getal(interventiekosten["uren"], "uren")
        weken = _getal(interventiekosten["weken"], "weken")
        tarief = _getal(interventiekosten["tarief"], "tarief")
        rij("aanname", "uren_per_week", "uren begeleiding per deelnemer per week", uren, "uur",
            bron_ik)
        rij("aanname", "weken", "duur van de interventie", weken, "weken", bron_ik)
        rij("aanname", "uurtarief", "uurtarief begeleiding", tarief, "eur per uur", bron_ik)
        ik = uren * weken * tarief
    else:
        raise ValueError(
            "interventiekosten: geef 'per_deelnemer' of 'uren', 'weken' en 'tarief' op."
        )

    posten = []
    for i, post in enumerate(vermeden_zorg, start=1):
        oms = str(post.get("omschrijving", f"post {i}"))
        bron = str(post.get("bron", ""))
        prijs = _getal(post.get("eenheidsprijs"), f"eenheidsprijs van {oms!r}")
        if "aantal_per_deelnemer" in post:
            aantal = _getal(post["aantal_per_deelnemer"], f"aantal_per_deelnemer van {oms!r}")
            rij("aanname", f"vermeden_aantal_per_deelnemer_{i}",
                f"vermeden per deelnemer: {oms}", aantal, "aantal", bron)
        elif "aantal_totaal" in post:
            totaal = _getal(post["aantal_totaal"], f"aantal_totaal van {oms!r}")
            rij("aanname", f"vermeden_aantal_totaal_{i}", f"vermeden in totaal: {oms}",
                totaal, "aantal", bron)
            aantal = totaal / n
        else:
            raise ValueError(f"vermeden_zorg {oms!r}: geef aantal_per_deelnemer of aantal_totaal.")
        rij("aanname", f"eenheidsprijs_{i}", f"eenheidsprijs: {oms}", prijs, "eur", bron)
        posten.append((i, oms, aantal * prijs))

    if gemeten_besparing is not None:
        gemeten = float(gemeten_besparing["per_deelnemer"])
        rij("aanname", "gemeten_besparing_per_deelnemer",
            "gemeten besparing per deelnemer (hoe gemeten: zie bron)", gemeten, "eur",
            str(gemeten_besparing.get("bron", "")))
        for grens in ("ci95_onder", "ci95_boven"):
            if grens in gemeten_besparing:
                rij("aanname", f"gemeten_besparing_{grens}",
                    "gemeten besparing per deelnemer, "
                    + ("ondergrens" if grens.endswith("onder") else "bovengrens") + " 95%-BI",
                    float(gemeten_besparing[grens]), "eur",
                    str(gemeten_besparing.get("bron", "")))

    rij("resultaat", "interventiekosten_per_deelnemer", "interventiekosten per deelnemer", ik,
        "eur")
    rij("resultaat", "interventiekosten_totaal", "interventiekosten totaal", ik * n, "eur")
    for i, oms, bedrag in posten:
        rij("resultaat", f"besparing_{i}_per_deelnemer", f"besparing per deelnemer: {oms}",
            bedrag, "eur")
    bruto = float(sum(b for _, _, b in posten))
    rij("resultaat", "bruto_besparing_per_deelnemer", "bruto besparing per deelnemer", bruto,
        "eur")
    rij("resultaat", "bruto_besparing_totaal", "bruto besparing totaal", bruto * n, "eur")
    rij("resultaat", "netto_besparing_per_deelnemer",
        "netto besparing per deelnemer (bruto − interventiekosten)", bruto - ik, "eur")
    rij("resultaat", "netto_besparing_totaal", "netto besparing totaal", (bruto - ik) * n, "eur")

    def ratio(onderdeel: str, omschrijving: str, teller: float) -> None:
        if ik > 0:
            rij("resultaat", onderdeel, omschrijving, teller / ik, "eur per eur")
        else:
            rij("resultaat", onderdeel, omschrijving, np.nan, "eur per eur",
                status=NIET_TE_BEREKENEN, reden="interventiekosten zijn 0")

    ratio("besparing_per_geinvesteerde_euro", "bruto besparing per geïnvesteerde euro", bruto)
    if gemeten_besparing is not None:
        rij("resultaat", "gemeten_besparing_totaal", "gemeten besparing totaal", gemeten * n,
            "eur")
        rij("resultaat", "netto_gemeten_besparing_per_deelnemer",
            "netto gemeten besparing per deelnemer", gemeten - ik, "eur")
        rij("resultaat", "netto_gemeten_besparing_totaal", "netto gemeten besparing totaal",
            (gemeten - ik) * n, "eur")
        ratio("gemeten_besparing_per_geinvesteerde_euro",
              "gemeten besparing per geïnvesteerde euro", gemeten)
    return pd.DataFrame(rijen, columns=_MBC_KOLOMMEN)
