"""What every console page shares: the signed-in user, the language, CSRF and rendering.

Access is refused the console way (a page that says why, with the API's status: 401,
403), raised as the project's own errors so the console's error handler renders them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anyio import to_thread
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from ijw_gateway.api.language import preferred_language
from ijw_gateway.console.session import (
    CSRF_COOKIE,
    LANG_COOKIE,
    SESSION_COOKIE,
    Session,
    Signer,
)
from ijw_gateway.console.texts import LANGS, words
from ijw_gateway.errors import Forbidden, PayloadTooLarge, Unauthenticated, Unprocessable
from ijw_gateway.gateway import Gateway
from ijw_gateway.store import Store

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
MAX_FORM = 64 * 1024 * 1024  # as the API's body: a zip of 30 messages
MAX_FIELD = 26 * 1024 * 1024  # a pasted message (25 MB, as xmlparse takes)


@dataclass
class Console:
    """The console's state: the gateway it shows and the signer of its cookies."""

    gateway: Gateway
    signer: Signer
    base: str = "/console"


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def lang_of(request: Request) -> str:
    """The language chosen with the switch, else the one the browser prefers."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGS:
        return chosen
    return preferred_language(request.headers.get("accept-language"))


def key_active(store: Store, session: Session) -> bool:
    """The key that signed in is still active (a revoked key ends its sessions)."""
    if session.operator:
        return any(
            session.key_id in o.key_ids for o in store.operators() if o.name == session.label
        )
    party = store.party(session.principal)
    return party is not None and session.key_id in party.key_ids


async def session_of(request: Request) -> Session | None:
    """The signed-in user, when the cookie is good and its key still active."""
    if "console_session" in request.scope:
        found: Session | None = request.scope["console_session"]
        return found
    console = console_of(request)
    session = console.signer.read(request.cookies.get(SESSION_COOKIE))
    if session is not None:
        active = await to_thread.run_sync(key_active, console.gateway.store, session)
        session = session if active else None
    request.scope["console_session"] = session
    return session


async def signed_in(request: Request) -> Session:
    session = await session_of(request)
    if session is None:
        raise Unauthenticated(words(lang_of(request))("needs_sign_in"), "sign_in")
    return session


async def operator(request: Request) -> Session:
    session = await signed_in(request)
    if not session.operator:
        raise Forbidden(words(lang_of(request))("operators_only"), "operators_only")
    return session


async def party(request: Request) -> Session:
    session = await signed_in(request)
    if session.operator:
        raise Forbidden(words(lang_of(request))("parties_only"), "operator_key")
    return session


async def checked_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, after its CSRF token was checked against the cookie's; its
    uploaded files are closed when the page is done. A body that says it is larger than
    the console takes is refused before it is read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM + 2**20:  # a megabyte for the fields
        raise PayloadTooLarge(f"The form is larger than {MAX_FORM // 2**20} MB.")
    form = await request.form(max_part_size=MAX_FIELD)
    try:
        sent = form.get("csrf")
        token = sent if isinstance(sent, str) else None
        if not console_of(request).signer.token_ok(request.cookies.get(CSRF_COOKIE), token):
            raise Forbidden(words(lang_of(request))("csrf"), "csrf")
        yield form
    finally:
        await form.close()


def text_field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _csrf_token(request: Request) -> tuple[str, bool]:
    """The CSRF token of this browser (made now when it has none): (token, new)."""
    console = console_of(request)
    cookie = request.cookies.get(CSRF_COOKIE)
    if cookie and console.signer.token_ok(cookie, cookie):
        return cookie, False
    return console.signer.new_token(), True


def secure(request: Request) -> bool:
    """Cookies are Secure when the page came over TLS."""
    return request.url.scheme == "https"


async def render(
    request: Request, template: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A page: the template with the user, language, words and CSRF token."""
    lang = lang_of(request)
    token, new = _csrf_token(request)
    session = await session_of(request)
    page = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "t": words(lang),
            "lang": lang,
            "user": session,
            "csrf": token,
            "base": console_of(request).base,
            **context,
        },
        status_code=status,
        headers={"Content-Language": lang, "Cache-Control": "no-store"},
    )
    if new:
        set_cookie(request, page, CSRF_COOKIE, token)
    return page


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=secure(request),
        path=console_of(request).base,
    )


def refused(reason: str) -> Unprocessable:
    return Unprocessable(reason, "console_input")
