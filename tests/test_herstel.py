"""Faults: a killed run stops its jobs and resumes with one command; writes are atomic;
released files have ordinary permissions."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest
from fixtures import mini_regio

from evaluatie import bestanden, herstel, regio
from evaluatie.fouten import EvaluatieFout


def _levend(processen: list[psutil.Process]) -> list[psutil.Process]:
    uit = []
    for p in processen:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                uit.append(p)
        except psutil.NoSuchProcess:
            pass
    return uit


def _wacht_tot(voorwaarde, seconden: float, stap: float = 0.05) -> bool:
    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        if voorwaarde():
            return True
        time.sleep(stap)
    return voorwaarde()


def _modi(basis: Path) -> dict[str, int]:
    """Mode of every file and directory under the release and the reports."""
    uit = {}
    for map_ in ("publiceerbaar", "rapporten"):
        for pad in [basis / map_, *(basis / map_).rglob("*")]:
            uit[str(pad.relative_to(basis))] = stat.S_IMODE(pad.stat().st_mode)
    return uit


def assert_gewone_rechten(werk: Path) -> None:
    """Files 0644 and directories 0755 (the runs use umask 022) in publiceerbaar and rapporten."""
    basis = werk / "results" / mini_regio.REGIO
    fout = {p: oct(m) for p, m in _modi(basis).items()
            if m != (0o755 if (basis / p).is_dir() else 0o644)}
    assert not fout, fout


# --------------------------------------------------------------------------------------
# (i) kill and resume
# --------------------------------------------------------------------------------------


def test_a_killed_run_stops_its_jobs_and_one_evaluatie_run_resumes_it(tmp_path_factory, tmp_path):
    """SIGKILL the main snakemake process while the reports are being rendered.

    To keep the test short the run starts from a copy of a finished run without its
    reports (Snakemake's metadata copied along), so the run that is killed has only the
    report stage left: the interventie report, the eindrapport and the XLSX export.
    """
    referentie = mini_regio.draai(tmp_path_factory)
    werk = tmp_path / "onderbroken"
    shutil.copytree(referentie, werk, symlinks=True)
    rapporten = werk / "results" / mini_regio.REGIO / "rapporten"
    shutil.rmtree(rapporten)
    log = (tmp_path / "snakemake.log").open("w")
    start = time.monotonic()
    proces = subprocess.Popen(mini_regio.snakemake_cmd(werk), env=mini_regio.omgeving(mini_regio.KLOK_WEST),
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    hoofd = psutil.Process(proces.pid)
    try:
        def rendert() -> bool:  # a report job has started its Jupyter kernel
            assert proces.poll() is None, (tmp_path / "snakemake.log").read_text()[-3000:]
            return any("ipykernel" in " ".join(k.cmdline()) for k in _levend(hoofd.children(recursive=True)))

        assert _wacht_tot(rendert, 300, 0.2), "no report render started"
        taken = hoofd.children(recursive=True)
        assert any(".snakemake/scripts/" in " ".join(t.cmdline()) for t in taken)
        os.kill(proces.pid, signal.SIGKILL)
        proces.wait()
        gestopt = time.monotonic()
        assert _wacht_tot(lambda: not _levend(taken), 5), \
            f"job processes outlived snakemake: {[' '.join(p.cmdline())[-80:] for p in _levend(taken)]}"
        print(f"\nkilled {gestopt - start:.1f} s after the start; {len(taken)} job processes gone "
              f"within {time.monotonic() - gestopt:.2f} s")
        assert not (rapporten / f"{mini_regio.INTERVENTIE}.html").exists()
        assert herstel.sloten(werk), "snakemake left its lock (the situation to recover from)"
        assert herstel.lopende_runs(werk) == []
    finally:
        log.close()
        with contextlib.suppress(ProcessLookupError):  # clean up whatever a failure left
            os.killpg(proces.pid, signal.SIGKILL)
        proces.wait()

    # one command resumes: the stale lock is lifted, the incomplete outputs are made again
    hervat = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "evaluatie.cli", "run", str(werk)],
                       env=mini_regio.omgeving(mini_regio.KLOK_WEST), capture_output=True, text=True,
                       timeout=1200, preexec_fn=lambda: os.umask(0o022))
    assert r.returncode == 0, (r.stdout + r.stderr)[-5000:]
    assert "afgebroken" in r.stderr and "Traceback" not in r.stderr
    print(f"resumed in {time.monotonic() - hervat:.1f} s")
    a, b = mini_regio.releasebaar(referentie), mini_regio.releasebaar(werk)
    assert sorted(b) == sorted(a)  # no temporary file or work directory left behind either
    assert [k for k in a if a[k] != b[k]] == []
    assert_gewone_rechten(werk)
    assert not herstel.sloten(werk)


def test_evaluatie_run_refuses_while_a_snakemake_still_works_in_the_project(tmp_path):
    mini_regio.config(tmp_path)
    (tmp_path / ".snakemake" / "locks").mkdir(parents=True)
    (tmp_path / ".snakemake" / "locks" / "0.output.lock").write_text("results/x\n")
    nep = tmp_path / "snakemake"  # a process that looks like a running snakemake
    nep.write_text("import time\ntime.sleep(60)\n")
    p = subprocess.Popen([sys.executable, str(nep)], cwd=tmp_path)
    try:
        assert _wacht_tot(lambda: herstel.lopende_runs(tmp_path) == [p.pid], 10)
        with pytest.raises(EvaluatieFout, match=rf"loopt al een evaluatie \(snakemake, proces {p.pid}\)"):
            regio.run(tmp_path)
        assert herstel.sloten(tmp_path), "a live run's lock is left alone"
    finally:
        p.kill()
        p.wait()
    assert herstel.lopende_runs(tmp_path) == []


def test_evaluatie_run_checks_the_config_before_snakemake_starts(tmp_path):
    (tmp_path / "config.yaml").write_text("regio: x\nonbekende_sleutel: 1\n", encoding="utf-8")
    with pytest.raises(EvaluatieFout, match="onbekende_sleutel"):
        regio.run(tmp_path)
    assert not (tmp_path / ".snakemake").exists()


@pytest.mark.parametrize("via_shell", [False, True])
def test_a_job_dies_with_its_snakemake_process_and_takes_its_children_along(tmp_path, via_shell):
    """The guard alone, with a stand-in for snakemake: a process named snakemake starts a
    job (which starts a child of its own, like a Jupyter kernel) and is killed. Snakemake
    9 starts the job itself; older versions put a shell in between."""
    taak = tmp_path / "taak.py"
    taak.write_text(textwrap.dedent("""
        import subprocess, sys, time
        from evaluatie import herstel
        gewapend = herstel.sterf_met_snakemake()
        kind = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
        import os
        print(os.getpid(), gewapend, kind.pid, flush=True)
        time.sleep(60)
    """))
    nep = tmp_path / "snakemake"
    nep.write_text(textwrap.dedent(f"""
        import subprocess, sys, time
        cmd = [sys.executable, {str(taak)!r}]
        if {via_shell!r}:  # "; true" keeps the shell from replacing itself by the job
            cmd = ["/bin/sh", "-c", " ".join(cmd) + "; true"]
        taak = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        print(taak.stdout.readline().strip(), flush=True)
        time.sleep(60)
    """))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(mini_regio.REPO / "src"), *sys.path])}
    ouder = subprocess.Popen([sys.executable, str(nep)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        taak_pid, gewapend, kind_pid = ouder.stdout.readline().split()
        assert gewapend == "True"
        processen = [psutil.Process(int(taak_pid)), psutil.Process(int(kind_pid))]
        assert len(_levend(processen)) == 2
        ouder.kill()
        ouder.wait()
        assert _wacht_tot(lambda: not _levend(processen), 5), "the job or its child outlived snakemake"
    finally:
        ouder.kill()
        ouder.wait()
        ouder.stdout.close()


def test_the_guard_stays_off_outside_snakemake():
    assert herstel.sterf_met_snakemake() is False  # pytest's parent is no snakemake


# --------------------------------------------------------------------------------------
# (ii) atomic writes
# --------------------------------------------------------------------------------------


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    doel = tmp_path / "rapport.html"
    doel.write_text("oud")
    with pytest.raises(RuntimeError), bestanden.tijdelijk_bestand(doel) as tijdelijk:
        tijdelijk.write_text("half geschre")
        raise RuntimeError("schijf vol")
    assert doel.read_text() == "oud"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.html"]

    nieuw = tmp_path / "nieuw.json"
    with pytest.raises(RuntimeError), bestanden.tijdelijk_bestand(nieuw) as tijdelijk:
        tijdelijk.write_text("{")
        raise RuntimeError
    assert not nieuw.exists()


def test_a_write_killed_half_way_leaves_the_old_file_and_the_next_write_cleans_up(tmp_path):
    doel = tmp_path / "tabellen.xlsx"
    doel.write_bytes(b"oude inhoud")
    schrijver = textwrap.dedent(f"""
        import sys, time
        from evaluatie import bestanden
        with bestanden.tijdelijk_bestand({str(doel)!r}) as t:
            with open(t, "wb") as f:
                f.write(b"x" * 100000)
                f.flush()
                print("half", flush=True)
                time.sleep(60)
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(mini_regio.REPO / "src"), *sys.path])}
    with subprocess.Popen([sys.executable, "-c", schrijver], stdout=subprocess.PIPE, text=True, env=env) as p:
        assert p.stdout.readline().strip() == "half"
        p.send_signal(signal.SIGKILL)
    assert doel.read_bytes() == b"oude inhoud"
    rest = [q.name for q in tmp_path.iterdir() if q != doel]
    assert len(rest) == 1 and rest[0].startswith(".tabellen.xlsx.")  # what SIGKILL leaves
    bestanden.schrijf_bytes(doel, b"nieuw")
    assert doel.read_bytes() == b"nieuw"
    assert [q.name for q in tmp_path.iterdir()] == ["tabellen.xlsx"]


def test_an_export_that_fails_half_way_writes_nothing(tmp_path, monkeypatch):
    from evaluatie import export

    doel = tmp_path / "rapporten" / "x-tabellen.xlsx"

    def kapot(pad, *args):
        Path(pad).write_bytes(b"PK\x03\x04 half")
        raise OSError("schijf vol")

    monkeypatch.setattr(export, "_schrijf", kapot)
    monkeypatch.setattr(export, "tabellen", lambda *a, **k: [])
    (tmp_path / "vrijgave").mkdir()
    (tmp_path / "vrijgave" / "interventie.json").write_text('{"peildatum": "2026-10-31"}')
    with pytest.raises(OSError, match="schijf vol"):
        export.exporteer(tmp_path / "vrijgave", doel)
    assert list(doel.parent.iterdir()) == []


def test_a_move_across_file_systems_still_ends_in_a_rename(tmp_path, monkeypatch):
    bron, doel = tmp_path / "werk" / "r.pdf", tmp_path / "uit" / "r.pdf"
    bron.parent.mkdir()
    bron.write_bytes(b"%PDF nieuw")
    echt = os.stat

    class AnderApparaat:  # st_dev of the target directory differs: another file system
        def __init__(self, s):
            self._s = s

        def __getattr__(self, k):
            return self._s.st_dev + 1 if k == "st_dev" else getattr(self._s, k)

    monkeypatch.setattr(os, "stat", lambda p, *a, **k: AnderApparaat(echt(p, *a, **k))
                        if Path(p) == doel.parent else echt(p, *a, **k))
    vervangen = []
    echt_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (vervangen.append((Path(a).parent, Path(b))),
                                                     echt_replace(a, b)))
    bestanden.plaats(bron, doel)
    assert doel.read_bytes() == b"%PDF nieuw" and not bron.exists()
    assert vervangen == [(doel.parent, doel)]  # the last step is a rename inside the target's directory


# --------------------------------------------------------------------------------------
# (iii) permissions
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("umask", "bestand", "map_"), [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700),
                                                        (0o027, 0o640, 0o750)])
def test_outputs_get_the_mode_of_any_new_file_under_the_umask(tmp_path, umask, bestand, map_):
    oud = os.umask(umask)
    try:
        doel = tmp_path / "nieuw" / "rapport.pdf"
        with bestanden.tijdelijk_bestand(doel) as t:  # made by mkstemp: 0600 until placed
            assert stat.S_IMODE(t.stat().st_mode) == 0o600
            t.write_bytes(b"%PDF")
        assert stat.S_IMODE(doel.stat().st_mode) == bestand
        assert stat.S_IMODE(doel.parent.stat().st_mode) == map_
        with bestanden.werkmap(tmp_path / "w" / "r.html") as w:
            (w / "r.html").write_text("x")
            bestanden.plaats(w / "r.html", tmp_path / "w" / "r.html")
        assert stat.S_IMODE((tmp_path / "w" / "r.html").stat().st_mode) == bestand
    finally:
        os.umask(oud)
