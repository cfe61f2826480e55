"""The JSON of the monitoring routes, as models for the OpenAPI (``api.answers`` style:
the routes build their JSON, these describe it, every field required, nothing else)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ijw_gateway.monitoring.model import State


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WaitingOn(_Answer):
    kind: Literal["decision", "start", "stop"]
    deadline: str = Field(description="The deadline's id (see `GET /v1/deadlines`).")
    due: str = Field(description="The last day the answer is on time (ISO date).")


class TrajectoryAnswer(_Answer):
    """One client's care of one product by one provider for one municipality."""

    id: str
    state: State = Field(description='See docs/monitoring.md, "States".')
    gemeente: str
    agb: str
    categorie: str | None
    code: str | None
    allocation: int | None = Field(description="The ToewijzingNummer, once allocated.")
    requested_at: str | None = Field(description="When the request arrived (ISO 8601, UTC).")
    allocated_at: str | None = Field(description="When the first allocation arrived.")
    ingangsdatum: str | None
    einddatum: str | None
    volume: int | None
    eenheid: str | None
    frequentie: str | None
    budget: int | None = Field(description="Euro cents.")
    started_on: str | None = Field(description="Begindatum of the care, from the JW305.")
    stopped_on: str | None = Field(description="Einddatum of the care, from the JW307.")
    declared: int = Field(description="Granted debit Prestaties minus credits.")
    first_at: str | None
    last_at: str | None = Field(description="The last message of the care chain.")
    waiting_on: list[WaitingOn] = Field(description="Open deadlines it waits on.")


class AnswerRef(_Answer):
    id: str
    message: str | None
    at: str


class StepAnswer(_Answer):
    id: str = Field(description="The message's id (`GET /v1/messages/{id}`).")
    message: str
    role: Literal["request", "change", "answer", "allocation", "start", "stop", "declaration"]
    at: str
    answer: AnswerRef | None = Field(description="Its return message or JW325, if any.")


class ChainAnswer(_Answer):
    """The conversation view: the allocation's messages by step, each with its answer."""

    request: list[StepAnswer]
    allocation: list[StepAnswer]
    start: list[StepAnswer]
    stop: list[StepAnswer]
    declaration: list[StepAnswer]


class TrajectoryDetail(TrajectoryAnswer):
    timeline: list[StepAnswer] = Field(description="Every message, in arrival order.")
    chain: ChainAnswer


class TrajectoriesAnswer(_Answer):
    trajectories: list[TrajectoryAnswer]
    has_more: bool
    next: str | None = Field(description="Pass as `after` for the next page.")


class DeadlineAnswer(_Answer):
    id: str
    kind: Literal["retour", "declaration", "decision", "start", "stop"]
    type: str = Field(
        description="The answer owed: `JW302`…, `JW325`, `JW301/JW319`, `JW305`, `JW307`."
    )
    owed_by: str = Field(description="The party that owes it.")
    message: str = Field(description="The message whose answer it is (its id).")
    trajectory: str | None
    gemeente: str
    agb: str
    opened_at: str
    due: str
    state: Literal["open", "answered", "cancelled"]
    overdue: bool = Field(description="Open and past its due day.")
    answered_at: str | None
    answer: str | None = Field(description="The answering message's id.")
    late_workdays: int | None = Field(description="Working days after the due day (0: on time).")


class DeadlinesAnswer(_Answer):
    deadlines: list[DeadlineAnswer] = Field(description="Oldest due day first.")
    has_more: bool
    next: str | None


class ReportAnswer(_Answer):
    """A report as a table: its columns (docs/monitoring.md defines each) and rows."""

    report: Literal["trajectories", "chain", "contracts", "deadlines"]
    from_: str = Field(alias="from", description="The first month (its first day).")
    to: str = Field(description="The last month (its first day).")
    columns: list[str]
    rows: list[dict[str, str | int | float | None]]
