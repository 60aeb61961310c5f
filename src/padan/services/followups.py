"""Follow-ups recorded by re-importing a filled-in worklist file (issue 17).

An officer exports a worklist as XLSX, fills in a status, a date and a note per child in the
field, and uploads the file (web) or imports it (``padan worklist import FILE``). Every row is
checked first; on any error nothing is stored and each error names its row, column, value and
fix. Otherwise the follow-ups are stored in one transaction as events on the children, those
already stored (same child, worklist, status, date and note) are not stored again, and the
import is written to the audit log. Refused imports are audited too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from padan.access.authorise import audit, require
from padan.access.policy import Principal
from padan.domain.dates import parse_date
from padan.errors import InputError, PadanError
from padan.i18n import LANGUAGES, N_, gettext
from padan.services.worklist_file import (
    FOLLOWUP_STATUSES,
    WorklistFile,
    read_worklist_file,
    status_label,
)
from padan.services.worklists import check_worklist
from padan.store import Store
from padan.store.children import child_members, latest_run_id, records_by_uid
from padan.store.followups import NewFollowup, add_followups, child_followups

__all__ = ["FollowupFileError", "RowProblem", "followups_of", "import_followups"]

_NOTE_MAX = 1000
_MAX_ROWS = 50_000


@dataclass(frozen=True)
class RowProblem:
    """One error of an imported worklist file: where, what was seen, what is wrong, the fix."""

    row: int
    column: str  # the column's code
    value: str
    problem: str  # English message (a catalog entry); ``params`` fill its placeholders
    fix: str  # English message (a catalog entry)
    params: dict[str, str] = field(default_factory=dict)

    def text(self, lang: str) -> tuple[str, str]:
        """The problem and its fix in ``lang``."""
        return gettext(self.problem, lang) % self.params, gettext(self.fix, lang) % self.params

    def __str__(self) -> str:
        problem, fix = self.text("en")
        return f"row {self.row}, {self.column} = {self.value!r}: {problem}; {fix}"


class FollowupFileError(InputError):
    """A worklist file with rows that cannot be recorded; ``rows`` lists them all."""

    def __init__(self, file_name: str, problems: list[RowProblem]) -> None:
        self.rows = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(
            f"{file_name}: {len(problems)} row error(s), nothing was recorded: {shown}{more}. "
            "Correct the rows and upload the file again."
        )


def _statuses() -> dict[str, str]:
    """Every way a status may be written (its code, its label in any language) → its code."""
    known = {}
    for code in FOLLOWUP_STATUSES:
        known[code.casefold()] = code
        for lang in LANGUAGES:
            known[status_label(code, lang).casefold()] = code
    return known


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _date(value: object, today: dt.date) -> tuple[dt.date | None, str]:
    if value in (None, ""):
        return None, N_("is empty")
    result = parse_date(value, today=today)
    if result.value is None:
        why = {
            "tanggal_masa_depan": N_("is in the future"),
            "tanggal_tidak_ada": N_("is not a day of the calendar"),
            "tanggal_terlalu_lama": N_("is too long ago"),
        }.get(result.reason or "", N_("is not a date"))
        return None, why
    return result.value, ""


def _check_rows(
    parsed: WorklistFile, today: dt.date
) -> tuple[list[RowProblem], list[tuple[int, str, str, dt.date, str]]]:
    """Each row's (number, child, status, date, note), and the problems found."""
    statuses = _statuses()
    choices = ", ".join(status_label(s, parsed.lang) for s in FOLLOWUP_STATUSES)
    problems: list[RowProblem] = []
    good = []
    for number, cells in parsed.rows:
        child = _text(cells.get("child_id"))
        raw_status = _text(cells.get("status_tindak_lanjut"))
        note = _text(cells.get("catatan_tindak_lanjut"))
        before = len(problems)
        if not child:
            problems.append(
                RowProblem(
                    number, "child_id", "", N_("is empty"), N_("keep the child id as exported")
                )
            )
        status = statuses.get(raw_status.lstrip("'").casefold())
        if status is None:
            problems.append(
                RowProblem(
                    number,
                    "status_tindak_lanjut",
                    raw_status,
                    N_("is empty") if not raw_status else N_("is not a follow-up status"),
                    N_("choose one of: %(choices)s"),
                    {"choices": choices},
                )
            )
        day, why = _date(cells.get("tanggal_tindak_lanjut"), today)
        if day is None:
            problems.append(
                RowProblem(
                    number,
                    "tanggal_tindak_lanjut",
                    _text(cells.get("tanggal_tindak_lanjut")),
                    why,
                    N_(
                        "give the day of the follow-up, not after today (%(today)s), e.g. "
                        "2026-12-01 or 01/12/2026"
                    ),
                    {"today": today.isoformat()},
                )
            )
        if len(note) > _NOTE_MAX:
            problems.append(
                RowProblem(
                    number,
                    "catatan_tindak_lanjut",
                    note[:40] + "…",
                    N_("is %(length)s characters long"),
                    N_("shorten the note to at most %(most)s characters"),
                    {"length": str(len(note)), "most": str(_NOTE_MAX)},
                )
            )
        elif status == "lainnya" and not note:
            problems.append(
                RowProblem(
                    number,
                    "catatan_tindak_lanjut",
                    "",
                    N_("is empty while the status is %(status)s"),
                    N_("say in the note what was done"),
                    {"status": status_label("lainnya", parsed.lang)},
                )
            )
        if len(problems) == before and status is not None and day is not None:
            good.append((number, child, status, day, note))
    return problems, good


def _visible(store: Store, p: Principal, child_ids: list[str]) -> set[str]:
    """The children of the latest run the principal may see (as on their profile pages)."""
    run_id = latest_run_id(store)
    if run_id is None or not child_ids:
        return set()
    members: dict[str, list[tuple[str, float | None]]] = {}
    records: dict[str, dict[str, Any]] = {}
    for i in range(0, len(child_ids), 2000):  # stay under the drivers' bound-parameter limits
        part = child_members(store, run_id, child_ids[i : i + 2000])
        uids = [u for ms in part.values() for u, _ in ms if u.split(":")[0] in p.role.sources]
        members.update(part)
        records.update(records_by_uid(store, uids, columns=("kode_wilayah", "tanggal_pengaduan")))
    seen = set()
    for child, ms in members.items():
        own = {u: records[u] for u, _ in ms if u in records}
        if not own:
            continue
        dtsen = sorted(u for u in own if u.startswith("dtsen:"))
        primary = (
            own[dtsen[0]]
            if dtsen
            else own[max(own, key=lambda u: (str(own[u].get("tanggal_pengaduan")), u))]
        )
        if p.in_scope(primary.get("kode_wilayah")):
            seen.add(child)
    return seen


def _fingerprint(child: str, worklist: str, status: str, day: dt.date, note: str) -> str:
    text = "\x1f".join((child, worklist, status, day.isoformat(), note))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def import_followups(
    store: Store, p: Principal, data: bytes, *, file_name: str, today: dt.date | None = None
) -> dict[str, Any]:
    """Record the follow-ups of a filled-in worklist export as the principal; audited.

    Returns the worklist, the file's hash, the rows read, and how many follow-ups were added
    (a row already recorded is not added again). Raises :class:`InputError` for a file that is
    not a Padan worklist export, :class:`FollowupFileError` (an :class:`InputError`) listing
    every bad row, and :class:`~padan.access.authorise.Forbidden` when the role may not use the
    worklist; nothing is stored then.
    """
    digest = hashlib.sha256(data).hexdigest()
    target = f"worklist import file={file_name[:80]} sha256={digest[:16]}"
    try:
        require(p, "worklists")
        parsed = read_worklist_file(data, what=file_name)
        check_worklist(p, parsed.name)
        if len(parsed.rows) > _MAX_ROWS:
            raise InputError(
                f"{file_name}: {len(parsed.rows)} filled-in rows; import at most {_MAX_ROWS} at "
                "a time (split the file)"
            )
        problems, good = _check_rows(parsed, today or dt.date.today())
        visible = _visible(store, p, sorted({c for _, c, _, _, _ in good}))
        for number, child, _, _, _ in good:
            if child not in visible:
                problems.append(
                    RowProblem(
                        number,
                        "child_id",
                        child,
                        N_("no such child in the latest linkage run, or not in your scope"),
                        N_(
                            "keep the child id as exported (if a newer linkage run changed the "
                            "child, export the worklist again); a child outside your region is "
                            "not yours to record"
                        ),
                    )
                )
        if problems:
            raise FollowupFileError(file_name, sorted(problems, key=lambda x: x.row))
    except PadanError as exc:  # bad file, bad rows, or a worklist the role may not use
        audit(store, p, "worklist.import.refused", f"{target} error={str(exc)[:200]}")
        raise
    new = [
        NewFollowup(
            child_id=child,
            worklist=parsed.name,
            status=status,
            followup_date=day,
            note=note,
            username=p.username,
            source_sha256=digest,
            source_row=number,
            fingerprint=_fingerprint(child, parsed.name, status, day, note),
        )
        for number, child, status, day, note in good
    ]
    added = add_followups(store, new)
    children = sorted({f.child_id for f in new})
    audit(
        store,
        p,
        "worklist.import",
        f"{target} worklist={parsed.name} rows={len(new)} added={len(added)}",
        children,
        f"tindak lanjut: {parsed.purpose}"[:500],
    )
    return {
        "worklist": parsed.name,
        "file": file_name,
        "sha256": digest,
        "rows": len(new),
        "added": len(added),
        "already_recorded": len(new) - len(added),
        "children": len(children),
    }


def followups_of(store: Store, p: Principal, child_id: str) -> list[dict[str, Any]]:
    """The follow-ups of a child whose profile ``p`` may see (the caller checks that); empty
    for roles without the ``worklists`` permission."""
    if not p.can("worklists"):
        return []
    return [
        {
            "worklist": f.worklist,
            "status": f.status,
            "date": f.followup_date.isoformat(),
            "note": f.note,
            "by": f.username,
            "at": f.at.isoformat(),
        }
        for f in child_followups(store, child_id)
    ]
