"""Prometheus metrics, written by hand in the text exposition format (version 0.0.4).

Counters live in the process that counts them (with several uvicorn workers each scrape
sees one process; sum over ``instance`` in Prometheus). Gauges about the outbox are read
from the database at scrape time, so they are the same whichever process answers.
Labels carry message types, states and status codes only: never parties' data.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

Labels = tuple[tuple[str, str], ...]


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, dict[Labels, float]] = {}
        self._sums: dict[str, dict[Labels, float]] = {}
        self._help: dict[str, str] = {}

    def count(self, name: str, help_: str, amount: float = 1, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            self._help.setdefault(name, help_)
            _add(self._counters.setdefault(name, {}), key, amount)

    def observe(self, name: str, help_: str, seconds: float, **labels: str) -> None:
        """A summary without quantiles: ``_sum`` and ``_count``."""
        key = tuple(sorted(labels.items()))
        with self._lock:
            self._help.setdefault(name, help_)
            _add(self._sums.setdefault(name, {}), key, seconds)
            _add(self._counters.setdefault(name + "_count", {}), key, 1)

    def render(self, gauges: Iterable[tuple[str, str, Mapping[Labels, float]]] = ()) -> str:
        lines: list[str] = []
        with self._lock:
            for name, values in sorted(self._counters.items()):
                if name.endswith("_count") and name[: -len("_count")] in self._sums:
                    continue
                lines += _family(name, self._help.get(name, ""), "counter", values)
            for name, sums in sorted(self._sums.items()):
                lines += _summary(
                    name,
                    self._help.get(name, ""),
                    sums,
                    self._counters.get(name + "_count", {}),
                )
        for gauge, help_, levels in gauges:
            lines += _family(gauge, help_, "gauge", levels)
        return "\n".join(lines) + "\n"


def _add(values: dict[Labels, float], key: Labels, amount: float) -> None:
    values[key] = values.get(key, 0.0) + amount


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _family(name: str, help_: str, kind: str, values: Mapping[Labels, float]) -> list[str]:
    lines = [f"# HELP {name} {help_}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{_labels(k)} {_number(v)}" for k, v in sorted(values.items())]
    return lines


def _summary(
    name: str, help_: str, sums: Mapping[Labels, float], counts: Mapping[Labels, float]
) -> list[str]:
    lines = [f"# HELP {name} {help_}", f"# TYPE {name} summary"]
    for key in sorted(sums):
        lines.append(f"{name}_sum{_labels(key)} {_number(sums[key])}")
        lines.append(f"{name}_count{_labels(key)} {_number(counts.get(key, 0))}")
    return lines


METRICS = Metrics()
"""The process's metrics; the API and the worker count here."""
