"""Using a history: validate-then-record, and replaying a directory (the cross-message
check that reads it is ``rules.stages.cross_message``).

The order matters and lives here once: a message is judged against what came *before*
it, and only then (if it counts as received) becomes part of the history for the next.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

from ijw_gateway.errors import UsageError
from ijw_gateway.findings import Report
from ijw_gateway.history.memory import InMemoryHistory
from ijw_gateway.history.model import HistoryStore
from ijw_gateway.inputs import iter_items
from ijw_gateway.validation import Validator


def validate_and_record(
    validator: Validator, history: HistoryStore, data: bytes, file: str = "<message>"
) -> Report:
    """Validate one message and record it when it counts as received.

    ``validator`` should run ``rules.stages.cross_message(history)`` so the message is judged against
    the same history it is then added to.
    """
    outcome = validator.run(data, file)
    if outcome.message is not None:
        history.record(outcome.message, outcome.report)
    return outcome.report


def replay(
    validator: Validator, history: HistoryStore, paths: list[Path], skip: Collection[Path] = ()
) -> Iterator[Report]:
    """Validate and record every message in ``paths`` in order (directories sorted by name),
    leaving out the files within ``skip``."""
    for item in iter_items(paths, skip):
        if item.data is None:
            assert item.problem is not None
            yield Report(item.name, findings=(item.problem,))
        else:
            yield validate_and_record(validator, history, item.data, item.name)


def open_history(source: str) -> InMemoryHistory:
    """An empty history for ``--history DIR``; the caller replays the directory into it."""
    if not Path(source).is_dir():
        raise UsageError(f"--history {source}: not a directory")
    return InMemoryHistory()


def summary(report: Report) -> str:
    """One line per replayed file, for stderr."""
    verdict = "accepted" if report.accepted else "REJECTED"
    codes = f" ({', '.join(report.retourcodes)})" if report.retourcodes else ""
    return f"history: {report.file}: {report.message or 'unknown message'} {verdict}{codes}"
