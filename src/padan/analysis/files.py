"""Report files written whole or not at all: into a hidden partial file beside the target, then
renamed over it. A writer killed before the rename leaves only its partial file, which the next
write of the same report removes."""

from __future__ import annotations

import tempfile
from pathlib import Path

__all__ = ["new_partial", "remove_partials"]


def remove_partials(path: Path) -> None:
    """Delete partial files a killed writer of ``path`` left behind (they may hold names)."""
    for leftover in path.parent.glob(f".{path.name}.*.partial"):
        leftover.unlink(missing_ok=True)


def new_partial(path: Path) -> tuple[int, str]:
    """An open file descriptor and name for writing ``path``'s next version (mode 600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_partials(path)
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
