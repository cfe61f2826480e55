"""The no-extra-data rule applied to a configuration: forbidden demands are refused on load.

Jeugdwet art. 2.15 lid 2 forbids a municipality to add requirements to, or deviate from,
what the minister has regulated, and Regeling Jeugdwet art. 6c.1 regulates the exchange
for care financed effort- or output-based: it goes through the iJw messages. So for that
care a municipality may not ask a provider for per-client data, attachments or reports
beyond them. Contract terms that do are refused here, with the rule named, and every
refusal becomes a ``Refusal`` record for the region's report.

Task-based care is outside that mandate (art. 6c.1 does not cover it), so nothing is
refused on this ground there. Extension content in messages is refused whatever the
variant, but for task-based care on the standard's own ground (its messages admit none,
and the gateway's screen refuses such messages), not as a no-extra-data refusal; making
payment depend on start/stop messages is refused under OP364. A detail check
(detailcontrole) under Regeling Jeugdwet §6b is lawful: ``lawful_clauses`` lists it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ijw_gateway.contracts.book import ContractBook
from ijw_gateway.contracts.model import PER_CLIENT, Conditions, DetailCheck, Variant
from ijw_gateway.contracts.reader import Reader
from ijw_gateway.contracts.refusals import DETAIL_CHECK_BASIS, RULE_CITATION, Refusal

RULE = "NO-EXTRA-DATA"
_PER_CLIENT_FIELDS = ("extra_client_data", "attachments", "side_reports")


@dataclass(frozen=True)
class _Holder:
    """Where a set of conditions sits, and what its refusal records must say."""

    conditions: Conditions
    variants: frozenset[Variant]
    subject: str
    municipalities: tuple[str, ...]
    provider: str | None = None
    contract_start: date | None = None


def check_no_extra_data(reader: Reader, book: ContractBook) -> list[Refusal]:
    """Refuse forbidden demands (as problems in ``reader``) and return their records."""
    refusals: list[Refusal] = []
    for holder in _holders(book):
        base = reader.path_of(holder.conditions)
        for field, reason, rule in _violations(holder):
            reader.problem((*base, field), reason, rule)
            if rule is not None:
                refusals.extend(_records(holder, field, reason, rule))
    return refusals


@dataclass(frozen=True)
class LawfulClause:
    """A contract clause the no-extra-data report lists as lawful: a detail check."""

    subject: str  # "region ZHZ", "segment 4B" or "contract ZHZ-4B-001"
    provider: str | None
    municipalities: tuple[str, ...]
    check: DetailCheck
    basis: str = DETAIL_CHECK_BASIS

    @property
    def what(self) -> str:
        purpose = self.check.purpose.value.replace("-", " ")
        return f"detail check for {purpose} after risk analysis {self.check.risk_analysis!r}"

    def to_json(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "provider": self.provider,
            "municipalities": list(self.municipalities),
            "purpose": self.check.purpose.value,
            "risk_analysis": self.check.risk_analysis,
            "basis": self.basis,
        }


def lawful_clauses(book: ContractBook) -> list[LawfulClause]:
    """The detail checks the configuration announces, where they are announced."""
    return [
        LawfulClause(holder.subject, holder.provider, holder.municipalities, check)
        for holder in _holders(book)
        for check in holder.conditions.detail_checks
    ]


def _holders(book: ContractBook) -> Iterator[_Holder]:
    everyone = tuple(sorted(book.region.municipalities))
    all_variants = frozenset(v for s in book.segments.values() for v in s.variants)
    yield _Holder(book.region.conditions, all_variants, f"region {book.region.code}", everyone)
    for segment in book.segments.values():
        yield _Holder(segment.conditions, segment.variants, f"segment {segment.id}", everyone)
    for provider in book.providers.values():
        for contract in provider.contracts:
            yield _Holder(
                contract.conditions,
                frozenset(p.variant for p in contract.products),
                f"contract {contract.ref}",
                tuple(sorted(contract.municipalities)),
                provider.agb,
                contract.period.start,
            )


_EXTENSIONS = (
    "refused: iJw messages admit no extension elements, namespaces or attachments, and the "
    "gateway refuses messages that carry them"
)


def _violations(holder: _Holder) -> Iterator[tuple[str, str, str | None]]:
    """(field, reason, rule) per forbidden demand; rule None: refused, but not under the
    no-extra-data rule (no refusal record)."""
    conditions = holder.conditions
    per_client = holder.variants & (PER_CLIENT | {Variant.UNDECIDED})
    if conditions.message_extensions and per_client:
        yield "message_extensions", f"{_EXTENSIONS} ({RULE_CITATION})", RULE
    elif conditions.message_extensions:
        yield (
            "message_extensions",
            f"{_EXTENSIONS}; task-based care is outside the mandate of {RULE_CITATION}, so "
            "this is the standard's own limit, not a no-extra-data refusal",
            None,
        )
    if conditions.payment_requires_start_stop:
        yield (
            "payment_requires_start_stop",
            "refused: a declaration line may not be refused because of start/stop dates or "
            "missing start/stop messages (OP364), so payment cannot depend on them",
            "OP364",
        )
    if not per_client:
        return  # task-based only: outside the mandate; its reports live outside iJw
    variants = ", ".join(sorted(v.value for v in per_client))
    for field in _PER_CLIENT_FIELDS:
        if getattr(conditions, field):
            yield (
                field,
                f"refused: for {variants} care a municipality may ask nothing beyond what "
                f"the iJw messages carry ({RULE_CITATION})",
                RULE,
            )


def _records(holder: _Holder, field: str, reason: str, rule: str) -> Iterator[Refusal]:
    value = getattr(holder.conditions, field)
    shown = ", ".join(value)[:120] if isinstance(value, tuple) else "true"
    for gemeente in holder.municipalities:
        yield Refusal(
            source="contract",
            municipality=gemeente,
            provider=holder.provider,
            on=holder.contract_start,
            subject=holder.subject,
            what=f"{field} = {shown}",
            rule=rule,
            why=reason,
        )
