"""The Fellegi-Sunter model on PPRL encodings: one comparison per field filter, its levels the
Dice similarity of the two records' keyed Bloom filters, computed in DuckDB SQL on BIT columns
(``bit_count(a & b)``); m and u learnt as for plaintext (u from random pairs, m by EM).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator
from splink.blocking_rule_library import CustomRule

from padan.linkage.training import floor_m, u_sample_pairs

__all__ = [
    "BLOCKING_RULE",
    "LEVELS",
    "Level",
    "complete_levels",
    "dice_sql",
    "encoded_settings",
    "train_encoded",
]


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a field's comparison: the two filters' Dice similarity at least ``step``
    (``dice``), or one filter much sparser than the other with at least ``step`` of its bits
    in the other (``within``: a coarser value contained in a finer one)."""

    kind: str  # dice | within
    step: float

    @property
    def label(self) -> str:
        """The level's label in the model file (what explanations show)."""
        if self.kind == "dice":
            return f"Dice >= {self.step}"
        return f"one much sparser, >= {self.step} of it within the other"

    def sql(self, field: str) -> str:
        """The level's condition in DuckDB SQL over Splink's ``_l``/``_r`` columns."""
        if self.kind == "dice":
            return f"{dice_sql(field)} >= {self.step}"
        low = f"least({field}_n_l, {field}_n_r)"
        return (
            f"{low} <= {_SPARSER} * greatest({field}_n_l, {field}_n_r)"
            f" AND bit_count({field}_l & {field}_r) >= {self.step} * {low}"
        )

    def holds(self, a: int, b: int) -> bool:
        """The same condition on two filters as Python integers (for explanations)."""
        na, nb, both = a.bit_count(), b.bit_count(), (a & b).bit_count()
        if self.kind == "dice":
            return 2.0 * both / max(na + nb, 1) >= self.step
        return min(na, nb) <= _SPARSER * max(na, nb) and both >= self.step * min(na, nb)


def _dice(*steps: float) -> tuple[Level, ...]:
    return tuple(Level("dice", step) for step in steps)


#: "Much sparser": at most this share of the other filter's bits set.
_SPARSER: Final = 0.7
#: Per field, strongest first. The Dice steps were measured on synthetic data under the
#: default schema (balanced names: the same name 0.94-0.98, unrelated names in one block
#: 0.53-0.77; birth dates alike 0.91-0.96, a part differing 0.4-0.65; the same NIK 0.94-0.97,
#: one of a neighbour born the same day 0.7-0.8). EM learns what each level weighs.
#: ``within`` levels are for a record that gives less: an age-only complaint's birth date is
#: one or two year tokens against a full date's six (Dice about 0.38, as high as two unrelated
#: full dates by chance, but two thirds of its bits are in the other's filter against two
#: fifths by chance); a complaint's regency code is two levels against a village's four.
#: NIK has no level between 0.85 and 0.905 ("one digit apart"): twins' NIKs are one serial
#: apart and fall there as often as a mistyped NIK does. The KK is not compared: it is the
#: household's number, shared by siblings and twins (the plaintext model leaves it out too;
#: the mother's name stands for the family).
LEVELS: Final[dict[str, tuple[Level, ...]]] = {
    "name": _dice(0.94, 0.87, 0.78, 0.68),
    "mother": _dice(0.94, 0.87, 0.78, 0.68),
    "birth_date": (*_dice(0.9, 0.75), Level("within", 0.6), *_dice(0.6)),
    "sex": _dice(0.9),
    "region": (*_dice(0.85), Level("within", 0.8), *_dice(0.72, 0.5)),
    "nik": _dice(0.93, 0.7),
}
#: m of every "All other comparisons" level (filters that share little), held fixed. EM on
#: pairs with alike names finds no match whose region or NIK filters share nothing, drives
#: that m to 0, and Splink then refuses the model; a zero would also veto every such match,
#: and registries hold them (a move across provinces, a parent's NIK). One match in a
#: hundred is a cautious weight of about -6.5 bits against the u of unrelated pairs.
_ELSE_M: Final = 0.01
#: The nominal rule of the model file: records sharing a keyed block key. Pairs are made by
#: :func:`padan.linkage.encoded.encoded_pairs` (one hash join on the exploded keys), never by
#: evaluating this condition over all pairs.
BLOCKING_RULE: Final = "list_has_any(l.blocks, r.blocks)"
#: Pairs for EM: records sharing their smallest block key (an equality join, so DuckDB hashes
#: it), whose names, or birth dates, are alike. A session fixes the comparison its rule names
#: and trains the others, as the plaintext sessions on name and birth date do; without the
#: likeness, most pairs sharing a key are strangers born on one day in one regency, and EM
#: learns "same block" instead of "same child".
_SAME_KEY: Final = "l.block_min = r.block_min"
_SESSION_LIKENESS: Final = (("name", 0.87), ("birth_date", 0.9), ("nik", 0.905))


def dice_sql(field: str, left: str = "_l", right: str = "_r") -> str:
    """Dice similarity of ``field``'s filters (BIT columns, with their bit counts in
    ``<field>_n``) as DuckDB SQL over Splink's ``_l``/``_r`` columns."""
    a, b = f"{field}{left}", f"{field}{right}"
    return f"(2.0 * bit_count({a} & {b}) / greatest({field}_n{left} + {field}_n{right}, 1))"


def _comparison(field: str) -> Any:
    levels: list[Any] = [
        cll.CustomLevel(f"{field}_l IS NULL OR {field}_r IS NULL", "unknown").configure(
            is_null_level=True
        )
    ]
    levels += [
        cll.CustomLevel(level.sql(field), label_for_charts=level.label) for level in LEVELS[field]
    ]
    # Fixed, not learnt: see _ELSE_M.
    levels.append(cll.ElseLevel().configure(m_probability=_ELSE_M, fix_m_probability=True))
    return cl.CustomComparison(output_column_name=field, comparison_levels=levels)


def encoded_settings(fields: Sequence[str]) -> SettingsCreator:
    """Splink settings comparing the filters of ``fields`` (those the stored encodings have)."""
    return SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        comparisons=[_comparison(f) for f in fields],
        blocking_rules_to_generate_predictions=[CustomRule(BLOCKING_RULE)],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["source", "source_id"],
        em_convergence=0.001,
        max_iterations=20,
    )


def train_encoded(
    linker: Any,
    inputs: list[Any],
    *,
    fields: Sequence[str],
    records: int,
    seed: int,
) -> dict[str, Any]:
    """Train ``linker`` (on :func:`encoded_settings`) and return the trained model (a Splink
    settings dict): the prior from pairs sharing a block key whose names and birth dates
    agree closely, u from random pairs, m by EM on pairs sharing a block key with names
    alike, then with birth dates alike (:data:`_SESSION_LIKENESS`). Seeded."""
    sure = [f for f in ("name", "birth_date") if f in fields] or list(fields[:1])
    deterministic = " AND ".join(
        [_SAME_KEY, *(f"{_dice_lr(f)} >= {LEVELS[f][0].step}" for f in sure)]
    )
    linker.training.estimate_probability_two_random_records_match(
        [CustomRule(deterministic)], recall=0.7
    )
    pairs = u_sample_pairs(records)
    linker.training.estimate_u_using_random_sampling(max_pairs=pairs, seed=seed)
    model: dict[str, Any] = linker.misc.save_model_to_json()
    sessions = [(f, step) for f, step in _SESSION_LIKENESS if f in fields][:2]
    for field, step in sessions or [(fields[0], 0.0)]:
        # A new linker per session, from the last one's estimates: a level no pair of a
        # session reached comes out with m = 0, which the next session's Splink refuses.
        trained = Linker(inputs, model, log_level=logging.ERROR, validate_settings=False)
        trained.training.estimate_parameters_using_expectation_maximisation(
            CustomRule(f"{_SAME_KEY} AND {_dice_lr(field)} >= {step}"),
            estimate_without_term_frequencies=True,
        )
        model = trained.misc.save_model_to_json()
        _unset_zero_m(model)
    complete_levels(model, sampled_pairs=pairs)
    floor_m(model, records=records)
    return model


def _unset_zero_m(model: dict[str, Any]) -> None:
    """Forget an m of 0 (no pair of the session reached the level): :func:`complete_levels`
    and :func:`~padan.linkage.training.floor_m` give it one the data supports."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("m_probability") == 0:
                del level["m_probability"]


def _dice_lr(field: str) -> str:
    """Dice of ``field`` in a blocking rule's ``l.``/``r.`` form."""
    return f"(2.0 * bit_count(l.{field} & r.{field}) / greatest(l.{field}_n + r.{field}_n, 1))"


def complete_levels(model: dict[str, Any], *, sampled_pairs: float) -> list[str]:
    """Give every level that training left without u the upper bound the random sample
    supports (no hit in N pairs: u below 3/N, the rule of three), and every level without m
    a neutral weight (m = u); returns the levels filled."""
    bound = 3 / sampled_pairs
    filled: list[str] = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            label = f"{comparison['output_column_name']}: {level.get('label_for_charts', '')}"
            if not isinstance(level.get("u_probability"), int | float):
                level["u_probability"] = bound
                filled.append(label)
            if not isinstance(level.get("m_probability"), int | float):
                level["m_probability"] = level["u_probability"]
                filled.append(label)
    return filled
