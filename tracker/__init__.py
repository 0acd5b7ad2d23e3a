"""规划指标目标监测 — the domain package: catalogue, methodology, database gateway. Never imports streamlit."""
