"""Shared test fixtures: a clean environment, no network beyond loopback, reference data.

The official iJw files in ``../shared/ijw-<release>`` (3.2, and 2.3 with JW303/JW304) are
reference data that we never copy; tests read them in place. Without them the tests that
need them skip, unless ``IJW_REQUIRE_SHARED=1`` (set by ``.ci/run``) turns the skip into a
failure.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The shared helpers' assertions explain a failure as the tests' own do (before any import).
pytest.register_assert_rewrite("tests.support")

from ijw_gateway.schemas import SchemaRegistry  # noqa: E402
from tests.support.shared_paths import require, shared_release  # noqa: E402

SHARED = shared_release("3.2")

_REAL_CONNECT = socket.socket.connect
_KEEP_ENV = {
    "IJW_REQUIRE_SHARED",
    "IJW_REQUIRE_BROWSER",
    "IJW_TEST_POSTGRES_URL",
    "IJW_ALLOW_NO_POSTGRES",
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never depend on the host's IJW_* settings."""
    for name in list(os.environ):
        if name.startswith("IJW_") and name not in _KEEP_ENV:
            monkeypatch.delenv(name)


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return isinstance(address, (str, bytes))  # unix sockets


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection beyond loopback fails the test that makes it."""

    def guarded(self: socket.socket, address: object) -> None:
        if not _is_loopback(address):
            raise AssertionError(f"test tried to reach {address!r}; tests stay on loopback")
        _REAL_CONNECT(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def shared_xsd_dir() -> Path:
    return require(SHARED / "xsd")


@pytest.fixture(scope="session")
def shared_samples_dir() -> Path:
    return require(SHARED / "samples")


@pytest.fixture(scope="session")
def registry() -> SchemaRegistry:
    return SchemaRegistry()


@pytest.fixture(scope="session")
def official_registry(shared_xsd_dir: Path) -> SchemaRegistry:
    return SchemaRegistry(shared_xsd_dir)


@pytest.fixture(scope="session")
def published() -> Callable[[str], tuple[SchemaRegistry, Path]]:
    """Per release: a registry of its published schemas and the folder of its samples."""
    made: dict[str, tuple[SchemaRegistry, Path]] = {}

    def of(release: str) -> tuple[SchemaRegistry, Path]:
        if release not in made:
            folder = shared_release(release)
            registry = SchemaRegistry(require(folder / "xsd"), release=release)
            made[release] = (registry, require(folder / "samples"))
        return made[release]

    return of


@pytest.fixture
def tmp_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path
