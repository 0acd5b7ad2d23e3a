"""python -m etl: seed documents → reviewed catalogue → DuckDB tables."""
