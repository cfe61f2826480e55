"""DATE-RANGE: dates and times the schema admits but no calendar holds (the gateway's own
rule). Breaking and passing fixtures for every message are in the fixture suite."""

from __future__ import annotations

import pytest

from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.rules.readable_values import readable, temporal_elements


def _leaf_types(message: str) -> dict[str, set[str]]:
    """Local name -> every simple type it has anywhere in ``message``."""
    found: dict[str, set[str]] = {}
    for element in MESSAGES[message].leaves():
        found.setdefault(element.name, set()).add(element.type)
    return found


@pytest.mark.parametrize("message", sorted(MESSAGES))
def test_a_date_or_time_name_is_one_wherever_it_occurs(message: str) -> None:
    """What lets the rule find a message's dates by name alone."""
    temporal = temporal_elements(message)
    for name, types in _leaf_types(message).items():
        if name in temporal:
            expected = "LDT_Datum" if temporal[name] == "date" else "LDT_Tijd"
            assert types == {expected}, (message, name, types)
        else:
            assert not types & {"LDT_Datum", "LDT_Tijd"}, (message, name)
    assert temporal["Dagtekening"] == "date"


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("date", "2026-03-02", True),
        ("date", "0001-01-01", True),
        ("date", "9999-12-31", True),
        ("date", "-2026-03-02", False),  # xs:date admits a negative year
        ("date", "12026-03-02", False),  # and a fifth digit
        ("time", "09:30:00", True),
        ("time", "09:30:00.250", True),
        ("time", "24:00:00", False),  # xs:time's end of the day
    ],
)
def test_readable_values(kind: str, value: str, expected: bool) -> None:
    assert readable(kind, value) is expected
