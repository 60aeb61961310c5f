"""Large reads of an SQLite store straight into Arrow columns, by Arrow's own SQLite driver
(ADBC) in a child process.

Python's ``sqlite3`` hands over a million records as ten million Python objects (7 s of a
national run's reading); the driver fills Arrow columns in C (1.9 s). It runs in a child
process because it brings its own copy of SQLite: two copies in one process break SQLite's
file locks (closing either's file handle drops the other's POSIX locks, and a copy that thinks
it holds the last connection checkpoints and removes the write-ahead log the store's own
connections still write to; https://www.sqlite.org/howtocorrupt.html#_multiple_copies_of_sqlite_linked_into_the_same_application).
Across processes, SQLite's locking works as designed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from padan.errors import StoreError

__all__ = ["read_sqlite_arrow"]

#: The child: reads the SQL on stdin from the file named in argv, writes an Arrow IPC stream.
#: Run as a file, not a module of this package: it needs pyarrow and the driver, nothing more.
_CHILD = Path(__file__).with_name("_sqlite_arrow_child.py")


def read_sqlite_arrow(path: str, sql: str, schema: pa.Schema) -> pa.Table:
    """The rows of ``sql`` on the SQLite file ``path``, as an Arrow table of ``schema``.

    Raises :class:`StoreError` when the read fails (the driver's message included).
    """
    # -P: the child's own folder (this package's) is not put on its import path; the rest of
    # the environment (a PYTHONPATH that finds the driver) is kept.
    with subprocess.Popen(
        [sys.executable, "-P", str(_CHILD), path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdin is not None and child.stdout is not None and child.stderr is not None
        child.stdin.write(sql.encode("utf-8"))
        child.stdin.close()
        try:
            read = pa.ipc.open_stream(child.stdout).read_all()
        except pa.ArrowInvalid:
            read = None  # the child failed before writing: its message says why
        error = child.stderr.read().decode("utf-8", "replace").strip()
        if child.wait() != 0 or read is None:
            reason = error.splitlines()[-1] if error else f"exit code {child.returncode}"
            raise StoreError(f"cannot read the store at {path}: {reason}")
    return pa.table([_conform(read.column(i), f.type) for i, f in enumerate(schema)], schema=schema)


def _conform(column: pa.ChunkedArray, kind: pa.DataType) -> pa.ChunkedArray:
    """``column`` as SQLite's driver typed it, in the store's type ``kind``: dates and times
    come as ISO text (naive times are UTC, as :func:`~padan.store.connection.as_utc`),
    booleans as 0 and 1, a column without values as whatever the driver guessed."""
    if column.null_count == len(column):
        return pa.chunked_array([pa.nulls(len(column), kind)], type=kind)
    if column.type == kind:
        return column
    if kind == pa.timestamp("us", tz="UTC"):
        return pc.cast(pc.cast(column, pa.timestamp("us")), kind)
    return pc.cast(column, kind)
