"""The SQL of every write, and nothing else: no role checks, no rules (part of the store gateway).

Each function takes the cursor of an open Store.transaction(), so it can only run inside one transaction together
with the audit row. The rules and the permission checks live in tracker.commands, the only caller besides the
store itself and the ETL's system build; pages and command-line modules never import this module.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

import pandas as pd

from tracker.db import dialect
from tracker.db.dialect import Cursor
from tracker.db.migrations import STORE_ID, base_tables
from tracker.db.queries import REVISION_FLAGS_SQL, SEED_BATCH_ID

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
    "target_units",
    "plan_structure",
    "checks",
    "etl_notes",
)

# A meta key set to a value, whether it was there or not.
UPSERT_META = "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"

# The columns of an actual value a person may give.
ACTUAL_INPUT = ("region", "indicator", "region_id", "indicator_id", "year", "value", "unit", "source",
                "vintage", "reason", "note")


def new_batch_id(kind: str, now: datetime) -> str:
    """'upload-20250301-101500-3fa2c1': readable, sortable by time, unique."""
    return f"{kind}-{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


def write_audit(cur: Cursor, actor: str, role: str | None, action: str, obj: str | None,
                detail: str) -> None:
    """One row of the audit trail, in the caller's transaction so it commits or rolls back with the change."""
    cur.execute(
        "INSERT INTO audit_log (occurred_at, actor, role, action, object, detail) VALUES (?, ?, ?, ?, ?, ?)",
        [datetime.now(), actor, role, action, obj, detail],
    )


def bump_write_counter(cur: Cursor) -> None:
    cur.execute(
        """INSERT INTO meta VALUES (?, '1')
           ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS VARCHAR)""",
        [WRITE_COUNTER],
    )


def insert_frame(cur, table: str, frame: pd.DataFrame) -> None:
    """Insert a DataFrame's columns by name (columns absent from the frame take their defaults)."""
    dialect.insert_frame(cur, table, frame)


# -- the catalogue ----------------------------------------------------------------------------------------------------
def replace_seed_tables(cur: Cursor, tables: Mapping[str, pd.DataFrame],
                        seed_actuals: pd.DataFrame, meta: Mapping[str, str]) -> None:
    """Swap in a built catalogue; rows people entered are not touched."""
    missing = set(SEED_TABLES) - set(tables)
    if missing:
        raise ValueError(f"missing seed tables: {sorted(missing)}")
    reviewed = {r[0] for r in cur.execute("SELECT plan_id FROM plans WHERE origin = 'reviewed'").fetchall()}
    clash = reviewed & set(tables["plans"]["plan_id"])
    if clash:
        raise ValueError(f"seed plans use the ids of reviewed plans: {sorted(clash)}")
    for name in SEED_TABLES:
        cur.execute(_DELETE_SEED_ROWS[name])
        insert_frame(cur, name, _without_reviewed_keys(cur, name, tables[name]))
    created_at = cur.execute("SELECT created_at FROM batches WHERE batch_id = ?", [SEED_BATCH_ID]).fetchone()
    now = datetime.now().replace(microsecond=0)
    # The seed batch keeps its first creation time and every unchanged row keeps its revision (actual_id), so
    # links to a stated value's revision survive a rebuild; only rows that changed or vanished are replaced.
    cur.execute("DELETE FROM batches WHERE batch_id = ?", [SEED_BATCH_ID])
    cur.execute(
        """INSERT INTO batches (batch_id, kind, status, created_by, created_at, note, row_count)
           VALUES (?, 'seed', 'committed', ?, ?, ?, ?)""",
        [SEED_BATCH_ID, SEED_USER, created_at[0] if created_at else now,
         "规划文本中陈述的数值 / values stated in the seed documents",
         len(seed_actuals) + _reviewed_stated_count(cur)],
    )
    _replace_seed_actuals(cur, seed_actuals, now)
    for key, value in meta.items():
        cur.execute(UPSERT_META, [key, value])


# What a rebuild deletes: the rows the ETL made, never those of a plan a person reviewed (plans.origin), nor the
# indicators, regions and aliases created while reviewing one (origin 'reviewed'). A seed row that takes the key of a
# reviewed one (the catalogue adopts a reviewed indicator) replaces it: see _without_reviewed_keys.
_REVIEWED_PLAN_IDS = "SELECT plan_id FROM plans WHERE origin = 'reviewed'"
_DELETE_SEED_ROWS = {
    "plans": "DELETE FROM plans WHERE origin IS DISTINCT FROM 'reviewed'",
    "regions": "DELETE FROM regions WHERE origin IS DISTINCT FROM 'reviewed'",
    "region_aliases": "DELETE FROM region_aliases WHERE origin IS DISTINCT FROM 'reviewed'",
    "indicators": "DELETE FROM indicators WHERE origin IS DISTINCT FROM 'reviewed'",
    "indicator_aliases": "DELETE FROM indicator_aliases WHERE origin IS DISTINCT FROM 'reviewed'",
    "targets": f"DELETE FROM targets WHERE plan_id NOT IN ({_REVIEWED_PLAN_IDS})",
    "target_quotes": "DELETE FROM target_quotes WHERE seed_file NOT IN "
                     "(SELECT seed_file FROM plans WHERE origin = 'reviewed')",
    "target_units": "DELETE FROM target_units WHERE seed_file NOT IN "
                    "(SELECT seed_file FROM plans WHERE origin = 'reviewed')",
    "plan_structure": f"DELETE FROM plan_structure WHERE plan_id NOT IN ({_REVIEWED_PLAN_IDS})",
    "checks": f"DELETE FROM checks WHERE plan_id IS NULL OR plan_id NOT IN ({_REVIEWED_PLAN_IDS})",
    "etl_notes": f"DELETE FROM etl_notes WHERE plan_id IS NULL OR plan_id NOT IN ({_REVIEWED_PLAN_IDS})",
}
# The key of a row that a seed row replaces when the catalogue comes to define it too.
_ADOPTED_KEYS = {"regions": "region", "region_aliases": "alias", "indicators": "indicator_id",
                 "indicator_aliases": "alias"}


def _without_reviewed_keys(cur: Cursor, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The seed rows as built; a reviewed row with the same key gives way to the catalogue's definition."""
    key = _ADOPTED_KEYS.get(name)
    if key is not None and not frame.empty:
        for value in frame[key].dropna().unique().tolist():
            cur.execute(f'DELETE FROM {name} WHERE origin = \'reviewed\' AND "{key}" = ?',  # noqa: S608
                        [value])
    return frame


def _reviewed_stated_count(cur: Cursor) -> int:
    return cur.execute(f"SELECT count(*) FROM actuals WHERE batch_id = ? AND source_plan_id IN ({_REVIEWED_PLAN_IDS})",
                       [SEED_BATCH_ID]).fetchone()[0]


def _replace_seed_actuals(cur: Cursor, seed_actuals: pd.DataFrame, now: datetime) -> None:
    """Delete the seed revisions that the new build no longer states exactly, insert the ones it newly states."""
    columns = list(seed_actuals.columns)
    same = " AND ".join(f'a."{c}" IS NOT DISTINCT FROM i."{c}"' for c in columns)
    cur.register("_seed", seed_actuals)
    try:
        # The values a reviewed plan's document states are in the seed batch too (stated values rank the same),
        # and a rebuild from seeds/ leaves them alone.
        cur.execute(f"""DELETE FROM actuals a WHERE a.batch_id = ?
                        AND (a.source_plan_id IS NULL OR a.source_plan_id NOT IN ({_REVIEWED_PLAN_IDS}))
                        AND NOT EXISTS (SELECT 1 FROM _seed i WHERE {same})""", [SEED_BATCH_ID])  # noqa: S608
        fresh = cur.execute(f"""SELECT * FROM _seed i WHERE NOT EXISTS (
                                    SELECT 1 FROM actuals a WHERE a.batch_id = ? AND {same})""",  # noqa: S608
                            [SEED_BATCH_ID]).df()
    finally:
        cur.unregister("_seed")
    insert_frame(cur, "actuals", fresh.assign(batch_id=SEED_BATCH_ID, entered_by=SEED_USER, entered_at=now))


# -- batches and actuals ----------------------------------------------------------------------------------------------
def insert_batch(cur: Cursor, *, batch_id: str, kind: str, created_by: str, created_at: datetime,
                 note: str | None, row_count: int, file_name: str | None = None, file_sha256: str | None = None,
                 reverts_batch_id: str | None = None) -> None:
    cur.execute(
        """INSERT INTO batches (batch_id, kind, status, created_by, created_at, note, file_name, file_sha256,
                                row_count, reverts_batch_id)
           VALUES (?, ?, 'committed', ?, ?, ?, ?, ?, ?, ?)""",
        [batch_id, kind, created_by, created_at, note, file_name, file_sha256, row_count, reverts_batch_id],
    )


def insert_actuals(cur: Cursor, frame: pd.DataFrame) -> None:
    insert_frame(cur, "actuals", frame)


def batch_state(cur: Cursor, batch_id: str) -> tuple[str, str, int] | None:
    """(kind, status, row_count) of a batch, read inside the writing transaction; None when there is none."""
    return cur.execute("SELECT kind, status, row_count FROM batches WHERE batch_id = ?", [batch_id]).fetchone()


def mark_batch_reverted(cur: Cursor, batch_id: str) -> None:
    cur.execute("UPDATE batches SET status = 'reverted' WHERE batch_id = ?", [batch_id])


# -- qualitative targets ------------------------------------------------------------------------------------------------
def target_kind(cur: Cursor, target_id: str) -> str | None:
    row = cur.execute("SELECT kind FROM targets WHERE target_id = ?", [target_id]).fetchone()
    return None if row is None else row[0]


def insert_target_status(cur: Cursor, target_id: str, status: str, note: str | None,
                         set_by: str, set_at: datetime) -> None:
    cur.execute("INSERT INTO target_status VALUES (?, ?, ?, ?, ?)", [target_id, status, note, set_by, set_at])


# -- accounts ---------------------------------------------------------------------------------------------------------
def account_row(cur: Cursor, username: str) -> dict | None:
    """An account as stored (role, active, credentials_version …), read inside the writing transaction."""
    row = cur.execute(
        """SELECT username, display_name, email, role, active, coalesce(credentials_version, 0)
           FROM users WHERE username = ?""", [username]
    ).fetchone()
    if row is None:
        return None
    keys = ("username", "display_name", "email", "role", "active", "credentials_version")
    return dict(zip(keys, row, strict=True))


def insert_user(cur: Cursor, *, username: str, display_name: str, email: str, role: str,
                password_hash: str, now: datetime) -> None:
    cur.execute(
        """INSERT INTO users (username, display_name, email, role, password_hash, active, created_at, updated_at,
                              credentials_version) VALUES (?, ?, ?, ?, ?, TRUE, ?, ?, 0)""",
        [username, display_name, email, role, password_hash, now, now],
    )


def update_password(cur: Cursor, username: str, password_hash: str, now: datetime) -> None:
    """A new hash; the credentials version goes up, which ends the account's sessions."""
    cur.execute(
        """UPDATE users SET password_hash = ?, credentials_version = coalesce(credentials_version, 0) + 1,
                            updated_at = ? WHERE username = ?""",
        [password_hash, now, username],
    )


def update_role(cur: Cursor, username: str, role: str, now: datetime) -> None:
    cur.execute("UPDATE users SET role = ?, updated_at = ? WHERE username = ?", [role, now, username])


def update_active(cur: Cursor, username: str, active: bool, now: datetime) -> None:
    cur.execute("UPDATE users SET active = ?, updated_at = ? WHERE username = ?", [active, now, username])


# -- settings ---------------------------------------------------------------------------------------------------------
def save_setting(cur: Cursor, key: str, value: str, updated_by: str, now: datetime) -> None:
    cur.execute("""INSERT INTO settings VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE
                   SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at""",
                [key, value, updated_by, now])


def delete_setting(cur: Cursor, key: str) -> None:
    cur.execute("DELETE FROM settings WHERE key = ?", [key])


# -- plans staff added --------------------------------------------------------------------------------------------
def stored_plan_row(cur: Cursor, plan_id: str) -> dict | None:
    """A plan as stored (origin, status, revision …), read inside the writing transaction."""
    frame = cur.execute("SELECT * FROM plans WHERE plan_id = ?", [plan_id]).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def taken_plan_ids(cur: Cursor) -> set[str]:
    return {r[0] for r in cur.execute("SELECT plan_id FROM plans").fetchall()}


def active_plans_with_text(cur: Cursor, sha256: str) -> list[tuple[str, str, str]]:
    return cur.execute(
        """SELECT plan_id, title, origin FROM plans WHERE status IS DISTINCT FROM 'retired'
           AND plan_id IN (SELECT plan_id FROM documents WHERE sha256 = ?) AND origin = 'reviewed'""",
        [sha256]).fetchall()


def ensure_seed_batch(cur: Cursor, now: datetime) -> None:
    """The batch of stated values exists (a plan may be added to a store no seed build has filled)."""
    cur.execute(
        """INSERT INTO batches (batch_id, kind, status, created_by, created_at, note, row_count)
           VALUES (?, 'seed', 'committed', ?, ?, ?, 0) ON CONFLICT (batch_id) DO NOTHING""",
        [SEED_BATCH_ID, SEED_USER, now, "规划文本中陈述的数值 / values stated in the seed documents"],
    )


def insert_stated_values(cur: Cursor, stated: pd.DataFrame, entered_by: str,
                         now: datetime) -> None:
    """Values a reviewed plan's document states, as revisions of the seed batch (they rank as stated values)."""
    if stated.empty:
        return
    insert_frame(cur, "actuals", stated.assign(batch_id=SEED_BATCH_ID, entered_by=entered_by, entered_at=now))
    cur.execute("UPDATE batches SET row_count = coalesce(row_count, 0) + ? WHERE batch_id = ?",
                [len(stated), SEED_BATCH_ID])


def archive_target(cur: Cursor, plan_id: str, target_id: str, row_json: str, revision: int,
                   who: str, now: datetime, reason: str | None) -> None:
    cur.execute("INSERT INTO target_archive VALUES (?, ?, ?, ?, ?, ?, ?)",
                [plan_id, target_id, revision, row_json, who, now, reason])


def stored_target_row(cur: Cursor, plan_id: str, target_id: str) -> dict | None:
    frame = cur.execute("SELECT * FROM targets WHERE plan_id = ? AND target_id = ?", [plan_id, target_id]).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def stored_plan_targets(cur: Cursor, plan_id: str) -> pd.DataFrame:
    return cur.execute("SELECT * FROM targets WHERE plan_id = ? ORDER BY target_id", [plan_id]).df()


def delete_target(cur: Cursor, plan_id: str, target_id: str) -> None:
    cur.execute("DELETE FROM targets WHERE plan_id = ? AND target_id = ?", [plan_id, target_id])
    cur.execute("DELETE FROM target_quotes WHERE target_id = ?", [target_id])


def replace_plan_checks(cur: Cursor, plan_id: str, rows: pd.DataFrame) -> None:
    cur.execute("DELETE FROM checks WHERE plan_id = ?", [plan_id])
    insert_frame(cur, "checks", rows)


def bump_plan_revision(cur: Cursor, plan_id: str, who: str, now: datetime) -> int:
    """The plan's revision one higher; returns the new revision."""
    cur.execute("UPDATE plans SET revision = coalesce(revision, 1) + 1, updated_by = ?, updated_at = ? "
                "WHERE plan_id = ?", [who, now, plan_id])
    return cur.execute("SELECT revision FROM plans WHERE plan_id = ?", [plan_id]).fetchone()[0]


def update_plan_details(cur: Cursor, plan_id: str, details: Mapping) -> None:
    """Set a plan's own details (title, title_original, short_name, region, start/target/base year, issuing_body,
    issued_on)."""
    columns = ("title", "title_original", "short_name", "region", "start_year", "target_year", "base_year",
               "issuing_body", "issued_on")
    cur.execute(f"UPDATE plans SET {', '.join(f'{c} = ?' for c in columns)} WHERE plan_id = ?",  # noqa: S608
                [details[c] for c in columns] + [plan_id])


def set_plan_status(cur: Cursor, plan_id: str, status: str, who: str, now: datetime) -> None:
    cur.execute("UPDATE plans SET status = ?, updated_by = ?, updated_at = ? WHERE plan_id = ?",
                [status, who, now, plan_id])


def replace_every_table(cur, source, sequences: Mapping[str, int], store_id: str) -> None:
    """Replace the rows of every table with those of source (a connection holding the same tables: a restored
    backup), move each sequence past the last number source's store had handed out, and give the store a new
    identity (meta store_id), so caches never take the new rows for the old ones."""
    for name in base_tables(cur):
        cur.execute(f'DELETE FROM "{name}"')  # noqa: S608
        dialect.copy_table(cur, name, source)
    for name, last in sequences.items():
        dialect.advance_sequence(cur, name, last)
    cur.execute(UPSERT_META, [STORE_ID, store_id])


# -- approval ---------------------------------------------------------------------------------------------------------
def _settled(cur: Cursor) -> Cursor:
    """The cursor with no unfinished result (a fetchone() leaves one, and it blocks register())."""
    cur.execute("SELECT 1").fetchall()
    return cur


def review_states(cur: Cursor, actual_ids: list[int]) -> pd.DataFrame:
    """actual_id, region, indicator, year, value, review_status, batch_id, batch_status of the given revisions."""
    _settled(cur).register("_ids", pd.DataFrame({"actual_id": pd.Series(actual_ids, dtype="int64")}))
    try:
        return cur.execute(
            """SELECT a.actual_id, a.region, a.indicator, a.year, a.value, a.review_status, a.batch_id,
                      b.status AS batch_status
               FROM actuals a JOIN batches b USING (batch_id) JOIN _ids USING (actual_id)
               ORDER BY a.actual_id""").df()
    finally:
        cur.unregister("_ids")


def set_review(cur: Cursor, actual_ids: list[int], status: str, by: str, at: datetime,
               note: str | None) -> None:
    """Record a review decision (approved | returned) on pending revisions."""
    _settled(cur).register("_ids", pd.DataFrame({"actual_id": pd.Series(actual_ids, dtype="int64")}))
    try:
        cur.execute(
            """UPDATE actuals SET review_status = ?, reviewed_by = ?, reviewed_at = ?, review_note = ?
               WHERE actual_id IN (SELECT actual_id FROM _ids) AND review_status = 'pending'""",
            [status, by, at, note])
    finally:
        cur.unregister("_ids")


def pending_ids_of_plan_year(cur: Cursor, plan_id: str, year: int) -> list[int]:
    """The pending revisions (of committed batches) of the series a plan targets, for one year."""
    return [r[0] for r in cur.execute(
        """SELECT a.actual_id FROM actuals a JOIN batches b USING (batch_id)
           WHERE b.status = 'committed' AND a.review_status = 'pending' AND a.year = ?
             AND EXISTS (SELECT 1 FROM targets t WHERE t.plan_id = ? AND t.region = a.region
                                                   AND t.indicator = a.indicator)
           ORDER BY a.actual_id""", [year, plan_id]).fetchall()]


def is_locked(cur: Cursor, plan_id: str, year: int) -> bool:
    row = cur.execute("SELECT action FROM year_locks WHERE plan_id = ? AND year = ? ORDER BY lock_id DESC LIMIT 1",
                      [plan_id, year]).fetchone()
    return row is not None and row[0] == "lock"


def insert_year_lock(cur: Cursor, plan_id: str, year: int, action: str, by: str, at: datetime,
                     reason: str | None) -> None:
    cur.execute("INSERT INTO year_locks (plan_id, year, action, set_by, set_at, reason) VALUES (?, ?, ?, ?, ?, ?)",
                [plan_id, year, action, by, at, reason])


def locked_rows(cur: Cursor, rows: pd.DataFrame) -> pd.DataFrame:
    """The rows (region, indicator, year) that fall in a locked year of a plan that targets their series, with
    that plan (plan_id, title); empty when none does."""
    keys = rows[["region", "indicator", "year"]].drop_duplicates().astype({"year": "int64"})
    _settled(cur).register("_keys", keys)
    try:
        return cur.execute(
            """WITH locked AS (
                   SELECT plan_id, year, action FROM (
                       SELECT plan_id, year, action,
                              row_number() OVER (PARTITION BY plan_id, year ORDER BY lock_id DESC) AS newest
                       FROM year_locks) ranked
                   WHERE newest = 1
               )
               SELECT DISTINCT k.region, k.indicator, k.year, l.plan_id, p.title
               FROM _keys k
               JOIN targets t ON t.region = k.region AND t.indicator = k.indicator
               JOIN locked l ON l.plan_id = t.plan_id AND l.year = k.year AND l.action = 'lock'
               LEFT JOIN plans p ON p.plan_id = l.plan_id
               ORDER BY k.region, k.indicator, k.year""").df()
    finally:
        cur.unregister("_keys")


def moved_since(cur: Cursor, expected: pd.DataFrame) -> pd.DataFrame:
    """The keys (region, indicator, year) whose newest submitted value is no longer the one of old_batch_id (NaN:
    none) that a check saw: another writer has changed them since. Columns region, indicator, year, old_batch_id,
    batch_id, value (what counts now); empty when nothing moved."""
    keys = expected[["region", "indicator", "year", "old_batch_id"]].drop_duplicates(["region", "indicator", "year"])
    keys = keys.astype({"year": "int64", "old_batch_id": "object"}).assign(
        old_batch_id=lambda k: k["old_batch_id"].where(k["old_batch_id"].notna(), None))
    _settled(cur).register("_expected", keys)
    try:
        return cur.execute(
            f"""WITH flagged AS (
                    SELECT a.region, a.indicator, a.year, a.batch_id, a.value, {REVISION_FLAGS_SQL}
                    FROM actuals a JOIN batches b USING (batch_id)
                    JOIN _expected k ON k.region = a.region AND k.indicator = a.indicator AND k.year = a.year
                ), latest AS (
                    SELECT region, indicator, year, batch_id, value FROM flagged
                    WHERE is_latest AND value IS NOT NULL
                )
                SELECT k.region, k.indicator, k.year, k.old_batch_id, l.batch_id, l.value
                FROM _expected k LEFT JOIN latest l
                     ON l.region = k.region AND l.indicator = k.indicator AND l.year = k.year
                WHERE l.batch_id IS DISTINCT FROM k.old_batch_id
                ORDER BY k.region, k.indicator, k.year""").df()  # noqa: S608
    finally:
        cur.unregister("_expected")


def batch_keys(cur: Cursor, batch_id: str) -> pd.DataFrame:
    return cur.execute("SELECT DISTINCT region, indicator, year FROM actuals WHERE batch_id = ?", [batch_id]).df()
