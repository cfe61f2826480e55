"""Long lists are validated in windows: the same errors as one pass, at the cost of their size."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from ijw_gateway import schemawindows, xmlparse
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures import large
from ijw_gateway.schemas import SchemaRegistry

CLIENTS = schemawindows.WINDOW * 2 + 45  # three windows, the last one shorter
DECLARATION = large.declaration(CLIENTS, lines=1).to_bytes()
ONE_CLIENT = b.to_bytes(
    b.jw323(clients={b.BSN: [b.prestatie(f"P{i}", nummer=i + 1) for i in range(CLIENTS)]})
)
ALLOCATION = large.allocation(CLIENTS).to_bytes()
CLIENT = b"<jw323:Client>"


def _every(data: bytes, old: bytes, new: bytes, step: int) -> bytes:
    """``old`` replaced by ``new`` at every ``step``-th occurrence (from the ``step``-th)."""
    parts = data.split(old)
    out = [parts[0]]
    for i, part in enumerate(parts[1:], 1):
        out += [new if i % step == 0 else old, part]
    return b"".join(out)


CASES: dict[str, bytes] = {
    "valid": DECLARATION,
    "a bad value in every line": DECLARATION.replace(
        b"<jw323:GeleverdVolume>60<", b"<jw323:GeleverdVolume>x<"
    ),
    "an attribute on every third client": _every(DECLARATION, CLIENT, b'<jw323:Client a="1">', 3),
    "a comment between clients": DECLARATION.replace(
        b"</jw323:Client>", b"</jw323:Client><!--c-->"
    ),
    "a foreign element after the clients": DECLARATION.replace(
        b"</jw323:Clienten>", b'<x:E xmlns:x="urn:x"/></jw323:Clienten>'
    ),
    "an unknown element in the list": _every(
        DECLARATION.replace(b"<jw323:GeleverdVolume>60<", b"<jw323:GeleverdVolume>x<"),
        b"</jw323:Client>",
        b"</jw323:Client><jw323:Onbekend/>",
        CLIENTS - 100,
    ),
    "a broken header and totals": DECLARATION.replace(
        b"<jw323:BerichtVersie>3<", b"<jw323:BerichtVersie>x<"
    ).replace(b"<jw323:DeclaratieNummer>", b"<jw323:DeclaratieNummer a='1'>"),
    "a missing element in every tenth line": _every(
        DECLARATION, b"<jw323:Eenheid>01</jw323:Eenheid>", b"", 10
    ),
    "lines of one client": ONE_CLIENT.replace(b"<jw323:Eenheid>01<", b"<jw323:Eenheid>99<"),
    "products of an allocation": ALLOCATION.replace(b"<ijw:Frequentie>2<", b"<ijw:Frequentie>9<"),
}


VALID = {"valid", "a comment between clients"}


def _default_namespace(data: bytes) -> bytes:
    """The same message with its own namespace as the default one (paths become ``*``)."""
    prefix = re.search(rb"<(jw3\d\d):Bericht", data)
    assert prefix is not None
    name = prefix.group(1)
    data = data.replace(b"xmlns:" + name + b"=", b"xmlns=")
    return data.replace(b"<" + name + b":", b"<").replace(b"</" + name + b":", b"</")


CASES["default namespace, bad values"] = _default_namespace(CASES["a bad value in every line"])


def _message(data: bytes) -> str:
    return "JW301" if b"jw301" in data[:400] else "JW323"


@pytest.mark.parametrize("name", list(CASES))
def test_windows_report_what_one_pass_reports(registry: SchemaRegistry, name: str) -> None:
    data, message = CASES[name], _message(CASES[name])
    schema = registry.schema(message)
    tree = xmlparse.parse(data)
    before = etree.tostring(tree)
    windowed = schemawindows.validate(schema, tree, message)
    assert windowed is not None, "the list is long enough to be windowed"
    assert etree.tostring(tree) == before, "the tree is put back as it was"
    schema.validate(tree)
    assert windowed == schemawindows.errors_of(schema)
    assert bool(windowed) == (name not in VALID)


def test_short_lists_are_validated_in_one_pass(registry: SchemaRegistry) -> None:
    data = large.declaration(schemawindows.WINDOW, lines=1).to_bytes()
    assert schemawindows.validate(registry.schema("JW323"), xmlparse.parse(data), "JW323") is None


def test_no_pass_sees_more_than_a_window_of_a_list(registry: SchemaRegistry) -> None:
    """What bounds the cost: lxml walks the preceding siblings of every error's element
    and ancestors, so each error costs at most a window's worth of siblings, not n."""
    data = CASES["a bad value in every line"]
    tree = xmlparse.parse(data)
    clienten = next(tree.getroot().iter("{*}Clienten"))
    schema = registry.schema("JW323")
    seen: list[int] = []

    class Counting:
        error_log = property(lambda self: schema.error_log)

        def validate(self, validated: etree._ElementTree) -> bool:
            seen.append(len(clienten))
            return schema.validate(validated)

    errors = schemawindows.validate(Counting(), tree, "JW323")  # type: ignore[arg-type]
    assert errors is not None and len(errors) == CLIENTS
    assert len(seen) == 3 and max(seen) <= schemawindows.WINDOW + 1


def test_registry_findings_carry_whole_list_positions(registry: SchemaRegistry) -> None:
    findings = registry.check(xmlparse.parse(CASES["a bad value in every line"]), "JW323")
    paths = [f.path for f in findings]
    assert len(paths) == CLIENTS
    assert paths[-1] == (
        f"/Bericht/Declaratie/Clienten/Client[{CLIENTS}]/Prestaties/Prestatie/GeleverdVolume"
    )
    assert len(set(paths)) == CLIENTS
