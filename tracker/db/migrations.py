"""Numbered schema migrations, applied in order from the schema_version stored in meta, each in one transaction.

A migration is (number, name, SQL text or function of a cursor). A file at version n gets every migration after n,
each committed with its new schema_version, so a failure leaves the file at the last complete version. A current
file gets none. Add a change as a new entry at the end and never edit an entry that has been released.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tracker.db import dialect, postgres, schema
from tracker.db.dialect import Cursor


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    apply: str | Callable[[Cursor], None]


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


def stored_version(con: Cursor) -> int:
    """The schema_version recorded in meta; 0 for an empty file."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = current_schema()"
    ).fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def base_tables(con: Cursor) -> list[str]:
    """The names of the store's tables (not its views), in name order."""
    return [name for (name,) in con.execute(
        """SELECT table_name FROM information_schema.tables
           WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name""").fetchall()]


def sequence_values(con) -> dict[str, int]:
    """The last number each sequence has handed out (sequences never used are left out)."""
    return dialect.sequence_values(con)


def pending(con: Cursor, up_to: int | None = None) -> list[Migration]:
    version = stored_version(con)
    if version > schema.SCHEMA_VERSION:
        raise NewerSchemaError(
            f"数据库结构版本 {version} 比本程序({schema.SCHEMA_VERSION})新:请升级程序。/ the file's schema is newer"
        )
    return [m for m in MIGRATIONS if m.number > version and (up_to is None or m.number <= up_to)]


# The meta key naming a store: set when it is created and when a restore replaces its contents, so that a cache
# keyed by (identity, write counter) never mistakes a rebuilt or restored store for the one it knew.
STORE_ID = "store_id"


def ensure_store_id(con: Cursor) -> None:
    """Give the store an identity when it has none (a new file, or one made before identities)."""
    con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO NOTHING", [STORE_ID, uuid.uuid4().hex])


@contextmanager
def _write_transaction(con) -> Iterator[Cursor]:
    """A cursor in one write transaction (on PostgreSQL under the store's write lock): committed when the block
    ends, rolled back on any exception."""
    cur = con.cursor()
    try:
        dialect.begin_write(cur)
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")
    finally:
        cur.close()


def migrate(con, up_to: int | None = None) -> list[int]:
    """Apply every pending migration (up to number up_to) in order, one transaction each; returns the numbers
    applied. Each transaction is a write (on PostgreSQL under the store's write lock) that reads the version again
    first, so two servers starting at once on one database apply each migration once."""
    applied = []
    for migration in pending(con, up_to):
        with _write_transaction(con) as cur:
            if stored_version(cur) >= migration.number:
                continue
            if callable(migration.apply):
                migration.apply(cur)
            elif dialect.is_postgres(cur):
                postgres.apply_ddl(cur, migration.apply)
            else:
                cur.execute(migration.apply)
            cur.execute("""INSERT INTO meta VALUES ('schema_version', ?)
                           ON CONFLICT (key) DO UPDATE SET value = excluded.value""", [str(migration.number)])
            applied.append(migration.number)
    if up_to is None and dialect.is_postgres(con):
        _ensure_indexes(con)
    return applied


def _ensure_indexes(con) -> None:
    """postgres.INDEXES that the database lacks, made in one write transaction."""
    present = {name for (name,) in con.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()").fetchall()}
    missing = [sql for sql in postgres.INDEXES if sql.split()[5] not in present]
    if missing:
        with _write_transaction(con) as cur:
            for sql in missing:
                cur.execute(sql)
