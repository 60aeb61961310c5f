from __future__ import annotations

import os
from pathlib import Path

import pytest

from padan.errors import InputError
from padan.pprl import derive_key, read_secret
from padan.pprl.secret import secret_check, secret_file_warning

_GOOD = "0123456789abcdef0123"


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"0123456789abcdef0123\n", "trailing newline"),
        (b"\xef\xbb\xbf0123456789abcdef0123\r\n", "UTF-8 BOM from a Windows editor"),
        (b"  0123456789abcdef0123 \t\n\n", "surrounding whitespace"),
    ],
)
def test_read_secret_from_file_drops_bom_and_surrounding_whitespace(
    tmp_path: Path, content: bytes, why: str
) -> None:
    path = tmp_path / "secret"
    path.write_bytes(content)
    assert read_secret(file=path) == _GOOD.encode(), why


def test_read_secret_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPRL_TEST_SECRET", _GOOD)
    assert read_secret(env="PPRL_TEST_SECRET") == _GOOD.encode()


@pytest.mark.parametrize(
    ("file", "env", "match"),
    [
        (None, None, "exactly one of --secret-file FILE or --secret-env NAME"),
        ("secret", "PPRL_TEST_SECRET", "exactly one of"),
        ("none", None, r"secret file .*none not found"),
        (None, "PPRL_UNSET_VARIABLE", "environment variable PPRL_UNSET_VARIABLE is not set"),
        ("short", None, r"holds 9 bytes; a shared secret needs at least 16"),
        ("weak", None, r"weak secret: 2 distinct characters, fewer than 8"),
    ],
)
def test_read_secret_bad_input_is_named_without_the_secret(
    tmp_path: Path, file: str | None, env: str | None, match: str
) -> None:
    (tmp_path / "secret").write_bytes(_GOOD.encode())
    (tmp_path / "short").write_bytes(b"tooshort9")
    (tmp_path / "weak").write_bytes(b"12" * 16)
    with pytest.raises(InputError, match=match) as caught:
        read_secret(file=tmp_path / file if file else None, env=env)
    message = str(caught.value)
    assert "tooshort9" not in message and _GOOD not in message and "1212" not in message


def test_read_secret_refuses_a_weak_secret_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PPRL_TEST_SECRET", "s" * 32)
    with pytest.raises(InputError, match="weak secret: 1 distinct characters"):
        read_secret(env="PPRL_TEST_SECRET")


@pytest.mark.parametrize(
    "value",
    [
        "039f0e43d1c2b7a65e8f90123456789abcdef",
        "f1358cbb03b39033774edde8a9142e12e1e2f5bb",  # hex starting with a letter: a valid name
        "1PPRL",
        "PPRL-SECRET",
        "a b",
        "x=y",
    ],
)
def test_read_secret_env_value_that_is_no_name_is_refused_without_echo(value: str) -> None:
    with pytest.raises(InputError, match="--secret-env takes the NAME") as caught:
        read_secret(env=value)
    assert value not in str(caught.value)


def test_read_secret_file_value_that_looks_like_the_secret_is_not_echoed(tmp_path: Path) -> None:
    value = "039f0e43d1c2b7a65e8f90123456789abcdef"
    with pytest.raises(InputError, match="--secret-file takes the PATH") as caught:
        read_secret(file=Path(value))
    assert value not in str(caught.value)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize(("mode", "warned"), [(0o600, False), (0o640, True), (0o604, True)])
def test_secret_file_warning_when_group_or_others_can_read(
    tmp_path: Path, mode: int, warned: bool
) -> None:
    path = tmp_path / "pprl.secret"
    path.write_text(_GOOD)
    path.chmod(mode)
    warning = secret_file_warning(path)
    assert (warning is not None) == warned
    if warning:
        assert "chmod 600" in warning and _GOOD not in warning


def test_secret_check_differs_per_secret_and_is_no_derived_key() -> None:
    a, b = b"0123456789abcdef", b"fedcba9876543210"
    assert secret_check(a) == secret_check(a) != secret_check(b)
    assert len(secret_check(a)) == 64
    keys = {derive_key(a, p).hex() for p in ("field/name", "record", "block", "secret-check")}
    assert secret_check(a) not in keys and a.hex() not in secret_check(a)


def test_derive_key_differs_per_purpose_and_per_secret() -> None:
    keys = {
        derive_key(s, p)
        for s in (b"a" * 16, b"b" * 16)
        for p in ("field/name", "field/nik", "block")
    }
    assert len(keys) == 6 and all(len(k) == 32 for k in keys)
