"""Paths and settings shared by the ETL, the app and the command line."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
CATALOGUE_DIR = PROJECT_ROOT / "etl" / "catalogue"
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "tracker.duckdb"

# The plan a first visit opens (any page; afterwards the plan chosen last): the seeds' plan with the most targets.
DEFAULT_PLAN_ID = "cq_sti_13fyp"
# The years an actual value may carry: from the first year of the national statistics system to the present year
# (checked by the validator and the templates); headings outside FIRST_YEAR..LAST_YEAR are not read as years.
FIRST_YEAR = 1949
LAST_YEAR = 2100
# Pickers of a data year reach this many years before a plan's base year (values before it give the trend context).
YEARS_BEFORE_BASE = 5


POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# The help of every command's --db option.
DB_HELP = "数据库: DuckDB 文件或 postgresql://用户@主机:端口/库 (默认 $TRACKER_DB 或 data/tracker.duckdb)"


def database_arg(value: str | Path) -> str | Path:
    """A --db or TRACKER_DB value: a postgresql:// URL as given, anything else the path of a DuckDB file."""
    return str(value) if str(value).startswith(POSTGRES_SCHEMES) else Path(value)


# Where the app's secrets live (Streamlit's own file): TRACKER_DB there names the store when the environment does not.
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


def database() -> str | Path:
    """The store: $TRACKER_DB when set, else TRACKER_DB in .streamlit/secrets.toml, else data/tracker.duckdb. A
    DuckDB file, or a PostgreSQL database as postgresql://user@host:port/db (a password is best kept out of the URL,
    in ~/.pgpass or $PGPASSWORD)."""
    return database_arg(os.environ.get("TRACKER_DB") or _secrets_database() or DEFAULT_DB_PATH)


def _secrets_database() -> str | None:
    try:
        with SECRETS_FILE.open("rb") as f:
            value = tomllib.load(f).get("TRACKER_DB")
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return str(value) if value else None


def db_path() -> Path:
    """The DuckDB file of the store, or data/tracker.duckdb when the store is a PostgreSQL database (the folder
    that holds the local files: the sign-in key, lock knocks)."""
    where = database()
    return where if isinstance(where, Path) else DEFAULT_DB_PATH


def session_secret_path() -> Path:
    """The key that signs sign-in cookies, beside the database file unless $TRACKER_SESSION_SECRET is set."""
    return db_path().parent / "session.key"


def sso_roles_path() -> Path:
    """E-mail → role mapping for single sign-on: $TRACKER_SSO_ROLES, else config/sso_roles.toml."""
    return Path(os.environ.get("TRACKER_SSO_ROLES") or PROJECT_ROOT / "config" / "sso_roles.toml")
