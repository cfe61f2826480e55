"""A refusal log in a JSON-lines file: one refusal per line, appended, never rewritten.

The file is the simplest durable home for the no-extra-data records (``contracts.
refusals``); the gateway store offers the same ``RefusalLog`` interface in its database.
Appends are serialised within a process and written as one ``write`` per line, so
concurrent writers do not interleave records.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

from ijw_gateway.contracts.refusals import Refusal, within
from ijw_gateway.errors import ConfigurationError, UsageError

DEFAULT_REFUSAL_LOG = Path("ijw-refusals.jsonl")


class JsonlRefusalLog:
    """Refusals in a JSON-lines file; the file is created on the first refusal."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, refusal: Refusal) -> None:
        line = json.dumps(refusal.stamped().to_json(), ensure_ascii=False) + "\n"
        with self._lock:
            try:
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(line)
            except OSError as exc:
                raise ConfigurationError(f"refusal log {self.path}: {exc.strerror}") from None

    def record_new(self, refusals: Iterable[Refusal]) -> int:
        """Record the refusals the log does not hold yet (compared without ``recorded_at``),
        so that checking the same terms again does not count them again; how many."""
        held = {replace(r, recorded_at=None) for r in self.refusals()}
        fresh = [r for r in refusals if replace(r, recorded_at=None) not in held]
        for refusal in fresh:
            self.record(refusal)
        return len(fresh)

    def refusals(self, start: date | None = None, end: date | None = None) -> list[Refusal]:
        if not self.path.exists():
            return []
        found = []
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"refusal log {self.path} cannot be read: {exc}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                refusal = Refusal.from_json(json.loads(line))
            except (ValueError, TypeError, AttributeError):
                raise UsageError(f"{self.path}:{number}: not a refusal record") from None
            if within(refusal, start, end):
                found.append(refusal)
        return found
