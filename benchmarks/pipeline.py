"""Time the full pipeline on the demo region and on a scaled region.

    .venv/bin/python benchmarks/pipeline.py [--schaal 1 10] [--formaten html pdf]

For each scale: a clean run (synthetic data → all reports), then a no-op re-run.
Prints wall time and peak memory (largest resident set of any process of the run).
Targets on the 2-core reference machine: demo ≤ 60 s, 10× ≤ 180 s, no-op ≤ 3 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _run(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of the largest process of one run.

    The run goes through a small wrapper process so that the peak is this run's own,
    not the largest of every run so far (RUSAGE_CHILDREN keeps a running maximum).
    """
    wrapper = ("import resource, subprocess, sys; "
               "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "sys.stderr.write(r.stderr[-4000:] if r.returncode else ''); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
               "sys.exit(r.returncode)")
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", wrapper, *args], cwd=cwd, capture_output=True, text=True)
    duur = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(r.stderr[-4000:])
    return duur, int(r.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--schaal", type=float, nargs="+", default=[1, 10])
    p.add_argument("--formaten", nargs="+", default=["html", "pdf"])
    p.add_argument("--cores", type=int, default=2)
    a = p.parse_args()
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text("utf-8"))
    print(f"{'schaal':>6} {'deelnemers':>10} {'schoon (s)':>11} {'piek (MB)':>10} {'no-op (s)':>10}")
    for schaal in a.schaal:
        werk = Path(tempfile.mkdtemp(prefix=f"bench-{schaal:g}-"))
        try:
            c = dict(config, synthetisch={"seed": 2026, "schaal": schaal},
                     rapport={"formaten": a.formaten, "engine": "auto"})
            (werk / "config.yaml").write_text(yaml.safe_dump(c, allow_unicode=True), "utf-8")
            cmd = [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"),
                   "--configfile", "config.yaml", "--cores", str(a.cores), "-q"]
            schoon, piek = _run(cmd, werk)
            noop, _ = _run(cmd, werk)
            n = sum(1 for _ in open(werk / "data" / "demo-zuidrand" / "deelnemers.csv")) - 1
            print(f"{schaal:>6g} {n:>10} {schoon:>11.1f} {piek:>10.0f} {noop:>10.1f}", flush=True)
        finally:
            shutil.rmtree(werk, ignore_errors=True)


if __name__ == "__main__":
    main()
