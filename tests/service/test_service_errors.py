"""Completeness: every exception of the tree maps to an HTTP status, a code and an exit code,
and the API answers each as ``{"error": {"code", "reason"}}`` without a stack trace."""

from __future__ import annotations

import importlib
import json
import pkgutil
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute

import ijw_gateway
from ijw_gateway.api import errors as api_errors
from ijw_gateway.api import routes
from ijw_gateway.api.errors import ErrorAnswer
from ijw_gateway.api.fastroute import FastRoutes
from ijw_gateway.api.middleware import TraceMiddleware
from ijw_gateway.errors import Frozen, IjwGatewayError, InputRejected, RequestRefused
from ijw_gateway.findings import Finding
from ijw_gateway.fixtures import builders as b
from ijw_gateway.stuf_intake import EnvelopeRefused
from tests.support.service import AGB, GEMEENTE, OTHER_AGB, TestClient, answer_of, auth, post


def _all_subclasses(cls: type[IjwGatewayError]) -> list[type[IjwGatewayError]]:
    found: list[type[IjwGatewayError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def _every_exception() -> list[type[IjwGatewayError]]:
    for info in pkgutil.walk_packages(ijw_gateway.__path__, "ijw_gateway."):
        if ".migrations" not in info.name:
            importlib.import_module(info.name)
    return [IjwGatewayError, *_all_subclasses(IjwGatewayError)]


EXCEPTIONS = _every_exception()


def _instance(cls: type[IjwGatewayError]) -> IjwGatewayError:
    if issubclass(cls, InputRejected):
        return cls(Finding("xml", None, None, "/", 1, "unreadable"))
    if issubclass(cls, EnvelopeRefused):
        return cls("RIN001", "(a Bv03 is an answer)")
    if issubclass(cls, Frozen):
        return cls(Finding("policy", None, None, "/", 1, "frozen"), datetime.now(UTC), 60)
    if issubclass(cls, RequestRefused):
        return cls("refused for a reason")
    try:
        return cls("something went wrong")
    except TypeError:  # a constructor with more to say; the answer depends on the class only
        exc = cls.__new__(cls)
        Exception.__init__(exc, "something went wrong")
        return exc


@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda c: c.__name__)
def test_every_exception_knows_its_answer(cls: type[IjwGatewayError]) -> None:
    assert 400 <= cls.http_status <= 599
    assert cls.exit_code in (1, 2, 3)
    assert cls.code and cls.code.replace("_", "").isalnum()


def _app_raising(exc: BaseException, fast: bool = False) -> FastAPI:
    """An app whose ``GET /boom`` raises ``exc``; with ``fast``, served by ``FastRoutes``
    (as ``POST /v1/messages`` is) instead of FastAPI's request handling."""
    app = FastAPI()

    async def boom(request: Request) -> Response:
        raise exc

    app.add_api_route("/boom", boom, methods=["GET"])
    if fast:
        routes = [r for r in app.routes if isinstance(r, APIRoute) and r.endpoint is boom]
        app.add_middleware(FastRoutes, routes=routes)
    app.add_middleware(TraceMiddleware)
    api_errors.install(app)
    return app


@pytest.mark.parametrize("fast", [False, True], ids=["routed", "fast"])
@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda c: c.__name__)
def test_the_api_answers_every_exception_as_json(cls: type[IjwGatewayError], fast: bool) -> None:
    exc = _instance(cls)
    client = TestClient(_app_raising(exc, fast), raise_server_exceptions=False)
    response = client.get("/boom")
    assert response.status_code == cls.http_status
    error = response.json()["error"]
    assert set(error) == {"code", "reason"}
    assert error["code"] == (exc.code if cls is not IjwGatewayError else "internal_error")
    assert "Traceback" not in response.text
    assert response.headers.get("retry-after") == (
        str(exc.retry_after) if exc.retry_after is not None else None
    )


@pytest.mark.parametrize("fast", [False, True], ids=["routed", "fast"])
def test_an_unexpected_exception_is_a_500_naming_the_trace_id(
    caplog: pytest.LogCaptureFixture, fast: bool
) -> None:
    app = _app_raising(KeyError("999900006"), fast)
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/boom", headers={"X-Trace-Id": "0af7651916cd43dd8448eb211c80319c"})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "0af7651916cd43dd8448eb211c80319c" in response.json()["error"]["reason"]
    assert "999900006" not in response.text and "999900006" not in caplog.text
    assert "KeyError" in caplog.text


def test_unknown_route_and_wrong_method_are_json(client: TestClient) -> None:
    missing = client.get("/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = client.delete("/v1/mailbox")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"


_ERROR = {"$ref": "#/components/schemas/ErrorAnswer"}
PLAIN = {"Content-Type": "text/plain"}


def test_the_openapi_documents_every_failure_as_the_error_answer(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    # FastAPI's own validation-error schema is not what the API answers (request_error)
    assert "HTTPValidationError" not in json.dumps(schema)
    keyed = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if path.startswith("/v1/"):
                keyed += 1
                assert {"401", "422", "503"} <= responses.keys(), (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    assert response["description"], (method, path, status)
                    if path == "/v1/stuf/ggk0210":  # a SOAP endpoint answers a Fo01 (XML)
                        assert list(response["content"]) == ["text/xml; charset=utf-8"]
                        continue
                    assert response["content"]["application/json"]["schema"] == _ERROR
    assert keyed == 21  # 7 of the parties' messages, 5 of monitoring, 9 of operations
    assert {"403", "409", "413", "415"} <= schema["paths"]["/v1/messages"]["post"][
        "responses"
    ].keys()
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"code", "reason"}
    assert detail["additionalProperties"] is False


def test_each_failure_is_a_status_its_route_documents_with_the_documented_body(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real failures of every route: the status is one its OpenAPI lists, and the body is
    exactly the documented ``ErrorAnswer`` (no other fields)."""
    schema = client.get("/openapi.json").json()
    allocation = b.to_bytes(b.jw301())
    sent = post(client, allocation, GEMEENTE)["id"]  # the gateway answers it (JW302)
    unknown = "0" * 32
    monkeypatch.setattr(routes, "MAX_BODY", 50_000)  # the real 64 MB, smaller
    message, events = "/v1/messages/{message_id}", "/v1/messages/{message_id}/events"
    conversation, ack = "/v1/conversations/{message_id}", "/v1/mailbox/{message_id}/ack"
    cases = [  # method, route, URL, key, body, status
        ("get", "/v1/mailbox", "/v1/mailbox", {}, b"", 401),
        ("get", "/v1/mailbox", "/v1/mailbox?limit=0", auth(AGB), b"", 422),
        ("get", message, f"/v1/messages/{unknown}", auth(AGB), b"", 404),
        ("get", message, "/v1/messages/not-an-id", auth(AGB), b"", 422),
        ("get", message, f"/v1/messages/{sent}", auth(OTHER_AGB), b"", 403),
        ("get", events, f"/v1/messages/{unknown}/events", auth(AGB), b"", 404),
        ("get", conversation, f"/v1/conversations/{sent}", auth(OTHER_AGB), b"", 403),
        ("post", ack, f"/v1/mailbox/{sent}/ack", auth(OTHER_AGB), b"", 403),
        ("post", ack, f"/v1/mailbox/{unknown}/ack", auth(AGB), b"", 404),
        ("post", "/v1/messages", "/v1/messages", auth(GEMEENTE), b"", 422),
        ("post", "/v1/messages", "/v1/messages", auth(AGB), allocation, 403),  # not its sender
        ("post", "/v1/messages", "/v1/messages", auth(GEMEENTE), b"x" * 50_001, 413),
        ("post", "/v1/messages", "/v1/messages", {**auth(GEMEENTE), **PLAIN}, b"x", 415),
        ("post", "/v1/messages", "/v1/messages", auth(GEMEENTE), b"x", 422),  # not a message
        ("post", "/v1/messages", "/v1/messages", auth(AGB), answer_of(allocation), 409),
    ]
    for method, route, url, headers, content, status in cases:
        response = client.request(method, url, headers=headers, content=content or None)
        assert response.status_code == status, (method, url, response.text)
        assert str(status) in schema["paths"][route][method]["responses"], (method, url)
        error = ErrorAnswer.model_validate(response.json()).error
        if status == 409:  # the gateway answered the allocation already (IV028)
            assert error.code == "already_answered"
