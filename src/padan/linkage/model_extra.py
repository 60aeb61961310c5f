"""Comparisons and blocking rules of the roles only some sources have (``EXTRA_ROLES`` of
:mod:`padan.linkage.person_sources`): an agency's own identifier, a postcode, a place name. They
join the model (:mod:`padan.linkage.model`) when a linked source declares the role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on
from splink.blocking_rule_library import CustomRule

from padan.linkage.name_sql import one_keystroke

__all__ = ["EXTRA_COMPARISONS", "EXTRA_RULES"]


def _other_id_comparison() -> Any:
    # An agency's own identifier (NISN, a social security number): equal, or one keystroke
    # apart (a digit mistyped or two swapped), else different. Weights learnt from the data.
    return cl.CustomComparison(
        output_column_name="other_id",
        comparison_levels=[
            cll.NullLevel("other_id"),
            cll.CustomLevel("other_id_l = other_id_r", label_for_charts="exact"),
            cll.CustomLevel(
                one_keystroke("other_id_l", "other_id_r"), label_for_charts="one keystroke apart"
            ),
            cll.ElseLevel(),
        ],
    )


def _postcode_comparison() -> Any:
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.CustomLevel("postcode_l = postcode_r", label_for_charts="exact"),
            cll.CustomLevel(
                one_keystroke("postcode_l", "postcode_r"), label_for_charts="one keystroke apart"
            ),
            cll.ElseLevel(),
        ],
    )


def _locality_comparison() -> Any:
    return cl.CustomComparison(
        output_column_name="locality",
        comparison_levels=[
            cll.NullLevel("locality"),
            cll.CustomLevel("locality_l = locality_r", label_for_charts="exact"),
            # A slip in a place name: 0.9, the cut used for a father's name above; the weight
            # of the level is learnt from the data.
            cll.CustomLevel(
                "jaro_winkler_similarity(locality_l, locality_r) >= 0.9", label_for_charts="alike"
            ),
            cll.ElseLevel(),
        ],
    )


#: Comparisons of roles that only some sources have (``EXTRA_ROLES`` of
#: :mod:`padan.linkage.person_sources`): in the model when a linked source declares the role.
EXTRA_COMPARISONS: dict[str, Callable[[], Any]] = {
    "identifier": _other_id_comparison,
    "postcode": _postcode_comparison,
    "locality": _locality_comparison,
}
#: Candidate pairs for those roles: the records of a person list often have no region code
#: (every rule above on the regency or district finds nothing there).
EXTRA_RULES: dict[str, list[Any]] = {
    "identifier": [
        block_on("other_id"),
        CustomRule(f"l.name_first = r.name_first AND {one_keystroke('l.other_id', 'r.other_id')}"),
    ],
    "postcode": [
        block_on("postcode", "dob"),
        block_on("postcode", "name_first"),
        block_on("postcode", "name_last"),
    ],
    "locality": [block_on("locality", "name_first"), block_on("locality", "dob")],
}
