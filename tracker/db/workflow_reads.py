"""The reads of the two review workflows (mixed into tracker.db.store.Store): values waiting for approval and the
locked years of a plan; plans staff added, with their documents, history and archived target rows. The writes are
tracker.commands (approve_values, lock_year …; create_plan, correct_plan …)."""

from __future__ import annotations

import pandas as pd

from tracker.db.queries import LOCKED_YEARS_SQL, PENDING_VALUES_SQL, REVISION_FLAGS_SQL


class WorkflowReadsMixin:
    """Needs query_df and scalar."""

    # -- approval (tracker.commands.approve_values …) --------------------------------------------------------------
    def pending_revisions(self, batch_id: str | None = None) -> pd.DataFrame:
        """The revisions waiting for review (of one batch, or all), oldest batch first, each with its batch (who,
        file, when, note), the value that counts now among the approved ones (old_value) and the plans that target
        its series (plan_ids, comma-separated)."""
        return self.query_df(
            f"""WITH p AS (
                   SELECT a.*, b.kind AS batch_kind, b.created_by, b.created_at, b.file_name, b.note AS batch_note
                   FROM actuals a JOIN batches b USING (batch_id)
                   WHERE b.status = 'committed' AND a.review_status = 'pending' AND (? IS NULL OR a.batch_id = ?)
               ), series AS (
                   SELECT DISTINCT region, indicator, year FROM p
               ), counted AS (  -- what counts now in those series (actuals_current, without its whole table)
                   SELECT region, indicator, year, value FROM (
                       SELECT a.region, a.indicator, a.year, a.value, {REVISION_FLAGS_SQL}
                       FROM actuals a JOIN batches b USING (batch_id) JOIN series USING (region, indicator, year)
                   ) flagged WHERE is_current AND value IS NOT NULL
               )
               SELECT p.actual_id, p.batch_id, p.batch_kind, p.created_by, p.created_at, p.file_name, p.batch_note,
                      p.region, p.indicator, p.year, c.value AS old_value, p.value, p.unit, p.vintage, p.source,
                      p.reason, p.note,
                      (SELECT string_agg(DISTINCT t.plan_id, ',' ORDER BY t.plan_id) FROM targets t
                       WHERE t.region = p.region AND t.indicator = p.indicator) AS plan_ids
               FROM p LEFT JOIN counted c ON c.region = p.region AND c.indicator = p.indicator AND c.year = p.year
               ORDER BY p.created_at, p.batch_id, p.region, p.indicator, p.year""",  # noqa: S608
            [batch_id, batch_id])

    def pending_count(self, plan_id: str | None = None, year: int | None = None) -> int:
        """How many values wait for review (of the series a plan targets, or all; of one year, or all)."""
        return int(self.scalar(
            f"""SELECT count(*) FROM ({PENDING_VALUES_SQL}) p
                WHERE (? IS NULL OR EXISTS (SELECT 1 FROM targets t WHERE t.plan_id = ? AND t.region = p.region
                                            AND t.indicator = p.indicator))
                  AND (? IS NULL OR p.year = ?)""",  # noqa: S608
            [plan_id, plan_id, year, year]) or 0)

    def locked_years(self, plan_id: str | None = None) -> pd.DataFrame:
        """The (plan_id, year) pairs locked now, with who locked them, when and why."""
        return self.query_df(f"SELECT * FROM ({LOCKED_YEARS_SQL}) locked WHERE ? IS NULL OR plan_id = ? "  # noqa: S608
                             "ORDER BY plan_id, year", [plan_id, plan_id])

    def locked_series(self) -> pd.DataFrame:
        """region, indicator, year, plan_id, title of every series value in a locked year of a plan that targets
        the series (what validation refuses to change)."""
        return self.query_df(
            f"""SELECT DISTINCT t.region, t.indicator, l.year, l.plan_id, p.title
                FROM ({LOCKED_YEARS_SQL}) l JOIN targets t USING (plan_id) LEFT JOIN plans p USING (plan_id)
                ORDER BY t.region, t.indicator, l.year""")  # noqa: S608

    def lock_history(self, plan_id: str | None = None) -> pd.DataFrame:
        """Every lock and unlock, newest first."""
        return self.query_df("SELECT * FROM year_locks WHERE ? IS NULL OR plan_id = ? ORDER BY lock_id DESC",
                             [plan_id, plan_id])

    # -- plans staff added (tracker.intake.review, tracker.commands.create_plan) ------------------------------------
    def document_text(self, seed_file: str) -> str | None:
        """The stored text of a reviewed plan's document (its seed_file), None when no such document is stored."""
        return self.scalar("SELECT text FROM documents WHERE document_id = ?", [seed_file])

    def documents(self, plan_id: str | None = None) -> pd.DataFrame:
        """The stored documents without their text (file name, kind, size, checksum, who and when)."""
        return self.query_df(
            """SELECT document_id, plan_id, file_name, kind, length(text) AS characters, sha256, created_by,
                      created_at FROM documents WHERE ? IS NULL OR plan_id = ? ORDER BY created_at""",
            [plan_id, plan_id])

    def plans_with_text(self, sha256: str) -> list[tuple[str, str, str]]:
        """(plan_id, title, origin) of the active plans whose document has this text (sha256 of its UTF-8)."""
        frame = self.query_df(
            """SELECT p.plan_id, p.title, p.origin FROM plans p
               WHERE p.status IS DISTINCT FROM 'retired'
                 AND (p.seed_sha256 = ? OR p.plan_id IN (SELECT plan_id FROM documents WHERE sha256 = ?))
               ORDER BY p.plan_id""", [sha256, sha256])
        return list(frame.itertuples(index=False, name=None))

    def reviewed_plans(self, *, include_retired: bool = False) -> pd.DataFrame:
        """The plans staff added, newest first (retired ones only when asked)."""
        return self.query_df(
            """SELECT * FROM plans WHERE origin = 'reviewed' AND (? OR status IS DISTINCT FROM 'retired')
               ORDER BY created_at DESC, plan_id""", [include_retired])

    def active_plans(self) -> pd.DataFrame:
        """Every plan that is not retired (what pickers offer by default)."""
        return self.query_df("SELECT * FROM plans WHERE status IS DISTINCT FROM 'retired' ORDER BY plan_id")

    def plan_events(self, plan_id: str) -> pd.DataFrame:
        """The audit rows of a plan staff added (added, corrected, retired, reactivated), newest first."""
        return self.query_df(
            """SELECT occurred_at, actor, role, action, detail FROM audit_log
               WHERE object = ? AND action IN ('plan_add', 'plan_correct', 'plan_retire', 'plan_reactivate')
               ORDER BY audit_id DESC""", [plan_id])

    def target_archive(self, plan_id: str) -> pd.DataFrame:
        """The target rows corrections replaced or withdrew, newest first."""
        return self.query_df(
            """SELECT target_id, revision, replaced_by, replaced_at, reason, row_json FROM target_archive
               WHERE plan_id = ? ORDER BY replaced_at DESC, target_id""", [plan_id])
