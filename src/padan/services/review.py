"""The review queue of doubtful child pairs, and reviewers' decisions with the two-reviewer rule.

"same" on records carrying different valid NIKs needs a second, different reviewer before the
next linkage run applies it. Each list and decision is appended to the audit log.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from padan.access.authorise import audit, region_filter, require
from padan.access.policy import Principal, shape_record
from padan.api import Padan
from padan.domain.regions import check_region
from padan.errors import InputError
from padan.i18n import N_, gettext, ngettext
from padan.registry import ReviewFilter, ReviewItem, review_page, source_pair
from padan.services.explanations import guard_text, hold_text, shaped_parts
from padan.store import ReviewDecision, Store
from padan.store.children import child_members, children_of, latest_run_id, records_by_uid
from padan.store.pending_merges import (
    PendingMerge,
    add_pending_merge,
    clear_pending_merges,
    pending_merges_for,
)

if TYPE_CHECKING:
    from padan.linkage.explain import Explanation

__all__ = ["PAGE_SIZE", "decide_pair", "review_items", "review_queue_page"]

#: Pairs on one page of the queue: a reviewer's sitting, short enough to read on a phone.
PAGE_SIZE = 20

#: Fields compared side by side: (label, KPAI column, DTSEN column, what a reader sees).
_COMPARED = (
    ("nama", "nama_anak", "nama", N_("Name")),
    ("nik", "nik_anak", "nik", N_("NIK")),
    ("jenis_kelamin", "jenis_kelamin", "jenis_kelamin", N_("Sex")),
    ("tanggal_lahir", "tanggal_lahir", "tanggal_lahir", N_("Date of birth")),
    ("tempat_lahir", "tempat_lahir", "tempat_lahir", N_("Place of birth")),
    ("nama_ibu", "nama_ibu", "nama_ibu_kandung", N_("Mother's name")),
    ("kode_wilayah", "kode_wilayah", "kode_wilayah", N_("Region code")),
    ("alamat", "alamat", "alamat", N_("Address")),
)


def _side(p: Principal, uid: str, record: dict[str, Any] | None) -> dict[str, Any]:
    shaped = shape_record(p, record or {})
    kpai = uid.startswith("kpai:")
    return {label: shaped.get(k if kpai else d) for label, k, d, _ in _COMPARED}


def review_items(
    store: Store, p: Principal, *, limit: int = PAGE_SIZE, purpose: str = ""
) -> list[dict[str, Any]]:
    """The first ``limit`` pairs waiting for a reviewer, side by side; audited."""
    page = review_queue_page(store, p, limit=limit, purpose=purpose)
    items: list[dict[str, Any]] = page["items"]
    return items


def review_queue_page(
    store: Store,
    p: Principal,
    *,
    region: str | None = None,
    pair: str | None = None,
    impact: str | None = None,
    reason: str | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    lang: str = "id",
    model_path: Path | None = None,
    purpose: str = "",
) -> dict[str, Any]:
    """One page of the review queue, filtered, each pair with its evidence in words; audited.

    ``total`` counts the pairs matching the filter, ``waiting`` the whole queue; an offset
    past the end gives the last page. With ``model_path`` each pair carries ``evidence``:
    the model's comparisons in sentences (``text``) with their weights, values shaped by the
    role. Every pair says why it waits (``hold``, and ``guard`` for a refused merge) and what
    each decision would change (``changes``). Raises :class:`InputError` for a bad filter,
    :class:`~padan.access.authorise.Forbidden` for a region outside the user's scope.
    """
    require(p, "review")
    regions = region_filter(p, region)
    filters = ReviewFilter(
        None if regions is None else tuple(regions), pair or None, impact or None, reason or None
    )
    run_id = latest_run_id(store)
    page = review_page(store, filters, offset=offset, limit=limit)
    waiting = page.items
    uids = sorted({u for item in waiting for u in (item.uid_a, item.uid_b)})
    records = records_by_uid(store, uids)
    child_of = children_of(store, run_id, uids) if run_id is not None else {}
    sizes = {
        child: len(members)
        for child, members in (
            child_members(store, run_id, sorted(set(child_of.values()))) if run_id else {}
        ).items()
    }
    explained = _explanations(store, waiting, model_path)
    items: list[dict[str, Any]] = []
    involved: set[str] = set()
    for position, item in enumerate(waiting, start=page.offset):
        a, b = item.uid_a, item.uid_b
        involved.update(c for c in (child_of.get(a), child_of.get(b)) if c)
        left, right = _side(p, a, records.get(a)), _side(p, b, records.get(b))
        pending = pending_merges_for(store, a, b)
        conflicting = _conflicting_niks(records.get(a), records.get(b))
        made = explained.get((a, b))
        items.append(
            {
                "position": position,
                "record_a": a,
                "record_b": b,
                "source_pair": source_pair(a, b),
                "match_probability": item.match_probability,
                "reason": item.reason,
                "hold": hold_text(item.reason, lang),
                "guard": guard_text(made.guard, lang) if made is not None else None,
                "child_a": child_of.get(a),
                "child_b": child_of.get(b),
                "unsure_before": item.unsure_before,
                "impact": item.impact,
                "pending_reviewer": pending[0].reviewer if pending else None,
                "fields": [
                    {
                        "field": label,
                        "label": gettext(shown, lang),
                        "a": left[label],
                        "b": right[label],
                        "differs": _norm(left[label]) != _norm(right[label]),
                    }
                    for label, kpai_column, dtsen_column, shown in _COMPARED
                    if {kpai_column, dtsen_column} & p.role.fields
                ],
                "needs_second_reviewer": conflicting,
                "changes": _changes(
                    item, child_of, sizes, records, conflicting=conflicting, lang=lang
                ),
                "evidence": _evidence(p, made, lang) if made is not None else None,
            }
        )
    audit(store, p, "review_list", f"{len(items)} pairs", sorted(involved), purpose)
    return {
        "items": items,
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
        "waiting": page.waiting,
        "counts": page.counts,
        "filters": {
            "region": region or "",
            "pair": pair or "",
            "impact": impact or "",
            "reason": reason or "",
        },
    }


def _explanations(
    store: Store, items: list[ReviewItem], model_path: Path | None
) -> dict[tuple[str, str], Explanation]:
    if model_path is None or not items:
        return {}
    from padan.linkage.explain import explain_pairs  # Splink loads only when asked

    try:
        made = explain_pairs(store, [(i.uid_a, i.uid_b) for i in items], model_path=model_path)
    except InputError:
        # No model yet, or a record changed since the run: the page still shows the records.
        return {}
    return {(e.record_a, e.record_b): e for e in made}


def _evidence(p: Principal, made: Explanation, lang: str) -> dict[str, Any]:
    return {
        "parts": shaped_parts(p, made, lang),
        "match_weight": made.match_weight,
        "prior_weight": made.prior_weight,
        "match_probability": made.match_probability,
    }


def _region_name(code: str | None) -> str | None:
    if not code:
        return None
    check = check_region(code[:5] if len(code) > 5 else code)  # the regency: the dashboard's
    if check.region is None:
        return code
    return f"{check.region.name} ({check.region.code})"


def _child_phrase(child: str | None, uid: str, sizes: dict[str, int], lang: str) -> str:
    if child is None:
        return gettext(N_("record %(record)s"), lang) % {"record": uid}
    n = sizes.get(child, 1)
    return ngettext(
        "child %(child)s (%(num)d record)", "child %(child)s (%(num)d records)", n, lang
    ) % {"child": child, "num": n}


def _changes(
    item: ReviewItem,
    child_of: dict[str, str],
    sizes: dict[str, int],
    records: dict[str, dict[str, Any]],
    *,
    conflicting: bool,
    lang: str,
) -> dict[str, list[str]]:
    """What each decision would change, in sentences (applied by the next linkage run)."""
    a, b = item.uid_a, item.uid_b
    child_a, child_b = child_of.get(a), child_of.get(b)
    phrase_a, phrase_b = (
        _child_phrase(child_a, a, sizes, lang),
        _child_phrase(child_b, b, sizes, lang),
    )
    same: list[str] = []
    different: list[str] = []
    if child_a is not None and child_a == child_b:
        same.append(
            gettext(N_("Confirms %(child)s as one profile; nothing moves."), lang)
            % {"child": phrase_a}
        )
        different.append(
            gettext(
                N_("Splits %(child)s: the next linkage run keeps these two records apart."), lang
            )
            % {"child": phrase_a}
        )
    else:
        same.append(
            gettext(N_("Merges %(a)s and %(b)s into one profile."), lang)
            % {"a": phrase_a, "b": phrase_b}
        )
        different.append(
            gettext(
                N_("Two profiles stay apart: %(a)s and %(b)s; the pair leaves the queue."), lang
            )
            % {"a": phrase_a, "b": phrase_b}
        )
    if item.impact == "gap":
        kpai = a if a.startswith("kpai:") else b
        region = _region_name((records.get(kpai) or {}).get("kode_wilayah")) or "-"
        child = child_of.get(kpai) or kpai
        same.append(
            gettext(
                N_(
                    "Indicator in %(region)s: KPAI child %(child)s moves from 'possibly in "
                    "DTSEN' to 'found in DTSEN'."
                ),
                lang,
            )
            % {"region": region, "child": child}
        )
        different.append(
            gettext(
                N_(
                    "Indicator in %(region)s: unless another DTSEN record waits for it, KPAI "
                    "child %(child)s moves from 'possibly in DTSEN' to 'not found in DTSEN'."
                ),
                lang,
            )
            % {"region": region, "child": child}
        )
    if conflicting:
        same.append(gettext(N_("Held until a second, different reviewer also says same."), lang))
    return {
        "same": same,
        "different": different,
        "unsure": [
            gettext(N_("Nothing changes: the pair stays in the queue, marked unsure."), lang)
        ],
    }


def _norm(value: Any) -> str:
    return str(value).strip().casefold() if value is not None else ""


def _valid_nik(record: dict[str, Any] | None) -> str | None:
    if not record:
        return None
    for column, status in (("nik", "nik_status"), ("nik_anak", "nik_anak_status")):
        if record.get(column) and record.get(status) == "valid":
            return str(record[column])
    return None


def _conflicting_niks(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    nik_a, nik_b = _valid_nik(a), _valid_nik(b)
    return nik_a is not None and nik_b is not None and nik_a != nik_b


def decide_pair(
    store: Store,
    p: Principal,
    record_a: str,
    record_b: str,
    decision: str,
    *,
    reason: str,
    purpose: str = "",
) -> dict[str, Any]:
    """Record a reviewer's decision; audited.

    "same" on records carrying different valid NIKs is held until a second, different
    reviewer also says "same"; only then is it stored for the next linkage run; "different"
    closes such a held merge. The CLI, the pages and the JSON API all call this. Returns
    ``{"status": "decided" | "pending_second_review", ...}``. Raises :class:`InputError`.
    """
    require(p, "review")
    if not reason.strip():
        raise InputError("a decision needs a reason")
    uid_a, uid_b = sorted((record_a.strip(), record_b.strip()))
    run_id = latest_run_id(store)
    child_of = children_of(store, run_id, [uid_a, uid_b]) if run_id is not None else {}
    children = sorted(set(child_of.values()))
    records = records_by_uid(store, [uid_a, uid_b])
    if decision == "same" and _conflicting_niks(records.get(uid_a), records.get(uid_b)):
        if len(child_of) < 2:
            raise InputError(f"record {uid_a!r} or {uid_b!r} is not in the latest linkage run")
        held = pending_merges_for(store, uid_a, uid_b)  # one read: mine, or another's
        first = _by_others(held, p)
        if not first:
            if held:  # held by this reviewer: someone else must confirm
                raise InputError(_SECOND_REVIEWER)
            if add_pending_merge(store, uid_a, uid_b, reviewer=p.username, reason=reason.strip()):
                audit(
                    store,
                    p,
                    "decision",
                    f"{uid_a} {uid_b} same (waiting for a second reviewer)",
                    children,
                    purpose,
                )
                return {"status": "pending_second_review", "record_a": uid_a, "record_b": uid_b}
            # Another reviewer's approval was stored at the same moment: this one confirms it.
            first = _by_others(pending_merges_for(store, uid_a, uid_b), p)
            if not first:
                raise InputError(_SECOND_REVIEWER)
        made = Padan(store).review.decide(
            uid_a,
            uid_b,
            "same",
            reviewer=f"{first[0].reviewer}+{p.username}",
            reason=f"{first[0].reason} / {reason.strip()}",
        )
        clear_pending_merges(store, uid_a, uid_b)
    else:
        made = Padan(store).review.decide(
            uid_a, uid_b, decision, reviewer=p.username, reason=reason.strip()
        )
        waiting = pending_merges_for(store, uid_a, uid_b) if made.decision == "different" else []
        if waiting:
            # "different" answers a merge held for a second reviewer: it is closed, not left
            # for someone to confirm later against this decision.
            clear_pending_merges(store, uid_a, uid_b)
            firsts = ",".join(sorted({m.reviewer for m in waiting}))
            target = f"{uid_a} {uid_b} different (closes the merge held by {firsts})"
            audit(store, p, "decision", target, children, purpose)
            return _decided(made)
    audit(store, p, "decision", f"{uid_a} {uid_b} {made.decision}", children, purpose)
    return _decided(made)


_SECOND_REVIEWER = (
    "these records carry different valid NIKs: a second, different reviewer must confirm the merge"
)


def _by_others(held: list[PendingMerge], p: Principal) -> list[PendingMerge]:
    return [m for m in held if m.reviewer != p.username]


def _decided(made: ReviewDecision) -> dict[str, Any]:
    return {
        "status": "decided",
        "record_a": made.uid_a,
        "record_b": made.uid_b,
        "decision": made.decision,
        "reviewer": made.reviewer,
    }
