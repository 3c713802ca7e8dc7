"""Escaping for Markdown and spreadsheets (evaluatie.veilig), and the renderer's guards."""

from __future__ import annotations

import json
import random
import string
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from evaluatie import render as R
from evaluatie.rapport import onder_elkaar, pipe_tabel, vet
from evaluatie.veilig import FORMULETEKENS, Md, cel, cel_terug, md

VIJANDIG = [
    "<script>alert(1)</script>",
    '<img src="http://127.0.0.1:9/x.png" onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    "![b](http://127.0.0.1:9/b.png)",
    "<http://127.0.0.1:9/auto>",
    "**vet** _schuin_ ~~weg~~ ^hoog^ ~laag~ `code` ``dubbel``",
    "$x^2$ $$\\frac{1}{2}$$ \\(x\\)",
    "@fig-x [@tbl-y] [-@sec-z] @iemand",
    "{{< meta title >}} {{</* include x */>}}",
    "]#panic(\"typst\")[ #set page(width: 1cm) #import \"x\"",
    "<!-- commentaar --> &amp; &lt;b&gt; &#x3C;",
    "# kop\n## kop 2\n- lijst\n1. genummerd\n> citaat\n    code",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "::: {.callout-note}\nx\n:::",
    "```{=html}\n<script>alert(1)</script>\n```",
    "[tekst]{.class style=\"color:red\"}  {#id}",
    "\\ \\\\ \\* eind\\",
    "Café – €\u00a01.234,5 ½ “aanhalingstekens” ‘enkel’",
    "tab\there\rcr\x00nul\x1b[31mansi\u202eomgekeerd\u2066iso",
    "=HYPERLINK(\"http://x\",\"y\") +1 -1 @SUM(A1) \tTAB",
    "  voorloop en naloop  ",
    "a\u2028b\u2029c",
]


def _willekeurig(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    tekens = string.printable + "éü€–—“”‘’\u00a0"
    return ["".join(rng.choice(tekens) for _ in range(rng.randint(0, 60))) for _ in range(n)]


def _platte_tekst(markdown: list[str]) -> list[str]:
    """What pandoc makes of each Markdown line, as plain text (one pandoc run)."""
    blok = "\n\n".join(f"<<{i}>> {m}" for i, m in enumerate(markdown))
    uit = subprocess.run([R._pandoc_pad(), "--from", "markdown", "--to", "json"], input=blok,
                         capture_output=True, text=True, check=True).stdout
    doc = json.loads(uit)

    def tekst(el) -> str:
        if isinstance(el, list):
            return "".join(tekst(e) for e in el)
        if not isinstance(el, dict):
            return ""
        t, c = el.get("t"), el.get("c")
        if t == "Str":
            return c
        if t in ("Space", "SoftBreak"):
            return " "
        if t in ("Emph", "Strong", "Para", "Plain", "Span", "Link", "Image", "Code",
                 "RawInline", "Math", "Quoted", "Cite", "Strikeout", "Superscript", "Subscript"):
            return f"<{t}>"  # any structure at all means the text was not literal
        return tekst(c)

    regels = {}
    for blok_el in doc["blocks"]:
        assert blok_el["t"] == "Para", blok_el["t"]
        inhoud = "".join(tekst(e) for e in blok_el["c"])
        nr, _, rest = inhoud.partition(" ")
        regels[int(nr.strip("<>"))] = rest
    return [regels[i] for i in range(len(markdown))]


def _verwacht(x: str) -> str:
    """The text as it should read: line breaks and tabs as spaces, control characters gone."""
    import re

    x = re.sub(r"[\r\n\t\v\f\u2028\u2029\x85]+", " ", x)
    x = re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]", "", x)
    return re.sub(r" +", " ", x).strip()


def test_escaped_text_reads_literally_after_pandoc():
    teksten = VIJANDIG + _willekeurig(300)
    uit = _platte_tekst([md(t) for t in teksten])
    for t, u in zip(teksten, uit, strict=True):
        assert _verwacht(u.replace("\u00a0", " ")) == _verwacht(t.replace("\u00a0", " ")), (t, u)


def test_unescaped_text_is_not_literal():
    """The check above can fail: raw hostile strings become structure."""
    for t in VIJANDIG[:6]:
        uit = subprocess.run([R._pandoc_pad(), "--from", "markdown", "--to", "json"], input=t,
                             capture_output=True, text=True, check=True).stdout
        assert any(f'"t":"{s}"' in uit for s in ("RawInline", "RawBlock", "Link", "Image", "Strong", "Code")), t


def test_md_keeps_trusted_markup_and_escapes_what_joins_it():
    assert md(Md("**x**")) == "**x**"
    assert md("**x**") == "\\*\\*x\\*\\*"
    assert (vet("a*b") + " (c)").tekst == "**a\\*b** \\(c\\)"
    assert ("[x] " + vet("y")).tekst == "\\[x\\] **y**"
    assert f"{vet('z')}" == "**z**"
    assert onder_elkaar("1", "[2; 3]").tekst == "1<br>\\[2\\; 3\\]"


def test_pipe_tabel_escapes_cells_but_not_trusted_markup():
    df = pd.DataFrame([{"Naam <b>": "<script>x</script>", "Waarde": vet("Totaal")},
                       {"Naam <b>": "a|b\nc", "Waarde": onder_elkaar("1", "n = 2")}])
    assert not isinstance(df["Naam <b>"].iloc[0], Md)  # pandas 3 keeps plain text as str
    tabel = pipe_tabel(df)
    assert "\\<script\\>" in tabel and "<script>" not in tabel
    assert "**Totaal**" in tabel and "1<br>n \\= 2" in tabel
    assert "Naam \\<b\\>" in tabel and "a\\|b c" in tabel


@pytest.mark.parametrize("waarde", ["=1+1", "+31", "-2+3", "@SUM(A1)", "\tx", "\rx", "'al", "''",
                                    "gewoon", "", "1,5", "é="])
def test_spreadsheet_cells_are_neutralised_and_read_back_exactly(waarde):
    uit = cel(waarde)
    assert not str(uit).startswith(FORMULETEKENS)
    assert cel_terug(uit) == waarde


def test_cel_leaves_numbers_alone():
    assert cel(-1.5) == -1.5 and cel(None) is None


def _render(tmp_path: Path, inhoud: str, **meta) -> str:
    qmd = tmp_path / "doc.qmd"
    meta = {"execute": {"echo": False}, **meta}
    kop = "".join(f"{k}: {json.dumps(v)}\n" for k, v in meta.items())
    qmd.write_text(f"---\n{kop}---\n\n{inhoud}\n", encoding="utf-8")
    uit = R.render(qmd, tmp_path / "uit", formats=["html"], engine="ingebouwd")
    return uit["html"].read_text(encoding="utf-8")


def test_renderer_guard_turns_raw_markup_from_cells_into_text(tmp_path):
    """Even unescaped output of a cell cannot run: raw HTML is text, outside links and images
    are dropped, the page forbids all network access."""
    cel_code = ("```{python}\n#| output: asis\n"
                "print('<script>alert(1)</script> <img src=x onerror=alert(2)> "
                "[klik](javascript:alert(3)) ![b](http://127.0.0.1:9/b.png) <br> [binnen](#x)')\n"
                "print()\nprint('<div onclick=\"alert(4)\">blok</div>')\n```\n")
    html = _render(tmp_path, cel_code, title="Gewoon")
    romp = html.split("<body", 1)[1]
    assert "<script" not in romp and "onerror=" not in romp.replace("onerror=alert(2)&gt;", "")
    assert "javascript:" not in romp.replace("(javascript:alert(3))", "")
    assert "127.0.0.1" not in romp and "<div onclick" not in romp
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in romp
    assert '<a href="#x">binnen</a>' in romp and "<br />" in romp
    csp = html.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
    assert csp.replace("&#39;", "'").startswith("default-src 'none';")


def test_metadata_from_outside_is_literal_in_title_and_heading(tmp_path):
    titel = "<script>alert(1)</script> **vet** [x](javascript:y)"
    qmd = tmp_path / "doc.qmd"
    qmd.write_text("---\ntitle: x\n---\n\nTekst.\n", encoding="utf-8")
    html = R.render(qmd, tmp_path / "uit", formats=["html"], engine="ingebouwd",
                    metadata={"title": titel})["html"].read_text(encoding="utf-8")
    kop = html.split("</head>")[0]
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; **vet** [x](javascript:y)</title>" in kop
    assert '<h1 class="title">&lt;script&gt;alert(1)&lt;/script&gt; **vet** [x](javascript:y)</h1>' in html


def test_escaped_crossreference_is_not_resolved(tmp_path):
    html = _render(tmp_path, "```{python}\n#| output: asis\nfrom evaluatie.veilig import md\n"
                             "print(md('zie @fig-onbekend'))\n```\n")
    assert "zie @fig-onbekend" in html


def test_released_csv_round_trips_any_text(tmp_path):
    """contract.schrijf/lees_csv: formula starts are neutralised, line breaks (also a lone CR),
    quotes, separators and apostrophes come back exactly."""
    from evaluatie import contract

    teksten = ["=1+1", "'=x", "a\rb", "a\nb", "a\r\nb", 'zeg "hoi", ja', "-", "@", "\tx", "gewoon",
               "'", "", *VIJANDIG]
    df = pd.DataFrame({"tekst": teksten, "n": range(len(teksten))})
    pad = tmp_path / "t.csv"
    contract.schrijf(df, pad)
    terug = contract.lees_csv(pad, {"tekst": "string", "n": "Int64"})
    verwacht = [None if t == "" else t for t in teksten]
    assert [None if pd.isna(x) else x for x in terug["tekst"]] == verwacht
    assert terug["n"].tolist() == list(range(len(teksten)))
    import csv as _csv
    with open(pad, encoding="utf-8", newline="") as f:
        rijen = list(_csv.reader(f))
    assert len(rijen) == len(teksten) + 1
    assert not any(r[0].startswith(FORMULETEKENS) for r in rijen[1:])
