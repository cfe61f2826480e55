"""Checks across a whole configuration: what no single field can show to be wrong.

Matching must find at most one line for a product, so overlaps are configuration
errors, not runtime surprises. The region's own principles are checked here too: only
WNT-compliant providers are contracted, and one product is not bought both locally and
regionally for the same municipality.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ijw_gateway.contracts.book import ContractBook
from ijw_gateway.contracts.model import Contract, ContractProduct, Scope, Segment, Variant
from ijw_gateway.contracts.reader import Reader

Placed = tuple[Segment, Contract, ContractProduct]


def check_consistency(reader: Reader, book: ContractBook) -> None:
    """Add a problem to ``reader`` for every cross-configuration inconsistency."""
    _wnt(reader, book)
    _monitoring(reader, book)
    _one_category_per_code(reader, book)
    _no_double_lines(reader, book)
    _local_or_regional(reader, book)


def _placed(book: ContractBook) -> Iterator[Placed]:
    for provider in book.providers.values():
        for contract in provider.contracts:
            for product in contract.products:
                yield book.segments[contract.segment], contract, product


def _wnt(reader: Reader, book: ContractBook) -> None:
    if not book.region.require_wnt:
        return
    for provider in book.providers.values():
        if provider.contracts and not provider.wnt_compliant:
            reader.problem(
                (*reader.path_of(provider), "wnt_compliant"),
                f"region {book.region.code} contracts only providers that comply with the WNT "
                "(Dutch top-incomes act); this provider is marked non-compliant",
            )


def _monitoring(reader: Reader, book: ContractBook) -> None:
    for provider in book.providers.values():
        for contract in provider.contracts:
            tasks = any(p.variant is Variant.TASK for p in contract.products)
            if contract.monitoring and not tasks:
                reader.problem(
                    (*reader.path_of(contract), "monitoring"),
                    "applies to task-based products only; effort- and output-based products "
                    "always have start and stop messages",
                )


def _one_category_per_code(reader: Reader, book: ContractBook) -> None:
    first: dict[str, str] = {}
    for _segment, _contract, product in _placed(book):
        category = first.setdefault(product.code, product.category)
        if category != product.category:
            reader.problem(
                (*reader.path_of(product), "category"),
                f"product code {product.code} is already in category {category}; "
                "a code belongs to one category (TR381)",
            )


def _no_double_lines(reader: Reader, book: ContractBook) -> None:
    seen: dict[tuple[str, str, str], list[Placed]] = defaultdict(list)
    for placed in _placed(book):
        _segment, contract, product = placed
        for gemeente in sorted(contract.municipalities):
            key = (contract.provider, gemeente, product.code)
            clash = next((p for p in seen[key] if p[2].period.overlaps(product.period)), None)
            if clash is not None:
                reader.problem(
                    (*reader.path_of(product), "code"),
                    f"product {product.code} is already contracted with this provider for "
                    f"municipality {gemeente} in an overlapping period ({clash[1].ref}); "
                    "matching needs exactly one line",
                )
                break
            seen[key].append(placed)


def _local_or_regional(reader: Reader, book: ContractBook) -> None:
    scopes: dict[tuple[str, str], list[Placed]] = defaultdict(list)
    for placed in _placed(book):
        segment, contract, product = placed
        for gemeente in sorted(contract.municipalities):
            others = scopes[(gemeente, product.code)]
            clash = next(
                (
                    p
                    for p in others
                    if p[0].scope is not segment.scope and p[2].period.overlaps(product.period)
                ),
                None,
            )
            if clash is not None:
                local = segment if segment.scope is Scope.LOCAL else clash[0]
                regional = clash[0] if local is segment else segment
                reader.problem(
                    (*reader.path_of(product), "code"),
                    f"product {product.code} is bought both locally (segment {local.id}) and "
                    f"regionally (segment {regional.id}) for municipality {gemeente}",
                )
                break
            others.append(placed)
