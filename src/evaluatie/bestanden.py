"""Writing outputs safely: atomically, with ordinary permissions, with one fixed date.

Every final output of the workflow (reports, XLSX exports, JSON metadata) is written
through these helpers:

* **Atomically.** The content goes to a temporary file in the target's own directory,
  is flushed and ``fsync``-ed, and is then renamed over the target with
  :func:`os.replace` (atomic on POSIX within one file system); the directory is
  ``fsync``-ed after the rename. A reader, or a run that is killed half-way, sees the
  old file or the complete new one, never a partial one. A failure removes the
  temporary file. A temporary file left behind by a process that was killed
  (``SIGKILL`` cannot be caught) is removed the next time the same target is written.
* **With ordinary permissions.** :func:`tempfile.mkstemp` creates files ``0600``; a
  released file gets the mode any newly created file gets, ``0666`` minus the umask
  (``0644`` under the usual umask 022); directories are made with :meth:`Path.mkdir`,
  ``0777`` minus the umask (``0755``). The umask is respected on purpose: an organisation that sets a stricter
  umask for health data (027, 077) gets what it asked for, and nothing here makes
  files more readable than the user's other files.
* **With one date.** :func:`bouwdatum` is the only source of a date or time that
  reaches a releasable output (PDF creation date, XLSX properties and zip entries,
  the Verantwoording): ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds
  convention), otherwise the config's ``peildatum`` at 00:00 UTC. The same inputs,
  code and config therefore give byte-identical outputs on any day.

Only the standard library is used: :mod:`tempfile` and :func:`os.replace` do the work;
what is added is the fixed order of flush, fsync, chmod, rename and cleanup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from evaluatie.fouten import ConfigFout

__all__ = ["HERKOMST", "bouwdatum", "bouwdatum_herkomst", "plaats", "schrijf_bytes",
           "schrijf_tekst", "tijdelijk_bestand", "werkmap", "bestand_modus", "zet_bouwdatum"]

#: Marks the temporary files and directories of these helpers: ``.<naam>.<xxxxxxxx>.tmp<ext>``
#: (the target's extension kept, for libraries that go by it) and ``.<naam>.<xxxxxxxx>.werk``.
_ACHTERVOEGSEL = ".tmp"
_WERK = ".werk"


# --------------------------------------------------------------------------------------
# The build date
# --------------------------------------------------------------------------------------


def _source_date_epoch() -> dt.datetime | None:
    waarde = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not waarde:
        return None
    if not re.fullmatch(r"[0-9]{1,12}", waarde):
        raise ConfigFout("SOURCE_DATE_EPOCH moet een geheel aantal seconden sinds 1970-01-01 UTC zijn "
                         f"(gevonden: {waarde[:20]!r}).")
    return dt.datetime.fromtimestamp(int(waarde), tz=dt.UTC)


def bouwdatum(config: dict[str, Any] | None = None) -> dt.datetime:
    """The one date and time written into releasable outputs (timezone-aware).

    ``SOURCE_DATE_EPOCH`` when set; otherwise the ``peildatum`` of ``config`` at 00:00
    UTC. Without either (a render outside the workflow, with no config) it is the
    current local time, and the output is then not reproducible.

    Raises
    ------
    ConfigFout
        If ``SOURCE_DATE_EPOCH`` is not a whole number of seconds, or the peildatum is
        not a date.
    """
    vast = _source_date_epoch()
    if vast is not None:
        return vast
    peildatum = (config or {}).get("peildatum")
    if peildatum:
        try:
            dag = peildatum if isinstance(peildatum, dt.date) else dt.date.fromisoformat(str(peildatum))
        except ValueError:
            raise ConfigFout(f"peildatum {str(peildatum)[:20]!r} is geen datum (JJJJ-MM-DD).") from None
        return dt.datetime(dag.year, dag.month, dag.day, tzinfo=dt.UTC)
    return dt.datetime.now().astimezone().replace(microsecond=0)


def bouwdatum_herkomst(config: dict[str, Any] | None = None) -> str:
    """Where :func:`bouwdatum` comes from: ``SOURCE_DATE_EPOCH``, ``peildatum`` or ``klok``."""
    if _source_date_epoch() is not None:
        return "SOURCE_DATE_EPOCH"
    return "peildatum" if (config or {}).get("peildatum") else "klok"


def zet_bouwdatum(config: dict[str, Any] | None) -> dt.datetime:
    """Fix the build date for this process and every tool it starts.

    Sets ``SOURCE_DATE_EPOCH`` (when not set already) to :func:`bouwdatum`, the variable
    that typst, Quarto, pandoc and matplotlib read for the dates they embed, and that
    :func:`bouwdatum` itself reads in the renderer and the report's kernel.
    """
    datum = bouwdatum(config)
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(datum.timestamp())))
    return datum


#: How a report or export explains its build date, per :func:`bouwdatum_herkomst`.
HERKOMST = {
    "peildatum": "de peildatum; een vaste datum, zodat dezelfde invoer dezelfde bestanden geeft. "
                 "Het tijdstip van de run staat in de logbestanden",
    "SOURCE_DATE_EPOCH": "uit SOURCE_DATE_EPOCH; een vaste datum, zodat dezelfde invoer dezelfde "
                         "bestanden geeft. Het tijdstip van de run staat in de logbestanden",
    "klok": "het tijdstip waarop het bestand is gemaakt",
}


# --------------------------------------------------------------------------------------
# Permissions
# --------------------------------------------------------------------------------------


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (/proc), else by
    setting and restoring it."""
    with contextlib.suppress(OSError, ValueError):
        for regel in Path("/proc/self/status").read_text().splitlines():
            if regel.startswith("Umask:"):
                return int(regel.split()[1], 8)
    oud = os.umask(0o022)
    os.umask(oud)
    return oud


def bestand_modus() -> int:
    """Mode of a newly written output file: ``0o666`` minus the umask."""
    return 0o666 & ~_umask()


# --------------------------------------------------------------------------------------
# Atomic writes
# --------------------------------------------------------------------------------------


def _fsync_map(map_: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a directory be opened
        fd = os.open(map_, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _restant(naam: str, soort: str) -> re.Pattern[str]:
    # tempfile's names: prefix + 8 characters from [a-z0-9_] + suffix
    return re.compile(re.escape(f".{naam}.") + r"[a-z0-9_]{8}" + re.escape(soort))


def _ruim_restanten_op(doel: Path) -> None:
    """Remove what a killed earlier write of ``doel`` left beside it.

    Only names this module makes for exactly this target are touched; a workflow writes
    each target from one job at a time, so none of them is still in use.
    """
    bestand, werk = _restant(doel.name, _ACHTERVOEGSEL + doel.suffix), _restant(doel.name, _WERK)
    with contextlib.suppress(FileNotFoundError):
        for pad in doel.parent.iterdir():
            if bestand.fullmatch(pad.name) and not pad.is_dir():
                pad.unlink(missing_ok=True)
            elif werk.fullmatch(pad.name) and pad.is_dir() and not pad.is_symlink():
                shutil.rmtree(pad, ignore_errors=True)


def _maak_map(map_: Path) -> None:
    map_.mkdir(parents=True, exist_ok=True)


def _tijdelijk_naast(doel: Path) -> Path:
    fd, naam = tempfile.mkstemp(prefix=f".{doel.name}.", suffix=_ACHTERVOEGSEL + doel.suffix,
                                dir=doel.parent)
    os.close(fd)
    return Path(naam)


def _vervang(tijdelijk: Path, doel: Path) -> None:
    """The last step of every write: fsync, ordinary mode, rename within one directory."""
    with open(tijdelijk, "rb") as f:
        os.fsync(f.fileno())
    os.chmod(tijdelijk, bestand_modus())
    os.replace(tijdelijk, doel)
    _fsync_map(doel.parent)


def plaats(bron: str | Path, doel: str | Path) -> Path:
    """Move a finished file ``bron`` to ``doel`` atomically, with ordinary permissions.

    On the same file system this is one :func:`os.replace`; otherwise the file is first
    copied into a temporary file beside ``doel`` (and ``bron`` removed), so the final
    step is always a rename within ``doel``'s directory.
    """
    bron, doel = Path(bron), Path(doel)
    _maak_map(doel.parent)
    if os.stat(bron).st_dev != os.stat(doel.parent).st_dev:
        _ruim_restanten_op(doel)
        kopie = _tijdelijk_naast(doel)
        try:
            shutil.copyfile(bron, kopie)
            _vervang(kopie, doel)
        finally:
            kopie.unlink(missing_ok=True)
        bron.unlink()
        return doel
    _vervang(bron, doel)
    return doel


@contextlib.contextmanager
def tijdelijk_bestand(doel: str | Path) -> Iterator[Path]:
    """A temporary path beside ``doel`` for a library that writes to a path itself.

    Write the complete file to the yielded path; on leaving the block it is renamed to
    ``doel`` (see :func:`plaats`). When the block raises, the temporary file is removed
    and ``doel`` is left as it was.
    """
    doel = Path(doel)
    _maak_map(doel.parent)
    _ruim_restanten_op(doel)
    tijdelijk = _tijdelijk_naast(doel)
    try:
        yield tijdelijk
        _vervang(tijdelijk, doel)
    finally:
        tijdelijk.unlink(missing_ok=True)


@contextlib.contextmanager
def _open_atomair(doel: str | Path, modus: str, **kwargs: Any) -> Iterator[IO[Any]]:
    with tijdelijk_bestand(doel) as tijdelijk, open(tijdelijk, modus, **kwargs) as f:
        yield f  # flushed when closed, fsync-ed by tijdelijk_bestand


def schrijf_bytes(doel: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``doel`` atomically (see the module docstring)."""
    with _open_atomair(doel, "wb") as f:
        f.write(data)
    return Path(doel)


def schrijf_tekst(doel: str | Path, tekst: str, encoding: str = "utf-8") -> Path:
    """Write ``tekst`` to ``doel`` atomically (newlines as given, no translation)."""
    with _open_atomair(doel, "w", encoding=encoding, newline="") as f:
        f.write(tekst)
    return Path(doel)


@contextlib.contextmanager
def werkmap(doel: str | Path) -> Iterator[Path]:
    """A temporary working directory beside ``doel``, removed afterwards.

    For a step (a render) that makes ``doel`` from several intermediate files: being on
    the same file system as ``doel``, the result is moved into place by a rename. A
    working directory that a killed run left for the same target is removed first.
    """
    doel = Path(doel)
    _maak_map(doel.parent)
    _ruim_restanten_op(doel)
    map_ = Path(tempfile.mkdtemp(prefix=f".{doel.name}.", suffix=_WERK, dir=doel.parent))
    try:
        yield map_
    finally:
        shutil.rmtree(map_, ignore_errors=True)
