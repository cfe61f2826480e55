"""docker/: how far it is tested without a Docker engine (none runs on CI or here).

What is checked: compose.yaml parses (with a reader for the YAML subset it is written
in, as no YAML library is a dependency), it has the gateway, worker and PostgreSQL, its
commands are the ones docs/service.md tells people to run and are accepted by the CLI,
both processes share one database URL that matches the database service, and the
Dockerfile installs and starts the gateway like the Quick start. Not checked: that the
image builds and the containers start.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest

from ijw_gateway.cli import main
from tests.support.shared_paths import ROOT

DOCKER = ROOT / "docker"
# What the parsed compose file holds is what each test asserts about it
Node = dict[str, Any]


def _scalar(text: str) -> object:
    if text.startswith(("[", "{", '"')):
        return json.loads(text)
    return text


def read_yaml_subset(text: str) -> Node:
    """Block mappings, block lists and JSON-style scalars/flow lists: all compose.yaml uses."""
    root: Node = {}
    stack: list[tuple[int, Node]] = [(-1, root)]
    last_key: dict[int, tuple[Node, str]] = {}
    for raw in text.splitlines():
        line = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        body = line.strip()
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if body.startswith("- "):
            owner, key = last_key[stack[-1][0]]
            items = owner[key] if isinstance(owner[key], list) else []
            items.append(_scalar(body[2:]))
            owner[key] = items
            continue
        key, _, value = body.partition(":")
        if value.strip():
            parent[key] = _scalar(value.strip())
        else:
            child: Node = {}
            parent[key] = child
            stack.append((indent, child))
            last_key[indent] = (parent, key)
    return root


@pytest.fixture(scope="module")
def compose() -> Node:
    return read_yaml_subset((DOCKER / "compose.yaml").read_text())


def _service(compose: Node, name: str) -> Node:
    services = compose["services"]
    assert isinstance(services, dict)
    service = services[name]
    assert isinstance(service, dict)
    return service


def test_compose_has_gateway_worker_and_postgres(compose: Node) -> None:
    assert set(compose["services"]) == {"gateway", "worker", "postgres"}
    assert str(_service(compose, "postgres")["image"]).startswith("postgres:")


def test_compose_commands_are_the_documented_ones_and_parse(compose: Node) -> None:
    docs = (ROOT / "docs" / "service.md").read_text()
    for name in ("gateway", "worker"):
        command = _service(compose, name)["command"]
        assert isinstance(command, list) and command[0] == "ijw-gateway"
        assert shlex.join(command) in docs, f"{name}: {shlex.join(command)} not in service.md"
        assert main([*command[1:], "--help"]) == 0


def test_gateway_and_worker_share_the_compose_database(compose: Node) -> None:
    postgres = _service(compose, "postgres")["environment"]
    assert isinstance(postgres, dict)
    expected = (
        f"postgresql+psycopg://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}"
        f"@postgres:5432/{postgres['POSTGRES_DB']}"
    )
    for name in ("gateway", "worker"):
        environment = _service(compose, name)["environment"]
        assert isinstance(environment, dict)
        assert environment["IJW_DATABASE_URL"] == expected
        parties = str(environment["IJW_PARTIES"]).removeprefix("/app/")
        assert (ROOT / parties).is_file()


def test_dockerfile_installs_like_the_quick_start_and_serves() -> None:
    text = (DOCKER / "Dockerfile").read_text()
    assert "FROM python:3.11" in text and "pip install -e ." in text
    copied = [line.split()[1:-1] for line in text.splitlines() if line.startswith("COPY ")]
    for source in ("pyproject.toml", "README.md", "src", "xsd", "examples"):
        assert any(source in sources for sources in copied) and (ROOT / source).exists()
    cmd = next(line for line in text.splitlines() if line.startswith("CMD "))
    assert json.loads(cmd[4:])[:2] == ["ijw-gateway", "serve"]


def test_the_subset_reader_reads_what_it_claims() -> None:
    node = read_yaml_subset('a:\n  b: "x"\n  c: ["1", "2"]\n  d:\n    - "p"\n    - "q"\ne: {}\n')
    assert node == {"a": {"b": "x", "c": ["1", "2"], "d": ["p", "q"]}, "e": {}}


def test_compose_file_has_no_tabs(compose: Node) -> None:
    assert "\t" not in (DOCKER / "compose.yaml").read_text()
    assert isinstance(compose, dict)
