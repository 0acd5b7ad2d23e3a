#!/usr/bin/env bash
# Run the app: set up, build data/tracker.duckdb from seeds/ when it is missing (or bring its catalogue up to this
# version's when that differs; entered data is kept), start Streamlit.
# HOST/PORT may be set in the environment (default 127.0.0.1:8501); TRACKER_DB (or TRACKER_DB in
# .streamlit/secrets.toml) names another DuckDB file or a PostgreSQL database (docs/deployment.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
DB=$(.venv/bin/python -c "from tracker.config import database; from tracker.db.postgres import redacted; print(redacted(str(database())))")
if [[ "$DB" != postgres* && ! -f "$DB" ]]; then
  echo "Building $DB from seeds/ …"
  .venv/bin/python -m etl
else
  .venv/bin/python -m etl --if-changed || echo "The catalogue of $DB was not refreshed (see above); starting anyway."
fi
exec .venv/bin/streamlit run app.py \
  --server.address "${HOST:-127.0.0.1}" --server.port "${PORT:-8501}" \
  --server.headless true --browser.gatherUsageStats false
