"""Quintuple aim: de indicatoren van het register voor één interventie.

Instellingen: configuratiesectie ``quintuple`` (``workflow/schemas/onderdelen/quintuple.yaml``)
en, voor de zorgkosten, de sectie ``kosten``. De berekening staat in :mod:`evaluatie.quintuple`;
de regiorijen maakt de regel ``regio_indicatoren`` (``workflow/rules/regio.smk``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from evaluatie import quintuple
from evaluatie.analyses import Context
from evaluatie.analyses import kosten as kosten_analyse

TITEL = "Quintuple aim"
TABELLEN = {
    "indicatoren": "Eén rij per indicator × groep (alle, SES-groepen, kloof laag − hoog): waarde, "
                   "95%-interval, n, eenheid, richting, streefwaarde en stoplicht "
                   "(evaluatie.quintuple.bereken_indicatoren; register data_dictionary/indicatoren.yaml).",
    "register": "Het indicatorregister: id, doel, naam, definitie, bron, richting, eenheid.",
}


def meetmomenten(config: dict[str, Any]) -> tuple[str, str]:
    """Voor- en nameting voor de verandering in gezondheid."""
    mm = list(config["meetmomenten"])
    post = (config.get("quintuple") or {}).get("nameting") or mm[-1]
    return mm[0], post


def bereken(config: dict[str, Any], eenheid: str, tabellen: dict[str, pd.DataFrame | None],
            deelnemers_alle: pd.DataFrame) -> pd.DataFrame:
    """Indicatoren voor een interventie of de regio uit de rijniveau-tabellen en de config."""
    k = kosten_analyse.instellingen(config)
    index, basisjaar = kosten_analyse.prijsindex(k)
    pre, post = meetmomenten(config)
    return quintuple.bereken_indicatoren(
        eenheid, deelnemers_alle, tabellen.get("metingen"), tabellen.get("ervaringen"),
        tabellen.get("professionals"), tabellen.get("wijken"), tabellen.get("zorgkosten"),
        pre=pre, post=post, kosten_instellingen=k, peildatum=config["peildatum"],
        jaar=config.get("jaar"), streefwaarden=(config.get("quintuple") or {}).get("streefwaarden"),
        prijsindex=index, basisjaar=basisjaar, min_n=int(config["disclosure"]["min_n"]))


def register_tabel() -> pd.DataFrame:
    return pd.DataFrame([
        {"indicator": i.id, "doel_nr": i.doel_nr, "doel": i.doel, "naam": i.naam,
         "definitie": i.definitie, "bron": i.bron, "richting": i.richting, "eenheid": i.eenheid}
        for i in quintuple.register().values()
    ])


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    tabellen = {t: ctx.tabel(t, ook_vergelijking=(t == "zorgkosten"))
                for t in ("metingen", "ervaringen", "professionals", "wijken", "zorgkosten")}
    ind = bereken(ctx.config, ctx.interventie, tabellen, ctx.deelnemers_alle)
    return {"indicatoren": quintuple.secundair_onderdrukken(ind, ctx.min_n),
            "register": register_tabel()}


def schrijf_regiotabel(config: dict[str, Any], analyse_map: str | Path,
                       interventie_mappen: list[str | Path], uit: str | Path) -> pd.DataFrame:
    """Schrijf ``publiceerbaar/indicatoren.csv``: de indicatoren van alle interventies (uit hun
    publiceerbare tabellen) plus de rijen ``interventie = "regio"``, berekend op de gepoolde
    interventiegroepen van alle interventies (zie :func:`evaluatie.quintuple.regiotabel`)."""
    analyse_map = Path(analyse_map)

    def lees(naam: str) -> pd.DataFrame | None:
        pad = analyse_map / f"{naam}.parquet"
        return pd.read_parquet(pad) if pad.exists() else None

    codes = list(config["interventies"])
    dln = lees("deelnemers")
    dln = dln[dln["interventie"].isin(codes)].reset_index(drop=True)
    tabellen = {t: lees(t) for t in ("metingen", "ervaringen", "wijken", "zorgkosten")}
    prof = lees("professionals")
    tabellen["professionals"] = None if prof is None else prof[prof["interventie"].isin(codes)]
    regio = bereken(config, quintuple.REGIO, tabellen, dln)
    per = [pd.read_csv(Path(m) / "indicatoren.csv") for m in interventie_mappen]
    tabel = quintuple.regiotabel(per, regio, int(config["disclosure"]["min_n"]))
    Path(uit).parent.mkdir(parents=True, exist_ok=True)
    tabel.to_csv(uit, index=False)
    return tabel
