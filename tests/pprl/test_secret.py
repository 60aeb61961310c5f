from __future__ import annotations

from pathlib import Path

import pytest

from padan.errors import InputError
from padan.pprl import derive_key, read_secret


def test_read_secret_from_file_drops_the_trailing_newline(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_bytes(b"0123456789abcdef0123\n")
    assert read_secret(file=path) == b"0123456789abcdef0123"


def test_read_secret_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPRL_TEST_SECRET", "s" * 32)
    assert read_secret(env="PPRL_TEST_SECRET") == b"s" * 32


@pytest.mark.parametrize(
    ("file", "env", "match"),
    [
        (None, None, "exactly one of --secret-file FILE or --secret-env NAME"),
        ("secret", "PPRL_TEST_SECRET", "exactly one of"),
        ("none", None, r"secret file .*none not found"),
        (None, "PPRL_UNSET_VARIABLE", "environment variable PPRL_UNSET_VARIABLE is not set"),
        ("short", None, r"holds 9 bytes; a shared secret needs at least 16"),
    ],
)
def test_read_secret_bad_input_is_named_without_the_secret(
    tmp_path: Path, file: str | None, env: str | None, match: str
) -> None:
    (tmp_path / "secret").write_bytes(b"x" * 32)
    (tmp_path / "short").write_bytes(b"tooshort9")
    with pytest.raises(InputError, match=match) as caught:
        read_secret(file=tmp_path / file if file else None, env=env)
    assert "tooshort9" not in str(caught.value) and "x" * 16 not in str(caught.value)


def test_derive_key_differs_per_purpose_and_per_secret() -> None:
    keys = {
        derive_key(s, p)
        for s in (b"a" * 16, b"b" * 16)
        for p in ("field/name", "field/nik", "block")
    }
    assert len(keys) == 6 and all(len(k) == 32 for k in keys)
