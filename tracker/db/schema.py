"""The DuckDB schema as numbered steps: each constant is the SQL of one migration of tracker.db.migrations.

Seed-derived tables (plans … etl_notes) are rebuilt by every ETL run; batches, actuals and target_status hold
what people enter and are never rebuilt. Uniqueness of seed-derived keys is checked by the ETL before writing
rather than by PRIMARY KEY constraints, so that one transaction can delete and re-insert the same keys.

A file is brought up to date when it is opened for writing: the migrations after its stored schema_version run in
order, each in its own transaction (tracker/db/migrations.py). Nothing here runs again on a current file.
"""

# 1 the catalogue and entered values, 2 accounts/audit/settings, 3 targets.relative_to_indicator_id,
# actuals.source_plan_id and the write counter, 4 users.credentials_version (a password change ends sessions),
# 5 login_attempts.attempt_id and .client (sign-ins claimed before the password is checked, counted per client),
# 6 documents, the origin of catalogue rows (seed | reviewed), plans.status and the archive of corrected targets,
# 7 the responsible units of targets, 8 approval: the review state of each revision and the locks of a plan's year.
SCHEMA_VERSION = 8

# -- migration 1: the catalogue, batches and actuals, qualitative statuses, and their views -------------------------
BASE_DDL = """CREATE SEQUENCE IF NOT EXISTS revision_seq START 1;

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- Seed-derived ------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS plans (
    plan_id        VARCHAR NOT NULL,
    title          VARCHAR NOT NULL,      -- simplified-Chinese display title
    title_original VARCHAR NOT NULL,      -- the title as the seed writes it
    short_name     VARCHAR,
    region         VARCHAR NOT NULL,
    doc_type       VARCHAR,
    script         VARCHAR,               -- simplified | traditional (of the seed text)
    issued_on      DATE,
    base_year      INTEGER,               -- t0 for targets that state no baseline year
    start_year     INTEGER,
    target_year    INTEGER,
    seed_file      VARCHAR NOT NULL,
    seed_sha256    VARCHAR NOT NULL,
    assumption     VARCHAR
);

CREATE TABLE IF NOT EXISTS regions (
    region_id     VARCHAR NOT NULL,
    region        VARCHAR NOT NULL,       -- display name, simplified Chinese
    region_en     VARCHAR,
    level         VARCHAR,
    parent_region VARCHAR,
    note          VARCHAR
);

CREATE TABLE IF NOT EXISTS region_aliases (
    alias  VARCHAR NOT NULL,
    region VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS indicators (
    indicator_id VARCHAR NOT NULL,
    indicator    VARCHAR NOT NULL,        -- canonical display name, simplified Chinese
    indicator_en VARCHAR,
    unit         VARCHAR NOT NULL,        -- a percentage is stored as printed: 2.5 means 2.5 %
    measure      VARCHAR NOT NULL,        -- level | increment
    direction    INTEGER NOT NULL,        -- +1 higher is better, -1 lower is better
    path_kind    VARCHAR NOT NULL,        -- linear | geometric
    defined_in   VARCHAR,                 -- catalogue file that defines it
    note         VARCHAR
);

CREATE TABLE IF NOT EXISTS indicator_aliases (
    alias        VARCHAR NOT NULL,
    indicator_id VARCHAR NOT NULL,
    indicator    VARCHAR NOT NULL,
    source       VARCHAR                  -- where the alias comes from (catalogue file, or 'opencc')
);

CREATE TABLE IF NOT EXISTS targets (
    target_id          VARCHAR NOT NULL,
    plan_id            VARCHAR NOT NULL,
    region             VARCHAR NOT NULL,
    indicator          VARCHAR NOT NULL,
    indicator_id       VARCHAR NOT NULL,
    subject            VARCHAR,            -- the text's wording, simplified for display
    subject_original   VARCHAR,            -- the text's wording, original characters
    kind               VARCHAR NOT NULL,
    comparator         VARCHAR,
    target_value       DOUBLE,
    target_value_hi    DOUBLE,
    stretch_value      DOUBLE,
    tolerance          DOUBLE,
    growth_rate        DOUBLE,             -- percent per year (12 = 12 %)
    multiple           DOUBLE,
    relative_to_region VARCHAR,
    relative_margin    DOUBLE,             -- percent above relative_to_region
    basis              VARCHAR NOT NULL,   -- level | per_year | cumulative
    start_year         INTEGER,
    target_year        INTEGER NOT NULL,
    baseline_year      INTEGER,
    baseline_value     DOUBLE,
    unit               VARCHAR,
    binding            VARCHAR,            -- 预期性 | 约束性
    parent_target_id   VARCHAR,
    milestone_group    VARCHAR,
    section            VARCHAR,
    quote              VARCHAR NOT NULL,   -- exact substring of the seed file
    quote_offset       INTEGER NOT NULL,   -- character offset of quote in the seed file
    seed_file          VARCHAR NOT NULL,
    origin             VARCHAR NOT NULL,   -- table (parsed 专栏) | catalogue (reviewed file)
    assumption         VARCHAR,
    note               VARCHAR
);

CREATE TABLE IF NOT EXISTS target_quotes (
    target_id VARCHAR NOT NULL,
    role      VARCHAR NOT NULL,            -- source | restatement
    quote     VARCHAR NOT NULL,
    seed_file VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS plan_structure (
    plan_id        VARCHAR NOT NULL,
    item_id        VARCHAR NOT NULL,
    parent_item_id VARCHAR,
    seq            INTEGER NOT NULL,
    title          VARCHAR NOT NULL,
    quote          VARCHAR
);

CREATE TABLE IF NOT EXISTS checks (
    plan_id    VARCHAR NOT NULL,
    check_kind VARCHAR NOT NULL,           -- decomposition | duplicate_target | restatement
    subject    VARCHAR NOT NULL,
    expected   VARCHAR,
    observed   VARCHAR,
    status     VARCHAR NOT NULL,           -- ok | mismatch | warning
    message    VARCHAR NOT NULL,
    target_ids VARCHAR
);

CREATE TABLE IF NOT EXISTS etl_notes (
    plan_id   VARCHAR,
    seed_file VARCHAR,
    target_id VARCHAR,
    category  VARCHAR NOT NULL,            -- assumption | scrape_repair | plan
    message   VARCHAR NOT NULL
);

-- Entered by people; never rebuilt -------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS batches (
    batch_id    VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,          -- seed | entry | upload | revert
    status      VARCHAR NOT NULL,          -- committed | reverted
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    note        VARCHAR,
    file_name   VARCHAR,
    file_sha256 VARCHAR,
    row_count   INTEGER,
    reverts_batch_id VARCHAR
);

CREATE TABLE IF NOT EXISTS actuals (
    actual_id    BIGINT NOT NULL DEFAULT nextval('revision_seq'),  -- increases with every revision
    region       VARCHAR NOT NULL,
    indicator    VARCHAR NOT NULL,
    region_id    VARCHAR,
    indicator_id VARCHAR,
    year         INTEGER NOT NULL,
    value        DOUBLE,                   -- NULL = the value was withdrawn by this revision
    unit         VARCHAR,
    source       VARCHAR,                  -- 来源/口径 as the person or the document gives it
    vintage      VARCHAR,                  -- 快报 (provisional) | 年报 (final)
    reason       VARCHAR,                  -- why this revision was made
    batch_id     VARCHAR NOT NULL,
    entered_by   VARCHAR NOT NULL,
    entered_at   TIMESTAMP NOT NULL,
    quote        VARCHAR,                  -- seed batch: the sentence that states the value
    seed_file    VARCHAR,
    note         VARCHAR
);

CREATE TABLE IF NOT EXISTS target_status (
    target_id VARCHAR NOT NULL,            -- qualitative targets: a status set by a person
    status    VARCHAR NOT NULL,
    note      VARCHAR,
    set_by    VARCHAR NOT NULL,
    set_at    TIMESTAMP NOT NULL
);

-- Every revision with a flag for the one that counts: the newest revision of a committed batch, where anything a
-- person entered outranks what a seed document states (a refreshed seed must not overwrite a correction).
CREATE OR REPLACE VIEW actuals_history AS
SELECT a.*,
       b.kind AS batch_kind,
       b.status AS batch_status,
       b.status = 'committed' AND row_number() OVER (
           PARTITION BY a.region, a.indicator, a.year, b.status = 'committed'
           ORDER BY (b.kind = 'seed'), a.actual_id DESC
       ) = 1 AS is_current
FROM actuals a
JOIN batches b USING (batch_id);

CREATE OR REPLACE VIEW actuals_current AS
SELECT * EXCLUDE (is_current, batch_status)
FROM actuals_history
WHERE is_current AND value IS NOT NULL;

-- Targets with the indicator attributes the methodology needs and the plan's base year.
CREATE OR REPLACE VIEW targets_full AS
SELECT t.*,
       i.indicator_en,
       i.measure,
       i.direction,
       i.path_kind,
       p.base_year AS plan_base_year,
       p.title AS plan_title
FROM targets t
JOIN indicators i USING (indicator_id)
JOIN plans p USING (plan_id);
"""

# -- migration 2 ------------------------------------------------------------------------------------------------------
ACCOUNTS_DDL = """
-- Accounts, sign-in attempts, the audit trail and settings (admins change thresholds here) ----------------------
CREATE TABLE IF NOT EXISTS users (
    username      VARCHAR PRIMARY KEY,
    display_name  VARCHAR,
    email         VARCHAR,
    role          VARCHAR NOT NULL,          -- viewer | editor | admin
    password_hash VARCHAR,                   -- argon2id, salted; never the password
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS login_attempts (
    username VARCHAR NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    ok       BOOLEAN NOT NULL,
    channel  VARCHAR                         -- web | cli
);

CREATE SEQUENCE IF NOT EXISTS audit_seq START 1;
CREATE TABLE IF NOT EXISTS audit_log (
    audit_id BIGINT NOT NULL DEFAULT nextval('audit_seq'),
    occurred_at TIMESTAMP NOT NULL,
    actor    VARCHAR NOT NULL,               -- account name, SSO e-mail, or 'system' for server-side scripts
    role     VARCHAR,
    action   VARCHAR NOT NULL,               -- entry | upload | revert | catalogue_refresh | user_add | …
    object   VARCHAR,                        -- batch id, account name, setting …
    detail   VARCHAR                         -- what changed, as text
);

CREATE TABLE IF NOT EXISTS settings (
    key        VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    updated_by VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
"""

# -- migration 3: a relative target may compare with another indicator; a stated value names its plan; the write
# counter behind Store.data_version().
RELATIVE_INDICATOR_DDL = """
ALTER TABLE targets ADD COLUMN relative_to_indicator_id VARCHAR;   -- relative: the indicator compared with
ALTER TABLE actuals ADD COLUMN source_plan_id VARCHAR;             -- seed batch: the plan whose text states the value
INSERT INTO meta VALUES ('data_version', '0') ON CONFLICT (key) DO NOTHING;

-- actuals_history lists a.*: recreated so that it shows the new column.
-- Every revision with a flag for the one that counts: the newest revision of a committed batch, where anything a
-- person entered outranks what a seed document states (a refreshed seed must not overwrite a correction).
CREATE OR REPLACE VIEW actuals_history AS
SELECT a.*,
       b.kind AS batch_kind,
       b.status AS batch_status,
       b.status = 'committed' AND row_number() OVER (
           PARTITION BY a.region, a.indicator, a.year, b.status = 'committed'
           ORDER BY (b.kind = 'seed'), a.actual_id DESC
       ) = 1 AS is_current
FROM actuals a
JOIN batches b USING (batch_id);

CREATE OR REPLACE VIEW actuals_current AS
SELECT * EXCLUDE (is_current, batch_status)
FROM actuals_history
WHERE is_current AND value IS NOT NULL;

-- Targets with the indicator attributes the methodology needs and the plan's base year; relative_to_indicator is the
-- display name of the indicator a relative target compares with (NULL: its own indicator).
CREATE OR REPLACE VIEW targets_full AS
SELECT t.*,
       i.indicator_en,
       i.measure,
       i.direction,
       i.path_kind,
       p.base_year AS plan_base_year,
       p.title AS plan_title,
       ri.indicator AS relative_to_indicator
FROM targets t
JOIN indicators i USING (indicator_id)
JOIN plans p USING (plan_id)
LEFT JOIN indicators ri ON ri.indicator_id = t.relative_to_indicator_id;
"""

# -- migration 4: a password change (or any reset of credentials) raises the version; a session that signed in
# with an older version ends at its next rerun and its writes are refused.
CREDENTIALS_VERSION_DDL = """
ALTER TABLE users ADD COLUMN credentials_version INTEGER DEFAULT 0;
UPDATE users SET credentials_version = 0 WHERE credentials_version IS NULL;
"""

# -- migration 5: a sign-in attempt is recorded (ok NULL: pending) in the same transaction that checks the delay, so
# parallel guesses see each other; each attempt names the client it came from (web: the address; cli: the user).
SIGN_IN_CLAIMS_DDL = """
ALTER TABLE login_attempts ADD COLUMN attempt_id VARCHAR;
ALTER TABLE login_attempts ADD COLUMN client VARCHAR;
ALTER TABLE login_attempts ALTER COLUMN ok DROP NOT NULL;
"""

# -- migration 6: plans staff bring in themselves. A plan's document is stored as the text its quotes are exact
# substrings of; every catalogue row says whether the ETL made it (seed) or a person reviewed it (reviewed), so that a
# rebuild from seeds/ replaces the seed rows only; a correction archives the target row it replaces.
REVIEWED_PLANS_DDL = """
CREATE TABLE IF NOT EXISTS documents (
    document_id VARCHAR PRIMARY KEY,
    plan_id     VARCHAR NOT NULL,
    file_name   VARCHAR NOT NULL,          -- as uploaded, or 粘贴文本 for pasted text
    kind        VARCHAR NOT NULL,          -- txt | docx | pdf | html | pasted | xlsx (the 主要指标表)
    text        VARCHAR NOT NULL,          -- the text as read; every quote of the plan is an exact substring of it
    sha256      VARCHAR NOT NULL,          -- of text (UTF-8), to recognise the same document brought in twice
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

ALTER TABLE plans ADD COLUMN origin VARCHAR DEFAULT 'seed';        -- seed (python -m etl) | reviewed (新增规划)
ALTER TABLE plans ADD COLUMN status VARCHAR DEFAULT 'active';      -- active | retired (hidden from pickers)
ALTER TABLE plans ADD COLUMN issuing_body VARCHAR;                 -- 发文机关
ALTER TABLE plans ADD COLUMN revision INTEGER DEFAULT 1;           -- reviewed: 1, +1 with every correction
ALTER TABLE plans ADD COLUMN created_by VARCHAR;
ALTER TABLE plans ADD COLUMN created_at TIMESTAMP;
ALTER TABLE plans ADD COLUMN updated_by VARCHAR;
ALTER TABLE plans ADD COLUMN updated_at TIMESTAMP;
UPDATE plans SET origin = 'seed' WHERE origin IS NULL;
UPDATE plans SET status = 'active' WHERE status IS NULL;

ALTER TABLE targets ADD COLUMN reviewed_by VARCHAR;                -- reviewed targets: who accepted the row
ALTER TABLE targets ADD COLUMN reviewed_at TIMESTAMP;
ALTER TABLE targets ADD COLUMN revision INTEGER DEFAULT 1;         -- the plan revision that wrote this row

ALTER TABLE regions ADD COLUMN origin VARCHAR DEFAULT 'seed';
ALTER TABLE region_aliases ADD COLUMN origin VARCHAR DEFAULT 'seed';
ALTER TABLE indicators ADD COLUMN origin VARCHAR DEFAULT 'seed';   -- reviewed: created while reviewing a plan
ALTER TABLE indicator_aliases ADD COLUMN origin VARCHAR DEFAULT 'seed';
UPDATE regions SET origin = 'seed' WHERE origin IS NULL;
UPDATE region_aliases SET origin = 'seed' WHERE origin IS NULL;
UPDATE indicators SET origin = 'seed' WHERE origin IS NULL;
UPDATE indicator_aliases SET origin = 'seed' WHERE origin IS NULL;

-- A target row as it was before a correction replaced or withdrew it (row: the targets row as JSON).
CREATE TABLE IF NOT EXISTS target_archive (
    plan_id     VARCHAR NOT NULL,
    target_id   VARCHAR NOT NULL,
    revision    INTEGER NOT NULL,          -- the plan revision the archived row belonged to
    row_json    VARCHAR NOT NULL,
    replaced_by VARCHAR NOT NULL,          -- who corrected it
    replaced_at TIMESTAMP NOT NULL,
    reason      VARCHAR
);

-- targets_full lists t.*: recreated so that it shows the new columns.
CREATE OR REPLACE VIEW targets_full AS
SELECT t.*,
       i.indicator_en,
       i.measure,
       i.direction,
       i.path_kind,
       p.base_year AS plan_base_year,
       p.title AS plan_title,
       ri.indicator AS relative_to_indicator
FROM targets t
JOIN indicators i USING (indicator_id)
JOIN plans p USING (plan_id)
LEFT JOIN indicators ri ON ri.indicator_id = t.relative_to_indicator_id;
"""

# -- migration 7: the units that deliver each target. target_units: the 牵头单位/责任单位 a plan's text names for the
# task a target is stated in (written by the build, like target_quotes); target_unit_sets: an admin's setting of a
# target's units, kept as history — the latest setting of a target replaces what its text names.
RESPONSIBLE_UNITS_DDL = """
CREATE TABLE IF NOT EXISTS target_units (
    target_id    VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,         -- lead (牵头单位) | responsible (责任单位)
    unit_name    VARCHAR NOT NULL,         -- as the text names it: 区科技局
    seq          INTEGER NOT NULL,         -- its place in the text's list
    quote        VARCHAR NOT NULL,         -- the parenthesis naming the units, an exact substring of the document
    quote_offset INTEGER NOT NULL,
    seed_file    VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS target_unit_sets (
    target_id         VARCHAR NOT NULL,
    lead_units        VARCHAR NOT NULL,    -- JSON list of names, in order ([] for none)
    responsible_units VARCHAR NOT NULL,
    set_by            VARCHAR NOT NULL,
    set_at            TIMESTAMP NOT NULL,
    reason            VARCHAR NOT NULL
);
"""

# -- migration 8: approval. Every revision (actuals row) has a review state: pending (待审核) until a reviewer approves
# it (approved) or returns it with a reason (returned: it never counts, like a reverted batch). By default only approved
# revisions count (actuals_current); actuals_latest also counts pending ones (the "包括待审核数值" switch). What the
# file held before counts as approved, recorded as approved by the migration; a seed document's values are approved
# by nature (the column's default). year_locks: a plan's year locked (approving the year locks it) or unlocked again,
# append-only; the latest row of a (plan_id, year) says whether it is locked.
APPROVAL_DDL = """
ALTER TABLE actuals ADD COLUMN review_status VARCHAR DEFAULT 'approved';  -- pending | approved | returned
ALTER TABLE actuals ADD COLUMN reviewed_by VARCHAR;                      -- who approved or returned it
ALTER TABLE actuals ADD COLUMN reviewed_at TIMESTAMP;
ALTER TABLE actuals ADD COLUMN review_note VARCHAR;                      -- returned: the reason
UPDATE actuals SET review_status = 'approved' WHERE review_status IS NULL;
UPDATE actuals SET reviewed_by = 'migration', reviewed_at = entered_at WHERE batch_id <> 'seed';

CREATE SEQUENCE IF NOT EXISTS lock_seq START 1;
CREATE TABLE IF NOT EXISTS year_locks (
    lock_id   BIGINT NOT NULL DEFAULT nextval('lock_seq'),   -- orders the rows of one (plan_id, year)
    plan_id   VARCHAR NOT NULL,
    year      INTEGER NOT NULL,
    action    VARCHAR NOT NULL,          -- lock | unlock
    set_by    VARCHAR NOT NULL,
    set_at    TIMESTAMP NOT NULL,
    reason    VARCHAR
);

-- actuals_history lists a.*: recreated so that it shows the new columns. is_current: the revision that counts among
-- the approved ones (the default); is_latest: the one that counts when pending revisions are included.
CREATE OR REPLACE VIEW actuals_history AS
SELECT a.*,
       b.kind AS batch_kind,
       b.status AS batch_status,
       b.status = 'committed' AND a.review_status = 'approved' AND row_number() OVER (
           PARTITION BY a.region, a.indicator, a.year, b.status = 'committed' AND a.review_status = 'approved'
           ORDER BY (b.kind = 'seed'), a.actual_id DESC
       ) = 1 AS is_current,
       b.status = 'committed' AND a.review_status <> 'returned' AND row_number() OVER (
           PARTITION BY a.region, a.indicator, a.year, b.status = 'committed' AND a.review_status <> 'returned'
           ORDER BY (b.kind = 'seed'), a.actual_id DESC
       ) = 1 AS is_latest
FROM actuals a
JOIN batches b USING (batch_id);

CREATE OR REPLACE VIEW actuals_current AS
SELECT * EXCLUDE (is_current, is_latest, batch_status)
FROM actuals_history
WHERE is_current AND value IS NOT NULL;

CREATE OR REPLACE VIEW actuals_latest AS
SELECT * EXCLUDE (is_current, is_latest, batch_status)
FROM actuals_history
WHERE is_latest AND value IS NOT NULL;
"""
