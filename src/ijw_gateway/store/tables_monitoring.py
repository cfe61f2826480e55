"""Tables of monitoring (``monitoring``): trajectories, their keys and messages, deadlines,
the monthly figures, and the operators who may read all of them (migration 0004).

They are kept up to date in each intake's own transaction (``store.monitoring``), so a
report reads a few materialised rows instead of the messages. Personal data: the client's
BSN in ``mon_trajectory``, ``mon_key`` and ``mon_client_month`` (to link a client's
messages and count clients), like the history tables; no answer, report, export, metric or
event carries it (the export only as a keyed hash).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, text
from sqlmodel import Field, SQLModel

_ANSWERS = text("kind IN ('retour', 'declaration')")
_ALLOCATED = text("nummer IS NOT NULL")
PRODUCT = ("month", "gemeente", "agb", "categorie", "code")
"""The key of a month's figures of one product of a provider for a municipality."""


class MonTrajectory(SQLModel, table=True):
    __tablename__ = "mon_trajectory"
    __table_args__ = (
        Index(
            "ux_mon_trajectory_allocation",
            "gemeente",
            "nummer",
            unique=True,
            postgresql_where=_ALLOCATED,
            sqlite_where=_ALLOCATED,
        ),
    )
    id: str = Field(primary_key=True, max_length=32)
    gemeente: str = Field(max_length=4)
    agb: str = Field(max_length=8)
    bsn: str = Field(max_length=9)
    categorie: str = Field(default="", max_length=8)
    code: str = Field(default="", max_length=8)
    nummer: int | None = None
    referentie: str | None = Field(default=None, max_length=40)
    requested_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    decision: str | None = Field(default=None, max_length=2)
    allocated_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    ingangsdatum: date | None = None
    einddatum: date | None = None
    volume: int | None = None
    eenheid: str | None = Field(default=None, max_length=4)
    frequentie: str | None = Field(default=None, max_length=4)
    budget: int | None = None
    # Toewijzingsdatum + Toewijzingstijd of the version kept: a local time without zone.
    toegewezen_op: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=False), nullable=True)
    )
    deleted: bool = False
    care: str | None = Field(default=None, max_length=16)
    starts: int = 0
    stops: int = 0
    started_on: date | None = None
    stopped_on: date | None = None
    interrupted: bool = False
    first_at: datetime = Field(sa_type=DateTime(timezone=True))
    last_at: datetime = Field(sa_type=DateTime(timezone=True))
    last_type: str = Field(default="", max_length=8)
    state: str = Field(max_length=16)
    # The open deadlines it waits on: a decision on a request, a start or a stop.
    req_id: str | None = Field(default=None, max_length=32)
    req_opened: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    req_due: date | None = None
    req_since: date | None = None
    care_id: str | None = Field(default=None, max_length=32)
    care_opened: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    care_due: date | None = None
    care_since: date | None = None


class MonKey(SQLModel, table=True):
    """The trajectories a request reference concerns (a JW315's own; a VOW's: the
    client's current ones), and task-based care by client and product. By allocation
    number a trajectory is found in ``mon_trajectory`` itself, and a client's allocated
    trajectories through the history's allocations (``hist_allocation``): an index less
    to keep up at every intake."""

    __tablename__ = "mon_key"
    key: str = Field(primary_key=True, max_length=120)
    trajectory_id: str = Field(primary_key=True, max_length=32)


class MonDeclared(SQLModel, table=True):
    """A trajectory's granted debits minus credits, apart from its row: declarations are
    taken in under other locks than the rest of the chain (``routing``), and an addition
    never loses a concurrent one."""

    __tablename__ = "mon_declared"
    trajectory_id: str = Field(primary_key=True, max_length=32)
    n: int = 0


class MonLink(SQLModel, table=True):
    """A message of a trajectory (its timeline), with the role it plays there."""

    __tablename__ = "mon_link"
    __table_args__ = (Index("ix_mon_link_trajectory", "trajectory_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    trajectory_id: str = Field(max_length=32)
    message_id: str = Field(max_length=32)
    type: str = Field(max_length=8)
    role: str = Field(max_length=16)
    at: datetime = Field(sa_type=DateTime(timezone=True))


class MonDeadline(SQLModel, table=True):
    """An answer owed (``monitoring.deadlines``): open, answered or cancelled."""

    __tablename__ = "mon_deadline"
    __table_args__ = (
        Index("ix_mon_deadline_due", "state", "due"),
        # A party's own return message or JW325 looks up the deadline of its original;
        # the gateway answers nearly all of them itself, so the index stays small.
        Index(
            "ix_mon_deadline_answer",
            "message_id",
            postgresql_where=_ANSWERS,
            sqlite_where=_ANSWERS,
        ),
    )
    id: str = Field(primary_key=True, max_length=32)
    kind: str = Field(max_length=16)
    owed_type: str = Field(max_length=16)
    message_id: str = Field(max_length=32)
    trajectory_id: str | None = Field(default=None, max_length=32)
    gemeente: str = Field(max_length=4)
    agb: str = Field(max_length=8)
    owed_by: str = Field(max_length=16)
    opened_at: datetime = Field(sa_type=DateTime(timezone=True))
    due: date
    state: str = Field(max_length=12)
    answered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    answer_id: str | None = Field(default=None, max_length=32)
    late: int | None = None
    noted: bool = False  # its overdue event was recorded


class ContractFigures(SQLModel):
    """A month's figures of a product, added up (``monitoring.model.CONTRACT_FIELDS``)."""

    alloc_fixed: float = 0.0
    alloc_day: float = 0.0
    alloc_month: float = 0.0
    budget_fixed: float = 0.0
    budget_day: float = 0.0
    declared_volume: float = 0.0
    declared_amount: float = 0.0
    granted_volume: float = 0.0
    granted_amount: float = 0.0
    ended: float = 0.0
    ended_days: float = 0.0
    requested: float = 0.0
    rejected: float = 0.0
    allocated: float = 0.0
    withdrawn: float = 0.0
    started: float = 0.0
    stopped: float = 0.0


class ChainFigures(SQLModel):
    """A month's measured times: added up, and the longest kept (``normed``: measured
    against a norm)."""

    count: int = 0
    days: float = 0.0
    workdays: int = 0
    normed: int = 0
    on_time: int = 0
    max_days: float = 0.0


class MonContractMonth(ContractFigures, table=True):
    """A month's figures of one product of a provider for a municipality (added up)."""

    __tablename__ = "mon_contract_month"
    month: date = Field(primary_key=True)
    gemeente: str = Field(primary_key=True, max_length=4)
    agb: str = Field(primary_key=True, max_length=8)
    categorie: str = Field(primary_key=True, max_length=8)
    code: str = Field(primary_key=True, max_length=8)


class MonClientMonth(SQLModel, table=True):
    """A client's granted debits minus credits of a product in a month."""

    __tablename__ = "mon_client_month"
    month: date = Field(primary_key=True)
    gemeente: str = Field(primary_key=True, max_length=4)
    agb: str = Field(primary_key=True, max_length=8)
    categorie: str = Field(primary_key=True, max_length=8)
    code: str = Field(primary_key=True, max_length=8)
    bsn: str = Field(primary_key=True, max_length=9)
    n: int = 0


class MonChainMonth(ChainFigures, table=True):
    """A month's measured times of one kind between a municipality and a provider."""

    __tablename__ = "mon_chain_month"
    month: date = Field(primary_key=True)
    gemeente: str = Field(primary_key=True, max_length=4)
    agb: str = Field(primary_key=True, max_length=8)
    measure: str = Field(primary_key=True, max_length=48)


class MonContractDelta(ContractFigures, table=True):
    """What one intake adds to ``mon_contract_month``, until it is folded in.

    An intake only inserts (in its own one statement): intakes of one municipality and
    provider in a month would otherwise wait for each other's commit on the same monthly
    row. A worker folds the deltas into the monthly rows every minute
    (``Store.fold_figures``); reports read both, so they are up to date at intake."""

    __tablename__ = "mon_contract_delta"
    id: int | None = Field(default=None, primary_key=True)
    month: date
    gemeente: str = Field(max_length=4)
    agb: str = Field(max_length=8)
    categorie: str = Field(max_length=8)
    code: str = Field(max_length=8)


class MonClientDelta(SQLModel, table=True):
    """What one intake adds to ``mon_client_month``, until it is folded in."""

    __tablename__ = "mon_client_delta"
    id: int | None = Field(default=None, primary_key=True)
    month: date
    gemeente: str = Field(max_length=4)
    agb: str = Field(max_length=8)
    categorie: str = Field(max_length=8)
    code: str = Field(max_length=8)
    bsn: str = Field(max_length=9)
    n: int = 0


class MonChainDelta(ChainFigures, table=True):
    """What one intake adds to ``mon_chain_month``, until it is folded in."""

    __tablename__ = "mon_chain_delta"
    id: int | None = Field(default=None, primary_key=True)
    month: date
    gemeente: str = Field(max_length=4)
    agb: str = Field(max_length=8)
    measure: str = Field(max_length=48)


class Operator(SQLModel, table=True):
    """Someone of the region's operator who may read every figure (not a party)."""

    __tablename__ = "operator"
    name: str = Field(primary_key=True, max_length=64)
    created_at: datetime = Field(sa_type=DateTime(timezone=True))


class OperatorKey(SQLModel, table=True):
    """An operator's API key; like a party's, only a salted hash of its secret is kept."""

    __tablename__ = "operator_key"
    key_id: str = Field(primary_key=True, max_length=64)
    operator: str = Field(foreign_key="operator.name", index=True, max_length=64)
    salt: str = Field(max_length=64)
    digest: str = Field(max_length=128)
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
