"""The language of an answer's finding texts, chosen from the request's ``Accept-Language``.

The gateway writes findings in English and Dutch (``findings.LANGUAGES``). A client says
which it prefers the HTTP way (RFC 9110 §12.5.4): ``nl``, ``nl-NL``, ``en;q=0.5, nl``, or
``*``. The preferred language with the highest quality wins, an earlier one on a tie; a
header that names neither (or none at all) gets the default, English.
"""

from __future__ import annotations

from ijw_gateway.findings import LANGUAGES

_MAX_RANGES = 32  # a real browser sends a handful; the rest of a longer list is ignored


def _quality(params: str) -> float:
    """The ``q`` of one language range; 1 without one, 0 when it is not a number."""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def preferred_language(header: str | None) -> str:
    """The language of ``LANGUAGES`` the ``Accept-Language`` value ``header`` prefers."""
    best, best_q = LANGUAGES[0], 0.0
    for part in (header or "").split(",")[:_MAX_RANGES]:
        tag, _, params = part.partition(";")
        primary = tag.strip().lower().split("-", 1)[0]
        lang = LANGUAGES[0] if primary == "*" else primary
        q = _quality(params)
        if lang in LANGUAGES and q > best_q:
            best, best_q = lang, q
    return best
