"""Bad configurations are refused with one clean message; the edge cases next to them pass.

Each bad case is a mutation of ``config/config.yaml`` (pointed at a small synthetic region).
It must stop with a non-zero exit code and one message that names the file and the key path
(and the line, where the YAML has one), has no traceback, stays short, and leaves nothing
behind. Most cases run ``evaluatie validate`` as a user would (a subprocess); a few run
``snakemake -n`` to show that the workflow path is just as clean.

Snakemake reads ``--configfile`` itself before the workflow is parsed. Where its own loader
fails first (a YAML syntax error, a file that does not exist, is not UTF-8 or has an unquoted
impossible date) it stops with its own message, which does not name the file; those cases
are checked through ``evaluatie validate`` (and ``evaluatie run`` validates with
:func:`evaluatie.config.laad` before it starts Snakemake).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from evaluatie import config as cfg
from evaluatie import synth
from evaluatie.fouten import ConfigFout

BASIS = (REPO / "config" / "config.yaml").read_text(encoding="utf-8")
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    [str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
MAX_LENGTE = 1500  # characters of stderr; a message may never grow with the input


def zet(tekst: str, oud: str, nieuw: str) -> str:
    assert oud in tekst, oud
    return tekst.replace(oud, nieuw, 1)


def regel(tekst: str, stuk: str, n: int = 1) -> int:
    """1-based line of the n-th line that contains ``stuk``."""
    gevonden = [i + 1 for i, r in enumerate(tekst.splitlines()) if stuk in r]
    return gevonden[n - 1]


@pytest.fixture(scope="module")
def data_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic region (its files are valid; only the configs are bad)."""
    map_ = tmp_path_factory.mktemp("regio") / "data"
    synth.schrijf(synth.genereer_regio(seed=11, schaal=0.05), map_)
    return map_


def basis(data_map: Path) -> str:
    """config/config.yaml for real data: no synthetic region, data.map at the test region."""
    t = zet(BASIS, "synthetisch:\n  seed: 2026\n  schaal: 1\n", "synthetisch: null\n")
    return zet(t, "  map: data/demo-zuidrand", f"  map: {data_map}")


# ------------------------------------------------------------------------------ the cases


@dataclass(frozen=True)
class Geval:
    """A bad config: ``maak(basis, werk)`` writes it and returns its path and the text it
    holds; ``sleutel`` is the key path the message must name; ``regels`` the markers whose
    line numbers it must name; ``ook`` further fragments."""

    naam: str
    maak: Callable[[str, Path], tuple[Path, str]]
    sleutel: str | None = None
    regels: tuple[tuple[str, int], ...] = ()
    ook: tuple[str, ...] = ()


def tekst(wijzig: Callable[[str], str]) -> Callable[[str, Path], tuple[Path, str]]:
    def maak(b: str, werk: Path) -> tuple[Path, str]:
        t = wijzig(b)
        pad = werk / "regio.yaml"
        pad.write_text(t, encoding="utf-8")
        return pad, t
    return maak


def ruw(maak_bytes: Callable[[str], bytes]) -> Callable[[str, Path], tuple[Path, str]]:
    def maak(b: str, werk: Path) -> tuple[Path, str]:
        pad = werk / "regio.yaml"
        pad.write_bytes(maak_bytes(b))
        return pad, b
    return maak


def _symlink(b: str, werk: Path) -> tuple[Path, str]:
    eigen = werk / "data"
    eigen.mkdir()
    (werk / "geheim.csv").write_text("pseudo_id\n1\n", encoding="utf-8")
    (eigen / "wijken.csv").symlink_to(werk / "geheim.csv")
    t = b.replace(b[b.index("  map: "):b.index("\n", b.index("  map: "))], f"  map: {eigen}")
    pad = werk / "regio.yaml"
    pad.write_text(t, encoding="utf-8")
    return pad, t


def _map(b: str, werk: Path) -> tuple[Path, str]:
    (werk / "regio.yaml").mkdir()
    return werk / "regio.yaml", b


def _ontbreekt(b: str, werk: Path) -> tuple[Path, str]:
    return werk / "regio.yaml", b


# "billion laughs", kept to 9**7 strings once expanded (48 times the budget): with the fix the
# size is counted without expanding anything, and without it the test fails in seconds
# instead of taking the machine's memory (9**9 made a 722 MB message)
BOM = "".join(["regio_naam: [&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol], ",
               *(f"&a{i} [{', '.join([f'*a{i - 1}'] * 9)}], " for i in range(1, 6)),
               f"[{', '.join(['*a5'] * 9)}]]"])
NAAM = "regio_naam: Regio Zuidrand (fictief, synthetische data)"
BESTAND = "deelnemers: {bestand: deelnemers.csv}"

GEVALLEN = [
    # duplicate keys, at every level
    Geval("dubbel_blok", tekst(lambda b: b + "\ndisclosure:\n  min_n: 1\n"), "disclosure",
          (("disclosure:", 1), ("disclosure:", 2)), ("twee keer",)),
    Geval("dubbel_diep", tekst(lambda b: zet(b, "    doelgroep: kind\n",
                                            "    doelgroep: kind\n    doelgroep: volwassene\n")),
          "interventies.czv-kind.doelgroep", (("doelgroep: volwassene", 1),), ("twee keer",)),
    Geval("dubbel_in_flow", tekst(lambda b: zet(b, "{p_procent: 10,", "{p_procent: 10, p_procent: 1,")),
          "disclosure.dominantie.p_procent", (("p_procent: 1,", 1),), ("twee keer",)),
    # the release threshold
    Geval("min_n_3_onbevestigd", tekst(lambda b: zet(b, "min_n: 10", "min_n: 3")), "disclosure.min_n",
          (), ("ondergrens_bevestigd: true",)),
    Geval("min_n_0", tekst(lambda b: zet(b, "min_n: 10", "min_n: 0")), "disclosure.min_n",
          (("min_n: 0", 1),)),
    Geval("min_n_negatief", tekst(lambda b: zet(b, "min_n: 10", "min_n: -3")), "disclosure.min_n"),
    Geval("min_n_tekst", tekst(lambda b: zet(b, "min_n: 10", 'min_n: "10"')), "disclosure.min_n",
          (), ("geheel getal",)),
    Geval("min_n_bevestiging_geen_boolean",
          tekst(lambda b: zet(b, "ondergrens_bevestigd: false", 'ondergrens_bevestigd: "ja"')),
          "disclosure.ondergrens_bevestigd"),
    # input paths stay inside data.map
    Geval("bestand_absoluut", tekst(lambda b: zet(b, BESTAND, "deelnemers: {bestand: /etc/passwd}")),
          "data.tabellen.deelnemers.bestand", (), ("absoluut",)),
    Geval("bestand_punt_punt", tekst(lambda b: zet(b, "metingen: {bestand: metingen.csv}",
                                                  "metingen: {bestand: sub/../../metingen.csv}")),
          "data.tabellen.metingen.bestand", (), ("..",)),
    Geval("bestand_windows_pad", tekst(lambda b: zet(b, BESTAND, 'deelnemers: {bestand: "C:\\\\x.csv"}')),
          "data.tabellen.deelnemers.bestand", (), ("absoluut",)),
    Geval("bestand_via_symlink_naar_buiten", _symlink, "data.tabellen.wijken.bestand", (),
          ("buiten data.map",)),
    Geval("bestand_is_de_map", tekst(lambda b: zet(b, BESTAND, "deelnemers: {bestand: ./}")),
          "data.tabellen.deelnemers.bestand"),
    Geval("prijsindex_absoluut", tekst(lambda b: zet(b, "prijsindex: null",
                                                    "prijsindex: {bestand: /tmp/cpi.csv, basisjaar: 2025}")),
          "kosten.prijsindex.bestand", (), ("absoluut",)),
    # characters Snakemake reads as a wildcard or path variable would break the workflow
    Geval("bestand_met_jokerteken", tekst(lambda b: zet(b, BESTAND, 'deelnemers: {bestand: "d{x}.csv"}')),
          "data.tabellen.deelnemers.bestand", (), ("jokerteken",)),
    Geval("bestand_met_padvariabele", tekst(lambda b: zet(b, BESTAND, 'deelnemers: {bestand: "<b>d.csv"}')),
          "data.tabellen.deelnemers.bestand", (), ("jokerteken",)),
    Geval("resultatenmap_met_jokerteken", tekst(lambda b: zet(b, "resultaten_map: results",
                                                             'resultaten_map: "res{regio}"')),
          "resultaten_map", (), ("jokerteken",)),
    Geval("data_map_leeg", tekst(lambda b: b.replace(b[b.index("  map: "):b.index("\n", b.index("  map: "))],
                                                     '  map: ""')), "data.map"),
    # dates, with a format checker
    Geval("datum_onbestaand", tekst(lambda b: zet(b, 'peildatum: "2026-10-31"', "peildatum: 2026-02-30")),
          "peildatum", (("peildatum:", 1),), ("2026-02-30",)),
    Geval("datum_onbestaand_gequote", tekst(lambda b: zet(b, 'peildatum: "2026-10-31"',
                                                         'peildatum: "2026-02-30"')), "peildatum"),
    Geval("datum_met_tijd", tekst(lambda b: zet(b, 'peildatum: "2026-10-31"',
                                               "peildatum: 2026-10-31T10:00:00")), "peildatum"),
    Geval("datum_in_onderdeel", tekst(lambda b: zet(b, "gegevens_vanaf: null", "gegevens_vanaf: 2025-13-01")),
          "kosten.gegevens_vanaf", (("gegevens_vanaf: 2025", 1),)),
    # the file itself
    Geval("cp1252", ruw(lambda b: b.encode("cp1252", errors="replace")), None, (),
          ("niet als UTF-8 te lezen",)),
    Geval("utf16", ruw(lambda b: b.encode("utf-16")), None, (), ("niet als UTF-8 te lezen",)),
    Geval("map_in_plaats_van_bestand", _map, None, (), ("is een map",)),
    Geval("bestaat_niet", _ontbreekt, None, (), ("bestaat niet",)),
    Geval("leeg", tekst(lambda b: "# alleen commentaar\n"), None, (), ("leeg",)),
    Geval("lijst", tekst(lambda b: "- regio: x\n- data: y\n"), None, (), ("een lijst",)),
    Geval("alleen_tekst", tekst(lambda b: "hallo\n"), None, (), ("gevonden tekst",)),
    Geval("yaml_syntaxfout", tekst(lambda b: zet(b, "jaar: 2026", "jaar: [2026")), None,
          (("jaar: [2026", 1),), ("geen geldige YAML",)),
    Geval("tab_als_inspringing", tekst(lambda b: zet(b, "jaar: 2026", "jaar:\t2026\n\tx: 1")), None,
          (("jaar:", 1),), ("geen geldige YAML",)),
    Geval("twee_documenten", tekst(lambda b: b + "---\nregio: x\n"), None, (), ("single document",)),
    Geval("alias_bom", tekst(lambda b: zet(b, NAAM, BOM)), None, (("regio_naam:", 1),),
          ("te groot",)),
    Geval("alias_naar_zichzelf", tekst(lambda b: zet(b, NAAM, "regio_naam: &r [*r]")), None,
          (("regio_naam:", 1),), ("verwijst naar",)),
    Geval("te_diep_genest", tekst(lambda b: zet(b, NAAM, "regio_naam: " + "[" * 80 + "]" * 80)), None,
          (), ("te diep genest",)),
    Geval("python_tag", tekst(lambda b: zet(b, "jaar: 2026", 'jaar: !!python/object/apply:os.system ["x"]')),
          None, (("jaar: !!python", 1),), ("geen geldige YAML",)),
    Geval("tag_met_onleesbare_waarde", tekst(lambda b: zet(b, "jaar: 2026", "jaar: !!int abc")), None,
          (("jaar: !!int", 1),), ("niet te lezen",)),
    # values
    Geval("nan", tekst(lambda b: zet(b, "alpha: 0.05", "alpha: .nan")), "voor_na.alpha", (),
          ("eindig",)),
    Geval("stuurteken", tekst(lambda b: zet(b, NAAM, 'regio_naam: "Zuid\\0rand"')), "regio_naam", (),
          ("stuurteken",)),
    Geval("regio_met_regeleinde", tekst(lambda b: zet(b, "regio: demo-zuidrand", 'regio: "demo-zuidrand\\n"')),
          "regio"),
    Geval("lange_waarde", tekst(lambda b: zet(b, "jaar: 2026", f'jaar: "{"x" * 200_000}"')), "jaar", (),
          ("geheel getal",)),
    Geval("onbekende_sleutel", tekst(lambda b: zet(b, "jaar: 2026", "jaar: 2026\njaaar: 2027")), "jaaar",
          (("jaaar:", 1),), ("onbekende sleutel",)),
    Geval("sleutel_geen_tekst", tekst(lambda b: b + "\n1: x\n"), "1", (("1: x", 1),), ("onbekende sleutel",)),
    Geval("geen_interventies", tekst(lambda b: zet(b, "\ninterventies:\n", "\ninterventies: {}\noud:\n")),
          "interventies"),
    Geval("module_leeg", tekst(lambda b: b + '\nextra_analyses:\n  x: {module: "", sectie: x.qmd}\n'),
          "extra_analyses.x.module"),
    Geval("twee_vormen_tegelijk",
          tekst(lambda b: zet(b, "interventiekosten: {per_deelnemer: 650,",
                              "interventiekosten: {uren: 1, weken: 2, tarief: 3, per_deelnemer: 650,")),
          "kosten.businesscase.leefstijlloket.interventiekosten", (), ("meer dan één",)),
]


def _validate(pad: Path, werk: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evaluatie.cli", "validate", str(pad)],
                          cwd=werk, env=ENV, capture_output=True, text=True, timeout=120)


def _snakemake(werk: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", "-n", "--cores", "1",
                           "-s", str(REPO / "Snakefile"), *args],
                          cwd=werk, env=ENV, capture_output=True, text=True, timeout=300)


def _schoon(r: subprocess.CompletedProcess) -> None:
    """One message, without a stack frame and short (Snakemake prints some errors on stdout)."""
    uit = r.stdout + r.stderr
    lengte = len(uit)
    assert lengte < MAX_LENGTE, uit[:3000]
    assert r.returncode != 0, uit[-2000:]
    assert "Traceback" not in uit and 'File "' not in uit, uit[-3000:]
    assert uit.strip(), "geen melding"


@pytest.mark.parametrize("geval", GEVALLEN, ids=[g.naam for g in GEVALLEN])
def test_validate_weigert_slechte_configuratie(geval: Geval, data_map: Path, tmp_path: Path):
    werk = tmp_path / "werk"
    werk.mkdir()
    pad, t = geval.maak(basis(data_map), werk)
    voor = sorted(werk.rglob("*"))
    r = _validate(pad, werk)
    _schoon(r)
    assert str(pad.resolve()) in r.stderr, r.stderr
    if geval.sleutel:
        assert geval.sleutel in r.stderr, r.stderr
    for stuk, n in geval.regels:
        assert f"regel {regel(t, stuk, n)}" in r.stderr, (stuk, r.stderr)
    for stuk in geval.ook:
        assert stuk in r.stderr, r.stderr
    if geval.naam == "cp1252":  # the line of the first byte that is not UTF-8
        inhoud = pad.read_bytes()
        eerste = next(i for i, byte in enumerate(inhoud) if byte >= 0x80)
        rij = inhoud.count(b"\n", 0, eerste) + 1
        assert f"regel {rij}," in r.stderr, r.stderr
    assert sorted(werk.rglob("*")) == voor  # nothing written (no results/, no logs/)
    assert r.stdout == ""


# ------------------------------------------------------------------------------ accepted


ACCEPTABEL = {
    "min_n_3_bevestigd": lambda b: zet(b, "ondergrens_bevestigd: false",
                                       "ondergrens_bevestigd: true").replace("min_n: 10", "min_n: 3"),
    "datum_gequote_schrikkeldag": lambda b: zet(b, 'peildatum: "2026-10-31"', 'peildatum: "2024-02-29"'),
    "datum_ongequote": lambda b: zet(b, 'peildatum: "2026-10-31"', "peildatum: 2026-10-31"),
    "ankers_en_aliassen": lambda b: zet(zet(b, "    doelgroep: volwassene\n    doelgroep_omschrijving: Volwassenen",
                                            "    doelgroep: &vw volwassene\n    doelgroep_omschrijving: Volwassenen"),
                                        "  groepsconsulten:\n    naam: Groepsconsulten leefstijl in de huisartsenpraktijk\n"
                                        "    doelgroep: volwassene",
                                        "  groepsconsulten:\n    naam: Groepsconsulten leefstijl in de huisartsenpraktijk\n"
                                        "    doelgroep: *vw"),
}


def _schrijf_acceptabel(naam: str, data_map: Path, werk: Path) -> Path:
    b = basis(data_map)
    pad = werk / "regio.yaml"
    if naam == "utf8_met_bom":
        pad.write_bytes(b"\xef\xbb\xbf" + b.encode("utf-8"))
    elif naam == "data_map_via_symlink":  # the map itself may be a link; its files are inside it
        (werk / "koppeling").symlink_to(data_map, target_is_directory=True)
        pad.write_text(zet(b, f"  map: {data_map}", f"  map: {werk / 'koppeling'}"), encoding="utf-8")
    else:
        pad.write_text(ACCEPTABEL[naam](b), encoding="utf-8")
    return pad


@pytest.mark.parametrize("naam", [*ACCEPTABEL, "utf8_met_bom", "data_map_via_symlink"])
def test_randgevallen_worden_aanvaard(naam: str, data_map: Path, tmp_path: Path):
    c = cfg.laad(_schrijf_acceptabel(naam, data_map, tmp_path))
    assert c["peildatum"] in ("2026-10-31", "2024-02-29")  # text, as the schema says
    assert c["disclosure"]["min_n"] == (3 if naam == "min_n_3_bevestigd" else 10)


@pytest.mark.parametrize("naam", ["min_n_3_bevestigd", "utf8_met_bom"])
def test_validate_aanvaardt_randgevallen(naam: str, data_map: Path, tmp_path: Path):
    r = _validate(_schrijf_acceptabel(naam, data_map, tmp_path), tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "De invoer voldoet aan het datawoordenboek." in r.stdout
    assert "Traceback" not in r.stderr
    if naam == "min_n_3_bevestigd":  # accepted, with a warning
        assert "disclosure.min_n is 3" in r.stderr and "ondergrens" in r.stderr


# ------------------------------------------------------------------------------ snakemake


@pytest.mark.parametrize("naam", ["dubbel_blok", "datum_onbestaand_gequote", "min_n_3_onbevestigd",
                                  "alias_bom"])
def test_snakemake_meldt_configfout_zonder_stapelsporen(naam: str, data_map: Path, tmp_path: Path):
    geval = next(g for g in GEVALLEN if g.naam == naam)
    pad, t = geval.maak(basis(data_map), tmp_path)
    r = _snakemake(tmp_path, "--configfile", str(pad))
    _schoon(r)
    assert str(pad) in r.stderr, r.stderr
    if geval.sleutel:
        assert geval.sleutel in r.stderr
    for stuk, n in geval.regels:
        assert f"regel {regel(t, stuk, n)}" in r.stderr, (stuk, r.stderr)
    assert not (tmp_path / "results").exists() and not (tmp_path / "logs").exists()


def test_snakemake_yaml_syntaxfout_zonder_stapelsporen(data_map: Path, tmp_path: Path):
    # Snakemake's own loader reads --configfile first and stops with its own message, which
    # does not name the file (documented in the README); `evaluatie validate` names it.
    pad = tmp_path / "regio.yaml"
    pad.write_text(zet(basis(data_map), "jaar: 2026", "jaar: [2026"), encoding="utf-8")
    r = _snakemake(tmp_path, "--configfile", str(pad))
    _schoon(r)
    assert "not valid JSON or YAML" in r.stdout + r.stderr
    assert not (tmp_path / "results").exists()


def test_snakemake_zonder_configuratie_noemt_het_verwachte_bestand(tmp_path: Path):
    r = _snakemake(tmp_path)
    _schoon(r)
    assert "config/config.yaml" in r.stderr and "--configfile" in r.stderr


def test_snakemake_aanvaardt_bevestigde_lage_drempel_en_waarschuwt(data_map: Path, tmp_path: Path):
    pad = tmp_path / "regio.yaml"
    pad.write_text(ACCEPTABEL["min_n_3_bevestigd"](basis(data_map)), encoding="utf-8")
    r = _snakemake(tmp_path, "--configfile", str(pad))
    assert r.returncode == 0, r.stderr[-3000:]
    assert "disclosure.min_n is 3" in r.stderr
    assert "dry-run" in r.stdout + r.stderr


# ------------------------------------------------------------------------------ in process


def test_strikte_lader_houdt_datums_als_tekst_en_kent_merge_sleutels(tmp_path: Path):
    pad = tmp_path / "c.yaml"
    pad.write_text("a: 2026-10-31\nb: !!timestamp 2026-02-30\n"
                   "basis: &b {x: 1, y: 2}\nc: {<<: *b, y: 3}\n", encoding="utf-8")
    c, posities = cfg.lees_yaml(pad)
    assert c == {"a": "2026-10-31", "b": "2026-02-30", "basis": {"x": 1, "y": 2},
                 "c": {"x": 1, "y": 3}}  # a merge key is no duplicate; the explicit key wins
    assert posities[("c",)] == 4 and posities[("basis", "y")] == 3
    # the strict loader does not change PyYAML's own SafeLoader, which other modules use
    assert yaml.safe_load("a: 2026-10-31") == {"a": dt.date(2026, 10, 31)}


def test_datumobjecten_van_snakemake_worden_tekst_en_gecontroleerd(data_map: Path):
    c = yaml.safe_load(basis(data_map))  # PyYAML's loader, as Snakemake's: dates are objects
    c["peildatum"] = dt.date(2026, 10, 31)
    cfg.valideer(c)
    assert c["peildatum"] == "2026-10-31"
    json.dumps(c)
    c = yaml.safe_load(basis(data_map))
    c["peildatum"] = dt.datetime(2026, 10, 31, 10, 0)
    with pytest.raises(ConfigFout, match="peildatum"):
        cfg.valideer(c)


def test_alias_bom_als_dict_wordt_geweigerd_zonder_uitschrijven(data_map: Path):
    c = yaml.safe_load(basis(data_map))
    laag: list = ["lol"] * 10
    for _ in range(6):  # 10**7 strings once expanded, 100 times the budget; 70 lists in memory
        laag = [laag] * 10
    c["regio_naam"] = laag
    with pytest.raises(ConfigFout, match="te groot") as e:
        cfg.valideer(c)
    assert len(str(e.value)) < MAX_LENGTE


def test_config_hash_met_sleutels_die_geen_tekst_zijn(data_map: Path):
    c = cfg.valideer(yaml.safe_load(basis(data_map)))
    vast = cfg.config_hash(c)
    c["data"]["tabellen"]["deelnemers"]["codes"] = {"geslacht": {1: "man", "V": "vrouw", None: "x"}}
    assert cfg.config_hash(c) != vast  # mixed keys no longer make sort_keys fail


def test_lage_drempel_staat_in_de_verantwoording(data_map: Path, tmp_path: Path):
    """interventie_meta carries the confirmed low threshold; the Verantwoording states it."""
    import shutil

    from evaluatie import pijplijn
    from evaluatie.render import render

    c = yaml.safe_load(ACCEPTABEL["min_n_3_bevestigd"](basis(data_map)))
    cfg.valideer(c)
    bronnen = tmp_path / "bronnen.json"
    bronnen.write_text(json.dumps({"config_sha256": cfg.config_hash(c), "bestanden": {"d.csv": "ab"}}),
                       encoding="utf-8")
    pijplijn.interventie_meta(c, "czv-kind", bronnen, tmp_path / "interventie.json")
    meta = json.loads((tmp_path / "interventie.json").read_text(encoding="utf-8"))
    assert meta["min_n"] == 3 and meta["min_n_onder_ondergrens"] is True
    gewoon = yaml.safe_load(basis(data_map))
    cfg.valideer(gewoon)
    pijplijn.interventie_meta(gewoon, "czv-kind", bronnen, tmp_path / "gewoon.json")
    assert json.loads((tmp_path / "gewoon.json").read_text("utf-8"))["min_n_onder_ondergrens"] is False

    shutil.copy(REPO / "reports" / "_verantwoording.qmd", tmp_path)
    (tmp_path / "t.qmd").write_text(
        '---\ntitle: "t"\nlang: nl\nexecute:\n  echo: false\n---\n\n```{python}\n#| include: false\n'
        "import json\nimport pandas as pd\nfrom evaluatie.rapport import Md, md, pipe_tabel\n"
        f"M = json.loads(open({str(tmp_path / 'interventie.json')!r}, encoding='utf-8').read())\n"
        "class _R:\n    min_n = M['min_n']\nR = _R()\n```\n\n{{< include _verantwoording.qmd >}}\n",
        encoding="utf-8")
    html = render(tmp_path / "t.qmd", tmp_path / "uit", params={}, formats=["html"],
                  engine="ingebouwd")["html"].read_text(encoding="utf-8")
    assert "3 deelnemers (lager dan de ondergrens van 5, uitdrukkelijk bevestigd)" in html
    assert "Let op: lage drempel." in html
