"""One value per estimate and one verdict per finding, in every place that states them.

The demo release (``vrijgave_demo``) is rendered as the pipeline renders it: two interventie
reports, the eindrapport and the XLSX exports. The primary outcome's estimate and interval
must read the same in the samenvatting, the body (the voor/na section), the eindrapport and
the workbook, and be the findings table's. Then the findings' p-values are moved around
alpha, with verdicts that no rule on p would give, and every place must state the verdict
of the table: no report decides one itself.
"""

from __future__ import annotations

import html as html_mod
import re
from pathlib import Path

import openpyxl
import pytest
from fixtures.vrijgave import kopieer, pas_aan

from evaluatie import contract, eindrapport, export, pijplijn
from evaluatie.rapport import Resultaten, ci, getal
from evaluatie.samenvatting import oordeel_tekst

REPO = Path(__file__).resolve().parents[1]
INTERVENTIES = ["czv-kind", "gezinsregie"]


def _render(vrijgave: Path, config: dict, uit: Path) -> dict[str, Path]:
    """What the rules rapport_interventie, eindrapport and export_tabellen make (HTML only)."""
    uit.mkdir(parents=True, exist_ok=True)
    paden = {}
    for i in INTERVENTIES:
        paden[i] = uit / f"{i}.html"
        pijplijn.render_rapport(REPO / "reports" / "interventie.qmd",
                                {"resultaten": str(vrijgave / i), "regio_resultaten": str(vrijgave / "regio")},
                                {"html": paden[i]}, "ingebouwd", metadata={"title": i})
        paden[f"{i}.xlsx"] = export.exporteer(vrijgave / i, uit / f"{i}-tabellen.xlsx", config)
    paden["eindrapport"] = uit / "eindrapport.html"
    eindrapport.maak(REPO / "reports" / "eindrapport.qmd", vrijgave, INTERVENTIES,
                     {"html": str(paden["eindrapport"])}, config=config, jaar=2026, regio_naam="Testregio",
                     engine="ingebouwd")
    return paden


def _tekst(fragment: str) -> str:
    """Visible text: tags out, entities decoded, all white space (also no-break) one space."""
    t = re.sub(r"<br\s*/?>", " ", fragment)
    t = html_mod.unescape(re.sub(r"<[^>]+>", " ", t))
    return re.sub(r"\s+", " ", t.replace("\u00a0", " ")).strip()


def _sectie(pad: Path, sectie: str) -> str:
    """The text of one section of a rendered report (up to the next section of any level)."""
    html = pad.read_text("utf-8")
    begin = html.index(f'id="{sectie}"')
    volgende = [m.start() for m in re.finditer(r'id="sec-', html) if m.start() > begin]
    return _tekst(html[begin:volgende[0] if volgende else len(html)])


def _primair(vrijgave: Path, interventie: str):
    b = contract.lees(vrijgave / interventie, "bevindingen", "bevindingen")
    return b[b["rol"] == "primair"].iloc[0]


def _werkboek_rij(pad: Path) -> dict:
    wb = openpyxl.load_workbook(pad, read_only=True)
    rijen = list(wb["Bevindingen"].iter_rows(min_row=export.KOPRIJ, values_only=True))
    kop = rijen[0]
    return next(dict(zip(kop, r, strict=False)) for r in rijen[1:] if r[kop.index("rol")] == "primair")


@pytest.fixture(scope="module")
def gerenderd(vrijgave_demo, tmp_path_factory):
    vrijgave, config = vrijgave_demo
    return vrijgave, _render(vrijgave, config, tmp_path_factory.mktemp("een_getal"))


@pytest.mark.parametrize("interventie", INTERVENTIES)
def test_the_primary_estimate_reads_the_same_everywhere(gerenderd, interventie):
    vrijgave, paden = gerenderd
    b = _primair(vrijgave, interventie)
    s, lo, hi = getal(b["schatting"], 2), getal(b["ci95_onder"], 2), getal(b["ci95_boven"], 2)
    titel = Resultaten(vrijgave / interventie).uitkomst_titel(b["uitkomst"])
    samenvatting = _sectie(paden[interventie], "sec-samenvatting")
    zin = next(z for z in re.split(r"(?<=\.) (?=[A-Z])", samenvatting) if z.startswith("De primaire uitkomst"))
    assert f"{titel}, veranderde van {b['pre']} tot {b['post']}" in zin
    assert f"gemiddeld met {s} (95%-betrouwbaarheidsinterval {lo} tot {hi})" in zin
    assert zin.count("gemiddeld met") == 1  # one estimate is the headline
    # the body: the paragraph on the primary outcome and the model table
    body = _sectie(paden[interventie], "sec-voor-na")
    # (with the outcome's unit after the number, as the body writes it)
    assert re.search(rf"met {re.escape(s)}( [^ (]+)? \(95%-betrouwbaarheidsinterval {re.escape(lo)} tot "
                     rf"{re.escape(hi)}", body)
    assert f"{s} {ci(b['ci95_onder'], b['ci95_boven'])}" in body
    # the eindrapport: its summary, its overview table and the appendix of the interventie
    eind = _sectie(paden["eindrapport"], "sec-samenvatting")
    assert f"{titel} veranderde van {b['pre']} tot {b['post']} gemiddeld met {s} (95%-BI {lo} tot {hi})" in eind
    assert f"{titel} ({b['pre']}–{b['post']}): {s} ({lo} tot {hi})" in _sectie(paden["eindrapport"], "sec-overzicht")
    assert zin in _sectie(paden["eindrapport"], f"sec-bijlage-{interventie}")
    # the workbook holds the very number (not a rounding of another one)
    rij = _werkboek_rij(paden[f"{interventie}.xlsx"])
    assert rij["schatting"] == pytest.approx(b["schatting"], rel=1e-12)
    assert (rij["ci95_onder"], rij["ci95_boven"]) == pytest.approx((b["ci95_onder"], b["ci95_boven"]), rel=1e-12)
    assert rij["oordeel"] == b["oordeel"]


def test_the_completers_estimate_is_not_the_headline(gerenderd):
    """The primary estimand is the mixed model: the completers' change of the same window
    (another number) is shown in its own table, never in the samenvatting's headline."""
    vrijgave, paden = gerenderd
    b = _primair(vrijgave, "czv-kind")
    assert b["schatter"] == "gemengd_model"
    g = contract.lees(vrijgave / "czv-kind", "voor_na", "gepaard")
    c = g[(g["uitkomst"] == b["uitkomst"]) & (g["pre"] == b["pre"]) & (g["post"] == b["post"])].iloc[0]
    assert getal(c["verschil"], 2) != getal(b["schatting"], 2)
    assert f"gemiddeld met {getal(c['verschil'], 2)}" not in _sectie(paden["czv-kind"], "sec-samenvatting")


def _zet_oordeel(map_: Path, b, p: float, oordeel: str) -> None:
    """Give the primary estimate another corrected p and verdict, in the findings and in
    every table that holds a copy of that estimate (same outcome, window and value)."""
    for pad in sorted(map_.glob("*/_tabellen.json")):
        for tabel, spec in contract.manifest(pad.parent)["tabellen"].items():
            namen = {k["naam"] for k in spec["kolommen"]}
            if not {"uitkomst", "pre", "post", "schatting", "p_gecorrigeerd", "oordeel"} <= namen:
                continue

            def wijzig(df):
                kopie = ((df["uitkomst"] == b["uitkomst"]) & (df["pre"] == b["pre"]) & (df["post"] == b["post"])
                         & (df["schatting"] == b["schatting"]))
                df.loc[kopie, "p_gecorrigeerd"] = p
                df.loc[kopie, "oordeel"] = oordeel
                return df

            pas_aan(map_, pad.parent.name, tabel, wijzig)


def test_every_verdict_follows_the_findings_table(vrijgave_demo, tmp_path):
    vrijgave, config = vrijgave_demo
    kopie = kopieer(vrijgave, tmp_path / "publiceerbaar")
    alpha = _primair(vrijgave, "czv-kind")["alpha"]
    # just below alpha but "not demonstrable"; just above alpha but "improved": a report that
    # compared p with alpha (or with 0.05) would state the other verdict
    gevallen = {"czv-kind": (alpha - 0.001, "geen_aantoonbare_verandering"),
                "gezinsregie": (alpha + 0.001, "verbeterd")}
    for i, (p, oordeel) in gevallen.items():
        _zet_oordeel(kopie / i, _primair(vrijgave, i), p, oordeel)
    paden = _render(kopie, config, tmp_path / "rapporten")
    for i, (p, oordeel) in gevallen.items():
        b = _primair(kopie, i)
        assert (b["p_gecorrigeerd"], b["oordeel"]) == (p, oordeel)
        woorden, ander = oordeel_tekst(oordeel), oordeel_tekst(
            "verbeterd" if oordeel != "verbeterd" else "geen_aantoonbare_verandering")
        s = getal(b["schatting"], 2)
        samenvatting = _sectie(paden[i], "sec-samenvatting")
        zin = next(z for z in re.split(r"(?<=\.) (?=[A-Z])", samenvatting) if z.startswith("De primaire uitkomst"))
        assert woorden in zin and ander not in zin, zin
        assert f"p = {getal(p, 3)} na Holm-correctie" in zin
        body = _sectie(paden[i], "sec-voor-na")
        alinea = body[re.search(rf"met {re.escape(s)}( [^ (]+)? \(95%-betrouwbaarheidsinterval", body).start():][:400]
        assert woorden in alinea and ander not in alinea, alinea
        eind = _sectie(paden["eindrapport"], "sec-samenvatting")
        regel = eind[eind.index(f"gemiddeld met {s}"):][:200]
        assert woorden in regel and ander not in regel, regel
        assert zin in _sectie(paden["eindrapport"], f"sec-bijlage-{i}")
        assert _werkboek_rij(paden[f"{i}.xlsx"])["oordeel"] == oordeel
