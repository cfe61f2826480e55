"""What the cross-message rules may know about earlier messages: records and protocols.

The rules of levels 3 and 4 need state from earlier messages (RULES.md §4, §5.2). They
get it through ``History``, a small read-only protocol, never through a database: the
in-memory implementation serves tests and the CLI, the gateway store implements the
same protocol on SQL. Writing is a separate protocol (``Recorder``) fed with ``Facts``
that ``history.extract`` derives purely from an accepted message, so every
implementation stores exactly the same state.

All records are frozen dataclasses of plain values. Numbers that the standard types as
integers (ToewijzingNummer, volumes, amounts) are ints, so ``0001001`` and ``1001`` are
the same allocation; codes keep their leading zeros as strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol, runtime_checkable

from ijw_gateway.findings import Report
from ijw_gateway.validation import ParsedMessage

DELETED = "13"
"""RedenWijziging 'verwijderd': the allocation was withdrawn as if never made."""
ADMIN_CORRECTION_OLD = "01"
"""The retired RedenWijziging that older messages used for the same purpose."""
TEMPORARY_STOP = "20"
"""RedenBeeindiging 'tijdelijk beëindigd': the only stop reason that is not definitive."""


@dataclass(frozen=True)
class MessageId:
    """An identification used by a sender for a message type (TR056)."""

    sender: str
    berichtcode: str
    identificatie: str
    dagtekening: date


@dataclass(frozen=True)
class Omvang:
    """An allocated or requested volume: so much (``eenheid``) per ``frequentie``."""

    volume: int
    eenheid: str
    frequentie: str


@dataclass(frozen=True)
class Allocation:
    """One version of an allocated product (JW301 ToegewezenProduct)."""

    gemeente: str
    nummer: int
    agb: str
    bsn: str
    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None
    reden_wijziging: str | None
    omvang: Omvang | None
    budget: int | None
    toegewezen_op: datetime
    referentie_aanbieder: str | None

    @property
    def deleted(self) -> bool:
        """Withdrawn: RedenWijziging 13, or the retired 01 with a zero-length period."""
        if self.reden_wijziging == DELETED:
            return True
        return self.reden_wijziging == ADMIN_CORRECTION_OLD and self.einddatum == self.ingangsdatum

    def current_on(self, day: date) -> bool:
        """Current at ``day``: not deleted and not ended before it (future ones count)."""
        return not self.deleted and (self.einddatum is None or self.einddatum >= day)


@dataclass(frozen=True)
class Request:
    """One ReferentieAanbieder of a request: an AangevraagdProduct (315) or a Verzoek (317)."""

    kind: Literal["JW315", "JW317"]
    gemeente: str
    agb: str
    bsn: str
    referentie: str
    identificatie: str
    dagtekening: date
    categorie: str | None = None  # the product asked for (JW315; a VOW names none)
    code: str | None = None


@dataclass(frozen=True)
class Answer:
    """An answer to a request: a JW319 Antwoord, or a JW301 product carrying its reference."""

    kind: Literal["JW319", "JW301"]
    gemeente: str
    agb: str
    referentie: str
    verzoek_antwoord: str | None  # JW319 only: 1 rejected, 2 under investigation
    dagtekening: date
    reden: str | None = None  # JW319 RedenAfwijzingVerzoek (8: the residence principle)

    @property
    def final(self) -> bool:
        """Whether this answer closes the request (allocation or rejection)."""
        return self.kind == "JW301" or self.verzoek_antwoord == "1"


CareKind = Literal["start", "stop"]


@dataclass(frozen=True)
class CareClass:
    """A StartProduct (305) or StopProduct (307) as delivered, with its StatusAanlevering."""

    kind: CareKind
    gemeente: str
    agb: str
    bsn: str
    nummer: int | None
    categorie: str | None
    code: str | None
    begindatum: date
    einddatum: date | None  # stops only
    reden: str | None  # stops only: RedenBeeindiging
    status: str

    @property
    def start_key(self) -> tuple[int | None, str | None, str | None, date]:
        """The key of the start this class is about (TR101: number, product, begin date)."""
        return (self.nummer, self.categorie, self.code, self.begindatum)

    @property
    def key(self) -> tuple[object, ...]:
        """The logical key of the class itself; a stop adds its end date and reason."""
        if self.kind == "start":
            return self.start_key
        return (*self.start_key, self.einddatum, self.reden)


@dataclass(frozen=True)
class Declaration:
    """The header facts of a JW323 that was processed (wholly or partly granted)."""

    gemeente: str
    agb: str
    identificatie: str
    dagtekening: date
    nummer: str
    periode_begin: date
    periode_eind: date
    xsd_versie: tuple[str, str]  # (BasisschemaXsdVersie, BerichtXsdVersie)
    rejected: bool = False  # a JW325 refused the declaration as a whole


@dataclass(frozen=True)
class Prestatie:
    """One declared Prestatie of a JW323, with whether it was refused.

    ``rejected`` is set when the gateway's own cross-message check refused it or a later
    JW325 listed it. A rejected Prestatie counts as never declared for every rule except
    the JW325 checks, which must still find it in its declaration.
    """

    gemeente: str
    agb: str
    bsn: str
    declaratie: str  # Identificatie of the JW323
    referentie: str
    vorig_referentie: str | None
    nummer: int
    categorie: str
    code: str
    begindatum: date
    einddatum: date
    volume: int
    eenheid: str
    tarief: int | None
    bedrag: int
    debet_credit: str
    rejected: bool = False

    @property
    def is_credit(self) -> bool:
        return self.debet_credit == "C"

    @property
    def signed_bedrag(self) -> int:
        return -self.bedrag if self.is_credit else self.bedrag


@dataclass(frozen=True)
class Rejection:
    """A JW325 refusal: one Prestatie (``referentie``) or, when None, the whole declaration."""

    gemeente: str
    agb: str
    declaratie: str  # Identificatie of the JW323 answered
    referentie: str | None


@dataclass(frozen=True)
class Facts:
    """Everything one accepted message adds to the history; see ``history.extract``."""

    message: MessageId
    allocations: tuple[Allocation, ...] = ()
    requests: tuple[Request, ...] = ()
    answers: tuple[Answer, ...] = ()
    care: tuple[CareClass, ...] = ()
    declaration: Declaration | None = None
    prestaties: tuple[Prestatie, ...] = ()
    rejections: tuple[Rejection, ...] = field(default_factory=tuple)


@runtime_checkable
class History(Protocol):
    """Read-only questions the cross-message rules ask. Sequences are in arrival order.

    Parties: ``gemeente`` is a CBS code, ``agb`` the provider's AGB code, as written in
    the message header whatever the direction.
    """

    def identification_used(self, sender: str, berichtcode: str, identificatie: str) -> bool:
        """TR056: has this sender used this Identificatie for this message type?"""
        ...

    def allocation(self, gemeente: str, nummer: int) -> Allocation | None:
        """The latest version (highest Toewijzingsdatum + tijd, IV013) of an allocation."""
        ...

    def allocations_of(self, gemeente: str, agb: str, bsn: str) -> Sequence[Allocation]:
        """Latest versions of every allocation of a client at a provider."""
        ...

    def request(self, agb: str, referentie: str) -> Request | None:
        """The request a provider sent with this ReferentieAanbieder, in any municipality."""
        ...

    def requests_of(self, gemeente: str, agb: str, bsn: str) -> Sequence[Request]:
        """Every request reference a provider sent for a client to a municipality."""
        ...

    def answers_to(self, gemeente: str, agb: str, referentie: str) -> Sequence[Answer]:
        """Answers (319s and 301 products) that carried this ReferentieAanbieder."""
        ...

    def care_classes(self, gemeente: str, agb: str, bsn: str) -> Sequence[CareClass]:
        """Every start and stop class received for a client, all statuses."""
        ...

    def declaration(self, gemeente: str, agb: str, identificatie: str) -> Declaration | None:
        """The JW323 with this BerichtIdentificatie/Identificatie."""
        ...

    def declarations_of(self, gemeente: str, agb: str) -> Sequence[Declaration]:
        """Every declaration a provider sent to a municipality."""
        ...

    def declaration_number_used(self, agb: str, nummer: str) -> bool:
        """TR333: does a declaration of this provider (not refused as a whole) carry it?"""
        ...

    def prestatie(self, agb: str, referentie: str) -> Prestatie | None:
        """The Prestatie of a provider with this ReferentieNummer that is not rejected."""
        ...

    def credits_of(self, agb: str, referentie: str) -> Sequence[Prestatie]:
        """Credit Prestaties (rejected ones included) whose VorigReferentieNummer is it."""
        ...

    def prestaties_on(self, gemeente: str, nummer: int) -> Sequence[Prestatie]:
        """Every Prestatie declared on an allocation."""
        ...

    def prestaties_of(self, gemeente: str, agb: str, declaratie: str) -> Sequence[Prestatie]:
        """Every Prestatie of one JW323 (by its Identificatie), rejected ones included."""
        ...


@runtime_checkable
class Recorder(Protocol):
    """The writing side: take in what an accepted message adds."""

    def record(self, message: ParsedMessage, report: Report) -> None:
        """Record ``message`` if its report lets it count as received (``extract.facts``)."""
        ...


class HistoryStore(History, Recorder, Protocol):
    """Both sides: what ``validate_and_record`` and the CLI replay work with."""


@runtime_checkable
class TaskBased(Protocol):
    """Contract lookup (issue C): is this municipality–provider–product task-based?

    Task-based start/stop messages carry no ToewijzingNummer (RULES.md §1.3); only the
    contracts know whether that is allowed, so TR019 asks through this callable.
    """

    def __call__(self, gemeente: str, agb: str, categorie: str | None, code: str | None) -> bool:
        """Whether the combination is funded task-based (lump sum)."""
        ...
