"""The tests collect the same however pytest is started: `pytest`, `python -m pytest`, and
`pytest tests/<dir>` (each folder and the top-level test files on their own), and from
inside a folder. Exits 1 and names the difference when one way collects other test ids or
cannot import a module; prints one line per way otherwise.

`python .ci/collect_same.py` checks the whole suite; `python .ci/collect_same.py tests/stuf`
one folder (what tests/test_tests_layout.py runs). Run with the project's venv python: plain
`pytest` is the script beside it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [str(Path(sys.executable).with_name("pytest"))]
MODULE = [sys.executable, "-m", "pytest"]
COLLECT = ["--collect-only", "-q", "-p", "no:cacheprovider"]


def collected(command: list[str], cwd: Path) -> set[str]:
    """The test ids one way collects; exits when pytest reports an error."""
    done = subprocess.run(
        [*command, *COLLECT], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        raise SystemExit(f"{' '.join(command)} (in {cwd}) exited {done.returncode}:\n{tail}")
    return {line for line in done.stdout.splitlines() if "::" in line}


def parts(tests: Path) -> list[list[str]]:
    """`pytest tests/<dir>` for each folder of tests, and one run of the top-level files."""
    folders = sorted(p for p in tests.iterdir() if p.is_dir() and any(p.glob("test_*.py")))
    files = sorted(str(p.relative_to(ROOT)) for p in tests.glob("test_*.py"))
    runs = [[str(folder.relative_to(ROOT))] for folder in folders]
    return runs + ([files] if files else [])


def ways(target: Path) -> dict[str, set[str]]:
    """Every way of starting pytest on ``target`` (the suite, or one folder of it)."""
    relative = [] if target == ROOT / "tests" else [str(target.relative_to(ROOT))]
    found = {
        f"pytest {' '.join(relative)}".strip(): collected(PYTEST + relative, ROOT),
        f"python -m pytest {' '.join(relative)}".strip(): collected(MODULE + relative, ROOT),
        f"cd {target.relative_to(ROOT)} && pytest": collected(PYTEST, target),
    }
    if not relative:
        by_part: set[str] = set()
        for args in parts(target):
            by_part |= collected(PYTEST + args, ROOT)
        found["pytest tests/<dir>, one folder at a time"] = by_part
    return found


def main(argv: list[str]) -> int:
    target = (ROOT / argv[0]).resolve() if argv else ROOT / "tests"
    found = ways(target)
    first, *rest = found
    status = 0
    for way in found:
        print(f"{len(found[way]):6d} tests  {way}")
    for way in rest:
        if found[way] != found[first]:
            status = 1
            for missing in sorted(found[first] - found[way])[:10]:
                print(f"  not collected by `{way}`: {missing}")
            for extra in sorted(found[way] - found[first])[:10]:
                print(f"  only collected by `{way}`: {extra}")
    if not found[first]:
        print("no tests collected")
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
