"""Numbered schema migrations, applied in order from the schema_version stored in meta, each in one transaction.

A migration is (number, name, SQL text or function of a cursor). A file at version n gets every migration after n,
each committed with its new schema_version, so a failure leaves the file at the last complete version. A current
file gets none. Add a change as a new entry at the end and never edit an entry that has been released.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from tracker.db import schema


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    apply: str | Callable[[duckdb.DuckDBPyConnection], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "catalogue, batches, actuals and their views", schema.BASE_DDL),
    Migration(2, "accounts, sign-in attempts, audit trail, settings", schema.ACCOUNTS_DDL),
    Migration(3, "relative targets name their indicator, stated values their plan, the write counter",
              schema.RELATIVE_INDICATOR_DDL),
    Migration(4, "users.credentials_version: a password change ends sessions", schema.CREDENTIALS_VERSION_DDL),
    Migration(5, "login_attempts.attempt_id and .client: sign-ins claimed atomically, counted per client",
              schema.SIGN_IN_CLAIMS_DDL),
    Migration(6, "documents, seed or reviewed origin of catalogue rows, plans.status, archived target rows",
              schema.REVIEWED_PLANS_DDL),
    Migration(7, "the 牵头单位/责任单位 of each target: as the text names them, and as an admin set them",
              schema.RESPONSIBLE_UNITS_DDL),
    Migration(8, "approval: the review state of every revision (existing ones approved), locks of a plan's year",
              schema.APPROVAL_DDL),
)
assert [m.number for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1)), "migrations are numbered 1, 2, 3 …"
assert MIGRATIONS[-1].number == schema.SCHEMA_VERSION, "SCHEMA_VERSION is the number of the last migration"


class NewerSchemaError(RuntimeError):
    """The file was written by a newer version of the program."""


def stored_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema_version recorded in meta; 0 for an empty file."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'"
    ).fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def pending(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    version = stored_version(con)
    if version > schema.SCHEMA_VERSION:
        raise NewerSchemaError(
            f"数据库结构版本 {version} 比本程序({schema.SCHEMA_VERSION})新:请升级程序。/ the file's schema is newer"
        )
    return [m for m in MIGRATIONS if m.number > version]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every pending migration in order, one transaction each; returns the numbers applied."""
    applied = []
    for migration in pending(con):
        cur = con.cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            try:
                if callable(migration.apply):
                    migration.apply(cur)
                else:
                    cur.execute(migration.apply)
                cur.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(migration.number)])
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
        finally:
            cur.close()
        applied.append(migration.number)
    return applied
