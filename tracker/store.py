"""The one gateway to DuckDB: opening the file, the schema, parameterised reads and transactional writes.

DuckDB allows one read-write process per file; within the process a cursor per call keeps Streamlit's session
threads from sharing a connection.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from tracker.auth import SYSTEM, User, require
from tracker.config import db_path
from tracker.schema import DDL, SCHEMA_VERSION
from tracker.store_accounts import AccountsMixin, write_audit

SEED_BATCH_ID = "seed"
SEED_USER = "seed-etl"
# meta key of the write counter: one more with every committed write (data_version() is built from it).
WRITE_COUNTER = "data_version"

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


def open_for_command(path: str | Path | None = None, *, read_only: bool = False) -> Store | None:
    """Open the database for a command-line tool; None, after saying why on stderr, when another process (usually
    the running app) holds the file or, for reading, when there is no file yet. Every command then exits with 3."""
    if read_only and not Path(path or db_path()).is_file():
        print(f"数据库文件 {path or db_path()} 不存在:请先运行 python -m etl 构建。/ no database yet: run python -m etl",
              file=sys.stderr)
        return None
    try:
        return Store.open(path, read_only=read_only)
    except DatabaseLockedError as exc:
        print(exc, file=sys.stderr)
        return None


class Store(AccountsMixin):
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
        """The cache key of everything the pages show: the file and its write counter, which every committed write
        (actuals, batches and reverts, qualitative statuses, thresholds, accounts, catalogue builds) increases in
        its own transaction."""
        where = self.path if self.path is not None else f"memory:{id(self)}"
        return f"{where}|{self.meta(WRITE_COUNTER) or 0}"

    def plans(self) -> pd.DataFrame:
        return self.query_df("SELECT * FROM plans ORDER BY plan_id")

    def regions(self) -> pd.DataFrame:
        return self.query_df("SELECT * FROM regions ORDER BY region_id")

    def indicators(self) -> pd.DataFrame:
        return self.query_df("SELECT * FROM indicators ORDER BY indicator_id")

    def indicator_aliases(self) -> pd.DataFrame:
        return self.query_df("SELECT * FROM indicator_aliases ORDER BY indicator_id, alias")

    def targets(self, plan_id: str | None = None) -> pd.DataFrame:
        """Targets with indicator attributes (direction, path kind, measure), the plan's base year and, for a
        relative target, the display name of the indicator it compares with (relative_to_indicator; None: its
        own)."""
        frame = self.query_df(
            "SELECT * FROM targets_full WHERE ? IS NULL OR plan_id = ? ORDER BY plan_id, quote_offset, target_id",
            [plan_id, plan_id],
        )
        # A file from before these columns, opened read-only (the schema is only upgraded on writing).
        for column in ("relative_to_indicator_id", "relative_to_indicator"):
            if column not in frame.columns:
                frame[column] = pd.Series([None] * len(frame), index=frame.index, dtype="object")
        return frame

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

    # Statuses a person may give a qualitative target (codes of the schedule verdict).
    QUALITATIVE_STATUSES = ("on_track", "lagging", "achieved", "completed", "not_completed")

    def set_target_status(self, user: User, target_id: str, status: str, note: str | None = None) -> None:
        """Record a person's assessment of a qualitative target (the latest one counts; earlier ones are kept)."""
        require(user, "editor", "评定定性目标")
        if status not in self.QUALITATIVE_STATUSES:
            raise ValueError(f"未知状态 {status}")
        with self.transaction() as cur:
            kind = cur.execute("SELECT kind FROM targets WHERE target_id = ?", [target_id]).fetchone()
            if kind is None or kind[0] != "qualitative":
                raise ValueError(f"{target_id} 不是定性目标,其评价由实际值计算。")
            cur.execute("INSERT INTO target_status VALUES (?, ?, ?, ?, ?)",
                        [target_id, status, note, user.username, datetime.now()])
            write_audit(cur, user, "target_status", target_id, status + (f":{note}" if note else ""))

    def target_statuses(self) -> pd.DataFrame:
        """The latest status a person set for each qualitative target."""
        return self.query_df(
            "SELECT * FROM target_status QUALIFY row_number() OVER (PARTITION BY target_id ORDER BY set_at DESC) = 1"
        )

    # -- writing ----------------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, counted: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on its own cursor: committed on success, rolled back on any exception.

        counted (every write but the sign-in log): the write counter behind data_version() goes up by one in the
        same transaction, so a cached page never outlives a committed change and a rolled-back one changes nothing.
        """
        with self._write_lock, self._cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
                if counted:
                    _bump_write_counter(cur)
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
        actor: User = SYSTEM,
        before_commit=None,
    ) -> None:
        """Swap in a freshly built catalogue in one transaction; rows people entered are not touched.

        tables maps every name in SEED_TABLES to its rows; seed_actuals replace the actuals of the seed batch.
        before_commit(cursor) runs inside the transaction last (tests use it to simulate a crash mid-write).
        """
        require(actor, "admin", "刷新规划目录")
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
            write_audit(cur, actor, "catalogue_refresh", meta.get("catalogue_sha256"),
                   f"{len(tables['targets'])} 个目标,{len(seed_actuals)} 个文本陈述值")
            if before_commit is not None:
                before_commit(cur)


    # -- actual values: entry, upload, revert (issue 5) ---
    # Every write takes `user` explicitly, so that a role check can later be added here, in one place.
    _ACTUAL_INPUT = ("region", "indicator", "region_id", "indicator_id", "year", "value", "unit", "source",
                     "vintage", "reason", "note")

    @staticmethod
    def _new_batch_id(kind: str, now: datetime) -> str:
        """'upload-20250301-101500-3fa2c1': readable, sortable by time, unique."""
        import uuid  # local: this block is the issue-5 addition and keeps its imports to itself

        return f"{kind}-{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"

    def region_aliases(self) -> pd.DataFrame:
        return self.query_df("SELECT * FROM region_aliases ORDER BY region, alias")

    def current_values(self) -> pd.DataFrame:
        """The value that counts for every region, indicator and year (one read, for validation and diffs)."""
        return self.query_df(
            """SELECT region, indicator, year, value, unit, vintage, source, batch_id, entered_by, entered_at
               FROM actuals_current"""
        )

    def commit_actuals(self, rows: pd.DataFrame, *, user: User, kind: str, note: str | None = None,
                       file_name: str | None = None, file_sha256: str | None = None,
                       before_commit=None) -> str:
        """Write rows as one batch of revisions in one transaction (all or nothing); returns the batch id.

        rows: region, indicator, year and value (NULL withdraws a value), optionally region_id, indicator_id,
        unit, source, vintage (快报/年报), reason, note. before_commit(cursor) runs last inside the transaction
        (tests use it to simulate a crash).
        """
        require(user, "editor", "写入实际值")
        if kind not in ("entry", "upload"):
            raise ValueError(f"unknown batch kind {kind!r}")
        if rows.empty:
            raise ValueError("没有要写入的数值 / no rows to write")
        missing = {"region", "indicator", "year", "value"} - set(rows.columns)
        if missing:
            raise ValueError(f"missing columns: {sorted(missing)}")
        now = datetime.now()
        batch_id = self._new_batch_id(kind, now)
        frame = rows[[c for c in self._ACTUAL_INPUT if c in rows.columns]].assign(
            batch_id=batch_id, entered_by=user.username, entered_at=now
        )
        with self.transaction() as cur:
            cur.execute(
                """INSERT INTO batches (batch_id, kind, status, created_by, created_at, note, file_name,
                                        file_sha256, row_count)
                   VALUES (?, ?, 'committed', ?, ?, ?, ?, ?, ?)""",
                [batch_id, kind, user.username, now, note, file_name, file_sha256, len(frame)],
            )
            _insert_frame(cur, "actuals", frame)
            write_audit(cur, user, kind, batch_id, f"{len(frame)} 个数值" + (f",文件 {file_name}" if file_name else ""))
            if before_commit is not None:
                before_commit(cur)
        return batch_id

    def revert_batch(self, batch_id: str, *, user: User, reason: str) -> str:
        """Undo a batch: mark it reverted (its revisions stop counting, the previous ones count again) and record
        the undo as a batch of kind 'revert'. Nothing is deleted. Returns the revert batch's id."""
        require(user, "editor", "撤销批次")
        reason = (reason or "").strip()
        if not reason:
            raise ValueError("请填写撤销原因 / a reason is required")
        now = datetime.now()
        revert_id = self._new_batch_id("revert", now)
        with self.transaction() as cur:
            row = cur.execute("SELECT kind, status, row_count FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
            if row is None:
                raise ValueError(f"批次 {batch_id} 不存在 / no such batch")
            kind, status, count = row
            if kind == "seed":
                raise ValueError("规划文本陈述值(seed 批次)不能撤销,它由 python -m etl 维护 / the seed batch cannot be reverted")
            if kind == "revert":
                raise ValueError("撤销记录本身不能再撤销 / a revert cannot be reverted")
            if status != "committed":
                raise ValueError(f"批次 {batch_id} 已经撤销过 / the batch is already reverted")
            cur.execute("UPDATE batches SET status = 'reverted' WHERE batch_id = ?", [batch_id])
            cur.execute(
                """INSERT INTO batches (batch_id, kind, status, created_by, created_at, note, row_count,
                                        reverts_batch_id)
                   VALUES (?, 'revert', 'committed', ?, ?, ?, ?, ?)""",
                [revert_id, user.username, now, reason, count, batch_id],
            )
            write_audit(cur, user, "revert", batch_id, f"撤销批次 {batch_id}({count} 个数值),原因:{reason};记录为 {revert_id}")
        return revert_id

    def batches(self) -> pd.DataFrame:
        """Every batch, newest first, with its counts: revisions, new values, revised values, withdrawals and how
        many of its values still count."""
        return self.query_df(
            """WITH r AS (
                   SELECT batch_id, value, is_current,
                          row_number() OVER (PARTITION BY region, indicator, year ORDER BY actual_id) = 1 AS first
                   FROM actuals_history
               ), c AS (
                   SELECT batch_id,
                          count(*) AS revisions,
                          count(*) FILTER (WHERE first AND value IS NOT NULL) AS new_values,
                          count(*) FILTER (WHERE NOT first AND value IS NOT NULL) AS revised_values,
                          count(*) FILTER (WHERE value IS NULL) AS withdrawn_values,
                          count(*) FILTER (WHERE is_current) AS current_values
                   FROM r GROUP BY batch_id
               )
               SELECT b.*,
                      -- a revert writes no revisions of its own: it counts the ones it undid
                      CASE WHEN b.kind = 'revert' THEN b.row_count ELSE coalesce(c.revisions, 0) END AS revisions, coalesce(c.new_values, 0) AS new_values,
                      coalesce(c.revised_values, 0) AS revised_values,
                      coalesce(c.withdrawn_values, 0) AS withdrawn_values,
                      coalesce(c.current_values, 0) AS current_values,
                      r.batch_id AS reverted_by
               FROM batches b
               LEFT JOIN c USING (batch_id)
               LEFT JOIN batches r ON r.reverts_batch_id = b.batch_id
               ORDER BY b.created_at DESC, b.batch_id DESC"""
        )

    def batch(self, batch_id: str) -> dict | None:
        """One batch as a dict, or None."""
        frame = self.query_df("SELECT * FROM batches WHERE batch_id = ?", [batch_id])
        return None if frame.empty else frame.iloc[0].to_dict()

    def find_batch_by_sha256(self, sha256: str) -> pd.DataFrame:
        """Earlier uploads of a file with this checksum, newest first."""
        return self.query_df(
            "SELECT * FROM batches WHERE file_sha256 = ? ORDER BY created_at DESC", [sha256]
        )

    def batch_revisions(self, batch_id: str) -> pd.DataFrame:
        """The revisions a batch wrote, each with the value that counted before it (old → new) and whether it
        counts now."""
        return self.query_df(
            """WITH h AS (
                   SELECT a.*, b.kind AS batch_kind
                   FROM actuals a JOIN batches b USING (batch_id)
                   WHERE b.status = 'committed' OR a.batch_id = ?
               ), ordered AS (
                   SELECT *,
                          lag(value) OVER w AS previous_value,
                          lag(batch_id) OVER w AS previous_batch_id
                   FROM h
                   WINDOW w AS (PARTITION BY region, indicator, year ORDER BY batch_kind <> 'seed', actual_id)
               )
               SELECT o.region, o.indicator, o.year, o.previous_value, o.value, o.unit, o.vintage, o.source,
                      o.reason, o.note, o.previous_batch_id, o.actual_id, hist.is_current
               FROM ordered o JOIN actuals_history hist USING (actual_id)
               WHERE o.batch_id = ?
               ORDER BY o.region, o.indicator, o.year""",
            [batch_id, batch_id],
        )

    def value_history(self, region: str, indicator: str, year: int) -> pd.DataFrame:
        """Every revision of one value, newest first, with its batch, person, vintage, reason and is_current."""
        return self.query_df(
            """SELECT h.actual_id, h.value, h.unit, h.vintage, h.source, h.reason, h.note, h.batch_id,
                      h.batch_kind, h.batch_status, h.entered_by, h.entered_at, h.is_current
               FROM actuals_history h
               WHERE h.region = ? AND h.indicator = ? AND h.year = ?
               ORDER BY h.actual_id DESC""",
            [region, indicator, year],
        )

    def actual_keys(self) -> pd.DataFrame:
        """Region, indicator and year of every value ever entered (for the history picker)."""
        return self.query_df(
            "SELECT DISTINCT region, indicator, year FROM actuals ORDER BY region, indicator, year DESC"
        )


def _bump_write_counter(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(
        """INSERT INTO meta VALUES (?, '1')
           ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS VARCHAR)""",
        [WRITE_COUNTER],
    )


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
