"""VECOZO's three OpenAPI files, read in place from ``../shared/exchange/vecozo``, as a judge
of requests and answers (openapi-core): whatever a test sends or receives on a VECOZO
route must be what the published specs allow.

The specs' servers are VECOZO's own hosts; a request to a stub or to the facade is judged
as if it went to production: the part of its path from the API's own prefix on
(``/berichten/rest-push/v1/…``) is put behind VECOZO's production base URL.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT.parent / "shared" / "exchange" / "vecozo"
PRODUCTION = "https://api.vecozo.nl"
BASE = "/berichtenservice"
FILES = {
    "/berichten/rest-push/v1": "berichtuitwisseling-rest-push-v1.json",
    "/berichten/rest-pull/v1": "berichtuitwisseling-rest-pull-v1.json",
    "/berichtstatus/rest-pull/v3": "berichtstatus-rest-pull-v3.json",
}


def require_specs() -> Path:
    if not SPECS.exists():
        if os.environ.get("IJW_REQUIRE_SHARED") == "1":
            pytest.fail(f"{SPECS} is required (IJW_REQUIRE_SHARED=1) but missing")
        pytest.skip(f"{SPECS} not present")
    return SPECS


@cache
def _spec(prefix: str) -> OpenAPI:
    document = json.loads((require_specs() / FILES[prefix]).read_text(encoding="utf-8"))
    return OpenAPI.from_dict(_mended(document))


def _mended(document: dict[str, Any]) -> dict[str, Any]:
    """The one contradiction of the published files, mended in memory.

    Pull v1's ``Zoekpad`` is closed (``additionalProperties: false``, only
    ``zoekpadType``), and each search path extends it by ``allOf`` with its own field and
    is closed too. Under JSON Schema each closed object admits only its own properties, so
    the base refuses ``conversatieId`` and the search path refuses ``zoekpadType``: read
    literally, no search body is valid. Mended: the base is opened, each search path names
    its own ``zoekpadType`` among its properties, and the request body is one of the three
    (as the discriminator means), so a body with a field of another search path is still
    refused."""
    schemas = document.get("components", {}).get("schemas", {})
    base = schemas.get("Zoekpad")
    if base is None:
        return document
    mapping = base.pop("discriminator")["mapping"]
    base.pop("additionalProperties", None)
    for name in mapping:
        schemas[name]["properties"]["zoekpadType"] = {"type": "string", "enum": [name]}
    body = document["paths"]["/berichten/zoeken"]["post"]["requestBody"]
    body["content"]["application/json"]["schema"] = {"oneOf": list(map(_ref, mapping.values()))}
    return document


def _ref(target: str) -> dict[str, str]:
    return {"$ref": target}


def _split(path: str) -> tuple[str, str]:
    """(API prefix, path from it on) of a VECOZO route, wherever it is served."""
    for prefix in FILES:
        at = path.find(prefix + "/")
        if at >= 0:
            return prefix, path[at:]
    raise AssertionError(f"{path} is not a VECOZO route")


@dataclass
class Call:
    """A request as openapi-core reads it (its ``Request`` protocol)."""

    method: str
    route: str  # the path as sent, wherever the API is served
    query: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str = "application/json"
    host_url: str = PRODUCTION
    parameters: RequestParameters = field(init=False)  # a field: the protocol may set it

    def __post_init__(self) -> None:
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(dict(self.query)),
            header=Headers({"Content-Type": self.content_type}),
            cookie=ImmutableMultiDict(),
            path=_path_parameters(_split(self.path)[1]),
        )

    @property
    def path(self) -> str:
        """The path as VECOZO serves it."""
        return BASE + _split(self.route)[1]

    @property
    def full_url_pattern(self) -> str:
        return PRODUCTION + self.path


_TRACED = re.compile(r"^/berichten/rest-pull/v1/berichten/(?P<traceerId>[^/]+)(/payload)?$")


def _path_parameters(route: str) -> dict[str, str]:
    """The spec's path parameters of a route (``traceerId``), as a framework would pass them."""
    found = _TRACED.match(route)
    return {"traceerId": found["traceerId"]} if found and found["traceerId"] != "zoeken" else {}


@dataclass
class Answer:
    """A response as openapi-core reads it."""

    status_code: int
    data: bytes
    content_type: str
    headers: Mapping[str, str] = field(default_factory=dict)


def check_request(call: Call) -> None:
    """Raises when the request is not what the spec allows."""
    call.method = call.method.lower()
    _spec(_split(call.route)[0]).validate_request(call)


def check_answer(call: Call, answer: Answer) -> None:
    """Raises when the answer is not what the spec allows for this request."""
    call.method = call.method.lower()
    _spec(_split(call.route)[0]).validate_response(call, answer)
