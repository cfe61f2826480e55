"""Tables of the cross-message history (RULES.md §4 "state a gateway must keep").

One table per record type of ``history.model``; ``id`` keeps arrival order, which the
``History`` protocol promises. Used identifications live in ``identification``
(``tables.py``), shared with message linking. Refusals under the no-extra-data rule are
here too: they are records about messages and contracts, never about persons.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel


class _Record(SQLModel):
    """What every history row has: its arrival order and the message it came from."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(default="", max_length=40)


class _Exchanged(_Record):
    """A row of a message between a municipality and a provider, of a kind (JW315 …)."""

    kind: str = Field(max_length=8)
    gemeente: str = Field(max_length=4)
    agb: str = Field(max_length=8)


class HistAllocation(_Record, table=True):
    __tablename__ = "hist_allocation"
    __table_args__ = (
        Index("ix_hist_allocation_number", "gemeente", "nummer"),
        Index("ix_hist_allocation_client", "gemeente", "agb", "bsn"),
    )
    gemeente: str = Field(max_length=4)
    nummer: int
    agb: str = Field(max_length=8)
    bsn: str = Field(max_length=9)
    categorie: str | None = Field(default=None, max_length=8)
    code: str | None = Field(default=None, max_length=8)
    ingangsdatum: date
    einddatum: date | None = None
    reden_wijziging: str | None = Field(default=None, max_length=4)
    volume: int | None = None
    eenheid: str | None = Field(default=None, max_length=4)
    frequentie: str | None = Field(default=None, max_length=4)
    budget: int | None = None
    # Toewijzingsdatum + Toewijzingstijd as written: a local time without zone.
    toegewezen_op: datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False))
    referentie_aanbieder: str | None = Field(default=None, max_length=40)


class HistRequest(_Exchanged, table=True):
    __tablename__ = "hist_request"
    __table_args__ = (
        Index("ix_hist_request_ref", "agb", "referentie"),
        Index("ix_hist_request_client", "gemeente", "agb", "bsn"),
    )
    bsn: str = Field(max_length=9)
    referentie: str = Field(max_length=40)
    identificatie: str = Field(max_length=40)
    dagtekening: date
    categorie: str | None = Field(default=None, max_length=8)  # migration 0004
    code: str | None = Field(default=None, max_length=8)


class HistAnswer(_Exchanged, table=True):
    __tablename__ = "hist_answer"
    __table_args__ = (Index("ix_hist_answer_ref", "gemeente", "agb", "referentie"),)
    referentie: str = Field(max_length=40)
    verzoek_antwoord: str | None = Field(default=None, max_length=4)
    dagtekening: date
    reden: str | None = Field(default=None, max_length=4)  # migration 0004


class HistCare(_Exchanged, table=True):
    __tablename__ = "hist_care"
    __table_args__ = (Index("ix_hist_care_client", "gemeente", "agb", "bsn"),)
    bsn: str = Field(max_length=9)
    nummer: int | None = None
    categorie: str | None = Field(default=None, max_length=8)
    code: str | None = Field(default=None, max_length=8)
    begindatum: date
    einddatum: date | None = None
    reden: str | None = Field(default=None, max_length=4)
    status: str = Field(max_length=2)


class HistDeclaration(_Record, table=True):
    __tablename__ = "hist_declaration"
    __table_args__ = (
        Index("ix_hist_declaration_ident", "gemeente", "agb", "identificatie"),
        Index("ix_hist_declaration_number", "agb", "nummer"),
    )
    gemeente: str = Field(max_length=4)
    agb: str = Field(max_length=8)
    identificatie: str = Field(max_length=40)
    dagtekening: date
    nummer: str = Field(max_length=40)
    periode_begin: date
    periode_eind: date
    xsd_basis: str = Field(max_length=16)
    xsd_bericht: str = Field(max_length=16)
    rejected: bool = False


class HistPrestatie(_Record, table=True):
    __tablename__ = "hist_prestatie"
    __table_args__ = (
        Index("ix_hist_prestatie_ref", "agb", "referentie"),
        Index("ix_hist_prestatie_prev", "agb", "vorig_referentie"),
        Index("ix_hist_prestatie_number", "gemeente", "nummer"),
        Index("ix_hist_prestatie_decl", "gemeente", "agb", "declaratie"),
    )
    gemeente: str = Field(max_length=4)
    agb: str = Field(max_length=8)
    bsn: str = Field(max_length=9)
    declaratie: str = Field(max_length=40)
    referentie: str = Field(max_length=40)
    vorig_referentie: str | None = Field(default=None, max_length=40)
    nummer: int
    categorie: str = Field(max_length=8)
    code: str = Field(max_length=8)
    begindatum: date
    einddatum: date
    volume: int
    eenheid: str = Field(max_length=4)
    tarief: int | None = None
    bedrag: int
    debet_credit: str = Field(max_length=1)
    rejected: bool = False


class RefusalRow(SQLModel, table=True):
    """A refusal under the no-extra-data rule (``contracts.refusals.Refusal``)."""

    __tablename__ = "refusal"
    id: int | None = Field(default=None, primary_key=True)
    recorded_at: datetime
    source: str = Field(max_length=16)
    municipality: str | None = Field(default=None, index=True, max_length=4)
    provider: str | None = Field(default=None, max_length=8)
    on: date | None = Field(default=None, index=True)
    subject: str = Field(default="", max_length=200)
    what: str = Field(default="", sa_column=Column(Text, nullable=False))
    rule: str = Field(default="", max_length=64)
    why: str = Field(default="", sa_column=Column(Text, nullable=False))
