"""``/metrics`` through prometheus-client: right in one process and with ``--workers 2``.

Two real HTTP processes share the counting (each keeps its values in the run's metrics
directory); whichever process answers a scrape, the counters add up over both, the
outbox gauges come from the database, and process metrics name every live process.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from ijw_gateway import __version__
from ijw_gateway.fixtures import builders as b
from tests.support.procs import Proc, free_port, gateway_env, wait_healthy, wait_until
from tests.support.service import GEMEENTE, PARTIES, TestClient, auth, post

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    """Every sample of an exposition (it must parse as Prometheus text)."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def pids(found: Samples, name: str) -> set[str]:
    return {dict(labels)["pid"] for sample, labels in found if sample == name}


def test_one_process_exposes_histograms_process_metrics_and_build_info(
    client: TestClient,
) -> None:
    """(Counters count for the whole test session: this process serves every client.)"""
    post(client, b.to_bytes(b.jw301()), GEMEENTE)
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    found = samples(response.text)
    assert value(found, "ijw_intake_messages_total", type="JW301", outcome="accepted") >= 1
    route = {"route": "/v1/messages"}
    assert value(found, "ijw_http_request_seconds_count", **route) >= 1
    assert value(found, "ijw_http_request_seconds_bucket", le="+Inf", **route) >= 1
    assert value(found, "ijw_build_info", version=__version__, python=_python(found)) == 1
    assert value(found, "process_resident_memory_bytes") > 0
    assert ("process_cpu_seconds_total", frozenset()) in found
    assert value(found, "ijw_http_process_up") == 1
    assert value(found, "ijw_outbox_messages", state="queued") == 1
    assert b.BSN not in response.text and "Testpersoon" not in response.text


def _python(found: Samples) -> str:
    [labels] = [dict(labels) for name, labels in found if name == "ijw_build_info"]
    return labels["python"]


def _count_files(directory: Path) -> set[str]:
    """The processes that counted: prometheus-client keeps ``counter_<pid>.db`` each."""
    return {m[1] for p in directory.iterdir() if (m := re.match(r"counter_(\d+)\.db$", p.name))}


def test_two_processes_add_up_whichever_answers(tmp_path: Path) -> None:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"left by an earlier run")
    (metrics_dir / "notes.txt").write_text("not prometheus-client's: kept")
    port = free_port()
    env = gateway_env(f"sqlite:///{tmp_path / 'gateway.db'}", PARTIES,
                      IJW_METRICS_DIR=str(metrics_dir))  # fmt: skip
    args = ["serve", "--port", str(port), "--workers", "2", "--no-worker", "--log-level", "warning"]
    proc = Proc(args, env, tmp_path / "log").start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(port, proc)
        posted = _post_messages(base, 6)
        refused = 0

        def both_counted() -> bool:
            nonlocal refused
            for _ in range(10):  # a new connection each: either process may take it
                assert httpx.get(f"{base}/v1/mailbox").status_code == 401
                refused += 1
            return len(_count_files(metrics_dir)) == 2

        wait_until(both_counted, 60, "both processes to count requests")
        scrapes = [samples(httpx.get(f"{base}/metrics").text) for _ in range(12)]
    finally:
        proc.stop()
    assert (metrics_dir / "notes.txt").exists() and "1" not in _count_files(metrics_dir)
    for found in scrapes:
        assert value(found, "ijw_http_requests_total", method="GET", route="/v1/mailbox",
                     status="401") == refused  # fmt: skip
        assert value(found, "ijw_intake_messages_total", type="JW301", outcome="accepted") == posted
        assert value(found, "ijw_outbox_messages", state="queued") == posted
        assert len(pids(found, "ijw_http_process_up")) == 2
        assert pids(found, "process_cpu_seconds_total") == pids(found, "ijw_http_process_up")


def _post_messages(base: str, count: int) -> int:
    for i in range(count):
        data = b.to_bytes(b.jw301(f"M-{i}", products=[b.toegewezen_product(20 + i)]))
        answer = httpx.post(f"{base}/v1/messages", content=data, headers=auth(GEMEENTE))
        assert answer.status_code == 200 and answer.json()["accepted"], answer.text
    return count
