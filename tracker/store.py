"""The one gateway to DuckDB: opening the file, the schema, parameterised reads and transactional writes.

DuckDB allows one read-write process per file; within the process a cursor per call keeps Streamlit's session
threads from sharing a connection.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from tracker.config import db_path
from tracker.schema import DDL, SCHEMA_VERSION

SEED_BATCH_ID = "seed"
SEED_USER = "seed-etl"

# Tables the ETL owns and rebuilds; the order is the order of insertion.
SEED_TABLES = (
    "plans",
    "regions",
    "region_aliases",
    "indicators",
    "indicator_aliases",
    "targets",
    "target_quotes",
    "plan_structure",
    "checks",
    "etl_notes",
)


class DatabaseLockedError(RuntimeError):
    """Another process holds the DuckDB file open for writing."""


class Store:
    """Access to one DuckDB file. Create it with Store.open()."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None):
        self._con = con
        self.path = path
        # Serialises writers inside the process: DuckDB fails concurrent updates of one row with a conflict
        # instead of waiting, and batches must not interleave.
        self._write_lock = threading.Lock()

    @classmethod
    def open(cls, path: str | Path | None = None, *, read_only: bool = False) -> Store:
        """Open (and create, unless read-only) the database at path, default $TRACKER_DB or data/tracker.duckdb."""
        path = Path(path) if path is not None else db_path()
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatabaseLockedError(
                    f"数据库文件 {path} 正被另一个进程(通常是正在运行的应用)占用。"
                    f"请先停止应用,或在应用内操作。/ {path} is locked by another process: {exc}"
                ) from exc
            raise
        store = cls(con, path)
        if not read_only:
            store.ensure_schema()
        return store

    @classmethod
    def memory(cls) -> Store:
        """An in-memory database with the schema, for tests and benchmarks."""
        store = cls(duckdb.connect(":memory:"), None)
        store.ensure_schema()
        return store

    def close(self) -> None:
        self._con.close()

    def ensure_schema(self) -> None:
        """Create missing tables and views; record the schema version."""
        with self._write_lock:
            self._con.execute(DDL)
            self._con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
            )

    # -- reading ----------------------------------------------------------------------------------------------
    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def query_df(self, sql: str, params: Sequence | Mapping | None = None) -> pd.DataFrame:
        """Run a read query with bound parameters and return a DataFrame."""
        with self._cursor() as cur:
            return cur.execute(sql, params or []).df()

    def scalar(self, sql: str, params: Sequence | Mapping | None = None):
        with self._cursor() as cur:
            row = cur.execute(sql, params or []).fetchone()
            return None if row is None else row[0]

    def meta(self, key: str) -> str | None:
        return self.scalar("SELECT value FROM meta WHERE key = ?", [key])

    def data_version(self) -> str:
        """Changes with every write of actuals, batch status or qualitative status: a safe cache key."""
        row = self.query_df(
            """SELECT (SELECT coalesce(max(actual_id), 0) FROM actuals) AS a,
                      (SELECT count(*) FROM batches WHERE status <> 'committed') AS r,
                      (SELECT count(*) FROM target_status) AS s,
                      (SELECT value FROM meta WHERE key = 'last_build_at') AS b"""
        ).iloc[0]
        return f"{self.path}|{row['b']}|{row['a']}|{row['r']}|{row['s']}"

    def plans(self) -> pd.DataFrame:
        return self.query_df("SELECT * FROM plans ORDER BY plan_id")

    def regions(self) -> pd.DataFrame:
        return self.query_df("SELECT * FROM regions ORDER BY region_id")

    def indicators(self) -> pd.DataFrame:
        return self.query_df("SELECT * FROM indicators ORDER BY indicator_id")

    def indicator_aliases(self) -> pd.DataFrame:
        return self.query_df("SELECT * FROM indicator_aliases ORDER BY indicator_id, alias")

    def targets(self, plan_id: str | None = None) -> pd.DataFrame:
        """Targets with indicator attributes (direction, path kind, measure) and the plan's base year."""
        return self.query_df(
            "SELECT * FROM targets_full WHERE ? IS NULL OR plan_id = ? ORDER BY plan_id, quote_offset, target_id",
            [plan_id, plan_id],
        )

    def actuals_current(self) -> pd.DataFrame:
        """The value that counts for each region, indicator and year."""
        return self.query_df("SELECT * FROM actuals_current ORDER BY region, indicator, year")

    def actuals_history(self, region: str | None = None, indicator: str | None = None) -> pd.DataFrame:
        """Every revision, newest first, with is_current."""
        return self.query_df(
            """SELECT * FROM actuals_history
               WHERE (? IS NULL OR region = ?) AND (? IS NULL OR indicator = ?)
               ORDER BY region, indicator, year, actual_id DESC""",
            [region, region, indicator, indicator],
        )

    def seed_actuals(self, plan_id: str) -> pd.DataFrame:
        """The values a plan's seed document states, with their quotes and whether each is still current."""
        return self.query_df(
            """SELECT h.region, h.indicator, h.year, h.value, h.unit, h.source, h.quote, h.note, h.is_current
               FROM actuals_history h JOIN plans p ON h.seed_file = p.seed_file
               WHERE h.batch_kind = 'seed' AND p.plan_id = ?
               ORDER BY h.indicator, h.year""",
            [plan_id],
        )

    def checks(self, plan_id: str | None = None) -> pd.DataFrame:
        return self.query_df(
            "SELECT * FROM checks WHERE ? IS NULL OR plan_id = ? ORDER BY plan_id, check_kind, subject",
            [plan_id, plan_id],
        )

    def etl_notes(self, plan_id: str | None = None) -> pd.DataFrame:
        return self.query_df(
            "SELECT * FROM etl_notes WHERE ? IS NULL OR plan_id = ? ORDER BY plan_id, category, target_id",
            [plan_id, plan_id],
        )

    def plan_structure(self, plan_id: str) -> pd.DataFrame:
        return self.query_df("SELECT * FROM plan_structure WHERE plan_id = ? ORDER BY seq", [plan_id])

    def target_quotes(self, target_id: str) -> pd.DataFrame:
        """The sentences a target comes from (source) or that repeat it (restatement), with their plan."""
        return self.query_df(
            """SELECT q.role, q.quote, q.seed_file, p.title AS plan_title
               FROM target_quotes q JOIN plans p ON p.seed_file = q.seed_file
               WHERE q.target_id = ? ORDER BY q.role DESC""",
            [target_id],
        )

    def target_statuses(self) -> pd.DataFrame:
        """The latest status a person set for each qualitative target."""
        return self.query_df(
            "SELECT * FROM target_status QUALIFY row_number() OVER (PARTITION BY target_id ORDER BY set_at DESC) = 1"
        )

    # -- writing ----------------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on its own cursor: committed on success, rolled back on any exception."""
        with self._write_lock, self._cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def replace_seed_data(
        self,
        tables: Mapping[str, pd.DataFrame],
        seed_actuals: pd.DataFrame,
        meta: Mapping[str, str],
        *,
        before_commit=None,
    ) -> None:
        """Swap in a freshly built catalogue in one transaction; rows people entered are not touched.

        tables maps every name in SEED_TABLES to its rows; seed_actuals replace the actuals of the seed batch.
        before_commit(cursor) runs inside the transaction last (tests use it to simulate a crash mid-write).
        """
        missing = set(SEED_TABLES) - set(tables)
        if missing:
            raise ValueError(f"missing seed tables: {sorted(missing)}")
        with self.transaction() as cur:
            for name in SEED_TABLES:
                cur.execute(f"DELETE FROM {name}")  # noqa: S608 - name comes from SEED_TABLES, not from input
                _insert_frame(cur, name, tables[name])
            created_at = cur.execute(
                "SELECT created_at FROM batches WHERE batch_id = ?", [SEED_BATCH_ID]
            ).fetchone()
            now = datetime.now().replace(microsecond=0)
            # The seed batch keeps its first creation time; its rows are replaced wholesale.
            cur.execute("DELETE FROM actuals WHERE batch_id = ?", [SEED_BATCH_ID])
            cur.execute("DELETE FROM batches WHERE batch_id = ?", [SEED_BATCH_ID])
            cur.execute(
                """INSERT INTO batches (batch_id, kind, status, created_by, created_at, note, row_count)
                   VALUES (?, 'seed', 'committed', ?, ?, ?, ?)""",
                [SEED_BATCH_ID, SEED_USER, created_at[0] if created_at else now,
                 "规划文本中陈述的数值 / values stated in the seed documents", len(seed_actuals)],
            )
            rows = seed_actuals.assign(
                batch_id=SEED_BATCH_ID, entered_by=SEED_USER, entered_at=now
            )
            _insert_frame(cur, "actuals", rows)
            for key, value in meta.items():
                cur.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])
            if before_commit is not None:
                before_commit(cur)


def _insert_frame(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert a DataFrame's columns by name (columns absent from the frame take their defaults)."""
    if frame.empty:
        return
    cur.register("_incoming", frame)
    try:
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _incoming")  # noqa: S608
    finally:
        cur.unregister("_incoming")
