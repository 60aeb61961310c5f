"""Why records are one child, as the CLI asks it (``padan explain``): the permission of the
acting user and an audit row naming the children whose records were shown.

The web's explanation of a pair inside a child profile is :func:`padan.services.children.explain`
(shaped to the role's fields); this one shows the comparison values as the model saw them, so it
needs ``profile`` and is always audited.

:func:`evidence_text` says what a comparison level means in words a data officer reads ("nama
sama", "tanggal lahir tertukar hari/bulan"); :func:`guard_text` and :func:`hold_text` say why a
pair is kept apart or waits for a person. The model's own labels ("Exact match on name",
"Jaro-Winkler >= 0.94") stay for the experts' detail.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from padan.access.authorise import audit, require
from padan.access.policy import COMPARISON_GROUPS, Principal, mask_nik
from padan.i18n import N_, gettext
from padan.registry import ChildEvidence, child_evidence
from padan.registry.runs import ensure_model_of_store
from padan.store import Store
from padan.store.children import children_of, latest_run_id

if TYPE_CHECKING:
    from padan.linkage.explain import Explanation

__all__ = [
    "EVIDENCE",
    "evidence_text",
    "explain_child",
    "explain_records",
    "guard_text",
    "hold_text",
    "shaped_parts",
]


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


#: What each level of each comparison of the model (padan.linkage.model) means, in words:
#: (comparison, level label) -> message. A test fails when the model has a level not here.
EVIDENCE: dict[tuple[str, str], str] = {
    ("name", "name is NULL"): N_("name missing in one of the records"),
    ("name", "Exact match on name"): N_("same name"),
    ("name", "same name joined/split"): N_("same name, written joined or split"),
    ("name", "same tokens, other order"): N_("same name, words in another order"),
    ("name", "another birth-order name or title"): N_(
        "another birth-order name or title (e.g. Wayan and Putu): usually two people"
    ),
    ("name", "one typing slip"): N_("name one letter apart (a typing slip)"),
    ("name", "Jaro-Winkler >= 0.94"): N_("name very similar (spelling differs)"),
    ("name", "one name's tokens within the other's"): N_("one name is a shorter form of the other"),
    ("name", "a one-word name within the other"): N_("a one-word name found in the other name"),
    ("name", "Jaro-Winkler >= 0.85"): N_("name similar (spelling differs)"),
    ("name", "two slips in a long name"): N_("name two letters apart (two slips in a long name)"),
    ("name", "a call name: one name is part of the other's"): N_(
        "a nickname: one name is part of the other"
    ),
    ("name", "a call name with a letter wrong: one edit from a word of the other's"): N_(
        "one name is one word, a letter away from a word of the other name"
    ),
    ("name", "same first token of its own part"): N_("names share only the first word"),
    ("name", "All other comparisons"): N_("names differ"),
    ("dob", "unknown"): N_("date of birth missing in one of the records"),
    ("dob", "exact"): N_("same date of birth"),
    ("dob", "exact, a placeholder date (a day its source holds far too often)"): N_(
        "same date of birth, but a date its source often uses as a filler"
    ),
    ("dob", "day and month swapped"): N_("date of birth with day and month swapped"),
    ("dob", "one character apart"): N_("date of birth one digit apart"),
    ("dob", "same day and month, year +-1"): N_("same day and month of birth, year one apart"),
    ("dob", "within 31 days"): N_("dates of birth less than a month apart"),
    ("dob", "within about a year"): N_("dates of birth about a year apart at most"),
    ("dob", "age-only record, the birth year the age gives"): N_(
        "one record gives only an age; the other's birth date fits it"
    ),
    ("dob", "age-only record, the age a year off"): N_(
        "one record gives only an age, a year off the other's date of birth"
    ),
    ("dob", "differs, one is a placeholder"): N_("dates of birth differ; one is a filler date"),
    ("dob", "All other comparisons"): N_("dates of birth differ"),
    ("sex", "sex is NULL"): N_("sex missing in one of the records"),
    ("sex", "Exact match on sex"): N_("same sex"),
    ("sex", "All other comparisons"): N_("sex differs"),
    ("region", "prov is NULL"): N_("region missing in one of the records"),
    ("region", "same village"): N_("same village"),
    ("region", "same village (now, or before one record's move)"): N_(
        "same village, now or before one of the records moved"
    ),
    ("region", "same village named in the address, the codes agreeing as far as they go"): N_(
        "same village named in the address (one record's region code stops above the village)"
    ),
    ("region", "same district, as far as known"): N_("same district (one record has no village)"),
    ("region", "same district"): N_("same district, different villages"),
    ("region", "same regency, as far as known"): N_("same regency (one record has no district)"),
    ("region", "same regency"): N_("same regency, different districts"),
    ("region", "same province, as far as known"): N_("same province (one record has no regency)"),
    ("region", "same province"): N_("same province, different regencies"),
    ("region", "All other comparisons"): N_("different provinces"),
    ("parents", "unknown"): N_("parents' names missing in one of the records"),
    ("parents", "both parents exact"): N_("same mother and father"),
    ("parents", "mother exact"): N_("same mother"),
    ("parents", "mother similar or father exact"): N_("mother's name similar, or same father"),
    ("parents", "a parent's name within the other's"): N_(
        "a parent's name is a shorter form of the other"
    ),
    ("parents", "a parent's call name within the other's name"): N_(
        "a parent's name on one record is a call name found in the other's"
    ),
    ("parents", "a parent roughly similar"): N_("a parent's name roughly similar"),
    ("parents", "All other comparisons"): N_("parents' names differ"),
    ("nik", "nik is NULL"): N_("NIK missing in one of the records"),
    ("nik", "exact"): N_("same NIK"),
    ("nik", "exact, but it contradicts one record's region or birth date"): N_(
        "same NIK, but it does not fit one record's region or date of birth"
    ),
    ("nik", "both verified by Dukcapil, different"): N_(
        "different NIKs, both verified by Dukcapil"
    ),
    ("nik", "serial numbers next to each other"): N_(
        "NIK serial numbers next to each other (twins, or one child registered twice)"
    ),
    ("nik", "one keystroke apart in the serial number"): N_(
        "NIK one digit apart (in the serial number)"
    ),
    ("nik", "one keystroke apart, one NIK at odds with its record"): N_(
        "NIK one digit apart; one NIK does not fit its own record"
    ),
    ("nik", "one keystroke apart where a record cannot show which is right"): N_(
        "NIK one digit apart; the records cannot show which is right"
    ),
    ("nik", "one NIK is the other record's KK number"): N_(
        "one NIK is the other record's family card (KK) number"
    ),
    ("nik", "the NIK of a member of the other record's DTSEN household"): N_(
        "one NIK belongs to a member of the other record's DTSEN household"
    ),
    ("nik", "different, one NIK at odds with its record"): N_(
        "different NIKs; one does not fit its own record (perhaps a parent's NIK or a KK number)"
    ),
    ("nik", "same district and birth date"): N_(
        "NIKs differ, with the same region and birth-date digits"
    ),
    ("nik", "All other comparisons"): N_("NIKs differ"),
}

#: Mother with mother, father with father: what the parents' level leaves open.
_PARENT_ONE_SIDE = {
    "mother": N_("mother's name in one record only"),
    "father": N_("father's name in one record only"),
}

_GUARDS = {
    "two different NIKs, both verified by Dukcapil": N_(
        "Kept apart: two different NIKs, both verified by Dukcapil."
    ),
    "the heads of two DTSEN households": N_(
        "Kept apart: these are the heads of two DTSEN households."
    ),
    "two members of one DTSEN household (twins or siblings)": N_(
        "Kept apart: two members of one DTSEN household (twins or siblings)."
    ),
    "two DTSEN birth dates further apart than a typing slip": N_(
        "Kept apart: DTSEN gives two dates of birth further apart than a typing slip."
    ),
}

_HOLDS = {
    "review": N_(
        "Waiting for a person: the evidence is not strong enough to merge the records "
        "automatically, nor weak enough to keep them apart."
    ),
    "refused": N_(
        "Merge refused by the safeguard: the records look alike, but merging them would put "
        "two different people in one profile."
    ),
}


def evidence_text(
    comparison: str,
    level: str,
    lang: str,
    *,
    details: Sequence[tuple[str, str | None, str | None]] = (),
) -> str:
    """What a comparison level of the model says about two records, in ``lang``.

    ``details`` are the compared columns one by one (``(column, A, B)``, see
    :class:`padan.linkage.explain.Part`): for the parents they tell a reader which parent
    agrees and whose name only one record has. A level the wording does not know (a newer
    model) is named as the model labels it, after the comparison.
    """
    message = EVIDENCE.get((comparison, level))
    if message is None:
        return f"{comparison}: {level}"
    if comparison != "parents" or not details:
        return gettext(message, lang)
    if level == "mother similar or father exact":
        father = next(((a, b) for c, a, b in details if c == "father"), (None, None))
        same_father = father[0] is not None and father[0] == father[1]
        message = N_("same father") if same_father else N_("mother's name similar")
    said = [gettext(message, lang)]
    for column, a, b in details:
        if column in _PARENT_ONE_SIDE and bool(a) != bool(b) and level != "unknown":
            said.append(gettext(_PARENT_ONE_SIDE[column], lang))
    return "; ".join(said)


def guard_text(reason: str | None, lang: str) -> str | None:
    """Why the safeguard keeps two records apart, in words (None when it does not)."""
    if reason is None:
        return None
    message = _GUARDS.get(reason)
    if message is None:
        return gettext(N_("Kept apart: %(reason)s"), lang) % {"reason": reason}
    return gettext(message, lang)


def hold_text(reason: str, lang: str) -> str:
    """Why a pair waits in the review queue (``review`` or ``refused``), in words."""
    message = _HOLDS.get(reason)
    return gettext(message, lang) if message else reason


def shaped_parts(p: Principal, made: Explanation, lang: str) -> list[dict[str, Any]]:
    """Each comparison of an explanation with its sentence (``text``), the model's level,
    weight and the two values as the role may see them (a hidden group shows none)."""
    parts = []
    for part in made.parts:
        group = COMPARISON_GROUPS.get(part.comparison, "identity")
        values: tuple[str | None, str | None] = (part.value_a, part.value_b)
        details = part.details
        if group not in p.role.groups:
            values, details = (None, None), tuple((c, None, None) for c, _, _ in details)
        elif group == "nik" and not p.role.nik_full:
            values = (mask_nik(part.value_a), mask_nik(part.value_b))
        parts.append(
            {
                "comparison": part.comparison,
                "field": gettext(_FIELD_NAMES.get(part.comparison, part.comparison), lang),
                "level": part.level,
                # The wording reads the values the model compared, not the shaped ones:
                # "same father" holds whether or not the role may see the names.
                "text": evidence_text(part.comparison, part.level, lang, details=part.details),
                "match_weight": part.match_weight,
                "value_a": values[0],
                "value_b": values[1],
                "tone": "for"
                if part.match_weight > 0
                else "against"
                if part.match_weight < 0
                else "none",
            }
        )
    return parts


_FIELD_NAMES = {
    "name": N_("Name"),
    "dob": N_("Date of birth"),
    "sex": N_("Sex"),
    "region": N_("Region"),
    "parents": N_("Parents (mother / father)"),
    "nik": N_("NIK"),
}
