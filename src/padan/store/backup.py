"""A consistent copy of an SQLite store, taken with SQLite's online backup (page by page,
consistent even while the app reads and writes). PostgreSQL has its own tools (``pg_dump``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from padan.errors import InputError
from padan.store.database import Store

__all__ = ["backup_sqlite"]


def backup_sqlite(store: Store, target: Path) -> Path:
    """Copy the SQLite store to ``target`` (a new file, mode 600) and check the copy's integrity.

    Raises :class:`InputError` for a PostgreSQL store (use ``pg_dump -Fc``), an existing
    ``target`` (never overwritten) or a copy that fails SQLite's integrity check (removed).
    """
    if store.dialect != "sqlite":
        raise InputError(
            "padan db backup copies SQLite stores; back up PostgreSQL with pg_dump -Fc "
            "(see Operations: Backup and restore)"
        )
    if target.exists():
        raise InputError(f"{target} exists already; a backup never overwrites a file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    raw = store.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(partial)
        try:
            os.chmod(partial, 0o600)  # personal data
            source.backup(copy)
            ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
        if ok != "ok":  # pragma: no cover - a disk fault during the copy
            raise InputError(f"the copy failed SQLite's integrity check ({ok}); try again")
        # A hard link, not a rename: a file another run made at target meanwhile stays.
        try:
            os.link(partial, target)
        except FileExistsError:
            raise InputError(f"{target} exists already; a backup never overwrites a file") from None
    finally:
        raw.close()
        # The partial name goes either way: a failed copy (disk full, an I/O error) is part of
        # the children's data and is never left behind.
        partial.unlink(missing_ok=True)
    return target
