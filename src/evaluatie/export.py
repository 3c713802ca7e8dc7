"""Export every releasable table of one interventie to one XLSX file.

For gemeenten and financiers who want the numbers in a spreadsheet. The workbook holds a
sheet "Toelichting" (what the file is, how suppression shows, where each sheet comes from
and the provenance of the run), then one sheet per releasable table, in report order:
a title row, the table's description and source, and the table itself with its own
column names (counts in ``n``/``n_*``, as in the CSV files). A suppressed cell is empty
and its row has ``onderdrukt = ja``.

Only files under ``publiceerbaar/`` are read, and the finished workbook is checked with
:func:`evaluatie.disclosure.controleer_bestand` before it is put in place: a violation
raises :class:`~evaluatie.disclosure.OnthullingsFout` and no file is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from evaluatie import disclosure

__all__ = ["bladnaam", "exporteer", "tabellen"]

_VERBODEN = re.compile(r"[\[\]:*?/\\]")


def bladnaam(naam: str, bestaand: set[str]) -> str:
    """A valid, unique Excel sheet name (at most 31 characters, no ``[]:*?/\\``)."""
    basis = _VERBODEN.sub("_", naam)[:31] or "blad"
    kandidaat, i = basis, 2
    while kandidaat.lower() in {b.lower() for b in bestaand}:
        staart = f"~{i}"
        kandidaat = basis[:31 - len(staart)] + staart
        i += 1
    return kandidaat


def tabellen(map_: Path, volgorde: list[str] | None = None) -> list[dict[str, Any]]:
    """The releasable tables under one interventie's ``publiceerbaar/`` directory.

    Returns a list of ``{"analyse", "tabel", "titel", "omschrijving", "pad", "data"}``
    in report order (``volgorde``: analysis names; others follow alphabetically).
    """
    map_ = Path(map_)
    mappen = [p for p in sorted(map_.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    if volgorde:
        rang = {n: i for i, n in enumerate(volgorde)}
        mappen.sort(key=lambda p: (rang.get(p.name, len(rang)), p.name))
    uit = []
    for m in mappen:
        info_pad = m / "_tabellen.json"
        info = json.loads(info_pad.read_text("utf-8")) if info_pad.exists() else {}
        beschreven = info.get("tabellen", {})
        namen = [t for t in beschreven if (m / f"{t}.csv").exists()]
        namen += sorted(p.stem for p in m.glob("*.csv") if p.stem not in beschreven)
        for t in namen:
            try:
                df = pd.read_csv(m / f"{t}.csv")
            except pd.errors.EmptyDataError:
                continue
            if not len(df) or list(df.columns) == ["onderdrukt"]:
                continue  # an analysis that produced nothing for this interventie
            uit.append({"analyse": m.name, "tabel": t, "titel": info.get("titel", m.name),
                        "omschrijving": beschreven.get(t, ""), "pad": m / f"{t}.csv", "data": df})
    return uit


def _voor_excel(df: pd.DataFrame) -> pd.DataFrame:
    uit = df.copy()
    for k in ("onderdrukt",):
        if k in uit.columns:
            uit[k] = uit[k].map(lambda x: "ja" if str(x).strip().lower() in ("true", "1") else "nee")
    return uit


def _toelichting(meta: dict[str, Any], lijst: list[dict[str, Any]], bladen: list[str]) -> list[list[Any]]:
    v = meta.get("verantwoording", {})
    min_n = meta.get("min_n", 10)
    rijen: list[list[Any]] = [
        [f"{meta.get('naam', meta.get('interventie', ''))}: publiceerbare tabellen"],
        [f"{meta.get('regio_naam', '')}, verslagjaar {meta.get('jaar', '')}, "
         f"peildatum {meta.get('peildatum', '')}"],
        [],
        ["Onthullingscontrole"],
        [f"Aantallen kleiner dan {min_n} zijn weggelaten (lege cel), net als gemiddelden, percentages en "
         f"andere uitkomsten die op minder dan {min_n} personen berusten. Kon een weggelaten aantal uit "
         "totalen worden teruggerekend, dan is ook het volgende kleinste aantal weggelaten "
         "(secundaire onderdrukking)."],
        ["Een rij met onderdrukte cellen heeft in de kolom 'onderdrukt' de waarde 'ja'."],
        ["Kolommen met aantallen personen heten 'n' of beginnen met 'n_'; ci95_onder en ci95_boven "
         "zijn de grenzen van het 95%-betrouwbaarheidsinterval; status 'niet_te_berekenen' heeft een reden."],
    ]
    if meta.get("synthetisch"):
        rijen += [[], ["Let op: gemaakt met synthetische (verzonnen) gegevens; niet voor beleid gebruiken."]]
    rijen += [[], ["Blad", "Analyse", "Tabel", "Omschrijving", "Bron"]]
    for blad, t in zip(bladen, lijst, strict=True):
        rijen.append([blad, t["titel"], t["tabel"], t["omschrijving"], f"{t['analyse']}/{t['tabel']}.csv"])
    rijen += [[], ["Verantwoording"],
              ["evaluatie-versie", v.get("evaluatie_versie", "")],
              ["git-commit", v.get("git_commit", "")],
              ["datum analyse", v.get("datum", "")],
              ["configuratie (SHA-256)", v.get("config_sha256", "")]]
    rijen += [[f"invoer: {b}", h] for b, h in v.get("bestanden", {}).items()]
    rijen += [["export gemaakt", dt.date.today().isoformat()]]
    return rijen


def _schrijf(pad: Path, meta: dict[str, Any], lijst: list[dict[str, Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    toel = wb.active
    toel.title = "Toelichting"
    bladen: list[str] = []
    bestaand = {"Toelichting"}
    for t in lijst:
        voorkeur = t["tabel"] if t["tabel"] == t["analyse"] else f"{t['analyse']}_{t['tabel']}"
        naam = bladnaam(voorkeur, bestaand)
        bestaand.add(naam)
        bladen.append(naam)
    for r in _toelichting(meta, lijst, bladen):
        toel.append(r)
    vet = Font(bold=True)
    toel["A1"].font = Font(bold=True, size=14)
    for rij in toel.iter_rows():
        if rij[0].value in ("Onthullingscontrole", "Verantwoording", "Blad"):
            for c in rij:
                c.font = vet
    toel.column_dimensions["A"].width = 34
    for k in "BCDE":
        toel.column_dimensions[k].width = 40
    kop_vulling = PatternFill("solid", fgColor="DDEBF7")
    for naam, t in zip(bladen, lijst, strict=True):
        ws = wb.create_sheet(naam)
        ws.append([f"{t['titel']}: {t['tabel']}"])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append([t["omschrijving"] or ""])
        ws.append([f"Bron: publiceerbaar/{t['analyse']}/{t['tabel']}.csv"])
        ws.append([])
        df = _voor_excel(t["data"])
        ws.append([str(k) for k in df.columns])
        for c in ws[5]:
            c.font = vet
            c.fill = kop_vulling
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for rij in df.itertuples(index=False):
            ws.append([None if (not isinstance(x, str) and pd.isna(x)) else
                       (x.item() if hasattr(x, "item") else x) for x in rij])
        ws.freeze_panes = "A6"
        for j, k in enumerate(df.columns, start=1):
            breedte = max([len(str(k))] + [len(str(x)) for x in df[k].head(200) if not pd.isna(x)])
            ws.column_dimensions[get_column_letter(j)].width = min(max(10, breedte + 2), 60)
            if pd.api.types.is_float_dtype(df[k]):
                for cel in ws.iter_rows(min_row=6, min_col=j, max_col=j):
                    cel[0].number_format = "0.000"
    wb.save(pad)


def exporteer(map_: str | Path, uit: str | Path, min_n: int, volgorde: list[str] | None = None,
              meta: dict[str, Any] | None = None) -> Path:
    """Write all releasable tables of one interventie to ``uit`` (XLSX), after checking it.

    Parameters
    ----------
    map_
        The interventie's ``publiceerbaar/`` directory (with ``interventie.json``).
    uit
        Path of the workbook to write.
    min_n
        Disclosure threshold; the workbook is checked against it before it is moved
        into place.
    volgorde
        Analysis names in report order (default: alphabetical).
    meta
        Run metadata; default: ``interventie.json`` in ``map_``.

    Raises
    ------
    OnthullingsFout
        If the workbook holds a count below ``min_n`` or a statistic in a suppressed row
        (which means a table under ``publiceerbaar/`` was not suppressed).
    """
    map_, uit = Path(map_), Path(uit)
    if meta is None:
        meta = json.loads((map_ / "interventie.json").read_text("utf-8"))
    lijst = tabellen(map_, volgorde)
    uit.parent.mkdir(parents=True, exist_ok=True)
    fd, tijdelijk = tempfile.mkstemp(suffix=".xlsx", prefix=f".{uit.stem}-", dir=uit.parent)
    os.close(fd)
    try:
        _schrijf(Path(tijdelijk), meta, lijst)
        fouten = disclosure.controleer_bestand(Path(tijdelijk), min_n)
        if fouten:
            raise disclosure.OnthullingsFout(
                f"Export {uit.name} niet geschreven: {len(fouten)} overtreding(en) (drempel {min_n}):\n"
                + "\n".join(f"  - {f.replace(tijdelijk, uit.name)}" for f in fouten))
        os.replace(tijdelijk, uit)
    finally:
        if os.path.exists(tijdelijk):
            os.unlink(tijdelijk)
    return uit
