"""``ijw-gateway translate``: XML to JSON and back on the command line, exit statuses."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from lxml import etree

from ijw_gateway.cli import main
from ijw_gateway.fixtures import builders as b

XML = b.to_bytes(b.jw323())


def _run(capfdbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, str]:
    code = main(list(args))
    out, err = capfdbinary.readouterr()
    assert b"Traceback" not in out + err
    return code, out, err.decode()


def test_xml_becomes_json_and_json_becomes_the_same_xml(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    (tmp_path / "m.xml").write_bytes(XML)
    code, as_json, _ = _run(capfdbinary, "translate", str(tmp_path / "m.xml"))
    assert code == 0 and json.loads(as_json) == b.jw323()
    (tmp_path / "m.json").write_bytes(as_json)
    code, back, _ = _run(capfdbinary, "translate", str(tmp_path / "m.json"))
    assert code == 0
    c14n = [etree.tostring(etree.fromstring(x), method="c14n2") for x in (back, XML)]
    assert c14n[0] == c14n[1]


def test_to_names_the_form_and_dash_reads_standard_input(
    capfdbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same form comes back checked and in the standard's order."""
    shuffled = dict(reversed(list(b.jw323().items())))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(shuffled).encode())))
    code, out, _ = _run(capfdbinary, "translate", "-", "--to", "json")
    assert code == 0 and list(json.loads(out)) == list(b.jw323())


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"plain text", "neither an XML message nor a JSON model"),
        (b'{"message": "JW301", "Kop": {}}', "unknown element(s) Kop"),
        (XML.replace(b"<jw323:Client>", b"<jw323:Client><?x?>", 1), "processing instruction"),
        (XML[:200], "not well-formed XML"),
    ],
)
def test_what_cannot_be_translated_exits_1_with_the_reason(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes], content: bytes, says: str
) -> None:
    (tmp_path / "in").write_bytes(content)
    code, out, err = _run(capfdbinary, "translate", str(tmp_path / "in"))
    assert (code, out) == (1, b"") and says in err


def test_a_missing_file_exits_2(tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    code, _, err = _run(capfdbinary, "translate", str(tmp_path / "none.xml"))
    assert code == 2 and "no such file" in err
