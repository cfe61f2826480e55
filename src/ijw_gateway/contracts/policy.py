"""The no-extra-data rule applied to a configuration: forbidden demands are refused on load.

For care financed effort- or output-based, Regeling Jeugdwet art. 6c.1 makes the iJw
messages the whole exchange: a municipality may not ask a provider for per-client data,
attachments or reports beyond them. Contract terms that do are refused here, with the
rule named, and every refusal becomes a ``Refusal`` record for the region's report.
Two demands are refused whatever the variant: extension content in messages (the
standard admits none, and the gateway's screen refuses such messages) and making
payment depend on start/stop messages (OP364).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ijw_gateway.contracts.book import ContractBook
from ijw_gateway.contracts.model import PER_CLIENT, Conditions, Variant
from ijw_gateway.contracts.reader import Reader
from ijw_gateway.contracts.refusals import RULE_CITATION, Refusal

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
            refusals.extend(_records(holder, field, reason, rule))
    return refusals


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


def _violations(holder: _Holder) -> Iterator[tuple[str, str, str]]:
    conditions = holder.conditions
    if conditions.message_extensions:
        yield (
            "message_extensions",
            "refused: iJw messages admit no extension elements, namespaces or attachments, "
            f"and the gateway refuses messages that carry them ({RULE_CITATION})",
            RULE,
        )
    if conditions.payment_requires_start_stop:
        yield (
            "payment_requires_start_stop",
            "refused: a declaration line may not be refused because of start/stop dates or "
            "missing start/stop messages (OP364), so payment cannot depend on them",
            "OP364",
        )
    per_client = holder.variants & (PER_CLIENT | {Variant.UNDECIDED})
    if not per_client:
        return  # task-based only: reporting agreements live outside the iJw exchange
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
