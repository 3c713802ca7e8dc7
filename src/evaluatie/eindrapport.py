"""The annual eindrapport of a region: all interventies side by side.

Everything here reads releasable results only (each interventie's ``publiceerbaar/``
directory, the region's ``publiceerbaar/indicatoren.csv`` and, when configured, the same
directories of last year's run), and returns tidy tables or a matplotlib figure that the
template ``reports/eindrapport.qmd`` lays out. Suppressed numbers stay suppressed: a
value from a row marked ``onderdrukt`` is never used.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluatie.samenvatting import Bron, _ok, _vrijgegeven, uitval_totaal

__all__ = ["AIMS", "figuur_forest", "lees_interventies", "overzicht", "primaire_effecten",
           "quintuple_matrix", "vergelijk_met_vorig_jaar"]

#: The five aims, in the order of the indicator register (doel_nr 1..5), with the short
#: column heading the matrix uses.
AIMS = ["Gezondheid van de populatie", "Ervaring van de deelnemer", "Zorgkosten per deelnemer",
        "Werkplezier van professionals", "Gezondheidsgelijkheid"]
AIMS_KORT = ["Gezondheid", "Ervaring", "Kosten", "Werkplezier", "Gelijkheid"]


def lees_interventies(resultaten: str | Path, interventies: list[str] | None = None) -> list[Bron]:
    """The interventies of a region's results directory that have releasable results.

    ``resultaten`` is ``<resultaten_map>/<regio>``; ``interventies`` the codes in report order
    (default: every subdirectory with ``publiceerbaar/interventie.json``).
    """
    resultaten = Path(resultaten)
    if interventies is None:
        interventies = sorted(p.parent.parent.name
                              for p in resultaten.glob("*/publiceerbaar/interventie.json"))
    uit = []
    for i in interventies:
        map_ = resultaten / i / "publiceerbaar"
        if (map_ / "interventie.json").exists():
            uit.append(Bron(map_))
    return uit


def _stap(b: Bron, stap: str) -> float:
    df = b.met_kolommen("uitval", "stap", "soort", "n")
    if df is None:
        return np.nan
    r = _vrijgegeven(df[(df["soort"] == "stap") & (df["stap"] == stap)])
    return float(r["n"].iloc[0]) if len(r) and not pd.isna(r["n"].iloc[0]) else np.nan


def _uitval(b: Bron) -> dict[str, float]:
    df = uitval_totaal(b)
    leeg = {"uitval_pct": np.nan, "uitval_ci95_onder": np.nan, "uitval_ci95_boven": np.nan}
    if df is None or not len(df):
        return leeg
    r = df.iloc[0]
    return {"uitval_pct": r["percentage"], "uitval_ci95_onder": r.get("ci95_onder", np.nan),
            "uitval_ci95_boven": r.get("ci95_boven", np.nan)}


def _primair(b: Bron) -> pd.Series | None:
    """The released pre/post row of the primary outcome at the last measurement."""
    df = b.met_kolommen("voor_na", "uitkomst", "pre", "post", "n_paren", "verschil")
    if df is None:
        return None
    df = _ok(_vrijgegeven(df)).dropna(subset=["n_paren", "verschil"])
    if not len(df):
        return None
    if "primair" in df.columns and df["primair"].map(lambda x: str(x).lower() == "true").any():
        df = df[df["primair"].map(lambda x: str(x).lower() == "true")]
    else:
        primair = [u for u, s in b.meta.get("uitkomsten", {}).items() if s.get("primair")]
        df = df[df["uitkomst"].isin(primair)]
    if not len(df):
        return None
    volg = df["post"].astype(str).str.lstrip("Tt").map(lambda x: int(x) if x.isdigit() else -1)
    return df.loc[volg.idxmax()]


def _kosten(b: Bron) -> dict[str, float]:
    df = b.met_kolommen("kosten", "kostendomein", "n_deelnemers", "gemiddeld_verschil")
    leeg = {"kosten_verschil": np.nan, "kosten_ci95_onder": np.nan, "kosten_ci95_boven": np.nan}
    if df is None:
        return leeg
    df = _ok(_vrijgegeven(df[df["kostendomein"].astype(str) == "totaal"]))
    df = df.dropna(subset=["gemiddeld_verschil"])
    if not len(df):
        return leeg
    r = df.iloc[0]
    return {"kosten_verschil": r["gemiddeld_verschil"], "kosten_ci95_onder": r.get("ci95_onder", np.nan),
            "kosten_ci95_boven": r.get("ci95_boven", np.nan)}


def overzicht(bronnen: list[Bron]) -> pd.DataFrame:
    """One row per interventie with its headline numbers (missing where not released).

    Columns: ``interventie``, ``naam``, ``doelgroep``, ``n_aangemeld``, ``n_gestart``,
    ``uitval_pct`` (+ ``uitval_ci95_onder/boven``), ``primaire_uitkomst`` (code),
    ``primair_titel``, ``pre``, ``post``, ``n_paren``, ``verschil``, ``ci95_onder``,
    ``ci95_boven``, ``p``, ``richting``, ``kosten_verschil`` (mean change in costs per
    participant, € , + CI).
    """
    rijen = []
    for b in bronnen:
        p = _primair(b)
        rij: dict[str, Any] = {
            "interventie": b.meta["interventie"], "naam": b.meta["naam"], "doelgroep": b.meta["doelgroep"],
            "n_aangemeld": _stap(b, "aangemeld"), "n_gestart": _stap(b, "gestart"), **_uitval(b),
            "primaire_uitkomst": p["uitkomst"] if p is not None else "",
            "primair_titel": b.titel(p["uitkomst"]) if p is not None else "",
        }
        for k in ("pre", "post", "n_paren", "verschil", "ci95_onder", "ci95_boven", "p", "richting"):
            rij[k] = p[k] if p is not None and k in p.index else np.nan
        rij.update(_kosten(b))
        rijen.append(rij)
    return pd.DataFrame(rijen)


def primaire_effecten(bronnen: list[Bron]) -> pd.DataFrame:
    """Standardised effect of each interventie's primary outcome, oriented so that > 0 is better.

    Outcomes differ between interventies (BMI z-score for children, another measure for
    adults), so the forest plot compares Hedges' g_z (Cohen's d_z when g_z is absent), not
    raw differences. Columns: ``naam``, ``uitkomst``, ``titel``, ``pre``, ``post``,
    ``n_paren``, ``effect``, ``ci95_onder``, ``ci95_boven``, ``maat``; interventies without a
    released primary result are left out.
    """
    rijen = []
    for b in bronnen:
        p = _primair(b)
        if p is None:
            continue
        keuze = [m for m in (("Hedges' g_z", "hedges_gz", "gz_ci95_onder", "gz_ci95_boven"),
                             ("Cohen's d_z", "cohens_dz", "dz_ci95_onder", "dz_ci95_boven"))
                 if m[1] in p.index and not pd.isna(p[m[1]])]
        if not keuze:
            continue
        maat, kol, lo, hi = keuze[0]
        teken = 1.0 if b.hoger_is_beter(p["uitkomst"]) is not False else -1.0
        if "hoger_is_beter" in p.index and not pd.isna(p["hoger_is_beter"]):
            teken = 1.0 if str(p["hoger_is_beter"]).lower() == "true" else -1.0
        grenzen = sorted([teken * float(p.get(lo, np.nan)), teken * float(p.get(hi, np.nan))])
        rijen.append({"naam": b.meta["naam"], "uitkomst": p["uitkomst"], "titel": b.titel(p["uitkomst"]),
                      "pre": p["pre"], "post": p["post"], "n_paren": p["n_paren"],
                      "effect": teken * float(p[kol]), "ci95_onder": grenzen[0], "ci95_boven": grenzen[1],
                      "maat": maat})
    return pd.DataFrame(rijen, columns=["naam", "uitkomst", "titel", "pre", "post", "n_paren", "effect",
                                        "ci95_onder", "ci95_boven", "maat"])


def figuur_forest(effecten: pd.DataFrame):
    """Forest plot of :func:`primaire_effecten`: one row per interventie, 95% CI, 0 line.

    Aggregates only; a row's label names the interventie, its outcome and n.
    """
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
    ax.set_yticklabels([f"{textwrap.fill(r['naam'], 30)}\n{r['titel']}, {r['pre']}–{r['post']}, "
                        f"n = {geheel(r['n_paren'])}" for _, r in effecten.iterrows()], fontsize=10)
    maat = effecten["maat"].iloc[0] if k else "gestandaardiseerd effect"
    ax.set_xlabel(f"Gestandaardiseerd effect ({maat}) met 95%-BI\n← verslechtering · verbetering →",
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
    df = indicatoren.copy()
    if "onderdrukt" in df.columns:
        df = df[~df["onderdrukt"].map(lambda x: str(x).lower() == "true")]
    df = df[df["waarde"].notna()] if "waarde" in df.columns else df
    volgorde = [*namen, "regio"]
    rijen = []
    for code in volgorde:
        sub = df[df["interventie"] == code]
        if code == "regio" and not len(sub):
            continue
        rij = {"Interventie": namen.get(code, "Hele regio")}
        for nr, (aim, kort) in enumerate(zip(AIMS, AIMS_KORT, strict=True), start=1):
            cel = sub[sub["doel_nr"] == nr] if "doel_nr" in sub.columns else sub[sub["doel"] == aim]
            kleuren = cel["stoplicht"].fillna("").astype(str) if "stoplicht" in cel.columns else pd.Series([])
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

    Columns: ``interventie``, ``naam``, and for ``n_gestart``, ``uitval_pct``, ``verschil``
    (primary outcome) and ``kosten_verschil`` the pair ``<kolom>_vorig``, ``<kolom>_nu``.
    """
    kolommen = ["n_gestart", "uitval_pct", "verschil", "kosten_verschil"]
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


def controleer_invoer(mappen: list[Path], min_n: int) -> None:
    """Disclosure check of everything the eindrapport reads, before it is rendered."""
    from evaluatie import disclosure

    fouten: list[str] = []
    for m in mappen:
        if Path(m).exists():
            fouten += disclosure.controleer_map(Path(m), min_n)
    if fouten:
        raise disclosure.OnthullingsFout(
            f"Eindrapport niet gemaakt: {len(fouten)} overtreding(en) (drempel {min_n}) in de invoer:\n"
            + "\n".join(f"  - {f}" for f in fouten))


def maak(template: str | Path, resultaten: str | Path, interventies: list[str], uitvoer: dict[str, str],
         *, min_n: int, jaar: int, regio_naam: str, vorige_resultaten: str | Path | None = None,
         vorig_jaar: int | None = None, engine: str = "auto") -> None:
    """Check and render the eindrapport of one region (Snakemake rule ``eindrapport``).

    ``resultaten`` is ``<resultaten_map>/<regio>``; only its ``publiceerbaar/`` directories
    (and those of ``vorige_resultaten``) are read. ``uitvoer`` maps format to output path.
    """
    import shutil
    import tempfile

    from evaluatie.render import render

    resultaten = Path(resultaten).resolve()
    vorige = Path(vorige_resultaten).resolve() if vorige_resultaten else None
    mappen = [resultaten / i / "publiceerbaar" for i in interventies] + [resultaten / "publiceerbaar"]
    if vorige is not None:
        mappen += [p for p in sorted(vorige.glob("*/publiceerbaar"))] + [vorige / "publiceerbaar"]
    controleer_invoer(mappen, min_n)
    params = {"resultaten": str(resultaten), "interventies": list(interventies),
              "vorige_resultaten": str(vorige) if vorige else "", "jaar": int(jaar),
              "vorig_jaar": int(vorig_jaar if vorig_jaar is not None else jaar - 1),
              "regio_naam": regio_naam, "min_n": int(min_n)}
    titel = f"Eindrapport {jaar}"
    eerste = Path(next(iter(uitvoer.values())))
    eerste.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".render-{eerste.stem}-", dir=eerste.parent) as tmp:
        gemaakt = render(Path(template), Path(tmp), params=params, formats=list(uitvoer), engine=engine,
                         metadata={"title": titel, "subtitle": regio_naam or "Evaluatie van interventies"})
        for formaat, doel in uitvoer.items():
            shutil.move(str(gemaakt[formaat]), str(doel))


def toon(fig):
    """A matplotlib Figure as a retina PNG (192 dpi shown at 96 dpi) for the report renderer."""
    import io

    from IPython.display import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=192, facecolor="white")
    return Image(data=buf.getvalue(), width=int(fig.get_figwidth() * 96))
