"""Replacement values for leaf elements: boundary cases on both sides of every facet.

Each list pairs a label (for the variant's description) with a value; which values are
valid is for the schemas to say, the differential test only demands that both agree.
"""

from __future__ import annotations

from ijw_gateway.catalogue.model import SimpleType
from ijw_gateway.catalogue.releases import RELEASES
from tests.support.catalogue_walk import Slot, valid_value

_BERICHTCODES = sorted(
    {c for r in RELEASES.values() for m in r.messages.values() for c in m.berichtcodes}
)


def _dedupe(values: list[tuple[str, str]], current: str) -> list[tuple[str, str]]:
    seen = {current}
    unique = []
    for label, value in values:
        if value not in seen:
            seen.add(value)
            unique.append((label, value))
    return unique


def _integer_values(simple: SimpleType, current: str) -> list[tuple[str, str]]:
    top = simple.max_inclusive if simple.max_inclusive is not None else 10**9
    bottom = simple.min_inclusive if simple.min_inclusive is not None else 0
    return [
        ("minimum", str(bottom)),
        ("below the minimum", str(bottom - 1)),
        ("maximum", str(top)),
        ("above the maximum", str(top + 1)),
        ("negative", "-1"),
        ("negative zero", "-0"),
        ("explicit plus sign", "+1"),
        ("leading zero", "07"),
        ("decimal", "1.5"),
        ("decimal zero fraction", "1.0"),
        ("exponent", "1e3"),
        ("surrounded by spaces", " 5 "),
        ("space inside", "1 000"),
        ("30 digits", "9" * 30),
        ("letters", "abc"),
        ("Arabic-Indic digit", "\u0663"),
        ("empty", ""),
    ]


_DATES = [
    ("leap day", "2024-02-29"),
    ("29 February of a common year", "2026-02-29"),
    ("30 February", "2026-02-30"),
    ("31 April", "2026-04-31"),
    ("month 13", "2026-13-01"),
    ("month 00", "2026-00-10"),
    ("day 00", "2026-01-00"),
    ("one-digit month", "2026-1-01"),
    ("two-digit year", "26-01-01"),
    ("year 0000", "0000-01-01"),
    ("negative year", "-2026-01-01"),
    ("five-digit year", "12026-01-01"),
    ("time zone Z", "2026-01-01Z"),
    ("time zone +01:00", "2026-01-01+01:00"),
    ("time zone -05:00", "2026-01-01-05:00"),
    ("with a time", "2026-01-01T10:00:00"),
    ("with a space and time", "2026-01-01 10:00"),
    ("slashes", "2026/01/01"),
    ("day first", "01-01-2026"),
    ("surrounded by spaces", " 2026-01-01 "),
    ("empty", ""),
]

_TIMES = [
    ("midnight", "00:00:00"),
    ("last second", "23:59:59"),
    ("24:00:00", "24:00:00"),
    ("fraction", "10:00:00.5"),
    ("long fraction", "10:00:00.123456"),
    ("time zone Z", "10:00:00Z"),
    ("time zone +01:00", "10:00:00+01:00"),
    ("time zone -01:00", "10:00:00-01:00"),
    ("no seconds", "10:00"),
    ("hour 25", "25:00:00"),
    ("minute 60", "10:60:00"),
    ("second 60", "10:00:60"),
    ("no separators", "100000"),
    ("surrounded by spaces", " 10:00:00 "),
    ("empty", ""),
]


def _code_values(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    chosen = codes if len(codes) <= 12 else codes[:4] + codes[len(codes) // 2 :][:2] + codes[-3:]
    values = [(f"code {c}", c) for c in chosen]
    numeric = sorted(int(c) for c in codes if c.isdigit())
    if numeric:
        width = len(next(c for c in codes if c.isdigit()))
        gaps = [n for n in range(numeric[0], numeric[-1]) if str(n).zfill(width) not in codes]
        for n in [numeric[0] - 1, numeric[-1] + 1, *gaps[:3]]:
            if n >= 0:
                values.append(
                    (f"code {str(n).zfill(width)} just outside the list", str(n).zfill(width))
                )
    first = codes[0]
    values += [
        ("lower-case code", first.lower()),
        ("upper-case code", first.upper()),
        ("code with trailing space", first + " "),
        ("code with leading zero", "0" + first),
        ("code doubled", first + first),
        ("unknown code", "XQ"),
        ("empty code", ""),
    ]
    if first.startswith("0") and len(first) > 1:
        values.append(("code without leading zero", first.lstrip("0") or "0"))
    return values


def _fill_char(slot: Slot) -> str:
    simple = slot.simple
    assert simple is not None
    pattern = slot.pattern or simple.pattern or ""
    return "1" if "[0-9]" in pattern else "A"


def _length_values(slot: Slot, current: str) -> list[tuple[str, str]]:
    simple = slot.simple
    assert simple is not None
    fill = _fill_char(slot)
    values = []
    if simple.max_length is not None:
        top = simple.max_length
        values += [
            (f"length {top} (maximum)", fill * top),
            (f"length {top + 1} (maximum + 1)", fill * (top + 1)),
            (f"{top} two-byte characters", "é" * top),
            (f"{top + 1} two-byte characters", "é" * (top + 1)),
            (f"current value padded to {top + 1}", (current + fill * (top + 1))[: top + 1]),
        ]
    else:
        values.append(("1000 characters", fill * 1000))
    if simple.min_length and simple.min_length > 1:
        values.append(
            (f"length {simple.min_length - 1} (minimum - 1)", fill * (simple.min_length - 1))
        )
    return values


_PATTERN_VALUES: dict[str, list[tuple[str, str]]] = {
    "digits": [
        ("one digit short", "1234567"),
        ("letter inside", "12345678X"),
        ("full-width digits", "\uff11" * 8),
        ("Arabic-Indic digits", "\u0663" * 8),
        ("sign", "-1234567"),
        ("space inside", "1234 5678"),
    ],
    "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)": [
        ("two parts", "1.0"),
        ("four parts", "1.0.0.0"),
        ("leading zero", "01.0.0"),
        ("letters", "a.b.c"),
        ("empty part", "1..0"),
        ("large numbers", "10.200.3000"),
    ],
    "([a-zA-ZÀ-ỳ])+": [
        ("dots", "A.B."),
        ("space", "A B"),
        ("À (range start)", "À"),
        ("ỳ (range end)", "ỳ"),
        ("Ỵ (beyond the range)", "Ỵ"),
        ("ß", "ß"),
        ("digit", "A1"),
        ("multiplication sign", "\u00d7"),
    ],
    "([.\\s]*\\S+[.\\s]*)+": [
        ("dot only", "."),
        ("dots and spaces", ". ."),
        ("leading newline", "\nTekst"),
        ("no-break space", "\u00a0"),
    ],
    "([a-zA-Z0-9])+": [("hyphen", "DN-42"), ("underscore", "DN_42"), ("accent", "DNé")],
    "NL[0-9]{9}B[0-9]{2}": [
        ("lower-case country", "nl123456789B01"),
        ("one digit short", "NL12345678B01"),
        ("no B", "NL123456789X01"),
        ("another country", "BE123456789B01"),
    ],
    "(0{8})|98((00000[1-9])|(0000[1-9][0-9])|(000[1-9][0-9]{2})|(00[1-9][0-9]{3})|"
    "(0[1-9][0-9]{4})|([1-9][0-9]{5}))": [
        ("eight zeros", "00000000"),
        ("98 and zeros", "98000000"),
        ("98 and six digits", "98123456"),
        ("98 and a block with a leading zero", "98012345"),
        ("a provider's AGB code", "12345678"),
        ("97 and six digits", "97123456"),
    ],
}


def _pattern_values(slot: Slot) -> list[tuple[str, str]]:
    simple = slot.simple
    assert simple is not None
    values = []
    for pattern in (slot.pattern, simple.pattern):
        if pattern is None:
            continue
        key = "digits" if pattern.startswith("[0-9]") else pattern
        values += _PATTERN_VALUES.get(key, [])
    if slot.spec.name == "BerichtCode":
        values += [(f"BerichtCode {code}", code) for code in _BERICHTCODES]
    fixed = slot.pattern.split("|") if slot.pattern is not None else []
    for value in fixed if all(v.isdigit() for v in fixed) else []:
        n = int(value)
        values += [
            (f"one more than {value}", str(n + 1)),
            (f"one less than {value}", str(n - 1)),
            ("leading zero", "0" + value),
            ("trailing zero", value + "0"),
            ("plus sign", "+" + value),
            ("trailing space", value + " "),
            ("decimal", value + ".0"),
        ]
    if len(fixed) > 1:
        values.append(("both alternatives", "".join(fixed)))
    return values


def _local_bound(slot: Slot) -> list[tuple[str, str]]:
    """Both sides of an upper bound the element adds to its datatype's."""
    top = slot.spec.max_inclusive
    if top is None:
        return []
    return [("the element's maximum", str(top)), ("above the element's maximum", str(top + 1))]


def _common_string_values(current: str) -> list[tuple[str, str]]:
    return [
        ("empty", ""),
        ("whitespace only", "   "),
        ("tab and newline only", "\t\n"),
        ("no-break space only", "\u00a0"),
        ("leading space", " " + current),
        ("trailing space", current + " "),
        ("tab inside", current[:1] + "\t" + current[1:]),
        ("emoji", "\U0001f600"),
        ("letters", "Abc"),
        ("digits", "0123"),
        ("markup characters", "<&>"),
    ]


def values_for(slot: Slot, current: str) -> list[tuple[str, str]]:
    """Labelled replacement values for a leaf: boundary cases on both sides of each facet."""
    simple = slot.simple
    assert simple is not None
    values: list[tuple[str, str]] = [("valid example", valid_value(slot))]
    if simple.base == "date":
        values += _DATES
    elif simple.base == "time":
        values += _TIMES
    elif simple.base == "integer":
        values += _integer_values(simple, current) + _local_bound(slot)
    if simple.enumeration:
        values += _code_values(simple.enumeration)
    if simple.base == "string":
        values += _common_string_values(current) + _length_values(slot, current)
    values += _pattern_values(slot)
    return _dedupe(values, current)
