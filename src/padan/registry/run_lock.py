"""One linkage run at a time per store, across processes: the CLI, web workers, scripts.

The lock is a file beside the model (``padan-model.json.lock``), held with ``flock`` for the
length of a run. The operating system drops it when the process ends, killed or not, so a
crashed run never leaves a stale lock behind. (Where ``fcntl`` does not exist, Windows, runs
are not locked against each other.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from padan.errors import BusyError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS
    fcntl = None  # type: ignore[assignment]

__all__ = ["lock_path", "run_lock"]


def lock_path(model_path: Path) -> Path:
    """The lock file of the store whose model is ``model_path``."""
    return model_path.with_name(model_path.name + ".lock")


@contextmanager
def run_lock(model_path: Path) -> Iterator[None]:
    """Hold the run lock of ``model_path``'s store, or raise :class:`BusyError` at once."""
    path = lock_path(model_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise BusyError(
                    f"another linkage run is working on this store (it holds {path.name} "
                    f"in {path.parent}); wait until it ends, then start again"
                ) from exc
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)
