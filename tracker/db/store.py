"""The one gateway to the store, a DuckDB file or a PostgreSQL database: opening it, the schema migrations,
parameterised reads and transactions. The SQL here and in writes.py runs on both; tracker/db/dialect.py holds what
differs, tracker/db/postgres.py the PostgreSQL connections.

Writes are SQL only (tracker/db/writes.py, each taking the cursor of a transaction()); who may write and the
rules of each write are tracker.commands. The ETL's own build (replace_seed_data) is the system's, not a person's.

DuckDB allows one read-write process per file. The app opens it for each unit of work (Store.open(per_use=True)) so
that the command line and scheduled jobs can use it while the app runs; a command holds it for the command
(tracker/db/connections.py). Within the process a cursor per call keeps Streamlit's session threads from sharing one.
PostgreSQL takes any number of processes on any number of machines: every unit of work borrows a pooled connection.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from tracker.access.auth import SYSTEM
from tracker.config import database, database_arg
from tracker.db import dialect, migrations, postgres
from tracker.db.accounts import AccountsMixin
from tracker.db.connections import DatabaseLockedError, HeldConnection, PerUseConnection, connect
from tracker.db.dialect import Cursor
from tracker.db.migrations import STORE_ID
from tracker.db.queries import (
    CURRENT_STATED_SQL,
    PENDING_VALUES_SQL,
    REVISION_FLAGS_SQL,
    current_stated_sql,
    current_values_sql,
)
from tracker.db.schema import SCHEMA_VERSION
from tracker.db.workflow_reads import WorkflowReadsMixin
from tracker.db.writes import (
    SEED_BATCH_ID,
    SEED_TABLES,
    SEED_USER,
    WRITE_COUNTER,
    bump_write_counter,
    replace_seed_tables,
    write_audit,
)

__all__ = ["CURRENT_STATED_SQL", "SEED_BATCH_ID", "SEED_TABLES", "SEED_USER", "WRITE_COUNTER", "Store",
           "DatabaseLockedError", "OutdatedSchemaError", "current_values_sql", "open_for_command"]


class OutdatedSchemaError(RuntimeError):
    """A file of an older schema opened read-only: it is only migrated when opened for writing."""


def open_for_command(path: str | Path | None = None, *, read_only: bool = False,
                     memory_limit: str | None = None) -> Store | None:
    """Open the database for a command-line tool; None, after saying why on stderr, when another process (usually
    the running app) holds the file or, for reading, when there is no file yet. Every command then exits with 3."""
    target = database_arg(path) if path is not None else database()
    if read_only and not postgres.is_url(target) and not Path(target).is_file():
        print(f"数据库文件 {target} 不存在:请先运行 python -m etl 构建。/ no database yet: run python -m etl",
              file=sys.stderr)
        return None
    try:
        return Store.open(path, read_only=read_only, memory_limit=memory_limit)
    except (DatabaseLockedError, OutdatedSchemaError, migrations.NewerSchemaError, ConnectionError) as exc:
        print(exc, file=sys.stderr)
        return None


class Store(AccountsMixin, WorkflowReadsMixin):
    """Access to one store: a DuckDB file, or a PostgreSQL database. Create it with Store.open()."""

    def __init__(self, source: HeldConnection | PerUseConnection | postgres.PgSource, path: Path | None,
                 url: str | None = None):
        self._source = source
        self.path = path
        # the PostgreSQL database (postgresql://…), None for DuckDB
        self.url = url
        # Serialises writers inside the process: DuckDB fails concurrent updates of one row with a conflict
        # instead of waiting, and batches must not interleave (PostgreSQL: the advisory lock of tracker.db.dialect
        # serialises them across processes too).
        self._write_lock = threading.Lock()
        # The numbers of the migrations this open applied (empty for a current file).
        self.applied_migrations: list[int] = []

    @classmethod
    def open(cls, path: str | Path | None = None, *, read_only: bool = False,
             memory_limit: str | None = None, per_use: bool = False) -> Store:
        """Open (and create, unless read-only) the store at path, default $TRACKER_DB or data/tracker.duckdb:
        a DuckDB file, or a PostgreSQL database given as a postgresql:// URL (which must exist; its tables are
        created by the migrations).

        memory_limit caps DuckDB's own buffers ("256MB"; default: DuckDB's, 80 % of the machine). per_use (the
        app): hold nothing between units of work, each opening the file and waiting while another process has it.
        A command holds the file from open() to close(), after waiting for it as long as $TRACKER_LOCK_WAIT says.
        A PostgreSQL store always takes a pooled connection for each unit of work.
        """
        target = database_arg(path) if path is not None else database()
        if postgres.is_url(target):
            store = cls(postgres.PgSource(target, max_size=8 if per_use else 4), None, url=target)
        else:
            path = target
            if not read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
            config = {"memory_limit": memory_limit} if memory_limit else {}
            if per_use and read_only:
                raise ValueError("the app opens its file for writing")
            if per_use:
                store = cls(PerUseConnection(path, config), path)
            else:
                store = cls(HeldConnection(connect(path, read_only=read_only, config=config, knock=True)), path)
        if not read_only:
            try:
                store.ensure_schema()
            except BaseException:
                store.close()
                raise
        else:
            with store._source.connection() as con:
                version = migrations.stored_version(con)
            if version != SCHEMA_VERSION:
                store.close()
                raise OutdatedSchemaError(
                    f"数据库 {store.location} 的结构版本为 {version},本程序需要 {SCHEMA_VERSION}:请先以写方式打开一次"
                    f"(运行 python -m etl 或启动应用)以升级。/ schema {version}, need {SCHEMA_VERSION}: open it for "
                    "writing once to migrate"
                )
        return store

    @property
    def location(self) -> str:
        """Where the store is, for messages: the file, or the database URL without its password."""
        if self.url is not None:
            return postgres.redacted(self.url)
        return str(self.path) if self.path is not None else "memory"

    @classmethod
    def memory(cls) -> Store:
        """An in-memory database with the schema, for tests and benchmarks."""
        store = cls(HeldConnection(duckdb.connect(":memory:")), None)
        store.ensure_schema()
        return store

    @property
    def per_use(self) -> bool:
        """Whether the file is opened for each unit of work (the app) rather than held."""
        return self._source.per_use

    def close(self) -> None:
        self._source.close()

    def ensure_schema(self) -> None:
        """Apply the migrations after the file's schema_version, in order, one transaction each, and give the store
        its identity (meta store_id) when it has none."""
        with self._write_lock, self._source.connection() as con:
            self.applied_migrations = migrations.migrate(con)
            migrations.ensure_store_id(con)

    # -- reading ----------------------------------------------------------------------------------------------
    @contextmanager
    def _cursor(self) -> Iterator[Cursor]:
        with self._source.connection() as con:
            cur = con.cursor()
            try:
                yield cur
            finally:
                cur.close()

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        """A cursor inside one read transaction: everything read through it shows one committed state."""
        with self._cursor() as cur:
            dialect.begin_read(cur)
            try:
                yield cur
            finally:
                cur.execute("ROLLBACK")

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
        """The cache key of everything the pages show: the store's identity and its write counter, which every
        committed write (actuals, batches and reverts, qualitative statuses, thresholds, accounts, catalogue builds,
        a restore) increases in its own transaction. Read from the file each time, so a page shows what another
        process (an import, the ETL) committed on its next rerun."""
        with self._cursor() as cur:
            return self._version(cur)

    def _version(self, cur) -> str:
        rows = dict(cur.execute("SELECT key, value FROM meta WHERE key IN (?, ?)",
                                [WRITE_COUNTER, STORE_ID]).fetchall())
        # the identity tells a file rebuilt from nothing (its counter starting again) from the one the cache knew
        where = self.location if self.path is not None or self.url is not None else f"memory:{id(self)}"
        return f"{where}|{rows.get(STORE_ID, '')}|{rows.get(WRITE_COUNTER) or 0}"

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
        return self.query_df(
            "SELECT * FROM targets_full WHERE ? IS NULL OR plan_id = ? ORDER BY plan_id, quote_offset, target_id",
            [plan_id, plan_id],
        )

    def read_model_frames(self, *, pending: bool = False) -> dict:
        """The inputs of the read model (tracker.views.read_model), read in one transaction so that they show one
        committed state, labelled with that state's data version.

        Only what the views compute with is read: for actual values the series key, the year and the value (the
        revision details are read per series by the indicator page); the values a plan's text states are read
        apart, with their plan and source (a borrowed baseline names them). pending: values waiting for review count
        too (the newest revision counts, as before approval); otherwise only approved ones. Arrow carries the rows to pandas: at a
        province's 1.7 million values that is 3× faster than DuckDB's own conversion.
        """
        with self.reading() as cur:
            def frame(sql: str) -> pd.DataFrame:
                return dialect.read_frame(cur, sql)

            postgres = dialect.is_postgres(cur)
            return {
                "version": self._version(cur),
                "plans": frame("SELECT * FROM plans ORDER BY plan_id"),
                "targets": frame("SELECT * FROM targets_full ORDER BY plan_id, quote_offset, target_id"),
                "actuals": frame(current_values_sql(pending, postgres)),
                "stated": frame(current_stated_sql(pending)),
                "pending": frame(PENDING_VALUES_SQL),
                "statuses": frame("SELECT * FROM target_status ORDER BY set_at"),
            }

    def actuals_current(self, *, pending: bool = False) -> pd.DataFrame:
        """The value that counts for each region, indicator and year (pending: values waiting for review too)."""
        view = "actuals_latest" if pending else "actuals_current"
        return self.query_df(f"SELECT * FROM {view} ORDER BY region, indicator, year")  # noqa: S608

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
            """SELECT target_id, status, note, set_by, set_at FROM (
                   SELECT *, row_number() OVER (PARTITION BY target_id ORDER BY set_at DESC) AS newest
                   FROM target_status) ranked
               WHERE newest = 1""")

    def responsible_units(self) -> pd.DataFrame:
        """Every target's 牵头单位 and 责任单位: the latest setting an admin made for a target, else what its plan's
        text names. Columns target_id, role (lead | responsible), unit_name, seq, source (text | set), quote (the
        text's parenthesis), set_by, set_at, reason."""
        text = self.query_df("SELECT target_id, role, unit_name, seq, quote FROM target_units")
        sets = self.query_df(
            """SELECT target_id, lead_units, responsible_units, set_by, set_at, reason FROM (
                   SELECT *, row_number() OVER (PARTITION BY target_id ORDER BY set_at DESC) AS newest
                   FROM target_unit_sets) ranked
               WHERE newest = 1""")
        rows = [{"target_id": s.target_id, "role": role, "unit_name": name, "seq": seq, "source": "set",
                 "quote": None, "set_by": s.set_by, "set_at": s.set_at, "reason": s.reason}
                for s in sets.itertuples()
                for role, names in (("lead", s.lead_units), ("responsible", s.responsible_units))
                for seq, name in enumerate(json.loads(names), start=1)]
        text = text[~text["target_id"].isin(sets["target_id"])].assign(source="text", set_by=None, set_at=None,
                                                                        reason=None)
        columns = ["target_id", "role", "unit_name", "seq", "source", "quote", "set_by", "set_at", "reason"]
        return pd.concat([text[columns], pd.DataFrame(rows, columns=columns)], ignore_index=True)

    def unit_settings(self, target_id: str) -> pd.DataFrame:
        """Every setting of a target's units, newest first (the history behind responsible_units)."""
        return self.query_df("SELECT * FROM target_unit_sets WHERE target_id = ? ORDER BY set_at DESC", [target_id])

    # -- writing ----------------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, counted: bool = True) -> Iterator[Cursor]:
        """One transaction on its own cursor: committed on success, rolled back on any exception.

        counted (every write but the sign-in log): the write counter behind data_version() goes up by one in the
        same transaction, so a cached page never outlives a committed change and a rolled-back one changes nothing.
        """
        with self._write_lock, self._cursor() as cur:
            dialect.begin_write(cur)
            try:
                yield cur
                if counted:
                    bump_write_counter(cur)
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
        """The system's own catalogue build (python -m etl): swap in a freshly built catalogue in one transaction,
        recorded as the server's command line; rows people entered are not touched. A person refreshes the
        catalogue through tracker.commands.refresh_catalogue.

        tables maps every name in SEED_TABLES to its rows; seed_actuals replace the actuals of the seed batch.
        before_commit(cursor) runs inside the transaction last (tests use it to simulate a crash mid-write).
        """
        with self.transaction() as cur:
            replace_seed_tables(cur, tables, seed_actuals, meta)
            write_audit(cur, SYSTEM.username, SYSTEM.role, "catalogue_refresh", meta.get("catalogue_sha256"),
                        f"{len(tables['targets'])} 个目标,{len(seed_actuals)} 个文本陈述值")
            if before_commit is not None:
                before_commit(cur)

    def region_aliases(self) -> pd.DataFrame:
        return self.query_df("SELECT * FROM region_aliases ORDER BY region, alias")

    def current_values(self) -> pd.DataFrame:
        """The newest value submitted for every region, indicator and year, pending ones included (one read, for
        validation and diffs: a value waiting for review is not submitted again)."""
        return self.query_df(
            """SELECT region, indicator, year, value, unit, vintage, source, batch_id, entered_by, entered_at,
                      review_status
               FROM actuals_latest"""
        )

    def batches(self) -> pd.DataFrame:
        """Every batch, newest first, with its counts: revisions, new values, revised values, withdrawals and how
        many of its values still count."""
        return self.query_df(
            """WITH r AS (
                   SELECT batch_id, value, is_current,
                          batch_status = 'committed' AND review_status = 'pending' AS pending,
                          review_status = 'returned' AS returned,
                          row_number() OVER (PARTITION BY region, indicator, year ORDER BY actual_id) = 1 AS first
                   FROM actuals_history
               ), c AS (
                   SELECT batch_id,
                          count(*) AS revisions,
                          count(*) FILTER (WHERE first AND value IS NOT NULL) AS new_values,
                          count(*) FILTER (WHERE NOT first AND value IS NOT NULL) AS revised_values,
                          count(*) FILTER (WHERE value IS NULL) AS withdrawn_values,
                          count(*) FILTER (WHERE is_current) AS current_values,
                          count(*) FILTER (WHERE pending) AS pending_values,
                          count(*) FILTER (WHERE returned) AS returned_values
                   FROM r GROUP BY batch_id
               )
               SELECT b.*,
                      -- a revert writes no revisions of its own: it counts the ones it undid
                      CASE WHEN b.kind = 'revert' THEN b.row_count ELSE coalesce(c.revisions, 0) END AS revisions, coalesce(c.new_values, 0) AS new_values,
                      coalesce(c.revised_values, 0) AS revised_values,
                      coalesce(c.withdrawn_values, 0) AS withdrawn_values,
                      coalesce(c.current_values, 0) AS current_values,
                      coalesce(c.pending_values, 0) AS pending_values,
                      coalesce(c.returned_values, 0) AS returned_values,
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
            f"""WITH series AS (
                   SELECT DISTINCT region, indicator, year FROM actuals WHERE batch_id = ?
               ), h AS (       -- every revision of the batch's series: the view's flags, without its whole table
                   SELECT a.*, b.kind AS batch_kind, b.status AS batch_status, {REVISION_FLAGS_SQL}
                   FROM actuals a JOIN batches b USING (batch_id) JOIN series USING (region, indicator, year)
               ), ordered AS (
                   SELECT *,
                          lag(value) OVER w AS previous_value,
                          lag(batch_id) OVER w AS previous_batch_id
                   FROM h
                   WHERE batch_status = 'committed' OR batch_id = ?
                   WINDOW w AS (PARTITION BY region, indicator, year ORDER BY batch_kind <> 'seed', actual_id)
               )
               SELECT o.region, o.indicator, o.year, o.previous_value, o.value, o.unit, o.vintage, o.source,
                      o.reason, o.note, o.previous_batch_id, o.actual_id, o.is_current, o.is_latest,
                      o.review_status, o.reviewed_by, o.reviewed_at, o.review_note
               FROM ordered o
               WHERE o.batch_id = ?
               ORDER BY o.region, o.indicator, o.year""",  # noqa: S608
            [batch_id, batch_id, batch_id],
        )

    def value_history(self, region: str, indicator: str, year: int) -> pd.DataFrame:
        """Every revision of one value, newest first, with its batch, person, vintage, reason and is_current."""
        return self.query_df(
            """SELECT h.actual_id, h.value, h.unit, h.vintage, h.source, h.reason, h.note, h.batch_id,
                      h.batch_kind, h.batch_status, h.entered_by, h.entered_at, h.is_current, h.is_latest,
                      h.review_status, h.reviewed_by, h.reviewed_at, h.review_note
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
