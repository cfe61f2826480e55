"""Working days: the Dutch holidays of the ``holidays`` package, weekends, Amsterdam days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ijw_gateway.monitoring import deadlines as rules
from ijw_gateway.monitoring.workdays import (
    add_working_days,
    is_working_day,
    local_day,
    working_days_between,
)


def test_holidays_and_weekends_are_no_working_days() -> None:
    assert not is_working_day(date(2026, 4, 3))  # Good Friday
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday
    assert not is_working_day(date(2026, 4, 27))  # King's Day
    assert not is_working_day(date(2026, 5, 14))  # Ascension Day
    assert not is_working_day(date(2025, 5, 5))  # Liberation Day, a lustrum year
    assert is_working_day(date(2026, 5, 5))  # not a day off in other years
    assert not is_working_day(date(2026, 12, 26)) and not is_working_day(date(2026, 4, 4))
    assert is_working_day(date(2026, 4, 7))


def test_answer_times() -> None:
    assert add_working_days(date(2026, 4, 2), 3) == date(2026, 4, 9)
    assert rules.answer_due("declaration", date(2026, 12, 18)) == date(2027, 1, 5)
    assert rules.decision_due(date(2026, 4, 2)) == date(2026, 4, 13)
    assert rules.investigation_due(date(2026, 4, 2)) == date(2026, 5, 28)
    # a Woonplaatsbeginsel rejection: within 2 weeks of the request at the latest
    assert rules.rejection_due(date(2026, 5, 28), date(2026, 4, 2), "8") == date(2026, 4, 16)
    assert rules.rejection_due(date(2026, 5, 28), date(2026, 4, 2), "1") == date(2026, 5, 28)
    # a retroactive allocation: 5 working days after it arrived, not after the start
    assert rules.care_due(date(2026, 1, 5), date(2026, 4, 14)) == date(2026, 4, 21)
    assert rules.late_by(date(2026, 4, 13), date(2026, 4, 14)) == 1
    assert rules.late_by(date(2026, 4, 13), date(2026, 4, 13)) == 0


def test_a_moment_is_read_as_a_day_in_amsterdam() -> None:
    assert local_day(datetime(2026, 3, 31, 22, 30, tzinfo=UTC)) == date(2026, 4, 1)
    assert local_day(datetime(2026, 12, 31, 22, 59)) == date(2026, 12, 31)


@given(st.dates(date(2019, 1, 1), date(2031, 1, 1)), st.integers(-10, 800))
def test_counting_agrees_with_walking_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    walked = sum(is_working_day(start + timedelta(days=i)) for i in range(1, span + 1))
    assert working_days_between(start, end) == walked
    if 0 < walked <= 30:
        assert working_days_between(start, add_working_days(start, walked)) == walked
