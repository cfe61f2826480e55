"""Monitoring routes: trajectories, deadlines, reports and the export (docs/monitoring.md).

A party's key sees the trajectories, deadlines and figures it is one side of; an
operator's key (``ijw-gateway operators``) sees all of them. Everything is read from the
rows the intake keeps up to date, never by walking the messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response, StreamingResponse

from ijw_gateway.api.deps import GatewayDep, ViewerDep
from ijw_gateway.api.errors import documented_errors
from ijw_gateway.api.monitoring_answers import (
    DeadlinesAnswer,
    ReportAnswer,
    TrajectoriesAnswer,
    TrajectoryDetail,
)
from ijw_gateway.errors import Forbidden, NotFound
from ijw_gateway.gateway import Gateway
from ijw_gateway.monitoring.access import Viewer
from ijw_gateway.monitoring.model import STATES, Deadline, Trajectory
from ijw_gateway.monitoring.workdays import local_day
from ijw_gateway.store import monitoring_reads as reads

router = APIRouter(prefix="/v1")
PAGE_MAX = 500
Id = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="A trajectory id.")]
Day = Annotated[date | None, Query(description="YYYY-MM-DD")]
Code = Annotated[str | None, Query(pattern=r"^[0-9A-Za-z]{1,8}$")]
Party = Annotated[str | None, Query(pattern=r"^([0-9]{4}|[0-9]{8})$")]
Cursor = Annotated[str | None, Query(max_length=80, description="`next` of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX)]


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def _trajectory(t: Trajectory) -> dict[str, Any]:
    waiting = []
    if t.request_slot is not None:
        waiting.append(
            {"kind": "decision", "deadline": t.request_slot.id, "due": _iso(t.request_slot.due)}
        )
    if t.care_slot is not None:
        kind = "start" if t.care is None else "stop"
        waiting.append({"kind": kind, "deadline": t.care_slot.id, "due": _iso(t.care_slot.due)})
    return {
        "id": t.id,
        "state": t.state,
        "gemeente": t.gemeente,
        "agb": t.agb,
        "categorie": t.categorie or None,
        "code": t.code or None,
        "allocation": t.nummer,
        "requested_at": _iso(t.requested_at),
        "allocated_at": _iso(t.allocated_at),
        "ingangsdatum": _iso(t.ingangsdatum),
        "einddatum": _iso(t.einddatum),
        "volume": t.volume,
        "eenheid": t.eenheid,
        "frequentie": t.frequentie,
        "budget": t.budget,
        "started_on": _iso(t.started_on),
        "stopped_on": _iso(t.stopped_on),
        "declared": t.declared,
        "first_at": _iso(t.first_at),
        "last_at": _iso(t.last_at),
        "waiting_on": waiting,
    }


def _step(step: reads.Step) -> dict[str, Any]:
    answer = None
    if step.answer_id is not None:
        answer = {"id": step.answer_id, "message": step.answer_type, "at": _iso(step.answer_at)}
    return {
        "id": step.message_id,
        "message": step.type,
        "role": step.role,
        "at": _iso(step.at),
        "answer": answer,
    }


_CHAIN = {
    "request": ("request", "change", "answer"),
    "allocation": ("allocation",),
    "start": ("start",),
    "stop": ("stop",),
    "declaration": ("declaration",),
}


def _responses(model: object, meaning: str, errors: dict[int, str] | None = None) -> Any:
    """OpenAPI ``responses``: the documented JSON of a 200 and the route's failures."""
    return {200: {"model": model, "description": meaning}, **documented_errors(errors)}


@router.get(
    "/trajectories",
    summary="Search trajectories",
    responses=_responses(TrajectoriesAnswer, "A page of trajectories."),
)
def search_trajectories(
    viewer: ViewerDep,
    gateway: GatewayDep,
    municipality: Party = None,
    provider: Party = None,
    categorie: Code = None,
    code: Code = None,
    state: Annotated[Literal[STATES] | None, Query()] = None,  # type: ignore[valid-type]
    from_: Annotated[
        date | None, Query(alias="from", description="Active on or after (YYYY-MM-DD).")
    ] = None,
    to: Annotated[date | None, Query(description="Begun on or before (YYYY-MM-DD).")] = None,
    limit: Limit = 100,
    after: Cursor = None,
) -> JSONResponse:
    """Trajectories by municipality, provider, product, state and period, in the order
    they began: a party sees those it is one side of, an operator all."""
    wanted = reads.Search(municipality, provider, categorie, code, state, from_, to)
    with gateway.store.reading() as connection:
        found = reads.search(connection, viewer, wanted, limit + 1, after)
    page, more = found[:limit], len(found) > limit
    cursor = f"{_iso(page[-1].first_at)}|{page[-1].id}" if more else None
    return JSONResponse(
        {"trajectories": [_trajectory(t) for t in page], "has_more": more, "next": cursor}
    )


@router.get(
    "/trajectories/{trajectory_id}",
    summary="A trajectory with its timeline",
    responses=_responses(
        TrajectoryDetail,
        "The trajectory.",
        {
            403: "The trajectory is between other parties.",
            404: "There is no trajectory with this id.",
        },
    ),
)
def get_trajectory(trajectory_id: Id, viewer: ViewerDep, gateway: GatewayDep) -> JSONResponse:
    """Its state, what it waits on, every message in order with the answer each got, and
    the conversation view: request → allocation → start → stop → declarations."""
    with gateway.store.reading() as connection:
        t = reads.trajectory(connection, trajectory_id)
        if t is None:
            raise NotFound(f"There is no trajectory {trajectory_id}.")
        if not viewer.sees(t.gemeente, t.agb):
            raise Forbidden("A party may only read its own trajectories.", "not_your_trajectory")
        steps = [_step(s) for s in reads.timeline(connection, trajectory_id)]
    chain = {name: [s for s in steps if s["role"] in roles] for name, roles in _CHAIN.items()}
    return JSONResponse({**_trajectory(t), "timeline": steps, "chain": chain})


def _deadline(d: Deadline, today: date) -> dict[str, Any]:
    return {
        "id": d.id,
        "kind": d.kind,
        "type": d.owed_type,
        "owed_by": d.owed_by,
        "message": d.message_id,
        "trajectory": d.trajectory_id,
        "gemeente": d.gemeente,
        "agb": d.agb,
        "opened_at": _iso(d.opened_at),
        "due": _iso(d.due),
        "state": d.state,
        "overdue": d.state == "open" and d.due < today,
        "answered_at": _iso(d.answered_at),
        "answer": d.answer_id,
        "late_workdays": d.late,
    }


@router.get(
    "/deadlines",
    summary="Open, overdue and answered answers",
    responses=_responses(DeadlinesAnswer, "A page of deadlines."),
)
def get_deadlines(
    viewer: ViewerDep,
    gateway: GatewayDep,
    state: Literal["open", "overdue", "answered", "cancelled"] = "open",
    party: Party = None,
    type: Annotated[str | None, Query(pattern=r"^JW3[0-9]{2}(/JW3[0-9]{2})?$")] = None,
    limit: Limit = 100,
    after: Cursor = None,
) -> JSONResponse:
    """The answers the standard's deadlines ask for (docs/monitoring.md, "Deadlines"),
    oldest due day first; `overdue` is open and past its due day (Amsterdam time)."""
    today = local_day(gateway.store.clock())
    with gateway.store.reading() as connection:
        found = reads.deadlines(
            connection, viewer, state, today, limit + 1, _checked(after), party, type
        )
    page, more = found[:limit], len(found) > limit
    cursor = f"{page[-1].due.isoformat()}|{page[-1].id}" if more else None
    return JSONResponse(
        {"deadlines": [_deadline(d, today) for d in page], "has_more": more, "next": cursor}
    )


def _checked(after: str | None) -> str | None:
    """A cursor as this route makes them (``<due>|<id>``); anything else starts over."""
    if after is None:
        return None
    day, _, rest = after.partition("|")
    try:
        date.fromisoformat(day)
    except ValueError:
        return None
    return after if rest else None


Report = Literal["trajectories", "chain", "contracts", "deadlines"]


@router.get(
    "/reports/export",
    summary="The chain monitors' export (pseudonymised)",
    response_class=Response,
    responses={
        200: {
            "description": "One record per message of a trajectory (CSV or JSON lines).",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        },
        **documented_errors(
            {
                503: "The export key is not configured (IJW_EXPORT_KEY), or "
                "the database cannot be reached."
            }
        ),
    },
)
def get_export(
    viewer: ViewerDep,
    gateway: GatewayDep,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: Day = None,
    format: Literal["csv", "jsonl"] = "csv",
) -> Response:
    """Every message of every trajectory the caller may see, received in the months from
    `from` to `to`: with its trajectory's id, state and times; BSN and allocation number
    replaced by keyed pseudonyms."""
    from ijw_gateway import reporting

    wanted = reporting.filters(from_, to, local_day(gateway.store.clock()))
    records = reporting.export(gateway.store, viewer, wanted, gateway.settings.export_key)
    return StreamingResponse(
        _lines(records, format),
        media_type="text/csv" if format == "csv" else "application/x-ndjson",
    )


def _lines(records: Iterator[dict[str, Any]], form: str) -> Iterator[str]:
    from ijw_gateway.reporting import EXPORT_COLUMNS

    if form == "jsonl":
        yield from (json.dumps(r) + "\n" for r in records)
        return
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(record)
        if out.tell() > 65_536:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


@router.get(
    "/reports/{name}",
    summary="A monitoring report",
    responses={
        200: {
            "model": ReportAnswer,
            "description": "The report (JSON, or CSV).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **documented_errors(),
    },
)
def get_report(
    name: Report,
    viewer: ViewerDep,
    gateway: GatewayDep,
    from_: Annotated[
        date | None, Query(alias="from", description="First month (YYYY-MM-DD).")
    ] = None,
    to: Annotated[date | None, Query(description="Last month (YYYY-MM-DD).")] = None,
    municipality: Party = None,
    provider: Party = None,
    categorie: Code = None,
    code: Code = None,
    segment: Annotated[str | None, Query(pattern=r"^[0-9A-Za-z]{1,8}$")] = None,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """trajectories, chain, contracts or deadlines (docs/monitoring.md defines every
    column), for the months from `from` to `to` (default: the last twelve)."""
    table, wanted = report_table(
        gateway, viewer, name, from_, to, municipality, provider, categorie, code, segment
    )
    if format == "csv":
        return Response(table.to_csv(), media_type="text/csv")
    return JSONResponse(table.to_json(wanted))


def report_table(gateway: Gateway, viewer: Viewer, name: str, *given: Any) -> tuple[Any, Any]:
    from ijw_gateway import reporting
    from ijw_gateway.runtime import contract_book

    start, end, municipality, provider, categorie, code, segment = given
    today = local_day(gateway.store.clock())
    wanted = reporting.filters(
        start,
        end,
        today,
        gemeente=municipality,
        agb=provider,
        categorie=categorie,
        code=code,
        segment=segment,
    )
    book = contract_book(gateway.settings, record=False)
    return reporting.report(gateway.store, viewer, name, wanted, book), wanted
