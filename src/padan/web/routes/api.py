"""JSON twins of the pages under ``/api/v1``. Errors: ``{"error": {"code", "message"}}``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from padan.services import audit as audit_service
from padan.services import children as children_service
from padan.services import dashboard as dashboard_service
from padan.services import ingest as ingest_service
from padan.services import review as review_service
from padan.services import runs as runs_service
from padan.services import trends as trends_service
from padan.services.figures import province_figures
from padan.web.deps import CSRF, ERROR_RESPONSES, Purpose, User, ctx, language
from padan.web.downloads import csv_response

__all__ = ["Decision", "LinkStart", "router"]

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)


class Decision(BaseModel):
    record_a: str = Field(description="e.g. kpai:KPAI/2024/000123")
    record_b: str = Field(description="e.g. dtsen:DT000000042")
    decision: str = Field(description="same | different | unsure")
    reason: str
    purpose: str = ""


@router.get("/me")
def me(user: User) -> dict[str, Any]:
    """The user behind the request: role, region, permissions."""
    return {
        "username": user.username,
        "role": user.role.name,
        "region": user.region,
        "permissions": sorted(user.role.permissions),
    }


@router.get("/dashboard")
def dashboard(request: Request, user: User, region: str | None = None) -> dict[str, Any]:
    """Counts by region, one level below ``region`` (aggregates only)."""
    return dashboard_service.dashboard(ctx(request).store, user, region=region)


@router.get("/dashboard/provinces")
def dashboard_provinces(
    request: Request,
    user: User,
    indicator: Annotated[
        str, Query(description="An indicator key; default: KPAI children not in DTSEN")
    ] = "",
) -> dict[str, Any]:
    """The dashboard map's figures: one indicator per province in the user's scope (count,
    denominator, percent; small cells suppressed as on the page), and the indicators to choose."""
    return province_figures(ctx(request).store, user, key=indicator, lang=language(request))


@router.get("/dashboard/trends")
def dashboard_trends(
    request: Request,
    user: User,
    indicator: Annotated[
        str, Query(description="An indicator key; default: KPAI children not in DTSEN")
    ] = "",
    period: Annotated[str, Query(description="snapshot | month | quarter")] = "quarter",
    region: str | None = None,
) -> dict[str, Any]:
    """One indicator over time (value and change per point) and every indicator per point, in
    the user's region, small cells suppressed as on the dashboard."""
    return trends_service.trends(
        ctx(request).store,
        user,
        indicator=indicator,
        period=period,
        region=region,
        lang=language(request),
    )


@router.get("/children")
def search(
    request: Request,
    user: User,
    q: Annotated[str, Query(description="Name or 16-digit NIK")],
    region: str | None = None,
    purpose: Purpose = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Search children by name prefix or NIK; each result has ``child_id`` and ``kode_wilayah``."""
    hits = children_service.search_children(
        ctx(request).store, user, q, region=region, purpose=purpose, limit=limit
    )
    return {"results": hits, "count": len(hits)}


@router.get("/exports/children.csv", response_class=Response)
def export_children(
    request: Request, user: User, q: str, region: str | None = None, purpose: Purpose = ""
) -> Response:
    """Search results as CSV, shaped by the same policy as the page."""
    header, rows = children_service.export_search(
        ctx(request).store, user, q, region=region, purpose=purpose
    )
    return csv_response(header, rows, "anak.csv")


@router.get("/children/{child_id}")
def child(request: Request, user: User, child_id: str, purpose: Purpose = "") -> dict[str, Any]:
    """The integrated record of one child, as the role may see it, with ``events``: its
    timeline newest first (date, kind and its label, field, old and new values as the role
    may see them; identifiers without values)."""
    return children_service.child_profile(
        ctx(request).store, user, child_id, purpose=purpose, lang=language(request)
    )


@router.get("/children/{child_id}/explain")
def explain(
    request: Request,
    user: User,
    child_id: str,
    a: str,
    b: str,
    purpose: Purpose = "",
    lang: Annotated[str, Query(description="id | en: the language of the sentences")] = "id",
) -> dict[str, Any]:
    """Match-weight breakdown of records ``a`` and ``b`` of the child, each comparison also in
    words (``text``)."""
    context = ctx(request)
    return children_service.explain(
        context.store,
        user,
        child_id,
        a,
        b,
        model_path=context.model_path,
        purpose=purpose,
        lang=lang,
    )


@router.get("/review")
def review(
    request: Request,
    user: User,
    limit: Annotated[int, Query(ge=1)] = review_service.PAGE_SIZE,
    offset: Annotated[int, Query(ge=0)] = 0,
    region: Annotated[str | None, Query(description="Dotted region code, e.g. 31.74")] = None,
    pair: Annotated[str | None, Query(description="kpai-dtsen | kpai-kpai | dtsen-dtsen")] = None,
    impact: Annotated[str | None, Query(description="gap | kpai | other | inside")] = None,
    reason: Annotated[str | None, Query(description="review | refused")] = None,
    lang: Annotated[str, Query(description="id | en: the language of the sentences")] = "id",
    evidence: Annotated[bool, Query(description="Each pair's comparisons in words")] = True,
    purpose: Purpose = "",
) -> dict[str, Any]:
    """Pairs waiting for a reviewer, side by side, one page of the filtered queue: ``total``
    pairs match the filter (``waiting`` in the whole queue, ``counts`` by pair, impact and
    reason); each pair says why it waits (``hold``, ``guard``), what each decision changes
    (``changes``) and, with ``evidence``, the model's comparisons in words."""
    context = ctx(request)
    return review_service.review_queue_page(
        context.store,
        user,
        region=region,
        pair=pair,
        impact=impact,
        reason=reason,
        offset=offset,
        limit=limit,
        lang=lang,
        model_path=context.model_path if evidence else None,
        purpose=purpose,
    )


@router.post("/review/decisions", dependencies=[CSRF])
def decide(request: Request, user: User, body: Decision) -> dict[str, Any]:
    """Decide a pair (same | different | unsure) with a reason."""
    return review_service.decide_pair(
        ctx(request).store,
        user,
        body.record_a,
        body.record_b,
        body.decision,
        reason=body.reason,
        purpose=body.purpose,
    )


@router.get("/batches")
def batches(request: Request, user: User) -> dict[str, Any]:
    """Ingestion history of the extracts the role handles."""
    return {"batches": ingest_service.batches(ctx(request).store, user)}


@router.get("/batches/{batch_id}/quarantine")
def quarantine(
    request: Request, user: User, batch_id: int, purpose: Purpose = ""
) -> dict[str, Any]:
    """Quarantined rows of one batch, with reasons."""
    rows = ingest_service.quarantine_rows(ctx(request).store, user, batch_id, purpose=purpose)
    return {"rows": rows}


@router.post("/ingest/{source}", dependencies=[CSRF])
def ingest(
    request: Request,
    user: User,
    source: str,
    file: Annotated[UploadFile, File()],
    purpose: Annotated[str, Form()] = "",
    snapshot: Annotated[bool, Form()] = False,
    snapshot_scope: Annotated[str, Form()] = "",
    allow_large_removal: Annotated[bool, Form()] = False,
    dry_run: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Ingest a file (same validation, options and summary as ``padan ingest``)."""
    return ingest_service.upload(
        ctx(request).store,
        user,
        source,
        file.filename or "upload",
        file.file,
        purpose=purpose,
        max_bytes=request.app.state.upload_max_bytes,
        snapshot=snapshot,
        snapshot_scope=snapshot_scope,
        allow_large_removal=allow_large_removal,
        dry_run=dry_run,
    )


@router.get("/runs")
def runs(request: Request, user: User) -> dict[str, Any]:
    """Linkage runs, the saved model's metadata and the background run (``job``)."""
    context = ctx(request)
    return runs_service.model_and_runs(context.store, user, model_path=context.model_path)


class LinkStart(BaseModel):
    full: bool = Field(False, description="Score every record again, not only what changed")
    purpose: str = ""


@router.post("/runs", status_code=202, dependencies=[CSRF])
def start_run(
    request: Request, user: User, body: Annotated[LinkStart | None, Body()] = None
) -> dict[str, Any]:
    """Start a linkage run in the background (409 while another works on the store); follow
    it at ``GET /api/v1/runs/job``. The body is optional (an incremental run)."""
    context = ctx(request)
    body = body or LinkStart(full=False)
    return runs_service.start_run(
        context.store, user, model_path=context.model_path, full=body.full, purpose=body.purpose
    )


@router.get("/runs/job")
def run_job(request: Request, user: User) -> dict[str, Any]:
    """The background run: ``status`` running, done or failed, its steps so far, ``run_id``;
    ``name_frequencies`` when done: ``frozen`` (with the model), ``not kept`` or ``lost``."""
    context = ctx(request)
    return {"job": runs_service.job_status(context.store, user, model_path=context.model_path)}


@router.get("/audit")
def audit(request: Request, user: User, child_id: str | None = None) -> dict[str, Any]:
    """Audit rows, newest first; ``child_id`` answers who accessed this child's data."""
    return {"entries": audit_service.audit_log(ctx(request).store, user, child_id=child_id)}
