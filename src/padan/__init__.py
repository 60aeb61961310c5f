"""Padan: pemadanan data perlindungan anak (KPAI x Kemensos x DTSEN)."""

from padan.errors import InputError, PadanError, StoreError

__all__ = ["InputError", "PadanError", "StoreError", "__version__"]
__version__ = "0.1.0"
