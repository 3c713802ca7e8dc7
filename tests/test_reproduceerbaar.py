"""The same inputs, code and config give byte-identical releasable outputs, PDF and XLSX included."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fixtures import mini_regio

from evaluatie import bestanden, render
from evaluatie.fouten import ConfigFout

#: 2026-10-31 00:00 UTC, the miniregio's peildatum.
PEILDATUM = b"D:20261031000000Z"


def _pdf_fonts(pdf: bytes) -> set[str]:
    return {m.decode() for m in re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([\w-]+)", pdf)}


def test_two_runs_at_different_times_and_places_give_identical_files(tmp_path_factory, tmp_path):
    """Run 1 (cached) ran with the clock at UTC+14, run 2 runs in another directory at
    UTC-12, minutes later: 26 hours apart, so a date or time taken from the clock differs."""
    eerste = mini_regio.draai(tmp_path_factory)
    time.sleep(1.1)
    tweede = tmp_path / "tweede"
    r = mini_regio.draai_snakemake(tweede, mini_regio.KLOK_WEST)
    assert r.returncode == 0, (r.stdout + r.stderr)[-5000:]
    a, b = mini_regio.releasebaar(eerste), mini_regio.releasebaar(tweede)
    assert {Path(k).suffix for k in a} == {".csv", ".json", ".html", ".pdf", ".xlsx"}
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []

    rapporten = tweede / "results" / mini_regio.REGIO / "rapporten"
    for pdf in rapporten.glob("*.pdf"):
        inhoud = pdf.read_bytes()
        assert re.findall(rb"/CreationDate\s*\((D:[0-9Z+']+)\)", inhoud) == [PEILDATUM], pdf.name
        # one pinned family, and typst's own fonts for what it lacks: never the machine's
        assert _pdf_fonts(inhoud) and all(f.startswith(("SourceSansPro-", "DejaVuSansMono", "NewCM"))
                                          for f in _pdf_fonts(inhoud)), _pdf_fonts(inhoud)
    xlsx = rapporten / f"{mini_regio.INTERVENTIE}-tabellen.xlsx"
    with zipfile.ZipFile(xlsx) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 10, 31, 0, 0, 0)}
    wb = openpyxl.load_workbook(xlsx)
    assert wb.properties.created.isoformat() == wb.properties.modified.isoformat() == "2026-10-31T00:00:00"
    # the build date is stated once per output, in its Verantwoording
    html = (rapporten / f"{mini_regio.INTERVENTIE}.html").read_text("utf-8")
    assert html.count("31 oktober 2026 (de peildatum;") == 1 and "Bouwdatum" in html
    toelichting = [r for r in wb["Toelichting"].iter_rows(values_only=True) if r[0] == "bouwdatum"]
    assert len(toelichting) == 1 and toelichting[0][1].startswith("2026-10-31 (de peildatum;")


def test_the_build_date_is_source_date_epoch_else_the_peildatum(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    datum = bestanden.bouwdatum({"peildatum": "2026-10-31"})
    assert datum.isoformat() == "2026-10-31T00:00:00+00:00"
    assert bestanden.bouwdatum_herkomst({"peildatum": "2026-10-31"}) == "peildatum"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert bestanden.bouwdatum({"peildatum": "2026-10-31"}).isoformat() == "2023-11-14T22:13:20+00:00"
    assert bestanden.bouwdatum_herkomst({}) == "SOURCE_DATE_EPOCH"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "gisteren")
    with pytest.raises(ConfigFout, match="SOURCE_DATE_EPOCH moet een geheel aantal seconden"):
        bestanden.bouwdatum({})


QMD = """---
title: "Datumtest"
date: today
format:
  pdf: default
---

Tekst met `code`, $x^2$ en een paar tekens: € – ≤ ≥ ë é.
"""


def test_a_pdf_does_not_depend_on_the_clock_or_the_machine_fonts(tmp_path, monkeypatch):
    """Two renders at clocks 26 hours apart, with SOURCE_DATE_EPOCH fixed: the same bytes,
    the fixed date as creation date and as the `date: today` of the front matter."""
    (tmp_path / "d.qmd").write_text(QMD, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1793404800")  # 2026-10-31 00:00 UTC
    pdfs = []
    for i, tz in enumerate((mini_regio.KLOK_OOST, mini_regio.KLOK_WEST)):
        monkeypatch.setenv("TZ", tz)
        time.tzset()
        pdfs.append(render.render(tmp_path / "d.qmd", tmp_path / f"uit{i}", formats=("pdf",),
                                  engine="ingebouwd")["pdf"].read_bytes())
    monkeypatch.delenv("TZ")
    time.tzset()
    assert pdfs[0] == pdfs[1]
    assert re.findall(rb"/CreationDate\s*\((D:[0-9Z+']+)\)", pdfs[0]) == [PEILDATUM]
    assert all(f.startswith(("SourceSansPro-", "DejaVuSansMono", "NewCM")) for f in _pdf_fonts(pdfs[0]))
    assert "SourceSansPro-Regular" in _pdf_fonts(pdfs[0])
    if os.path.exists("/usr/bin/pdftotext"):
        import subprocess

        tekst = subprocess.run(["pdftotext", "-", "-"], input=pdfs[0], capture_output=True,
                               check=True).stdout.decode()
        assert "31 oktober 2026" in tekst


def test_a_missing_pdf_font_is_a_clear_error_before_anything_runs(tmp_path, monkeypatch):
    import font_source_sans_pro

    monkeypatch.setattr(font_source_sans_pro, "font_directory", str(tmp_path / "leeg"))
    (tmp_path / "d.qmd").write_text(QMD, encoding="utf-8")
    with pytest.raises(render.RenderFout, match="lettertype Source Sans Pro .*onvolledig"):
        render.render(tmp_path / "d.qmd", tmp_path / "uit", formats=("pdf",), engine="ingebouwd")
    assert not (tmp_path / "uit" / "d.pdf").exists()


def test_the_xlsx_zip_is_the_same_whatever_the_clock(tmp_path, monkeypatch):
    """openpyxl stamps the current time into docProps/core.xml and every zip entry."""
    from evaluatie import export

    wb = openpyxl.Workbook()
    wb.active.append(["a", 1])
    uit = []
    for i, nu in enumerate((1_000_000_000, 1_900_000_000)):
        monkeypatch.setattr(time, "time", lambda nu=nu: float(nu))
        pad = tmp_path / f"{i}.xlsx"
        wb.save(pad)
        export._vaste_tijden(pad, wb, bestanden.bouwdatum({"peildatum": "2026-10-31"}))
        uit.append(pad.read_bytes())
    assert uit[0] == uit[1]
    with zipfile.ZipFile(io.BytesIO(uit[0])) as z:
        assert b"2026-10-31T00:00:00Z" in z.read("docProps/core.xml")
