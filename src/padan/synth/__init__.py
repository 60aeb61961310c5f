"""Synthetic, reproducible test data: DTSEN, KPAI complaints, institutions and the true links.

All people are invented; only the Kemendagri region codes are real. Use :func:`generate`.
"""

from padan.synth.broken import BROKEN_FILE_NAME, FAULTS, write_broken_kpai
from padan.synth.profiles import DEFAULT_PROFILE, PROFILES
from padan.synth.writer import (
    FILE_NAMES,
    LEMBAGA_TRUTH_COLUMNS,
    TRUTH_COLUMNS,
    SynthSummary,
    generate,
)

__all__ = [
    "BROKEN_FILE_NAME",
    "DEFAULT_PROFILE",
    "FAULTS",
    "FILE_NAMES",
    "LEMBAGA_TRUTH_COLUMNS",
    "PROFILES",
    "TRUTH_COLUMNS",
    "SynthSummary",
    "generate",
    "write_broken_kpai",
]
