"""What the ``padan pdp`` commands share: who acts (for the audit log) and whole-file writes."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from padan.access.authorise import Forbidden, require
from padan.cli.actor import operator
from padan.cli.common import store_from
from padan.errors import InputError

__all__ = ["OutOption", "parse_moment", "pdp_actor", "write_whole"]

OutOption = Annotated[Path | None, typer.Option("--out", help="Write to this file.")]


def pdp_actor(db: str | None, command: str, permission: str) -> str:
    """Who does this, for the audit log: the named local user (``padan --as NAME`` or
    ``PADAN_CLI_USER``), whose role needs ``permission`` and a national scope (these commands
    read or change every region's records, whole); without a name, the local operator
    ``cli:<login name>``, but only while the store has no active admin. Never a free-text name.
    """
    who = operator(store_from(db), command=command)
    require(who, permission)
    if who.role.scope != "national":
        raise Forbidden(
            f"role {who.role.name} sees one region; {command} reads every region's records "
            "whole: ask a user with a national role"
        )
    return who.username


def write_whole(path: Path, text: str, *, private: bool = False) -> None:
    """Write ``text`` to ``path`` whole or not at all (``private``: mode 600, personal data)."""
    if not path.parent.is_dir():
        raise InputError(f"--out {path}: the directory {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600 if private else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_moment(text: str, option: str, *, end_of_day: bool = False) -> dt.datetime:
    """An ISO date or time (UTC unless it has an offset); a date alone for ``--until`` means
    the end of that day."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{option} {text!r} is not a date or time; write 2026-12-01 or 2026-12-01T14:30 "
            "(UTC unless an offset such as +07:00 is given)"
        ) from None
    if end_of_day and _DATE.fullmatch(text.strip()):
        moment += dt.timedelta(days=1)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
