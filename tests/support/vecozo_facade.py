"""The local VECOZO (``/vecozo``) called as a party would, every request and answer held
to VECOZO's published OpenAPI files (``vecozo_spec``)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.support.service import TestClient, auth
from tests.support.vecozo_spec import Answer, Call, check_answer, check_request

BASE = "/vecozo"
PUSH = f"{BASE}/berichten/rest-push/v1/berichten"
PULL = f"{BASE}/berichten/rest-pull/v1/berichten"
STATUS = f"{BASE}/berichtstatus/rest-pull/v3/berichtstatussen"


class Facade:
    """Calls the facade as a party and holds every exchange to the published specs."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def send(
        self, party: str, method: str, path: str, *, judge_request: bool = True, **kwargs: Any
    ) -> httpx.Response:
        request = self.client.build_request(method, path, headers=auth(party), **kwargs)
        body = request.read()
        ctype = request.headers.get("content-type", "application/json")
        query = dict(request.url.params)
        call = Call(method, request.url.path, query, body or None, ctype)
        if judge_request:
            check_request(call)
        response: httpx.Response = self.client.send(request)
        answer = Answer(
            response.status_code,
            response.content,
            response.headers.get("content-type", "").split(";")[0],
        )
        check_answer(call, answer)
        return response

    def push(
        self, party: str, meta: dict[str, Any], payload: bytes, **kwargs: Any
    ) -> httpx.Response:
        files = {
            "berichtMetadata": (None, json.dumps(meta).encode(), "application/json"),
            "payload": ("payload", payload, "application/octet-stream"),
        }
        return self.send(party, "POST", PUSH, files=files, **kwargs)

    def ready(self, party: str, **params: str) -> list[dict[str, Any]]:
        response = self.send(party, "GET", PULL, params=params)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()
        return items
