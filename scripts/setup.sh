#!/usr/bin/env bash
# Sets up everything evaluatie needs in ./.venv, on a machine with Python 3.11 and pip.
# Idempotent: a second run only checks. Used by scripts/demo.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
fi
# uv is a fast, drop-in pip; --compile-bytecode keeps imports fast afterwards.
.venv/bin/uv pip install --quiet --compile-bytecode --python .venv/bin/python -e ".[test]"

# System tools for the browser and PDF checks of the reports (tests only).
if [ "${1:-}" = "--test" ]; then
  if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null
    else
      echo "Let op: chromium en pdftoppm ontbreken; de browser- en PDF-tests worden overgeslagen." >&2
    fi
  fi
fi
