"""Shared CLI pieces: the --db option, consoles, store opening and error translation."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from padan.api import Padan
from padan.domain.cells import neutralise
from padan.errors import InputError, PadanError
from padan.i18n import gettext, language_or_default
from padan.settings import SettingsError, get_settings
from padan.store import Store, open_store

__all__ = [
    "DbOption",
    "JsonOption",
    "ReviewerOption",
    "cli_lang",
    "err",
    "fail",
    "out",
    "padan_from",
    "progress_bar",
    "set_cli_lang",
    "share_json",
    "share_text",
    "store_from",
    "tr",
    "translate_errors",
    "write_csv",
]

out = Console()
err = Console(stderr=True)
#: The language ``padan --lang`` asked for this run (``None``: ``PADAN_LANG``, else Indonesian).
_chosen_lang: list[str | None] = [None]


def set_cli_lang(lang: str | None) -> None:
    """Speak ``lang`` for the rest of this run (``padan --lang``); ``None``: the settings'."""
    _chosen_lang[0] = lang


def cli_lang() -> str:
    """The language of this run's output: ``--lang``, else ``PADAN_LANG``, else ``id``."""
    if _chosen_lang[0]:
        return language_or_default(_chosen_lang[0])
    try:
        return language_or_default(get_settings().lang)
    except SettingsError:  # a bad PADAN_* setting: its own message says so, in the default language
        return language_or_default(None)


def tr(message: str, **values: object) -> str:
    """``message`` (English, marked for the catalogs) in this run's language, with ``values``
    put in its ``%(name)s`` placeholders."""
    text = gettext(message, cli_lang())
    return text % values if values else text


#: ``--reviewer NAME`` of the review commands, kept for old scripts.
ReviewerOption = Annotated[
    str | None,
    typer.Option(
        help="Kept for old scripts: must name the acting user (padan --as NAME or "
        "PADAN_CLI_USER), who is the reviewer."
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (overrides PADAN_DATABASE_URL). Default: sqlite:///padan.db"
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object instead of tables.")
]


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False
) -> int:
    """Write ``rows`` under ``header``, neutralising formula-like text cells; returns the count.

    ``bom`` adds a UTF-8 byte-order mark so spreadsheet programs detect the encoding.
    """
    count = 0
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise(v) for v in row])
            count += 1
    return count


def share_text(value: float | None, digits: int = 4) -> str:
    """A share (precision, recall, ...) for people: ``n/a`` when there was nothing to measure."""
    return "n/a" if value is None else f"{value:.{digits}f}"


def share_json(value: float | None, digits: int = 5) -> float | None:
    """A share for ``--json``: rounded, ``None`` (JSON ``null``) when there was nothing to
    measure."""
    return None if value is None else round(value, digits)


def store_from(db: str | None) -> Store:
    """Open the store named by ``--db``, else ``PADAN_DATABASE_URL``, else the SQLite default."""
    return open_store(get_settings(database_url=db).database_url)


def padan_from(db: str | None, **settings: object) -> Padan:
    """:class:`~padan.api.Padan` on the store named by ``--db`` (else ``PADAN_DATABASE_URL``,
    else the SQLite default); other ``settings`` (``model_path=...``) override the environment
    when given (``None``: not given)."""
    return Padan.open(settings=get_settings(database_url=db, **settings))


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` as it is (brackets such as ``padan[postgres]`` are not markup), exit."""
    prefix = tr("Error:")
    err.print(f"[bold red]{prefix}[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _error_text(exc: Exception) -> str:
    # Imported when an error is printed only: the web package brings in the web framework.
    from padan.web.messages import error_text

    return error_text(exc, cli_lang(), cli=True)


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn library errors into a one-line message and a non-zero exit code (2 = bad input)."""
    try:
        yield
    except (InputError, SettingsError) as exc:
        fail(_error_text(exc), 2)
    except PadanError as exc:
        fail(_error_text(exc), 1)
    except KeyboardInterrupt:
        fail(tr("interrupted; nothing of the unfinished batch was stored"), 130)


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr (hidden when stderr is not a terminal)."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    with bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update
