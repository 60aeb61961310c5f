"""The FastAPI application: routers, errors in one shape, security headers.

The routes live in :mod:`padan.web.routes` and take what they share (who is asking, CSRF, the
store, templates) from :mod:`padan.web.deps`; nothing imports this module back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from padan.access.auth import LoginThrottled
from padan.access.authorise import Forbidden, NotFound
from padan.access.policy import get_role
from padan.dci import PREFIX as DCI_PREFIX
from padan.dci import body_refusal as dci_body_refusal
from padan.dci import mount as mount_dci
from padan.domain.regions import region_table
from padan.errors import BusyError, InputError, PadanError
from padan.i18n import N_, gettext
from padan.services.ingest import (
    DEFAULT_UPLOAD_MAX_BYTES,
    UploadTooLarge,
    size_text,
    too_large_message,
)
from padan.settings import Settings
from padan.store import Store
from padan.web.client_address import trusted_networks
from padan.web.deps import (
    CsrfError,
    LoginCsrfError,
    PasswordChangeRequired,
    Unauthenticated,
    WebContext,
    language,
    render,
)
from padan.web.i18n import template_environment
from padan.web.messages import error_text, validation_text
from padan.web.routes import accounts, api, institutions, pages, worklists

__all__ = ["app_from_environment", "app_from_settings", "create_app", "error_body"]

_log = logging.getLogger("padan.web")


class _TypeOnly(logging.Filter):
    """Keeps an error's type in the server log, never its text or traceback: both may hold a
    value from a child's record or a server path. Starlette re-raises what the 500 handler
    answered, and uvicorn then logs it with ``exc_info``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.getMessage().strip()} ({record.exc_info[0].__name__})"
            record.args, record.exc_info, record.exc_text = (), None, None
        return True


def _quiet_tracebacks() -> None:
    """Install :class:`_TypeOnly` on the loggers uvicorn and Starlette report errors on."""
    for name in ("uvicorn.error", "uvicorn", "padan.web"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _TypeOnly) for f in logger.filters):
            logger.addFilter(_TypeOnly())


#: What a page says for an HTTP error of the framework (the API keeps its detail).
_HTTP_TEXT = {
    404: N_("This page does not exist. Check the address, or go back to the dashboard."),
    405: N_("This address does not take that kind of request."),
}

_STATUS = {
    Unauthenticated: (401, "unauthenticated"),
    CsrfError: (403, "csrf"),
    PasswordChangeRequired: (403, "password_change_required"),
    Forbidden: (403, "forbidden"),
    NotFound: (404, "not_found"),
    LoginThrottled: (429, "too_many_attempts"),
    UploadTooLarge: (413, "too_large"),
    InputError: (400, "bad_input"),
    BusyError: (409, "busy"),
}


def _error_status(exc: Exception) -> tuple[int, str]:
    for kind, status in _STATUS.items():
        if isinstance(exc, kind):
            return status
    return 500, "error"


def error_body(code: str, message: str) -> dict[str, Any]:
    """The one error shape of the API."""
    return {"error": {"code": code, "message": message}}


def create_app(
    store: Store,
    *,
    model_path: Path,
    secure_cookies: bool = True,
    trusted_proxies: str | Iterable[str] = (),
    upload_max_bytes: int = DEFAULT_UPLOAD_MAX_BYTES,
    dci_registry_id: str = "padan",
    dci_callback_hosts: str = "",
    dci_key_file: Path | None = None,
    dci_partner_keys: Path | None = None,
    dci_require_signatures: bool = False,
    dci_senders: str = "",
) -> FastAPI:
    """The web app and API on ``store``; ``secure_cookies`` sends cookies over HTTPS only;
    ``X-Forwarded-For`` is believed only from ``trusted_proxies`` (addresses or networks);
    uploads (and any request body) over ``upload_max_bytes`` are refused with 413. The DCI
    registry API (:mod:`padan.dci`) answers under ``/registry`` as ``dci_registry_id`` and
    sends asynchronous answers only to ``dci_callback_hosts`` (comma-separated), signed with
    the key in ``dci_key_file`` (``None``: a key for this process only); senders with a key in
    ``dci_partner_keys`` (or all, with ``dci_require_signatures``) must sign; ``dci_senders``
    (``sender_id=user,...``) ties each sender id to the users whose tokens may use it."""
    _quiet_tracebacks()
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
    templates = Jinja2Templates(env=template_environment(Path(str(base / "templates"))))
    app.state.padan = WebContext(store, model_path, templates, secure_cookies)
    app.state.trusted_proxies = trusted_networks(trusted_proxies)
    app.state.upload_max_bytes = upload_max_bytes
    app.mount("/static", StaticFiles(directory=str(base / "static")), name="static")
    app.include_router(api.router)
    app.include_router(institutions.api_router)
    app.include_router(pages.router)
    app.include_router(accounts.router)
    app.include_router(accounts.api_router)
    app.include_router(institutions.page_router)
    app.include_router(worklists.api_router)
    app.include_router(worklists.page_router)
    mount_dci(
        app,
        store,
        registry_id=dci_registry_id,
        callback_hosts=dci_callback_hosts,
        key_file=dci_key_file,
        partner_keys=dci_partner_keys,
        require_signatures=dci_require_signatures,
        senders=dci_senders,
    )

    @app.exception_handler(LoginCsrfError)
    async def login_expired(request: Request, exc: LoginCsrfError) -> Response:
        return pages.login_page(request, error="csrf")

    @app.exception_handler(PadanError)
    async def padan_error(request: Request, exc: PadanError) -> Response:
        status, code = _error_status(exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse(error_body(code, str(exc)), status_code=status)
        if status == 401:
            return RedirectResponse("/login", status_code=303)
        if isinstance(exc, PasswordChangeRequired):
            return RedirectResponse("/account/password", status_code=303)
        message = error_text(exc, language(request))
        return render(request, "error.html", status_code=status, message=message, code=code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = [
            f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()
        ]
        message = "; ".join(parts) or "invalid request"
        if request.url.path.startswith("/api/"):
            return JSONResponse(error_body("bad_input", message), status_code=422)
        message = validation_text(list(exc.errors()), language(request))
        return render(request, "error.html", status_code=422, message=message, code="bad_input")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
        if request.url.path.startswith("/api/"):
            return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)
        message = _HTTP_TEXT.get(exc.status_code)
        shown = gettext(message, language(request)) if message else str(exc.detail)
        return render(request, "error.html", status_code=exc.status_code, message=shown, code=code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # The error's type only: its text may hold a server path or a value from the data.
        _log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        message = f"the server could not complete this request ({type(exc).__name__})"
        if request.url.path.startswith("/api/"):
            return JSONResponse(error_body("error", message), status_code=500)
        message = gettext(
            "The server could not complete this request (%(kind)s). Try again; if it happens "
            "again, tell an administrator.",
            language(request),
        ) % {"kind": type(exc).__name__}
        return render(request, "error.html", status_code=500, message=message, code="error")

    @app.middleware("http")
    async def body_limit(request: Request, call_next: Any) -> Response:
        # Refused before the body is read: the upload's stated length is over the limit, or a
        # body comes without a length (chunked, in any spelling), which could only be measured by
        # reading it.
        length = request.headers.get("content-length")
        if request.url.path.startswith(f"{DCI_PREFIX}/"):  # a DCI error envelope, its own limit
            refused = dci_body_refusal(length, request.headers.get("transfer-encoding"))
            if refused is not None:
                return refused
            dci_response: Response = await call_next(request)
            return dci_response
        status, message = 0, ""
        if length is None and request.headers.get("transfer-encoding"):
            status, message = 411, "send the request with a Content-Length header"
        elif length is not None and (not length.isdigit() or int(length) > _body_cap(app)):
            status, message = 413, too_large_message("the upload", app.state.upload_max_bytes)
        if not status:
            response: Response = await call_next(request)
            return response
        code = "too_large" if status == 413 else "length_required"
        if request.url.path.startswith("/api/"):
            return JSONResponse(error_body(code, message), status_code=status)
        if status == 413:
            shown = gettext(
                "The file is larger than the upload limit of %(limit)s; split it, or ask an "
                "administrator to ingest it on the server.",
                language(request),
            ) % {"limit": size_text(app.state.upload_max_bytes)}
        else:
            shown = gettext("Send the request with a Content-Length header.", language(request))
        return render(request, "error.html", status_code=status, message=shown, code=code)

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


def _body_cap(app: FastAPI) -> int:
    # The file plus the form around it (field names, the CSRF token, multipart boundaries).
    cap: int = app.state.upload_max_bytes + 64 * 1024
    return cap


def app_from_environment() -> FastAPI:
    """App factory for ``padan serve --workers N``: each worker process builds its own app from
    the settings (``PADAN_DATABASE_URL``, ``PADAN_MODEL_PATH``, ``PADAN_WEB_SECURE_COOKIES``,
    ``PADAN_TRUSTED_PROXIES``, ``PADAN_UPLOAD_MAX_BYTES``; cookies are secure unless that is 0)."""
    from padan.settings import SettingsError, get_settings
    from padan.store import open_store

    try:
        settings = get_settings()
    except SettingsError as exc:  # a worker cannot start: say which variable, not a traceback
        raise InputError(str(exc)) from None
    return app_from_settings(open_store(settings.database_url), settings)


def app_from_settings(store: Store, settings: Settings) -> FastAPI:
    """The app on ``store`` with what ``settings`` say (cookies secure unless set to false)."""
    return create_app(
        store,
        model_path=settings.model_path,
        secure_cookies=settings.web_secure_cookies is not False,
        trusted_proxies=settings.trusted_proxies,
        upload_max_bytes=settings.upload_max_bytes,
        dci_registry_id=settings.dci_registry_id,
        dci_callback_hosts=settings.dci_callback_hosts,
        dci_key_file=settings.dci_key_file,
        dci_partner_keys=settings.dci_partner_keys,
        dci_require_signatures=settings.dci_require_signatures,
        dci_senders=settings.dci_senders,
    )
