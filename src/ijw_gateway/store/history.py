"""The ``History`` and ``Recorder`` protocols on SQL: what the cross-message rules read.

Bound to one transaction, so the rules judge a message against exactly the state of the
intake transaction that will also record it. What a message adds is decided by
``history.extract.facts`` (shared with ``InMemoryHistory``), so both stores hold the same
state; a differential test replays one sequence into both and compares every answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, false, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.findings import Report
from ijw_gateway.history.extract import facts
from ijw_gateway.history.model import (
    Allocation,
    Answer,
    CareClass,
    Declaration,
    Facts,
    Omvang,
    Prestatie,
    Rejection,
    Request,
)
from ijw_gateway.routing import Key
from ijw_gateway.store import history_rows as rows
from ijw_gateway.store.direct import Direct, Statement
from ijw_gateway.store.tables import Identification
from ijw_gateway.store.tables_history import (
    HistAllocation,
    HistAnswer,
    HistCare,
    HistDeclaration,
    HistPrestatie,
    HistRequest,
)
from ijw_gateway.store.unit import OWNER, table_of
from ijw_gateway.validation import ParsedMessage

TYPE_OF_CODE = {s.berichtcode: m for m, s in MESSAGES.items()}
Write = Callable[[type[SQLModel], list[dict[str, Any]]], None]
"""Where recorded rows go: written at once, or collected by the intake unit (``add_rows``)
and written with the message, in one round trip; nothing reads them before the commit."""


class StoreHistory:
    """A ``HistoryStore`` over the gateway's tables, inside one transaction (a session's,
    or a plain connection's such as an intake unit's).

    The questions and the records run on the driver's cursor (``store.direct``): the
    cross-message rules ask a few of them for every message the gateway takes in."""

    def __init__(
        self,
        source: Session | Connection,
        write: Write | None = None,
        identifications: Mapping[Key, str | None] | None = None,
        numbers: dict[tuple[str, int], bool] | None = None,
    ) -> None:
        """``identifications``: owners of identifications the transaction already asked
        the store about (an intake unit's ``open``), so the rules need not ask again."""
        self.connection = source.connection() if isinstance(source, Session) else source
        self.sql = Direct(self.connection)
        self.write: Write = write or (
            lambda table, values: self.sql.insert(table_of(table), values)
        )
        self.identifications = identifications or {}
        self.numbers = numbers if numbers is not None else {}
        """Allocation numbers asked about, and whether one was stored: monitoring then
        knows without asking again which allocations are new (``store.monitoring``)."""

    # -- recording ---------------------------------------------------------------

    def record(self, message: ParsedMessage, report: Report) -> None:
        self.record_message("", message, report)

    def record_message(self, message_id: str, message: ParsedMessage, report: Report) -> bool:
        """Record what ``message`` adds; False when it counts as never sent."""
        found = facts(message, report)
        if found is None:
            return False
        self.apply(found, message_id)
        return True

    def apply(self, found: Facts, message_id: str = "") -> None:
        ident = found.message
        tables: list[tuple[type[SQLModel], list[dict[str, Any]]]] = [
            (
                Identification,
                [
                    {
                        "afzender": ident.sender,
                        "type": TYPE_OF_CODE.get(ident.berichtcode, ident.berichtcode),
                        "identificatie": ident.identificatie,
                    }
                ],
            ),
            (HistAllocation, [rows.allocation_values(a) for a in found.allocations]),
            (HistRequest, [rows.fields(r) for r in found.requests]),
            (HistAnswer, [rows.fields(a) for a in found.answers]),
            (HistCare, [rows.fields(c) for c in found.care]),
            (HistDeclaration, [rows.declaration_values(d) for d in [found.declaration] if d]),
            (HistPrestatie, [rows.fields(p) for p in found.prestaties]),
        ]
        for table, values in tables:
            if values:
                self.write(table, [{**v, "message_id": message_id} for v in values])
        for rejection in found.rejections:
            self._reject(rejection)

    def _reject(self, rejection: Rejection) -> None:
        where = [
            col(HistPrestatie.gemeente) == rejection.gemeente,
            col(HistPrestatie.agb) == rejection.agb,
            col(HistPrestatie.declaratie) == rejection.declaratie,
        ]
        if rejection.referentie is not None:
            where.append(col(HistPrestatie.referentie) == rejection.referentie)
        self.connection.execute(update(HistPrestatie).where(*where).values(rejected=True))
        if rejection.referentie is None:
            self.connection.execute(
                update(HistDeclaration)
                .where(
                    col(HistDeclaration.gemeente) == rejection.gemeente,
                    col(HistDeclaration.agb) == rejection.agb,
                    col(HistDeclaration.identificatie) == rejection.declaratie,
                )
                .values(rejected=True)
            )

    # -- questions ---------------------------------------------------------------

    def identification_used(self, sender: str, berichtcode: str, identificatie: str) -> bool:
        type_ = TYPE_OF_CODE.get(berichtcode, berichtcode)
        key = Key(sender, type_, identificatie)
        if key in self.identifications:
            return self.identifications[key] is not None
        found = self.sql.first(OWNER, afzender=sender, type=type_, identificatie=identificatie)
        return found is not None

    def allocation(self, gemeente: str, nummer: int) -> Allocation | None:
        row = self.sql.first(_ALLOCATION, gemeente=gemeente, nummer=nummer)
        self.numbers[(gemeente, nummer)] = row is not None
        return rows.allocation(row) if row else None

    def allocations_of(self, gemeente: str, agb: str, bsn: str) -> Sequence[Allocation]:
        latest: dict[int, rows.Row] = {}
        for row in self.sql.rows(_ALLOCATIONS_OF, gemeente=gemeente, agb=agb, bsn=bsn):
            held = latest.get(row["nummer"])
            if held is None or row["toegewezen_op"] >= held["toegewezen_op"]:
                latest[row["nummer"]] = row
        found = [rows.allocation(r) for r in latest.values()]
        return [a for a in found if (a.agb, a.bsn) == (agb, bsn)]

    def request(self, agb: str, referentie: str) -> Request | None:
        row = self.sql.first(_REQUEST, agb=agb, referentie=referentie)
        return rows.request(row) if row else None

    def requests_of(self, gemeente: str, agb: str, bsn: str) -> Sequence[Request]:
        found = self.sql.rows(_REQUESTS_OF, gemeente=gemeente, agb=agb, bsn=bsn)
        return [rows.request(r) for r in found]

    def answers_to(self, gemeente: str, agb: str, referentie: str) -> Sequence[Answer]:
        found = self.sql.rows(_ANSWERS_TO, gemeente=gemeente, agb=agb, referentie=referentie)
        return [rows.answer(r) for r in found]

    def care_classes(self, gemeente: str, agb: str, bsn: str) -> Sequence[CareClass]:
        found = self.sql.rows(_CARE, gemeente=gemeente, agb=agb, bsn=bsn)
        return [rows.care(r) for r in found]

    def declaration(self, gemeente: str, agb: str, identificatie: str) -> Declaration | None:
        row = self.sql.first(_DECLARATION, gemeente=gemeente, agb=agb, identificatie=identificatie)
        return rows.declaration(row) if row else None

    def declarations_of(self, gemeente: str, agb: str) -> Sequence[Declaration]:
        found = self.sql.rows(_DECLARATIONS_OF, gemeente=gemeente, agb=agb)
        return [rows.declaration(r) for r in found]

    def declaration_number_used(self, agb: str, nummer: str) -> bool:
        return self.sql.first(_NUMBER_USED, agb=agb, nummer=nummer) is not None

    def prestatie(self, agb: str, referentie: str) -> Prestatie | None:
        row = self.sql.first(_PRESTATIE, agb=agb, referentie=referentie)
        return rows.prestatie(row) if row else None

    def credits_of(self, agb: str, referentie: str) -> Sequence[Prestatie]:
        found = self.sql.rows(_CREDITS_OF, agb=agb, vorig_referentie=referentie)
        return [rows.prestatie(r) for r in found]

    def prestaties_on(self, gemeente: str, nummer: int) -> Sequence[Prestatie]:
        found = self.sql.rows(_PRESTATIES_ON, gemeente=gemeente, nummer=nummer)
        return [rows.prestatie(r) for r in found]

    def prestaties_of(self, gemeente: str, agb: str, declaratie: str) -> Sequence[Prestatie]:
        found = self.sql.rows(_PRESTATIES_OF, gemeente=gemeente, agb=agb, declaratie=declaratie)
        return [rows.prestatie(r) for r in found]


def _p(name: str) -> Any:
    return bindparam(name)


HistTable = type[HistRequest | HistAnswer | HistCare | HistDeclaration | HistPrestatie]


def _in_order(
    model: HistTable, *keys: str, first: bool = False, also: Sequence[Any] = ()
) -> Statement:
    """The rows of ``model`` whose ``keys`` columns equal the same-named parameters, in
    arrival order (only the first with ``first``)."""
    table = table_of(model)
    query = (
        sa_select(table)
        .where(*(table.c[key] == _p(key) for key in keys), *also)
        .order_by(table.c.id)
    )
    return Statement(query.limit(1) if first else query)


_ALLOCATION = Statement(
    select(HistAllocation)
    .where(HistAllocation.gemeente == _p("gemeente"), HistAllocation.nummer == _p("nummer"))
    .order_by(col(HistAllocation.toegewezen_op).desc(), col(HistAllocation.id).desc())
    .limit(1)
)
# Every version of the allocations this client ever had with this provider: a later
# version may have moved the number to another client, which ``allocations_of`` drops.
_ALLOCATIONS_OF = Statement(
    select(HistAllocation)
    .where(
        HistAllocation.gemeente == _p("gemeente"),
        col(HistAllocation.nummer).in_(
            select(HistAllocation.nummer).where(
                HistAllocation.gemeente == _p("gemeente"),
                HistAllocation.agb == _p("agb"),
                HistAllocation.bsn == _p("bsn"),
            )
        ),
    )
    .order_by(col(HistAllocation.id))
)
_REQUEST = _in_order(HistRequest, "agb", "referentie", first=True)
_REQUESTS_OF = _in_order(HistRequest, "gemeente", "agb", "bsn")
_ANSWERS_TO = _in_order(HistAnswer, "gemeente", "agb", "referentie")
_CARE = _in_order(HistCare, "gemeente", "agb", "bsn")
_DECLARATION = _in_order(HistDeclaration, "gemeente", "agb", "identificatie", first=True)
_DECLARATIONS_OF = _in_order(HistDeclaration, "gemeente", "agb")
_NUMBER_USED = Statement(
    select(HistDeclaration.id)
    .where(
        HistDeclaration.agb == _p("agb"),
        HistDeclaration.nummer == _p("nummer"),
        col(HistDeclaration.rejected).is_(false()),
    )
    .limit(1)
)
_PRESTATIE = _in_order(
    HistPrestatie, "agb", "referentie", first=True, also=[col(HistPrestatie.rejected).is_(false())]
)
_CREDITS_OF = _in_order(
    HistPrestatie, "agb", "vorig_referentie", also=[col(HistPrestatie.debet_credit) == "C"]
)
_PRESTATIES_ON = _in_order(HistPrestatie, "gemeente", "nummer")
_PRESTATIES_OF = _in_order(HistPrestatie, "gemeente", "agb", "declaratie")


__all__ = ["TYPE_OF_CODE", "Omvang", "StoreHistory"]
