"""After a kill: job processes die with Snakemake, and a stale lock is recognised.

Snakemake 9 runs a ``script:`` job as a direct child process of the main ``snakemake``
process (``python .snakemake/scripts/tmpXXXX.<naam>.py``; older versions put a shell in
between). When the main process is
killed with ``SIGKILL`` it cannot stop its children: they are re-parented and run on,
and one of them may still write a complete-looking report that Snakemake never
registered. :func:`sterf_met_snakemake`, the first call in every
``workflow/scripts/*.py``, prevents that: it walks up the job's parent chain to the
nearest Snakemake process (at most a few steps, through a shell), and a daemon thread
waits on a pidfd of that process (:func:`os.pidfd_open`, Linux 5.3+; elsewhere it polls
twice a second whether the process with that PID and start time still exists). As soon
as it is gone, the thread kills the job's own descendants (the Jupyter kernel of a
render, pandoc) and the job itself with ``SIGKILL``. A pidfd follows the process, not a thread, so unlike
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
import sys
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


def _wacht_op_proces(pid: int, gestart: float) -> None:
    import psutil

    while True:
        try:
            if psutil.Process(pid).create_time() != gestart:
                break  # the PID now belongs to another process
        except psutil.NoSuchProcess:
            break
        time.sleep(0.5)
    _sterf()


#: How far up the parent chain the Snakemake process may be (job <- shell <- snakemake).
_MAX_STAPPEN = 3


def _snakemake_voorouder() -> tuple[int, float] | None:
    """PID and start time of the nearest Snakemake process among this process' ancestors."""
    import psutil

    try:
        p = psutil.Process().parent()
        for _ in range(_MAX_STAPPEN):
            if p is None or p.pid <= 1:
                return None
            if _is_snakemake(p.cmdline()):
                return p.pid, p.create_time()
            p = p.parent()
    except psutil.Error:
        return None
    return None


def sterf_met_snakemake() -> bool:
    """Make this job process die (with its children) when its Snakemake process dies.

    Does nothing, and returns ``False``, when no Snakemake process is among the nearest
    ancestors (a script run by hand or by a test). A Snakemake job script
    (``.snakemake/scripts/…``) without one lost its Snakemake before it got here, and
    dies at once. Returns ``True`` when the guard is armed.
    """
    import psutil

    gevonden = _snakemake_voorouder()
    if gevonden is None:
        if _is_snakemake_taak(sys.argv[:1]):  # a Snakemake job script whose Snakemake is gone
            _sterf()
        return False
    pid, gestart = gevonden
    fd = None
    with contextlib.suppress(AttributeError, OSError):
        fd = os.pidfd_open(pid)
    try:  # the pidfd is of the right process only if it was not replaced in between
        nog_dezelfde = psutil.Process(pid).create_time() == gestart
    except psutil.NoSuchProcess:
        nog_dezelfde = False
    if not nog_dezelfde:
        _sterf()
    if fd is not None:
        doel, args = _wacht_op_pidfd, (fd,)
    else:
        doel, args = _wacht_op_proces, (pid, gestart)
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

