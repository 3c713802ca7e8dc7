"""Rapporten renderen uit Quarto-documenten (``.qmd``) naar HTML en PDF.

Met ``quarto`` op het PATH rendert :func:`render` met ``quarto render``. Zonder Quarto
gebruikt het de ingebouwde renderer: een dunne laag over onderhouden gereedschap
(jupytext leest het document, papermill schrijft de parametercel, nbclient voert de
cellen uit in een Jupyter-kernel, pandoc zet Markdown om naar HTML en Typst, typst maakt
de PDF). De ingebouwde renderer ondersteunt een gedocumenteerde deelverzameling van
Quarto (zie ``docs/qmd-subset.md``) en volgt daarin Quarto's eigen betekenis, zodat
beide renderers hetzelfde rapport geven.

Elke render draait in een eigen, verse werkmap met een kopie van het document en de
bestanden die het invoegt; parallelle renders van één sjabloon naar verschillende
uitvoermappen zitten elkaar dus niet in de weg.
"""

from __future__ import annotations

import ast
import asyncio
import atexit
import base64
import datetime as dt
import functools
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evaluatie import bestanden
from evaluatie.fouten import EvaluatieFout
from evaluatie.veilig import md

__all__ = ["RenderFout", "render"]

ASSETS = Path(__file__).with_name("render_assets")
FORMATEN = ("html", "pdf")
ENGINES = ("auto", "quarto", "ingebouwd")

# Quarto-standaarden voor figuren in HTML (fig-width 7 inch, fig-height 5 inch, 96 dpi,
# fig-format retina). Een documentniveau-instelling in de front matter gaat voor.
_FIG_BREEDTE_INCH = 7.0
_FIG_HOOGTE_INCH = 5.0
_FIG_DPI = 96
_TEKSTBREEDTE_PDF_INCH = (21.0 - 2 * 2.3) / 2.54  # A4 min marges uit evaluatie.typ

_MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
_CROSSREF_PREFIX = {"fig": "Figuur", "tbl": "Tabel"}
# Front-matter-sleutels die alleen de renderer aangaan en niet naar pandoc gaan.
_RENDER_SLEUTELS = {
    "format", "execute", "jupyter", "params", "engine", "resources", "knitr",
    "fig-width", "fig-height", "fig-dpi", "toc", "toc-depth", "toc-title", "number-sections",
}

_INCLUDE_RE = re.compile(r"\{\{<\s*include\s+(?:\"(?P<q>[^\"]+)\"|(?P<p>[^\s>]+))\s*>\}\}")
_INCLUDE_ESCAPE_RE = re.compile(r"\{\{</\*\s*(?P<inhoud>.*?)\s*\*/>\}\}")
_INLINE_RE = re.compile(r"`\{python\}\s+(?P<expr>[^`]+?)\s*`")
_REF_RE = re.compile(
    r"\[-?@(?P<id1>(?:fig|tbl|sec)-[\w-]*\w)\]"
    r"|(?<![\w@.\\])@(?P<id2>(?:[Ff]ig|[Tt]bl|[Ss]ec)-[\w-]*\w)"
)
_MD_FIGUUR_RE = re.compile(
    r"!\[(?P<cap>[^\]]*)\]\((?P<pad>[^)\s]+)\)\{#(?P<id>fig-[\w-]*\w)(?P<rest>[^}]*)\}"
)
_MD_TABEL_RE = re.compile(
    r"^(?P<kop>:|Table:)\s*(?P<cap>.*?)\s*\{#(?P<id>tbl-[\w-]*\w)(?P<rest>[^}]*)\}\s*$",
    re.MULTILINE,
)
_MD_SECTIE_RE = re.compile(
    r"^#{1,6}\s+(?P<tekst>.*?)\s*\{#(?P<id>sec-[\w-]*\w)[^}]*\}\s*$", re.MULTILINE
)
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_PANDOC_SLOT = threading.Lock()


class RenderFout(EvaluatieFout, RuntimeError):
    """Het rapport kon niet worden gerenderd (fout in een cel, ontbrekend bestand, …)."""


# --------------------------------------------------------------------------------------
# Publieke API
# --------------------------------------------------------------------------------------


def render(
    qmd: Path,
    output_dir: Path,
    params: dict[str, Any] | None = None,
    formats: Sequence[str] = ("html",),
    engine: str = "auto",
    werkmap: Path | None = None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Path]:
    """Render een Quarto-document naar HTML en/of PDF.

    Parameters
    ----------
    qmd
        Het ``.qmd``-document (sjabloon).
    output_dir
        Map waarin ``<stem>.html`` en ``<stem>.pdf`` komen; wordt zo nodig aangemaakt.
    params
        Parameterwaarden (str, int, float, bool, list, dict; een ``Path`` wordt str). Ze
        overschrijven de waarden in de cel met ``#| tags: [parameters]``, zoals Quarto met
        de Jupyter-engine (en papermill) doet. Geef paden naar invoerbestanden absoluut
        door: het document wordt in een kopie in een werkmap uitgevoerd.
    formats
        Deelverzameling van ``("html", "pdf")``.
    engine
        ``"auto"`` (Quarto als ``quarto`` op het PATH staat, anders ingebouwd),
        ``"quarto"`` of ``"ingebouwd"``.
    werkmap
        Map waaronder de tijdelijke werkmap van deze render komt; standaard
        ``output_dir``. De werkmap (``.render-<stem>-<uuid>``) wordt na afloop verwijderd.
    metadata
        Documentmetadata die de front matter overschrijft, zoals ``quarto render -M
        sleutel:waarde``; bijvoorbeeld ``{"title": "Leefstijlloket"}`` maakt de naam van de
        interventie de titel (titelblok, ``<title>`` en de kop van de PDF). Waarden: tekst,
        getal, bool of lijsten daarvan. Tekst is platte tekst en komt er letterlijk te staan
        (:func:`evaluatie.veilig.md`), ook als ze van buiten komt: geen opmaak, geen HTML.

    Returns
    -------
    dict[str, Path]
        Per formaat het pad van het resultaat, bijvoorbeeld
        ``{"html": output_dir / "rapport.html", "pdf": output_dir / "rapport.pdf"}``.

    Raises
    ------
    RenderFout
        Als een cel een fout geeft (de melding noemt het document, de cel en de laatste
        regel van de Python-traceback), bij een onbekende verwijzing of een onbekend
        formaat. Er wordt dan geen rapport geschreven.
    """
    qmd = Path(qmd).resolve()
    if not qmd.is_file():
        raise RenderFout(f"{qmd}: document bestaat niet")
    formaten = _controleer_formaten(formats)
    gekozen = _kies_engine(engine)
    output_dir = Path(output_dir).resolve()
    output_dir.mkdir(parents=True, exist_ok=True)
    basis = Path(werkmap).resolve() if werkmap is not None else output_dir
    basis.mkdir(parents=True, exist_ok=True)
    werk = basis / f".render-{qmd.stem}-{uuid.uuid4().hex}"
    werk.mkdir()
    parameters = {k: _parameterwaarde(k, v) for k, v in (params or {}).items()}
    overschrijf = _metadata(metadata)
    try:
        kopie = _kopieer_bronnen(qmd, werk)
        if gekozen == "quarto":
            resultaat = _render_quarto(kopie, parameters, formaten, overschrijf)
        else:
            resultaat = _render_ingebouwd(kopie, parameters, formaten, bron=qmd,
                                          metadata=overschrijf)
        uit: dict[str, Path] = {}
        for formaat, pad in resultaat.items():
            doel = output_dir / f"{qmd.stem}.{formaat}"
            bestanden.plaats(pad, doel)  # a rename within output_dir: atomic
            uit[formaat] = doel
        return uit
    finally:
        shutil.rmtree(werk, ignore_errors=True)


# --------------------------------------------------------------------------------------
# Gemeenschappelijk: keuze, parameters, kopiëren en invoegen
# --------------------------------------------------------------------------------------


def _controleer_formaten(formats: Sequence[str]) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",")]
    onbekend = [f for f in formats if f not in FORMATEN]
    if onbekend or not formats:
        raise RenderFout(f"onbekend formaat {onbekend or formats}; kies uit {FORMATEN}")
    return tuple(dict.fromkeys(formats))


def _kies_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise RenderFout(f"onbekende engine {engine!r}; kies uit {ENGINES}")
    if engine == "auto":
        return "quarto" if shutil.which("quarto") else "ingebouwd"
    if engine == "quarto" and not shutil.which("quarto"):
        raise RenderFout("engine='quarto' gevraagd, maar quarto staat niet op het PATH")
    return engine


def _parameterwaarde(naam: str, waarde: Any) -> Any:
    if not naam.isidentifier():
        raise RenderFout(f"parameternaam {naam!r} is geen geldige Python-naam")
    if isinstance(waarde, Path):
        return str(waarde)
    if isinstance(waarde, tuple):
        return [_parameterwaarde(naam, w) for w in waarde]
    if isinstance(waarde, list):
        return [_parameterwaarde(naam, w) for w in waarde]
    if isinstance(waarde, dict):
        return {str(k): _parameterwaarde(naam, w) for k, w in waarde.items()}
    if waarde is None or isinstance(waarde, str | bool | int | float):
        return waarde
    raise RenderFout(f"parameter {naam!r}: type {type(waarde).__name__} wordt niet ondersteund")


def _metadata(metadata: dict[str, Any] | None) -> dict[str, Any]:
    """Controleer metadata-overschrijvingen: sleutels als in de front matter, eenvoudige waarden."""
    uit: dict[str, Any] = {}
    for sleutel, waarde in (metadata or {}).items():
        if not isinstance(sleutel, str) or not re.fullmatch(r"[A-Za-z][\w-]*", sleutel):
            raise RenderFout(f"metadata-sleutel {sleutel!r} is geen geldige naam")
        if sleutel in ("params", "format", "execute", "jupyter", "engine"):
            raise RenderFout(f"metadata-sleutel {sleutel!r} kan niet worden overschreven")
        waarden = waarde if isinstance(waarde, list) else [waarde]
        if not all(isinstance(w, str | int | float | bool) for w in waarden):
            raise RenderFout(f"metadata {sleutel!r}: alleen tekst, getallen en lijsten daarvan")
        letterlijk = [str(md(w)) if isinstance(w, str) else w for w in waarden]
        uit[sleutel] = letterlijk if isinstance(waarde, list) else letterlijk[0]
    return uit


def _splits_front_matter(tekst: str) -> tuple[dict[str, Any], str]:
    """Scheid de YAML-front-matter van de rest van het document."""
    m = re.match(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", tekst,
                 re.DOTALL)
    if not m:
        return {}, tekst
    meta = yaml.safe_load(m.group(1)) or {}
    if not isinstance(meta, dict):
        raise RenderFout("de front matter is geen YAML-mapping")
    return meta, tekst[m.end():]


def _include_pad(m: re.Match[str], map_: Path) -> Path:
    return (map_ / (m.group("q") or m.group("p"))).resolve()


def _vouw_includes(pad: Path, stapel: tuple[Path, ...] = ()) -> tuple[str, list[Path]]:
    """Vervang ``{{< include … >}}`` recursief door de inhoud van het bestand.

    Paden zijn relatief aan het bestand dat invoegt (zoals in Quarto). Een front matter in
    een ingevoegd bestand wordt weggelaten. Geeft de tekst en alle ingevoegde bestanden.
    """
    if pad in stapel:
        keten = " -> ".join(p.name for p in (*stapel, pad))
        raise RenderFout(f"{stapel[0]}: include-lus ({keten})")
    if not pad.is_file():
        bron = stapel[-1] if stapel else pad
        raise RenderFout(f"{bron}: ingevoegd bestand {pad} bestaat niet")
    tekst = pad.read_text(encoding="utf-8")
    if stapel:
        _, tekst = _splits_front_matter(tekst)
    gebruikt: list[Path] = []

    def vervang(m: re.Match[str]) -> str:
        doel = _include_pad(m, pad.parent)
        inhoud, sub = _vouw_includes(doel, (*stapel, pad))
        gebruikt.append(doel)
        gebruikt.extend(sub)
        return inhoud.rstrip("\n")

    tekst = _INCLUDE_RE.sub(vervang, tekst)
    return tekst, gebruikt


def _kopieer_bronnen(qmd: Path, werk: Path) -> Path:
    """Kopieer het document, de ingevoegde bestanden en ``resources`` naar de werkmap.

    De onderlinge ligging (relatieve paden) blijft behouden. Geeft het pad van de kopie.
    """
    _, includes = _vouw_includes(qmd)
    meta, _ = _splits_front_matter(qmd.read_text(encoding="utf-8"))
    bronnen = {qmd, *includes}
    resources = meta.get("resources") or []
    if isinstance(resources, str):
        resources = [resources]
    for patroon in resources:
        gevonden = [p.resolve() for p in qmd.parent.glob(str(patroon)) if p.is_file()]
        if not gevonden:
            raise RenderFout(f"{qmd}: resources-patroon {patroon!r} vindt geen bestanden")
        bronnen.update(gevonden)
    wortel = Path(os.path.commonpath([str(p.parent) for p in bronnen]))
    for bron in bronnen:
        doel = werk / bron.relative_to(wortel)
        doel.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(bron, doel)
    return werk / qmd.relative_to(wortel)


# --------------------------------------------------------------------------------------
# Quarto
# --------------------------------------------------------------------------------------


def _render_quarto(kopie: Path, params: dict[str, Any], formaten: tuple[str, ...],
                   metadata: dict[str, Any] | None = None) -> dict[str, Path]:
    """Render met de Quarto-CLI. PDF gaat via Quarto's Typst-formaat (geen LaTeX nodig)."""
    quarto = shutil.which("quarto")
    assert quarto is not None
    _quarto_veilig(kopie)
    naar = {"html": "html", "pdf": "typst"}
    cmd = [quarto, "render", kopie.name, "--to", ",".join(naar[f] for f in formaten)]
    if params:
        paramsbestand = kopie.parent / f".{kopie.stem}-params.yml"
        paramsbestand.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
        cmd += ["--execute-params", paramsbestand.name]
    if "html" in formaten:
        cmd += ["-M", "embed-resources:true"]
    for sleutel, waarde in (metadata or {}).items():
        # -M neemt YAML-waarden; json is geldige YAML en houdt tekst tekst.
        cmd += ["-M", f"{sleutel}:{json.dumps(waarde, ensure_ascii=False)}"]
    proces = subprocess.run(cmd, cwd=kopie.parent, capture_output=True, text=True, check=False)
    if proces.returncode != 0:
        staart = "\n".join(proces.stderr.strip().splitlines()[-15:])
        raise RenderFout(f"{kopie.name}: quarto render faalde (code {proces.returncode}):\n"
                         f"{staart}")
    uit = {}
    for formaat in formaten:
        pad = kopie.with_suffix(f".{formaat}")
        if not pad.is_file():
            raise RenderFout(f"{kopie.name}: quarto maakte geen {pad.name}")
        uit[formaat] = pad
    return uit


#: Content-Security-Policy of a Quarto HTML report: Quarto's own scripts and styles are
#: inline or data: URIs (embed-resources); nothing may be fetched from anywhere. The built-in
#: renderer's template (render_assets/evaluatie.html) has no script at all and a stricter one.
CSP_QUARTO = ("default-src 'none'; script-src 'unsafe-inline' data:; style-src 'unsafe-inline' data:; "
              "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")


def _quarto_veilig(kopie: Path) -> None:
    """Give the working copy for Quarto the same guards as the built-in renderer.

    The filter ``veilig.lua`` (raw markup from outside becomes text, no outside links or
    images) and a Content-Security-Policy that forbids all network access, added to the
    copy's front matter (``filters``, ``include-in-header``), so the template stays as is.
    """
    tekst = kopie.read_text(encoding="utf-8")
    meta, body = _splits_front_matter(tekst)
    filters = meta.get("filters") or []
    meta["filters"] = [str(ASSETS / "veilig.lua"), *([filters] if isinstance(filters, str) else filters)]
    kop = meta.get("include-in-header") or []
    kop = [kop] if isinstance(kop, str | dict) else list(kop)
    meta["include-in-header"] = [
        {"text": f'<meta http-equiv="Content-Security-Policy" content="{CSP_QUARTO}">'}, *kop]
    kopie.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"
                     + body, encoding="utf-8")


# --------------------------------------------------------------------------------------
# Ingebouwde renderer: cellen lezen
# --------------------------------------------------------------------------------------


@dataclass
class _Cel:
    soort: str  # "markdown" of "code"
    bron: str
    opties: dict[str, Any] = field(default_factory=dict)
    nummer: int = 0  # volgnummer onder de codecellen (1, 2, …)
    uitvoer: list[dict[str, Any]] = field(default_factory=list)
    inline: dict[str, str] = field(default_factory=dict)

    @property
    def naam(self) -> str:
        label = self.opties.get("label")
        return f"cel '{label}' (codecel {self.nummer})" if label else f"codecel {self.nummer}"


def _cel_opties(bron: str) -> tuple[dict[str, Any], str]:
    """Lees de ``#|``-opties bovenaan een codecel (YAML) en geef ook de code zonder opties."""
    regels = bron.splitlines()
    optieregels = []
    i = 0
    while i < len(regels) and regels[i].startswith("#|"):
        optieregels.append(regels[i][2:].removeprefix(" "))
        i += 1
    opties = yaml.safe_load("\n".join(optieregels)) if optieregels else {}
    if opties is None:
        opties = {}
    if not isinstance(opties, dict):
        raise RenderFout(f"celopties zijn geen YAML-mapping: {optieregels}")
    return opties, "\n".join(regels[i:]).strip("\n")


def _lees_cellen(body: str, bron: Path) -> list[_Cel]:
    import jupytext

    # jupytext's qmd-lezer roept de quarto-CLI aan; de R-Markdown-lezer leest dezelfde
    # ```{python}-blokken zonder Quarto. De #|-opties blijven in de celtekst staan.
    nb = jupytext.reads(body, fmt="Rmd")
    cellen: list[_Cel] = []
    nummer = 0
    for cel in nb.cells:
        taal = cel.metadata.get("language")
        if cel.cell_type == "code" and taal and taal.startswith("="):
            # Ruwe pandoc-blokken (```{=html}) zijn geen code.
            cellen.append(_Cel("markdown", f"```{{{taal}}}\n{cel.source}\n```"))
            continue
        if cel.cell_type == "code":
            nummer += 1
            if taal or cel.source.startswith("%%R"):
                raise RenderFout(f"{bron}: codecel {nummer}: alleen {{python}}-cellen worden "
                                 f"ondersteund (gevonden: {taal or 'r'})")
            # lines_to_next_cell is jupytext's record of blank lines after the cell
            # (e.g. where an included section ends with a cell), not a cell option.
            if set(cel.metadata) - {"language", "lines_to_next_cell"}:
                raise RenderFout(f"{bron}: codecel {nummer}: zet celopties als '#| optie: "
                                 f"waarde' in de cel, niet in de kop van het blok")
            try:
                opties, _ = _cel_opties(cel.source)
            except yaml.YAMLError as exc:
                raise RenderFout(f"{bron}: codecel {nummer}: ongeldige #|-opties: {exc}") from None
            cellen.append(_Cel("code", cel.source, opties, nummer))
        elif cel.cell_type == "markdown":
            cellen.append(_Cel("markdown", cel.source))
        else:  # raw: alleen een eventuele front matter, die al is weggehaald
            cellen.append(_Cel("markdown", cel.source))
    return cellen


# --------------------------------------------------------------------------------------
# Ingebouwde renderer: uitvoeren
# --------------------------------------------------------------------------------------


def _kernelspec(werk: Path) -> Path:
    """Schrijf een kernelspec die naar de Python van deze omgeving wijst.

    Zo hangt de render niet af van een kernelspec in de gebruikersmap (die naar een
    andere Python kan wijzen) en werkt hij vanuit een verse venv.
    """
    map_ = werk / ".kernels" / "evaluatie-python3"
    map_.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                 "-f", "{connection_file}"],
        "display_name": "Python 3 (evaluatie)",
        "language": "python",
        "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline"},
    }
    (map_ / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return map_.parent


def _setupcode(meta: dict[str, Any]) -> str:
    breedte = float(meta.get("fig-width", _FIG_BREEDTE_INCH))
    hoogte = float(meta.get("fig-height", _FIG_HOOGTE_INCH))
    dpi = int(meta.get("fig-dpi", _FIG_DPI))
    # Via de configuratie van matplotlib-inline, zodat matplotlib pas geladen wordt als een
    # cel het importeert (scheelt een seconde bij rapporten zonder figuren).
    rc = {"figure.figsize": (breedte, hoogte), "figure.dpi": dpi}
    # Quarto's setup imports pyplot, which registers the inline PNG formatter for every
    # matplotlib Figure: a Figure as last expression or in display() becomes a figure, also
    # one made with matplotlib.figure.Figure (no pyplot). Register the same formatter by
    # name, so matplotlib still loads only when a cell uses it.
    return (
        "%config InlineBackend.figure_formats = ['retina']\n"
        f"%config InlineBackend.rc = {rc!r}\n"
        "def _evaluatie_png(fig):\n"
        "    from IPython.core.pylabtools import retina_figure\n"
        "    return retina_figure(fig, bbox_inches='tight')\n"
        "get_ipython().display_formatter.formatters['image/png'].for_type_by_name(\n"
        "    'matplotlib.figure', 'Figure', _evaluatie_png)\n"
        "del _evaluatie_png\n"
    )


def _voer_uit(cellen: list[_Cel], params: dict[str, Any], meta: dict[str, Any], werk: Path,
              cwd: Path, bron: Path) -> None:
    """Voer de codecellen uit in één kernel; vul ``uitvoer`` en ``inline`` van de cellen."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.translators import translate_parameters

    # Opbouw van het uit te voeren notebook: (code, rol, cel, expressie).
    stappen: list[tuple[str, str, _Cel | None, str]] = [(_setupcode(meta), "setup", None, "")]
    parametercel = next((c for c in cellen if c.soort == "code"
                         and "parameters" in (c.opties.get("tags") or [])), None)
    injectie = (translate_parameters("python3", "python", params, "Geïnjecteerde parameters")
                if params else "")
    if injectie and parametercel is None:
        # Zoals papermill: zonder parametercel komen de parameters bovenaan.
        stappen.append((injectie, "parameters", None, ""))
    for cel in cellen:
        if cel.soort == "code":
            if cel.opties.get("eval", True) is False:
                continue
            stappen.append((cel.bron, "cel", cel, ""))
            if cel is parametercel and injectie:
                stappen.append((injectie, "parameters", None, ""))
        else:
            for m in _INLINE_RE.finditer(cel.bron):
                stappen.append((m.group("expr"), "inline", cel, m.group("expr")))

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "evaluatie-python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(code) for code, *_ in stappen]
    km = AsyncKernelManager(
        kernel_name="evaluatie-python3",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(_kernelspec(werk))]),
    )
    client = NotebookClient(
        nb, km=km, kernel_name="evaluatie-python3", timeout=int(meta.get("timeout", 600)),
        allow_errors=False, resources={"metadata": {"path": str(cwd)}},
    )
    # De kernel meldt zich op stderr (o.a. "running over TCP"); dat hoort in een logbestand,
    # niet in de uitvoer van de aanroeper. Celuitvoer komt via het Jupyter-protocol.
    async def voer_alles_uit() -> None:
        with (werk / "kernel.log").open("w", encoding="utf-8") as log:
            try:
                async with client.async_setup_kernel(stderr=log, stdout=log, cleanup_kc=True):
                    for index, nbcel in enumerate(nb.cells):
                        rol, cel, expr = stappen[index][1:]
                        try:
                            await client.async_execute_cell(nbcel, index)
                        except CellExecutionError as exc:
                            raise RenderFout(f"{bron}: fout in {_waar(rol, cel, expr)}: "
                                             f"{exc.ename}: {exc.evalue}") from None
                        if rol == "cel" and cel is not None:
                            cel.uitvoer = list(nbcel.outputs)
                        elif rol == "inline" and cel is not None:
                            cel.inline[expr] = _inline_tekst(nbcel.outputs)
            finally:
                # nbclient registreert een atexit-opruimer die na het nette afsluiten niets
                # meer te doen heeft (en dan faalt); haal hem weg.
                atexit.unregister(client._cleanup_kernel)

    # Een eigen event loop per render (asyncio.run sluit hem netjes af); vanuit een draaiende
    # loop (bijvoorbeeld een notebook) in een aparte thread.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(voer_alles_uit())
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, voer_alles_uit()).result()


def _waar(rol: str, cel: _Cel | None, expr: str) -> str:
    if rol == "inline":
        return f"inline-expressie `{{python}} {expr}`"
    if rol == "cel" and cel is not None:
        return cel.naam
    return "de parametercel" if rol == "parameters" else "de opstartcode"


def _inline_tekst(outputs: list[dict[str, Any]]) -> str:
    """Tekst van een inline-expressie: text/markdown, anders text/plain zonder aanhalingstekens."""
    for out in outputs:
        if out.get("output_type") != "execute_result":
            continue
        data = out.get("data", {})
        if "text/markdown" in data:
            return str(data["text/markdown"]).strip()
        tekst = str(data.get("text/plain", ""))
        if tekst[:1] in "'\"":
            try:
                waarde = ast.literal_eval(tekst)
            except (ValueError, SyntaxError):
                return tekst
            if isinstance(waarde, str):
                return waarde
        return tekst
    return ""


# --------------------------------------------------------------------------------------
# Ingebouwde renderer: Markdown samenstellen
# --------------------------------------------------------------------------------------


def _optie(cel: _Cel, meta: dict[str, Any], naam: str, standaard: Any) -> Any:
    execute = meta.get("execute") or {}
    return cel.opties.get(naam, execute.get(naam, standaard))


def _attr(waarde: str) -> str:
    return waarde.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _platte_tekst(markdown: str) -> str:
    return re.sub(r"[*_`]", "", markdown).strip()


def _png_afmeting(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    return struct.unpack(">II", data[16:24])


@dataclass
class _Nummering:
    labels: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (soort, nummer)
    secties: dict[str, str] = field(default_factory=dict)  # sec-id -> koptekst
    tellers: dict[str, int] = field(default_factory=lambda: {"fig": 0, "tbl": 0})

    def voeg_toe(self, label: str, bron: Path) -> None:
        soort = label.split("-", 1)[0]
        if label in self.labels:
            raise RenderFout(f"{bron}: label {label!r} komt meer dan eens voor")
        self.tellers[soort] += 1
        self.labels[label] = (soort, self.tellers[soort])

    def titel(self, label: str) -> str:
        soort, nummer = self.labels[label]
        return f"{_CROSSREF_PREFIX[soort]} {nummer}"


def _nummer_labels(cellen: list[_Cel], bron: Path) -> _Nummering:
    """Nummer figuren en tabellen in volgorde van voorkomen, zoals Quarto's crossref."""
    nr = _Nummering()
    for cel in cellen:
        if cel.soort == "code":
            label = str(cel.opties.get("label") or "")
            if label.startswith(("fig-", "tbl-")) and cel.opties.get("include", True) is not False:
                nr.voeg_toe(label, bron)
        else:
            posities = [(m.start(), m.group("id")) for m in _MD_FIGUUR_RE.finditer(cel.bron)]
            posities += [(m.start(), m.group("id")) for m in _MD_TABEL_RE.finditer(cel.bron)]
            for _, label in sorted(posities):
                nr.voeg_toe(label, bron)
            for m in _MD_SECTIE_RE.finditer(cel.bron):
                nr.secties[m.group("id")] = m.group("tekst")
    return nr


def _vervang_verwijzingen(tekst: str, nr: _Nummering, bron: Path) -> str:
    def vervang(m: re.Match[str]) -> str:
        label = m.group("id1") or m.group("id2")
        label = label[0].lower() + label[1:]
        if label in nr.labels:
            return f"[{nr.titel(label)}](#{label})"
        if label in nr.secties:
            return f"[{nr.secties[label]}](#{label})"
        raise RenderFout(f"{bron}: verwijzing naar onbekend label @{label}")

    return _REF_RE.sub(vervang, tekst)


def _markdown_cel(cel: _Cel, nr: _Nummering, bron: Path) -> str:
    tekst = _INLINE_RE.sub(lambda m: cel.inline.get(m.group("expr"), ""), cel.bron)

    def figuur(m: re.Match[str]) -> str:
        titel = nr.titel(m.group("id"))
        cap = f"{titel}: {m.group('cap')}" if m.group("cap") else titel
        return f"![{cap}]({m.group('pad')}){{#{m.group('id')}{m.group('rest')}}}"

    def tabel(m: re.Match[str]) -> str:
        titel = nr.titel(m.group("id"))
        cap = f"{titel}: {m.group('cap')}" if m.group("cap") else titel
        return f"{m.group('kop')} {cap} {{#{m.group('id')}{m.group('rest')}}}"

    tekst = _MD_FIGUUR_RE.sub(figuur, tekst)
    tekst = _MD_TABEL_RE.sub(tabel, tekst)
    tekst = _INCLUDE_ESCAPE_RE.sub(lambda m: "{{< " + m.group("inhoud") + " >}}", tekst)
    return _vervang_verwijzingen(tekst, nr, bron)


def _codeblok(tekst: str, klasse: str) -> str:
    hek = "```"
    while hek in tekst:
        hek += "`"
    return f"{hek} {{{klasse}}}\n{tekst.rstrip()}\n{hek}"


def _html_naar_markdown(html: str) -> str:
    """Zet HTML-uitvoer (bijvoorbeeld een pandas-DataFrame) om naar Markdown met pipetabellen."""
    html = re.sub(r"<style.*?</style>", "", html, flags=re.DOTALL | re.IGNORECASE)
    proces = subprocess.run(
        [_pandoc_pad(), "--from", "html", "--wrap=none", "--to",
         "markdown-simple_tables-multiline_tables-grid_tables-raw_html-native_divs-fenced_divs"
         "-raw_attribute"],
        input=html, capture_output=True, text=True, check=True,
    )
    return proces.stdout.strip()


def _code_cel(cel: _Cel, meta: dict[str, Any], nr: _Nummering, figmap: Path, bron: Path,
              figuren: dict[str, dict[str, Any]]) -> str:
    if _optie(cel, meta, "include", True) is False:
        return ""
    delen: list[str] = []
    if _optie(cel, meta, "echo", True) is True:
        _, code = _cel_opties(cel.bron)
        delen.append(_codeblok(code, ".python .cell-code"))
    uitvoer = _optie(cel, meta, "output", True)
    if uitvoer is False:
        return "\n\n".join(delen)
    asis = uitvoer == "asis"
    waarschuwing = _optie(cel, meta, "warning", True) is not False
    label = str(cel.opties.get("label") or "")
    fig_cap = cel.opties.get("fig-cap")
    fig_alt = cel.opties.get("fig-alt")
    tbl_cap = cel.opties.get("tbl-cap")
    n_fig = 0
    tekst_asis: list[str] = []

    def spoel_asis() -> None:
        if tekst_asis:
            # Markdown from the cell is document text: cross-references resolve as in Quarto.
            delen.append(_vervang_verwijzingen("".join(tekst_asis).strip("\n"), nr, bron))
            tekst_asis.clear()

    for out in cel.uitvoer:
        soort = out.get("output_type")
        if soort == "stream":
            tekst = _ANSI_RE.sub("", str(out.get("text", "")))
            if out.get("name") == "stderr":
                if waarschuwing and tekst.strip():
                    spoel_asis()
                    delen.append(_codeblok(tekst, ".cell-output-stderr"))
            elif asis:
                tekst_asis.append(tekst)
            elif tekst.strip():
                delen.append(_codeblok(tekst, ".cell-output"))
            continue
        if soort not in ("display_data", "execute_result"):
            continue
        spoel_asis()
        data = out.get("data", {})
        if "image/png" in data:
            n_fig += 1
            if label.startswith("fig-") and n_fig > 1:
                raise RenderFout(f"{bron}: {cel.naam} met label {label!r} maakt meer dan één "
                                 f"figuur; één figuur per gelabelde cel")
            png = base64.b64decode(data["image/png"])
            naam = f"{label or 'cel' + str(cel.nummer)}-{n_fig}.png"
            (figmap / naam).write_bytes(png)
            breedte_px = (out.get("metadata", {}).get("image/png", {}) or {}).get("width")
            if not breedte_px:
                breedte_px = _png_afmeting(png)[0] // 2
            cap = str(fig_cap) if fig_cap else ""
            if label.startswith("fig-"):
                cap = f"{nr.titel(label)}: {cap}" if cap else nr.titel(label)
            alt = str(fig_alt) if fig_alt else _platte_tekst(cap)
            attrs = [f"#{label}" if label.startswith("fig-") else "", f'alt="{_attr(alt)}"',
                     f'width="{int(breedte_px)}"' if breedte_px else ""]
            figuren[naam] = {"alt": alt, "breedte_inch": (breedte_px or 0) / 96}
            afb = f"![{cap}]({figmap.name}/{naam}){{{' '.join(a for a in attrs if a)}}}"
            # Zonder bijschrift maakt pandoc er geen figuur van; met \ blijft het een afbeelding.
            delen.append(afb if cap else afb + "\\")
        elif "text/markdown" in data:
            delen.append(_vervang_verwijzingen(str(data["text/markdown"]).strip("\n"), nr, bron))
        elif "text/html" in data and not asis:
            delen.append(_html_naar_markdown(str(data["text/html"])))
        elif "text/plain" in data:
            tekst = str(data["text/plain"])
            delen.append(tekst.strip("\n") if asis else _codeblok(tekst, ".cell-output"))
    spoel_asis()

    if label.startswith("fig-") and n_fig == 0:
        raise RenderFout(f"{bron}: {cel.naam} heeft label {label!r} maar maakt geen figuur")
    if tbl_cap or label.startswith("tbl-"):
        laatste = delen[-1].rstrip().splitlines()[-1] if delen else ""
        if not laatste.lstrip().startswith("|"):
            raise RenderFout(f"{bron}: {cel.naam}: voor tbl-cap/tbl-label moet de cel een "
                             f"Markdown-pipetabel als laatste uitvoer geven (output: asis)")
        cap = str(tbl_cap or "")
        ident = ""
        if label.startswith("tbl-"):
            cap = f"{nr.titel(label)}: {cap}" if cap else nr.titel(label)
            ident = f" {{#{label}}}"
        delen[-1] = f"{delen[-1].rstrip()}\n\n: {cap}{ident}"
    inhoud = "\n\n".join(delen)
    if label and not label.startswith(("fig-", "tbl-")):
        inhoud = f"::: {{#{label} .cell}}\n{inhoud}\n:::"
    return inhoud


def _datum(waarde: Any) -> Any:
    if isinstance(waarde, dt.date):
        dag = waarde
    elif waarde in ("today", "now", "last-modified"):
        # Quarto's moving dates become the fixed build date (SOURCE_DATE_EPOCH).
        dag = bestanden.bouwdatum().date()
    else:
        return waarde
    return f"{dag.day} {_MAANDEN[dag.month - 1]} {dag.year}"


def _formaatopties(meta: dict[str, Any], formaat: str) -> dict[str, Any]:
    """Opties voor één formaat: bovenaan in de front matter of onder ``format: <naam>``."""
    opties = {k: meta[k] for k in ("toc", "toc-depth", "toc-title", "number-sections")
              if k in meta}
    fmt = meta.get("format")
    namen = ("html",) if formaat == "html" else ("pdf", "typst")
    if isinstance(fmt, dict):
        for naam in namen:
            if isinstance(fmt.get(naam), dict):
                opties.update(fmt[naam])
    return opties


_PANDOC_MINIMUM = (3, 2)

#: The PDF's one font family (SIL Open Font License 1.1, from the PyPI package
#: ``font-source-sans-pro``), in the styles the Typst template uses. Monospace text and
#: mathematics use fonts embedded in typst (DejaVu Sans Mono, New Computer Modern Math).
LETTERTYPE = "Source Sans Pro"
_LETTERTYPE_BESTANDEN = tuple(f"SourceSansPro-{s}.ttf" for s in
                              ("Regular", "It", "Semibold", "SemiboldIt", "Bold", "BoldIt"))


def _lettertypen(doel: Path) -> Path:
    """Put the PDF's fonts in ``doel`` (a folder of its own) and check typst finds them.

    The PDF is made with these fonts and typst's embedded ones only, never the
    machine's: which fonts a machine has installed changed the page count (24 or 21).
    Only the TrueType files are copied; the package also holds OpenType copies of the
    same styles, and two files for one style would leave the choice to directory order.
    """
    import typst

    try:
        import font_source_sans_pro
    except ImportError:
        raise RenderFout(f"het lettertype {LETTERTYPE} voor de PDF ontbreekt: installeer het "
                         "pakket font-source-sans-pro (pip install font-source-sans-pro)") from None
    bron = Path(font_source_sans_pro.font_directory)
    ontbreekt = [n for n in _LETTERTYPE_BESTANDEN if not (bron / n).is_file()]
    if ontbreekt:
        raise RenderFout(f"het lettertype {LETTERTYPE} voor de PDF is onvolledig: {', '.join(ontbreekt)} "
                         f"ontbreekt in {bron}; installeer font-source-sans-pro opnieuw")
    doel.mkdir(parents=True, exist_ok=True)
    for naam in _LETTERTYPE_BESTANDEN:
        shutil.copyfile(bron / naam, doel / naam)
    gevonden = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                           font_paths=[str(doel)])
    stijlen = {(f.weight, f.style) for f in gevonden.fonts() if f.family == LETTERTYPE}
    if len(stijlen) != len(_LETTERTYPE_BESTANDEN):
        raise RenderFout(f"typst vindt het lettertype {LETTERTYPE} niet (of niet in elke stijl) in {bron}")
    return doel


@functools.cache
def _pandoc_pad() -> str:
    """Het pandoc-programma: ``$PYPANDOC_PANDOC``, anders dat van pypandoc-binary.

    Niet ``pypandoc.get_pandoc_path()``: dat kiest de hoogste versie tussen het PATH en de
    meegeleverde binary, maar zet zijn globale keuze al tijdens het zoeken, zodat parallelle
    threads een oude systeem-pandoc kunnen krijgen.
    """
    import pypandoc

    kandidaten = [os.environ.get("PYPANDOC_PANDOC", ""),
                  str(Path(pypandoc.__file__).parent / "files" / "pandoc")]
    for kandidaat in kandidaten:
        if kandidaat and Path(kandidaat).is_file():
            pad = kandidaat
            break
    else:
        with _PANDOC_SLOT:
            pad = pypandoc.get_pandoc_path()
    versie = subprocess.run([pad, "--version"], capture_output=True, text=True, check=True)
    m = re.search(r"(\d+)\.(\d+)", versie.stdout)
    if not m or (int(m.group(1)), int(m.group(2))) < _PANDOC_MINIMUM:
        raise RenderFout(f"pandoc {pad} is te oud; nodig: {'.'.join(map(str, _PANDOC_MINIMUM))}+")
    return pad


def _pandoc(args: list[str], cwd: Path, bron: Path) -> None:
    proces = subprocess.run([_pandoc_pad(), *args], cwd=cwd, capture_output=True,
                            text=True, check=False)
    if proces.returncode != 0:
        raise RenderFout(f"{bron}: pandoc faalde: {proces.stderr.strip()}")


def _opties_pandoc(opties: dict[str, Any]) -> list[str]:
    args = []
    if opties.get("toc"):
        args += ["--toc", f"--toc-depth={int(opties.get('toc-depth', 3))}"]
    if opties.get("number-sections"):
        args.append("--number-sections")
    args += ["--variable", f"toc-title={opties.get('toc-title', 'Inhoud')}"]
    return args


def _typst_afbeeldingen(typ: str, figuren: dict[str, dict[str, Any]], figmap: str) -> str:
    """Geef figuren in de Typst-bron alt-tekst en een breedte die binnen de marges past."""

    def vervang(m: re.Match[str]) -> str:
        naam = m.group("pad").removeprefix(f"{figmap}/")
        info = figuren.get(naam)
        if info is None:
            return m.group(0)
        breedte = info["breedte_inch"]
        maat = "100%" if not breedte or breedte > _TEKSTBREEDTE_PDF_INCH else f"{breedte:.2f}in"
        return f'image("{m.group("pad")}", width: {maat}, alt: {json.dumps(info["alt"])})'

    # pandoc centreert tabellen met align(center); links uitlijnen zoals in de HTML.
    typ = typ.replace("align(center)[#table(", "align(left)[#table(")
    return re.sub(r'image\("(?P<pad>[^"]+)"(?:,\s*width:\s*[^,)]+)?(?:,\s*height:\s*[^,)]+)?\)',
                  vervang, typ)


def _render_ingebouwd(kopie: Path, params: dict[str, Any], formaten: tuple[str, ...],
                      bron: Path, metadata: dict[str, Any] | None = None) -> dict[str, Path]:
    lettertypen = _lettertypen(kopie.parent / ".lettertypen") if "pdf" in formaten else None
    tekst, _ = _vouw_includes(kopie)
    meta, body = _splits_front_matter(tekst)
    meta.update(metadata or {})
    cellen = _lees_cellen(body, bron)
    werk = kopie.parent
    _voer_uit(cellen, params, meta, werk=werk, cwd=werk, bron=bron)

    figmap = werk / f"{kopie.stem}_files"
    figmap.mkdir(exist_ok=True)
    nr = _nummer_labels(cellen, bron)
    figuren: dict[str, dict[str, Any]] = {}
    blokken = []
    for cel in cellen:
        if cel.soort == "markdown":
            blokken.append(_markdown_cel(cel, nr, bron))
        else:
            blokken.append(_code_cel(cel, meta, nr, figmap, bron, figuren))

    pandoc_meta = {k: v for k, v in meta.items() if k not in _RENDER_SLEUTELS}
    pandoc_meta.setdefault("lang", "nl")
    if "date" in pandoc_meta:
        pandoc_meta["date"] = _datum(pandoc_meta["date"])
    kop = yaml.safe_dump(pandoc_meta, allow_unicode=True, sort_keys=False)
    md = werk / f"{kopie.stem}.evaluatie.md"
    md.write_text(f"---\n{kop}---\n\n" + "\n\n".join(b for b in blokken if b) + "\n",
                  encoding="utf-8")

    # no native_divs/native_spans: an HTML <div> from a cell stays raw HTML, which the guard
    # (veilig.lua) turns into text instead of a Div that keeps its attributes (onclick=…)
    gemeen = ["--from", "markdown-native_divs-native_spans", "--standalone", "--wrap=none",
              "--lua-filter", str(ASSETS / "veilig.lua"), "--lua-filter", str(ASSETS / "evaluatie.lua")]
    uit: dict[str, Path] = {}
    if "html" in formaten:
        html = werk / f"{kopie.stem}.html"
        _pandoc([md.name, *gemeen, "--to", "html5", "--embed-resources", "--mathml",
                 "--template", str(ASSETS / "evaluatie.html"),
                 "--css", str(ASSETS / "evaluatie.css"),
                 *_opties_pandoc(_formaatopties(meta, "html")), "--output", html.name],
                werk, bron)
        uit["html"] = html
    if "pdf" in formaten:
        import typst

        typ = werk / f"{kopie.stem}.typ"
        _pandoc([md.name, *gemeen, "--to", "typst", "--template", str(ASSETS / "evaluatie.typ"),
                 *_opties_pandoc(_formaatopties(meta, "pdf")), "--output", typ.name], werk, bron)
        typ.write_text(_typst_afbeeldingen(typ.read_text(encoding="utf-8"), figuren,
                                           figmap.name), encoding="utf-8")
        pdf = werk / f"{kopie.stem}.pdf"
        try:
            # Only the pinned fonts and typst's embedded ones (no system fonts), and the
            # build date as creation date: the same input gives the same PDF anywhere.
            typst.compile_with_warnings(str(typ), output=str(pdf), root=str(werk),
                                        font_paths=[str(lettertypen)], ignore_system_fonts=True,
                                        timestamp=int(bestanden.bouwdatum().timestamp()))
        except typst.TypstError as exc:
            raise RenderFout(f"{bron}: typst faalde: {exc.message}\n{exc.diagnostic}") from None
        uit["pdf"] = pdf
    return uit
