"""What fits a financing variant: allocation shapes, declared units, amounts.

RULES.md §1.3 fixes per variant which units and frequencies a specific allocation may
use and which categories an aspecific one may name; §5.2 (TR346, IV081) fixes how an
amount follows from volume and tariff. These are plain functions of codes and numbers,
so the rules stay readable and the arithmetic is tested on its own.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ijw_gateway.contracts.model import EUROS, HOUR, MINUTE, UNITS, Line, Variant

LTA_CATEGORY = "55"  # nationally purchased care: the only aspecific output-based category
_ANY = frozenset({"1", "2", "4", "6"})
_NOT_DAILY = frozenset({"2", "4", "6"})
FREQUENCIES: dict[str, frozenset[str]] = {
    "01": _ANY,
    "04": _ANY,
    "14": _NOT_DAILY,
    "16": _NOT_DAILY,
    "84": _NOT_DAILY,
    "82": _ANY,
    "83": _NOT_DAILY,
}


def unit_fits_variant(unit: str, variant: Variant) -> bool:
    return unit in UNITS.get(variant, frozenset())


def frequency_fits_unit(unit: str, frequency: str) -> bool:
    return frequency in FREQUENCIES.get(unit, frozenset())


def aspecific_variant(categorie: str) -> Variant:
    """The variant an allocation by category alone implies (§1.3)."""
    return Variant.OUTPUT if categorie == LTA_CATEGORY else Variant.EFFORT


def declared_unit_fits(declared: str, line: Line) -> bool:
    """A line is declared in the contract's unit, or in minutes when contracted per hour."""
    contracted = line.product.unit
    return declared == contracted or (declared == MINUTE and contracted == HOUR)


def hours_in_minutes(declared: str, line: Line | None) -> bool:
    return declared == MINUTE and line is not None and line.product.unit == HOUR


def amount(volume: int, tariff: int, per_hour_in_minutes: bool) -> int:
    """Volume × tariff in cents; for an hourly tariff declared in minutes, /60 rounded (IV081)."""
    if not per_hour_in_minutes:
        return volume * tariff
    return int((Decimal(volume * tariff) / 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def amount_fits(
    declared_unit: str, volume: int, tariff: int, submitted: int, line: Line | None
) -> tuple[bool, int]:
    """Whether ``submitted`` is the right amount, and the amount expected.

    Without a contract line the gateway cannot tell an hourly tariff from a per-minute
    one, so for minutes either reading is accepted.
    """
    if line is not None:
        expected = amount(volume, tariff, hours_in_minutes(declared_unit, line))
        return submitted == expected, expected
    plain = amount(volume, tariff, False)
    if declared_unit == MINUTE and submitted == amount(volume, tariff, True):
        return True, submitted
    return submitted == plain, plain


def has_tariff(unit: str | None) -> bool:
    return unit is not None and unit != EUROS
