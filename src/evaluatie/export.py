"""Export every releasable table of one interventie to one XLSX file.

For gemeenten and financiers who want the numbers in a spreadsheet. The workbook holds a
sheet "Toelichting" (what the file is, how suppression shows, where each sheet comes from
and the provenance of the run), then the findings ("Bevindingen": one estimate and verdict
per outcome, the same numbers as the reports), then one sheet per releasable table in
report order: a title row, the table's description and source, and the table itself with
its own column names. A suppressed cell is empty; its row has ``onderdrukt = ja`` and
``onderdrukking`` names the cells.

Only the release is read (tables by their declared name, typed), and the finished workbook
is checked before it is put in place: every sheet must equal the released table it copies,
and the disclosure engine's checker runs over the sheets as read back. A violation raises
:class:`~evaluatie.disclosure.OnthullingsFout` and no file is written.

No text becomes a formula. openpyxl stores a ``str`` that starts with ``=`` as a formula
(and ``#N/A`` and the like as error values), so a config ``naam: =HYPERLINK(…)`` would be
a live link in ``Toelichting!A1``. Every text cell is therefore written as a string cell
(``t="s"``): a spreadsheet program never evaluates it, whatever it starts with. Text that
starts with one of OWASP's formula triggers (``= + - @``, tab, carriage return) also gets
the cell's ``quotePrefix`` flag, the workbook's own form of OWASP's leading apostrophe:
the cell shows and keeps the exact text, and stays text when someone edits it. The text
itself is not changed (an added apostrophe would be a different value than the released
CSV holds).

The file is written atomically with ordinary permissions (:mod:`evaluatie.bestanden`) and
is byte-identical for the same release: its document properties (created, modified) and
the time stamps of its zip entries are the build date
(:func:`evaluatie.bestanden.bouwdatum`), not the time of the run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from evaluatie import bestanden, contract
from evaluatie.fouten import EvaluatieFout

__all__ = ["bladnaam", "exporteer", "tabellen"]

_VERBODEN = re.compile(r"[\[\]:*?/\\]")
#: Row of the column header on a data sheet (title, description, source, blank above it).
KOPRIJ = 5
#: First characters that make a spreadsheet program read text as a formula (OWASP, CSV
#: injection); such text gets ``quotePrefix`` on top of being a string cell.
FORMULETEKENS = ("=", "+", "-", "@", "\t", "\r")


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
    """The released tables of one interventie (``publiceerbaar/<interventie>``).

    Returns ``{"analyse", "tabel", "titel", "omschrijving", "data"}`` per table, the
    findings first, then the analyses in ``volgorde`` (others alphabetically); tables
    without rows are left out.
    """
    map_ = Path(map_)
    mappen = [p.parent for p in sorted(map_.glob("*/_tabellen.json"))]
    rang = {n: i for i, n in enumerate(dict.fromkeys(["bevindingen", *(volgorde or [])]))}
    mappen.sort(key=lambda p: (rang.get(p.name, len(rang)), p.name))
    uit = []
    for m in mappen:
        info = contract.manifest(m)
        for t, spec in info["tabellen"].items():
            df = contract.lees(map_, m.name, t)
            if not len(df):
                continue  # an analysis that produced nothing for this interventie
            uit.append({"analyse": m.name, "tabel": t, "titel": info["titel"],
                        "omschrijving": spec["omschrijving"], "data": df})
    return uit


def _voor_excel(df: pd.DataFrame) -> pd.DataFrame:
    uit = df.copy()
    if "onderdrukt" in uit.columns:
        uit["onderdrukt"] = uit["onderdrukt"].map(lambda x: "ja" if x is True else "nee")
    return uit


def _toelichting(meta: dict[str, Any], lijst: list[dict[str, Any]], bladen: list[str],
                 datum: dt.datetime, herkomst: str) -> list[list[Any]]:
    v = meta.get("verantwoording", {})
    min_n = meta.get("min_n", 10)
    rijen: list[list[Any]] = [
        [f"{meta.get('naam', meta.get('interventie', ''))}: publiceerbare tabellen"],
        [f"{meta.get('regio_naam', '')}, verslagjaar {meta.get('jaar', '')}, "
         f"peildatum {meta.get('peildatum', '')}"],
        [],
        ["Onthullingscontrole"],
        [f"Aantallen kleiner dan {min_n} personen zijn weggelaten (lege cel), net als alles wat op zo'n "
         "kleine groep rust en elk getal waaruit zo'n aantal terug te rekenen zou zijn, ook via andere "
         "tabellen; sommen van zorgkosten waarin één of twee huishoudens de doorslag geven ook."],
        ["Een rij met weggelaten cellen heeft in de kolom 'onderdrukt' de waarde 'ja'; de kolom "
         "'onderdrukking' noemt die cellen (kolom:regel)."],
        ["Kolommen met aantallen personen heten 'n' of beginnen met 'n_'; ci95_onder en ci95_boven "
         "zijn de grenzen van het 95%-betrouwbaarheidsinterval; status 'niet_te_berekenen' heeft een "
         "reden; 'oordeel' is het oordeel op de gecorrigeerde p (zie het blad Bevindingen)."],
    ]
    if meta.get("synthetisch"):
        rijen += [[], ["Let op: gemaakt met synthetische (verzonnen) gegevens; niet voor beleid gebruiken."]]
    rijen += [[], ["Blad", "Analyse", "Tabel", "Omschrijving", "Bron"]]
    for blad, t in zip(bladen, lijst, strict=True):
        rijen.append([blad, t["titel"], t["tabel"], t["omschrijving"], f"{t['analyse']}/{t['tabel']}.csv"])
    rijen += [[], ["Verantwoording"],
              ["evaluatie-versie", v.get("evaluatie_versie", "")],
              ["git-commit", v.get("git_commit", "")],
              ["bouwdatum", f"{datum.date().isoformat()} ({bestanden.HERKOMST[herkomst]})"],
              ["configuratie (SHA-256)", v.get("config_sha256", "")]]
    rijen += [[f"invoer: {b}", h] for b, h in v.get("bestanden", {}).items()]
    return rijen


def _cel(ws: Any, waarde: Any) -> Any:
    """A cell for ``ws.append``: text is always a string cell (never a formula or an error
    value), with ``quotePrefix`` when it starts with a formula trigger."""
    from openpyxl.cell import Cell

    cel = Cell(ws, value=waarde)
    if isinstance(waarde, str):
        cel.data_type = "s"
        if waarde.startswith(FORMULETEKENS):
            cel.quotePrefix = True
    return cel


def _voeg_toe(ws: Any, waarden: list[Any]) -> None:
    """Append one row of values to ``ws`` through :func:`_cel`."""
    from openpyxl.utils.exceptions import IllegalCharacterError

    cellen = []
    for kolom, w in enumerate(waarden, start=1):
        try:
            cellen.append(_cel(ws, w))
        except IllegalCharacterError:
            rij = ws.max_row + (1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 0)
            raise EvaluatieFout(f"Export: blad {ws.title!r}, rij {rij}, kolom {kolom}: de "
                                "tekst bevat een stuurteken (ASCII 0-31) dat een XLSX-bestand niet kan "
                                "bevatten; haal het weg uit de configuratie of de invoer.") from None
    ws.append(cellen)


def _vaste_tijden(pad: Path, wb: Any, datum: dt.datetime) -> None:
    """Rewrite the saved workbook with ``datum`` as its creation and modification time and
    as the time of every zip entry; openpyxl's ``save`` sets both to the current time.

    The entries keep their order, names and content; only ``docProps/core.xml`` is
    regenerated (the same way openpyxl writes it) from the properties with fixed times.
    """
    from openpyxl.xml.functions import tostring

    naief = datum.astimezone(dt.UTC).replace(tzinfo=None)
    wb.properties.created = wb.properties.modified = naief
    kern = tostring(wb.properties.to_tree())
    tijd = max(naief, dt.datetime(1980, 1, 1)).timetuple()[:6]  # zip dates start in 1980
    with zipfile.ZipFile(pad) as z:
        delen = [(i.filename, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(pad, "w", zipfile.ZIP_DEFLATED) as z:
        for naam, data in delen:
            info = zipfile.ZipInfo(naam, date_time=tijd)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, kern if naam == "docProps/core.xml" else data)


def _schrijf(pad: Path, meta: dict[str, Any], lijst: list[dict[str, Any]],
             datum: dt.datetime, herkomst: str) -> list[str]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    toel = wb.active
    toel.title = "Toelichting"
    bladen: list[str] = []
    bestaand = {"Toelichting"}
    for t in lijst:
        voorkeur = ("Bevindingen" if t["analyse"] == "bevindingen" else t["tabel"]
                    if t["tabel"] == t["analyse"] else f"{t['analyse']}_{t['tabel']}")
        naam = bladnaam(voorkeur, bestaand)
        bestaand.add(naam)
        bladen.append(naam)
    for r in _toelichting(meta, lijst, bladen, datum, herkomst):
        _voeg_toe(toel, r)
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
        _voeg_toe(ws, [f"{t['titel']}: {t['tabel']}"])
        ws["A1"].font = Font(bold=True, size=12)
        _voeg_toe(ws, [t["omschrijving"] or ""])
        _voeg_toe(ws, [f"Bron: {t['analyse']}/{t['tabel']}.csv"])
        ws.append([])
        df = _voor_excel(t["data"])
        _voeg_toe(ws, [str(k) for k in df.columns])
        for c in ws[5]:
            c.font = vet
            c.fill = kop_vulling
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for rij in df.itertuples(index=False):
            _voeg_toe(ws, [None if (not isinstance(x, str) and pd.isna(x)) else
                       (x.item() if hasattr(x, "item") else x) for x in rij])
        ws.freeze_panes = "A6"
        for j, k in enumerate(df.columns, start=1):
            breedte = max([len(str(k))] + [len(str(x)) for x in df[k].head(200) if not pd.isna(x)])
            ws.column_dimensions[get_column_letter(j)].width = min(max(10, breedte + 2), 60)
            if pd.api.types.is_float_dtype(df[k]):
                for cel in ws.iter_rows(min_row=6, min_col=j, max_col=j):
                    cel[0].number_format = "0.000"
    wb.properties.creator = "evaluatie"
    wb.save(pad)
    _vaste_tijden(pad, wb, datum)
    return bladen


def lees_blad(pad: Path, blad: str) -> pd.DataFrame:
    """A data sheet of the workbook back as text (header on row :data:`KOPRIJ`)."""
    # only an empty cell is missing: a released text "NA" or "#N/A" stays text
    df = pd.read_excel(pad, sheet_name=blad, header=KOPRIJ - 1, dtype=object, keep_default_na=False,
                       na_values=[""])
    return df


def _controleer_werkboek(pad: Path, map_: Path, lijst: list[dict[str, Any]], bladen: list[str],
                         config: dict[str, Any] | None) -> list[str]:
    """Every sheet equals the released table it copies; the checker passes on the sheets."""
    from evaluatie import analyses, disclosure
    from evaluatie.disclosure import Invoer, controleer

    fouten = []
    invoer = []
    vind = analyses.specificaties(config) if config else None
    for blad, t in zip(bladen, lijst, strict=True):
        terug = lees_blad(pad, blad)
        verwacht = _voor_excel(t["data"])
        if list(terug.columns) != list(verwacht.columns) or len(terug) != len(verwacht):
            fouten.append(f"blad {blad}: kolommen of rijen wijken af van {t['analyse']}/{t['tabel']}.csv")
            continue
        for k in verwacht.columns:
            a = verwacht[k].astype(object).where(verwacht[k].notna(), None).tolist()
            b = terug[k].where(terug[k].notna(), None).tolist()
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                gelijk = (x is None and y is None) or (x is not None and y is not None and (
                    str(x) == str(y) or _getal_gelijk(x, y)))
                if not gelijk:
                    fouten.append(f"blad {blad}, rij {i + KOPRIJ + 1}, kolom '{k}': "
                                  f"{y!r} in plaats van {x!r}")
                    break
        if vind is not None:
            _, specs = vind(map_.name, t["analyse"])
            spec = specs[t["tabel"]]
            df = t["data"].copy()
            for k in spec.van_soort("hulp"):
                df[k.naam] = pd.NA
            invoer.append(Invoer(map_.name, t["analyse"], t["tabel"], spec, df[[*spec.namen,
                                                                                 *contract.COMPANIONS]]))
    if invoer:
        fouten += [f"werkboek: {f}" for f in controleer(invoer, disclosure.instellingen(config))]
    return fouten


def _getal_gelijk(x: Any, y: Any) -> bool:
    try:
        return abs(float(x) - float(y)) <= 1e-12 * max(1.0, abs(float(x)))
    except (TypeError, ValueError):
        return False


def exporteer(map_: str | Path, uit: str | Path, config: dict[str, Any] | None = None,
              volgorde: list[str] | None = None) -> Path:
    """Write all released tables of one interventie to ``uit`` (XLSX), after checking it.

    Parameters
    ----------
    map_
        The interventie's directory in the release (``publiceerbaar/<interventie>``).
    uit
        Path of the workbook to write.
    config
        The validated config (for the disclosure checker over the sheets).
    volgorde
        Analysis names in report order (default: alphabetical; the findings first).

    Raises
    ------
    OnthullingsFout
        If a sheet differs from the release or the checker finds a violation.
    """
    from evaluatie import disclosure

    map_, uit = Path(map_), Path(uit)
    meta = json.loads((map_ / "interventie.json").read_text("utf-8"))
    lijst = tabellen(map_, volgorde)
    bron = config or {"peildatum": meta.get("peildatum")}
    datum, herkomst = bestanden.bouwdatum(bron), bestanden.bouwdatum_herkomst(bron)
    with bestanden.tijdelijk_bestand(uit) as tijdelijk:
        bladen = _schrijf(tijdelijk, meta, lijst, datum, herkomst)
        fouten = _controleer_werkboek(tijdelijk, map_, lijst, bladen, config)
        if fouten:
            raise disclosure.OnthullingsFout(
                f"Export {uit.name} niet geschreven: {len(fouten)} probleem/problemen:\n"
                + "\n".join(f"  - {f}" for f in fouten[:30]))
    return uit
