"""The admin page of users and API tokens, its JSON twin under ``/api/v1``, and changing one's
own password.

Every action is a CSRF-protected POST (a form on the page) that calls
:mod:`padan.services.accounts`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from padan.errors import FieldProblem, InputError
from padan.i18n import N_
from padan.services import accounts as accounts_service
from padan.web.deps import CSRF, ERROR_RESPONSES, SESSION_COOKIE, User, ctx, language, render
from padan.web.forms import FormErrors, form_errors

__all__ = ["api_router", "router"]

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)

_USER_ACTIONS = {
    "deactivate": accounts_service.deactivate,
    "reactivate": accounts_service.reactivate,
    "require-password-change": accounts_service.require_password_change,
}


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users(request: Request, user: User, done: str = "") -> HTMLResponse:
    store = ctx(request).store
    return render(
        request,
        "admin_users.html",
        users=accounts_service.users(store, user),
        tokens=accounts_service.tokens(store, user),
        done=done,
    )


def _change_user(request: Request, user: User, username: str, action: str) -> bool:
    change = _USER_ACTIONS.get(action)
    if change is None:
        raise InputError(f"unknown action {action!r}; use one of {', '.join(_USER_ACTIONS)}")
    return change(ctx(request).store, user, username)


@router.post("/admin/users/{username}/{action}", response_model=None, dependencies=[CSRF])
def user_action(request: Request, user: User, username: str, action: str) -> Response:
    _change_user(request, user, username, action)
    return RedirectResponse(f"/admin/users?done={action}", status_code=303)


@router.post("/admin/tokens/{token_id}/revoke", response_model=None, dependencies=[CSRF])
def revoke(request: Request, user: User, token_id: int) -> Response:
    accounts_service.revoke_token(ctx(request).store, user, token_id)
    return RedirectResponse("/admin/users?done=revoke", status_code=303)


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, user: User, done: str = "") -> HTMLResponse:
    return render(request, "password.html", errors=FormErrors(), done=bool(done))


@router.post("/account/password", response_model=None, dependencies=[CSRF])
def password_submit(
    request: Request,
    user: User,
    current: Annotated[str, Form()],
    new: Annotated[str, Form()],
    repeat: Annotated[str, Form()],
) -> Response:
    try:
        if new != repeat:
            raise InputError(
                "the new password and its repetition differ; type it again",
                problems=[
                    FieldProblem("repeat", N_("The two new passwords differ; type them again."))
                ],
            )
        accounts_service.change_own_password(
            ctx(request).store,
            user,
            current,
            new,
            session_id=request.cookies.get(SESSION_COOKIE),
        )
    except InputError as exc:
        errors = form_errors(exc, language(request))
        return render(request, "password.html", status_code=400, errors=errors, done=False)
    return RedirectResponse("/account/password?done=1", status_code=303)


@api_router.get("/users")
def api_users(request: Request, user: User) -> dict[str, Any]:
    """Every user: role, region, ``active``, ``must_change_password`` (``manage_users``)."""
    return {"users": accounts_service.users(ctx(request).store, user)}


@api_router.get("/tokens")
def api_tokens(request: Request, user: User, username: str | None = None) -> dict[str, Any]:
    """API tokens (of ``username``), newest first, with their ``state``; never the tokens."""
    return {"tokens": accounts_service.tokens(ctx(request).store, user, username)}


@api_router.post("/users/{username}/{action}", dependencies=[CSRF])
def api_user_action(request: Request, user: User, username: str, action: str) -> dict[str, Any]:
    """``deactivate``, ``reactivate`` or ``require-password-change``; ``changed`` is false when
    it was so already."""
    changed = _change_user(request, user, username, action)
    return {"username": username, "action": action, "changed": changed}


@api_router.post("/tokens/{token_id}/revoke", dependencies=[CSRF])
def api_revoke(request: Request, user: User, token_id: int) -> dict[str, Any]:
    """Revoke an API token at once; ``changed`` is false when it was revoked already."""
    changed = accounts_service.revoke_token(ctx(request).store, user, token_id)
    return {"id": token_id, "changed": changed}
