"""Quintuple aim: de indicatoren van het register voor één interventie, en voor de regio.

Instellingen: configuratiesectie ``quintuple`` (``workflow/schemas/onderdelen/quintuple.yaml``)
en, voor de zorgkosten, de sectie ``kosten``. De berekening staat in :mod:`evaluatie.quintuple`.
Schattingen die een andere analyse al maakte (de verandering bij completers uit ``voor_na``,
de kostenverandering en het verschil-in-verschillen uit ``kosten``) worden overgenomen, niet
opnieuw berekend. De regiorijen (samengevoegde interventiegroepen) maakt de regel
``regio_indicatoren`` (``workflow/rules/regio.smk``) met :func:`schrijf_regiotabel`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from evaluatie import quintuple
from evaluatie.analyses import REGIO_SCOPE, Context
from evaluatie.analyses import kosten as kosten_analyse
from evaluatie.analyses.uitval import GESTART, UITGEVALLEN
from evaluatie.contract import Som, Tabel, aantal, code, instelling, sleutel, statistiek, tekst

TITEL = "Quintuple aim"
GEBRUIKT = ["voor_na", "kosten"]

_SES = ("ses_laag", "ses_midden", "ses_hoog")
_BASIS_EXTRA = ("quintuple/{indicator}/ses_laag", "quintuple/{indicator}/ses_hoog",
                "quintuple/{indicator}/ses_laag/teller", "quintuple/{indicator}/ses_hoog/teller")


def _indicatortabel(omschrijving: str, absoluut: bool) -> Tabel:
    """The indicator table; ``absoluut``: quantities named by the row's ``interventie``
    (the region table, which repeats every interventie's rows next to the region's)."""
    p = "/{interventie}/" if absoluut else ""
    g = {
        "n": f"{p}quintuple/{{indicator}}/{{groep}}",
        "n_paren": f"{p}paren/{{uitkomst}}/{{pre}}/{{post}}",
        "n_deelnemers": f"{p}kosten/dln/interventie",
        "n_vergelijking": f"{p}kosten/dln/vergelijking",
        "n_teller": f"{p}quintuple/{{indicator}}/{{groep}}/teller",
    }
    basis = ("n", "n_paren", "n_deelnemers", "n_vergelijking", "n_teller",
             *(f"{p}{b}" for b in _BASIS_EXTRA))
    relaties = [
        # a gap laag − hoog rests on both groups: its n is their sum
        Som("n", f"{p}quintuple/{{indicator}}/kloof_laag_hoog", per=("interventie", "indicator"),
            waar={"groep": ("ses_laag", "ses_hoog")}),
        # SES groups of the started participants and of the dropouts (unknown SES: the rest)
        Som("n", f"{p}{GESTART}", per=("interventie",), waar={"indicator": ("uitval_ses",), "groep": _SES},
            rest=f"{p}quintuple/gestart_zonder_ses"),
        Som("n_teller", f"{p}{UITGEVALLEN}", per=("interventie",),
            waar={"indicator": ("uitval_ses",), "groep": _SES}, rest=f"{p}quintuple/uitval_zonder_ses"),
        # completers per SES group of a health indicator, within the completers of its outcome
        Som("n", f"{p}paren/{{uitkomst}}/{{pre}}/{{post}}", per=("interventie", "indicator", "uitkomst",
                                                                "pre", "post"),
            waar={"indicator": ("pg_verandering_ses", "bmi_z_verandering_ses"), "groep": _SES},
            rest=f"{p}quintuple/{{indicator}}/paren_zonder_ses"),
    ]
    if absoluut:  # region rows are the interventies pooled (professionals may overlap)
        for k in ("n", "n_paren", "n_deelnemers", "n_teller"):
            per = ("indicator", "groep", "uitkomst", "pre", "post")
            regio = g[k].replace("{interventie}", REGIO_SCOPE)
            relaties.append(Som(k, regio, per=per, waar={"!interventie": (REGIO_SCOPE,),
                                                         "!indicator": ("kosten_did",)},
                                rest=f"/regio/overlap/{k}/{{indicator}}/{{groep}}", rest_bij="geheel"))
    return Tabel(
        omschrijving,
        [
            sleutel("interventie", "Code van de interventie, of regio"), sleutel("indicator"),
            sleutel("doel_nr", dtype="Int64"), sleutel("doel"), sleutel("naam"),
            sleutel("groep", "alle, ses_laag, ses_midden, ses_hoog of kloof_laag_hoog"),
            sleutel("uitkomst"), sleutel("pre"), sleutel("post"),
            sleutel("jaar", "Uitvraagjaar (werkplezier)", dtype="Int64"),
            # a mean or share with its interval but no SD, df or p: does not give n away
            statistiek("waarde", onthult=False), statistiek("ci95_onder", onthult=False),
            statistiek("ci95_boven", onthult=False),
            aantal("n", "Personen waarop de waarde rust", grootheid=g["n"]),
            aantal("n_paren", "Completers (gezondheid)", grootheid=g["n_paren"], gewicht=20),
            aantal("n_deelnemers", "Deelnemers met kostengegevens", grootheid=g["n_deelnemers"],
                   gewicht=20),
            aantal("n_vergelijking", "Vergelijkingsgroep (kosten)", grootheid=g["n_vergelijking"],
                   gewicht=20),
            aantal("n_teller", "Uitvallers (uitval naar SES); deelnemers uit wijken met lage SES "
                   "(bereik)", grootheid=g["n_teller"]),
            sleutel("eenheid"), sleutel("richting", "hoger_beter of lager_beter"),
            instelling("decimalen", dtype="Int64"), instelling("streefwaarde"),
            code("stoplicht", woorden=("groen", "oranje", "rood", "")),
            code("status", woorden=("ok", "niet_te_berekenen")), tekst("reden"),
        ],
        basis=basis,
        relaties=relaties,
    )


TABELLEN = {
    "indicatoren": _indicatortabel(
        "Eén rij per indicator × groep (alle, SES-groepen, kloof laag − hoog): waarde, 95%-interval, "
        "het aantal personen waarop hij rust, eenheid, richting, streefwaarde en stoplicht "
        "(evaluatie.quintuple.bereken_indicatoren; register data_dictionary/indicatoren.yaml).",
        absoluut=False),
    "register": Tabel(
        "Het indicatorregister: id, doel, naam, definitie, bron, richting, eenheid.",
        [sleutel("indicator"), sleutel("doel_nr", dtype="Int64"), sleutel("doel"), sleutel("naam"),
         sleutel("definitie"), sleutel("bron"), sleutel("richting"), sleutel("eenheid")],
    ),
}

#: The region's table (scope ``regio``): every interventie's rows plus the pooled region rows.
REGIO_TABELLEN = {
    "indicatoren": _indicatortabel(
        "De indicatoren van alle interventies plus de regio als geheel (interventie = regio: de "
        "interventiegroepen samengevoegd).", absoluut=True),
}


def meetmomenten(config: dict[str, Any]) -> tuple[str, str]:
    """Voor- en nameting voor de verandering in gezondheid."""
    mm = list(config["meetmomenten"])
    post = (config.get("quintuple") or {}).get("nameting") or mm[-1]
    return mm[0], post


def bereken(config: dict[str, Any], eenheid: str, tabellen: dict[str, pd.DataFrame | None],
            deelnemers_alle: pd.DataFrame, overgenomen: dict[str, Any] | None = None) -> pd.DataFrame:
    """Indicatoren voor een interventie of de regio uit de rijniveau-tabellen en de config."""
    k = kosten_analyse.instellingen(config)
    index, basisjaar = kosten_analyse.prijsindex(k, config)
    pre, post = meetmomenten(config)
    return quintuple.bereken_indicatoren(
        eenheid, deelnemers_alle, tabellen.get("metingen"), tabellen.get("ervaringen"),
        tabellen.get("professionals"), tabellen.get("wijken"), tabellen.get("zorgkosten"),
        pre=pre, post=post, kosten_instellingen=k, peildatum=config["peildatum"],
        jaar=config.get("jaar"), streefwaarden=(config.get("quintuple") or {}).get("streefwaarden"),
        prijsindex=index, basisjaar=basisjaar, min_n=int(config["disclosure"]["min_n"]),
        overgenomen=overgenomen)


def register_tabel() -> pd.DataFrame:
    return pd.DataFrame([
        {"indicator": i.id, "doel_nr": i.doel_nr, "doel": i.doel, "naam": i.naam,
         "definitie": i.definitie, "bron": i.bron, "richting": i.richting, "eenheid": i.eenheid}
        for i in quintuple.register().values()
    ])


def _overgenomen(ctx: Context) -> dict[str, Any]:
    """The estimates of voor_na and kosten that the indicators repeat."""
    uit: dict[str, Any] = {}
    pre, post = meetmomenten(ctx.config)
    gepaard = ctx.resultaat("voor_na", "gepaard")
    if gepaard is not None:
        for u in ("bmi_z", "pg_totaal"):
            r = gepaard[(gepaard["uitkomst"] == u) & (gepaard["pre"] == pre) & (gepaard["post"] == post)]
            if len(r):
                uit[u] = r.iloc[0][["verschil", "ci95_onder", "ci95_boven", "n_paren"]].to_dict()
    kt = ctx.resultaat("kosten", "kostentabel")
    if kt is not None and len(kt):
        r = kt[(kt["onderzoeksgroep"] == "interventie") & (kt["kostendomein"] == "totaal")]
        if len(r):
            uit["kostentabel"] = r.iloc[0].to_dict()
        did = ctx.resultaat("kosten", "verschil_in_verschillen")
        r = did[(did["kostendomein"] == "totaal") & did["is_did"].fillna(False).astype(bool)] \
            if did is not None and len(did) else []
        uit["did"] = r.iloc[0].to_dict() if len(r) else None
    return uit


def analyseer(ctx: Context) -> dict[str, pd.DataFrame]:
    tabellen = {t: ctx.tabel(t, ook_vergelijking=(t == "zorgkosten"))
                for t in ("metingen", "ervaringen", "professionals", "wijken", "zorgkosten")}
    ind = bereken(ctx.config, ctx.interventie, tabellen, ctx.deelnemers_alle, _overgenomen(ctx))
    ctx.vastleggen("quintuple", nameting=meetmomenten(ctx.config)[1])
    return {"indicatoren": ind, "register": register_tabel()}


def schrijf_regiotabel(config: dict[str, Any], analyse_map: str | Path,
                       interventie_mappen: list[str | Path], uit: str | Path) -> pd.DataFrame:
    """Write the region's indicator table to the internal results (scope ``regio``).

    ``interventie_mappen`` are the interventies' internal ``quintuple`` directories; the
    region rows are computed on the pooled interventie groups of all interventies. The
    disclosure engine protects the table together with everything else (``vrijgave``).
    ``uit`` is the directory ``intern/resultaten/regio/quintuple``.
    """
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
    per = [pd.read_parquet(Path(m) / "indicatoren.parquet") for m in interventie_mappen]
    tabel = quintuple.regiotabel(per, regio)
    uit = Path(uit)
    uit.mkdir(parents=True, exist_ok=True)
    tabel.to_parquet(uit / "indicatoren.parquet", index=False)
    (uit / "_analyse.json").write_text(json.dumps(
        {"analyse": "quintuple", "titel": TITEL, "tabellen": ["indicatoren"], "herkomst": []},
        indent=2, ensure_ascii=False), encoding="utf-8")
    return tabel
