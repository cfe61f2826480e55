"""Short details appended to a finding's explanation, in the reader's language.

The catalogue explanation says what is wrong in general; the detail pins it to this
message: which element is missing, which other class clashes, which date or amount the
gateway compared with. Details name elements, codes, message dates and amounts, never
personal data (no BSN, names or birth dates).
"""

from __future__ import annotations

from collections.abc import Mapping

from ijw_gateway.rules.base import RuleContext

PHRASES: Mapping[str, tuple[str, str]] = {  # key -> (nl, en)
    "missing": ("{0} ontbreekt", "{0} missing"),
    "same_key": ("zelfde sleutel als {0}", "same key as {0}"),
    "also_in": ("ook in {0}", "also in {0}"),
    "overlaps": ("overlapt met {0}", "overlaps {0}"),
    "before": ("ligt voor {0}", "before {0}"),
    "after_dagtekening": ("ligt na dagtekening {0}", "after Dagtekening {0}"),
    "dagtekening": ("dagtekening {0}", "Dagtekening {0}"),
    "value": ("{0} {1}", "{0} {1}"),
    "sum": ("de prestaties tellen op tot {0}", "the Prestaties add up to {0}"),
    "earliest_end": ("vroegst toegestane einddatum {0}", "earliest allowed end {0}"),
    "whole_rejected": ("de hele declaratie is afgewezen", "the whole declaration is rejected"),
    "answer_sum": (
        "ingediend {0}, afgewezen prestaties {1}",
        "submitted {0}, rejected Prestaties {1}",
    ),
}


def detail(ctx: RuleContext, key: str, *args: object) -> str:
    """The phrase ``key`` filled with ``args``, in parentheses, in the context's language."""
    nl, en = PHRASES[key]
    return "(" + (nl if ctx.lang == "nl" else en).format(*args) + ")"
