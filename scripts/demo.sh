#!/usr/bin/env bash
# One command: set up, generate the synthetic demo region and build every report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/snakemake --cores "${CORES:-2}" "$@"
echo
echo "Rapporten:"
ls -1 results/*/rapporten/* 2>/dev/null | sed 's/^/  /'
