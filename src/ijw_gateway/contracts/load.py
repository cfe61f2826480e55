"""Loading a contract configuration (TOML) into a ``ContractBook``, or saying what is wrong.

TOML because it is in the standard library, has real dates, and refuses the silent
coercions that bite YAML users (``0505`` read as a number). Every field is checked on
load; all problems are collected and reported as ``file:line: field: reason``, and the
no-extra-data rule (``policy.py``) refuses forbidden demands at the same moment. See
``docs/contracts.md`` for the format.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import ijw_gateway
from ijw_gateway.catalogue.codelists import codes
from ijw_gateway.contracts.book import ContractBook
from ijw_gateway.contracts.consistency import check_consistency
from ijw_gateway.contracts.model import (
    EUROS,
    UNITS,
    CheckPurpose,
    Conditions,
    Contract,
    ContractProduct,
    DetailCheck,
    Period,
    Provider,
    Purchasing,
    Region,
    Scope,
    Segment,
    Variant,
)
from ijw_gateway.contracts.policy import check_no_extra_data
from ijw_gateway.contracts.reader import Problem, Reader, Table
from ijw_gateway.contracts.refusals import Refusal
from ijw_gateway.contracts.tomlpos import Key, key_lines
from ijw_gateway.errors import ConfigurationError

GEMEENTE = r"[0-9]{4}"
AGB = r"[0-9]{8}"
PRODUCT_CODE = r"[0-9A-Za-z]{1,5}"
_TOP = ("format", "region", "segments", "providers")
_REGION = ("code", "name", "municipalities", "require_wnt", "conditions")
_SEGMENT = ("id", "name", "purchasing", "variants", "scope", "access", "conditions")
_PROVIDER = ("agb", "name", "wnt_compliant", "contracts")
_CONTRACT = (
    *("ref", "segment", "municipalities", "valid_from", "valid_to"),
    *("monitoring", "products", "conditions"),
)
_PRODUCT = (
    *("category", "code", "name", "variant", "unit", "tariff"),
    *("valid_from", "valid_to", "access"),
)
_CONDITIONS = tuple(Conditions.__dataclass_fields__)
_DEMAND_LISTS = ("extra_client_data", "attachments", "message_extensions", "side_reports")
_DETAIL_CHECK = ("purpose", "risk_analysis")
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


class ContractConfigError(ConfigurationError):
    """A contract configuration that cannot be used; ``problems`` say where and why."""

    code = "contract_configuration_error"

    def __init__(
        self, reason: str, problems: Sequence[Problem] = (), refusals: Sequence[Refusal] = ()
    ) -> None:
        super().__init__(reason)
        self.problems = tuple(problems)
        self.refusals = tuple(refusals)

    @classmethod
    def listing(
        cls, source: str, problems: Sequence[Problem], refusals: Sequence[Refusal]
    ) -> ContractConfigError:
        """The error for ``source``, its message listing every problem on its own line."""
        lines = "\n".join(f"  {p}" for p in problems)
        return cls(f"contract configuration {source} is not valid:\n{lines}", problems, refusals)


@lru_cache(maxsize=1)
def default_contracts_path() -> Path:
    """The embedded Zuid-Holland-Zuid example, found from the package's location."""
    return ijw_gateway.example_file("contracts.toml")


def load_contracts(path: Path | None = None) -> ContractBook:
    """Read and check a contract file (default: the ZHZ example); raise when it is unusable."""
    embedded = path is None
    path = path or default_contracts_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = " (the embedded ZHZ example; set IJW_CONTRACTS to a file)" if embedded else ""
        raise ConfigurationError(f"contract configuration {path} does not exist{hint}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"contract configuration {path} cannot be read: {exc}") from None
    return parse_contracts(text, str(path))


def parse_contracts(text: str, source: str = "<contracts>") -> ContractBook:
    """Parse and check the text of a contract file; raise ``ContractConfigError`` if wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        reason = _TOML_LINE.sub("", str(exc)).strip()
        line = int(found.group(1)) if found else 1
        problem = Problem(source, line, "(syntax)", f"not valid TOML: {reason}")
        raise ContractConfigError.listing(source, [problem], []) from None
    reader = Reader(source, key_lines(text))
    book = _read(reader, data)
    refusals: list[Refusal] = []
    if book is not None:
        check_consistency(reader, book)
        refusals = check_no_extra_data(reader, book)
    if reader.problems or book is None:
        raise ContractConfigError.listing(source, reader.problems, refusals)
    return book


def _read(reader: Reader, data: Table) -> ContractBook | None:
    top = reader.table(data, (), _TOP)
    assert top is not None  # tomllib always returns a table
    version = top.get("format", 1)
    if version != 1:
        reader.problem(("format",), f"format {version!r} is not supported (this gateway reads 1)")
    region = _region(reader, top.get("region"))
    if region is None:
        return None
    segments: dict[str, Segment] = {}
    for table, path in reader.tables(top, "segments", ()):
        segment = _segment(reader, table, path)
        if segment is not None and segment.id in segments:
            reader.problem((*path, "id"), f"segment {segment.id} is defined twice")
        elif segment is not None:
            segments[segment.id] = segment
    providers: dict[str, Provider] = {}
    for table, path in reader.tables(top, "providers", ()):
        provider = _provider(reader, table, path, region, segments)
        if provider is not None and provider.agb in providers:
            reader.problem((*path, "agb"), f"provider {provider.agb} is listed twice")
        elif provider is not None:
            providers[provider.agb] = provider
    return ContractBook(reader.file, region, segments, providers)


def _conditions(reader: Reader, data: Table, path: Key) -> Conditions:
    value = data.get("conditions")
    if value is None:
        return Conditions()
    path = (*path, "conditions")
    table = reader.table(value, path, _CONDITIONS)
    if table is None:
        return Conditions()
    lists = {k: tuple(reader.texts(table, k, path)) for k in _DEMAND_LISTS if k in table}
    payment = reader.flag(table, "payment_requires_start_stop", path, False)
    checks = tuple(_detail_checks(reader, table, path))
    conditions = Conditions(
        **lists, payment_requires_start_stop=bool(payment), detail_checks=checks
    )
    reader.remember(conditions, path)
    return conditions


def _detail_checks(reader: Reader, data: Table, path: Key) -> Iterator[DetailCheck]:
    """Announced detail checks; each names its purpose and the risk analysis it follows,
    which is what makes it lawful under Regeling Jeugdwet §6b."""
    for raw, where in reader.tables(data, "detail_checks", path):
        table = reader.table(raw, where, _DETAIL_CHECK)
        if table is None:
            continue
        purpose = reader.choice(table, "purpose", where, CheckPurpose, None)
        analysis = reader.text(table, "risk_analysis", where)
        if analysis is not None and not analysis.strip():
            reader.problem((*where, "risk_analysis"), "must name the risk analysis")
        elif purpose is not None and analysis is not None:
            yield DetailCheck(purpose, analysis.strip())


def _region(reader: Reader, value: object) -> Region | None:
    path: Key = ("region",)
    if value is None:
        reader.problem(path, "is required: the region's code, name and municipalities")
        return None
    table = reader.table(value, path, _REGION)
    if table is None:
        return None
    municipalities: dict[str, str] = {}
    listed = table.get("municipalities")
    if not isinstance(listed, dict) or not listed:
        reader.problem((*path, "municipalities"), 'is required: a table of "gemeentecode" = name')
    else:
        for code, name in listed.items():
            if re.fullmatch(GEMEENTE, code) and isinstance(name, str):
                municipalities[code] = name
            else:
                reader.problem((*path, "municipalities", code), "needs a 4-digit code and a name")
    code = reader.text(table, "code", path)
    name = reader.text(table, "name", path, required=False)
    wnt = reader.flag(table, "require_wnt", path, True)
    conditions = _conditions(reader, table, path)
    if code is None or not municipalities:
        return None
    return Region(code, name or code, municipalities, bool(wnt), conditions)


def _segment(reader: Reader, table: Table, path: Key) -> Segment | None:
    if reader.table(table, path, _SEGMENT) is None:
        return None
    ident = reader.text(table, "id", path)
    purchasing = reader.choice(table, "purchasing", path, Purchasing, None)
    scope = reader.choice(table, "scope", path, Scope, Scope.REGIONAL)
    variants = _variants(reader, table, path)
    access = reader.texts(table, "access", path)
    for index, code in enumerate(access):
        if code not in codes("COD327"):
            reader.problem((*path, "access", index), f"{code!r} is not a referrer code (COD327)")
    conditions = _conditions(reader, table, path)
    if ident is None or purchasing is None or scope is None or not variants:
        return None
    name = reader.text(table, "name", path, required=False) or ident
    segment = Segment(ident, name, purchasing, variants, scope, frozenset(access), conditions)
    reader.remember(segment, path)
    return segment


def _variants(reader: Reader, table: Table, path: Key) -> frozenset[Variant]:
    found: set[Variant] = set()
    for index, value in enumerate(reader.texts(table, "variants", path)):
        try:
            found.add(Variant(value))
        except ValueError:
            known = ", ".join(v.value for v in Variant)
            reader.problem((*path, "variants", index), f"{value!r} is not one of {known}")
    if not found and "variants" in table:
        reader.problem((*path, "variants"), "names no financing variant")
    elif "variants" not in table:
        reader.problem((*path, "variants"), "is required (effort, output, task, to-be-decided)")
    if Variant.UNDECIDED in found and len(found) > 1:
        reader.problem((*path, "variants"), "to-be-decided cannot be combined with a variant")
    return frozenset(found)


def _provider(
    reader: Reader, table: Table, path: Key, region: Region, segments: dict[str, Segment]
) -> Provider | None:
    if reader.table(table, path, _PROVIDER) is None:
        return None
    agb = reader.text(table, "agb", path, AGB)
    wnt = reader.flag(table, "wnt_compliant", path, None)
    name = reader.text(table, "name", path, required=False)
    contracts = []
    for item, item_path in reader.tables(table, "contracts", path):
        contract = _contract(reader, item, item_path, agb or "", region, segments)
        if contract is not None:
            contracts.append(contract)
    if agb is None or wnt is None:
        return None
    provider = Provider(agb, name or agb, wnt, tuple(contracts))
    reader.remember(provider, path)
    return provider


def _municipalities(reader: Reader, table: Table, path: Key, region: Region) -> frozenset[str]:
    value = table.get("municipalities", "all")
    if value == "all":
        return frozenset(region.municipalities)
    if not isinstance(value, list):
        reader.problem((*path, "municipalities"), 'must be "all" or a list of gemeentecodes')
        return frozenset()
    found = set()
    for index, code in enumerate(value):
        if code in region.municipalities:
            found.add(code)
        else:
            reader.problem(
                (*path, "municipalities", index), f"{code!r} is not a municipality of the region"
            )
    return frozenset(found)


def _period(reader: Reader, table: Table, path: Key, default: Period | None) -> Period | None:
    """A ``valid_from``/``valid_to`` pair; a product inherits what it leaves out."""
    start = reader.day(table, "valid_from", path, required=default is None)
    end = reader.day(table, "valid_to", path, required=False)
    if start is None:
        if default is None:
            return None
        start = default.start
    if end is None and "valid_to" not in table and default is not None:
        end = default.end
    if end is not None and end < start:
        reader.problem((*path, "valid_to"), "lies before valid_from")
        return None
    return Period(start, end)


def _contract(
    reader: Reader,
    table: Table,
    path: Key,
    agb: str,
    region: Region,
    segments: dict[str, Segment],
) -> Contract | None:
    if reader.table(table, path, _CONTRACT) is None:
        return None
    segment = reader.code(table, "segment", path, segments)
    period = _period(reader, table, path, None)
    municipalities = _municipalities(reader, table, path, region)
    monitoring = reader.flag(table, "monitoring", path, False)
    conditions = _conditions(reader, table, path)
    if segment is None or period is None:
        return None
    seg = segments[segment]
    if Variant.UNDECIDED in seg.variants or seg.purchasing is Purchasing.UNDECIDED:
        reader.problem(
            (*path, "segment"),
            f"segment {segment}: purchasing route or financing variant is still to be decided, "
            "so no contract can be matched in it yet",
        )
        return None
    products = _products(reader, table, path, seg, period)
    ref = reader.text(table, "ref", path, required=False) or f"{agb}/{segment}/{path[-1]}"
    contract = Contract(
        ref, agb, segment, municipalities, period, products, bool(monitoring), conditions
    )
    reader.remember(contract, path)
    return contract


def _products(
    reader: Reader, table: Table, path: Key, segment: Segment, period: Period
) -> tuple[ContractProduct, ...]:
    items = reader.tables(table, "products", path)
    if not items:
        reader.problem((*path, "products"), "is required: at least one product")
    products = []
    for item, item_path in items:
        product = _product(reader, item, item_path, segment, period)
        if product is not None:
            reader.remember(product, item_path)
            products.append(product)
    return tuple(products)


def _product(
    reader: Reader, table: Table, path: Key, segment: Segment, contract: Period
) -> ContractProduct | None:
    if reader.table(table, path, _PRODUCT) is None:
        return None
    category = reader.code(table, "category", path, codes("JZ020"))
    code = reader.text(table, "code", path, PRODUCT_CODE)
    variant = _product_variant(reader, table, path, segment)
    period = _period(reader, table, path, contract)
    access = _product_access(reader, table, path, segment)
    if category is None or code is None or variant is None or period is None:
        return None
    if period.start < contract.start or (
        contract.end is not None and (period.end is None or period.end > contract.end)
    ):
        reader.problem((*path, "valid_from"), f"lies outside the contract's period {contract}")
        return None
    unit, tariff = _unit_and_tariff(reader, table, path, variant)
    name = reader.text(table, "name", path, required=False) or ""
    return ContractProduct(category, code, variant, unit, tariff, period, access, name)


def _product_variant(reader: Reader, table: Table, path: Key, segment: Segment) -> Variant | None:
    if "variant" not in table and len(segment.variants) == 1:
        return next(iter(segment.variants))
    variant = reader.choice(table, "variant", path, Variant, None)
    if variant is not None and variant not in segment.variants:
        allowed = ", ".join(sorted(v.value for v in segment.variants))
        reader.problem((*path, "variant"), f"segment {segment.id} is financed {allowed} only")
        return None
    return variant


def _product_access(
    reader: Reader, table: Table, path: Key, segment: Segment
) -> frozenset[str] | None:
    if "access" not in table:
        return None
    access = frozenset(reader.texts(table, "access", path))
    extra = access - segment.access
    if extra:
        reader.problem(
            (*path, "access"),
            f"{', '.join(sorted(extra))} not among segment {segment.id}'s access routes",
        )
    return access & segment.access


def _unit_and_tariff(
    reader: Reader, table: Table, path: Key, variant: Variant
) -> tuple[str | None, int | None]:
    if variant is Variant.TASK:
        for key in ("unit", "tariff"):
            if key in table:
                reader.problem((*path, key), "a task-based (lump-sum) product has no unit tariff")
        return None, None
    unit = reader.code(table, "unit", path, sorted(UNITS[variant]))
    tariff = reader.cents(table, "tariff", path)
    if unit == EUROS and "tariff" in table:
        reader.problem((*path, "tariff"), "unit 83 (euros) has no tariff: the volume is the amount")
    elif unit is not None and unit != EUROS and tariff is None and "tariff" not in table:
        reader.problem((*path, "tariff"), "is required: euro cents per unit")
    return unit, tariff
