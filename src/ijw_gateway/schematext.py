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
from ijw_gateway.catalogue.texts import say

# A namespace in Clark notation ({http://...}Name); not a pattern quantifier such as {9} or
# the set of codes ({'01', '02'}) of an enumeration error, which must survive.
_NS = re.compile(r"\{[A-Za-z][A-Za-z0-9+.-]*:[^{}'\s]*\}")
_MAX_LISTED_CODES = 12
_ELEMENT = re.compile(r"^Element '([^']+)'(?:, attribute '([^']+)')?: ")
_EXPECTED = re.compile(r"Expected is (?:one of )?\( ([^)]*) \)")
_STEP = re.compile(r"(?<=/)([^/\[]+)")

# libxml2's wording -> the catalogue's sentence (``texts.toml``, ``[schema]``)
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"This element is not expected"), "not_expected"),
    (re.compile(r"Missing child element"), "missing_child"),
    (re.compile(r"\[facet 'enumeration'\].*set \{([^}]*)\}", re.DOTALL), "enumeration"),
    (re.compile(r"\[facet 'pattern'\].*pattern '(.*)'", re.DOTALL), "pattern"),
    (re.compile(r"\[facet 'maxLength'\].*maximum length of '(\d+)'", re.DOTALL), "max_length"),
    (re.compile(r"\[facet 'minLength'\].*minimum length of '(\d+)'", re.DOTALL), "min_length"),
    (re.compile(r"\[facet 'maxInclusive'\].*allowed \('(-?\d+)'\)", re.DOTALL), "max_inclusive"),
    (re.compile(r"\[facet 'minInclusive'\].*allowed \('(-?\d+)'\)", re.DOTALL), "min_inclusive"),
    (re.compile(r"No matching global declaration"), "not_root"),
    (re.compile(r"Character content other than whitespace is not allowed"), "text_in_complex"),
    (re.compile(r"Element content is not allowed"), "elements_in_simple"),
    (re.compile(r"attribute .* is not allowed", re.IGNORECASE | re.DOTALL), "attribute"),
    (re.compile(r"The element is not 'nillable'"), "nil"),
)


_ATOMIC = re.compile(r"is not a valid value of the (?:local )?atomic type(?: '(?:xs:)?(\w+)')?")
_BY_BASE = {"date": "date", "time": "time", "integer": "integer"}  # base type -> sentence


def _in(key: str, lang: str, **values: object) -> str:
    return say(f"schema.{key}", lang, **values)


def _atomic(body: str, element: str, lang: str) -> str | None:
    match = _ATOMIC.search(body)
    if match is None:
        return None
    type_name = match.group(1) or ""
    simple = SIMPLE_TYPES.get(type_name)
    base = simple.base if simple else type_name
    return _in(_BY_BASE.get(base, "no_valid_value"), lang, el=element)


def _codes(listed: str, lang: str) -> str:
    """The allowed codes, shortened when the list is long (a country list has 250)."""
    codes = [c.strip() for c in listed.split(",") if c.strip()]
    if len(codes) <= _MAX_LISTED_CODES:
        return ", ".join(codes)
    in_all = _in("codes_in_all", lang)
    return ", ".join(codes[:_MAX_LISTED_CODES]) + f", … ({len(codes)} {in_all})"


def _names(text: str) -> str:
    return ", ".join(f"<{n.strip()}>" for n in text.split(",") if n.strip())


def _said(element: str, lang: str) -> str:
    """An element as a finding names it: ``<Bsn>``, or a description when iJw does not
    define the name (a sender's text: it may be a BSN or a name)."""
    return f"<{element}>" if element in ELEMENT_NAMES else _in("unknown_element", lang)


def explain_schema_error(raw: str, lang: str = "en") -> str:
    """Turn one libxml2 schema message into a sentence that names the element, not the
    value, in ``lang`` (``en`` or ``nl``)."""
    message = _NS.sub("", raw).strip()
    head = _ELEMENT.match(message)
    element = _said(head.group(1) if head else "?", lang)
    body = message[head.end() :] if head else message
    expected = _EXPECTED.search(body)
    names = _names(expected.group(1)) if expected else ""
    expected_text = _in("expected_here", lang, names=names) if expected else ""
    atomic = _atomic(body, element, lang)
    if atomic is not None:
        return atomic
    for pattern, key in _RULES:
        match = pattern.search(body)
        if match:
            m1 = match.group(1) if match.groups() else ""
            if "enumeration" in pattern.pattern:
                m1 = _codes(m1, lang)
            return _in(key, lang, el=element, expected=expected_text, m1=m1).strip()
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
