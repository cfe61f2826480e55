"""The Validate page's verdicts: a sequence judged in order, a zip, a StUF envelope, and
input that cannot be judged; nothing is stored."""

from __future__ import annotations

import re

from ijw_gateway.store import Store
from ijw_gateway.stuf import codec
from tests.support.service import TestClient, zip_of
from tests.support.shared_paths import ROOT
from tests.support.stuf_support import jw301_envelope

SEQUENCE = ROOT / "fixtures/messages/sequences/TR019-start-without-allocation"
BROKEN = ROOT / "fixtures/messages/jw301/invalid/CD005/postcode-without-landcode.xml"


def _token(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/validate").text)
    assert found is not None
    return found.group(1)


def _verdicts(client: TestClient, files: list[tuple[str, bytes]], **fields: str) -> list[str]:
    answer = client.post(
        "/console/validate",
        data={"csrf": _token(client), **fields},
        files=[("files", (name, data)) for name, data in files],
    )
    assert answer.status_code == 200, answer.text
    return re.findall(r'<span class="(accepted|rejected)">', answer.text)


def test_a_sequence_is_judged_in_order(client: TestClient, store: Store) -> None:
    """Alone, a start is not checked against allocations (no history, as on the command
    line); in the sequence it is, and its unknown allocation is refused (TR019, 9019)."""
    files = [(p.name, p.read_bytes()) for p in sorted(SEQUENCE.glob("*.xml"))]
    assert _verdicts(client, files[-1:]) == ["accepted"]
    assert _verdicts(client, files, sequence="on") == ["accepted", "rejected"]
    assert _verdicts(client, files) == ["accepted", "accepted"]  # not a sequence
    assert store.outbox_counts() == {}  # nothing was stored


def test_a_zip_and_an_envelope(client: TestClient) -> None:
    broken = BROKEN.read_bytes()
    archive = zip_of({"a.xml": broken, "b.xml": broken})
    assert _verdicts(client, [("two.zip", archive)]) == ["rejected", "rejected"]
    answer = client.post(
        "/console/validate",
        data={"csrf": _token(client)},
        files=[("files", ("di01.xml", codec.write(jw301_envelope())))],
    )
    assert "StUF-GGk envelope: Di01" in answer.text and "JW301" in answer.text


def test_nothing_to_judge_and_too_much(client: TestClient) -> None:
    empty = client.post("/console/validate", data={"csrf": _token(client)})
    assert empty.status_code == 422 and "Paste a message or choose a file." in empty.text
    many = [(f"{n}.xml", b"<x/>") for n in range(31)]
    answer = client.post(
        "/console/validate",
        data={"csrf": _token(client)},
        files=[("files", f) for f in many],
    )
    assert answer.status_code == 413 and "At most 30 files" in answer.text


def test_a_form_larger_than_the_console_takes_is_refused_unread(client: TestClient) -> None:
    answer = client.post(
        "/console/validate",
        content=b"x",
        headers={
            "Content-Length": str(200 * 2**20),
            "Content-Type": "multipart/form-data; boundary=b",
        },
    )
    assert answer.status_code == 413
