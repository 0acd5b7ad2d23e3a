"""Backup and restore of a whole store: every table read in one transaction into one .zip file; a restore replaces
a store's contents in one transaction.

The file holds manifest.json (format, schema version, when, the store it came from, every table's row count and
checksum, the sequences' last values) and one Parquet file per table. A backup of an older schema is restored by
loading it into a scratch database at its own version and applying the later migrations there first, so the
store receives rows of its own schema. The restore itself is a write, tracker.commands.restore_backup (the server's
command line or an admin; audited; the data version changes, so every page rereads).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from tracker.db import dialect, migrations
from tracker.db.migrations import base_tables, sequence_values
from tracker.db.schema import SCHEMA_VERSION

FORMAT = "tracker-backup/1"


class BackupError(ValueError):
    """A file that is not a backup of this program, is damaged, or cannot be restored here."""


@dataclass(frozen=True)
class Manifest:
    schema_version: int
    created_at: str
    store_id: str | None
    tables: dict[str, dict]          # name → {"rows": n, "sha256": hex}
    sequences: dict[str, int]        # name → last value handed out

    @property
    def row_count(self) -> int:
        return sum(t["rows"] for t in self.tables.values())


def backup(store, out: Path) -> Manifest:
    """Write every table of store to out (a .zip), from one consistent read; the file appears whole or not at all."""
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    with store.reading() as cur:
        names = base_tables(cur)
        tables, sequences = {}, sequence_values(cur)
        meta = dict(cur.execute("SELECT key, value FROM meta").fetchall())
        arrow = _arrow_reader(cur, int(meta.get("schema_version", 0)))
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
            for name in names:
                table = arrow(name)
                buffer = io.BytesIO()
                pq.write_table(table, buffer, compression="zstd")
                data = buffer.getvalue()
                archive.writestr(f"tables/{name}.parquet", data)
                tables[name] = {"rows": table.num_rows, "sha256": hashlib.sha256(data).hexdigest()}
            manifest = Manifest(schema_version=int(meta.get("schema_version", 0)),
                                created_at=datetime.now().isoformat(timespec="seconds"),
                                store_id=meta.get(migrations.STORE_ID), tables=tables, sequences=sequences)
            archive.writestr("manifest.json", json.dumps(
                {"format": FORMAT, **manifest.__dict__}, ensure_ascii=False, indent=1))
    partial.replace(out)
    return manifest


def _arrow_reader(cur, version: int):
    """name → the table's rows as Arrow. From PostgreSQL the rows are cast to the types DuckDB gives the same schema
    version, so a backup is one format whichever store made it (and restores into either)."""
    if not dialect.is_postgres(cur):
        return lambda name: cur.sql(f'SELECT * FROM "{name}"').to_arrow_table()  # noqa: S608
    scratch = duckdb.connect(":memory:")
    try:
        migrations.migrate(scratch, up_to=version)
        schemas = {name: scratch.sql(f'SELECT * FROM "{name}" LIMIT 0').to_arrow_table().schema  # noqa: S608
                   for name in base_tables(scratch)}
    finally:
        scratch.close()

    def read(name: str) -> pa.Table:
        return cur.arrow(f'SELECT * FROM "{name}"').cast(schemas[name])  # noqa: S608

    return read


def read_manifest(path: Path) -> Manifest:
    """The manifest of a backup file, checked: a zip of this format, of a schema this program knows."""
    try:
        with zipfile.ZipFile(path) as archive:
            raw = json.loads(archive.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} 不是本系统的备份文件(无法读取 manifest.json):{exc}") from exc
    if raw.get("format") != FORMAT:
        raise BackupError(f"{path} 的格式 {raw.get('format')!r} 不是 {FORMAT}。")
    manifest = Manifest(**{k: raw[k] for k in ("schema_version", "created_at", "store_id", "tables", "sequences")})
    if manifest.schema_version > SCHEMA_VERSION:
        raise BackupError(f"备份的结构版本 {manifest.schema_version} 比本程序({SCHEMA_VERSION})新:请先升级程序。")
    if manifest.schema_version < 1:
        raise BackupError("备份中没有结构版本,无法恢复。")
    return manifest


def load(path: Path) -> tuple[Manifest, duckdb.DuckDBPyConnection]:
    """The backup at path, checked (checksums, row counts, tables of its schema), in an in-memory database migrated
    to this program's schema; the caller closes the connection. Raises BackupError."""
    path = Path(path)
    manifest = read_manifest(path)
    scratch = duckdb.connect(":memory:")
    try:
        migrations.migrate(scratch, up_to=manifest.schema_version)
        known = set(base_tables(scratch))
        with zipfile.ZipFile(path) as archive:
            for name, info in manifest.tables.items():
                if name not in known:
                    raise BackupError(f"备份中的表 {name} 不属于结构版本 {manifest.schema_version}。")
                data = archive.read(f"tables/{name}.parquet")
                if hashlib.sha256(data).hexdigest() != info["sha256"]:
                    raise BackupError(f"备份文件已损坏:表 {name} 的校验和不符。")
                table = pq.read_table(io.BytesIO(data))
                if table.num_rows != info["rows"]:
                    raise BackupError(f"备份文件已损坏:表 {name} 应有 {info['rows']} 行,读出 {table.num_rows} 行。")
                scratch.execute(f'DELETE FROM "{name}"')        # rows a migration seeds (meta keys, settings)
                scratch.register("restored_rows", table)
                scratch.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM restored_rows')
                scratch.unregister("restored_rows")
        migrations.migrate(scratch)
    except BaseException:
        scratch.close()
        raise
    return manifest, scratch


def is_empty(cur) -> bool:
    """Whether the store holds nothing but its schema (the meta keys and default settings a migration writes)."""
    return all(cur.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == 0
               for name in base_tables(cur) if name not in ("meta", "settings"))
