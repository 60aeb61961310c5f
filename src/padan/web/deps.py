"""What every route shares: the app's context, who is asking, CSRF, and rendering a page.

Routes import these and nothing from :mod:`padan.web.app`. Every state-changing route (POST,
PUT, PATCH, DELETE) declares :func:`require_csrf` (``dependencies=[CSRF]``) or, for the login
form, which has no session yet, :func:`require_login_csrf`; ``tests/web`` checks that none is
missing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from padan.access.auth import TokenRejected, principal_for_session, principal_for_token
from padan.access.policy import Principal
from padan.errors import PadanError
from padan.store import Store
from padan.web.i18n import LANGUAGES, step_translator, translator

__all__ = [
    "CSRF",
    "ERROR_RESPONSES",
    "LANG_COOKIE",
    "LOGIN_CSRF_COOKIE",
    "PASSWORD_CHANGE_PATHS",
    "SESSION_COOKIE",
    "CsrfError",
    "LoginCsrfError",
    "PasswordChangeRequired",
    "Purpose",
    "Unauthenticated",
    "User",
    "WebContext",
    "authenticate",
    "ctx",
    "language",
    "render",
    "require_csrf",
    "require_login_csrf",
]

SESSION_COOKIE = "padan_session"
LANG_COOKIE = "padan_lang"
#: The login form's own CSRF token (there is no session to hold one yet).
LOGIN_CSRF_COOKIE = "padan_login_csrf"
#: The form field that carries the CSRF token (the header is ``X-CSRF-Token``).
_CSRF_FIELD = "csrf_token"
#: What a session whose password change is due may still use.
PASSWORD_CHANGE_PATHS = frozenset({"/account/password", "/logout"})
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class Unauthenticated(PadanError):
    """No valid session or token."""


class PasswordChangeRequired(PadanError):
    """A session whose user must change the password first (pages send them to the form)."""


class CsrfError(PadanError):
    """A form or request without the right CSRF token."""


class LoginCsrfError(CsrfError):
    """The login form came back without the token it was given (the form is shown again)."""


@dataclass
class WebContext:
    """What every route needs: the store, the model path, templates and cookie settings."""

    store: Store
    model_path: Path
    templates: Jinja2Templates
    secure_cookies: bool


def ctx(request: Request) -> WebContext:
    """The :class:`WebContext` the app was created with."""
    context: WebContext = request.app.state.padan
    return context


def authenticate(request: Request) -> Principal:
    """The principal behind a Bearer token or a session cookie; raises :class:`Unauthenticated`."""
    store = ctx(request).store
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        try:
            principal = principal_for_token(store, header[7:].strip())
        except TokenRejected as exc:
            raise Unauthenticated(str(exc)) from exc
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
    if found[2] and request.url.path not in PASSWORD_CHANGE_PATHS:
        raise PasswordChangeRequired(
            "change your password first: an administrator required it (/account/password)"
        )
    return found[0]


#: The principal of a route (401 without a session or token).
User = Annotated[Principal, Depends(authenticate)]
#: Why the data is accessed; kept in the audit log.
Purpose = Annotated[str, Query(description="Why the data is accessed (kept in the audit log)")]
#: The error answers every API route may give, for the OpenAPI schema.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not logged in / no valid token"},
    403: {"description": "The role may not do this"},
    404: {"description": "Absent, or outside the user's scope"},
}


async def _form_token(request: Request) -> str | None:
    """The ``csrf_token`` field of a form body (parsed once: the route reads the same form)."""
    if not request.headers.get("content-type", "").startswith(_FORMS):
        return None
    value = (await request.form()).get(_CSRF_FIELD)
    return value if isinstance(value, str) else None


def _same(expected: str, given: str) -> bool:
    """Constant-time comparison (as bytes: any text a client sends is comparable)."""
    return secrets.compare_digest(expected.encode(), given.encode())


async def require_csrf(
    request: Request,
    user: User,
    x_csrf_token: Annotated[
        str | None, Header(description="The session's CSRF token (cookie sessions only)")
    ] = None,
) -> None:
    """Cookie-authenticated writes need the session's CSRF token (form field or header).

    Requests with a Bearer token carry no cookie a browser could send on its own; they pass.
    Raises :class:`CsrfError`.
    """
    if getattr(request.state, "bearer", False):
        return
    expected = getattr(request.state, "csrf", None)
    token = await _form_token(request) or x_csrf_token
    if not expected or not token or not _same(expected, token):
        raise CsrfError("missing or wrong CSRF token; reload the page and try again")


#: For a state-changing route: ``@router.post(path, dependencies=[CSRF])``.
CSRF = Depends(require_csrf)


async def require_login_csrf(request: Request) -> None:
    """The login form's token must match its cookie (double submit); raises
    :class:`LoginCsrfError`, which shows the login form again."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    given = await _form_token(request) or ""
    if not expected or not _same(expected, given):
        raise LoginCsrfError("the login form expired; log in again")


def language(request: Request) -> str:
    """The user's language (``id`` unless the language cookie says ``en``)."""
    lang = request.cookies.get(LANG_COOKIE, "id")
    return lang if lang in LANGUAGES else "id"


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page in the user's language, with the principal and CSRF token at hand."""
    lang = language(request)
    context = {
        "request": request,
        "t": translator(lang),
        "step_text": step_translator(lang),
        "lang": lang,
        "principal": getattr(request.state, "principal", None),
        "csrf": getattr(request.state, "csrf", None),
        **values,
    }
    return ctx(request).templates.TemplateResponse(
        request, template, context, status_code=status_code
    )
