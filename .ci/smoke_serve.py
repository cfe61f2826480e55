"""Run the README's serve command in a scratch copy and check GET /health on 127.0.0.1:8000.

The serve command is run as written (it installs, then starts the gateway on its embedded
defaults); the check waits a bounded time for /health and then stops the process group.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quickstart import README, quickstart_commands

ROOT = README.parent
DEADLINE_S = 240


def _health() -> dict[str, object] | None:
    try:
        with urllib.request.urlopen("http://127.0.0.1:8000/health", timeout=2) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]
    except OSError:
        return None


def main() -> int:
    serve, _ = quickstart_commands(README.read_text(encoding="utf-8"))
    if _health() is not None:
        print("something already answers on 127.0.0.1:8000; cannot smoke-test", file=sys.stderr)
        return 1
    process = subprocess.Popen(["bash", "-c", serve], cwd=ROOT, start_new_session=True)
    try:
        started = time.monotonic()
        while time.monotonic() - started < DEADLINE_S:
            body = _health()
            if body is not None:
                print(f"GET /health -> {body}")
                return 0 if body.get("status") == "ok" else 1
            if process.poll() is not None:
                print(f"serve command exited early with {process.returncode}", file=sys.stderr)
                return 1
            time.sleep(1)
        print("no answer on /health in time", file=sys.stderr)
        return 1
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group ``process`` leads; SIGKILL if it lingers."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
