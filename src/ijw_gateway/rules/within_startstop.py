"""Within-message rules of start and stop of care (JW305, JW307).

RULES.md §3.3. Start and stop records are corrected by deleting them (status 3) and
sending them again (status 1), never by sending a "changed" record, so the status is
checked here; the stop's own period must also make sense.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ijw_gateway.elements import child, date_at, date_of, find_all, text
from ijw_gateway.rules.base import Fault, RuleContext, rule

_RECORDS: Mapping[str, str] = {
    "JW305": "Client/StartProducten/StartProduct",
    "JW307": "Client/StopProducten/StopProduct",
}
_ALLOWED_STATUS = frozenset({"1", "3"})


@rule("CS058")
def status_first_or_delete(ctx: RuleContext) -> Iterator[Fault]:
    """StatusAanlevering is 1 (first delivery) or 3 (delete); 2 and 9 are not used here."""
    path = _RECORDS.get(ctx.message.type)
    if path is None:
        return
    for status in find_all(ctx.message.root, f"{path}/StatusAanlevering"):
        if text(status) not in _ALLOWED_STATUS:
            yield Fault(status)


@rule("TR018")
def stop_not_before_start(ctx: RuleContext) -> Iterator[Fault]:
    """A stop's Einddatum is on or after its Begindatum."""
    for stop in find_all(ctx.message.root, _RECORDS["JW307"]):
        begin, einddatum = date_at(stop, "Begindatum"), child(stop, "Einddatum")
        end = date_of(einddatum)
        if begin is not None and einddatum is not None and end is not None and end < begin:
            yield Fault(einddatum)
