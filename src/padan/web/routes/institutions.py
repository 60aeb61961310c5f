"""Institution pages and their JSON twins under ``/api/v1`` (issue 6, item 6).

Both call the institution services (:mod:`padan.services.institutions`,
:mod:`~padan.services.inspections`, :mod:`~padan.services.institution_duplicates`),
where the policy and the audit are applied.
Form posts that fail validation show the form again with the library's message (HTTP 400) and
store nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from padan.access.authorise import require
from padan.domain.values import JENIS_LEMBAGA
from padan.errors import InputError
from padan.institutions import SEVERITIES
from padan.services import inspections
from padan.services import institution_duplicates as duplicates
from padan.services import institutions as svc
from padan.web.deps import CSRF, ERROR_RESPONSES, Purpose, User, ctx, language, render
from padan.web.messages import error_text

__all__ = [
    "DuplicateDecision",
    "FindingIn",
    "FollowUpIn",
    "InspectionIn",
    "InstitutionIn",
    "api_router",
    "page_router",
]

api_router = APIRouter(prefix="/api/v1", tags=["institutions"], responses=ERROR_RESPONSES)
page_router = APIRouter(include_in_schema=False)


class InstitutionIn(BaseModel):
    fields: dict[str, str | int | None] = Field(
        description="Registry fields, e.g. nama_lembaga, jenis, kode_wilayah, status_izin"
    )
    reason: str = ""
    expected_version: int | None = Field(
        default=None, description="The version the client showed (edits only)"
    )


class FindingIn(BaseModel):
    butir: str
    keparahan: str = ""
    catatan: str = ""
    tindakan: str = ""
    batas_waktu: str = ""


class InspectionIn(BaseModel):
    checklist: str
    tanggal: str
    petugas: str
    catatan: str = ""
    temuan: list[FindingIn] = []


class FollowUpIn(BaseModel):
    status: str = Field(description="terbuka | proses | selesai")
    catatan: str = ""
    tanggal: str = ""


class DuplicateDecision(BaseModel):
    id_a: str
    id_b: str
    decision: str = Field(description="same | different | unsure")
    reason: str


# -- API --------------------------------------------------------------------------------------


@api_router.get("/institutions")
def api_list(
    request: Request,
    user: User,
    q: str = "",
    region: str | None = None,
    jenis: str | None = None,
    purpose: Purpose = "",
) -> dict[str, Any]:
    """Institutions in the user's scope; ``q`` matches part of the name or the whole id."""
    rows = svc.institutions(
        ctx(request).store, user, q=q, region=region, jenis=jenis, purpose=purpose
    )
    return {"institutions": rows, "count": len(rows)}


@api_router.get("/institutions/risk")
def api_risk(
    request: Request,
    user: User,
    region: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    purpose: Purpose = "",
) -> dict[str, Any]:
    """The ranked inspection worklist: ``id_lembaga``, ``score``, ``reasons``, highest first."""
    return {
        "worklist": svc.risk(ctx(request).store, user, region=region, limit=limit, purpose=purpose)
    }


@api_router.get("/institutions/indicators")
def api_indicators(
    request: Request, user: User, level: str = "regency", region: str | None = None
) -> dict[str, Any]:
    """Supervision indicators per province or regency in the user's scope."""
    return {"indicators": svc.indicators(ctx(request).store, user, level=level, region=region)}


@api_router.get("/institutions/duplicates")
def api_duplicates(request: Request, user: User, purpose: Purpose = "") -> dict[str, Any]:
    """Doubtful duplicate pairs, side by side."""
    return {"items": duplicates.duplicate_queue(ctx(request).store, user, purpose=purpose)}


@api_router.post("/institutions/duplicates/decisions", dependencies=[CSRF])
def api_decide(request: Request, user: User, body: DuplicateDecision) -> dict[str, Any]:
    """Decide a duplicate pair (same | different | unsure) with a reason."""
    return duplicates.decide_duplicates(
        ctx(request).store, user, body.id_a, body.id_b, body.decision, reason=body.reason
    )


@api_router.post("/institutions", dependencies=[CSRF])
def api_create(request: Request, user: User, body: InstitutionIn) -> dict[str, Any]:
    """Register an institution (validated as ``padan institutions add``)."""
    return svc.create(ctx(request).store, user, body.fields, reason=body.reason)


@api_router.get("/institutions/{id_lembaga}")
def api_profile(
    request: Request, user: User, id_lembaga: str, purpose: Purpose = ""
) -> dict[str, Any]:
    """An institution: facts, history, inspections, risk points, linked complaints."""
    return svc.profile(ctx(request).store, user, id_lembaga, purpose=purpose)


@api_router.patch("/institutions/{id_lembaga}", dependencies=[CSRF])
def api_edit(request: Request, user: User, id_lembaga: str, body: InstitutionIn) -> dict[str, Any]:
    """Edit some fields; ``expected_version`` refuses an edit of an outdated copy."""
    return svc.edit(
        ctx(request).store,
        user,
        id_lembaga,
        body.fields,
        reason=body.reason,
        expected_version=body.expected_version,
    )


@api_router.post("/institutions/{id_lembaga}/inspections", dependencies=[CSRF])
def api_inspect(
    request: Request, user: User, id_lembaga: str, body: InspectionIn
) -> dict[str, Any]:
    """Record an inspection against a checklist, with findings."""
    return inspections.inspect(ctx(request).store, user, id_lembaga, body.model_dump())


@api_router.post("/findings/{finding_id}/follow-up", dependencies=[CSRF])
def api_follow_up(
    request: Request, user: User, finding_id: int, body: FollowUpIn
) -> dict[str, Any]:
    """Update a finding's follow-up: terbuka, proses or selesai."""
    return inspections.follow_up_finding(
        ctx(request).store, user, finding_id, body.status, note=body.catatan, on=body.tanggal
    )


# -- pages ------------------------------------------------------------------------------------


@page_router.get("/institutions", response_class=HTMLResponse)
def list_page(
    request: Request, user: User, q: str = "", region: str = "", jenis: str = ""
) -> HTMLResponse:
    rows = svc.institutions(
        ctx(request).store, user, q=q, region=region or None, jenis=jenis or None
    )
    return render(
        request,
        "institutions.html",
        rows=rows,
        q=q,
        region=region,
        jenis=jenis,
        types=JENIS_LEMBAGA,
    )


@page_router.get("/institutions/risk", response_class=HTMLResponse)
def risk_page(request: Request, user: User, region: str = "") -> HTMLResponse:
    rows = svc.risk(ctx(request).store, user, region=region or None)
    return render(request, "institution_risk.html", rows=rows, region=region)


@page_router.get("/institutions/duplicates", response_class=HTMLResponse)
def duplicates_page(request: Request, user: User, done: str = "") -> HTMLResponse:
    items = duplicates.duplicate_queue(ctx(request).store, user)
    return render(request, "institution_dedup.html", items=items, done=done)


@page_router.post("/institutions/duplicates/decide", response_model=None, dependencies=[CSRF])
def duplicates_decide(
    request: Request,
    user: User,
    id_a: Annotated[str, Form()],
    id_b: Annotated[str, Form()],
    decision: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    duplicates.decide_duplicates(ctx(request).store, user, id_a, id_b, decision, reason=reason)
    return RedirectResponse("/institutions/duplicates?done=1", status_code=303)


def _form_values(form: Any) -> dict[str, str]:
    return {k: str(form.get(k, "")).strip() for k in svc.FORM_FIELDS}


@page_router.get("/institutions/new", response_class=HTMLResponse)
def new_page(request: Request, user: User) -> HTMLResponse:
    require(user, "institutions_manage")
    return render(
        request,
        "institution_form.html",
        values={},
        error=None,
        id_lembaga=None,
        version=None,
        types=JENIS_LEMBAGA,
    )


@page_router.post("/institutions/new", response_model=None, dependencies=[CSRF])
async def new_submit(request: Request, user: User) -> Response:
    form = await request.form()
    values = _form_values(form)
    try:
        made = await run_in_threadpool(
            svc.create, ctx(request).store, user, values, reason=str(form.get("reason", ""))
        )
    except InputError as exc:
        return render(
            request,
            "institution_form.html",
            status_code=400,
            values=values,
            error=error_text(exc, language(request)),
            id_lembaga=None,
            version=None,
            types=JENIS_LEMBAGA,
        )
    return RedirectResponse(f"/institutions/{made['id_lembaga']}?done=saved", status_code=303)


@page_router.get("/institutions/{id_lembaga}", response_class=HTMLResponse)
def profile_page(request: Request, user: User, id_lembaga: str, done: str = "") -> HTMLResponse:
    data = svc.profile(ctx(request).store, user, id_lembaga)
    return render(request, "institution.html", data=data, done=done)


@page_router.get("/institutions/{id_lembaga}/edit", response_class=HTMLResponse)
def edit_page(request: Request, user: User, id_lembaga: str) -> HTMLResponse:
    require(user, "institutions_manage")
    data = svc.profile(ctx(request).store, user, id_lembaga)
    values = {
        k: "" if data["fields"].get(k) is None else str(data["fields"][k]) for k in svc.FORM_FIELDS
    }
    return render(
        request,
        "institution_form.html",
        values=values,
        error=None,
        id_lembaga=id_lembaga,
        version=data["fields"]["version"],
        types=JENIS_LEMBAGA,
    )


@page_router.post("/institutions/{id_lembaga}/edit", response_model=None, dependencies=[CSRF])
async def edit_submit(request: Request, user: User, id_lembaga: str) -> Response:
    form = await request.form()
    values = _form_values(form)
    version_text = str(form.get("version", "")).strip()
    try:
        version = int(version_text) if version_text else None
        await run_in_threadpool(
            svc.edit,
            ctx(request).store,
            user,
            id_lembaga,
            values,
            reason=str(form.get("reason", "")),
            expected_version=version,
        )
    except (InputError, ValueError) as exc:
        return render(
            request,
            "institution_form.html",
            status_code=400,
            values=values,
            error=error_text(exc, language(request)),
            id_lembaga=id_lembaga,
            version=version_text,
            types=JENIS_LEMBAGA,
        )
    return RedirectResponse(f"/institutions/{id_lembaga}?done=saved", status_code=303)


def _inspection_page(
    request: Request,
    user: User,
    id_lembaga: str,
    form: dict[str, str],
    error: str | None,
    status_code: int = 200,
) -> HTMLResponse:
    data = inspections.checklist_view(ctx(request).store, user, id_lembaga)
    return render(
        request,
        "inspection_form.html",
        status_code=status_code,
        data=data,
        form=form,
        error=error,
        severities=SEVERITIES,
    )


@page_router.get("/institutions/{id_lembaga}/inspections/new", response_class=HTMLResponse)
def inspection_page(request: Request, user: User, id_lembaga: str) -> HTMLResponse:
    return _inspection_page(request, user, id_lembaga, {"petugas": user.username}, None)


@page_router.post(
    "/institutions/{id_lembaga}/inspections/new", response_model=None, dependencies=[CSRF]
)
async def inspection_submit(request: Request, user: User, id_lembaga: str) -> Response:
    raw = await request.form()
    form = {k: str(v).strip() for k, v in raw.items() if isinstance(v, str)}
    findings = [
        {
            "butir": key[4:],
            "keparahan": value,
            "catatan": form.get(f"note_{key[4:]}", ""),
            "tindakan": form.get(f"action_{key[4:]}", ""),
            "batas_waktu": form.get(f"due_{key[4:]}", ""),
        }
        for key, value in form.items()
        if key.startswith("sev_") and value
    ]
    data = {
        "checklist": form.get("checklist", ""),
        "tanggal": form.get("tanggal", ""),
        "petugas": form.get("petugas", ""),
        "catatan": form.get("catatan", ""),
        "temuan": findings,
    }
    try:
        made = await run_in_threadpool(
            inspections.inspect, ctx(request).store, user, id_lembaga, data
        )
    except InputError as exc:
        error = error_text(exc, language(request))
        page = _inspection_page
        return await run_in_threadpool(page, request, user, id_lembaga, form, error, 400)
    done = "inspection_saved" if made["created"] else "inspection_again"
    return RedirectResponse(f"/institutions/{id_lembaga}?done={done}", status_code=303)


@page_router.post(
    "/institutions/findings/{finding_id}/follow-up", response_model=None, dependencies=[CSRF]
)
def follow_up_submit(
    request: Request,
    user: User,
    finding_id: int,
    status: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    on: Annotated[str, Form()] = "",
) -> Response:
    made = inspections.follow_up_finding(
        ctx(request).store, user, finding_id, status, note=note, on=on
    )
    return RedirectResponse(f"/institutions/{made['id_lembaga']}?done=saved", status_code=303)
