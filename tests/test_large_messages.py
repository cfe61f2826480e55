"""A large message is judged as its clients and lines are when each comes in a small one.

The same findings (rule, code, level, text) on the same classes, the paths numbered by
the class's place in the large message and the lines those of its elements; and the
JW325 or retour of the large message says per client what the small ones say.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from lxml import etree

from ijw_gateway.contracts import MemoryRefusalLog, no_extra_data_screen
from ijw_gateway.findings import Finding
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures import large
from ijw_gateway.history.memory import InMemoryHistory
from ijw_gateway.messages.jsonmodel import JsonObject, JsonValue, to_json
from ijw_gateway.retour import compose_outcome
from ijw_gateway.runtime import build_checks
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Outcome, Validator
from ijw_gateway.xmlpath import line_of

COUNT = 300


def _judge(
    registry: SchemaRegistry, before: tuple[JsonObject, ...]
) -> Callable[[JsonObject], Outcome]:
    """Judge messages against a history holding ``before`` (judging records nothing)."""
    history = InMemoryHistory()
    large.record(history, before)
    screen = no_extra_data_screen(MemoryRefusalLog())
    validator = Validator(registry, build_checks("en", history), [screen])
    return lambda model: validator.run(b.to_bytes(model))


def _items(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else [value]


def _obj(value: JsonValue) -> JsonObject:
    assert isinstance(value, dict)
    return value


def _clients(model: JsonObject) -> list[JsonObject]:
    return [_obj(c) for c in _items(_obj(_obj(model["Declaratie"])["Clienten"])["Client"])]


def _declarations(model: JsonObject) -> list[JsonObject]:
    """Every client of a JW323 in a declaration of its own."""
    return [
        b.jw323(
            f"S{i}",
            clients={str(c["Bsn"]): [_obj(p) for p in _items(_obj(c["Prestaties"])["Prestatie"])]},
        )
        for i, c in enumerate(_clients(model))
    ]


def _lines(
    kind: str, plural: str, single: str, build: Callable[..., JsonObject]
) -> Callable[[JsonObject], list[JsonObject]]:
    def split(model: JsonObject) -> list[JsonObject]:
        lines = _items(_obj(_obj(model["Client"])[plural])[single])
        head = _obj(model["Header"])
        dagtekening = str(_obj(head["BerichtIdentificatie"])["Dagtekening"])
        return [
            build(f"S{i}", **{kind: [_obj(line)]}, dagtekening=dagtekening)
            for i, line in enumerate(lines)
        ]

    return split


Split = Callable[[JsonObject], list[JsonObject]]
CASES: dict[str, tuple[Callable[[], large.Large], str, Split]] = {
    "JW323": (
        lambda: large.declaration(COUNT, 2, finding=True),
        "Client",
        _declarations,
    ),
    "JW301": (
        lambda: large.allocation(COUNT, finding=True),
        "ToegewezenProduct",
        _lines("products", "ToegewezenProducten", "ToegewezenProduct", b.jw301),
    ),
    "JW305": (
        lambda: large.starts(COUNT, finding=True),
        "StartProduct",
        _lines("starts", "StartProducten", "StartProduct", b.jw305),
    ),
}


def _element_at(root: etree._Element, path: str) -> etree._Element:
    """The element a finding's path names (steps by local name, 1-based positions)."""
    node = root
    for step in path.strip("/").split("/")[1:]:
        name, _, index = step.partition("[")
        same = [c for c in node if isinstance(c.tag, str) and etree.QName(c).localname == name]
        node = same[int(index.rstrip("]") or 1) - 1]
    return node


def _placed(finding: Finding, step: str, position: int) -> tuple[object, ...]:
    path = re.sub(rf"/{step}(?=/|$)", f"/{step}[{position}]", finding.path, count=1)
    return (finding.rule, finding.retourcode, finding.level, path, finding.text)


@pytest.mark.parametrize("message", list(CASES))
def test_large_findings_are_those_of_the_small_messages(
    registry: SchemaRegistry, message: str
) -> None:
    build, step, split = CASES[message]
    big = build()
    judge = _judge(registry, big.before)
    outcome = judge(big.message)
    assert outcome.message is not None
    found = [(f.rule, f.retourcode, f.level, f.path, f.text) for f in outcome.report.findings]
    expected = []
    for i, small in enumerate(split(big.message), 1):
        alone = judge(small)
        expected += [_placed(f, step, i) for f in alone.report.findings]
    assert len(found) >= COUNT
    assert found == expected
    for finding in outcome.report.findings:
        assert line_of(_element_at(outcome.message.root, finding.path)) == finding.line


def test_the_jw325_of_a_large_declaration_answers_each_client_as_alone(
    registry: SchemaRegistry,
) -> None:
    big = large.declaration(COUNT, 2, finding=True)
    judge = _judge(registry, big.before)
    answer = to_json(compose_outcome(judge(big.message)).element())
    answered = _clients(_obj({"Declaratie": _obj(answer["DeclaratieAntwoord"])}))
    alone = []
    for small in _declarations(big.message):
        reply = to_json(compose_outcome(judge(small)).element())
        alone += _clients(_obj({"Declaratie": _obj(reply["DeclaratieAntwoord"])}))
    assert len(answered) == COUNT
    assert answered == alone
