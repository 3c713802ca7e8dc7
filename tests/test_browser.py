"""Browser and PDF checks of the rendered reports, as a reader would open them.

Each HTML report is opened in headless Chromium (Debian's ``chromium``, installed by
``scripts/setup.sh --test``) with the network off: every request that is not ``file:`` or
``data:`` is blocked and recorded. The page must make no such request, have no failed
request, no console error or uncaught exception, and every image must have loaded. A
full-page screenshot goes to ``tests/artifacts/`` (gitignored) for a person to look at.

Chromium is driven over the DevTools protocol on ``--remote-debugging-pipe`` (file
descriptors 3 and 4, JSON messages ending in a NUL byte), so no extra package and no
port is needed. PDFs are turned into PNG pages with ``pdftoppm``; the page count must
match ``pdfinfo`` and no page may be blank.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from fixtures import kleine_regio

ARTEFACTEN = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium ontbreekt (scripts/setup.sh --test installeert het)")


class Chromium:
    """A minimal DevTools-protocol client over ``--remote-debugging-pipe``."""

    def __init__(self) -> None:
        self.profiel = tempfile.mkdtemp(prefix="chromium-profiel-")
        naar_chromium = os.pipe()
        van_chromium = os.pipe()

        def koppel() -> None:
            a, b = os.dup(naar_chromium[0]), os.dup(van_chromium[1])
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proces = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--disable-default-apps", "--mute-audio",
             "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
             f"--user-data-dir={self.profiel}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=koppel, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(naar_chromium[0])
        os.close(van_chromium[1])
        self.schrijf = os.fdopen(naar_chromium[1], "wb", buffering=0)
        self.lees = os.fdopen(van_chromium[0], "rb", buffering=0)
        self.volgnummer = 0
        self.antwoorden: dict[int, dict] = {}
        self.gebeurtenissen: queue.Queue[dict] = queue.Queue()
        self.voorwaarde = threading.Condition()
        threading.Thread(target=self._lezer, daemon=True).start()

    def _lezer(self) -> None:
        buffer = b""
        while True:
            stuk = self.lees.read(65536)
            if not stuk:
                return
            buffer += stuk
            while b"\0" in buffer:
                bericht, buffer = buffer.split(b"\0", 1)
                data = json.loads(bericht)
                if "id" in data:
                    with self.voorwaarde:
                        self.antwoorden[data["id"]] = data
                        self.voorwaarde.notify_all()
                else:
                    self.gebeurtenissen.put(data)

    def stuur(self, methode: str, sessie: str | None = None, wacht: bool = True, **params) -> dict:
        self.volgnummer += 1
        nr = self.volgnummer
        bericht = {"id": nr, "method": methode, "params": params}
        if sessie:
            bericht["sessionId"] = sessie
        self.schrijf.write(json.dumps(bericht).encode() + b"\0")
        if not wacht:
            return {}
        with self.voorwaarde:
            if not self.voorwaarde.wait_for(lambda: nr in self.antwoorden, timeout=60):
                raise TimeoutError(methode)
            antwoord = self.antwoorden.pop(nr)
        if "error" in antwoord:
            raise RuntimeError(f"{methode}: {antwoord['error']}")
        return antwoord.get("result", {})

    def sluit(self) -> None:
        try:
            self.stuur("Browser.close", wacht=False)
            self.proces.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proces.kill()
            self.proces.wait()
        for f in (self.schrijf, self.lees):
            f.close()
        shutil.rmtree(self.profiel, ignore_errors=True)


def open_pagina(browser: Chromium, html: Path, screenshot: Path) -> dict:
    """Load ``html`` with the network off; return what went wrong (lists) and image states."""
    doel = browser.stuur("Target.createTarget", url="about:blank")["targetId"]
    sessie = browser.stuur("Target.attachToTarget", targetId=doel, flatten=True)["sessionId"]
    for domein in ("Page", "Runtime", "Log", "Network"):
        browser.stuur(f"{domein}.enable", sessie)
    browser.stuur("Fetch.enable", sessie, patterns=[{"urlPattern": "*"}])
    browser.stuur("Emulation.setDeviceMetricsOverride", sessie, width=1200, height=900,
                  deviceScaleFactor=1, mobile=False)
    uit: dict[str, list] = {"extern": [], "mislukt": [], "console": []}
    browser.stuur("Page.navigate", sessie, wacht=False, url=html.resolve().as_uri())
    geladen = False
    einde = time.monotonic() + 60
    stil_tot = None
    while time.monotonic() < einde:
        try:
            e = browser.gebeurtenissen.get(timeout=0.2)
        except queue.Empty:
            if stil_tot is not None and time.monotonic() > stil_tot:
                break
            continue
        if e.get("sessionId") != sessie:
            continue
        m, p = e["method"], e.get("params", {})
        if m == "Fetch.requestPaused":
            url = p["request"]["url"]
            if url.startswith(("file:", "data:", "about:")):
                browser.stuur("Fetch.continueRequest", sessie, wacht=False, requestId=p["requestId"])
            else:
                uit["extern"].append(url)
                browser.stuur("Fetch.failRequest", sessie, wacht=False, requestId=p["requestId"],
                              errorReason="BlockedByClient")
        elif m == "Network.loadingFailed":
            if p.get("blockedReason") or p.get("errorText") != "net::ERR_BLOCKED_BY_CLIENT":
                uit["mislukt"].append(p)
        elif m == "Runtime.exceptionThrown":
            uit["console"].append(p["exceptionDetails"].get("text", "exception"))
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            uit["console"].append(" ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            uit["console"].append(p["entry"].get("text", ""))
        elif m == "Page.loadEventFired":
            geladen = True
            stil_tot = time.monotonic() + 0.7  # late requests and errors
    assert geladen, f"{html.name}: pagina niet geladen binnen 60 s"
    beelden = json.loads(browser.stuur("Runtime.evaluate", sessie, returnByValue=True, expression=(
        "JSON.stringify(Array.from(document.images).map(i => ({src: i.src.slice(0, 60), alt: i.alt, "
        "klaar: i.complete, breedte: i.naturalWidth})))"))["result"]["value"])
    titel = browser.stuur("Runtime.evaluate", sessie, returnByValue=True,
                          expression="document.title")["result"]["value"]
    maten = browser.stuur("Page.getLayoutMetrics", sessie)["cssContentSize"]
    png = browser.stuur("Page.captureScreenshot", sessie, format="png", captureBeyondViewport=True,
                        clip={"x": 0, "y": 0, "width": 1200, "height": min(maten["height"], 16000), "scale": 1})
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.write_bytes(base64.b64decode(png["data"]))
    browser.stuur("Target.closeTarget", targetId=doel)
    return {**uit, "beelden": beelden, "titel": titel}


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
