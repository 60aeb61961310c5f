"""What each indicator is a share of: its denominator's key."""

from __future__ import annotations

from typing import Final

__all__ = ["DENOMINATORS", "denominator"]

#: Fixed denominators; program indicators are resolved by :func:`denominator`.
DENOMINATORS: Final = {
    "kpai_children": None,
    "kpai_children_in_dtsen": "kpai_children",
    "kpai_children_not_in_dtsen": "kpai_children",
    "kpai_children_maybe_in_dtsen": "kpai_children",
    # Children known to KPAI or SIMFONI-PPA: KPAI children when no SIMFONI-PPA case is linked.
    "abh_without_atensi": "known_children",
    "victims_without_atensi": "known_children",
    "disability_mismatch": "kpai_children_in_dtsen",
    "inclusion_signals": "kpai_children_in_dtsen",
    "known_children": None,
    "simfoni_children": "known_children",
    "simfoni_not_in_kpai": "simfoni_children",
    "served_after_complaint": "known_children",
    "served_children": None,
    "served_by_unlicensed": "served_children",
}


def denominator(key: str) -> str | None:
    """The indicator a key is a share of (``None`` for ``kpai_children``)."""
    if key.startswith("eligible_not_receiving_"):
        return "eligible_" + key.removeprefix("eligible_not_receiving_")
    if key.startswith("eligible_"):
        return "kpai_children_in_dtsen"
    if key.startswith("served_within_"):
        return "served_after_complaint"
    return DENOMINATORS[key]
