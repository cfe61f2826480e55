"""Build the wheel, install it in a fresh venv outside the clone, and use it as a newcomer would.

A plain ``pip install .`` must carry everything the embedded defaults need (the example
contracts and parties, the catalogue), so the checks run in a scratch directory where
nothing can be imported from ``src/``: ``validate`` of a fixture gives a verdict with the
example contracts, and ``serve`` answers ``/health``, knows the example parties (a demo
key reads its mailbox) and serves the console's pages and static files from the wheel.
The port is ``IJW_WHEEL_CHECK_PORT`` or a free one.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from smoke_serve import stop_group

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "messages" / "jw301" / "valid" / "birth-date-unknown.xml"
DEMO_KEY = "ijw.demo-0505.zhz-demo-secret-0505"  # Dordrecht, README's Quick start
DEADLINE_S = 120


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=cwd, text=True, capture_output=True)


def _checked(*args: str | Path, cwd: Path) -> str:
    done = _run(*args, cwd=cwd)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _install(scratch: Path) -> Path:
    """The wheel built from the clone, installed in a new venv; returns its bin/."""
    _checked(sys.executable, "-m", "venv", scratch / "venv", cwd=scratch)
    bin_dir = scratch / "venv" / "bin"
    _checked(bin_dir / "pip", "wheel", "--no-deps", "-w", scratch / "dist", ROOT, cwd=scratch)
    [wheel] = (scratch / "dist").glob("ijw_gateway-*.whl")
    _checked(bin_dir / "pip", "install", wheel, cwd=scratch)
    where = _checked(bin_dir / "python", "-c", "import ijw_gateway; print(ijw_gateway.__file__)",
                     cwd=scratch).strip()  # fmt: skip
    if not where.startswith(str(scratch / "venv")):
        raise SystemExit(f"ijw_gateway was imported from {where}, not from the installed wheel")
    return bin_dir


def _validate(bin_dir: Path, scratch: Path) -> None:
    done = _run(bin_dir / "ijw-gateway", "validate", "--json", FIXTURE, cwd=scratch)
    if done.returncode not in (0, 1):  # a verdict; 2 or 3 would mean it could not judge
        raise SystemExit(f"validate exited {done.returncode}:\n{done.stderr}")
    report = json.loads(done.stdout)
    if not report["schema_valid"] or report["message"] != "JW301":
        raise SystemExit(f"validate gave an unexpected report: {report}")
    print(f"validate -> exit {done.returncode}, {report['message']} schema-valid")


def _get(url: str, key: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _port() -> int:
    if os.environ.get("IJW_WHEEL_CHECK_PORT"):
        return int(os.environ["IJW_WHEEL_CHECK_PORT"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(bin_dir: Path, scratch: Path) -> None:
    port = _port()
    base = f"http://127.0.0.1:{port}"
    command = [str(bin_dir / "ijw-gateway"), "serve", "--port", str(port)]
    print("+", " ".join(command), flush=True)
    process = subprocess.Popen(command, cwd=scratch, start_new_session=True)
    try:
        started = time.monotonic()
        while time.monotonic() - started < DEADLINE_S:
            if process.poll() is not None:
                raise SystemExit(f"serve exited early with {process.returncode}")
            try:
                if _get(f"{base}/health") == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("no answer on /health in time")
        status = _get(f"{base}/v1/mailbox", DEMO_KEY)
        print(f"GET /health -> 200; GET /v1/mailbox with the demo key -> {status}")
        if status != 200:
            raise SystemExit("the example parties were not loaded from the wheel")
        pages = [_get(f"{base}/console/{page}") for page in ("", "validate", "static/console.css")]
        print(f"GET /console/, /console/validate, its stylesheet -> {pages}")
        if pages != [200, 200, 200]:
            raise SystemExit("the console's templates or static files are not in the wheel")
    finally:
        stop_group(process)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ijw-wheel-") as made:
        scratch = Path(made)
        bin_dir = _install(scratch)
        _validate(bin_dir, scratch)
        _serve(bin_dir, scratch)
    print("wheel check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
