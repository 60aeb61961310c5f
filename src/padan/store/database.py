"""The store: one database with its schema revision and migrations, and :func:`open_store`.

:class:`Store` joins its capabilities: batches and quarantine (:mod:`~padan.store.batches`),
reads of the records (:mod:`~padan.store.record_reads`) and linkage runs with the review
decisions (:mod:`~padan.store.link_runs`).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from sqlalchemy import inspect, text

from padan.errors import StoreError
from padan.store.batches import BatchStore
from padan.store.declared import DeclaredSources
from padan.store.encoded import EncodedStore
from padan.store.link_runs import LinkRunStore
from padan.store.record_events import RecordEvents
from padan.store.record_reads import RecordReads

__all__ = ["HEAD_REVISION", "Store", "open_store"]

#: The newest revision in ``migrations/versions``. Kept here because asking Alembic costs a
#: second of imports on every command; ``tests/store`` checks the two agree.
HEAD_REVISION = "0020"


def open_store(url: str, *, create: bool = True) -> Store:
    """Open the store at ``url`` (SQLAlchemy URL).

    An empty database is given the current schema when ``create`` is true; a database at an older
    schema raises :class:`StoreError` asking for ``padan db upgrade``. Raises :class:`StoreError`
    for an unusable URL or an unreachable server.
    """
    store = Store(url)
    store.ensure_schema(create=create)
    return store


class Store(BatchStore, RecordReads, RecordEvents, LinkRunStore, DeclaredSources, EncodedStore):
    """Handle on one database. Cheap to create; holds a SQLAlchemy engine."""

    def _alembic_config(self) -> Any:
        from alembic.config import Config

        config = Config()
        config.set_main_option(
            "script_location", str(resources.files("padan.store") / "migrations")
        )
        config.attributes["engine"] = self.engine
        return config

    def current_revision(self) -> str | None:
        """The schema revision the database is at (``None`` for an empty database)."""
        # Alembic's own reader costs 0.7 s of imports on every command; its table is one row.
        with self._connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        return str(rows[0][0]) if rows else None

    def head_revision(self) -> str:
        """The newest schema revision (:data:`HEAD_REVISION`; a test checks it is Alembic's)."""
        return HEAD_REVISION

    def upgrade(self) -> str:
        """Migrate the schema to the newest revision; returns it."""
        from alembic import command

        command.upgrade(self._alembic_config(), "head")
        return self.head_revision()

    def ensure_schema(self, *, create: bool) -> None:
        current = self.current_revision()
        if current == self.head_revision():
            return
        if current is None and create:
            with self._connect() as conn:
                if inspect(conn).get_table_names():
                    raise StoreError(f"{self.url}: the database holds tables that are not Padan's")
            self.upgrade()
            return
        raise StoreError(
            f"the store at {self.url} is at schema revision {current or 'none'}, this Padan needs "
            f"{self.head_revision()}. Run: padan db upgrade"
        )
