"""Prometheus metrics through prometheus-client: counters, histograms, process metrics.

With one process (``serve``, the tests) the values live in this process. With several
(``serve --workers N``) prometheus-client's multiprocess mode keeps every process's values
in files of one directory, and a scrape answered by any process adds them all up.
The library picks that mode when it is imported, from ``PROMETHEUS_MULTIPROC_DIR``, so
``serve`` makes (or empties) the directory and sets the variable before it starts its
processes; the app receives the same directory as ``Settings.metrics_dir``.

Gauges about the outbox are read from the database at scrape time, so they are the same
whichever process answers. Process metrics (CPU, memory, open files) are this process's,
or with several, those of every live HTTP process, labelled with its ``pid``.
Labels carry message types, states, channels, routes and status codes only: never parties'
data.
"""

from __future__ import annotations

import os
import platform
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

from ijw_gateway import __version__

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
disable_created_metrics()  # type: ignore[no-untyped-call]  # none in multiprocess mode either
REGISTRY = CollectorRegistry()
"""This process's metrics (not the library's global registry: nothing else lands here)."""

# A JW301 takes ~4 ms; a 25 MB JW323 some seconds.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

HTTP_REQUESTS = Counter(
    "ijw_http_requests",
    "HTTP requests answered.",
    ("method", "route", "status"),
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "ijw_http_request_seconds",
    "HTTP request duration.",
    ("route",),
    buckets=_BUCKETS,
    registry=REGISTRY,
)
INTAKE_MESSAGES = Counter(
    "ijw_intake_messages", "Messages taken in.", ("type", "outcome"), registry=REGISTRY
)
DELIVERIES = Counter(
    "ijw_deliveries", "Delivery attempts.", ("outcome", "channel"), registry=REGISTRY
)
VECOZO_PULLED = Counter(
    "ijw_vecozo_pulled", "Messages pulled from VECOZO.", ("outcome",), registry=REGISTRY
)
_PROCESS_UP = "ijw_http_process_up"
HTTP_PROCESS = Gauge(
    _PROCESS_UP,
    "1 for each HTTP process serving (with several processes: one per pid).",
    registry=REGISTRY,
    multiprocess_mode="liveall",
)


def serving() -> None:
    """This process serves HTTP now (its app started)."""
    HTTP_PROCESS.set(1)


def stopped(directory: Path | None) -> None:
    """This process stops serving: with several processes its live gauges go."""
    HTTP_PROCESS.set(0)
    if directory is not None:
        mark_process_dead(os.getpid(), str(directory))  # type: ignore[no-untyped-call]


def exposition(database: Collector, directory: Path | None) -> bytes:
    """The text exposition: counted values (this process's, or every process's in
    ``directory``), process metrics, ``ijw_build_info`` and the ``database`` gauges."""
    sources: list[Collector]
    if directory is None:
        sources = [REGISTRY, ProcessCollector(registry=None)]
    else:
        sources = [_AllProcesses(directory)]
    return generate_latest(_Scrape([*sources, _BuildInfo(), database]))


class _Scrape(Collector):
    def __init__(self, sources: Iterable[Collector]) -> None:
        self.sources = tuple(sources)

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()


class _BuildInfo(Collector):
    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily(
            "ijw_build_info",
            "The gateway's version and Python (always 1).",
            labels=("version", "python"),
        )
        info.add_metric((__version__, platform.python_version()), 1)
        yield info


class _AllProcesses(Collector):
    """Every process's counted values, and the process metrics of each live HTTP process.

    A process that died without saying so (killed) keeps its counts (counters never go
    back) but leaves the live gauges and the process metrics at the next scrape."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def collect(self) -> Iterator[Metric]:
        files = MultiProcessCollector(None, path=str(self.directory))  # type: ignore[no-untyped-call]
        counted: list[Metric] = list(files.collect())  # type: ignore[no-untyped-call]
        live = sorted(pid for pid in _serving_pids(counted) if _alive(pid))
        for family in counted:
            if family.name == _PROCESS_UP:
                family.samples = [s for s in family.samples if int(s.labels["pid"]) in live]
            yield family
        yield from _per_pid(live)


def _serving_pids(families: Iterable[Metric]) -> set[int]:
    return {
        int(sample.labels["pid"])
        for family in families
        if family.name == _PROCESS_UP
        for sample in family.samples
        if sample.value == 1
    }


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process took the pid
        return False
    return True


def _per_pid(pids: Iterable[int]) -> Iterator[Metric]:
    """prometheus-client's process metrics for each pid, with a ``pid`` label."""
    merged: dict[str, CounterMetricFamily | GaugeMetricFamily] = {}
    for pid in pids:
        for family in ProcessCollector(pid=_constant(pid), registry=None).collect():
            target = merged.get(family.name)
            if target is None:
                kind = CounterMetricFamily if family.type == "counter" else GaugeMetricFamily
                target = merged[family.name] = kind(
                    family.name, family.documentation, labels=("pid",)
                )
            for sample in family.samples:
                target.add_metric((str(pid),), sample.value)
    yield from merged.values()


def _constant(pid: int) -> Callable[[], int]:
    return lambda: pid


MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""How prometheus-client is told its directory; ``serve`` sets it for its processes."""
_FILE = re.compile(r"^(counter|histogram|summary|gauge_[a-z]+)_\d+\.db$")


@contextmanager
def run_directory(configured: Path | None) -> Iterator[Path]:
    """The directory the processes of one ``serve --workers N`` run keep their values in:
    ``configured`` emptied of an earlier run's files (only files named as
    prometheus-client names them are removed), or a new one that is removed afterwards."""
    if configured is None:
        with tempfile.TemporaryDirectory(prefix="ijw-metrics-") as made:
            yield Path(made)
        return
    configured.mkdir(parents=True, exist_ok=True)
    for leftover in configured.iterdir():
        if _FILE.match(leftover.name):
            leftover.unlink()
    yield configured
