"""Tests voor de rapportrenderer (evaluatie.render).

Een kernelstart kost een paar seconden; de renders die een kernel nodig hebben, worden
daarom in één modulefixture gedaan (twee tegelijk, met verschillende parameters) en door
meerdere tests gelezen.
"""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evaluatie import render as render_mod
from evaluatie.render import RenderFout, render

FIXTURES = Path(__file__).parent / "fixtures" / "qmd"
RAPPORT = FIXTURES / "rapport.qmd"

PARAMS_A = {"interventie": "Beweegkuur", "n_deelnemers": 42, "wijken": ["Oost", "West"]}
PARAMS_B = {"interventie": "Kookclub", "n_deelnemers": 17, "wijken": ["Zuid"]}
METADATA_B = {"title": "Kookclub Zuid & Noord", "subtitle": "Jaarrapport 2026"}


class _Attributen(HTMLParser):
    """Verzamel alle src- en href-attributen en de alt-teksten van <img>."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.alts: list[str] = []
        self.img_src: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for naam, waarde in attrs:
            if naam in ("src", "href") and waarde is not None:
                self.links.append(waarde)
        if tag == "img":
            d = dict(attrs)
            self.img_src.append(d.get("src") or "")
            self.alts.append(d.get("alt") or "")


def _attributen(html: str) -> _Attributen:
    p = _Attributen()
    p.feed(html)
    return p


def _platte_tekst(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Render hetzelfde sjabloon tegelijk met twee parametersets naar twee mappen."""
    basis = tmp_path_factory.mktemp("renders")
    taken = {
        "a": (PARAMS_A, ("html", "pdf")),
        "b": (PARAMS_B, ("html", "pdf")),
    }
    metadata = {"b": METADATA_B}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            naam: pool.submit(render, RAPPORT, basis / naam, params=p, formats=f,
                              engine="ingebouwd", metadata=metadata.get(naam))
            for naam, (p, f) in taken.items()
        }
        return {naam: fut.result() for naam, fut in futures.items()}


@pytest.fixture(scope="module")
def html_a(renders: dict[str, dict[str, Path]]) -> str:
    return renders["a"]["html"].read_text(encoding="utf-8")


def test_uitvoerbestanden_en_opruimen(renders: dict[str, dict[str, Path]]) -> None:
    assert renders["a"]["html"].name == "rapport.html"
    assert renders["a"]["pdf"].name == "rapport.pdf"
    assert set(renders["b"]) == {"html", "pdf"}
    for res in renders.values():
        map_ = res["html"].parent
        # De werkmap (.render-<stem>-<uuid>) is na afloop weg.
        assert sorted(p.name for p in map_.iterdir()) == sorted(p.name for p in res.values())


def test_parameters_en_inline_waarden(html_a: str) -> None:
    tekst = _platte_tekst(html_a)
    assert "Beweegkuur" in tekst
    assert "met 42 deelnemers uit 2 wijk(en): Oost, West." in tekst
    assert "Standaardinterventie" not in tekst  # standaardwaarde is overschreven
    # Inline-expressies in ingevoegde bestanden (ook genest en in een submap).
    assert "Deelnemers zijn op 3 momenten gemeten." in tekst
    assert "Wijken in deze rapportage: Oost; West." in tekst
    assert "van 1,42 op T0 naar 1,27 op T2" in tekst
    assert "{python}" not in html_a


def test_include_en_callout(html_a: str) -> None:
    assert 'id="sec-methode"' in html_a
    assert 'id="definities"' in html_a
    assert "{{<" not in html_a
    assert 'class="callout callout-note"' in html_a
    assert "Leeswijzer" in html_a
    assert "Waarschuwing" in html_a  # standaardtitel van callout-warning bij lang: nl


def test_asis_tabel_met_bijschrift_en_uitlijning(html_a: str) -> None:
    assert '<table id="tbl-uitkomsten"' in html_a
    assert re.search(r"<caption>\s*Tabel 1: Uitkomsten voor en na", html_a)
    assert "<td>Positieve Gezondheid (totaal)</td>" in html_a
    # Kolommen met alleen getallen worden rechts uitgelijnd (evaluatie.lua).
    assert '<td style="text-align: right;">−0,15</td>' in html_a


def test_figuur_ingebed_met_bijschrift_en_alt(html_a: str) -> None:
    attr = _attributen(html_a)
    assert len(attr.img_src) == 1
    assert attr.img_src[0].startswith("data:image/png;base64,")
    assert attr.alts == ["Lijndiagram: de gemiddelde BMI-z daalt van 1,42 op T0 naar 1,27 op T2."]
    assert re.search(r'<figure id="fig-bmi">', html_a)
    assert "Figuur 1: Gemiddelde BMI-z per meetmoment" in html_a


def test_kruisverwijzingen(html_a: str) -> None:
    assert '<a href="#fig-bmi">Figuur 1</a> laat het verloop' in html_a  # --wrap=none
    assert '<a href="#tbl-uitkomsten">Tabel 1</a>' in html_a
    assert '<a href="#sec-methode">Methode</a>' in html_a
    assert "@fig-" not in html_a and "@tbl-" not in html_a and "?@" not in html_a


def test_html_op_zichzelf_staand(html_a: str) -> None:
    links = _attributen(html_a).links
    assert links, "de parser vond geen enkel src/href-attribuut"
    extern = [u for u in links if re.match(r"\s*(https?:)?//", u, re.IGNORECASE)]
    assert extern == []
    assert "<link " not in html_a  # css is ingebed
    assert "<script" not in html_a  # geen MathJax of andere scripts


def test_geen_traceback_of_broncode(html_a: str) -> None:
    assert "Traceback" not in html_a
    assert "Error" not in _platte_tekst(html_a)
    assert "plt.subplots" not in html_a  # echo: false uit execute
    assert "#|" not in html_a


def test_pdf(renders: dict[str, dict[str, Path]]) -> None:
    pdf = renders["a"]["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF")
    m = re.search(rb"/Type\s*/Pages\s*/Count\s+(\d+)", pdf)
    assert m is not None and int(m.group(1)) >= 1
    if shutil.which("pdftotext"):
        tekst = subprocess.run(["pdftotext", str(renders["a"]["pdf"]), "-"], check=True,
                               capture_output=True, text=True).stdout
        assert "Beweegkuur" in tekst
        assert "Figuur 1: Gemiddelde BMI-z per meetmoment" in tekst
        assert "Tabel 1: Uitkomsten" in tekst
        assert "Traceback" not in tekst


def test_parallelle_renders_mengen_niet(renders: dict[str, dict[str, Path]], html_a: str) -> None:
    html_b = renders["b"]["html"].read_text(encoding="utf-8")
    tekst_b = _platte_tekst(html_b)
    assert "Kookclub" in tekst_b and "met 17 deelnemers uit 1 wijk(en): Zuid." in tekst_b
    assert "Beweegkuur" not in tekst_b and "Oost" not in tekst_b
    assert "Kookclub" not in html_a and "Zuid" not in html_a


def test_fout_in_cel_noemt_document_en_cel(tmp_path: Path) -> None:
    with pytest.raises(RenderFout) as info:
        render(FIXTURES / "fout.qmd", tmp_path / "uit", engine="ingebouwd")
    melding = str(info.value)
    assert "fout.qmd" in melding
    assert "'berekening'" in melding and "codecel 2" in melding
    assert "ZeroDivisionError: division by zero" in melding
    assert not (tmp_path / "uit" / "fout.html").exists()
    assert list((tmp_path / "uit").iterdir()) == []  # ook geen achtergebleven werkmap


def test_auto_kiest_ingebouwd_zonder_quarto(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    gekozen: list[str] = []

    def nep_ingebouwd(kopie: Path, params: dict, formaten: tuple, bron: Path,
                      metadata: dict | None = None) -> dict:
        gekozen.append("ingebouwd")
        uit = kopie.with_suffix(".html")
        uit.write_text("<html></html>", encoding="utf-8")
        return {"html": uit}

    def nep_quarto(*args: object) -> dict:
        raise AssertionError("quarto mag niet gekozen worden")

    monkeypatch.setattr(render_mod.shutil, "which", lambda naam: None)
    monkeypatch.setattr(render_mod, "_render_ingebouwd", nep_ingebouwd)
    monkeypatch.setattr(render_mod, "_render_quarto", nep_quarto)
    res = render(RAPPORT, tmp_path, engine="auto")
    assert gekozen == ["ingebouwd"]
    assert res == {"html": tmp_path / "rapport.html"}
    with pytest.raises(RenderFout, match="quarto staat niet op het PATH"):
        render(RAPPORT, tmp_path, engine="quarto")


@pytest.mark.skipif(sys.platform == "win32", reason="nep-quarto is een shellscript")
def test_auto_gebruikt_quarto_als_die_er_is(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    """Met quarto op het PATH: één aanroep in een kopie, parameters via een YAML-bestand."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "quarto.log"
    script = bin_ / "quarto"
    script.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        echo "$PWD" > {log}
        echo "$@" >> {log}
        cat .rapport-params.yml >> {log}
        ls >> {log}
        echo html > rapport.html
        echo '%PDF-1.7' > rapport.pdf
        """), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_}:/usr/bin:/bin")
    res = render(RAPPORT, tmp_path / "uit", params={"n_deelnemers": 5, "wijken": ["Noord"]},
                 formats=("html", "pdf"), metadata={"title": "Kookclub: één jaar"})
    assert res == {"html": tmp_path / "uit" / "rapport.html",
                   "pdf": tmp_path / "uit" / "rapport.pdf"}
    regels = log.read_text(encoding="utf-8").splitlines()
    assert "/.render-rapport-" in regels[0]  # in de eigen werkmap, niet naast het sjabloon
    assert regels[1] == ("render rapport.qmd --to html,typst --execute-params "
                         # the title is literal text, escaped for Markdown ("\\:" in JSON;
                         # the fake quarto's echo prints it as "\:")
                         '.rapport-params.yml -M embed-resources:true -M title:"Kookclub\\: één jaar"')
    assert "n_deelnemers: 5" in regels and "- Noord" in regels
    assert "_methode.qmd" in regels and "onderdelen" in regels  # includes zijn meegekopieerd


def test_includes_recursief_en_relatief(tmp_path: Path) -> None:
    tekst, gebruikt = render_mod._vouw_includes(RAPPORT.resolve())
    assert "# Methode {#sec-methode}" in tekst and "## Definities" in tekst
    assert "{{< include" not in tekst
    assert [p.name for p in gebruikt] == ["_methode.qmd", "_definities.qmd"]
    (tmp_path / "a.qmd").write_text("{{< include b.qmd >}}\n", encoding="utf-8")
    (tmp_path / "b.qmd").write_text("{{< include a.qmd >}}\n", encoding="utf-8")
    with pytest.raises(RenderFout, match="include-lus"):
        render_mod._vouw_includes(tmp_path / "a.qmd")


def test_onbekende_verwijzing_is_een_fout() -> None:
    nr = render_mod._Nummering()
    nr.voeg_toe("fig-a", RAPPORT)
    assert render_mod._vervang_verwijzingen("zie @fig-a.", nr, RAPPORT) == (
        "zie [Figuur 1](#fig-a).")
    assert render_mod._vervang_verwijzingen("mail info@fig-a.nl", nr, RAPPORT) == (
        "mail info@fig-a.nl")
    with pytest.raises(RenderFout, match="@fig-b"):
        render_mod._vervang_verwijzingen("zie @fig-b", nr, RAPPORT)


def test_ongeldige_invoer(tmp_path: Path) -> None:
    with pytest.raises(RenderFout, match="formaat"):
        render(RAPPORT, tmp_path, formats=("docx",))
    with pytest.raises(RenderFout, match="engine"):
        render(RAPPORT, tmp_path, engine="knitr")
    with pytest.raises(RenderFout, match="type"):
        render(RAPPORT, tmp_path, params={"x": object()}, engine="ingebouwd")


def test_metadata_overschrijft_de_titel(renders: dict[str, dict[str, Path]], html_a: str) -> None:
    """Zoals ``quarto render -M title:…``: titelblok, <title> en PDF-kop krijgen de nieuwe titel."""
    html_b = renders["b"]["html"].read_text(encoding="utf-8")
    assert "<title>Kookclub Zuid &amp; Noord</title>" in html_b
    assert re.search(r'<h1 class="title">Kookclub Zuid &amp; Noord</h1>', html_b)
    assert "Jaarrapport 2026" in html_b
    assert "Evaluatie Gezond Gewicht" not in html_b
    # the other render of the same template keeps the front-matter title
    assert "<title>Evaluatie Gezond Gewicht</title>" in html_a
    pdf = renders["b"]["pdf"].read_bytes()
    assert b"Kookclub Zuid & Noord" in pdf or "Kookclub Zuid & Noord".encode("utf-16-be") in pdf
    if shutil.which("pdftotext"):
        tekst = subprocess.run(["pdftotext", "-l", "2", str(renders["b"]["pdf"]), "-"],
                               capture_output=True, text=True, check=True).stdout
        assert "Kookclub Zuid & Noord" in tekst and "Evaluatie Gezond Gewicht" not in tekst


def test_ongeldige_metadata(tmp_path: Path) -> None:
    with pytest.raises(RenderFout, match="kan niet worden overschreven"):
        render(RAPPORT, tmp_path, metadata={"params": "x"}, engine="ingebouwd")
    with pytest.raises(RenderFout, match="alleen tekst"):
        render(RAPPORT, tmp_path, metadata={"title": {"a": 1}}, engine="ingebouwd")


def test_asis_verwijzingen_regeleinde_en_sectie_die_op_een_cel_eindigt(tmp_path: Path) -> None:
    """Kruisverwijzingen in asis-uitvoer, <br> in een tabelcel (HTML en PDF), breedtes naar inhoud,
    en een ingevoegde sectie die met een codecel eindigt (jupytext: lines_to_next_cell)."""
    (tmp_path / "_deel.qmd").write_text(textwrap.dedent("""\
        ## Deel

        ```{python}
        #| output: asis
        print("Zie @tbl-t voor de cijfers.")
        ```
        """), encoding="utf-8")
    (tmp_path / "doc.qmd").write_text(textwrap.dedent("""\
        ---
        title: "Doc"
        execute:
          echo: false
        ---

        {{< include _deel.qmd >}}


        ```{python}
        #| label: tbl-t
        #| tbl-cap: "Cijfers."
        #| output: asis
        print("| Naam | Waarde |\\n|:---|---:|\\n| een heel lange naam die de regel langer maakt dan tweeënzeventig tekens | 12<br>(3 tot 20) |")
        ```
        """), encoding="utf-8")
    uit = render(tmp_path / "doc.qmd", tmp_path / "uit", formats=("html", "pdf"), engine="ingebouwd")
    html = uit["html"].read_text(encoding="utf-8")
    assert '<a href="#tbl-t">Tabel 1</a> voor de cijfers' in html
    assert "12<br />\n(3 tot 20)" in html or "12<br />(3 tot 20)" in html
    assert "<col style=\"width" not in html  # widths follow the content
    if shutil.which("pdftotext"):
        tekst = subprocess.run(["pdftotext", "-layout", str(uit["pdf"]), "-"], capture_output=True,
                               text=True, check=True).stdout
        assert "Tabel 1 voor de cijfers" in tekst
        assert "(3 tot 20)" in tekst and "12(3" not in tekst


def test_figure_object_zonder_pyplot_wordt_een_figuur(tmp_path: Path) -> None:
    """Zoals in Quarto: een matplotlib-Figure (ook zonder pyplot) als laatste expressie of in
    display() wordt een PNG-figuur met bijschrift en alt-tekst."""
    (tmp_path / "fig.qmd").write_text(textwrap.dedent("""\
        ---
        title: "Fig"
        execute:
          echo: false
        ---

        ```{python}
        #| label: fig-a
        #| fig-cap: "Laatste expressie."
        #| fig-alt: "Een lijn."
        from matplotlib.figure import Figure
        f = Figure(figsize=(4, 3))
        f.add_subplot().plot([0, 1], [0, 1])
        f
        ```

        ```{python}
        #| label: fig-b
        #| fig-cap: "Via display."
        g = Figure(figsize=(5, 2))
        g.add_subplot().plot([0, 1], [1, 0])
        display(g)
        ```
        """), encoding="utf-8")
    html = render(tmp_path / "fig.qmd", tmp_path / "uit", engine="ingebouwd")["html"].read_text("utf-8")
    p = _attributen(html)
    assert len(p.img_src) == 2 and all(s.startswith("data:image/png;base64,") for s in p.img_src)
    assert p.alts == ["Een lijn.", "Figuur 2: Via display."]
    assert "&lt;Figure size" not in html
