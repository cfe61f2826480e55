"""Every failure becomes ``{"error": {"code": ..., "reason": ...}}``; never a stack trace.

Gateway exceptions carry their HTTP status and code (``errors.py``); FastAPI's own request
errors and unknown routes get stable codes here; anything else is a 500 whose reason
names the trace id, and whose log line holds the exception type and frames only (an
exception's message could quote a message's content, and personal data stays out of logs).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from ijw_gateway.errors import IjwGatewayError

log = logging.getLogger("ijw_gateway.api")

_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


def error_body(code: str, reason: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "reason": reason}}


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        description="Stable and machine-readable, e.g. `invalid_api_key`, `not_your_message`."
    )
    reason: str = Field(description="For people: what is wrong, and what to do about it.")


class ErrorAnswer(BaseModel):
    """How the API answers every failure (``error_body``), for the OpenAPI."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorDetail


_EVERY_KEYED_ROUTE = {
    401: "No API key, one that is unknown or revoked, or two different ones.",
    422: "A parameter is not as documented (the reason names it).",
    503: "The database cannot be reached, or the gateway is stopping; retry later.",
}


def documented_errors(meanings: Mapping[int, str] | None = None) -> dict[int | str, Any]:
    """OpenAPI ``responses`` of a route that needs an API key: the failures any such route
    can answer, and ``meanings`` (status -> when) of its own, all as ``ErrorAnswer``.
    Declaring 422 also replaces FastAPI's own validation-error schema, which is not what
    ``request_error`` answers."""
    answers = {**_EVERY_KEYED_ROUTE, **(meanings or {})}
    return {
        status: {"model": ErrorAnswer, "description": when}
        for status, when in sorted(answers.items())
    }


def trace_of(request: Request) -> str:
    return str(getattr(request.state, "trace_id", ""))


def _respond(
    status: int, code: str, reason: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, reason), status_code=status, headers=headers)


def _internal(request: Request, exc: BaseException) -> JSONResponse:
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("internal error %s trace=%s\n%s", type(exc).__name__, trace_of(request), frames)
    reason = f"An unexpected error occurred (trace id {trace_of(request)}); it has been logged."
    return _respond(500, "internal_error", reason)


async def gateway_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IjwGatewayError)
    if exc.http_status >= 500 and type(exc) is IjwGatewayError:
        return _internal(request, exc)
    if exc.http_status >= 500:  # one that says when to retry (a freeze) is no failure of ours
        level = logging.INFO if exc.retry_after is not None else logging.ERROR
        log.log(level, "%s (%s) trace=%s", exc.code, type(exc).__name__, trace_of(request))
    headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else {}
    if exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    return _respond(exc.http_status, exc.code, str(exc), headers or None)


async def request_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return _respond(422, "invalid_request", "; ".join(parts) or "invalid request")


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _BY_STATUS.get(exc.status_code, f"http_{exc.status_code}")
    return _respond(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    return _internal(request, exc)


def install(app: FastAPI) -> None:
    app.add_exception_handler(IjwGatewayError, gateway_error)
    app.add_exception_handler(RequestValidationError, request_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
