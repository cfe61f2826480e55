"""Judging a message costs work in proportion to its size, whatever its shape.

Not a timing: the work counted is every line of the gateway's own Python that runs
(``sys.settrace`` line events in ``ijw_gateway``), which is exact and the same on an
idle and a busy machine. A pass that compares every line with every other, or counts an
element's siblings for every finding, shows as a count that grows with the square of the
message. Each shape is judged at n, 2n and 4n: for linear work the growth from 2n to 4n
is twice the growth from n to 2n (the fixed cost of a message cancels out); for
quadratic work it is four times. Judging is everything a message goes through in-process:
the no-extra-data screen, the schema, every rule stage with a history and the contracts,
the return message, and what the message adds to the history.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import ijw_gateway
from ijw_gateway.contracts import MemoryRefusalLog, no_extra_data_screen
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures import large
from ijw_gateway.history.extract import facts
from ijw_gateway.history.memory import InMemoryHistory
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.retour import NoReturnMessage, compose_outcome
from ijw_gateway.runtime import build_checks
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator

PACKAGE = str(Path(ijw_gateway.__file__).parent)
LINEAR = 2.25  # growth ratio allowed: 2.0 is linear, quadratic work tends to 4.0


@dataclass(frozen=True)
class Judged:
    work: int  # line events of the gateway's code
    findings: int


Case = tuple[bytes, tuple[JsonObject, ...]]  # a message and what to record before it


def _judge(registry: SchemaRegistry, case: Case) -> Judged:
    data, before = case
    history = InMemoryHistory()
    large.record(history, before)
    validator = Validator(
        registry, build_checks("en", history), [no_extra_data_screen(MemoryRefusalLog())]
    )
    count = [0]

    def lines(frame: FrameType, event: str, arg: Any) -> Any:
        count[0] += 1
        return lines

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return lines if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(calls)
    try:
        outcome = validator.run(data)
        with contextlib.suppress(NoReturnMessage):
            compose_outcome(outcome, identificatie="X1").to_bytes()
        if outcome.message is not None:
            facts(outcome.message, outcome.report)
    finally:
        sys.settrace(None)
    return Judged(count[0], len(outcome.report.findings))


def _built(message: large.Large) -> Case:
    return message.to_bytes(), message.before


def _inject(data: bytes, after: bytes, extra: bytes) -> bytes:
    assert after in data
    return data.replace(after, after + extra, 1)


CLIENT_301 = b"<jw301:Client>"


def _unknown_elements(n: int) -> Case:
    data = b.to_bytes(b.jw301())
    return _inject(data, CLIENT_301, b"<jw301:Extra>a</jw301:Extra>" * n), ()


def _foreign_attributes(n: int) -> Case:
    names = b" ".join(b'x:a%d="1"' % i for i in range(n))
    client = b'<jw301:Client xmlns:x="urn:x" ' + names + b">"
    return b.to_bytes(b.jw301()).replace(CLIENT_301, client), ()


def _split_value(n: int) -> Case:
    """A first name in n pieces between comments (too long for the schema, once)."""
    return _inject(b.to_bytes(b.jw301()), b"<ijw:Voornamen>", b"S <!---->" * n), ()


def _stops(n: int) -> Case:
    """A JW307 stopping each of n starts (each on its own allocation)."""
    started = large.starts(n)
    stops = [b.stop_product(100_000 + j) for j in range(n)]
    return b.to_bytes(b.jw307("LARGE-307", stops=stops)), (*started.before, started.message)


def _declared_again(n: int) -> Case:
    """A JW323 judged against a history that holds it already: every Prestatie's
    questions about earlier declarations meet n earlier Prestaties."""
    declared = large.declaration(n, 1)
    return declared.to_bytes(), (*declared.before, declared.message)


def _requests(n: int) -> Case:
    """A JW315 asking n times for one product in consecutive months: no two overlap."""
    products = [
        b.aangevraagd_product(
            f"R{j}",
            ingangsdatum=f"{2026 + j // 12}-{j % 12 + 1:02d}-01",
            einddatum=f"{2026 + j // 12}-{j % 12 + 1:02d}-28",
        )
        for j in range(n)
    ]
    return b.to_bytes(b.jw315(products=products)), ()


Count = Callable[[int], int] | None  # the findings expected at a size (None: not checked)
SHAPES: list[tuple[str, Callable[[int], Case], int, Count]] = [
    (
        "JW323, a finding on every client",
        lambda n: _built(large.declaration(n, 1, finding=True)),
        500,
        lambda n: n,
    ),
    ("JW323, valid", lambda n: _built(large.declaration(n, 1)), 250, lambda n: 0),
    ("JW323 against a history holding as large a one", _declared_again, 250, None),
    (
        "JW301, a finding on every line",
        lambda n: _built(large.allocation(n, finding=True)),
        250,
        lambda n: n,
    ),
    ("JW301, valid lines of one product", lambda n: _built(large.allocation(n)), 250, lambda n: 0),
    (
        "JW305, a finding on every line",
        lambda n: _built(large.starts(n, finding=True)),
        250,
        lambda n: n,
    ),
    ("JW307, a stop of every start", _stops, 250, lambda n: 0),
    ("JW315, one product in many months", _requests, 100, None),
    ("unknown elements in one Client", _unknown_elements, 1000, lambda n: n + 1),
    ("foreign attributes on one Client", _foreign_attributes, 1000, lambda n: 2 * n),
    ("one value split by comments", _split_value, 4000, lambda n: 1),
]


@pytest.mark.parametrize(("name", "make", "n", "findings"), SHAPES, ids=[s[0] for s in SHAPES])
def test_work_grows_linearly(
    registry: SchemaRegistry, name: str, make: Callable[[int], Case], n: int, findings: Count
) -> None:
    sizes = (n, 2 * n, 4 * n)
    judged = [_judge(registry, make(size)) for size in sizes]
    if findings is not None:
        assert [j.findings for j in judged] == [findings(size) for size in sizes]
    first, second = judged[1].work - judged[0].work, judged[2].work - judged[1].work
    assert second / first < LINEAR, f"{name}: work grew {second / first:.2f}× for 2× the size"
