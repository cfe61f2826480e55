"""Large messages and hostile shapes: time and peak memory as messages grow (run by hand).

    python bench/bench_large.py                       # everything below
    python bench/bench_large.py --sizes 1,4 --messages JW323 --repeat 1 --no-shapes
    python bench/bench_large.py --shapes-only

**Sizes.** JW323, JW301 and JW305 messages of 0.25, 1, 4 and 25 MB (10^6 bytes; the
exchange's limit is 25 MiB), built with ``ijw_gateway.fixtures.large``: valid ones, and
ones with a finding on every line (a wrong tariff on every Prestatie: TR418; an unknown
product on every ToegewezenProduct: TR381; a start of another product than allocated on
every StartProduct: TR019). A JW323 has three Prestaties per client, each on its own
allocation, which the history holds. Each case runs in a fresh process, which judges the
message as the gateway does in-process — the no-extra-data screen, the schema, every rule
stage with an in-memory history and the contracts — and composes its JSON and XML return
message (the JW325, or the JW302/JW306). Times are the best of ``--repeat`` runs (wall and
CPU); peak RSS is the process's highest resident memory, of which the in-memory history
(standing in for the database) is given apart. The JW301's lines need more products than
the Zuid-Holland-Zuid example gives its provider: the runs use that example with 100
product codes added to the provider's contract (``45B00``–``45B99``).

**Shapes.** Hostile documents judged in-process at growing n, each n twice the last:
thousands of unknown or foreign elements, attributes or processing instructions in one
class, values split by comments, and a schema error on every client. Linear work shows
as a constant time per unit.

The machine is shared: each run prints the load average and the CPU of a fixed reference
workload (``bench_intake.calibrate``), so runs can be compared; ratios within one run are
steadier than absolute times. Figures go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ijw_gateway.contracts import default_contracts_path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (0.25, 1.0, 4.0, 25.0)
MESSAGES = ("JW323", "JW301", "JW305")
CODES = tuple(f"45B{i:02d}" for i in range(100))
SHAPE_SIZES = (500, 1_000, 2_000, 4_000, 8_000)


@dataclass(frozen=True)
class Case:
    message: str
    megabytes: float
    finding: bool

    @property
    def name(self) -> str:
        variant = "finding" if self.finding else "valid"
        return f"{self.message}-{self.megabytes:g}MB-{variant}"


# --- building the messages (in the parent process) -----------------------------------


def _build(message: str, units: int, finding: bool) -> object:
    from ijw_gateway.fixtures import large

    if message == "JW323":
        return large.declaration(units, 3, finding=finding)
    if message == "JW301":
        return large.allocation(units, CODES, finding=finding)
    return large.starts(units, finding=finding)


def _units(message: str, megabytes: float) -> int:
    """How many clients (JW323) or lines make a message of ``megabytes``."""
    two, four = (len(_build(message, n, False).to_bytes()) for n in (2, 4))  # type: ignore[attr-defined]
    per_unit = (four - two) / 2
    return max(1, int((megabytes * 1e6 - (two - 2 * per_unit)) / per_unit))


def prepare(case: Case, directory: Path) -> Path:
    """Write the message and a pickled history holding what it refers to."""
    from ijw_gateway.fixtures import large
    from ijw_gateway.history.memory import InMemoryHistory

    built = _build(case.message, _units(case.message, case.megabytes), case.finding)
    assert isinstance(built, large.Large)
    history = InMemoryHistory()
    large.record(history, built.before)
    base = directory / case.name
    base.with_suffix(".xml").write_bytes(built.to_bytes())
    base.with_suffix(".history").write_bytes(pickle.dumps(history))
    return base


def contracts_file(directory: Path) -> Path:
    """The ZHZ example with 100 product codes more for the builders' default provider."""
    text = default_contracts_path().read_text(encoding="utf-8")
    anchor = '  { category = "45", code = "45A02", name = "Ambulante begeleiding", unit = "04", tariff = 7200 },\n'
    assert anchor in text, "the ZHZ example changed: update bench_large.contracts_file"
    extra = "".join(
        f'  {{ category = "45", code = "{code}", name = "Bench {code}", unit = "01", tariff = 150 }},\n'
        for code in CODES
    )
    path = directory / "contracts.toml"
    path.write_text(text.replace(anchor, anchor + extra, 1), encoding="utf-8")
    return path


# --- judging one case (in a fresh child process) --------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_mb() -> float:
    """This process's highest resident memory (VmHWM: unlike ``ru_maxrss``, not carried
    over from the parent that started it)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(base: Path, repeat: int) -> dict[str, object]:
    from ijw_gateway.contracts import MemoryRefusalLog, no_extra_data_screen
    from ijw_gateway.fixtures import builders as b
    from ijw_gateway.retour import NoReturnMessage, compose_outcome
    from ijw_gateway.runtime import build_checks, build_registry
    from ijw_gateway.validation import Validator

    registry = build_registry()
    registry.compile_all()
    before_history = _rss_mb()
    history = pickle.loads(base.with_suffix(".history").read_bytes())
    history_mb = _rss_mb() - before_history
    screen = no_extra_data_screen(MemoryRefusalLog())
    validator = Validator(registry, build_checks("en", history), [screen])
    validator.run(b.to_bytes(b.jw323()))  # warm up: rules loaded, contracts read
    data = base.with_suffix(".xml").read_bytes()
    ready = _rss_mb()
    best = {"validate": 1e9, "validate_cpu": 1e9, "retour": 1e9, "retour_cpu": 1e9}
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = validator.run(data)
        judged, judged_cpu = time.perf_counter(), time.process_time()
        try:
            answer = len(compose_outcome(outcome, identificatie="BENCH").to_bytes())
        except NoReturnMessage:
            answer = 0
        done, done_cpu = time.perf_counter(), time.process_time()
        best["validate"] = min(best["validate"], judged - wall)
        best["validate_cpu"] = min(best["validate_cpu"], judged_cpu - cpu)
        best["retour"] = min(best["retour"], done - judged)
        best["retour_cpu"] = min(best["retour_cpu"], done_cpu - judged_cpu)
        findings, accepted = len(outcome.report.findings), outcome.report.accepted
        del outcome
    return {
        **best,
        "bytes": len(data),
        "findings": findings,
        "accepted": accepted,
        "answer": answer,
        "ready_mb": ready,
        "history_mb": history_mb,
        "peak_mb": _peak_mb(),
    }


def run_case(case: Case, directory: Path, contracts: Path, repeat: int) -> dict[str, object]:
    base = prepare(case, directory)
    env = {**os.environ, "IJW_CONTRACTS": str(contracts)}
    command = [sys.executable, __file__, "--child", str(base), "--repeat", str(repeat)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    for suffix in (".xml", ".history"):
        base.with_suffix(suffix).unlink()
    result: dict[str, object] = json.loads(out)
    return result


def size_table(rows: list[tuple[Case, dict[str, object]]]) -> Iterator[str]:
    yield (
        "| Message | Lines with a finding | MB | Findings | Judged (s, CPU s) | s per MB "
        "| Return message (s) | Peak RSS (MB) | of which history (MB) |"
    )
    yield "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    for case, r in rows:
        megabytes = float(str(r["bytes"])) / 1e6
        validate, cpu = float(str(r["validate"])), float(str(r["validate_cpu"]))
        yield (
            f"| {case.message} | {'every' if case.finding else 'none'} | {megabytes:.2f} "
            f"| {r['findings']:,} | {validate:.2f} ({cpu:.2f}) | {validate / megabytes:.2f} "
            f"| {float(str(r['retour'])):.2f} | {float(str(r['peak_mb'])):.0f} "
            f"| {float(str(r['history_mb'])):.0f} |"
        )


# --- hostile shapes (in-process) -------------------------------------------------------

CLIENT_301 = b"<jw301:Client>"


def _jw301() -> bytes:
    from ijw_gateway.fixtures import builders as b

    return b.to_bytes(b.jw301())


def _in_client(extra: bytes) -> Callable[[int], bytes]:
    return lambda n: _jw301().replace(CLIENT_301, CLIENT_301 + extra * n, 1)


def _attributes(n: int) -> bytes:
    names = b" ".join(b'x:a%d="1"' % i for i in range(n))
    return _jw301().replace(CLIENT_301, b'<jw301:Client xmlns:x="urn:x" ' + names + b">", 1)


def _split_one(n: int) -> bytes:
    return _jw301().replace(b"<ijw:Voornamen>", b"<ijw:Voornamen>" + b"S <!---->" * n, 1)


def _declaration(n: int) -> bytes:
    from ijw_gateway.fixtures import large

    return large.declaration(min(n, 9_000), 1).to_bytes()


def _split_many(n: int) -> bytes:
    return _declaration(n).replace(b"<jw323:Bsn>9999", b"<jw323:Bsn>9999<!---->")


def _schema_errors(n: int) -> bytes:
    return _declaration(n).replace(b"<jw323:Client>", b'<jw323:Client a="1">')


def _bad_values(n: int) -> bytes:
    return _declaration(n).replace(b"<jw323:GeleverdVolume>60<", b"<jw323:GeleverdVolume>x<")


SHAPES: dict[str, Callable[[int], bytes]] = {
    "unknown elements in one Client": _in_client(b"<jw301:Onbekend>a</jw301:Onbekend>"),
    "foreign elements in one Client": _in_client(b'<x:E xmlns:x="urn:x">a</x:E>'),
    "foreign attributes on one Client": _attributes,
    "processing instructions in one Client": _in_client(b"<?x y?>"),
    "one value split by n comments": _split_one,
    "n values split by a comment (JW323 clients)": _split_many,
    "an unknown attribute on every client (JW323)": _schema_errors,
    "a bad value on every line (JW323)": _bad_values,
}


def shapes(repeat: int) -> Iterator[str]:
    from ijw_gateway.contracts import MemoryRefusalLog, no_extra_data_screen
    from ijw_gateway.history.memory import InMemoryHistory
    from ijw_gateway.runtime import build_checks, build_registry
    from ijw_gateway.validation import Validator

    registry = build_registry()
    registry.compile_all()
    validator = Validator(
        registry, build_checks("en", InMemoryHistory()), [no_extra_data_screen(MemoryRefusalLog())]
    )
    yield "| Shape | " + " | ".join(f"n = {n:,}" for n in SHAPE_SIZES) + " | last / first |"
    yield "|---|" + "---:|" * (len(SHAPE_SIZES) + 1)
    for name, make in SHAPES.items():
        per_unit = []
        for n in SHAPE_SIZES:
            data = make(n)
            best = min(_timed(functools.partial(validator.run, data)) for _ in range(repeat))
            per_unit.append(best / n * 1e6)
        cells = " | ".join(f"{us:.1f} µs" for us in per_unit)
        yield f"| {name} | {cells} | {per_unit[-1] / per_unit[0]:.2f} |"
        print(f"{name}: done", file=sys.stderr)


def _timed(call: Callable[[], object]) -> float:
    started = time.process_time()
    call()
    return time.process_time() - started


def machine() -> str:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_intake import calibrate

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"load average {load}; reference workload {calibrate():.3f} ms CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(f"{s:g}" for s in SIZES))
    parser.add_argument("--messages", default=",".join(MESSAGES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-shapes", action="store_true")
    parser.add_argument("--shapes-only", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.repeat)))
        return 0
    print(f"machine: {machine()}")
    if not args.shapes_only:
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            contracts = contracts_file(directory)
            for message in args.messages.split(","):
                for megabytes in (float(s) for s in args.sizes.split(",")):
                    for finding in (False, True):
                        case = Case(message, megabytes, finding)
                        rows.append((case, run_case(case, directory, contracts, args.repeat)))
                        print(f"{case.name}: {rows[-1][1]}", file=sys.stderr)
        print("\n".join(size_table(rows)))
    if not args.no_shapes:
        print("\n".join(shapes(args.repeat)))
    print(f"machine after: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
