"""Paths and settings shared by the ETL, the app and the command line."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
CATALOGUE_DIR = PROJECT_ROOT / "etl" / "catalogue"
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "tracker.duckdb"


def db_path() -> Path:
    """The DuckDB file: $TRACKER_DB when set, else data/tracker.duckdb."""
    return Path(os.environ.get("TRACKER_DB") or DEFAULT_DB_PATH)


def sso_roles_path() -> Path:
    """E-mail → role mapping for single sign-on: $TRACKER_SSO_ROLES, else config/sso_roles.toml."""
    return Path(os.environ.get("TRACKER_SSO_ROLES") or PROJECT_ROOT / "config" / "sso_roles.toml")
