"""The hardened parse: hostile or broken bytes give exactly one finding, never a crash.

Every case goes through ``xmlparse.parse`` (which must raise ``InputRejected`` and nothing
else) and through ``Validator.validate`` (which must return a report with that one
finding). Property tests feed arbitrary bytes and arbitrary edits of a valid message.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ijw_gateway import xmlparse, xmlpath
from ijw_gateway.errors import InputRejected
from ijw_gateway.findings import Finding, Report
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator
from tests.support.variants import catalogue_document

DECL = b'<?xml version="1.0" encoding="UTF-8"?>\n'
VALID = catalogue_document("JW301")  # built from our catalogue, valid for the schema
SECRET = "root:x:0:0"  # what an XXE on /etc/passwd would leak


def _lines(n: int) -> bytes:
    return b"".join(b"<Regel>%d</Regel>\n" % i for i in range(n))


def _deep(levels: int) -> bytes:
    return DECL + b"<a>\n" + b"<a>" * (levels - 1) + b"</a>" * levels


BILLION_LAUGHS = (
    DECL
    + b"""<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol4;</lolz>"""
)

# (id, bytes, expected rule, expected line)
CASES: list[tuple[str, bytes, str | None, int | None]] = [
    ("billion-laughs", BILLION_LAUGHS, None, 2),
    (
        "xxe-file",
        DECL + b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<r>&x;</r>',
        None,
        2,
    ),
    (
        "xxe-http",
        DECL + b'<!DOCTYPE r [<!ENTITY x SYSTEM "http://198.51.100.7/x">]>\n<r>&x;</r>',
        None,
        2,
    ),
    ("external-dtd", DECL + b'<!DOCTYPE r SYSTEM "http://198.51.100.7/r.dtd">\n<r/>', None, 2),
    (
        "parameter-entity",
        DECL + b'<!DOCTYPE r [\n<!ENTITY % p SYSTEM "file:///etc/passwd">\n%p;\n]>\n<r/>',
        None,
        2,
    ),
    ("doctype-lower-case", b"<!doctype r>\n<r/>", None, 1),
    ("doctype-mixed-case", DECL + b"\n\n<!DocType r>\n<r/>", None, 4),
    ("malformed-tag-mismatch", DECL + b"<a>\n<b>\n</a>\n", None, 4),
    ("malformed-unclosed", DECL + b"<a>\n" + _lines(5), None, 8),
    ("malformed-undefined-entity", DECL + b"<a>\n&nbsp;</a>", None, 3),
    ("malformed-text-after-root", DECL + b"<a/>\nrest", None, 3),
    ("utf8-bom", b"\xef\xbb\xbf" + DECL + b"<a/>", "OP192", 1),
    ("utf16-le-bom", '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"), "OP192", 1),
    ("utf16-be-bom", b"\xfe\xff" + "<a/>".encode("utf-16-be"), "OP192", 1),
    (
        "utf16-without-bom",
        '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16-le"),
        "OP192",
        1,
    ),
    (
        "latin1-declared",
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>caf\xe9</a>',
        "OP192",
        1,
    ),
    ("latin1-undeclared", DECL + b"<a>\n<b>ok</b>\n<b>caf\xe9</b>\n</a>", "OP192", 4),
    ("windows-1252-quote", DECL + b"<a>\x93quoted\x94</a>", "OP192", 2),
    ("too-large", b" " * (xmlparse.MAX_BYTES + 1), "OP179", 1),
    ("empty", b"", None, 1),
    ("whitespace-only", b" \n\t\r\n ", None, 1),
    ("depth-33", _deep(xmlparse.MAX_DEPTH + 1), None, 3),
    ("depth-bomb", _deep(100_000), None, 3),
    (  # the fewest "<" that nest 33 deep: the cheap pre-count must still send it to the walk
        "depth-33-fewest-tags",
        b"<a>" * xmlparse.MAX_DEPTH + b"<a/>" + b"</a>" * xmlparse.MAX_DEPTH,
        None,
        1,
    ),
    ("huge-text-node", b"<a>" + b"x" * 10_000_001 + b"</a>", None, 1),
    ("control-character", DECL + b"<a>\x01</a>", None, 2),
    ("nul-byte", DECL + b"<a>\n\x00</a>", "OP192", 3),
    ("binary-garbage", random.Random(7).randbytes(4096), "OP192", None),
    ("binary-ascii-garbage", bytes(range(1, 128)) * 8, None, 1),
]


@pytest.fixture(scope="module")
def validator(registry: SchemaRegistry) -> Validator:
    return Validator(registry)


def _check_finding(finding: Finding, rule: str | None, line: int | None) -> None:
    assert finding.level == "xml"
    assert finding.path == "/"
    assert finding.rule == rule
    assert finding.retourcode is None
    assert finding.line >= 1
    if line is not None:
        assert finding.line == line, finding.text
    assert finding.text and "Traceback" not in finding.text
    assert SECRET not in finding.text


@pytest.mark.parametrize(
    ("data", "rule", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hostile_input_is_one_finding(
    data: bytes, rule: str | None, line: int | None, validator: Validator
) -> None:
    with pytest.raises(InputRejected) as caught:
        xmlparse.parse(data)
    _check_finding(caught.value.finding, rule, line)
    report = validator.validate(data, "hostile.xml")
    assert isinstance(report, Report)
    assert report.findings == (caught.value.finding,)
    assert not report.accepted and report.message is None


def test_texts_say_what_is_wrong() -> None:
    def text(data: bytes) -> str:
        with pytest.raises(InputRejected) as caught:
            xmlparse.parse(data)
        return caught.value.finding.text

    assert "DOCTYPE" in text(BILLION_LAUGHS)
    assert "byte-order mark" in text(b"\xef\xbb\xbf<a/>")
    assert "UTF-16" in text("<a/>".encode("utf-16-le"))
    assert "ISO-8859-1" in text(b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>')
    assert "25 MB" in text(b" " * (xmlparse.MAX_BYTES + 1))
    assert "empty" in text(b"")
    assert f"{xmlparse.MAX_DEPTH} levels" in text(_deep(100_000))
    assert "XML_PARSE_HUGE" not in text(_deep(100_000))  # libxml2's advice is not for senders
    assert "XML_PARSE_HUGE" not in text(b"<a>" + b"x" * 10_000_001 + b"</a>")
    malformed = text(DECL + b"<a>\n<b>\n</a>\n")
    assert malformed.startswith("The file is not well-formed XML: ")
    assert "\n" not in malformed and not malformed.endswith("..")


def test_exactly_the_limits_are_accepted() -> None:
    assert xmlparse.parse(_deep(xmlparse.MAX_DEPTH)).getroot().tag == "a"
    element = b"<b>" + b"0" * 1000 + b"</b>\n"  # few, long elements: the test stays quick
    count, rest = divmod(xmlparse.MAX_BYTES - len(b"<a></a>"), len(element))
    filler = b"<a>" + element * count + b" " * rest + b"</a>"
    assert len(filler) == xmlparse.MAX_BYTES
    assert len(xmlparse.parse(filler).getroot()) == count


def test_entities_are_never_resolved_and_xinclude_is_inert() -> None:
    tree = xmlparse.parse(
        b'<r xmlns:xi="http://www.w3.org/2001/XInclude">&amp;&#233;'
        b'<xi:include href="file:///etc/passwd" parse="text"/></r>'
    )
    root = tree.getroot()
    assert root.text == "&é"
    assert len(root) == 1 and SECRET not in (root[0].text or "")


def test_a_valid_message_parses_with_line_numbers() -> None:
    root = xmlparse.parse(VALID).getroot()
    assert xmlpath.line_of(root) == 2  # after the XML declaration
    assert all(e.sourceline for e in root.iter())


def test_parsing_is_safe_to_repeat_and_independent() -> None:
    """The per-thread parser carries nothing over from a rejected document."""
    for _ in range(3):
        with pytest.raises(InputRejected):
            xmlparse.parse(DECL + b"<a>\n<b></a>")
        assert xmlparse.parse(VALID).getroot() is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_give_a_report(validator: Validator, data: bytes) -> None:
    report = validator.validate(data, "random.bin")
    assert isinstance(report, Report)
    assert not report.accepted


_EDIT = st.tuples(
    st.sampled_from(["insert", "delete", "replace"]),
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=0, max_value=40),
    st.text(max_size=12) | st.sampled_from(["<", ">", "&", "</", "<!DOCTYPE x>", "]]>", "\x00"]),
)


def _edited(text: str, edits: list[tuple[str, float, int, str]]) -> bytes:
    for kind, where, length, insert in edits:
        at = int(where * len(text))
        if kind == "insert":
            text = text[:at] + insert + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + length :]
        else:
            text = text[:at] + insert + text[at + len(insert) :]
    return text.encode("utf-8", errors="surrogatepass")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_EDIT, min_size=1, max_size=4))
def test_arbitrary_edits_of_a_valid_message_give_a_report(
    validator: Validator, edits: list[tuple[str, float, int, str]]
) -> None:
    data = _edited(VALID.decode("utf-8"), edits)
    report = validator.validate(data, "edited.xml")
    assert isinstance(report, Report)
    assert report.accepted == (report.schema_valid and not report.findings)
    for finding in report.findings:
        assert finding.line >= 1 and finding.path.startswith("/")


def test_no_finding_echoes_a_byte_dump() -> None:
    """Encoding findings name the byte offset and line, not the bytes themselves."""
    with pytest.raises(InputRejected) as caught:
        xmlparse.parse(DECL + b"<a>\xe9\xe9\xe9</a>")
    assert re.search(r"Byte \d+ \(line 2\)", caught.value.finding.text)


def test_a_value_split_by_comments_or_pis_reads_whole_as_the_schema_reads_it() -> None:
    data = b"<A><B>05<!-- x -->05<?note y?>99</B><C>\n  <!-- layout -->\n  <D>1</D>\n</C></A>"
    root = xmlparse.parse(data).getroot()
    value, mixed = root[0], root[1]
    assert value.text == "050599"  # what the schema validated, not "05"
    assert [type(n).__name__ for n in value] == ["_Comment", "_ProcessingInstruction"]
    assert all(n.tail is None for n in value)  # the nodes stay (the screen looks at them)
    assert mixed.text == "\n  " and mixed[0].tail == "\n  "  # layout between elements: as is
