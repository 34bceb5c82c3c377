"""The "no GET writes" check: a fingerprint of the database's contents before and after the GET phases.

Per table: the row count and the largest rowid; the latest value of every timestamp column; and, for tables
small enough to read whole (users, memberships, chapters, …), a digest of every row, so a "last seen" update
or a rotated session token shows up too.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

FULL_DIGEST_ROWS = 20_000
TIMESTAMPS = ("updated_at", "created_at", "deleted_at", "at", "recorded_at", "claimed_at", "sent_at", "accepted_at")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def snapshot(path: Path) -> dict[str, dict[str, Any]]:
    """Return a fingerprint of every table of the SQLite database at ``path``."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]  # fmt: skip
        result: dict[str, dict[str, Any]] = {}
        for table in tables:
            q = _quote(table)
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({q})")]
            count, max_rowid = conn.execute(f"SELECT count(*), max(rowid) FROM {q}").fetchone()  # noqa: S608
            entry: dict[str, Any] = {"rows": count, "max_rowid": max_rowid}
            for column in columns:
                if column in TIMESTAMPS:
                    entry[f"max_{column}"] = conn.execute(f"SELECT max({_quote(column)}) FROM {q}").fetchone()[0]  # noqa: S608
            if count <= FULL_DIGEST_ROWS:
                digest = hashlib.sha256()
                for row in conn.execute(f"SELECT * FROM {q} ORDER BY rowid"):  # noqa: S608
                    digest.update(repr(row).encode())
                entry["digest"] = digest.hexdigest()[:16]
            result[table] = entry
        return result
    finally:
        conn.close()


def differences(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[str]:
    """Return what changed between two snapshots, one line per table and figure."""
    lines = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                lines.append(f"{table}.{key}: {old.get(key)} -> {new.get(key)}")
    return lines
