"""Within-message rules of the answer to a request, JW319.

RULES.md §3.6. A rejection always carries its reason, an "under investigation" answer
never does, and only a rejection because of the residence principle (reason 8) names the
municipality that is responsible instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.findings import Finding
from ijw_gateway.rules._detail import detail
from ijw_gateway.rules._xml import Element, child, find, text
from ijw_gateway.rules.base import RuleContext, finding, rule

_WOONPLAATSBEGINSEL = "8"


def _antwoord(ctx: RuleContext) -> Element | None:
    return find(ctx.message.root, "Antwoord")


@rule("CD085")
def rejection_has_reason(ctx: RuleContext) -> Iterator[Finding]:
    """A rejected request (VerzoekAntwoord 1) says why in RedenAfwijzingVerzoek."""
    antwoord = _antwoord(ctx)
    if antwoord is None or text(child(antwoord, "VerzoekAntwoord")) != "1":
        return
    if child(antwoord, "RedenAfwijzingVerzoek") is None:
        yield finding(ctx, "CD085", antwoord, detail(ctx, "missing", "RedenAfwijzingVerzoek"))


@rule("CD086")
def investigation_has_no_reason(ctx: RuleContext) -> Iterator[Finding]:
    """A request under investigation (VerzoekAntwoord 2) has no rejection reason."""
    antwoord = _antwoord(ctx)
    if antwoord is None or text(child(antwoord, "VerzoekAntwoord")) != "2":
        return
    reden = child(antwoord, "RedenAfwijzingVerzoek")
    if reden is not None:
        yield finding(ctx, "CD086", reden)


@rule("TR377")
def residence_principle_names_municipality(ctx: RuleContext) -> Iterator[Finding]:
    """Rejection reason 8 (woonplaatsbeginsel) names the responsible municipality."""
    antwoord = _antwoord(ctx)
    if antwoord is None:
        return
    reden = child(antwoord, "RedenAfwijzingVerzoek")
    if text(reden) == _WOONPLAATSBEGINSEL and child(antwoord, "Woonplaatsbeginsel") is None:
        yield finding(ctx, "TR377", antwoord, detail(ctx, "missing", "Woonplaatsbeginsel"))


@rule("TR409")
def municipality_only_for_residence_principle(ctx: RuleContext) -> Iterator[Finding]:
    """Woonplaatsbeginsel is only filled for rejection reason 8."""
    antwoord = _antwoord(ctx)
    if antwoord is None:
        return
    woonplaats = child(antwoord, "Woonplaatsbeginsel")
    reden = text(child(antwoord, "RedenAfwijzingVerzoek"))
    if woonplaats is not None and reden != _WOONPLAATSBEGINSEL:
        yield finding(ctx, "TR409", woonplaats)
