"""Why two encoded records are, or are not, the same child: each field's Dice similarity, the
model's level for it and its match weight. Never a plaintext value: the store has none."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from padan.errors import InputError
from padan.linkage.cluster import CHAIN_REASON
from padan.linkage.encoded import ENCODED_MODEL_KIND, stranger_step
from padan.linkage.encoded_model import LEVELS
from padan.linkage.explanation import Explanation, Part
from padan.linkage.model_file import read_model
from padan.store import Store

__all__ = ["dice_of", "explain_encoded"]


def dice_of(a: bytes, b: bytes) -> float:
    """Dice similarity of two filters as stored (big-endian bytes): 2|a∧b| / (|a| + |b|)."""
    x, y = int.from_bytes(a, "big"), int.from_bytes(b, "big")
    total = x.bit_count() + y.bit_count()
    return 2 * (x & y).bit_count() / total if total else 0.0


def _weight(m: object, u: object) -> float:
    if isinstance(m, int | float) and isinstance(u, int | float) and m > 0 and u > 0:
        return math.log2(m / u)
    return 0.0


def _chain_refusals(store: Store, pairs: Sequence[tuple[str, str]]) -> dict[frozenset[str], str]:
    """Why the clustering guard refused each of ``pairs`` it refused in the latest run: two
    DTSEN records, one in each pair's child, that the run never scored alike with each other
    (:data:`~padan.linkage.cluster.CHAIN_REASON`). The children only grow after a refusal, so
    the two records it saw are still there."""
    run = store.latest_link_run()
    if run is None:
        return {}
    stored = {frozenset((a, b)): decision for a, b, _, _, decision in store.link_pairs(run.id)}
    wanted = [(a, b) for a, b in pairs if stored.get(frozenset((a, b))) == "refused"]
    if not wanted:
        return {}
    child = store.child_of(run.id)
    needed = {child.get(uid) for pair in wanted for uid in pair} - {None}
    dtsen: dict[str, list[str]] = {}
    for uid, child_id in child.items():
        if child_id in needed and uid.startswith("dtsen:"):
            dtsen.setdefault(child_id, []).append(uid)
    reasons = {}
    for a, b in wanted:
        here, there = dtsen.get(child.get(a, ""), []), dtsen.get(child.get(b, ""), [])
        unlike = next(
            (
                (x, y)
                for x in sorted(here)
                for y in sorted(there)
                if frozenset((x, y)) not in stored
            ),
            None,
        )
        if unlike is not None and child.get(a) != child.get(b):
            reasons[frozenset((a, b))] = (
                f"kept apart by the clustering guard: {CHAIN_REASON} ({unlike[0]}, {unlike[1]}); "
                "a reviewer's decision can link them"
            )
    return reasons


def explain_encoded(
    store: Store, pairs: Sequence[tuple[str, str]], *, model_path: Path
) -> list[Explanation]:
    """The match-weight breakdown of each pair of encoded records (``source:record_id``) under
    the model at ``model_path``: per field, ``Dice 0.97 (Dice >= 0.94)`` and its weight; the
    record values are left empty (there are none to show). ``guard`` says when the name
    filters are strangers' (linked only by a reviewer's "same"), unless a reviewer said so, or
    why the clustering guard refused the pair in the latest run.

    Raises :class:`InputError` when the model was not trained on encodings or a record is not
    a current encoded record.
    """
    model = read_model(model_path)
    if (model.get("padan") or {}).get("kind") != ENCODED_MODEL_KIND:
        raise InputError(
            f"model file {model_path} is not a model on encodings; this store holds "
            "encodings. Run padan link (--retrain) to train one."
        )
    wanted = sorted({uid for pair in pairs for uid in pair})
    found = store.encoded_of(wanted)
    missing = [uid for uid in wanted if uid not in found]
    if missing:
        raise InputError(
            f"record(s) {', '.join(missing)} are not current encoded records of this store; "
            "references look like kpai:KPAI/2024/000123 (see padan export clusters)"
        )
    # A pair a reviewer said is one child is linked whatever the name guard says.
    same = {frozenset((d.uid_a, d.uid_b)) for d in store.review_decisions() if d.decision == "same"}
    chained = _chain_refusals(store, pairs)
    prior_p = float(model["probability_two_random_records_match"])
    prior = math.log2(prior_p / (1 - prior_p))
    explanations = []
    for a, b in pairs:
        parts = []
        guard = None
        for comparison in model["comparisons"]:
            field = str(comparison["output_column_name"])
            fa, fb = found[a].get(field), found[b].get(field)
            levels = comparison["comparison_levels"]
            if fa is None or fb is None:
                parts.append(Part(field, "unknown (missing in a record)", 0.0, None, None))
                continue
            similarity = dice_of(fa, fb)
            x, y = int.from_bytes(fa, "big"), int.from_bytes(fb, "big")
            ours = LEVELS.get(field, ())
            label = next(
                (level.label for level in ours if level.holds(x, y)), "All other comparisons"
            )
            chosen = next((lv for lv in levels if lv.get("label_for_charts") == label), levels[-1])
            weight = _weight(chosen.get("m_probability"), chosen.get("u_probability"))
            parts.append(Part(field, f"Dice {similarity:.2f} ({label})", weight, None, None))
            step = stranger_step(a, b)
            if field == "name" and similarity < step and frozenset((a, b)) not in same:
                guard = (
                    f"the name filters share little (Dice {similarity:.2f} < {step}): "
                    "linked only by a reviewer's decision"
                )
        if guard is None and frozenset((a, b)) not in same:
            guard = chained.get(frozenset((a, b)))
        total = prior + sum(p.match_weight for p in parts)
        probability = 1 / (1 + 2 ** (-total)) if total > -1000 else 0.0
        explanations.append(Explanation(a, b, prior, parts, total, probability, guard))
    return explanations
