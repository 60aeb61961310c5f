"""Routes of the headline indicators and the named worklists: pages and their ``/api/v1`` twins.

Everything goes through :mod:`padan.services.figures` and
:mod:`padan.services.worklists`, which apply the policy and the audit.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from padan.errors import InputError
from padan.i18n import LANGUAGES
from padan.services import figures
from padan.services import worklists as worklists_service
from padan.services.followups import FollowupFileError, import_followups
from padan.services.timeline import parse_day
from padan.services.worklist_file import column_label
from padan.store import Store
from padan.web.deps import CSRF, Purpose, User, ctx, language, render
from padan.web.downloads import file_response, worklist_xlsx_response

__all__ = ["api_router", "page_router"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad input (e.g. no purpose, unknown region)"},
    401: {"description": "Not logged in / no valid token"},
    403: {"description": "The role may not do this, or the region is outside its scope"},
    404: {"description": "No such worklist"},
}
api_router = APIRouter(prefix="/api/v1", tags=["api"], responses=_ERRORS)
_SINCE = "YYYY-MM-DD: only rows whose child had an event (a change) from this day on"
page_router = APIRouter(include_in_schema=False)


# -- API ----------------------------------------------------------------------------------------


@api_router.get("/indicators")
def api_indicators(request: Request, user: User, region: str | None = None) -> dict[str, Any]:
    """Headline indicators for ``region`` (default the user's scope) and one level below."""
    return figures.indicators(ctx(request).store, user, region=region, lang=language(request))


@api_router.get("/worklists")
def api_worklists(request: Request, user: User, region: str | None = None) -> dict[str, Any]:
    """The worklists the role may open, with row counts in scope."""
    return worklists_service.worklist_index(ctx(request).store, user, region=region)


@api_router.get("/worklists/{name}")
def api_worklist(
    request: Request,
    user: User,
    name: str,
    purpose: Purpose = "",
    region: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    since: Annotated[dt.date | None, Query(description=_SINCE)] = None,
) -> dict[str, Any]:
    """One page of a named worklist in scope, columns shaped by role (audited)."""
    return worklists_service.worklist(
        ctx(request).store,
        user,
        name,
        region=region,
        purpose=purpose,
        offset=offset,
        limit=limit,
        since=since,
    )


@api_router.get("/worklists/{name}/export", response_class=Response)
def api_export(
    request: Request,
    user: User,
    name: str,
    purpose: Purpose = "",
    region: str | None = None,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
    lang: Annotated[str | None, Query(pattern="^(id|en)$")] = None,
    since: Annotated[dt.date | None, Query(description=_SINCE)] = None,
) -> Response:
    """The whole worklist in scope as CSV (column codes) or XLSX (labelled headers in ``lang``,
    default the language cookie, else Indonesian; a cover sheet; status, date and note columns
    to fill in and upload again to ``/api/v1/worklists/import``). Audited."""
    return _export(request, user, name, format, region, purpose, lang, since)


@api_router.post("/worklists/import", dependencies=[CSRF])
def api_import(request: Request, user: User, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Record the follow-ups of a filled-in worklist XLSX (as exported here) as the user:
    all rows or none; a row already recorded is not recorded again. Audited."""
    data = _upload(request, file)
    return import_followups(ctx(request).store, user, data, file_name=file.filename or "upload")


def _export(
    request: Request,
    user: User,
    name: str,
    fmt: str,
    region: str | None,
    purpose: str,
    lang: str | None = None,
    since: dt.date | None = None,
) -> Response:
    store = ctx(request).store
    if fmt == "xlsx":
        export = worklists_service.export_worklist_file(
            store, user, name, region=region, purpose=purpose, since=since
        )
        return worklist_xlsx_response(export, lang if lang in LANGUAGES else language(request))
    title, header, rows = worklists_service.export_worklist(
        store, user, name, fmt=fmt, region=region, purpose=purpose, since=since
    )
    return file_response(fmt, name, title, header, rows)


def _upload(request: Request, file: UploadFile) -> bytes:
    cap = request.app.state.upload_max_bytes
    data = file.file.read(cap + 1)
    if len(data) > cap:
        raise InputError(f"{file.filename}: larger than {cap} bytes; split the worklist")
    return data


# -- pages --------------------------------------------------------------------------------------


@page_router.get("/worklists", response_class=HTMLResponse)
def worklists_page(request: Request, user: User, region: str = "") -> HTMLResponse:
    data = worklists_service.worklist_index(ctx(request).store, user, region=region or None)
    return render(request, "worklists.html", data=data, region=region)


@page_router.get("/worklists/{name}", response_class=HTMLResponse)
def worklist_page(
    request: Request,
    user: User,
    name: str,
    region: str = "",
    purpose: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
    since: str = "",
    imported_added: Annotated[int | None, Query(ge=0)] = None,
    imported_already_recorded: Annotated[int, Query(ge=0)] = 0,
    imported_children: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    store = ctx(request).store
    imported = (
        None
        if imported_added is None
        else {
            "added": imported_added,
            "already_recorded": imported_already_recorded,
            "children": imported_children,
        }
    )
    if not purpose.strip():  # ask why first; nothing is shown (or audited) without a purpose
        worklists_service.check_worklist(user, name)
        return render(
            request,
            "worklist.html",
            data=None,
            name=name,
            title=_title(store, user, name),
            region=region,
            purpose="",
            since=since,
        )
    day = parse_day(since)
    data = worklists_service.worklist(
        store, user, name, region=region or None, purpose=purpose, offset=offset, since=day
    )
    query = {"region": region, "purpose": purpose, **({"since": since} if day else {})}
    month = dt.datetime.now(dt.UTC).date().replace(day=1).isoformat()
    lang = language(request)
    return render(
        request,
        "worklist.html",
        data=data,
        labels={c: column_label(c, lang) for c in data["columns"]},
        name=name,
        region=region,
        purpose=purpose,
        csv=f"/worklists/{name}/export.csv?" + urlencode(query),
        xlsx=f"/worklists/{name}/export.xlsx?" + urlencode(query),
        more=f"/worklists/{name}?" + urlencode({**query, "offset": offset + 100})
        if offset + 100 < data["total"]
        else None,
        imported=imported,
        since=data["since"],
        new_this_month=f"/worklists/{name}?" + urlencode({**query, "since": month}),
        all_rows=f"/worklists/{name}?" + urlencode({"region": region, "purpose": purpose}),
    )


@page_router.get("/worklists/{name}/export.{fmt}", response_class=Response)
def worklist_export(
    request: Request,
    user: User,
    name: str,
    fmt: str,
    region: str = "",
    purpose: str = "",
    since: str = "",
) -> Response:
    return _export(request, user, name, fmt, region or None, purpose, since=parse_day(since))


@page_router.post("/worklists/{name}/import", response_class=HTMLResponse, dependencies=[CSRF])
def worklist_import(
    request: Request,
    user: User,
    name: str,
    file: Annotated[UploadFile, File()],
    region: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
) -> Response:
    """The follow-ups of a filled-in worklist file; the page lists every bad row. After a
    good upload from an open list, back to that list (same region and purpose) with the
    counts."""
    worklists_service.check_worklist(user, name)
    lang = language(request)
    page: dict[str, Any] = {
        "data": None,
        "name": name,
        "title": _title(ctx(request).store, user, name),
    }
    try:
        result = import_followups(
            ctx(request).store, user, _upload(request, file), file_name=file.filename or "upload"
        )
    except FollowupFileError as exc:
        problems = [
            {
                "row": p.row,
                "label": column_label(p.column, lang),
                "value": p.value,
                "problem": p.text(lang)[0],
                "fix": p.text(lang)[1],
            }
            for p in exc.rows
        ]
        return render(
            request,
            "worklist.html",
            status_code=400,
            **page,
            region="",
            purpose="",
            problems=problems,
            file_name=file.filename,
        )
    except InputError as exc:
        return render(
            request,
            "worklist.html",
            status_code=400,
            **page,
            region="",
            purpose="",
            import_error=str(exc),
        )
    if purpose.strip():
        counts = {k: result[k] for k in ("added", "already_recorded", "children")}
        back = {
            "region": region,
            "purpose": purpose,
            **{f"imported_{k}": v for k, v in counts.items()},
        }
        return RedirectResponse(f"/worklists/{name}?" + urlencode(back), status_code=303)
    return render(request, "worklist.html", **page, region="", purpose="", imported=result)


def _title(store: Store, user: User, name: str) -> str:
    """The worklist's title (its name when the latest report has no such list)."""
    lists = worklists_service.worklist_index(store, user)["worklists"]
    return str(next((w["title"] for w in lists if w["name"] == name), name))
