"""Comparisons and blocking rules of the roles only some sources have (``EXTRA_ROLES`` of
:mod:`padan.linkage.person_sources`): an agency's own identifier, a postcode, a place name. They
join the model (:mod:`padan.linkage.model`) when a linked source declares the role."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on
from splink.blocking_rule_library import CustomRule

from padan.linkage.name_sql import one_keystroke

__all__ = ["EXTRA_COMPARISONS", "EXTRA_RULES"]


def _code_comparison(column: str) -> Any:
    # A code written by hand (an agency's own identifier: NISN, a social security number; a
    # postcode): equal, or one keystroke apart (a digit mistyped or two swapped), else
    # different. Weights learnt from the data.
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.CustomLevel(f"{column}_l = {column}_r", label_for_charts="exact"),
            cll.CustomLevel(
                one_keystroke(f"{column}_l", f"{column}_r"), label_for_charts="one keystroke apart"
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
            # A slip in a place name: 0.9, the cut the parents' comparison (model.py) uses for a
            # father's name; the weight
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
    "identifier": partial(_code_comparison, "other_id"),
    "postcode": partial(_code_comparison, "postcode"),
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
