#!/usr/bin/env bash
# One command: set up and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/pytest "$@"
