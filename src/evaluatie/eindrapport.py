"""The annual eindrapport of a region: all interventies side by side.

Everything here reads the release only (``publiceerbaar/<interventie>/`` and
``publiceerbaar/regio/``, and the same directories of last year's run), by declared table
name, and returns tidy tables or a matplotlib figure that ``reports/eindrapport.qmd`` lays
out. Headline estimates and verdicts come from each interventie's findings table, so the
eindrapport states the very numbers of the interventie reports; a suppressed number
stays suppressed.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluatie.rapport import Resultaten, is_leeg
from evaluatie.samenvatting import primaire_bevinding, uitval_totaal

__all__ = ["AIMS", "figuur_forest", "lees_interventies", "overzicht", "primaire_effecten",
           "quintuple_matrix", "vergelijk_met_vorig_jaar"]

#: The five aims, in the order of the indicator register (doel_nr 1..5), with the short
#: column heading the matrix uses.
AIMS = ["Gezondheid van de populatie", "Ervaring van de deelnemer", "Zorgkosten per deelnemer",
        "Werkplezier van professionals", "Gezondheidsgelijkheid"]
AIMS_KORT = ["Gezondheid", "Ervaring", "Kosten", "Werkplezier", "Gelijkheid"]


def vrijgave_map(pad: str | Path) -> Path:
    """The release directory: ``pad`` itself, or ``pad/publiceerbaar`` for a region's results."""
    pad = Path(pad)
    return pad / "publiceerbaar" if (pad / "publiceerbaar").is_dir() else pad


def lees_interventies(vrijgave: str | Path, interventies: list[str] | None = None) -> list[Resultaten]:
    """The interventies of a release that have results, in ``interventies`` order (default:
    every directory with an ``interventie.json``)."""
    vrijgave = vrijgave_map(vrijgave)
    if interventies is None:
        interventies = sorted(p.parent.name for p in vrijgave.glob("*/interventie.json"))
    return [Resultaten(vrijgave / i, vrijgave / "regio") for i in interventies
            if (vrijgave / i / "interventie.json").exists()]


def _stap(R: Resultaten, stap: str) -> float:
    s = R.tabel("uitval", "stroom")
    r = s[(s["soort"] == "stap") & (s["stap"] == stap)] if len(s) else s
    return float(r["n"].iloc[0]) if len(r) and not is_leeg(r["n"].iloc[0]) else np.nan


def _kosten(R: Resultaten) -> dict[str, Any]:
    b = R.bevindingen()
    r = b[b["rol"] == "kosten"] if len(b) else b
    if not len(r):
        return {"kosten_schatting": np.nan, "kosten_ci95_onder": np.nan, "kosten_ci95_boven": np.nan,
                "kosten_schatter": "", "kosten_oordeel": ""}
    r = r.iloc[0]
    return {"kosten_schatting": r["schatting"], "kosten_ci95_onder": r["ci95_onder"],
            "kosten_ci95_boven": r["ci95_boven"], "kosten_schatter": r["schatter"],
            "kosten_oordeel": r["oordeel"] if not is_leeg(r["oordeel"]) else ""}


def overzicht(bronnen: list[Resultaten]) -> pd.DataFrame:
    """One row per interventie with its headline numbers (missing where not released).

    Columns: ``interventie``, ``naam``, ``doelgroep``, ``n_aangemeld``, ``n_gestart``,
    ``uitval_pct`` (+ ``uitval_ci95_onder/boven``), ``primaire_uitkomst`` (code),
    ``primair_titel``, ``schatter``, ``pre``, ``post``, ``schatting``, ``ci95_onder``,
    ``ci95_boven``, ``p_gecorrigeerd``, ``oordeel`` (from the findings table), and the
    headline cost estimate ``kosten_schatting`` (+ CI, ``kosten_schatter``, ``kosten_oordeel``).
    """
    rijen = []
    for R in bronnen:
        u = uitval_totaal(R)
        p = primaire_bevinding(R)
        rij: dict[str, Any] = {
            "interventie": R.meta["interventie"], "naam": R.meta["naam"], "doelgroep": R.meta["doelgroep"],
            "n_aangemeld": _stap(R, "aangemeld"), "n_gestart": _stap(R, "gestart"),
            "uitval_pct": u["percentage"] if u is not None else np.nan,
            "uitval_ci95_onder": u["ci95_onder"] if u is not None else np.nan,
            "uitval_ci95_boven": u["ci95_boven"] if u is not None else np.nan,
            "primaire_uitkomst": p["uitkomst"] if p is not None else "",
            "primair_titel": R.uitkomst_titel(p["uitkomst"]) if p is not None else "",
        }
        for k in ("schatter", "pre", "post", "schatting", "ci95_onder", "ci95_boven", "p_gecorrigeerd",
                  "oordeel"):
            rij[k] = p[k] if p is not None else (np.nan if k not in ("schatter", "pre", "post", "oordeel")
                                                 else "")
        rij.update(_kosten(R))
        rijen.append(rij)
    return pd.DataFrame(rijen)


def primaire_effecten(bronnen: list[Resultaten]) -> pd.DataFrame:
    """Standardised change of each interventie's primary outcome, oriented so that > 0 is better.

    Outcomes differ between interventies, so the forest plot compares Hedges' g_z of the
    completers (``voor_na/gepaard``) over the findings' window, a within-person
    standardised change, not the raw estimates. Columns: ``naam``, ``uitkomst``, ``titel``,
    ``pre``, ``post``, ``n_paren``, ``effect``, ``ci95_onder``, ``ci95_boven``, ``maat``;
    interventies without a released value are left out.
    """
    rijen = []
    for R in bronnen:
        p = primaire_bevinding(R)
        if p is None:
            continue
        g = R.tabel("voor_na", "gepaard")
        g = g[(g["uitkomst"] == p["uitkomst"]) & (g["pre"] == p["pre"]) & (g["post"] == p["post"])]
        if not len(g) or is_leeg(g.iloc[0]["hedges_gz"]):
            continue
        g = g.iloc[0]
        teken = 1.0 if bool(p["hoger_is_beter"]) else -1.0
        grenzen = sorted([teken * float(g["gz_ci95_onder"]), teken * float(g["gz_ci95_boven"])])
        rijen.append({"naam": R.meta["naam"], "uitkomst": p["uitkomst"],
                      "titel": R.uitkomst_titel(p["uitkomst"]),
                      "pre": p["pre"], "post": p["post"], "n_paren": g["n_paren"],
                      "effect": teken * float(g["hedges_gz"]), "ci95_onder": grenzen[0],
                      "ci95_boven": grenzen[1], "maat": "Hedges' g_z"})
    return pd.DataFrame(rijen, columns=["naam", "uitkomst", "titel", "pre", "post", "n_paren", "effect",
                                        "ci95_onder", "ci95_boven", "maat"])


def figuur_forest(effecten: pd.DataFrame):
    """Forest plot of :func:`primaire_effecten`: one row per interventie, 95% CI, 0 line."""
    from matplotlib.figure import Figure

    from evaluatie.rapport import geheel, getal

    k = len(effecten)
    fig = Figure(figsize=(7.2, 1.3 + 0.75 * max(k, 1)))
    ax = fig.add_subplot()
    y = np.arange(k)[::-1]
    for yi, (_, r) in zip(y, effecten.iterrows(), strict=True):
        ax.plot([r["ci95_onder"], r["ci95_boven"]], [yi, yi], color="#005a8c", lw=2)
        ax.plot(r["effect"], yi, "s", color="#005a8c", markersize=7)
        tekst = f"{getal(r['effect'], 2)} [{getal(r['ci95_onder'], 2)}; {getal(r['ci95_boven'], 2)}]"
        ax.text(1.03, yi, tekst, transform=ax.get_yaxis_transform(), va="center", fontsize=10)
    ax.axvline(0, color="#57606a", lw=1, ls="--")
    ax.set_yticks(y)
    ax.set_yticklabels([textwrap.fill(r["naam"], 30) + "\n" + textwrap.fill(
        f"{r['titel']}, {r['pre']}–{r['post']}, n = {geheel(r['n_paren'])}", 34)
        for _, r in effecten.iterrows()], fontsize=10)
    maat = effecten["maat"].iloc[0] if k else "gestandaardiseerde verandering"
    ax.set_xlabel(f"Gestandaardiseerde verandering ({maat}) met 95%-BI\n← verslechtering · verbetering →",
                  fontsize=10)
    ax.set_ylim(-0.7, k - 0.3)
    grens = 1.0
    if k:
        grens = max(0.5, float(np.nanmax(np.abs(effecten[["ci95_onder", "ci95_boven"]].to_numpy()))) * 1.1)
    ax.set_xlim(-grens, grens)
    ax.xaxis.set_major_formatter(lambda x, _: getal(x, 1))
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    fig.subplots_adjust(left=0.4, right=0.76, top=0.96, bottom=0.95 / (1.3 + 0.75 * max(k, 1)))
    return fig


def quintuple_matrix(indicatoren: pd.DataFrame, namen: dict[str, str]) -> pd.DataFrame:
    """Interventie × aim: how the released indicators of each aim score.

    A cell counts the traffic lights (groen/oranje/rood) of the aim's indicators (group
    ``alle`` and, for equity, the gap rows) or, without targets, the number of indicators
    with a released value; "–" when the aim has none. Rows: the interventies in ``namen``
    order, then the region row (``interventie == "regio"``) when present.
    """
    df = indicatoren[indicatoren["waarde"].notna()] if len(indicatoren) else indicatoren
    rijen = []
    for code in [*namen, "regio"]:
        sub = df[df["interventie"] == code] if len(df) else df
        if code == "regio" and not len(sub):
            continue
        rij = {"Interventie": namen.get(code, "Hele regio")}
        for nr, kort in enumerate(AIMS_KORT, start=1):
            cel = sub[sub["doel_nr"] == nr] if len(sub) else sub
            kleuren = cel["stoplicht"].fillna("").astype(str) if len(cel) else pd.Series([], dtype=str)
            telling = [f"{int((kleuren == k).sum())} {k}" for k in ("groen", "oranje", "rood")
                       if (kleuren == k).any()]
            if telling:
                rij[kort] = ", ".join(telling)
            elif len(cel):
                n = cel["indicator"].nunique()
                rij[kort] = f"{n} {'indicator' if n == 1 else 'indicatoren'}"
            else:
                rij[kort] = "–"
        rijen.append(rij)
    return pd.DataFrame(rijen, columns=["Interventie", *AIMS_KORT])


def vergelijk_met_vorig_jaar(nu: pd.DataFrame, vorig: pd.DataFrame) -> pd.DataFrame:
    """This year's headline numbers next to last year's, per interventie present in either.

    Columns: ``interventie``, ``naam``, and for ``n_gestart``, ``uitval_pct``, ``schatting``
    (primary estimand) and ``kosten_schatting`` the pair ``<kolom>_vorig``, ``<kolom>_nu``,
    and ``primaire_uitkomst_gelijk``.
    """
    kolommen = ["n_gestart", "uitval_pct", "schatting", "kosten_schatting"]
    a = nu.set_index("interventie")
    b = vorig.set_index("interventie")
    codes = list(a.index) + [c for c in b.index if c not in a.index]
    rijen = []
    for c in codes:
        rij: dict[str, Any] = {"interventie": c,
                               "naam": a.loc[c, "naam"] if c in a.index else b.loc[c, "naam"]}
        for k in kolommen:
            rij[f"{k}_vorig"] = b.loc[c, k] if c in b.index and k in b.columns else np.nan
            rij[f"{k}_nu"] = a.loc[c, k] if c in a.index and k in a.columns else np.nan
        rij["primaire_uitkomst_gelijk"] = (c in a.index and c in b.index
                                           and a.loc[c, "primaire_uitkomst"] == b.loc[c, "primaire_uitkomst"])
        rijen.append(rij)
    return pd.DataFrame(rijen)


def lees_json(pad: Path) -> dict[str, Any]:
    return json.loads(Path(pad).read_text("utf-8"))


def maak(template: str | Path, vrijgave: str | Path, interventies: list[str], uitvoer: dict[str, str],
         *, config: dict[str, Any], jaar: int, regio_naam: str,
         vorige_resultaten: str | Path | None = None, vorig_jaar: int | None = None,
         engine: str = "auto") -> None:
    """Render the eindrapport of one region (Snakemake rule ``eindrapport``).

    ``vrijgave`` is the region's checked release; last year's release (when configured) is
    checked with the same engine before it is read. ``uitvoer`` maps format to output path.
    """
    from evaluatie import analyses, bestanden, disclosure
    from evaluatie.disclosure.vrijgave import controleer_map
    from evaluatie.render import render

    bestanden.zet_bouwdatum(config)  # the PDF's creation date
    vrijgave = Path(vrijgave).resolve()
    vorige = vrijgave_map(Path(vorige_resultaten).resolve()) if vorige_resultaten else None
    inst = disclosure.instellingen(config)
    if vorige is not None and vorige.is_dir():
        fouten = controleer_map(vorige, inst, analyses.specificaties(config))
        if fouten:
            raise disclosure.OnthullingsFout(
                f"Eindrapport niet gemaakt: de resultaten van vorig jaar ({vorige}) bevatten {len(fouten)} "
                "overtreding(en):\n" + "\n".join(f"  - {f}" for f in fouten[:20]))
    params = {"resultaten": str(vrijgave), "interventies": list(interventies),
              "vorige_resultaten": str(vorige) if vorige else "", "jaar": int(jaar),
              "vorig_jaar": int(vorig_jaar if vorig_jaar is not None else jaar - 1),
              "regio_naam": regio_naam, "min_n": int(inst.min_n)}
    titel = f"Eindrapport {jaar}"
    eerste = Path(next(iter(uitvoer.values())))
    with bestanden.werkmap(eerste) as tmp:
        gemaakt = render(Path(template), tmp, params=params, formats=list(uitvoer), engine=engine,
                         metadata={"title": titel, "subtitle": regio_naam or "Evaluatie van interventies"})
        for formaat, doel in uitvoer.items():
            bestanden.plaats(gemaakt[formaat], doel)


def toon(fig):
    """A matplotlib Figure as a PNG for the report renderer (see evaluatie.rapport.figuur_png)."""
    from evaluatie.rapport import figuur_png

    return figuur_png(fig)
