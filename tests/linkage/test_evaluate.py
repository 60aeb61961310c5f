from __future__ import annotations

import pytest

from padan.linkage.evaluate import evaluate_clusters


@pytest.mark.parametrize(
    ("predicted", "truth", "precision", "recall", "exact"),
    [
        ({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "x", "c": "y"}, 1.0, 1.0, 2),
        ({"a": "1", "b": "1", "c": "1"}, {"a": "x", "b": "x", "c": "y"}, 1 / 3, 1.0, 0),
        ({"a": "1", "b": "2", "c": "3"}, {"a": "x", "b": "x", "c": "y"}, 1.0, 0.0, 1),
        (
            {"a": "1", "b": "1", "c": "2", "d": "2"},
            {"a": "x", "b": "x", "c": "x", "d": "y"},
            0.5,
            1 / 3,
            0,
        ),
    ],
)
def test_evaluate_pairwise_table(
    predicted: dict[str, str], truth: dict[str, str], precision: float, recall: float, exact: int
) -> None:
    metrics = evaluate_clusters(predicted, truth)
    assert metrics.precision == pytest.approx(precision)
    assert metrics.recall == pytest.approx(recall)
    assert metrics.exact_clusters == exact


def test_evaluate_ignores_records_missing_on_one_side() -> None:
    metrics = evaluate_clusters({"a": "1", "b": "1", "z": "1"}, {"a": "x", "b": "x", "q": "x"})
    assert (metrics.records, metrics.true_pairs, metrics.correct_pairs) == (2, 1, 1)


@pytest.mark.parametrize(
    ("predicted", "recall", "precision"),
    [
        # k1 found with its DTSEN record; k2 (absent from DTSEN) stays alone.
        ({"kpai:1": "A", "dtsen:1": "A", "kpai:2": "B", "dtsen:2": "C"}, 1.0, 1.0),
        # k1 missed; k2 wrongly linked to another child's DTSEN record.
        ({"kpai:1": "A", "dtsen:1": "B", "kpai:2": "C", "dtsen:2": "C"}, 0.0, 0.0),
    ],
)
def test_evaluate_kpai_children_found_in_dtsen(
    predicted: dict[str, str], recall: float, precision: float
) -> None:
    truth = {"kpai:1": "x", "dtsen:1": "x", "kpai:2": "y", "dtsen:2": "z"}
    metrics = evaluate_clusters(predicted, truth)
    assert metrics.kpai_in_dtsen == 1
    assert metrics.kpai_recall == recall and metrics.kpai_precision == precision
