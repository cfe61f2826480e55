"""``Standing`` kept up to date class by class answers what recomputing from scratch did."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ijw_gateway.history.model import TEMPORARY_STOP, CareClass, CareKind
from ijw_gateway.history.state import DELIVERED, REMOVED, Standing

DAYS = [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 9)]


def _standing(classes: Iterable[CareClass], kind: CareKind) -> list[CareClass]:
    """The former ``state.standing``, recomputed over everything before each class."""
    alive: list[CareClass] = []
    for item in classes:
        if item.kind != kind:
            continue
        if item.status == REMOVED:
            match = next((a for a in reversed(alive) if a.key == item.key), None)
            if match is not None:
                alive.remove(match)
        elif item.status in DELIVERED:
            alive.append(item)
    return alive


@st.composite
def care(draw: st.DrawFn) -> CareClass:
    kind: CareKind = draw(st.sampled_from(["start", "stop"]))
    stop = kind == "stop"
    return CareClass(
        kind=kind,
        gemeente="0505",
        agb="12345678",
        bsn="999900006",
        nummer=draw(st.sampled_from([1, 2, None])),
        categorie="45",
        code=draw(st.sampled_from(["45A01", None])),
        begindatum=draw(st.sampled_from(DAYS[:2])),
        einddatum=draw(st.sampled_from([*DAYS, None])) if stop else None,
        reden=draw(st.sampled_from([TEMPORARY_STOP, "31"])) if stop else None,
        status=draw(st.sampled_from(["1", "2", "3", "3", "9"])),
    )


@given(st.lists(care(), max_size=50))
def test_answers_match_recomputing_the_standing_classes(classes: list[CareClass]) -> None:
    state = Standing()
    for i, item in enumerate(classes):
        before = classes[:i]
        starts, stops = _standing(before, "start"), _standing(before, "stop")
        stopped = {s.start_key for s in stops}
        same_start = [
            s for s in stops if (s.nummer, s.begindatum) == (item.nummer, item.begindatum)
        ]
        ends = [s.einddatum for s in same_start if s.einddatum is not None]
        mine = starts if item.kind == "start" else stops
        assert state.has(item) == any(s.key == item.key for s in mine)
        assert state.start_stands(item.start_key) == any(
            s.start_key == item.start_key for s in starts
        )
        assert state.start_stopped(item.start_key) == (item.start_key in stopped)
        assert state.running(item.nummer) == any(
            s.nummer == item.nummer and s.start_key not in stopped for s in starts
        )
        stops_of = state.stops_of(item.nummer, item.begindatum)
        assert (stops_of.temporary > 0) == any(s.reden == TEMPORARY_STOP for s in same_start)
        assert (stops_of.definitive > 0) == any(s.reden != TEMPORARY_STOP for s in same_start)
        assert stops_of.latest_end() == (max(ends) if ends else None)
        state.add(item)
