"""The console app, mounted at ``/console`` by the API's app factory (``api.app``).

A FastAPI app of its own (no OpenAPI: its pages are not an API), with its templates and
static files inside the package, so it works without internet and without a build step.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from ijw_gateway.console import (
    pages_conformance,
    pages_monitoring,
    pages_operations,
    pages_parties,
    pages_trace,
    pages_validate,
)
from ijw_gateway.console.session import LANG_COOKIE, SESSION_COOKIE, Session, Signer
from ijw_gateway.console.texts import LANGS, words
from ijw_gateway.console.web import (
    Console,
    checked_form,
    console_of,
    key_active,
    lang_of,
    render,
    set_cookie,
    text_field,
)
from ijw_gateway.errors import IjwGatewayError
from ijw_gateway.gateway import Gateway
from ijw_gateway.parties import split_key

log = logging.getLogger("ijw_gateway.console")
Form = Annotated[FormData, Depends(checked_form)]


def console_app(gateway: Gateway, base: str = "/console") -> FastAPI:
    """The console's pages over ``gateway``; ``base`` is where it is mounted."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.console = Console(gateway, Signer(gateway.settings.console_secret), base)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for module in (
        pages_validate,
        pages_trace,
        pages_monitoring,
        pages_conformance,
        pages_parties,
        pages_operations,
    ):
        app.include_router(module.router)
    _pages(app)
    _errors(app)
    return app


def _pages(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        return await render(request, "home.html")

    @app.get("/sign-in", response_class=HTMLResponse)
    async def sign_in_page(request: Request) -> Response:
        return await render(request, "signin.html")

    @app.post("/sign-in")
    async def sign_in(request: Request, form: Form) -> Response:
        return await _sign_in(request, text_field(form, "api_key"))

    @app.post("/sign-out")
    async def sign_out(request: Request, form: Form) -> Response:
        base = console_of(request).base
        answer = RedirectResponse(f"{base}/", status_code=303)
        answer.delete_cookie(SESSION_COOKIE, path=base)
        return answer

    @app.post("/language")
    async def language(request: Request, form: Form) -> Response:
        chosen = text_field(form, "lang")
        answer = RedirectResponse(_back(request, text_field(form, "back")), status_code=303)
        if chosen in LANGS:
            set_cookie(request, answer, LANG_COOKIE, chosen)
        return answer


async def _sign_in(request: Request, presented: str) -> Response:
    """An API key for a session cookie; the key itself is never stored or logged."""
    from anyio import to_thread

    console = console_of(request)
    split = split_key(presented)
    principal = await to_thread.run_sync(console.gateway.authenticate, presented) if split else None
    if principal is not None and split is not None:  # the key cache may lag a revocation
        active = await to_thread.run_sync(
            key_active, console.gateway.store, Session(principal, split[0])
        )
        principal = principal if active else None
    if principal is None or split is None:
        log.warning("console sign-in refused: unknown or revoked API key")
        return await render(request, "signin.html", 401, problem=words(lang_of(request))("bad_key"))
    answer = RedirectResponse(f"{console.base}/", status_code=303)
    set_cookie(request, answer, SESSION_COOKIE, console.signer.issue(principal, split[0]))
    return answer


def _back(request: Request, given: str) -> str:
    """Where the language switch returns to: a console page, never another site."""
    base = console_of(request).base
    parts = urlsplit(given)
    if parts.scheme or parts.netloc or not parts.path.startswith(base):
        return f"{base}/"
    return parts.path


def _errors(app: FastAPI) -> None:
    @app.exception_handler(IjwGatewayError)
    async def refused(request: Request, error: IjwGatewayError) -> Response:
        if error.http_status >= 500:
            log.error("console: %s", type(error).__name__)
        return await render(
            request,
            "error.html",
            error.http_status,
            reason=str(error),
            sign_in=error.http_status == 401,
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return await render(request, "error.html", error.status_code, reason=str(error.detail))
