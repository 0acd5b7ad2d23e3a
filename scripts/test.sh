#!/usr/bin/env bash
# Run the whole test suite: the same set-up as scripts/run.sh (and the PostgreSQL packages), then pytest twice: every
# test on the embedded DuckDB store, then every store-level test on a throwaway PostgreSQL cluster that pytest starts
# on a free loopback port and removes (tests/conftest.py). Extra arguments go to both runs.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --postgres || exit $?
status=0
.venv/bin/python -m pytest -q "$@" || status=$?
echo "— the store-level tests on PostgreSQL —"
.venv/bin/python -m pytest -q --backend=postgres "$@"
rc=$?
[ $rc = 5 ] && rc=0        # the arguments chose no store-level test
[ $rc = 0 ] || status=$rc
exit $status
