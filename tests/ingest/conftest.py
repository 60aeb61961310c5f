from __future__ import annotations

from pathlib import Path

import pytest

from support.extracts import WriteFile, writer_for


@pytest.fixture
def write_extract(tmp_path: Path) -> WriteFile:
    return writer_for(tmp_path)
