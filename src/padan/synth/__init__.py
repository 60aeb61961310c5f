"""Synthetic, reproducible test data: DTSEN, KPAI complaints, institutions and the true links;
on request also Kemensos ATENSI services and SIMFONI-PPA cases about the same people.

All people are invented; only the Kemendagri region codes are real. Use :func:`generate`.
"""

from padan.synth.broken import BROKEN_FILE_NAME, FAULTS, write_broken_kpai
from padan.synth.extras import EXTRA_FILE_NAMES, EXTRA_SOURCES
from padan.synth.profiles import DEFAULT_PROFILE, PROFILES
from padan.synth.services import KEMENSOS_COLUMNS
from padan.synth.simfoni import SIMFONI_COLUMNS
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
    "EXTRA_FILE_NAMES",
    "EXTRA_SOURCES",
    "FAULTS",
    "FILE_NAMES",
    "KEMENSOS_COLUMNS",
    "LEMBAGA_TRUTH_COLUMNS",
    "PROFILES",
    "SIMFONI_COLUMNS",
    "TRUTH_COLUMNS",
    "SynthSummary",
    "generate",
    "write_broken_kpai",
]
