"""Synthetic, reproducible test data: DTSEN, KPAI complaints, institutions and the true links.

All people are invented; only the Kemendagri region codes are real. Use :func:`generate`.
"""

from padan.synth.writer import FILE_NAMES, TRUTH_COLUMNS, SynthSummary, generate

__all__ = ["FILE_NAMES", "TRUTH_COLUMNS", "SynthSummary", "generate"]
