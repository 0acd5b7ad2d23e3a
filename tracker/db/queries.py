"""The SQL fragments the store's reads share: which revisions count, the value that counts for each series, the
values a plan's text states, the flags of the history view over a few series, pending values and locked years."""

from __future__ import annotations

from tracker.db import dialect

# The batch of the values plans' texts state (python -m etl keeps it; it ranks below anything a person entered).
SEED_BATCH_ID = "seed"


# Which revisions may count: approved ones (the default, actuals_current), or pending ones too (actuals_latest, the
# "包括待审核数值" switch). A returned revision never counts.
def countable_sql(pending: bool, alias: str = "a") -> str:
    return f"{alias}.review_status <> 'returned'" if pending else f"{alias}.review_status = 'approved'"


def current_values_sql(pending: bool = False, postgres: bool = False) -> str:
    """The value that counts for each (region, indicator, year), as the actuals_current view (actuals_latest when
    pending) defines it, computed without the view's window over every revision (tracker.db.dialect)."""
    return dialect.current_values_sql(countable_sql(pending), postgres)


def current_stated_sql(pending: bool = False) -> str:
    """The values a plan's text states that still count: nothing a person entered (and that counts) has replaced
    or withdrawn them."""
    return f"""
    SELECT s.region, s.indicator, s.year, s.source_plan_id, s.source
    FROM actuals s
    WHERE s.batch_id = '{SEED_BATCH_ID}' AND s.source_plan_id IS NOT NULL AND s.value IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM actuals a JOIN batches b USING (batch_id)
                      WHERE b.status = 'committed' AND b.kind <> 'seed' AND {countable_sql(pending)}
                        AND a.region = s.region AND a.indicator = s.indicator AND a.year = s.year)"""


CURRENT_STATED_SQL = current_stated_sql(False)
# is_current and is_latest of a revision, as the actuals_history view defines them (schema.APPROVAL_DDL), over the
# revisions a query selects (a, with its batch b): for reads of a few series, which the view would compute over every
# revision.
REVISION_FLAGS_SQL = """
    b.status = 'committed' AND a.review_status = 'approved' AND row_number() OVER (
        PARTITION BY a.region, a.indicator, a.year, b.status = 'committed' AND a.review_status = 'approved'
        ORDER BY (b.kind = 'seed'), a.actual_id DESC
    ) = 1 AS is_current,
    b.status = 'committed' AND a.review_status <> 'returned' AND row_number() OVER (
        PARTITION BY a.region, a.indicator, a.year, b.status = 'committed' AND a.review_status <> 'returned'
        ORDER BY (b.kind = 'seed'), a.actual_id DESC
    ) = 1 AS is_latest"""
# Revisions waiting for review: pending in a committed batch.
PENDING_VALUES_SQL = """
    SELECT a.region, a.indicator, a.year FROM actuals a JOIN batches b USING (batch_id)
    WHERE b.status = 'committed' AND a.review_status = 'pending'"""
# The (plan_id, year) pairs locked now: the latest lock row of each says lock.
LOCKED_YEARS_SQL = """
    SELECT plan_id, year, set_by, set_at, reason FROM (
        SELECT *, row_number() OVER (PARTITION BY plan_id, year ORDER BY lock_id DESC) AS newest FROM year_locks
    ) ranked WHERE newest = 1 AND action = 'lock'"""
