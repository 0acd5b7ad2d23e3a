"""PostgreSQL behind the store gateway: its connections, the cursor the gateway's SQL runs on, and its DDL.

The gateway's SQL is written once, in what both engines speak (? parameters, ON CONFLICT, window functions in
aliased subqueries); what differs lives in tracker/db/dialect.py. PgCursor gives PostgreSQL the cursor methods the
gateway uses on DuckDB (execute → self, fetchone, fetchall, df, register), so writes.py and the commands run
unchanged. Parameters are bound on the client (psycopg's ClientCursor): `? IS NULL OR plan_id = ?` needs the type
of a NULL that a server-side parameter would not have.

Writers of every process are serialised by one transaction-level advisory lock (tracker/db/dialect.py), the
counterpart of DuckDB's single writer: a batch never interleaves with another, readers never wait.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from psycopg_pool import ConnectionPool, PoolTimeout

from tracker.db.connections import lock_wait

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(target) -> bool:
    """Whether a TRACKER_DB / --db value names a PostgreSQL database rather than a DuckDB file."""
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def redacted(url: str) -> str:
    """The URL without its password (user:password@ or ?password=), for messages and the data version."""
    return re.sub(r"([?&]password=)[^&]*", r"\1***", re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url))


@functools.lru_cache(maxsize=512)
def placeholders(sql: str) -> str:
    """DuckDB's ? parameters as psycopg's %s (outside quotes); a literal % doubled."""
    out, quote = [], None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            out.append("%s")
            continue
        out.append("%%" if ch == "%" else ch)
    return "".join(out)


# PostgreSQL type OIDs, for frames shaped as DuckDB's .df() shapes them.
_INTS = {20: "int64", 21: "int32", 23: "int32"}
_FLOATS = {700, 701, 1700}
_TIMES = {1082, 1114, 1184}
_BOOL = 16


def _column(values: tuple, oid: int) -> pd.Series:
    has_null = any(v is None for v in values)
    if oid in _INTS:
        kind = _INTS[oid]
        return pd.Series(values, dtype=kind.capitalize() if has_null else kind)
    if oid in _FLOATS:
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if oid in _TIMES:
        return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[us]")
    if oid == _BOOL:
        return pd.Series(values, dtype="boolean" if has_null else "bool")
    present = [v for v in values if v is not None]
    # as DuckDB: text is str, a column of NULLs (or of other values) object
    return pd.Series(values, dtype="str" if present and all(isinstance(v, str) for v in present) else "object")


_ARROW_TYPES = {16: pa.bool_(), 20: pa.int64(), 21: pa.int32(), 23: pa.int32(), 700: pa.float64(), 701: pa.float64(),
                1700: pa.float64(), 1082: pa.date32(), 1114: pa.timestamp("us"), 1184: pa.timestamp("us", "UTC")}


class PgCursor:
    """A psycopg cursor with the methods the gateway calls on a DuckDB cursor."""

    dialect = "postgres"

    def __init__(self, raw: psycopg.ClientCursor):
        self._raw = raw

    def execute(self, sql: str, params: Sequence | None = None) -> PgCursor:
        if params:
            self._raw.execute(placeholders(sql), list(params))
        else:
            self._raw.execute(sql)
        return self

    def fetchone(self):
        return self._raw.fetchone()

    def fetchall(self) -> list[tuple]:
        return self._raw.fetchall()

    def df(self) -> pd.DataFrame:
        """The result as a DataFrame with DuckDB's dtypes (int32 / Int32, float64, str, datetime64[us], bool)."""
        description = self._raw.description or []
        rows = self._raw.fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(description)
        return pd.DataFrame({d.name: _column(values, d.type_code) for d, values in zip(description, columns,
                                                                                          strict=True)},
                            columns=[d.name for d in description])

    def arrow(self, sql: str) -> pa.Table:
        """A query's rows as an Arrow table of the types DuckDB gives them, through COPY … TO STDOUT as CSV: at a
        province's scale 4× faster than fetching tuples (the read model's big reads; the query's column names must
        be unique)."""
        self._raw.execute(f"SELECT * FROM ({sql}) AS q LIMIT 0")  # noqa: S608 - the gateway's own SQL
        names = [d.name for d in self._raw.description]
        types = {d.name: _ARROW_TYPES.get(d.type_code, pa.string()) for d in self._raw.description}
        with self._raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
            data = b"".join(bytes(block) for block in copy)
        if not data:
            return pa.table({n: pa.array([], type=types[n]) for n in names})
        return pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            # an unquoted empty field is NULL, a quoted one an empty string (PostgreSQL's CSV)
            convert_options=pa_csv.ConvertOptions(column_types=types, strings_can_be_null=True,
                                                  quoted_strings_can_be_null=False, true_values=["t"],
                                                  false_values=["f"]))

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """The frame as a temporary table of the transaction (DuckDB registers it as a view)."""
        types = ", ".join(f'"{c}" {_sql_type(frame[c])}' for c in frame.columns)
        self._raw.execute(f'CREATE TEMP TABLE "{name}" ({types}) ON COMMIT DROP')
        self.copy_rows(name, list(frame.columns), frame_rows(frame))

    def unregister(self, name: str) -> None:
        self._raw.execute(f'DROP TABLE IF EXISTS "{name}"')

    def copy_rows(self, table: str, columns: Sequence[str], rows) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        with self._raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def column_types(self, table: str) -> dict[str, str]:
        """column → PostgreSQL data type of a table (information_schema)."""
        return dict(self._raw.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s", [table]).fetchall())

    def close(self) -> None:
        self._raw.close()


def _sql_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(series):
        return "BIGINT"
    if pd.api.types.is_float_dtype(series):
        return "DOUBLE PRECISION"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "TIMESTAMP"
    first = next((v for v in series if v is not None and not (isinstance(v, float) and np.isnan(v))), None)
    if isinstance(first, bool):
        return "BOOLEAN"
    if isinstance(first, (int, np.integer)):
        return "BIGINT"
    if isinstance(first, (float, np.floating)):
        return "DOUBLE PRECISION"
    if isinstance(first, datetime):
        return "TIMESTAMP"
    if isinstance(first, date):
        return "DATE"
    return "TEXT"


def _native(value):
    """A pandas / NumPy scalar as the Python value psycopg writes (NaN, NaT, NA → NULL)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
        return None if isinstance(value, float) and np.isnan(value) else value
    return value


def frame_rows(frame: pd.DataFrame, integer_columns: set[str] = frozenset()) -> Iterator[tuple]:
    """The rows of a frame as tuples of Python values; integer_columns (the target's INTEGER/BIGINT columns) are
    written as integers even where the frame holds them as floats (a nullable column read back from pandas)."""
    positions = [i for i, c in enumerate(frame.columns) if c in integer_columns]
    for row in frame.itertuples(index=False, name=None):
        values = [_native(v) for v in row]
        for i in positions:
            if isinstance(values[i], float):
                values[i] = int(round(values[i]))
        yield tuple(values)


class PgConnection:
    """A pooled psycopg connection in autocommit mode: the gateway opens its transactions itself (BEGIN …)."""

    dialect = "postgres"

    def __init__(self, raw: psycopg.Connection):
        self._raw = raw

    def cursor(self) -> PgCursor:
        return PgCursor(self._raw.cursor())

    def execute(self, sql: str, params: Sequence | None = None) -> PgCursor:
        return self.cursor().execute(sql, params)


def _configure(raw: psycopg.Connection) -> None:
    raw.autocommit = True


class PgSource:
    """Connections to one PostgreSQL database from a pool: the app's threads and a command alike take one for each
    unit of work and give it back, so nothing is held between them."""

    per_use = True

    def __init__(self, url: str, *, max_size: int = 8):
        self.url = url
        try:        # once directly: the server's own reason (refused, no such database, password) in the message
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.OperationalError as exc:
            raise ConnectionError(f"无法连接 PostgreSQL 数据库 {redacted(url)}:{str(exc).strip()} / cannot connect") \
                from exc
        # check: each connection is tried (an empty query, ~0.1 ms) before it is handed out, so one the server has
        # dropped (a restart, an idle timeout) is replaced instead of failing a page
        self._pool = ConnectionPool(url, min_size=1, max_size=max_size, open=False, configure=_configure,
                                    check=ConnectionPool.check_connection,
                                    kwargs={"cursor_factory": psycopg.ClientCursor, "application_name": "tracker"})
        try:
            self._pool.open(wait=True, timeout=10)
        except PoolTimeout as exc:
            self._pool.close()
            raise ConnectionError(f"无法连接 PostgreSQL 数据库 {redacted(url)}:{exc} / cannot connect") from exc

    @contextmanager
    def connection(self) -> Iterator[PgConnection]:
        """A connection for one unit of work; ConnectionError when the server cannot be reached (the pool waits
        for a free or new connection for $TRACKER_LOCK_WAIT seconds) or the connection broke while in use."""
        try:
            with self._pool.connection(timeout=lock_wait()) as raw:
                try:
                    yield PgConnection(raw)
                except psycopg.OperationalError as exc:
                    if raw.broken or raw.closed:
                        raise ConnectionError(f"与 PostgreSQL 数据库的连接已断开:{exc} / connection lost") from exc
                    raise
        except PoolTimeout as exc:
            raise ConnectionError(f"无法连接 PostgreSQL 数据库 {redacted(self.url)}:{exc} / cannot connect") from exc

    def close(self) -> None:
        self._pool.close()


# Indexes for the reads of one series or one batch (the indicator page's history: 80 ms → 3 ms at a million
# revisions); DuckDB scans its columns fast enough without. Physical, not part of the schema version: made by every
# open for writing when missing.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS actuals_series ON actuals (region, indicator, year)",
    "CREATE INDEX IF NOT EXISTS actuals_batch ON actuals (batch_id)",
)


# -- DDL --------------------------------------------------------------------------------------------------------------
_COMMENT = re.compile(r"--[^\n]*")
_DOUBLE = re.compile(r"\bDOUBLE\b(?!\s+PRECISION)")
_REPLACE_VIEW = re.compile(r"^CREATE OR REPLACE VIEW (\w+)", re.IGNORECASE)
_EXCLUDE = re.compile(r"SELECT \* EXCLUDE \(([^)]*)\)\s+FROM (\w+)", re.IGNORECASE)


def ddl_statements(sql: str) -> list[str]:
    """A migration's DuckDB DDL as PostgreSQL statements: DOUBLE is DOUBLE PRECISION, and a view is dropped (with
    the views built on it, which the same migration recreates) before it is created again: PostgreSQL replaces a
    view only when its columns stay as they were."""
    out = []
    for statement in _COMMENT.sub("", sql).split(";"):
        statement = _DOUBLE.sub("DOUBLE PRECISION", statement.strip())
        if not statement:
            continue
        view = _REPLACE_VIEW.match(statement)
        if view:
            out.append(f"DROP VIEW IF EXISTS {view.group(1)} CASCADE")
            statement = "CREATE VIEW" + statement[len("CREATE OR REPLACE VIEW"):]
        out.append(statement)
    return out


def apply_ddl(cur: PgCursor, sql: str) -> None:
    """Run a migration's DDL; SELECT * EXCLUDE (…) FROM v becomes the list of v's other columns, read as the
    statement runs (the view it reads was created by the statement before)."""
    for statement in ddl_statements(sql):
        match = _EXCLUDE.search(statement)
        if match:
            dropped = {c.strip() for c in match.group(1).split(",")}
            kept = [c for c in _view_columns(cur, match.group(2)) if c not in dropped]
            statement = statement.replace(match.group(0),
                                          f"SELECT {', '.join(kept)} FROM {match.group(2)}")
        cur.execute(statement)


def _view_columns(cur: PgCursor, name: str) -> list[str]:
    return [c for (c,) in cur.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position""", [name]).fetchall()]
