"""Trace ids across the gateway: W3C Trace Context (``traceparent``) and ``X-Trace-Id``.

A request's trace id is the one its ``traceparent`` header carries (W3C Trace Context:
``00-<trace id, 32 hex>-<parent id, 16 hex>-<flags>``), else its ``X-Trace-Id`` when it has
a known format, else a new one. The id is stored with every event of the message and
written in every log line about it, and every push carries it on (``traceparent`` with a
span id of the push's own, and ``X-Trace-Id``), so that a receiver's tracing joins ours.
A header that is not of these formats is ignored, never logged: it may hold a BSN.
"""

from __future__ import annotations

import re
import secrets

_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_TRACE_ID = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_ZERO_TRACE, _ZERO_SPAN = "0" * 32, "0" * 16


def from_traceparent(value: str) -> str | None:
    """The trace id of a valid ``traceparent``, or None. Version ``ff`` and all-zero ids
    are invalid (W3C); a later version may append fields, which are ignored; version
    ``00`` has exactly four."""
    found = _TRACEPARENT.fullmatch(value.strip())
    if found is None:
        return None
    version, trace, span, _, rest = found.groups()
    if version == "ff" or trace == _ZERO_TRACE or span == _ZERO_SPAN:
        return None
    if version == "00" and rest:
        return None
    return trace


def from_trace_header(value: str) -> str | None:
    """An ``X-Trace-Id`` of a known format (32 hex digits as this gateway and W3C make
    them, a UUID with or without dashes), or None."""
    return value if _TRACE_ID.fullmatch(value) else None


def new_trace() -> str:
    return secrets.token_hex(16)


def traceparent(trace_id: str) -> str | None:
    """A ``traceparent`` carrying ``trace_id`` on, with a new span id of our own (the
    push); None for a stored trace id that is not W3C-shaped (empty, from before)."""
    trace = trace_id.replace("-", "").lower()
    if len(trace) != 32 or trace == _ZERO_TRACE or not all(c in "0123456789abcdef" for c in trace):
        return None
    return f"00-{trace}-{secrets.token_hex(8)}-01"
