"""What the gateway does to speak PostgreSQL, checked without a server: parameters, DDL, the URL in messages, and
where the store is configured."""

from __future__ import annotations

from pathlib import Path

from tracker import config
from tracker.db import postgres, schema


def test_question_marks_become_psycopg_parameters_outside_quotes_and_percent_signs_are_kept():
    sql = "SELECT * FROM settings WHERE key LIKE 'threshold.%' AND value <> '?' AND key = ? AND \"a?b\" = ?"
    assert postgres.placeholders(sql) == (
        "SELECT * FROM settings WHERE key LIKE 'threshold.%%' AND value <> '?' AND key = %s AND \"a?b\" = %s")
    assert postgres.placeholders("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', %s"


def test_the_migrations_ddl_becomes_postgresql_ddl():
    statements = postgres.ddl_statements(schema.BASE_DDL)
    assert not any("--" in s for s in statements)                    # comments (with their ;) are gone
    targets = next(s for s in statements if s.startswith("CREATE TABLE IF NOT EXISTS targets"))
    assert "target_value       DOUBLE PRECISION" in targets
    views = [s.split()[2] for s in statements if s.startswith("CREATE VIEW")]
    assert views == ["actuals_history", "actuals_current", "targets_full"]
    # each view is dropped (with the views on it) right before it is made again
    for name in views:
        at = statements.index(next(s for s in statements if s.startswith(f"CREATE VIEW {name}")))
        assert statements[at - 1] == f"DROP VIEW IF EXISTS {name} CASCADE"
    approval = postgres.ddl_statements(schema.APPROVAL_DDL)
    assert sum("EXCLUDE" in s for s in approval) == 2                # expanded at apply time, from the view itself


def test_messages_and_the_data_version_never_show_a_password():
    assert postgres.redacted("postgresql://tracker:pw@db.example.cn:5432/tracker") == \
        "postgresql://tracker:***@db.example.cn:5432/tracker"
    assert postgres.redacted("postgresql://tracker@db/t?sslmode=verify-full&password=pw") == \
        "postgresql://tracker@db/t?sslmode=verify-full&password=***"


def test_the_store_is_the_environment_then_the_secrets_file_then_the_default_file(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    monkeypatch.setattr(config, "SECRETS_FILE", secrets)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    assert config.database() == config.DEFAULT_DB_PATH
    secrets.write_text('TRACKER_DB = "postgresql://tracker@db.example.cn/tracker"\n[auth]\nredirect_uri = "x"\n',
                       encoding="utf-8")
    assert config.database() == "postgresql://tracker@db.example.cn/tracker"
    assert config.db_path() == config.DEFAULT_DB_PATH                # the local files stay in data/
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "office.duckdb"))
    assert config.database() == tmp_path / "office.duckdb"
    secrets.write_text("TRACKER_DB = [unclosed", encoding="utf-8")   # a broken file is not a store
    monkeypatch.delenv("TRACKER_DB")
    assert config.database() == config.DEFAULT_DB_PATH
    assert config.database_arg("postgres://x@y/z") == "postgres://x@y/z"
    assert config.database_arg("data/other.duckdb") == Path("data/other.duckdb")


def test_a_page_says_so_when_the_database_server_cannot_be_reached(monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tracker.config import PROJECT_ROOT

    monkeypatch.setenv("TRACKER_DB", "postgresql://tracker@127.0.0.1:1/tracker")     # nothing listens on port 1
    st.cache_resource.clear()
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "无法连接数据库服务器" in at.error[0].value
    st.cache_resource.clear()
