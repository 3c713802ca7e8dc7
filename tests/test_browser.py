"""Browser and PDF checks of the rendered reports, as a reader would open them.

Each HTML report is opened in headless Chromium (Debian's ``chromium``, installed by
``scripts/setup.sh --test``) with the network off: every request that is not ``file:`` or
``data:`` is blocked and recorded. The page must make no such request, have no failed
request, no console error or uncaught exception, and every image must have loaded. A
full-page screenshot goes to ``tests/artifacts/`` (gitignored) for a person to look at.

Chromium is driven over the DevTools protocol (``tests/fixtures/browser.py``). PDFs are turned into PNG pages with ``pdftoppm``; the page count must
match ``pdfinfo`` and no page may be blank.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from fixtures import kleine_regio
from fixtures.browser import CHROMIUM, Chromium, open_pagina

ARTEFACTEN = Path(__file__).parent / "artifacts"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium ontbreekt (scripts/setup.sh --test installeert het)")


@pytest.fixture(scope="module")
def regio(tmp_path_factory) -> Path:
    return kleine_regio.resultaten(kleine_regio.draai(tmp_path_factory))


@pytest.fixture(scope="module")
def paginas(regio) -> dict[str, dict]:
    browser = Chromium()
    try:
        return {html.name: open_pagina(browser, html, ARTEFACTEN / f"{html.stem}.png")
                for html in sorted((regio / "rapporten").glob("*.html"))}
    finally:
        browser.sluit()


def test_every_report_was_opened(paginas):
    verwacht = {f"{i}.html" for i in kleine_regio.INTERVENTIES} | {f"eindrapport-{kleine_regio.JAAR}.html"}
    assert set(paginas) == verwacht


def test_reports_make_no_network_request_and_none_fails(paginas):
    for naam, p in paginas.items():
        assert p["extern"] == [], (naam, p["extern"])
        assert p["mislukt"] == [], (naam, p["mislukt"])


def test_reports_have_no_console_errors(paginas):
    for naam, p in paginas.items():
        assert p["console"] == [], (naam, p["console"])


def test_every_image_loaded_and_has_alt_text(paginas):
    for naam, p in paginas.items():
        for b in p["beelden"]:
            assert b["klaar"] and b["breedte"] > 0, (naam, b)
            assert b["alt"].strip(), (naam, b)
    # the eindrapport has its forest plot
    assert paginas[f"eindrapport-{kleine_regio.JAAR}.html"]["beelden"]


def test_document_title_names_the_report(paginas):
    assert paginas[f"eindrapport-{kleine_regio.JAAR}.html"]["titel"] == f"Eindrapport {kleine_regio.JAAR}"


def test_screenshots_are_saved_as_artifacts(paginas):
    for naam in paginas:
        png = ARTEFACTEN / naam.replace(".html", ".png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


# ----------------------------------------------------------------------------- PDF


def _leeg(png: Path) -> bool:
    """A page without content: (almost) no dark pixels between the header and the footer."""
    from PIL import Image

    with Image.open(png) as im:
        grijs = im.convert("L")
        b, h = grijs.size
        romp = grijs.crop((0, int(0.12 * h), b, int(0.9 * h)))
        return float((np.asarray(romp) < 200).mean()) < 0.002


@pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdfinfo") is None,
                    reason="pdftoppm/pdfinfo ontbreken (poppler-utils; scripts/setup.sh --test)")
def test_pdfs_have_pages_and_none_is_blank(regio, tmp_path):
    pdfs = sorted((regio / "rapporten").glob("*.pdf"))
    assert {p.stem for p in pdfs} == {*kleine_regio.INTERVENTIES, f"eindrapport-{kleine_regio.JAAR}"}
    for pdf in pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        paginas = int(next(r.split()[-1] for r in info.splitlines() if r.startswith("Pages:")))
        assert paginas >= 2, (pdf.name, paginas)
        assert "A4" in info or "595.28 x 841.89" in info or "595.276 x 841.89" in info, info
        uit = tmp_path / pdf.stem
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(uit)], check=True)
        pngs = sorted(tmp_path.glob(f"{pdf.stem}-*.png"))
        assert len(pngs) == paginas
        leeg = [p.name for p in pngs if _leeg(p)]
        assert leeg == [], (pdf.name, leeg)
        ARTEFACTEN.mkdir(exist_ok=True)
        shutil.copy(pngs[0], ARTEFACTEN / f"{pdf.stem}-pagina-1.png")


def test_blank_page_detection_can_fail(tmp_path):
    from PIL import Image

    Image.new("RGB", (200, 280), "white").save(tmp_path / "wit.png")
    Image.new("RGB", (200, 280), "white").save(tmp_path / "tekst.png")
    with Image.open(tmp_path / "tekst.png") as im:
        im.paste((0, 0, 0), (20, 120, 180, 130))
        im.save(tmp_path / "tekst.png")
    assert _leeg(tmp_path / "wit.png") and not _leeg(tmp_path / "tekst.png")


def test_the_checks_catch_a_broken_page(tmp_path):
    """A page with an external font, a missing image and a script error fails every check."""
    pagina = tmp_path / "kapot.html"
    pagina.write_text(
        "<!DOCTYPE html><html><head><title>kapot</title>"
        "<link rel='stylesheet' href='https://fonts.example.org/css?family=Roboto'></head><body>"
        "<img src='ontbreekt.png' alt='weg'><img src='data:image/png;base64,iVBORw0KGgo=' alt=''>"
        "<script>console.error('iets ging mis'); undefinedFunction();</script></body></html>",
        encoding="utf-8")
    browser = Chromium()
    try:
        p = open_pagina(browser, pagina, tmp_path / "kapot.png")
    finally:
        browser.sluit()
    assert p["extern"] == ["https://fonts.example.org/css?family=Roboto"]
    assert any("ontbreekt.png" in f.get("errorText", "") or f.get("type") == "Image" for f in p["mislukt"]) \
        or not all(b["klaar"] and b["breedte"] > 0 for b in p["beelden"])
    assert any("iets ging mis" in c for c in p["console"])
    assert any("undefinedFunction" in c or "Uncaught" in c for c in p["console"])
    assert [b["breedte"] for b in p["beelden"]] == [0, 0]
