"""Plain-language texts for schema (level 1) and well-formedness errors, without echoing
what the sender wrote.

libxml2 reports errors such as ``Element '{ns}Bsn': [facet 'pattern'] The value '123'
is not accepted by the pattern '[0-9]{9}'.`` We drop namespaces and never repeat the
offending value: it may be a BSN or a name, and findings end up in logs and responses.
Nor do we repeat a name iJw does not define (an unknown element, any attribute, a
namespace): a sender can put a BSN or a client's name there too. Paths name unknown
elements ``*``. Well-formedness errors are said from libxml2's error code, because its
messages quote names and even content (an unclosed CDATA section's first characters).
"""

from __future__ import annotations

import re

from lxml import etree

from ijw_gateway.catalogue.structure import ELEMENT_NAMES, SIMPLE_TYPES

# A namespace in Clark notation ({http://...}Name); not a pattern quantifier such as {9} or
# the set of codes ({'01', '02'}) of an enumeration error, which must survive.
_NS = re.compile(r"\{[A-Za-z][A-Za-z0-9+.-]*:[^{}'\s]*\}")
_MAX_LISTED_CODES = 12
_ELEMENT = re.compile(r"^Element '([^']+)'(?:, attribute '([^']+)')?: ")
_EXPECTED = re.compile(r"Expected is (?:one of )?\( ([^)]*) \)")
UNKNOWN_ELEMENT = "An element that iJw does not define"
_STEP = re.compile(r"(?<=/)([^/\[]+)")

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"This element is not expected"),
        "{el} is not allowed here. {expected}Check the element order and spelling against the "
        "message's schema.",
    ),
    (
        re.compile(r"Missing child element"),
        "{el} is incomplete: a required element is missing. {expected}",
    ),
    (
        re.compile(r"\[facet 'enumeration'\].*set \{([^}]*)\}", re.DOTALL),
        "{el} holds a code that is not in its code list. Allowed: {m1}.",
    ),
    (
        re.compile(r"\[facet 'pattern'\].*pattern '(.*)'", re.DOTALL),
        "{el} does not have the required format (pattern {m1}).",
    ),
    (
        re.compile(r"\[facet 'maxLength'\].*maximum length of '(\d+)'", re.DOTALL),
        "{el} is too long: at most {m1} characters are allowed.",
    ),
    (
        re.compile(r"\[facet 'minLength'\].*minimum length of '(\d+)'", re.DOTALL),
        "{el} is too short or empty: at least {m1} character(s) are required.",
    ),
    (
        re.compile(r"\[facet 'maxInclusive'\].*allowed \('(-?\d+)'\)", re.DOTALL),
        "{el} is too large: the maximum is {m1}.",
    ),
    (
        re.compile(r"\[facet 'minInclusive'\].*allowed \('(-?\d+)'\)", re.DOTALL),
        "{el} is too small: the minimum is {m1}.",
    ),
    (
        re.compile(r"No matching global declaration"),
        "{el} is not the root element this schema expects (<Bericht>).",
    ),
    (
        re.compile(r"Character content other than whitespace is not allowed"),
        "{el} holds text, but it may only contain elements.",
    ),
    (
        re.compile(r"Element content is not allowed"),
        "{el} contains elements, but it may only hold a value.",
    ),
    (
        re.compile(r"attribute .* is not allowed", re.IGNORECASE | re.DOTALL),
        "{el} carries an attribute, which iJw messages do not have.",
    ),
    (
        re.compile(r"The element is not 'nillable'"),
        "{el} is marked xsi:nil, which iJw elements cannot be; leave it out or give a value.",
    ),
)


_ATOMIC = re.compile(r"is not a valid value of the (?:local )?atomic type(?: '(?:xs:)?(\w+)')?")
_BY_BASE = {
    "date": "{el} is not a valid date; write an existing date as YYYY-MM-DD without a time zone.",
    "time": "{el} is not a valid time; write HH:MM:SS without a time zone.",
    "integer": "{el} must be a whole number without sign, decimals or spaces.",
}


def _atomic(body: str, element: str) -> str | None:
    match = _ATOMIC.search(body)
    if match is None:
        return None
    type_name = match.group(1) or ""
    simple = SIMPLE_TYPES.get(type_name)
    base = simple.base if simple else type_name
    template = _BY_BASE.get(base, "{el} does not have a valid value for its datatype.")
    return template.format(el=element)


def _codes(listed: str) -> str:
    """The allowed codes, shortened when the list is long (a country list has 250)."""
    codes = [c.strip() for c in listed.split(",") if c.strip()]
    if len(codes) <= _MAX_LISTED_CODES:
        return ", ".join(codes)
    return ", ".join(codes[:_MAX_LISTED_CODES]) + f", … ({len(codes)} codes in all)"


def _names(text: str) -> str:
    return ", ".join(f"<{n.strip()}>" for n in text.split(",") if n.strip())


def _said(element: str) -> str:
    """An element as a finding names it: ``<Bsn>``, or a description when iJw does not
    define the name."""
    return f"<{element}>" if element in ELEMENT_NAMES else UNKNOWN_ELEMENT


def explain_schema_error(raw: str) -> str:
    """Turn one libxml2 schema message into a sentence that names the element, not the value."""
    message = _NS.sub("", raw).strip()
    head = _ELEMENT.match(message)
    element = _said(head.group(1) if head else "?")
    body = message[head.end() :] if head else message
    expected = _EXPECTED.search(body)
    expected_text = f"Expected here: {_names(expected.group(1))}. " if expected else ""
    atomic = _atomic(body, element)
    if atomic is not None:
        return atomic
    for pattern, template in _RULES:
        match = pattern.search(body)
        if match:
            m1 = match.group(1) if match.groups() else ""
            if "code list" in template:
                m1 = _codes(m1)
            return template.format(el=element, expected=expected_text, m1=m1).strip()
    # Unknown wording: keep the structure, drop every quoted value.
    return f"{element}: " + re.sub(r"'[^']*'", "'…'", body)


def named_path(path: str) -> str:
    """An element path with every name iJw does not define as ``*``:
    ``/Bericht/Client/Jansen`` -> ``/Bericht/Client/*``."""
    return _STEP.sub(lambda step: step[1] if step[1] in ELEMENT_NAMES else "*", path)


_SYNTAX_ERRORS = {
    "ERR_DOCUMENT_EMPTY": "there is no element in it",
    "ERR_DOCUMENT_END": "there is content after the end of the root element",
    "ERR_TAG_NAME_MISMATCH": "an end tag does not match the start tag it closes",
    "ERR_TAG_NOT_FINISHED": "the document ends inside an element (it is cut off)",
    "ERR_GT_REQUIRED": "a tag is not closed with '>'",
    "ERR_NAME_REQUIRED": "a tag does not start with a valid name",
    "ERR_ATTRIBUTE_REDEFINED": "an element carries the same attribute twice",
    "ERR_ATTRIBUTE_NOT_STARTED": "an attribute value is not in quotes",
    "ERR_ATTRIBUTE_WITHOUT_VALUE": "an attribute has no value",
    "ERR_LT_IN_ATTRIBUTE": "an attribute value holds an unescaped '<'",
    "ERR_UNDECLARED_ENTITY": "it refers to an entity that is not defined (without a DTD only "
    "&lt; &gt; &amp; &apos; &quot; and character references exist)",
    "ERR_INVALID_CHAR": "it holds a character that XML does not allow",
    "ERR_COMMENT_NOT_FINISHED": "a comment is not closed",
    "ERR_CDATA_NOT_FINISHED": "a CDATA section is not closed",
    "ERR_PI_NOT_FINISHED": "a processing instruction is not closed",
    "NS_ERR_UNDEFINED_NAMESPACE": "a namespace prefix is used without being declared",
    "WAR_NS_URI": "a namespace is declared with a value that is not a URI",
    "ERR_RESOURCE_LIMIT": "one text or name in it is larger than the parser takes",
}
_ERROR_NAMES = {v: k for k, v in vars(etree.ErrorTypes).items() if isinstance(v, int)}


def explain_syntax_error(code: int) -> str:
    """What a well-formedness error of libxml2 (by its error code) means, naming nothing
    from the document."""
    name = _ERROR_NAMES.get(code, "ERR_UNKNOWN")
    return _SYNTAX_ERRORS.get(name, f"libxml2 reports {name}")
