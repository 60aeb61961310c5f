"""Real child processes to kill: start one in its own session, wait for it to reach a point,
SIGKILL it, and find whatever it left running."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


class Child:
    """A Python child process in a new session (its workers share the session id)."""

    def __init__(self, code: str, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, prefix: str, timeout: float = 240) -> str:
        """The first line of output starting with ``prefix``; fails the test on the child's
        end or after ``timeout`` seconds, showing what it printed."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                raise AssertionError("the child ended early:\n" + "\n".join(self.output[-40:]))
            self.output.append(line)
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no {prefix!r} in time:\n" + "\n".join(self.output[-40:]))

    def kill(self) -> None:
        """SIGKILL the child alone (not its session): what the OOM killer or ``kill -9`` does."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL


def session_processes(session: int) -> list[int]:
    """Live processes (not zombies) of a session: a killed child's workers, if any survived."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, sid = fields[0], int(fields[3])
        if sid == session and state != "Z":
            found.append(int(entry.name))
    return found


def gone(session: int, timeout: float = 10) -> list[int]:
    """Wait up to ``timeout`` seconds for every process of ``session`` to end; what is left."""
    deadline = time.monotonic() + timeout
    while (left := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left
