"""The monitoring routes over HTTP: who may see what (both ways), operators, answers as
documented (``api.monitoring_answers``), the export, and the overdue metric."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator

import httpx
import pytest
from pydantic import BaseModel

from ijw_gateway.api.app import create_app
from ijw_gateway.api.errors import ErrorAnswer
from ijw_gateway.api.monitoring_answers import (
    DeadlinesAnswer,
    ReportAnswer,
    TrajectoriesAnswer,
    TrajectoryDetail,
)
from ijw_gateway.fixtures import builders as b
from ijw_gateway.gateway import KeyCache
from ijw_gateway.parties import new_key
from tests.support.monitoring_history import CLIENT, History
from tests.support.service import AGB, GEMEENTE, JsonDict, auth

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

STRANGER_GEMEENTE, STRANGER_AGB = "0482", "98761001"
PERIOD = {"from": "2026-04-01", "to": "2026-06-30"}


@pytest.fixture
def api(history: History) -> Iterator[TestClient]:
    with TestClient(create_app(gateway=history.gateway, with_worker=False)) as client:
        yield client


@pytest.fixture
def operator(history: History) -> dict[str, str]:
    store = history.gateway.store
    store.add_operator("region")
    text, hashed = new_key("region-1")
    store.add_operator_key("region", hashed)
    return {"Authorization": f"Bearer {text}"}


def _ok(response: httpx.Response, model: type[BaseModel]) -> JsonDict:
    assert response.status_code == 200, response.text
    body: JsonDict = response.json()
    model.model_validate(body)
    return body


def _refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    ErrorAnswer.model_validate(response.json())
    assert response.json()["error"]["code"] == code


def _ids(body: JsonDict) -> list[str]:
    return [str(t["id"]) for t in body["trajectories"]]


def test_parties_see_their_own_trajectories_and_operators_all(
    api: TestClient, operator: dict[str, str]
) -> None:
    mine = _ok(api.get("/v1/trajectories", headers=auth(GEMEENTE)), TrajectoriesAnswer)
    theirs = _ok(api.get("/v1/trajectories", headers=auth(AGB)), TrajectoriesAnswer)
    everything = _ok(api.get("/v1/trajectories", headers=operator), TrajectoriesAnswer)
    assert len(_ids(mine)) == 4 and _ids(mine) == _ids(theirs) == _ids(everything)
    for stranger in (STRANGER_GEMEENTE, STRANGER_AGB):
        assert (
            _ids(_ok(api.get("/v1/trajectories", headers=auth(stranger)), TrajectoriesAnswer)) == []
        )
    one = next(str(t["id"]) for t in mine["trajectories"] if t["allocation"] == 2001)
    detail = _ok(api.get(f"/v1/trajectories/{one}", headers=auth(GEMEENTE)), TrajectoryDetail)
    assert detail["state"] == "stopped" and detail["allocation"] == 2001
    chain = detail["chain"]
    assert [s["message"] for s in chain["start"]] == ["JW305"]
    assert _ok(api.get(f"/v1/trajectories/{one}", headers=operator), TrajectoryDetail) == detail
    for stranger in (STRANGER_GEMEENTE, STRANGER_AGB):
        _refused(
            api.get(f"/v1/trajectories/{one}", headers=auth(stranger)), 403, "not_your_trajectory"
        )
    _refused(api.get(f"/v1/trajectories/{'0' * 32}", headers=operator), 404, "not_found")
    assert "999900" not in repr(detail)  # no BSN


def test_search_by_state_product_and_page(api: TestClient) -> None:
    def ids(**query: object) -> list[str]:
        return _ids(
            _ok(
                api.get("/v1/trajectories", params=query, headers=auth(GEMEENTE)),
                TrajectoriesAnswer,
            )
        )

    assert len(ids(state="withdrawn")) == 1 and len(ids(state="rejected")) == 1
    assert len(ids(code="45A02")) == 4 and ids(code="45A01") == []
    first = _ok(
        api.get("/v1/trajectories", params={"limit": 3}, headers=auth(GEMEENTE)), TrajectoriesAnswer
    )
    assert first["has_more"] is True
    rest = _ok(
        api.get("/v1/trajectories", params={"after": first["next"]}, headers=auth(GEMEENTE)),
        TrajectoriesAnswer,
    )
    assert len(_ids(first)) + len(_ids(rest)) == 4 and not set(_ids(first)) & set(_ids(rest))


def test_deadlines_as_each_party_sees_them(api: TestClient, operator: dict[str, str]) -> None:
    for who in (auth(AGB), auth(GEMEENTE), operator):
        body = _ok(api.get("/v1/deadlines?state=overdue", headers=who), DeadlinesAnswer)
        assert [(d["type"], d["owed_by"], d["due"]) for d in body["deadlines"]] == [
            ("JW305", AGB, "2026-04-28")
        ]
    for stranger in (STRANGER_GEMEENTE, STRANGER_AGB):
        body = _ok(api.get("/v1/deadlines?state=overdue", headers=auth(stranger)), DeadlinesAnswer)
        assert body["deadlines"] == []
    answered = _ok(api.get("/v1/deadlines?state=answered", headers=operator), DeadlinesAnswer)
    assert sorted(d["late_workdays"] for d in answered["deadlines"]) == [0, 0, 1, 3]
    metrics = api.get("/metrics").text
    assert f'ijw_overdue_answers{{party="{AGB}",type="JW305"}} 1.0' in metrics


def test_reports_as_json_and_csv(api: TestClient, operator: dict[str, str]) -> None:
    for name in ("trajectories", "chain", "contracts", "deadlines"):
        body = _ok(api.get(f"/v1/reports/{name}", params=PERIOD, headers=operator), ReportAnswer)
        assert body["rows"], name
        mine = _ok(api.get(f"/v1/reports/{name}", params=PERIOD, headers=auth(AGB)), ReportAnswer)
        assert mine["rows"] == body["rows"]
        none = _ok(
            api.get(f"/v1/reports/{name}", params=PERIOD, headers=auth(STRANGER_AGB)), ReportAnswer
        )
        assert none["rows"] == []
    answer = api.get("/v1/reports/contracts", params={**PERIOD, "format": "csv"}, headers=operator)
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert answer.headers["content-type"].startswith("text/csv")
    assert [r["granted_cents"] for r in rows] == ["403200", "1080000", "0"]  # June: allocated only


def test_the_export_over_http(api: TestClient, history: History, operator: dict[str, str]) -> None:
    answer = api.get("/v1/reports/export", params=PERIOD, headers=operator)
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == 14 and not any(bsn in answer.text for bsn in CLIENT)
    assert (
        len(
            api.get(
                "/v1/reports/export", params=PERIOD, headers=auth(STRANGER_AGB)
            ).text.splitlines()
        )
        == 1
    )
    lines = api.get(
        "/v1/reports/export", params={**PERIOD, "format": "jsonl"}, headers=auth(GEMEENTE)
    )
    assert len(lines.text.splitlines()) == 14
    from dataclasses import replace

    history.gateway.settings = replace(history.gateway.settings, export_key=None)
    _refused(
        api.get("/v1/reports/export", params=PERIOD, headers=operator), 503, "export_key_missing"
    )


def test_an_operator_key_reads_but_sends_no_messages(
    api: TestClient, history: History, operator: dict[str, str]
) -> None:
    message = history.sent["301-A"].id
    data = b.to_bytes(b.jw301("OPS-1"))
    _refused(api.post("/v1/messages", content=data, headers=operator), 403, "operator_key")
    assert api.get(f"/v1/messages/{message}", headers=operator).status_code == 200
    _refused(api.get("/v1/mailbox", headers=operator), 403, "operator_key")
    history.gateway.store.revoke_operator_keys(["region-1"])
    history.gateway._keys = KeyCache()  # forget the keys verified so far (trusted 5 s)
    _refused(api.get("/v1/trajectories", headers=operator), 401, "invalid_api_key")


def test_the_openapi_documents_the_monitoring_answers(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    ref = "#/components/schemas/"
    for path, model in (
        ("/v1/trajectories", "TrajectoriesAnswer"),
        ("/v1/trajectories/{trajectory_id}", "TrajectoryDetail"),
        ("/v1/deadlines", "DeadlinesAnswer"),
        ("/v1/reports/{name}", "ReportAnswer"),
    ):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        assert content["application/json"]["schema"] == {"$ref": ref + model}, path
    for path, method in (("/v1/messages", "post"), ("/v1/mailbox", "get")):
        refused = schema["paths"][path][method]["responses"]["403"]["description"]
        assert "operator's key" in refused, path
