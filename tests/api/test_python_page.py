"""The example of docs/manual/python.md runs as written (in a fresh directory)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "manual" / "python.md"


def test_the_python_page_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert blocks, "docs/manual/python.md has no Python example"
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, str(PAGE), "exec"), {"__name__": "example"})
    assert (tmp_path / "contoh" / "laporan-nasional.xlsx").exists()
    assert (tmp_path / "contoh.db").exists()
