"""Backup and restore: every table comes back, ids stay unique, a store with data or a damaged file is refused."""

from __future__ import annotations

import zipfile

import pytest
from conftest import CLERK, PASSWORD, add_entered_actuals, add_people, seeded_file

from tracker import cli, commands
from tracker.access.auth import SYSTEM
from tracker.db import backup as bk
from tracker.db import migrations
from tracker.db.store import WRITE_COUNTER, Store


def restore(store: Store, path, *, replace: bool = False):
    return commands.restore_backup(store, SYSTEM, path, replace=replace)


def holds_nothing(store: Store) -> bool:
    with store.reading() as cur:
        return bk.is_empty(cur)


def table_rows(store: Store) -> dict[str, list[tuple]]:
    """Every base table's rows, sorted (meta without the store's identity and write counter, which a restore
    renews)."""
    with store.reading() as cur:
        out = {}
        for name in bk.base_tables(cur):
            rows = cur.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall()
            if name == "meta":
                rows = [r for r in rows if r[0] not in (migrations.STORE_ID, WRITE_COUNTER)]
            out[name] = rows
        return out


@pytest.fixture
def full_store(tmp_path):
    """A seeded store with accounts, entered values, a revert, a qualitative status and a unit setting."""
    path = seeded_file(tmp_path / "source.duckdb", entered=True, setup=add_people)
    store = Store.open(path)
    batch = add_entered_actuals(store, rows=[("重庆市", "高新技术企业", 2019, 2500, "年报")], batch_id="second")
    commands.revert_batch(store, CLERK, batch, reason="录错年份")
    yield store
    store.close()


def test_a_backup_restored_into_an_empty_store_has_every_table(full_store, tmp_path):
    out = tmp_path / "backup.zip"
    manifest = bk.backup(full_store, out)
    assert manifest.tables["actuals"]["rows"] > 40 and manifest.tables["users"]["rows"] == 5     # PEOPLE and the clerk

    empty = Store.open(tmp_path / "restored.duckdb")
    try:
        assert holds_nothing(empty)
        version_before = empty.data_version()
        restore(empty, out)
        before, after = table_rows(full_store), table_rows(empty)
        assert set(before) == set(after)
        restore_rows = [r for r in after["audit_log"] if r[4] == "restore"]
        assert len(restore_rows) == 1                           # the restore is audited, as the system
        after["audit_log"] = [r for r in after["audit_log"] if r[4] != "restore"]
        for name in before:
            assert after[name] == before[name], name
        assert empty.data_version() != version_before
        assert empty.sign_in(CLERK.username, PASSWORD).username == CLERK.username

        # New rows get ids after the restored ones: the sequences moved on with the rows.
        top = empty.scalar("SELECT max(actual_id) FROM actuals")
        add_entered_actuals(empty, rows=[("重庆市", "高新技术企业", 2022, 9000, "年报")], batch_id="after")
        assert empty.scalar("SELECT min(actual_id) FROM actuals WHERE value = 9000") > top
    finally:
        empty.close()


def test_a_store_with_data_is_only_replaced_when_asked(full_store, tmp_path):
    out = tmp_path / "backup.zip"
    bk.backup(full_store, out)
    other = Store.open(seeded_file(tmp_path / "other.duckdb"))
    try:
        rows = table_rows(other)
        with pytest.raises(bk.BackupError, match="--replace"):
            restore(other, out)
        assert table_rows(other) == rows
        restore(other, out, replace=True)
        assert other.scalar("SELECT count(*) FROM users") == 5
    finally:
        other.close()


def test_a_damaged_or_foreign_file_is_refused_and_nothing_changes(full_store, tmp_path):
    out = tmp_path / "backup.zip"
    bk.backup(full_store, out)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "tables/actuals.parquet":
                data = data[:-40] + bytes(40)
            target.writestr(item, data)
    not_a_backup = tmp_path / "values.zip"
    with zipfile.ZipFile(not_a_backup, "w") as z:
        z.writestr("a.csv", "地区,指标\n")
    empty = Store.open(tmp_path / "restored.duckdb")
    try:
        with pytest.raises(bk.BackupError, match="校验和"):
            restore(empty, damaged)
        with pytest.raises(bk.BackupError, match="manifest"):
            restore(empty, not_a_backup)
        assert holds_nothing(empty)
    finally:
        empty.close()


def test_a_failure_mid_restore_leaves_the_store_as_it_was(full_store, tmp_path, monkeypatch):
    out = tmp_path / "backup.zip"
    bk.backup(full_store, out)
    target = Store.open(seeded_file(tmp_path / "target.duckdb"))
    try:
        rows = table_rows(target)

        def crash(*_args, **_kwargs):
            raise RuntimeError("the disk filled up")

        monkeypatch.setattr(commands, "_audit", crash)           # the last write inside the transaction
        with pytest.raises(RuntimeError):
            restore(target, out, replace=True)
        assert table_rows(target) == rows
    finally:
        target.close()


def test_a_backup_of_an_older_schema_is_migrated_on_restore(tmp_path, monkeypatch):
    path = tmp_path / "v6.duckdb"
    with monkeypatch.context() as m:                   # the program as it was: migrations 1 to 6
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:6])
        old = Store.open(path)
        add_people(old)
        out = tmp_path / "v6.zip"
        manifest = bk.backup(old, out)
        old.close()
    assert manifest.schema_version == 6 and "target_units" not in manifest.tables
    store = Store.open(tmp_path / "new.duckdb")
    try:
        restore(store, out)
        assert store.scalar("SELECT count(*) FROM users") == 4
        assert store.meta("schema_version") == str(migrations.MIGRATIONS[-1].number)
        assert store.scalar("SELECT count(*) FROM target_units") == 0
    finally:
        store.close()


def test_backup_and_restore_from_the_command_line(tmp_path, capsys):
    source = seeded_file(tmp_path / "source.duckdb", entered=True)
    out = tmp_path / "nightly.zip"
    assert cli.main(["backup", str(out), "--db", str(source)]) == 0
    assert "已备份到" in capsys.readouterr().out
    target = tmp_path / "restored.duckdb"
    assert cli.main(["restore", str(out), "--db", str(target)]) == 0
    assert "已从" in capsys.readouterr().out
    assert cli.main(["restore", str(out), "--db", str(target)]) == 1           # it has data now
    assert "--replace" in capsys.readouterr().err
    assert cli.main(["restore", str(out), "--db", str(target), "--replace"]) == 0
    assert cli.main(["restore", str(tmp_path / "missing.zip"), "--db", str(target)]) == 2
    assert cli.main(["backup", str(out), "--db", str(tmp_path / "none.duckdb")]) == 3
