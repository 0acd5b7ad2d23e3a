"""Paths and settings shared by the ETL, the app and the command line."""

from __future__ import annotations

import os
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


def db_path() -> Path:
    """The DuckDB file: $TRACKER_DB when set, else data/tracker.duckdb."""
    return Path(os.environ.get("TRACKER_DB") or DEFAULT_DB_PATH)


def session_secret_path() -> Path:
    """The key that signs sign-in cookies, beside the database file unless $TRACKER_SESSION_SECRET is set."""
    return db_path().parent / "session.key"


def sso_roles_path() -> Path:
    """E-mail → role mapping for single sign-on: $TRACKER_SSO_ROLES, else config/sso_roles.toml."""
    return Path(os.environ.get("TRACKER_SSO_ROLES") or PROJECT_ROOT / "config" / "sso_roles.toml")
