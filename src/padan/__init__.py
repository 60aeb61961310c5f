"""Padan: pemadanan data perlindungan anak (KPAI x Kemensos x DTSEN)."""

from padan.errors import InputError, PadanError, StoreError
from padan.version import __version__

__all__ = ["InputError", "PadanError", "StoreError", "__version__"]
