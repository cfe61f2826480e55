"""The records of monitoring: trajectories, deadlines, and deltas of the monthly figures.

A trajectory is one client's care of one product by one provider for one municipality,
from request over allocation, start and stop to declarations. It is found by its keys
(``keys``): its allocation number, its request reference, its client, or for task-based
care (no allocation) its client and product. Everything here is a plain value; the store
keeps them as rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, get_args

from ijw_gateway.errors import IjwGatewayError

State = Literal[
    "requested",
    "investigating",
    "rejected",
    "allocated",
    "started",
    "interrupted",
    "stopped",
    "declared",
    "withdrawn",
]
STATES: tuple[State, ...] = get_args(State)  # in the order a trajectory goes
Care = Literal["started", "interrupted", "stopped"]


def allocation_key(gemeente: str, nummer: int) -> str:
    return f"a|{gemeente}|{nummer}"


def request_key(agb: str, referentie: str) -> str:
    return f"r|{agb}|{referentie}"


def client_key(gemeente: str, agb: str, bsn: str) -> str:
    return f"c|{gemeente}|{agb}|{bsn}"


def task_key(gemeente: str, agb: str, bsn: str, categorie: str, code: str) -> str:
    """Task-based care has no allocation: client and product name it."""
    return f"t|{gemeente}|{agb}|{bsn}|{categorie}|{code}"


@dataclass(frozen=True)
class Slot:
    """An open deadline a trajectory waits on: its id, when it opened, when it is due, and
    the day it counts from (a request's Dagtekening, a start's Begindatum)."""

    id: str
    opened: datetime
    due: date
    since: date


@dataclass(frozen=True)
class Trajectory:
    id: str
    gemeente: str
    agb: str
    bsn: str
    categorie: str = ""  # "" for none (a generic allocation, or a VOW's unknown product)
    code: str = ""
    nummer: int | None = None
    referentie: str | None = None  # the JW315 request that opened it
    requested_at: datetime | None = None
    decision: str | None = None  # the request's JW319 VerzoekAntwoord: "2", "1"
    allocated_at: datetime | None = None
    ingangsdatum: date | None = None
    einddatum: date | None = None
    volume: int | None = None
    eenheid: str | None = None
    frequentie: str | None = None
    budget: int | None = None
    toegewezen_op: datetime | None = None  # the version kept (IV013), local and naive
    deleted: bool = False
    care: Care | None = None
    starts: int = 0  # standing starts and stops (status 1 minus status 3)
    stops: int = 0
    started_on: date | None = None
    stopped_on: date | None = None
    interrupted: bool = False  # a temporary stop came before the definitive one
    declared: int = 0  # granted debits minus credits (kept apart: ``Plan.declared``)
    first_at: datetime | None = None
    last_at: datetime | None = None
    last_type: str = ""
    request_slot: Slot | None = None  # decision owed on a request (315/317)
    care_slot: Slot | None = None  # start (no care yet) or stop owed

    @property
    def state(self) -> State:
        """Where the trajectory stands (docs/monitoring.md, "States")."""
        if self.deleted:
            return "withdrawn"
        if self.nummer is None and self.care is None:
            if self.decision == "1":
                return "rejected"
            return "investigating" if self.decision == "2" else "requested"
        if self.care is not None:
            return self.care
        return "declared" if self.declared > 0 else "allocated"

    def with_(self, **changes: object) -> Trajectory:
        """A copy with ``changes``. Not ``dataclasses.replace``, which runs ``__init__``
        again: the planner makes a few copies per message, at every intake."""
        unknown = changes.keys() - self.__dict__.keys()
        if unknown:
            raise IjwGatewayError(f"a trajectory has no fields {', '.join(sorted(unknown))}")
        copy = object.__new__(Trajectory)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy


DeadlineState = Literal["open", "answered", "cancelled"]


@dataclass(frozen=True)
class Deadline:
    """An answer owed: opened by ``message_id``, owed by ``owed_by`` (a party code)."""

    id: str
    kind: str
    owed_type: str
    message_id: str
    trajectory_id: str | None
    gemeente: str
    agb: str
    owed_by: str
    opened_at: datetime
    due: date
    state: DeadlineState = "open"
    answered_at: datetime | None = None
    answer_id: str | None = None
    late: int | None = None  # working days after due, when answered


@dataclass(frozen=True)
class DeadlineChange:
    """What changes on a stored deadline: answered, cancelled, or given another due day."""

    id: str
    state: DeadlineState
    due: date
    answered_at: datetime | None = None
    answer_id: str | None = None
    late: int | None = None


@dataclass(frozen=True)
class Group:
    """Who and what a monthly figure is about."""

    month: date  # the first day
    gemeente: str
    agb: str
    categorie: str = ""
    code: str = ""


CONTRACT_FIELDS = (
    "alloc_fixed",
    "alloc_day",
    "alloc_month",
    "budget_fixed",
    "budget_day",
    "declared_volume",
    "declared_amount",
    "granted_volume",
    "granted_amount",
    "ended",
    "ended_days",
    "requested",
    "rejected",
    "allocated",
    "withdrawn",
    "started",
    "stopped",
)


@dataclass(frozen=True)
class ContractDelta:
    """Additions to one month's contract and trajectory figures of a product."""

    group: Group
    values: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class ClientDelta:
    """A client's granted debits minus credits in a month (clients = those above 0)."""

    group: Group
    bsn: str
    n: int


@dataclass(frozen=True)
class ChainDelta:
    """One measured time: ``days`` (calendar, from moments) and ``workdays``."""

    month: date
    gemeente: str
    agb: str
    measure: str
    days: float
    workdays: int
    on_time: bool | None = None  # None: no norm applies


@dataclass(frozen=True)
class Link:
    trajectory_id: str
    message_id: str
    type: str
    role: str
    at: datetime


@dataclass(frozen=True)
class Note:
    """An event on a message (kind, the party it concerns, detail without personal data)."""

    message_id: str
    kind: str
    party: str | None
    detail: str


@dataclass
class Plan:
    """Everything one message changes in the monitoring tables."""

    trajectories: dict[str, Trajectory] = field(default_factory=dict)
    declared: dict[str, int] = field(default_factory=dict)  # trajectory -> granted debits
    keys: list[tuple[str, str]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    opened: list[Deadline] = field(default_factory=list)
    changed: dict[str, DeadlineChange] = field(default_factory=dict)
    contract: list[ContractDelta] = field(default_factory=list)
    clients: list[ClientDelta] = field(default_factory=list)
    chain: list[ChainDelta] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def add(self, group: Group, **values: float) -> None:
        self.contract.append(ContractDelta(group, tuple(sorted(values.items()))))
