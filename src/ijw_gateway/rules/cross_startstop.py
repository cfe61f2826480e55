"""Start (JW305) and stop (JW307) classes against the allocation and earlier classes.

Each class is judged against everything received before it: the history plus the
classes that precede it in the same message, so a delete (status 3) followed by a
corrected class (status 1) in one message works as the standard's correction flow
intends. A class "stands" when it was delivered and not removed by a later status 3
with the same key (``history.state.Standing``). Findings sit on the StartProduct or
StopProduct at fault.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ijw_gateway.elements import Element
from ijw_gateway.history import extract
from ijw_gateway.history.model import TEMPORARY_STOP, Allocation, CareClass
from ijw_gateway.history.state import DELIVERED, REMOVED, Standing
from ijw_gateway.rules.base import Fault, RuleContext, rule, shared_once


@dataclass(frozen=True)
class _Step:
    """One class of the message with what stood before it (the history and the classes
    before it in the message), as the rules below ask it."""

    element: Element
    item: CareClass
    same_key: bool  # a standing class of its kind has its key
    start_stands: bool  # a standing start has its start key
    start_stopped: bool  # a standing stop refers to its start key
    running: bool  # a standing start of its allocation has no standing stop
    temporary_stop: bool  # its start has a standing temporary stop
    definitive_stop: bool  # its start has a standing definitive stop
    latest_end: date | None  # the latest Einddatum of the standing stops of its start


def _step(element: Element, item: CareClass, before: Standing) -> _Step:
    stops = before.stops_of(item.nummer, item.begindatum)
    return _Step(
        element,
        item,
        same_key=before.has(item),
        start_stands=before.start_stands(item.start_key),
        start_stopped=before.start_stopped(item.start_key),
        running=before.running(item.nummer),
        temporary_stop=stops.temporary > 0,
        definitive_stop=stops.definitive > 0,
        latest_end=stops.latest_end(),
    )


@shared_once
def _steps(ctx: RuleContext) -> list[_Step]:
    history = ctx.lookups.history
    located = extract.care(ctx.message)
    if history is None or not located:
        return []
    first = located[0].record
    before = Standing(history.care_classes(first.gemeente, first.agb, first.bsn))
    steps = []
    for found in located:
        steps.append(_step(found.element, found.record, before))
        before.add(found.record)
    return steps


def _delivered(ctx: RuleContext) -> Iterator[_Step]:
    return (s for s in _steps(ctx) if s.item.status in DELIVERED)


def _contradicts(item: CareClass, allocation: Allocation) -> bool:
    """The class names another product than the allocation (only where both are given)."""
    pairs = ((item.categorie, allocation.categorie), (item.code, allocation.code))
    return any(mine is not None and theirs is not None and mine != theirs for mine, theirs in pairs)


def _linked(ctx: RuleContext, item: CareClass) -> bool:
    """TR019: the class belongs to an allocation of this municipality, provider and client."""
    history = ctx.lookups.history
    if history is None:
        return True
    if item.nummer is None:
        task_based = ctx.lookups.task_based
        return task_based is not None and task_based(
            item.gemeente, item.agb, item.categorie, item.code
        )
    allocation = history.allocation(item.gemeente, item.nummer)
    if allocation is None or (allocation.agb, allocation.bsn) != (item.agb, item.bsn):
        return False
    return not _contradicts(item, allocation)


@rule("TR019")
def linked_to_allocation(ctx: RuleContext) -> Iterator[Fault]:
    """A start or stop refers to an allocation, unless the care is task-based."""
    for step in _delivered(ctx):
        if not _linked(ctx, step.item):
            yield Fault(step.element)


@rule("TR326")
def no_second_running_start(ctx: RuleContext) -> Iterator[Fault]:
    """No new start for an allocation while an earlier start for it has no stop."""
    for step in _delivered(ctx):
        if step.item.nummer is not None and step.running:
            yield Fault(step.element)


@rule("TR063")
def removal_needs_delivery(ctx: RuleContext) -> Iterator[Fault]:
    """A status-3 class removes a standing class with the same key; it needs one."""
    for step in _steps(ctx):
        if step.item.status == REMOVED and not step.same_key:
            yield Fault(step.element)


@rule("TR071")
def no_removal_after_stop(ctx: RuleContext) -> Iterator[Fault]:
    """A start cannot be removed once a stop refers to it."""
    for step in _steps(ctx):
        if step.item.kind != "start" or step.item.status != REMOVED:
            continue
        if step.start_stopped:
            yield Fault(step.element)


@rule("TR074")
def key_not_delivered_twice(ctx: RuleContext) -> Iterator[Fault]:
    """A delivered class may not repeat the key of a standing class."""
    for step in _delivered(ctx):
        if step.same_key:
            yield Fault(step.element)


@rule("TR382")
def stop_has_current_start(ctx: RuleContext) -> Iterator[Fault]:
    """A stop repeats the key of a standing start unchanged."""
    for step in _delivered(ctx):
        if step.item.kind != "stop":
            continue
        if not step.start_stands:
            yield Fault(step.element)


@rule("TR413")
def one_temporary_stop(ctx: RuleContext) -> Iterator[Fault]:
    """After a temporary stop the next stop for that start is definitive."""
    for step in _delivered(ctx):
        if step.item.kind != "stop" or step.item.reden != TEMPORARY_STOP:
            continue
        if step.temporary_stop:
            yield Fault(step.element)


@rule("TR414")
def stop_not_earlier(ctx: RuleContext) -> Iterator[Fault]:
    """A later stop for the same start does not end before the standing one."""
    for step in _delivered(ctx):
        if step.item.kind != "stop" or step.item.einddatum is None:
            continue
        if step.latest_end is not None and step.item.einddatum < step.latest_end:
            yield Fault(step.element)


@rule("TR415")
def nothing_after_definitive_stop(ctx: RuleContext) -> Iterator[Fault]:
    """No further stop for a start that already has a definitive stop."""
    for step in _delivered(ctx):
        if step.item.kind != "stop":
            continue
        if step.definitive_stop:
            yield Fault(step.element)
