"""Which Prestaties a JW323's findings refuse: set lookups, as asking every finding did."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ijw_gateway.findings import Finding, Report
from ijw_gateway.history.extract import _refused

STEPS = ["Bericht", "Declaratie", "Clienten", "Client[1]", "Client[2]", "Prestaties", "Prestatie"]
paths = st.lists(st.sampled_from(STEPS), max_size=6).map(lambda steps: "/" + "/".join(steps))


@given(st.lists(paths, max_size=8), st.lists(paths, max_size=8))
def test_a_finding_on_inside_or_above_a_class_refuses_it(
    found: list[str], asked: list[str]
) -> None:
    report = Report("x", findings=tuple(Finding("history", "R", "0001", p, 1, "") for p in found))
    refused = _refused(report)
    for path in asked:
        expected = any(
            f == path or f.startswith(path + "/") or path.startswith(f + "/") for f in found
        )
        assert refused(path) == expected
