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
UNKNOWN_ELEMENT = {
    "en": "An element that iJw does not define",
    "nl": "Een element dat iJw niet kent",
}
_STEP = re.compile(r"(?<=/)([^/\[]+)")

Texts = dict[str, str]  # language -> template
_RULES: tuple[tuple[re.Pattern[str], Texts], ...] = (
    (
        re.compile(r"This element is not expected"),
        {
            "en": "{el} is not allowed here. {expected}Check the element order and spelling "
            "against the message's schema.",
            "nl": "{el} hoort hier niet. {expected}Controleer de volgorde en spelling van de "
            "elementen aan de hand van het schema van het bericht.",
        },
    ),
    (
        re.compile(r"Missing child element"),
        {
            "en": "{el} is incomplete: a required element is missing. {expected}",
            "nl": "{el} is onvolledig: er ontbreekt een verplicht element. {expected}",
        },
    ),
    (
        re.compile(r"\[facet 'enumeration'\].*set \{([^}]*)\}", re.DOTALL),
        {
            "en": "{el} holds a code that is not in its code list. Allowed: {m1}.",
            "nl": "{el} bevat een code die niet in de codelijst staat. Toegestaan: {m1}.",
        },
    ),
    (
        re.compile(r"\[facet 'pattern'\].*pattern '(.*)'", re.DOTALL),
        {
            "en": "{el} does not have the required format (pattern {m1}).",
            "nl": "{el} heeft niet de vereiste vorm (patroon {m1}).",
        },
    ),
    (
        re.compile(r"\[facet 'maxLength'\].*maximum length of '(\d+)'", re.DOTALL),
        {
            "en": "{el} is too long: at most {m1} characters are allowed.",
            "nl": "{el} is te lang: ten hoogste {m1} tekens zijn toegestaan.",
        },
    ),
    (
        re.compile(r"\[facet 'minLength'\].*minimum length of '(\d+)'", re.DOTALL),
        {
            "en": "{el} is too short or empty: at least {m1} character(s) are required.",
            "nl": "{el} is te kort of leeg: ten minste {m1} teken(s) zijn vereist.",
        },
    ),
    (
        re.compile(r"\[facet 'maxInclusive'\].*allowed \('(-?\d+)'\)", re.DOTALL),
        {
            "en": "{el} is too large: the maximum is {m1}.",
            "nl": "{el} is te groot: het maximum is {m1}.",
        },
    ),
    (
        re.compile(r"\[facet 'minInclusive'\].*allowed \('(-?\d+)'\)", re.DOTALL),
        {
            "en": "{el} is too small: the minimum is {m1}.",
            "nl": "{el} is te klein: het minimum is {m1}.",
        },
    ),
    (
        re.compile(r"No matching global declaration"),
        {
            "en": "{el} is not the root element this schema expects (<Bericht>).",
            "nl": "{el} is niet het hoofdelement dat dit schema verwacht (<Bericht>).",
        },
    ),
    (
        re.compile(r"Character content other than whitespace is not allowed"),
        {
            "en": "{el} holds text, but it may only contain elements.",
            "nl": "{el} bevat tekst, maar mag alleen elementen bevatten.",
        },
    ),
    (
        re.compile(r"Element content is not allowed"),
        {
            "en": "{el} contains elements, but it may only hold a value.",
            "nl": "{el} bevat elementen, maar mag alleen een waarde hebben.",
        },
    ),
    (
        re.compile(r"attribute .* is not allowed", re.IGNORECASE | re.DOTALL),
        {
            "en": "{el} carries an attribute, which iJw messages do not have.",
            "nl": "{el} heeft een attribuut, dat iJw-berichten niet kennen.",
        },
    ),
    (
        re.compile(r"The element is not 'nillable'"),
        {
            "en": "{el} is marked xsi:nil, which iJw elements cannot be; leave it out or "
            "give a value.",
            "nl": "{el} is gemarkeerd met xsi:nil, wat bij iJw-elementen niet kan; laat het "
            "weg of geef een waarde.",
        },
    ),
)


_ATOMIC = re.compile(r"is not a valid value of the (?:local )?atomic type(?: '(?:xs:)?(\w+)')?")
_BY_BASE: dict[str, Texts] = {
    "date": {
        "en": "{el} is not a valid date; write an existing date as YYYY-MM-DD without a time zone.",
        "nl": "{el} is geen geldige datum; schrijf een bestaande datum als JJJJ-MM-DD, "
        "zonder tijdzone.",
    },
    "time": {
        "en": "{el} is not a valid time; write HH:MM:SS without a time zone.",
        "nl": "{el} is geen geldige tijd; schrijf UU:MM:SS, zonder tijdzone.",
    },
    "integer": {
        "en": "{el} must be a whole number without sign, decimals or spaces.",
        "nl": "{el} moet een geheel getal zijn, zonder teken, decimalen of spaties.",
    },
}
_NO_VALID_VALUE = {
    "en": "{el} does not have a valid value for its datatype.",
    "nl": "{el} heeft geen geldige waarde voor zijn datatype.",
}
_EXPECTED_HERE = {"en": "Expected here: {names}. ", "nl": "Hier verwacht: {names}. "}


def _in(texts: Texts, lang: str) -> str:
    return texts.get(lang) or texts["en"]


def _atomic(body: str, element: str, lang: str) -> str | None:
    match = _ATOMIC.search(body)
    if match is None:
        return None
    type_name = match.group(1) or ""
    simple = SIMPLE_TYPES.get(type_name)
    base = simple.base if simple else type_name
    template = _in(_BY_BASE.get(base, _NO_VALID_VALUE), lang)
    return template.format(el=element)


def _codes(listed: str, lang: str) -> str:
    """The allowed codes, shortened when the list is long (a country list has 250)."""
    codes = [c.strip() for c in listed.split(",") if c.strip()]
    if len(codes) <= _MAX_LISTED_CODES:
        return ", ".join(codes)
    in_all = "codes in totaal" if lang == "nl" else "codes in all"
    return ", ".join(codes[:_MAX_LISTED_CODES]) + f", … ({len(codes)} {in_all})"


def _names(text: str) -> str:
    return ", ".join(f"<{n.strip()}>" for n in text.split(",") if n.strip())


def _said(element: str, lang: str) -> str:
    """An element as a finding names it: ``<Bsn>``, or a description when iJw does not
    define the name (a sender's text: it may be a BSN or a name)."""
    return f"<{element}>" if element in ELEMENT_NAMES else _in(UNKNOWN_ELEMENT, lang)


def explain_schema_error(raw: str, lang: str = "en") -> str:
    """Turn one libxml2 schema message into a sentence that names the element, not the
    value, in ``lang`` (``en`` or ``nl``)."""
    message = _NS.sub("", raw).strip()
    head = _ELEMENT.match(message)
    element = _said(head.group(1) if head else "?", lang)
    body = message[head.end() :] if head else message
    expected = _EXPECTED.search(body)
    names = _names(expected.group(1)) if expected else ""
    expected_text = _in(_EXPECTED_HERE, lang).format(names=names) if expected else ""
    atomic = _atomic(body, element, lang)
    if atomic is not None:
        return atomic
    for pattern, texts in _RULES:
        match = pattern.search(body)
        if match:
            m1 = match.group(1) if match.groups() else ""
            if "enumeration" in pattern.pattern:
                m1 = _codes(m1, lang)
            return _in(texts, lang).format(el=element, expected=expected_text, m1=m1).strip()
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
