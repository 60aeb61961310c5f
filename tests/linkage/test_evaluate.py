from __future__ import annotations

import json

import pytest

from padan.linkage.evaluate import evaluate_clusters


@pytest.mark.parametrize(
    ("predicted", "truth", "precision", "recall", "exact"),
    [
        ({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "x", "c": "y"}, 1.0, 1.0, 2),
        ({"a": "1", "b": "1", "c": "1"}, {"a": "x", "b": "x", "c": "y"}, 1 / 3, 1.0, 0),
        # Nothing predicted: precision has nothing to measure.
        ({"a": "1", "b": "2", "c": "3"}, {"a": "x", "b": "x", "c": "y"}, None, 0.0, 1),
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
    predicted: dict[str, str],
    truth: dict[str, str],
    precision: float | None,
    recall: float,
    exact: int,
) -> None:
    metrics = evaluate_clusters(predicted, truth)
    assert metrics.precision == (None if precision is None else pytest.approx(precision))
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


def test_evaluate_nothing_to_measure_is_none_not_perfect() -> None:
    """0/0 is no evidence either way: ``None`` (n/a, JSON null), never 1.0."""
    alone = evaluate_clusters({"a": "1", "b": "2"}, {"a": "x", "b": "y"})
    assert (alone.true_pairs, alone.predicted_pairs) == (0, 0)
    assert (alone.precision, alone.recall, alone.f1) == (None, None, None)
    assert (alone.kpai_recall, alone.kpai_precision) == (None, None)  # no KPAI records at all
    # Pairs predicted where the truth has none: precision 0, recall n/a, so F1 n/a too.
    merged = evaluate_clusters({"a": "1", "b": "1"}, {"a": "x", "b": "y"})
    assert (merged.precision, merged.recall, merged.f1) == (0.0, None, None)
    # Both measured and both 0: F1 is 0, not n/a.
    missed = evaluate_clusters(
        {"a": "1", "b": "2", "c": "3", "d": "3"}, {"a": "x", "b": "x", "c": "y", "d": "z"}
    )
    assert (missed.precision, missed.recall, missed.f1) == (0.0, 0.0, 0.0)


def test_evaluate_prints_n_a_and_writes_null_for_nothing_to_measure() -> None:
    from padan.cli.common import out, set_cli_lang
    from padan.cli.link_cmd import metric_figures, render_metrics

    metrics = evaluate_clusters({"a": "1", "b": "2"}, {"a": "x", "b": "y"})
    figures = metric_figures(metrics)
    assert json.loads(json.dumps(figures))["precision"] is None
    nulls = ["precision", "recall", "f1", "kpai_recall_in_dtsen", "kpai_precision_in_dtsen"]
    assert [k for k, v in figures.items() if v is None] == nulls
    set_cli_lang("en")  # the measures as this test names them
    try:
        with out.capture() as captured:
            render_metrics(metrics)
    finally:
        set_cli_lang(None)
    rows = {
        line.split()[1]: line.split()[-2]
        for line in captured.get().splitlines()
        if line.count("│") == 3
    }
    assert rows["precision"] == rows["recall"] == rows["F1"] == "n/a"
    assert rows["records"] == "2"
