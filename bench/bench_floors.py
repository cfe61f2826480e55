"""The floors under intake throughput: what PostgreSQL alone and HTTP alone cost here, now.

``bench_intake.py`` measures the whole intake. This measures two parts of it that no work
on the gateway's own code can remove, on the same machine and in the same state, so that
a figure of ``bench_intake`` splits into what the gateway's own work costs and what is
left for it under a target:

* **PostgreSQL alone**: the transaction of one JW301 intake exactly as the gateway sends
  it (recorded from the gateway itself: BEGIN, the statement that takes the locks and asks
  for the receipt and the identification, the rules' allocation question, the insert of
  all rows, COMMIT), replayed by pgbench, a load generator in C, with 8 clients, at the
  target's 500 transactions per second (``--rate``; 0 for as many as it can). Parameters
  stay parameters; the values that must differ per intake (ids, hashes, identification,
  lock keys, allocation number) are new in every transaction. The rate matters:
  PostgreSQL's CPU per transaction falls as more commits share a WAL flush.
* **HTTP alone**: the gateway's own app under two uvicorn workers, driven by wrk exactly as
  in ``bench_intake``, with the intake replaced by the answer it gave to one real JW301
  (the same response, the same size). This is HTTP, the API key check, the FastAPI app
  and wrk.

    python bench/bench_floors.py
    python bench/bench_floors.py --part postgres --seconds 20

Machine CPU comes from ``/proc/stat`` over the run, without steal (time the hypervisor
gave to others). Needs pgbench (Debian package ``postgresql-client``) and wrk. PostgreSQL:
``IJW_TEST_POSTGRES_URL`` as for ``bench_intake``. Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench_intake import (
    KEY,
    ROOT,
    _cpu_seconds,
    _database,
    _drop,
    _free_port,
    _load,
    _tree,
    _wait,
    _wrk,
    calibrate,
    gateway_env,
    messages,
)

from ijw_gateway.cli.serve import HTTP

TARGET = 500  # messages per second
CORES = os.cpu_count() or 2
CLIENTS = 8


# -- PostgreSQL alone ------------------------------------------------------------------


@contextmanager
def _recording() -> Iterator[list[tuple[str, Any]]]:
    """Every statement psycopg's cursors run meanwhile, with its parameters."""
    import psycopg

    calls: list[tuple[str, Any]] = []
    original = psycopg.Cursor.execute

    def execute(self: Any, query: Any, params: Any = None, **kwargs: Any) -> Any:
        calls.append((str(query), params))
        return original(self, query, params, **kwargs)

    psycopg.Cursor.execute = execute  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        psycopg.Cursor.execute = original  # type: ignore[method-assign]


class _Replay:
    """Turns recorded statements into pgbench's: every parameter stays a parameter (a
    pgbench variable, so PostgreSQL converts its input as it does for the gateway), and
    the values one intake must not share with another become expressions of pgbench's
    per-transaction number ``:n``."""

    def __init__(self, texts: list[str], number: int, connection: Any) -> None:
        from psycopg.adapt import Transformer

        self.texts = [t for t in texts if t]
        self.pattern = re.compile("|".join(re.escape(t) for t in self.texts))
        self.number = number
        self.transformer = Transformer(connection)
        self.variables: dict[str, str] = {}  # name -> value in PostgreSQL's text input

    def parameter(self, value: Any) -> str:
        from psycopg.adapt import PyFormat

        if value is None:
            return "NULL"
        if isinstance(value, list):  # the lock keys: each one new per transaction
            return "ARRAY[" + ", ".join(f"'k{i}:' || :n" for i in range(len(value))) + "]"
        if type(value) is int and value == self.number:
            return ":n"
        if isinstance(value, str) and self.pattern.search(value):
            pieces = []
            for part in re.split(f"({self.pattern.pattern})", value):
                if part in self.texts:
                    pieces.append(f"'u{self.texts.index(part)}' || :n")
                elif part:
                    pieces.append(self._variable(part))
            return "(" + " || ".join(pieces) + ")"
        dumped = self.transformer.get_dumper(value, PyFormat.TEXT).dump(value)
        return self._variable(bytes(dumped or b"").decode())

    def _variable(self, text: str) -> str:
        if not text:
            return "''"  # pgbench takes no empty variable
        name = f"v{len(self.variables)}"
        self.variables[name] = text
        return f":{name}"

    def statement(self, query: str, params: Any) -> str:
        if params is None:
            return query
        if isinstance(params, Mapping):
            named = re.sub(r"%\((\w+)\)s", lambda m: self.parameter(params[m.group(1)]), query)
            return named.replace("%%", "%")
        return re.sub(r"\$(\d+)", lambda m: self.parameter(params[int(m.group(1)) - 1]), query)


def _intake_script(url: str) -> tuple[str, dict[str, str]]:
    """The pgbench script of one JW301 intake, recorded from the gateway on ``url``, and
    the values of its variables."""
    import psycopg
    from lxml import etree

    from ijw_gateway.config import Settings
    from ijw_gateway.gateway import open_gateway

    settings = Settings.from_env(gateway_env(url))
    gateway = open_gateway(settings)
    party = gateway.authenticate(KEY)
    assert party is not None
    bodies = messages(21, 0)
    for body in bodies[:20]:  # warm: statements prepared, caches filled
        gateway.intake.submit(party, body, "bench")
    with _recording() as calls:
        [result] = gateway.intake.submit(party, bodies[20], "bench")
    gateway.store.engine.dispose()
    _accepted(result)
    assert result.retour is not None and result.id is not None
    sent = gateway.store.message(result.id)
    answer = gateway.store.message(result.retour.id)
    assert sent is not None and answer is not None
    root = etree.fromstring(bodies[20])
    own = root.findtext("{*}Header/{*}BerichtIdentificatie/{*}Identificatie") or ""
    number = int(root.findtext(".//{*}ToewijzingNummer") or 0)
    texts = [result.id, result.retour.id, sent.sha256, answer.sha256, own]
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        replay = _Replay(texts, number, connection)
        statements = [replay.statement(q, p) for q, p in calls]
    lines = [
        "\\set k :k + 1",  # variables persist per client: a counter, so keys never repeat
        "\\set n :client_id * 100000000 + :k",
        "BEGIN;",
        *(" ".join(s.split()) + ";" for s in statements),
        "COMMIT;",
    ]
    return "\n".join(lines) + "\n", replay.variables


def _accepted(result: Any) -> None:
    if result.delivery != "queued":
        raise SystemExit(f"the recorded intake was not accepted: {result.report}")


def postgres_floor(seconds: int, rate: int | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        url, schema = _database("postgres", Path(tmp))
        try:
            script = Path(tmp) / "intake.pgb"
            text, variables = _intake_script(url)
            script.write_text(text)
            return _pgbench(url, schema, script, variables, seconds, rate)
        finally:
            _drop(schema)


def _pgbench(
    url: str,
    schema: str | None,
    script: Path,
    variables: Mapping[str, str],
    seconds: int,
    rate: int | None,
) -> dict[str, float]:
    from sqlalchemy.engine import make_url

    where = make_url(url)
    env = dict(os.environ, PGOPTIONS=f"-csearch_path={schema}")
    command = ["pgbench", "-n", "-M", "prepared", f"-c{CLIENTS}", "-j2", f"-T{seconds}"]
    command += ["-D", "k=0", "-f", str(script), "-U", where.username or "postgres"]
    command += [f"--rate={rate}"] if rate else []  # its cost per transaction depends on it
    command += [f"-D{name}={value}" for name, value in variables.items()]
    host = where.query.get("host") or where.host or "127.0.0.1"
    command += ["-h", str(host), "-p", str(where.port or 5432), where.database or "test"]
    before = _cpu_seconds(set())
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    after = _cpu_seconds(set())
    if out.returncode != 0 or "failed transactions: 0 " not in out.stdout:
        raise SystemExit(f"pgbench failed:\n{out.stdout}\n{out.stderr}")
    done = int(re.search(r"transactions actually processed: (\d+)", out.stdout)[1])  # type: ignore[index]
    return {
        "per_second": done / seconds,
        **{f"cpu_ms_{k}": (after[k] - before[k]) * 1000 / done for k in after},
    }


# -- HTTP alone ------------------------------------------------------------------------


def stub_app() -> Any:
    """The gateway's app whose intake answers every message with what it answered to one
    real JW301 (run by uvicorn in each worker: ``bench_floors:stub_app``)."""
    from ijw_gateway.api.app import create_app

    app = create_app()
    gateway = app.state.gateway
    party = gateway.authenticate(KEY)
    answer = gateway.intake.submit(party, messages(1, uuid.uuid4().int % 10**6)[0], "bench")
    _accepted(answer[0])
    gateway.intake.submit = lambda *_: answer
    return app


def http_floor(seconds: int, workers: int, http: str = HTTP) -> dict[str, float]:
    """``http``: uvicorn's HTTP protocol, by default the one ``serve`` runs."""
    with tempfile.TemporaryDirectory() as tmp:
        url, schema = _database("postgres", Path(tmp))
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = gateway_env(url)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT / "bench"), env.get("PYTHONPATH")])
        )
        command = [sys.executable, "-m", "uvicorn", "bench_floors:stub_app", "--factory"]
        command += ["--workers", str(workers), "--port", str(port), "--log-level", "warning"]
        command += ["--http", http]
        with (Path(tmp) / "serve.log").open("wb") as log:
            process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        try:
            _wait(base, process)
            bodies = messages(1_000, 0)  # the canned intake answers any of them, again
            _load(base, bodies[:200], 2)
            gateway = _tree(process.pid)
            before = _cpu_seconds(gateway)
            result = _wrk(base, bodies, seconds, 16, cycle=True)
            after = _cpu_seconds(gateway)
        finally:
            process.terminate()
            process.wait(timeout=30)
            _drop(schema)
    per = {f"cpu_ms_{k}": (after[k] - before[k]) * 1000 / result["messages"] for k in after}
    return {**result, **per}


def _say(what: str, result: Mapping[str, float], unit: str, group: str) -> None:
    print(
        f"{what}: {result['per_second']:.0f} {unit}s/s; machine CPU per {unit} "
        f"{result['cpu_ms_machine']:.2f} ms ({group} {result[f'cpu_ms_{group}']:.2f} ms), "
        f"steal {result['cpu_ms_steal']:.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["postgres", "http", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--http", default=HTTP, help="uvicorn's --http (default: serve's)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--rate",
        type=int,
        default=TARGET,
        help=f"PostgreSQL: transactions per second (default {TARGET}; 0: as many as it can)",
    )
    args = parser.parse_args()
    print(f"machine speed now: {calibrate():.3f} ms CPU for bench_intake's reference workload")
    floors = 0.0
    if args.part in ("postgres", "both"):
        pg = postgres_floor(args.seconds, args.rate)
        floors += pg["cpu_ms_machine"]
        limit = f"at most {args.rate}/s" if args.rate else "unlimited"
        what = (
            f"PostgreSQL alone, a JW301 intake's transaction (pgbench, {CLIENTS} clients, {limit})"
        )
        _say(what, pg, "transaction", "postgres")
    if args.part in ("http", "both"):
        http = http_floor(args.seconds, args.workers, args.http)
        floors += http["cpu_ms_machine"]
        what = f"HTTP alone, the app with a canned intake ({args.workers} workers, wrk)"
        _say(what, http, "request", "gateway")
    if args.part == "both":
        budget = CORES * 1000 / TARGET
        print(
            f"At {TARGET} msg/s, {CORES} cores give {budget:.2f} ms of machine CPU per "
            f"message; these floors take {floors:.2f} ms, which leaves {budget - floors:.2f} "
            "ms for the gateway's own intake work (validation, the return message, the "
            "driver's side of the statements)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
