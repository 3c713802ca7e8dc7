"""After a kill: job processes die with Snakemake, and a stale lock is recognised.

Snakemake 9 runs a ``script:`` job as a child process of the main ``snakemake``
process (``python .snakemake/scripts/tmpXXXX.<naam>.py``). When the main process is
killed with ``SIGKILL`` it cannot stop its children: they are re-parented and run on,
and one of them may still write a complete-looking report that Snakemake never
registered. :func:`sterf_met_snakemake`, the first call in every
``workflow/scripts/*.py``, prevents that: when the job's parent is a Snakemake process,
a daemon thread waits on a pidfd of that parent (:func:`os.pidfd_open`, Linux 5.3+;
elsewhere it polls :func:`os.getppid` twice a second) and, as soon as the parent is
gone, kills the job's own descendants (the Jupyter kernel of a render, pandoc) and the
job itself with ``SIGKILL``. A pidfd follows the process, not a thread, so unlike
``PR_SET_PDEATHSIG`` it cannot fire when merely the Snakemake thread that started the
job ends, and it is immune to PID reuse.

A killed Snakemake also leaves its lock files in ``.snakemake/locks``;
:func:`lopende_runs` tells whether any Snakemake process (or job of one) still works in
a directory, so that ``evaluatie run`` can lift a stale lock and refuse a live one.
Processes are only seen on this machine: a directory shared between machines needs the
user's own judgement (``snakemake --unlock``).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time
from pathlib import Path

__all__ = ["lopende_runs", "sloten", "sterf_met_snakemake"]


def _is_snakemake(cmdline: list[str]) -> bool:
    """A Snakemake main process: ``snakemake …`` or ``python -m snakemake …``."""
    if any(Path(a).name == "snakemake" for a in cmdline[:2]):
        return True
    return any(a == "-m" and b == "snakemake" for a, b in zip(cmdline, cmdline[1:], strict=False))


def _is_snakemake_taak(cmdline: list[str]) -> bool:
    """A Snakemake main process or one of its script jobs (``.snakemake/scripts/…``)."""
    return _is_snakemake(cmdline) or any("/.snakemake/scripts/" in a or a.startswith(".snakemake/scripts/")
                                         for a in cmdline)


def _opdrachtregel(pid: int) -> list[str]:
    import psutil

    try:
        return psutil.Process(pid).cmdline()
    except (psutil.Error, OSError):
        return []


def _sterf() -> None:
    """Kill every descendant of this process, then this process (no cleanup: a job whose
    Snakemake is gone has nobody to report to, and its outputs are incomplete)."""
    import psutil

    with contextlib.suppress(OSError):
        os.write(2, b"evaluatie: snakemake is gestopt; deze taak stopt ook.\n")
    with contextlib.suppress(psutil.Error):
        for kind in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                kind.kill()
    os.kill(os.getpid(), signal.SIGKILL)


def _wacht_op_pidfd(fd: int) -> None:
    poll = select.poll()
    poll.register(fd, select.POLLIN)
    while not poll.poll():
        pass
    _sterf()


def _wacht_op_ouder(ouder: int) -> None:
    while os.getppid() == ouder:
        time.sleep(0.5)
    _sterf()


def sterf_met_snakemake() -> bool:
    """Make this job process die (with its children) when its Snakemake process dies.

    Does nothing, and returns ``False``, when the parent is not a Snakemake process (a
    script run by hand or by a test). Returns ``True`` when the guard is armed.
    """
    ouder = os.getppid()
    if ouder <= 1 or not _is_snakemake(_opdrachtregel(ouder)):
        return False
    fd = None
    with contextlib.suppress(AttributeError, OSError):
        fd = os.pidfd_open(ouder)
    if os.getppid() != ouder:  # the parent died before the pidfd was taken
        _sterf()
    if fd is not None:
        doel, args = _wacht_op_pidfd, (fd,)
    else:
        doel, args = _wacht_op_ouder, (ouder,)
    threading.Thread(target=doel, args=args, name="sterf-met-snakemake", daemon=True).start()
    return True


def sloten(map_: str | Path) -> list[Path]:
    """Snakemake's lock files in the working directory ``map_`` (empty when unlocked)."""
    return sorted((Path(map_) / ".snakemake" / "locks").glob("*.lock"))


def lopende_runs(map_: str | Path) -> list[int]:
    """PIDs of live Snakemake processes (main or job) on this machine working in ``map_``.

    A process counts when its working directory is ``map_`` and its command line is a
    Snakemake run or a Snakemake script job. The calling process is never counted.
    """
    import psutil

    map_ = Path(map_).resolve()
    eigen = os.getpid()
    gevonden = []
    for p in psutil.process_iter(["pid", "cmdline"]):
        if p.info["pid"] == eigen or not _is_snakemake_taak(p.info["cmdline"] or []):
            continue
        try:
            if Path(p.cwd()).resolve() == map_ and p.status() != psutil.STATUS_ZOMBIE:
                gevonden.append(p.info["pid"])
        except (psutil.Error, OSError):
            continue  # gone, or another user's process
    return sorted(gevonden)

