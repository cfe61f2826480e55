"""The runner against real HTTP servers on loopback.

Two receivers built on our validator (one answering with the JSON verdict, one with the
bare return message) must pass the whole suite although each keeps a single history for
everything; the real gateway app (SQLite, the example parties and contracts) must pass
the realistic segment flows that fit its configuration.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from ijw_gateway.conformance.adapters import ADAPTERS
from ijw_gateway.conformance.report import failure_text
from ijw_gateway.conformance.runner import RunResult, run_suite, select
from ijw_gateway.conformance.targets import HttpTarget, Keys
from ijw_gateway.fixtures.manifest import Manifest
from ijw_gateway.schemas import SchemaRegistry
from tests.support.conformance_apps import Receiver, retour_app, served, verdict_app

ROOT = Path(__file__).resolve().parents[2]
PARTIES = ROOT / "examples" / "zhz" / "parties.toml"
DEMO_KEYS = "ijw.demo-{party}.zhz-demo-secret-{party}"
FITS_THE_EXAMPLE = [f"sequences/flow-segment-{s}-*" for s in ("1", "2", "3a", "3b", "4b", "6")]


def _failures(results: list[RunResult]) -> str:
    failed = [r for r in results if not r.passed]
    return "\n\n".join(f"{r.run.name}\n{failure_text(r)}" for r in failed[:5])


def _run(target: HttpTarget, manifest: Manifest, suite: Path, **kw: object) -> list[RunResult]:
    runs = select(manifest, **kw)  # type: ignore[arg-type]
    try:
        return list(run_suite(runs, suite, target, time.perf_counter))
    finally:
        target.close()


def test_a_verdict_receiver_passes_the_whole_suite(
    manifest: Manifest, registry: SchemaRegistry, suite_dir: Path
) -> None:
    receiver = Receiver(manifest, registry)
    with served(verdict_app(receiver)) as url:
        keys = Keys.parse(["0505=municipal-key", "fallback-key"])
        target = HttpTarget(url, keys, ADAPTERS["gateway"], timeout=10.0)
        results = _run(target, manifest, suite_dir)
    assert len(results) == len(manifest.runs)
    assert all(r.passed for r in results), _failures(results)
    assert "Bearer municipal-key" in receiver.keys and "Bearer fallback-key" in receiver.keys


def test_a_return_message_receiver_passes_the_whole_suite(
    manifest: Manifest, registry: SchemaRegistry, suite_dir: Path
) -> None:
    receiver = Receiver(manifest, registry)
    with served(retour_app(receiver)) as url:
        target = HttpTarget(f"{url}/ijw/inbox", Keys(default="k"), ADAPTERS["retour"],
                            key_header="X-API-Key", timeout=10.0)  # fmt: skip
        results = _run(target, manifest, suite_dir)
    assert all(r.passed for r in results), _failures(results)
    assert set(receiver.keys) == {"k"}


def test_the_gateway_app_passes_the_segment_flows_it_is_configured_for(
    manifest: Manifest, suite_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("ijw_gateway.gateway")
    from ijw_gateway.api.app import create_app
    from ijw_gateway.config import Settings

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
        parties=PARTIES,
        refusal_log=tmp_path / "refusals.jsonl",
    )
    with served(create_app(settings, with_worker=False)) as url:
        target = HttpTarget(url, Keys(template=DEMO_KEYS), timeout=10.0)
        results = _run(target, manifest, suite_dir, patterns=FITS_THE_EXAMPLE, skip_answers=True)
    assert len(results) == len(FITS_THE_EXAMPLE)
    assert all(r.passed for r in results), _failures(results)


def test_an_unreachable_target_is_a_failure_not_a_crash(
    manifest: Manifest, suite_dir: Path
) -> None:
    target = HttpTarget("http://127.0.0.1:9", timeout=2.0)
    results = _run(target, manifest, suite_dir, patterns=["jw319/valid/under-investigation.xml"])
    assert [r.passed for r in results] == [False]
    assert "no answer" in (results[0].steps[0].observed.refused or "")


def test_a_garbled_answer_is_reported_as_unreadable(manifest: Manifest, suite_dir: Path) -> None:
    def garbled(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<not-xml", headers={"content-type": "application/xml"})

    client = httpx.Client(transport=httpx.MockTransport(garbled))
    target = HttpTarget("http://receiver.test/in", client=client)
    results = _run(target, manifest, suite_dir, patterns=["jw319/invalid/CD085/*"])
    assert "unreadable answer" in (results[0].steps[0].observed.refused or "")
