"""Conformance: run the fixture suite against a URL, watch it, filter it, take the JUnit.

Any signed-in user may run (testers hold a party key); each user one run at a time
(``console.conformance_runs``). A party runs against this gateway only, at the address
it listens on (``IJW_HOST``/``IJW_PORT``, never the request's Host header, which the client
chooses): the run sends requests from the gateway's host, so any other address is an
operator's to choose, never a way for a key holder to reach what the gateway's network
reaches. Progress is read as JSON by a few lines of script; the page works without
it too (reload it).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ijw_gateway.console.conformance_runs import Order, Runs
from ijw_gateway.console.session import Session
from ijw_gateway.console.texts import words
from ijw_gateway.console.web import (
    checked_form,
    console_of,
    lang_of,
    render,
    signed_in,
    text_field,
)
from ijw_gateway.errors import Forbidden, NotFound

router = APIRouter()
User = Annotated[Session, Depends(signed_in)]
SHOWN = ("all", "failed", "passed")


def _runs(request: Request) -> Runs:
    state = request.app.state
    if getattr(state, "runs", None) is None:
        state.runs = Runs()
    runs: Runs = state.runs
    return runs


@router.get("/conformance", response_class=HTMLResponse)
async def conformance(request: Request, user: User) -> Response:
    progress = _runs(request).of(user.principal)
    show = request.query_params.get("show", "all")
    show = show if show in SHOWN else "all"
    results = list(progress.results) if progress else []
    if show != "all":
        results = [r for r in results if r.passed == (show == "passed")]
    return await render(
        request,
        "conformance.html",
        progress=progress,
        results=results,
        show=show,
        own=_own_address(request),
    )


@router.post("/conformance")
async def start(
    request: Request, form: Annotated[FormData, Depends(checked_form)], user: User
) -> Response:
    only = tuple(p for p in text_field(form, "only").split() if p)
    url = text_field(form, "url")
    if not user.operator and _origin(url) != _origin(_own_address(request)):
        raise Forbidden(words(lang_of(request))("conformance_elsewhere"), "operators_only")
    order = Order(
        url,
        text_field(form, "key_template") or None,
        only,
        text_field(form, "skip_answers") == "on",
    )
    _runs(request).start(user.principal, order)
    return RedirectResponse(f"{console_of(request).base}/conformance", status_code=303)


def _own_address(request: Request) -> str:
    """Where this gateway listens, as a run reaches it from the gateway's own host (a
    wildcard address as loopback)."""
    settings = console_of(request).gateway.settings
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(settings.host, settings.host)
    return f"http://{f'[{host}]' if ':' in host else host}:{settings.port}"


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    try:
        port = parts.port or default
    except ValueError:  # a port that is no number
        return ""
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"


@router.get("/conformance/progress")
async def progress(request: Request, user: User) -> Response:
    found = _runs(request).of(user.principal)
    if found is None:
        raise NotFound("No conformance run yet.")
    return JSONResponse(
        {
            "total": found.total,
            "done_runs": len(found.results),
            "passed": found.passed,
            "done": found.done,
            "problem": found.problem,
        }
    )


@router.get("/conformance/junit.xml")
async def junit_file(request: Request, user: User) -> Response:
    found = _runs(request).of(user.principal)
    if found is None or not found.done:
        raise NotFound("No finished conformance run.")
    disposition = {"Content-Disposition": 'attachment; filename="conformance-junit.xml"'}
    return Response(found.junit(), media_type="application/xml", headers=disposition)
