"""Trace ids: W3C traceparent in, X-Trace-Id of known formats, traceparent out."""

from __future__ import annotations

import pytest

from ijw_gateway.tracing import from_trace_header, from_traceparent, new_trace, traceparent

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_a_valid_traceparent_gives_its_trace_id() -> None:
    assert from_traceparent(f"00-{TRACE}-00f067aa0ba902b7-01") == TRACE
    assert from_traceparent(f"01-{TRACE}-00f067aa0ba902b7-00-later") == TRACE  # a later version


@pytest.mark.parametrize(
    "value",
    [
        "",
        f"ff-{TRACE}-00f067aa0ba902b7-01",
        f"00-{'0' * 32}-00f067aa0ba902b7-01",
        f"00-{TRACE}-{'0' * 16}-01",
        f"00-{TRACE.upper()}-00f067aa0ba902b7-01",
        f"00-{TRACE}-00f067aa0ba902b7-01-extra",
        "00-123456789-00f067aa0ba902b7-01",  # could be a BSN: never taken
    ],
)
def test_an_invalid_traceparent_is_ignored(value: str) -> None:
    assert from_traceparent(value) is None


def test_x_trace_id_takes_known_formats_only() -> None:
    assert from_trace_header(TRACE) == TRACE
    assert from_trace_header("123e4567-e89b-12d3-a456-426614174000") is not None
    assert from_trace_header("123456782") is None


def test_the_push_carries_the_trace_on_with_its_own_span() -> None:
    first, second = traceparent(TRACE), traceparent(TRACE)
    assert first is not None and second is not None and first != second
    assert first.startswith(f"00-{TRACE}-") and first.endswith("-01")
    assert from_traceparent(first) == TRACE
    assert traceparent("123e4567-e89b-12d3-a456-426614174000") is not None
    assert traceparent("") is None and traceparent("0" * 32) is None
    assert len(new_trace()) == 32
