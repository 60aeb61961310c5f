"""The PPRL errors shown after "Galat:" in Indonesian, their values kept, the secret never."""

from __future__ import annotations

from pathlib import Path

import pytest

from padan.analysis.encoded import refuse_regional
from padan.errors import InputError
from padan.pprl import read_secret
from padan.web.messages import error_text

_SECRET = "039f0e43d1c2b7a65e8f9012345678abcdef"


def _raised(case: str, folder: Path) -> InputError:
    (folder / "short").write_text("pendek9")
    (folder / "weak").write_text("ab" * 16)
    calls = {
        "neither": lambda: read_secret(),
        "env is the secret": lambda: read_secret(env=_SECRET),
        "file is the secret": lambda: read_secret(file=Path(_SECRET)),
        "no file": lambda: read_secret(file=folder / "none"),
        "unset": lambda: read_secret(env="PPRL_UNSET_VARIABLE"),
        "short": lambda: read_secret(file=folder / "short"),
        "weak": lambda: read_secret(file=folder / "weak"),
    }
    if case == "region":
        return refuse_regional("32.01 Kabupaten Bogor")
    with pytest.raises(InputError) as caught:
        calls[case]()
    return caught.value


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("neither", "berikan rahasia bersama dengan tepat satu dari"),
        ("env is the secret", "--secret-env menerima NAMA variabel lingkungan"),
        ("file is the secret", "--secret-file menerima PATH berkas"),
        ("no file", "none tidak ditemukan. Periksa path --secret-file."),
        ("unset", "variabel lingkungan PPRL_UNSET_VARIABLE belum diatur"),
        ("short", "short berisi 7 bita; rahasia bersama minimal 16 bita"),
        ("weak", "weak berisi rahasia yang lemah: 2 karakter berbeda, kurang dari 8"),
        ("region", "tidak ada laporan untuk wilayah 32.01 Kabupaten Bogor"),
    ],
)
def test_pprl_error_text_in_indonesian_keeps_values_and_never_the_secret(
    tmp_path: Path, case: str, said: str
) -> None:
    error = _raised(case, tmp_path)
    shown = error_text(error, "id", cli=True)
    assert said in shown, shown
    assert _SECRET not in shown and "pendek9" not in shown
    assert error_text(error, "en", cli=True) == str(error)
