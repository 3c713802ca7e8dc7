"""Hostile text from outside is inert in every release format.

One run of the whole pipeline on a small synthetic region whose config text fields and
free-text data fields all hold a hostile string: HTML with a script, an ``onerror`` image
and an outside image, a ``javascript:`` link, Markdown emphasis and images, a cross-reference,
a Quarto shortcode, a Typst escape (``]#panic(…)[``), mathtext and a spreadsheet formula at
the start. Each string carries the name of its field, so a leak names its source. Then:

- every HTML report opened in Chromium: no dialog, no request, no script element, no event
  handler attribute, no link out of the document, no outside source; the name of the
  interventie stands there literally (escaped, not mangled), also in the document title;
- every PDF holds the literal text (Typst did not run the escape);
- every XLSX has no formula cell at all;
- no cell of a released or exported CSV starts with a formula character;
- free text from the data that no analysis uses never reaches a release.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from fixtures import kleine_regio
from fixtures.browser import CHROMIUM, Chromium, open_pagina

from evaluatie import synth

FORMULETEKENS = ("=", "+", "-", "@", "\t", "\r")


def vijandig(veld: str) -> str:
    """A hostile string that names ``veld`` (no newline: some fields are one line)."""
    return (f'=HYPERLINK("http://127.0.0.1:9/{veld}","x") <script>alert("{veld}")</script>'
            f'<img src="http://127.0.0.1:9/{veld}.png" onerror="alert(1)"> [klik](javascript:alert(2)) '
            f'![b](http://127.0.0.1:9/{veld}-md.png) **vet-{veld}** $\\frac$ @fig-x {{{{< meta title >}}}} '
            f']#panic("{veld}")[ <!-- c --> &amp; `code` \\')


def _zet(cfg: dict, pad: str, waarde: str) -> None:
    *kop, laatste = pad.split(".")
    d = cfg
    for k in kop:
        d = d.setdefault(k, {})
    d[laatste] = waarde


@pytest.fixture(scope="module")
def regio(tmp_path_factory) -> dict:
    werk = tmp_path_factory.mktemp("vijandig")
    kleine_regio.config(werk)
    cfg = yaml.safe_load((werk / "config.yaml").read_text(encoding="utf-8"))
    # explicit data instead of `synthetisch`, so free-text data fields can be poisoned
    s = cfg.pop("synthetisch")
    specs = [x for x in synth.demo_interventies() if x.code in cfg["interventies"]]
    ds = synth.genereer_regio(seed=s["seed"], schaal=s["schaal"], interventies=specs)
    ds.tabellen["professionals"]["organisatie"] = vijandig("data-organisatie")
    ds.tabellen["wijken"]["wijknaam"] = vijandig("data-wijknaam")
    paden = synth.schrijf(ds, werk / "data")
    # a file name from outside is shown in the data-quality table
    boos = "=deelnemers **vet** [x](javascript:alert(1)) &amp; @fig-x.csv"
    paden["deelnemers"].rename(werk / "data" / boos)
    cfg["data"]["tabellen"]["deelnemers"]["bestand"] = boos

    velden = {"regio_naam": "regio_naam"}
    for code in cfg["interventies"]:
        for veld in ("naam", "beschrijving", "doelgroep_omschrijving"):
            velden[f"interventies.{code}.{veld}"] = f"{code}-{veld}"
    config = yaml.safe_load((kleine_regio.REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    cfg["kosten"] = {"businesscase": {c: config["kosten"]["businesscase"][c] for c in cfg["interventies"]}}
    for code, bc in cfg["kosten"]["businesscase"].items():
        velden[f"kosten.businesscase.{code}.interventiekosten.bron"] = f"{code}-bc-bron"
        for i, v in enumerate(bc["vermeden_zorg"]):
            v["omschrijving"] = vijandig(f"{code}-bc-omschrijving-{i}")
            v["bron"] = vijandig(f"{code}-bc-vermeden-bron-{i}")
    velden["voor_na.per_uitkomst.bmi_z.klinisch_relevant_bron"] = "klinisch_relevant_bron"
    cfg.setdefault("voor_na", {}).setdefault("per_uitkomst", {})["bmi_z"] = {"klinisch_relevant": 0.15}
    velden["eindrapport.vorige_resultaten"] = "vorige_resultaten"
    for pad, veld in velden.items():
        _zet(cfg, pad, vijandig(veld))
    cfg["eindrapport"]["vorige_resultaten"] = "vorig/" + cfg["eindrapport"]["vorige_resultaten"].replace("/", "_")
    cfg["rapport"]["formaten"] = ["html", "pdf"]
    (werk / "config.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    r = kleine_regio.snakemake(werk)
    assert r.returncode == 0, (r.stdout + r.stderr)[-6000:]
    return {"werk": werk, "res": kleine_regio.resultaten(werk), "cfg": cfg}


def _bestanden(res: Path, *patronen: str) -> list[Path]:
    uit = []
    for p in patronen:
        uit += sorted((res / "publiceerbaar").rglob(p)) + sorted((res / "rapporten").rglob(p))
    return uit


def _normaal(tekst: str) -> str:
    return re.sub(r"\s+", " ", tekst).strip()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium ontbreekt (scripts/setup.sh --test installeert het)")
def test_html_reports_have_no_live_markup(regio, tmp_path):
    htmls = _bestanden(regio["res"], "*.html")
    assert len(htmls) == len(regio["cfg"]["interventies"]) + 1
    browser = Chromium()
    try:
        paginas = {h.name: open_pagina(browser, h, tmp_path / f"{h.stem}.png") for h in htmls}
    finally:
        browser.sluit()
    for naam, p in paginas.items():
        assert p["dialogen"] == [], (naam, p["dialogen"])
        assert p["extern"] == [] and p["mislukt"] == [], (naam, p["extern"], p["mislukt"])
        assert p["console"] == [], (naam, p["console"])
        dom = p["dom"]
        assert dom["scripts"] == 0 and dom["handlers"] == [] and dom["iframes"] == 0, (naam, dom)
        assert dom["links"] == [] and dom["bronnen"] == [], (naam, dom["links"], dom["bronnen"])
    for code in regio["cfg"]["interventies"]:
        p = paginas[f"{code}.html"]
        letterlijk = _normaal(vijandig(f"{code}-naam"))
        assert letterlijk in _normaal(p["dom"]["tekst"]), code
        assert _normaal(p["titel"]).startswith(letterlijk), p["titel"]
        assert _normaal(vijandig(f"{code}-beschrijving")) in _normaal(p["dom"]["tekst"])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext ontbreekt (poppler-utils)")
def test_pdf_reports_hold_the_literal_text(regio):
    pdfs = _bestanden(regio["res"], "*.pdf")
    assert len(pdfs) == len(regio["cfg"]["interventies"]) + 1
    for pdf in pdfs:
        tekst = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                               text=True, check=True).stdout
        tekst = _normaal(tekst)
        assert 'alert("regio_naam")' in tekst or "regio_naam" in tekst, pdf.name
    code = next(iter(regio["cfg"]["interventies"]))
    tekst = _normaal(subprocess.run(["pdftotext", str(regio["res"] / "rapporten" / f"{code}.pdf"), "-"],
                                    capture_output=True, text=True, check=True).stdout)
    for stuk in (f"**vet-{code}-beschrijving**", f']#panic("{code}-beschrijving")[', "$\\frac$"):
        assert stuk in tekst, stuk


def test_xlsx_exports_have_no_formula(regio):
    boeken = _bestanden(regio["res"], "*.xlsx")
    assert boeken
    for boek in boeken:
        with zipfile.ZipFile(boek) as z:
            for naam in z.namelist():
                if naam.startswith("xl/worksheets/"):
                    assert b"<f>" not in z.read(naam) and b"<f " not in z.read(naam), (boek.name, naam)
        wb = openpyxl.load_workbook(boek)
        for ws in wb.worksheets:
            for rij in ws.iter_rows():
                for c in rij:
                    assert c.data_type != "f", (boek.name, ws.title, c.coordinate, c.value)
    # the hostile name is there, as text
    teksten = [c.value for boek in boeken for ws in openpyxl.load_workbook(boek).worksheets
               for rij in ws.iter_rows() for c in rij if isinstance(c.value, str)]
    assert any("HYPERLINK" in t for t in teksten)


def _getal(x: str) -> bool:
    try:
        float(x)
    except ValueError:
        return False
    return True


def test_csv_cells_never_start_a_formula(regio):
    csvs = _bestanden(regio["res"], "*.csv")
    assert len(csvs) > 20
    gezien = 0
    for pad in csvs:
        with open(pad, encoding="utf-8", newline="") as f:
            for nr, rij in enumerate(csv.reader(f), start=1):
                for cel in rij:
                    if cel.startswith(FORMULETEKENS) and not _getal(cel):
                        pytest.fail(f"{pad.name}, rij {nr}: {cel[:60]!r}")
                    gezien += "HYPERLINK" in cel
    assert gezien, "de vijandige tekst bereikt geen enkele CSV; de test zegt dan niets"


def test_unused_free_text_from_the_data_never_reaches_a_release(regio):
    for pad in (regio["res"] / "publiceerbaar").rglob("*"):
        if pad.is_file():
            inhoud = pad.read_bytes()
            assert b"data-organisatie" not in inhoud and b"data-wijknaam" not in inhoud, pad
    for pad in (regio["res"] / "rapporten").rglob("*"):
        if pad.is_file() and pad.suffix in (".html", ".csv"):
            inhoud = pad.read_bytes()
            assert b"data-organisatie" not in inhoud and b"data-wijknaam" not in inhoud, pad
