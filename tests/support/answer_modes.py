"""Helpers of the answer-mode tests (``test_service_answer_modes``, ``test_service_held``):
a declaration for two clients with their allocations, and what a party's mailbox and the
deadlines show."""

from __future__ import annotations

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from tests.support.service import GEMEENTE, JsonDict, TestClient, auth, post

OTHER = b.synthetic_bsn(1)
"""The second client of the declaration."""


def allocate_both(client: TestClient) -> None:
    """The municipality allocates to both clients of ``declaration_of_two``."""
    products = [b.toegewezen_product(1002)]
    for allocation in (b.jw301("A-1"), b.jw301("A-2", bsn=OTHER, products=products)):
        assert post(client, b.to_bytes(allocation), GEMEENTE)["accepted"]


def declaration_of_two(
    identificatie: str, nummer: str, dagtekening: str = "2026-04-02"
) -> JsonObject:
    """A JW323 with one Prestatie for each client (``P-1``, ``P-2``)."""
    clients = {b.BSN: [b.prestatie("P-1")], OTHER: [b.prestatie("P-2", nummer=1002)]}
    return b.jw323(
        identificatie, nummer=nummer, declaratie_dagtekening=dagtekening, clients=clients
    )


def mailbox(client: TestClient, party: str, kind: str) -> list[JsonDict]:
    """The items of ``kind`` waiting in ``party``'s mailbox."""
    response = client.get("/v1/mailbox", headers=auth(party))
    assert response.status_code == 200, response.text
    return [item for item in response.json()["items"] if item["message"] == kind]


def deadlines(client: TestClient, state: str) -> list[tuple[str, str, str]]:
    """(type owed, owed by, message) of the deadlines in ``state``, as the municipality sees."""
    response = client.get(f"/v1/deadlines?state={state}", headers=auth(GEMEENTE))
    assert response.status_code == 200, response.text
    return [(d["type"], d["owed_by"], d["message"]) for d in response.json()["deadlines"]]
