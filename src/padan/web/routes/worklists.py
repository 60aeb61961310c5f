"""Routes of the headline indicators and the named worklists: pages and their ``/api/v1`` twins.

Everything goes through :mod:`padan.services.figures` and
:mod:`padan.services.worklists`, which apply the policy and the audit.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from padan.services import figures
from padan.services import worklists as worklists_service
from padan.web.deps import Purpose, User, ctx, language, render
from padan.web.downloads import file_response

__all__ = ["api_router", "page_router"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad input (e.g. no purpose, unknown region)"},
    401: {"description": "Not logged in / no valid token"},
    403: {"description": "The role may not do this, or the region is outside its scope"},
    404: {"description": "No such worklist"},
}
api_router = APIRouter(prefix="/api/v1", tags=["api"], responses=_ERRORS)
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
) -> dict[str, Any]:
    """One page of a named worklist in scope, columns shaped by role (audited)."""
    return worklists_service.worklist(
        ctx(request).store, user, name, region=region, purpose=purpose, offset=offset, limit=limit
    )


@api_router.get("/worklists/{name}/export", response_class=Response)
def api_export(
    request: Request,
    user: User,
    name: str,
    purpose: Purpose = "",
    region: str | None = None,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
) -> Response:
    """The whole worklist in scope as CSV or XLSX (audited)."""
    title, header, rows = worklists_service.export_worklist(
        ctx(request).store, user, name, fmt=format, region=region, purpose=purpose
    )
    return file_response(format, name, title, header, rows)


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
) -> HTMLResponse:
    store = ctx(request).store
    if not purpose.strip():  # ask why first; nothing is shown (or audited) without a purpose
        worklists_service.check_worklist(user, name)
        return render(request, "worklist.html", data=None, name=name, region=region, purpose="")
    data = worklists_service.worklist(
        store, user, name, region=region or None, purpose=purpose, offset=offset, limit=100
    )
    query = {"region": region, "purpose": purpose}
    return render(
        request,
        "worklist.html",
        data=data,
        name=name,
        region=region,
        purpose=purpose,
        csv=f"/worklists/{name}/export.csv?" + urlencode(query),
        xlsx=f"/worklists/{name}/export.xlsx?" + urlencode(query),
        more=f"/worklists/{name}?" + urlencode({**query, "offset": offset + 100})
        if offset + 100 < data["total"]
        else None,
    )


@page_router.get("/worklists/{name}/export.{fmt}", response_class=Response)
def worklist_export(
    request: Request, user: User, name: str, fmt: str, region: str = "", purpose: str = ""
) -> Response:
    title, header, rows = worklists_service.export_worklist(
        ctx(request).store, user, name, fmt=fmt, region=region or None, purpose=purpose
    )
    return file_response(fmt, name, title, header, rows)
