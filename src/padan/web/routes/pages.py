"""Server-rendered pages (Jinja2 + htmx). Each page calls the same service as its API twin."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from padan.access.auth import LoginThrottled, end_session, login
from padan.access.policy import Principal
from padan.domain.regions import region_table
from padan.errors import BusyError, InputError
from padan.services import audit as audit_service
from padan.services import children as children_service
from padan.services import dashboard as dashboard_service
from padan.services import ingest as ingest_service
from padan.services import review as review_service
from padan.services import runs as runs_service
from padan.services.figures import indicator_chart, indicators, province_figures
from padan.services.trends import dashboard_trend
from padan.web.choropleth import choropleth
from padan.web.client_address import client_address
from padan.web.deps import (
    CSRF,
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    User,
    ctx,
    language,
    render,
    require_login_csrf,
)
from padan.web.downloads import csv_response
from padan.web.forms import FormErrors
from padan.web.i18n import shown
from padan.web.messages import error_text

__all__ = ["login_page", "router"]

router = APIRouter(include_in_schema=False)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/dashboard", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, error: str | None = None) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", login_csrf=token, error=error)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=ctx(request).secure_cookies,
        max_age=3600,
    )
    return response


@router.post("/login", response_model=None, dependencies=[Depends(require_login_csrf)])
def login_submit(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> Response:
    try:
        session_id, _ = login(
            ctx(request).store, username, password, client=client_address(request)
        )
    except LoginThrottled:
        return _login_error(request, "throttled", 429)
    except InputError:
        return _login_error(request, "wrong", 401)
    response = RedirectResponse("/dashboard", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="strict",
        secure=ctx(request).secure_cookies,
        max_age=8 * 3600,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


def _login_error(request: Request, error: str, status: int) -> HTMLResponse:
    response = login_page(request, error=error)
    response.status_code = status
    return response


@router.post("/logout", dependencies=[CSRF])
def logout(request: Request, user: User) -> RedirectResponse:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        end_session(ctx(request).store, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{lang}")
def switch_language(lang: str, next: str = "/") -> RedirectResponse:
    # A path on this site only: browsers read "//host" and "/\\host" as another site.
    local = next.startswith("/") and next[1:2] not in ("/", "\\") and "\n" not in next
    target = next if local else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        LANG_COOKIE, "en" if lang == "en" else "id", samesite="lax", max_age=365 * 86400
    )
    return response


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    user: User,
    region: str | None = None,
    indicator: str = "",
    measure: str = "count",
    trend: str = "",
    period: str = "",
) -> HTMLResponse:
    store, lang = ctx(request).store, language(request)
    data = dashboard_service.dashboard(store, user, region=region)
    peak = max([r["dtsen"] + r["kpai"] for r in data["rows"]] or [1]) or 1
    figures = indicators(store, user, region=region, lang=lang)
    provinces = province_figures(store, user, key=indicator, lang=lang)
    return render(
        request,
        "dashboard.html",
        data=data,
        peak=peak,
        ind=figures,
        chart=indicator_chart(figures, provinces["key"] or indicator),
        pmap=provinces,
        trend=dashboard_trend(
            store, user, indicator=trend, period=period, region=region, lang=lang
        ),
        # a regional user's map is zoomed onto their province(s)
        map=choropleth(
            provinces,
            measure=measure,
            focus=None if user.regions is None else list(provinces["provinces"]),
        ),
    )


@router.get("/children", response_class=HTMLResponse)
def search(
    request: Request, user: User, q: str = "", region: str = "", purpose: str = ""
) -> HTMLResponse:
    hits = None
    if q.strip():
        hits = children_service.search_children(
            ctx(request).store, user, q, region=region or None, purpose=purpose
        )
    export = "/children/export.csv?" + urlencode({"q": q, "region": region, "purpose": purpose})
    template = "search_results.html" if request.headers.get("hx-request") else "search.html"
    return render(request, template, q=q, region=region, purpose=purpose, hits=hits, export=export)


@router.get("/children/export.csv", response_class=Response)
def export(request: Request, user: User, q: str, region: str = "", purpose: str = "") -> Response:
    header, rows = children_service.export_search(
        ctx(request).store, user, q, region=region or None, purpose=purpose
    )
    # For people (a spreadsheet): labelled headers and codes; the API's export keeps the codes.
    lang = language(request)
    shown_rows = [[shown(h, v, lang) for h, v in zip(header, row, strict=True)] for row in rows]
    return csv_response([shown("column", h, lang) for h in header], shown_rows, "anak.csv")


@router.get("/children/{child_id}", response_class=HTMLResponse)
def profile(request: Request, user: User, child_id: str, purpose: str = "") -> HTMLResponse:
    data = children_service.child_profile(
        ctx(request).store, user, child_id, purpose=purpose, lang=language(request)
    )
    return render(request, "profile.html", data=data, purpose=purpose)


@router.get("/children/{child_id}/explain", response_class=HTMLResponse)
def explain(
    request: Request, user: User, child_id: str, a: str, b: str, purpose: str = ""
) -> HTMLResponse:
    context = ctx(request)
    data = children_service.explain(
        context.store,
        user,
        child_id,
        a,
        b,
        model_path=context.model_path,
        purpose=purpose,
        lang=language(request),
    )
    return render(request, "explain.html", data=data)


@router.get("/review", response_class=HTMLResponse)
def review(
    request: Request,
    user: User,
    done: str = "",
    region: str = "",
    pair: str = "",
    impact: str = "",
    reason: str = "",
    offset: int = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = review_service.PAGE_SIZE,
    at: int | None = None,
) -> HTMLResponse:
    """The review queue: filters and page in the URL (a link can be shared); ``at`` is the
    position of the pair to show first after a decision (the next one on the same page)."""
    context = ctx(request)
    page = review_service.review_queue_page(
        context.store,
        user,
        region=region or None,
        pair=pair or None,
        impact=impact or None,
        reason=reason or None,
        offset=offset,
        limit=limit,
        lang=language(request),
        model_path=context.model_path,
    )
    query = {k: v for k, v in page["filters"].items() if v}
    if page["limit"] != review_service.PAGE_SIZE:
        query["limit"] = str(page["limit"])
    return render(
        request,
        "review.html",
        page=page,
        items=page["items"],
        done=done,
        at=at,
        query=query,
        provinces=_provinces(user),
        page_url=lambda offset: "/review?" + urlencode({**query, "offset": offset}),
    )


def _provinces(user: Principal) -> list[tuple[str, str]]:
    """The regions a reviewer can filter by: every province, or the user's own scope."""
    table = region_table()
    if user.regions is None:
        return sorted(
            (r.code, r.name) for r in table.values() if r.level == "province" and not r.retired
        )
    return [(code, table[code].name if code in table else code) for code in user.regions]


@router.post("/review/decide", response_model=None, dependencies=[CSRF])
def decide(
    request: Request,
    user: User,
    record_a: Annotated[str, Form()],
    record_b: Annotated[str, Form()],
    decision: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    region: Annotated[str, Form()] = "",
    pair: Annotated[str, Form()] = "",
    impact: Annotated[str, Form()] = "",
    review_reason: Annotated[str, Form()] = "",
    offset: Annotated[int, Form()] = 0,
    limit: Annotated[int, Form()] = review_service.PAGE_SIZE,
    position: Annotated[int, Form()] = 0,
) -> Response:
    result = review_service.decide_pair(
        ctx(request).store, user, record_a, record_b, decision, reason=reason
    )
    done = "decided" if result["status"] == "decided" else "pending"
    # A pair decided same or different leaves the queue: the next one takes its place. An
    # unsure pair, or one held for a second reviewer, stays: the next one is after it.
    stays = done == "pending" or result.get("decision") == "unsure"
    at = position + 1 if stays else position
    if at >= offset + limit:
        offset += limit
    filters = {"region": region, "pair": pair, "impact": impact, "reason": review_reason}
    query = {k: v for k, v in filters.items() if v}
    if limit != review_service.PAGE_SIZE:
        query["limit"] = str(limit)
    query.update({"offset": str(offset), "done": done, "at": str(at)})
    return RedirectResponse(f"/review?{urlencode(query)}#item-{at}", status_code=303)


@router.get("/ingest", response_class=HTMLResponse)
def ingest_page(request: Request, user: User) -> HTMLResponse:
    return render(
        request,
        "ingest.html",
        batches=ingest_service.batches(ctx(request).store, user),
        summary=None,
    )


@router.post("/ingest", response_class=HTMLResponse, dependencies=[CSRF])
def ingest_upload(
    request: Request,
    user: User,
    source: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    snapshot: Annotated[bool, Form()] = False,
    snapshot_scope: Annotated[str, Form()] = "",
    allow_large_removal: Annotated[bool, Form()] = False,
    dry_run: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    store = ctx(request).store
    try:
        summary = ingest_service.upload(
            store,
            user,
            source,
            file.filename or "upload",
            file.file,
            max_bytes=request.app.state.upload_max_bytes,
            snapshot=snapshot,
            snapshot_scope=snapshot_scope,
            allow_large_removal=allow_large_removal,
            dry_run=dry_run,
        )
    except InputError as exc:
        # Shown next to the file field (the service names the uploaded file, never a temp path).
        return render(
            request,
            "ingest.html",
            status_code=400,
            batches=ingest_service.batches(store, user),
            summary=None,
            errors=FormErrors(fields={_field_of(exc): error_text(exc, language(request))}),
        )
    return render(
        request, "ingest.html", batches=ingest_service.batches(store, user), summary=summary
    )


def _field_of(exc: InputError) -> str:
    """The upload form's field an error is about: the snapshot's region, else the file."""
    return "snapshot_scope" if str(exc).startswith("snapshot_scope") else "file"


@router.get("/ingest/{batch_id}/quarantine", response_class=HTMLResponse)
def quarantine(request: Request, user: User, batch_id: int) -> HTMLResponse:
    rows = ingest_service.quarantine_rows(ctx(request).store, user, batch_id)
    return render(request, "quarantine.html", rows=rows, batch_id=batch_id)


@router.get("/runs", response_class=HTMLResponse)
def runs(request: Request, user: User, busy: str = "") -> HTMLResponse:
    context = ctx(request)
    data = runs_service.model_and_runs(context.store, user, model_path=context.model_path)
    return render(request, "runs.html", data=data, job=data["job"], busy=bool(busy))


@router.get("/runs/job", response_class=HTMLResponse)
def run_job(request: Request, user: User) -> HTMLResponse:
    """The background run's progress (polled by the runs page while it works)."""
    context = ctx(request)
    job = runs_service.job_status(context.store, user, model_path=context.model_path)
    response = render(request, "runs_job.html", job=job)
    if request.headers.get("hx-request") and not (job and job["running"]):
        response.headers["HX-Refresh"] = "true"  # ended: show the new run in the table
    return response


@router.post("/runs/link", response_model=None, dependencies=[CSRF])
def start_run(
    request: Request,
    user: User,
    full: Annotated[bool, Form()] = False,
    purpose: Annotated[str, Form()] = "",
) -> Response:
    context = ctx(request)
    try:
        runs_service.start_run(
            context.store, user, model_path=context.model_path, full=full, purpose=purpose
        )
    except BusyError:
        return RedirectResponse("/runs?busy=1", status_code=303)
    return RedirectResponse("/runs", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, user: User, child_id: str = "") -> HTMLResponse:
    rows = audit_service.audit_log(ctx(request).store, user, child_id=child_id or None)
    return render(request, "audit.html", rows=rows, child_id=child_id)
