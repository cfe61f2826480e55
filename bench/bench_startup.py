"""How long the command line takes to start (run by hand, not by pytest).

    python bench/bench_startup.py [--runs N]

Each command of the target (issue M: under 0.3 s of its own) runs ``--runs`` times as a
fresh process, in alternation with a bare ``python -c pass``, from a scratch directory:

* ``ijw-gateway --help``
* ``ijw-gateway explain 9019``
* ``ijw-gateway validate`` of one small fixture (a JW305, 2 KB)

Per command it prints the median and the best wall time of the whole process, the median
CPU time (user + system) and what is left after the interpreter's own start (median
minus that of ``python -c pass``). Timings move with other load on the machine, so it also
prints two figures that do not: the modules the command imported and the Python calls it
made (``sys.setprofile``, one profiled run). ``tests/test_cli_start.py`` guards the imports
without timing anything.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "fixtures" / "messages" / "jw305" / "valid" / "start-aspecific.xml"
COMMANDS = {
    "--help": ["--help"],
    "explain 9019": ["explain", "9019"],
    "validate (one JW305)": ["validate", str(SMALL)],
}
_PROFILED = """
import contextlib, io, json, sys
calls = 0
def profile(frame, event, arg):
    global calls
    calls += event == "call"
sys.setprofile(profile)
from ijw_gateway.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(sys.argv[1:])
sys.setprofile(None)
print(json.dumps({"calls": calls, "modules": len(sys.modules)}))
"""


def _timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _counts(args: list[str], cwd: Path) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", _PROFILED, *args], cwd=cwd, capture_output=True, text=True
    )
    counts: dict[str, int] = json.loads(done.stdout)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    gateway = str(Path(sys.executable).parent / "ijw-gateway")
    walls: dict[str, list[float]] = {name: [] for name in ["python -c pass", *COMMANDS]}
    cpus: dict[str, list[float]] = {name: [] for name in walls}
    with tempfile.TemporaryDirectory() as scratch:
        cwd = Path(scratch)
        for _ in range(runs):
            for name in walls:
                argv = [sys.executable, "-c", "pass"] if name == "python -c pass" else [
                    gateway, *COMMANDS[name]]  # fmt: skip
                wall, cpu = _timed(argv, cwd)
                walls[name].append(wall)
                cpus[name].append(cpu)
        counts = {name: _counts(args, cwd) for name, args in COMMANDS.items()}
    base = statistics.median(walls["python -c pass"])
    print(f"{runs} runs each, in alternation; python -c pass: median {base * 1000:.0f} ms\n")
    print("| command | wall median | wall best | CPU median | own (median − python) "
          "| modules | Python calls |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in COMMANDS:
        median = statistics.median(walls[name])
        print(
            f"| `{name}` | {median * 1000:.0f} ms | {min(walls[name]) * 1000:.0f} ms "
            f"| {statistics.median(cpus[name]) * 1000:.0f} ms | {(median - base) * 1000:.0f} ms "
            f"| {counts[name]['modules']} | {counts[name]['calls']:,} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
