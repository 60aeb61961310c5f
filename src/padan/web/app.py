"""The FastAPI application: authentication, CSRF, errors in one shape, pages and API."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from padan.domain.regions import region_table
from padan.errors import InputError, PadanError
from padan.store import Store
from padan.web.auth import LoginThrottled, principal_for_session, principal_for_token
from padan.web.i18n import LANGUAGES, translator
from padan.web.policy import Principal, get_role
from padan.web.service import Forbidden, NotFound

__all__ = ["SESSION_COOKIE", "Unauthenticated", "WebContext", "create_app"]

SESSION_COOKIE = "padan_session"
LANG_COOKIE = "padan_lang"


class Unauthenticated(PadanError):
    """No valid session or token."""


class CsrfError(PadanError):
    """A form or request without the right CSRF token."""


@dataclass
class WebContext:
    """What every route needs: the store, the model path, templates and cookie settings."""

    store: Store
    model_path: Path
    templates: Jinja2Templates
    secure_cookies: bool


def ctx(request: Request) -> WebContext:
    context: WebContext = request.app.state.padan
    return context


def authenticate(request: Request) -> Principal:
    """The principal behind a Bearer token or a session cookie; raises :class:`Unauthenticated`."""
    store = ctx(request).store
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        principal = principal_for_token(store, header[7:].strip())
        if principal is None:
            raise Unauthenticated("invalid or revoked API token")
        request.state.csrf = None
        request.state.bearer = True
        request.state.principal = principal
        return principal
    cookie = request.cookies.get(SESSION_COOKIE)
    found = principal_for_session(store, cookie) if cookie else None
    if found is None:
        raise Unauthenticated("log in first (session cookie or Authorization: Bearer TOKEN)")
    request.state.csrf = found[1]
    request.state.bearer = False
    request.state.principal = found[0]
    return found[0]


def check_csrf(request: Request, given: str | None) -> None:
    """Cookie-authenticated writes need the session's CSRF token (form field or header)."""
    if getattr(request.state, "bearer", False):
        return
    expected = getattr(request.state, "csrf", None)
    token = given or request.headers.get("x-csrf-token")
    if not expected or not token or not secrets.compare_digest(expected, token):
        raise CsrfError("missing or wrong CSRF token; reload the page and try again")


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "id")
    return lang if lang in LANGUAGES else "id"


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page in the user's language, with the principal and CSRF token at hand."""
    lang = language(request)
    context = {
        "request": request, "t": translator(lang), "lang": lang,
        "principal": getattr(request.state, "principal", None),
        "csrf": getattr(request.state, "csrf", None), **values,
    }  # fmt: skip
    return ctx(request).templates.TemplateResponse(
        request, template, context, status_code=status_code
    )


_STATUS = {
    Unauthenticated: (401, "unauthenticated"),
    CsrfError: (403, "csrf"),
    Forbidden: (403, "forbidden"),
    NotFound: (404, "not_found"),
    LoginThrottled: (429, "too_many_attempts"),
    InputError: (400, "bad_input"),
}


def _error_status(exc: Exception) -> tuple[int, str]:
    for kind, status in _STATUS.items():
        if isinstance(exc, kind):
            return status
    return 500, "error"


def error_body(code: str, message: str) -> dict[str, Any]:
    """The one error shape of the API."""
    return {"error": {"code": code, "message": message}}


def create_app(store: Store, *, model_path: Path, secure_cookies: bool = True) -> FastAPI:
    """The web app and API on ``store``; ``secure_cookies`` sends cookies over HTTPS only."""
    from padan.web.api import router as api_router
    from padan.web.institutions_routes import api_router as institutions_api
    from padan.web.institutions_routes import page_router as institutions_pages
    from padan.web.pages import router as page_router
    from padan.web.worklist_routes import api_router as figures_api
    from padan.web.worklist_routes import page_router as figures_pages

    app = FastAPI(
        title="Padan API",
        version="1",
        description="Pemadanan data perlindungan anak: KPAI × Kemensos × DTSEN.",
        docs_url=None,  # Swagger UI would load from a CDN; the schema is served as JSON
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    # Load the region list and the policy once, now: loading them on the first requests of
    # many threads at once would do the same work in every thread.
    region_table()
    get_role("admin")
    base = resources.files("padan.web")
    templates = Jinja2Templates(directory=str(base / "templates"))
    app.state.padan = WebContext(store, model_path, templates, secure_cookies)
    app.mount("/static", StaticFiles(directory=str(base / "static")), name="static")
    app.include_router(api_router)
    app.include_router(institutions_api)
    app.include_router(page_router)
    app.include_router(institutions_pages)
    app.include_router(figures_api)
    app.include_router(figures_pages)

    @app.exception_handler(PadanError)
    async def padan_error(request: Request, exc: PadanError) -> Response:
        status, code = _error_status(exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse(error_body(code, str(exc)), status_code=status)
        if status == 401:
            return RedirectResponse("/login", status_code=303)
        return render(request, "error.html", status_code=status, message=str(exc), code=code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = [
            f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()
        ]
        message = "; ".join(parts) or "invalid request"
        if request.url.path.startswith("/api/"):
            return JSONResponse(error_body("bad_input", message), status_code=422)
        return render(request, "error.html", status_code=422, message=message, code="bad_input")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
        if request.url.path.startswith("/api/"):
            return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)
        return render(request, "error.html", status_code=exc.status_code,
                      message=str(exc.detail), code=code)  # fmt: skip

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/api/v1/docs"):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:",
            )
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def app_from_environment() -> FastAPI:
    """App factory for ``padan serve --workers N``: each worker process builds its own app from
    the settings (``PADAN_DATABASE_URL``, ``PADAN_MODEL_PATH``, ``PADAN_WEB_SECURE_COOKIES``;
    cookies are secure unless that is 0)."""
    from padan.settings import get_settings
    from padan.store import open_store

    settings = get_settings()
    secure = settings.web_secure_cookies is not False
    return create_app(open_store(settings.database_url), model_path=settings.model_path,
                      secure_cookies=secure)  # fmt: skip
