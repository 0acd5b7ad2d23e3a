"""What DuckDB and PostgreSQL do differently, in one place: how a transaction begins, how a result becomes a frame,
how a frame is written, the aggregate that picks the value that counts, and sequences.

Each function takes the cursor it works on and asks it which engine it is (a PgCursor says postgres); everything
else in the gateway is SQL both engines run as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

import pandas as pd

from tracker.db.connections import DatabaseLockedError, lock_wait

if TYPE_CHECKING:
    import duckdb

    from tracker.db.postgres import PgCursor

# The cursor of a unit of work on either store: what writes.py, the migrations and the commands are handed.
Cursor = Union["duckdb.DuckDBPyConnection", "PgCursor"]

# The key of the advisory lock every writer of a PostgreSQL store takes for its transaction: writes are serialised
# across processes and machines as DuckDB serialises them within its one writing process.
WRITE_LOCK_KEY = 20_161_302


def is_postgres(cur) -> bool:
    return getattr(cur, "dialect", None) == "postgres"


def begin_read(cur) -> None:
    """A read transaction: every statement in it sees one committed state."""
    if is_postgres(cur):
        cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        cur.execute("BEGIN TRANSACTION").complete()


def begin_write(cur) -> None:
    """A write transaction, after every other writer's (PostgreSQL: waits for the store's write lock, boundedly)."""
    if not is_postgres(cur):
        cur.execute("BEGIN TRANSACTION")
        return
    import psycopg

    wait = lock_wait()
    cur.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
    try:
        cur.execute(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'")
        cur.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        cur.execute("SET LOCAL lock_timeout = 0")
    except psycopg.errors.LockNotAvailable as exc:
        cur.execute("ROLLBACK")
        raise DatabaseLockedError(
            f"数据库正被另一个写入占用,等待 {wait:g} 秒后仍未结束;请稍后重试。/ another write held the store: {exc}"
        ) from exc
    except BaseException:
        cur.execute("ROLLBACK")
        raise


def read_frame(cur, sql: str) -> pd.DataFrame:
    """A query's rows as a DataFrame, through Arrow on both (DuckDB: 3× faster than its own conversion at a
    province's scale; PostgreSQL: COPY as CSV, 4× faster than fetching tuples)."""
    table = cur.arrow(sql) if is_postgres(cur) else cur.sql(sql).to_arrow_table()
    return table.to_pandas(date_as_object=False)


def insert_frame(cur, table: str, frame: pd.DataFrame) -> None:
    """Insert a DataFrame's columns by name (columns absent from the frame take their defaults)."""
    if frame.empty:
        return
    if is_postgres(cur):
        types = cur.column_types(table)
        integers = {c for c, kind in types.items() if kind in ("integer", "bigint", "smallint")}
        from tracker.db.postgres import frame_rows

        cur.copy_rows(table, list(frame.columns), frame_rows(frame, integers))
        return
    cur.register("_incoming", frame)
    try:
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _incoming")  # noqa: S608
    finally:
        cur.unregister("_incoming")


def copy_table(cur, name: str, source) -> None:
    """Insert every row of table name of source (a DuckDB connection: a backup being restored) by column name."""
    if is_postgres(cur):
        result = source.execute(f'SELECT * FROM "{name}"')  # noqa: S608
        columns = [d[0] for d in result.description]
        cur.copy_rows(name, columns, iter(result.fetchall()))
        return
    cur.register("restored_rows", source.sql(f'SELECT * FROM "{name}"').to_arrow_table())  # noqa: S608
    cur.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM restored_rows')  # noqa: S608
    cur.unregister("restored_rows")


def sequence_values(cur) -> dict[str, int]:
    """The last number each sequence has handed out (sequences never used are left out)."""
    sql = ("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema() "
           "AND last_value IS NOT NULL") if is_postgres(cur) else \
        "SELECT sequence_name, last_value FROM duckdb_sequences() WHERE last_value IS NOT NULL"
    return {name: int(last) for name, last in cur.execute(sql).fetchall()}


def advance_sequence(cur, name: str, last: int) -> None:
    """Move a sequence on so that its next number is after last (never back)."""
    missing = int(last) - sequence_values(cur).get(name, 0)
    if missing <= 0:
        return
    if is_postgres(cur):
        cur.execute("SELECT setval(?, ?)", [name, int(last)]).fetchall()
    else:
        cur.execute(f"SELECT max(nextval('{name}')) FROM range({missing})").fetchall()


def current_values_sql(countable: str, postgres: bool) -> str:
    """The value that counts for each (region, indicator, year): the newest countable revision of a committed batch,
    anything a person entered before what a seed document states; a withdrawal counts as no value.

    DuckDB: one aggregate, ranked by one integer (3× faster than the view's window over every revision);
    PostgreSQL: DISTINCT ON in the same order."""
    if postgres:
        return f"""
    SELECT region, indicator, year, value FROM (
        SELECT DISTINCT ON (a.region, a.indicator, a.year) a.region, a.indicator, a.year, a.value
        FROM actuals a JOIN batches b USING (batch_id)
        WHERE b.status = 'committed' AND {countable}
        ORDER BY a.region, a.indicator, a.year, (b.kind <> 'seed') DESC, a.actual_id DESC
    ) counted WHERE value IS NOT NULL"""
    return f"""
    SELECT region, indicator, year, value FROM (
        SELECT a.region, a.indicator, a.year,
               -- ranked by (entered by a person, revision): one integer sorts faster than a pair
               arg_max_null(a.value, a.actual_id + CASE WHEN b.kind <> 'seed' THEN 4611686018427387904 ELSE 0 END)
                   AS value
        FROM actuals a JOIN batches b USING (batch_id)
        WHERE b.status = 'committed' AND {countable}
        GROUP BY a.region, a.indicator, a.year
    ) counted WHERE value IS NOT NULL"""
