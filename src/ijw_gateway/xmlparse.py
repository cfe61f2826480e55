"""The only way bytes become an XML tree in this project.

Hardened: no DTDs, no entity expansion, no network, a size limit (25 MB, the exchange's
limit, OP179) and a depth limit. iJw files are UTF-8 without a byte-order mark (OP192);
anything else is a finding, never a crash. Every failure raises ``InputRejected`` carrying
one finding with a line and a path.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from ijw_gateway.errors import InputRejected
from ijw_gateway.findings import Finding
from ijw_gateway.schematext import explain_syntax_error
from ijw_gateway.xmlpath import line_of

MAX_BYTES = 25 * 1024 * 1024
MAX_DEPTH = 32  # iJw messages nest at most 8 levels deep; anything far deeper is hostile

_BOMS = (
    (b"\xef\xbb\xbf", "a UTF-8 byte-order mark"),
    (b"\xff\xfe", "a UTF-16 (little-endian) byte-order mark"),
    (b"\xfe\xff", "a UTF-16 (big-endian) byte-order mark"),
)
_BOM_PREFIXES = tuple(bom for bom, _ in _BOMS)
_USUAL_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'  # spares the regex below
_DECLARED_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
# Elements below depth MAX_DEPTH. Compiled once; lxml serialises calls of one XPath object,
# and one evaluation visits each level once instead of walking every leaf's ancestors.
_TOO_DEEP = etree.XPath("/*" + "/*" * MAX_DEPTH)
_LOCAL = threading.local()  # one parser per thread: cheaper than a new one per document


def _reject(text: str, rule: str | None = None, line: int = 1) -> InputRejected:
    return InputRejected(Finding("xml", rule, None, "/", line, text))


def _parser(huge_text: bool = False) -> etree.XMLParser:
    name = "huge_text_parser" if huge_text else "parser"
    parser: etree.XMLParser | None = getattr(_LOCAL, name, None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=huge_text,
            collect_ids=False,
        )
        setattr(_LOCAL, name, parser)
    return parser


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise _reject(
            f"The file is {len(data) / 1_048_576:.1f} MB; iJw files may be at most 25 MB. "
            "Split the content over several messages.",
            "OP179",
        )
    if not data or data.isspace():
        raise _reject("The file is empty; an iJw message is an XML document.")


def _check_encoding(data: bytes) -> None:
    if data.startswith(_BOM_PREFIXES):
        what = next(what for bom, what in _BOMS if data.startswith(bom))
        raise _reject(
            f"The file starts with {what}. iJw files are UTF-8 without a byte-order mark; "
            "save the file as 'UTF-8 without BOM'.",
            "OP192",
        )
    nul = data.find(b"\x00")
    if nul >= 0:  # UTF-16/32 without a BOM; libxml2 would otherwise detect and accept it
        raise _reject(
            f"Byte {nul} (line {_line_at(data, nul)}) is a NUL byte: the file is probably "
            "UTF-16 or UTF-32 encoded. iJw files are UTF-8; re-encode the file as UTF-8.",
            "OP192",
            _line_at(data, nul),
        )
    declared = None if data.startswith(_USUAL_DECLARATION) else _DECLARED_ENCODING.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _reject(
            f"The XML declaration says encoding '{declared.group(1).decode('ascii')}'; "
            'iJw files are UTF-8. Re-encode the file as UTF-8 and declare encoding="UTF-8".',
            "OP192",
        )
    if data.isascii():  # ASCII is UTF-8; this scan is much cheaper than decoding
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start)
        raise _reject(
            f"Byte {exc.start} (line {line}) is not valid UTF-8; iJw files are UTF-8. "
            "The file was probably saved in another encoding (such as Windows-1252).",
            "OP192",
            line,
        ) from None


def _check_doctype(data: bytes) -> None:
    if b"!" not in data:  # one-byte scans are fast (memchr); most messages have no "!" at all
        return
    doctype = _DOCTYPE.search(data)
    if doctype:
        raise _reject(
            "The file contains a document type declaration (<!DOCTYPE>). iJw messages have no "
            "DTD, and DTDs or entity declarations are refused for safety.",
            line=_line_at(data, doctype.start()),
        )


def _too_deep(line: int) -> InputRejected:
    return _reject(
        f"Elements are nested more than {MAX_DEPTH} levels deep; no iJw message is.", line=line
    )


def _check_depth(data: bytes, root: etree._Element) -> None:
    # Nesting d levels deep takes at least 2d - 1 "<" (a start and an end tag per enclosing
    # element); comments, PIs and CDATA only add more. Small messages skip the tree walk.
    if data.count(b"<") <= 2 * MAX_DEPTH:
        return
    deep = _TOO_DEEP(root)
    if isinstance(deep, list) and deep:
        first = deep[0]
        raise _too_deep(line_of(first) if isinstance(first, etree._Element) else 1)


def parse(
    data: bytes, *, max_bytes: int = MAX_BYTES, huge_text: bool = False
) -> etree._ElementTree:
    """Parse untrusted bytes into a tree, or raise ``InputRejected`` with one finding.

    ``huge_text`` lifts libxml2's 10 MB limit on one text node (and nothing we rely on:
    size and depth stay checked here), for a StUF envelope whose payload is one base64
    text of up to 25 MB; ``max_bytes`` lets its SOAP wrapping come on top."""
    _check_size(data, max_bytes)
    _check_encoding(data)
    _check_doctype(data)
    try:
        root = etree.fromstring(data, _parser(huge_text))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        if str(exc.msg).startswith("Excessive depth"):  # libxml2's own limit (256) hit first
            raise _too_deep(line) from None
        what = explain_syntax_error(int(getattr(exc, "code", 0)))  # the stubs lack ``code``
        raise _reject(f"The file is not well-formed XML: {what}.", line=line) from None
    _check_depth(data, root)
    _join_split_values(root)
    return root.getroottree()


def _join_split_values(root: etree._Element) -> None:
    """A value that a comment or processing instruction splits (``<Bsn>9999<!---->00110``)
    is one value to the schema, which skips both, but an element's ``text`` stops at the
    first such node: the rules, the routing and the JSON model would read ``9999``. So the
    pieces are joined into ``text`` and the nodes stay behind them, without text of their
    own: every reader of the tree sees the value the schema saw (the bytes as received are
    kept unchanged elsewhere). Between child elements such text is only layout; left alone.

    Each parent is looked at once and its value joined once: a value split 16,000 times
    used to cost a look at every sibling and a longer copy of the text per piece."""
    values: dict[etree._Element, list[str] | None] = {}  # None: not a simple value
    for node in root.iter(etree.Comment, etree.ProcessingInstruction):
        parent = node.getparent()
        if parent is None or not node.tail:
            continue
        if parent not in values:
            simple = not any(isinstance(sibling.tag, str) for sibling in parent)
            values[parent] = [parent.text or ""] if simple else None
        pieces = values[parent]
        if pieces is not None:
            pieces.append(node.tail)
            node.tail = None
    for parent, pieces in values.items():
        if pieces is not None:
            parent.text = "".join(pieces)
