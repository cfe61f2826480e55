"""The ``History`` and ``Recorder`` protocols on SQL: what the cross-message rules read.

Bound to one session, so the rules judge a message against exactly the state of the
intake transaction that will also record it. What a message adds is decided by
``history.extract.facts`` (shared with ``InMemoryHistory``), so both stores hold the same
state; a differential test replays one sequence into both and compares every answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, update
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
from ijw_gateway.store import history_rows as rows
from ijw_gateway.store.tables import Identification
from ijw_gateway.store.tables_history import (
    HistAllocation,
    HistAnswer,
    HistCare,
    HistDeclaration,
    HistPrestatie,
    HistRequest,
)
from ijw_gateway.store.unit import table_of
from ijw_gateway.validation import ParsedMessage

TYPE_OF_CODE = {s.berichtcode: m for m, s in MESSAGES.items()}


class StoreHistory:
    """A ``HistoryStore`` over the gateway's tables, inside one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

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
                        "message_id": message_id,
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
                for value in values:
                    value.setdefault("message_id", message_id)
                self.session.connection().execute(insert(table_of(table)), values)
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
        self.session.execute(update(HistPrestatie).where(*where).values(rejected=True))
        if rejection.referentie is None:
            self.session.execute(
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
        key = (sender, TYPE_OF_CODE.get(berichtcode, berichtcode), identificatie)
        return self.session.get(Identification, key) is not None

    def allocation(self, gemeente: str, nummer: int) -> Allocation | None:
        query = (
            select(HistAllocation)
            .where(HistAllocation.gemeente == gemeente, HistAllocation.nummer == nummer)
            .order_by(col(HistAllocation.toegewezen_op).desc(), col(HistAllocation.id).desc())
            .limit(1)
        )
        row = self.session.exec(query).first()
        return rows.allocation(row) if row else None

    def allocations_of(self, gemeente: str, agb: str, bsn: str) -> Sequence[Allocation]:
        numbers = select(HistAllocation.nummer).where(
            HistAllocation.gemeente == gemeente,
            HistAllocation.agb == agb,
            HistAllocation.bsn == bsn,
        )
        query = (
            select(HistAllocation)
            .where(HistAllocation.gemeente == gemeente, col(HistAllocation.nummer).in_(numbers))
            .order_by(col(HistAllocation.id))
        )
        latest: dict[int, HistAllocation] = {}
        for row in self.session.exec(query):
            held = latest.get(row.nummer)
            if held is None or row.toegewezen_op >= held.toegewezen_op:
                latest[row.nummer] = row
        found = [rows.allocation(r) for r in latest.values()]
        return [a for a in found if (a.agb, a.bsn) == (agb, bsn)]

    def request(self, agb: str, referentie: str) -> Request | None:
        query = (
            select(HistRequest)
            .where(HistRequest.agb == agb, HistRequest.referentie == referentie)
            .order_by(col(HistRequest.id))
            .limit(1)
        )
        row = self.session.exec(query).first()
        return rows.request(row) if row else None

    def requests_of(self, gemeente: str, agb: str, bsn: str) -> Sequence[Request]:
        query = (
            select(HistRequest)
            .where(HistRequest.gemeente == gemeente, HistRequest.agb == agb, HistRequest.bsn == bsn)
            .order_by(col(HistRequest.id))
        )
        return [rows.request(r) for r in self.session.exec(query)]

    def answers_to(self, gemeente: str, agb: str, referentie: str) -> Sequence[Answer]:
        query = (
            select(HistAnswer)
            .where(
                HistAnswer.gemeente == gemeente,
                HistAnswer.agb == agb,
                HistAnswer.referentie == referentie,
            )
            .order_by(col(HistAnswer.id))
        )
        return [rows.answer(r) for r in self.session.exec(query)]

    def care_classes(self, gemeente: str, agb: str, bsn: str) -> Sequence[CareClass]:
        query = (
            select(HistCare)
            .where(HistCare.gemeente == gemeente, HistCare.agb == agb, HistCare.bsn == bsn)
            .order_by(col(HistCare.id))
        )
        return [rows.care(r) for r in self.session.exec(query)]

    def declaration(self, gemeente: str, agb: str, identificatie: str) -> Declaration | None:
        query = (
            select(HistDeclaration)
            .where(
                HistDeclaration.gemeente == gemeente,
                HistDeclaration.agb == agb,
                HistDeclaration.identificatie == identificatie,
            )
            .order_by(col(HistDeclaration.id))
            .limit(1)
        )
        row = self.session.exec(query).first()
        return rows.declaration(row) if row else None

    def declarations_of(self, gemeente: str, agb: str) -> Sequence[Declaration]:
        query = (
            select(HistDeclaration)
            .where(HistDeclaration.gemeente == gemeente, HistDeclaration.agb == agb)
            .order_by(col(HistDeclaration.id))
        )
        return [rows.declaration(r) for r in self.session.exec(query)]

    def declaration_number_used(self, agb: str, nummer: str) -> bool:
        query = select(HistDeclaration.id).where(
            HistDeclaration.agb == agb,
            HistDeclaration.nummer == nummer,
            col(HistDeclaration.rejected).is_(False),
        )
        return self.session.exec(query.limit(1)).first() is not None

    def prestatie(self, agb: str, referentie: str) -> Prestatie | None:
        query = (
            select(HistPrestatie)
            .where(
                HistPrestatie.agb == agb,
                HistPrestatie.referentie == referentie,
                col(HistPrestatie.rejected).is_(False),
            )
            .order_by(col(HistPrestatie.id))
            .limit(1)
        )
        row = self.session.exec(query).first()
        return rows.prestatie(row) if row else None

    def credits_of(self, agb: str, referentie: str) -> Sequence[Prestatie]:
        query = (
            select(HistPrestatie)
            .where(
                HistPrestatie.agb == agb,
                HistPrestatie.vorig_referentie == referentie,
                HistPrestatie.debet_credit == "C",
            )
            .order_by(col(HistPrestatie.id))
        )
        return [rows.prestatie(r) for r in self.session.exec(query)]

    def prestaties_on(self, gemeente: str, nummer: int) -> Sequence[Prestatie]:
        query = (
            select(HistPrestatie)
            .where(HistPrestatie.gemeente == gemeente, HistPrestatie.nummer == nummer)
            .order_by(col(HistPrestatie.id))
        )
        return [rows.prestatie(r) for r in self.session.exec(query)]

    def prestaties_of(self, gemeente: str, agb: str, declaratie: str) -> Sequence[Prestatie]:
        query = (
            select(HistPrestatie)
            .where(
                HistPrestatie.gemeente == gemeente,
                HistPrestatie.agb == agb,
                HistPrestatie.declaratie == declaratie,
            )
            .order_by(col(HistPrestatie.id))
        )
        return [rows.prestatie(r) for r in self.session.exec(query)]


__all__ = ["TYPE_OF_CODE", "Omvang", "StoreHistory"]
