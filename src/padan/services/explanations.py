"""Why records are one child, as the CLI asks it (``padan explain``): the permission of the
acting user and an audit row naming the children whose records were shown.

The web's explanation of a pair inside a child profile is :func:`padan.services.children.explain`
(shaped to the role's fields); this one shows the comparison values as the model saw them, so it
needs ``profile`` and is always audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from padan.access.authorise import audit, require
from padan.access.policy import Principal
from padan.registry import ChildEvidence, child_evidence
from padan.registry.runs import ensure_model_of_store
from padan.store import Store
from padan.store.children import children_of, latest_run_id

if TYPE_CHECKING:
    from padan.linkage.explain import Explanation

__all__ = ["explain_child", "explain_records"]


def explain_records(
    store: Store, p: Principal, record_a: str, record_b: str, *, model_path: Path
) -> Explanation:
    """The match weight of each comparison of two records; needs ``profile``; audited with
    the children of both records. Raises :class:`~padan.errors.InputError`."""
    from padan.linkage.explain import explain_pair  # Splink loads only when asked

    require(p, "profile")
    ensure_model_of_store(store, model_path)
    explanation = explain_pair(store, record_a, record_b, model_path=model_path)
    run_id = latest_run_id(store)
    children = children_of(store, run_id, [record_a, record_b]) if run_id is not None else {}
    audit(store, p, "explain", f"{record_a} {record_b}", sorted(set(children.values())))
    return explanation


def explain_child(store: Store, p: Principal, child_id: str) -> ChildEvidence:
    """The pairs that link a child's records; needs ``profile``; audited. Raises
    :class:`~padan.errors.InputError` for a child the latest run does not have."""
    require(p, "profile")
    evidence = child_evidence(store, child_id)
    audit(store, p, "explain", f"child:{child_id}", [child_id])
    return evidence
