#!/usr/bin/env bash
# Run the whole test suite: the same set-up as scripts/run.sh, then pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -q "$@"
