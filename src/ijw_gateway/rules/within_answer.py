"""Within-message rules of the answer to a request, JW319.

RULES.md §3.6. A rejection always carries its reason, an "under investigation" answer
never does, and only a rejection because of the residence principle (reason 8) names the
municipality that is responsible instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.elements import Element, child, find_all, text
from ijw_gateway.rules._detail import detail
from ijw_gateway.rules.base import Fault, RuleContext, rule

_WOONPLAATSBEGINSEL = "8"


def _antwoord(ctx: RuleContext) -> list[Element]:
    """The Antwoord of a JW319 (none for any other message)."""
    return find_all(ctx.message.root, "Antwoord")[:1]


@rule("CD085")
def rejection_has_reason(ctx: RuleContext) -> Iterator[Fault]:
    """A rejected request (VerzoekAntwoord 1) says why in RedenAfwijzingVerzoek."""
    for antwoord in _antwoord(ctx):
        rejected = text(child(antwoord, "VerzoekAntwoord")) == "1"
        if rejected and child(antwoord, "RedenAfwijzingVerzoek") is None:
            yield Fault(antwoord, detail(ctx, "missing", "RedenAfwijzingVerzoek"))


@rule("CD086")
def investigation_has_no_reason(ctx: RuleContext) -> Iterator[Fault]:
    """A request under investigation (VerzoekAntwoord 2) has no rejection reason."""
    for antwoord in _antwoord(ctx):
        reden = child(antwoord, "RedenAfwijzingVerzoek")
        if reden is not None and text(child(antwoord, "VerzoekAntwoord")) == "2":
            yield Fault(reden)


@rule("TR377")
def residence_principle_names_municipality(ctx: RuleContext) -> Iterator[Fault]:
    """Rejection reason 8 (woonplaatsbeginsel) names the responsible municipality."""
    for antwoord in _antwoord(ctx):
        reden = text(child(antwoord, "RedenAfwijzingVerzoek"))
        if reden == _WOONPLAATSBEGINSEL and child(antwoord, "Woonplaatsbeginsel") is None:
            yield Fault(antwoord, detail(ctx, "missing", "Woonplaatsbeginsel"))


@rule("TR409")
def municipality_only_for_residence_principle(ctx: RuleContext) -> Iterator[Fault]:
    """Woonplaatsbeginsel is only filled for rejection reason 8."""
    for antwoord in _antwoord(ctx):
        woonplaats = child(antwoord, "Woonplaatsbeginsel")
        reden = text(child(antwoord, "RedenAfwijzingVerzoek"))
        if woonplaats is not None and reden != _WOONPLAATSBEGINSEL:
            yield Fault(woonplaats)
