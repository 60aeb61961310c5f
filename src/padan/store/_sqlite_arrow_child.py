"""The child process of :mod:`padan.store.sqlite_arrow`: ``python _sqlite_arrow_child.py FILE``
runs the SQL read from stdin on the SQLite file and writes the rows to stdout as an Arrow IPC
stream."""

from __future__ import annotations

import sys

import adbc_driver_sqlite.dbapi as adbc
import pyarrow as pa

__all__: list[str] = []  # a program, run as a file: nothing to import

# The driver infers each column's type from the values of its first batch: one batch for the
# whole result, so that a column whose first rows are all empty is typed by the rest.
_BATCH_ROWS = str(1 << 30)


def _main(path: str) -> None:
    sql = sys.stdin.read()
    with adbc.connect(path) as conn, conn.cursor() as cursor:
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": _BATCH_ROWS})
        cursor.execute(sql)
        table = cursor.fetch_arrow_table()
    with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as stream:
        stream.write_table(table)


if __name__ == "__main__":
    try:
        _main(sys.argv[1])
    except adbc.Error as exc:  # one line for the parent's error (the driver adds the query)
        sys.exit(" ".join(str(exc).split("\n")[0].split()))
