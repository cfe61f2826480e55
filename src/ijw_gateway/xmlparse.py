"""The only way bytes become an XML tree in this project.

Hardened: no DTDs, no entity expansion, no network, a size limit (25 MB, the exchange's
limit, OP179) and a depth limit. iJw files are UTF-8 without a byte-order mark (OP192);
anything else is a finding, never a crash. Every failure raises ``InputRejected`` carrying
one finding with a line and a path.
"""

from __future__ import annotations

import re

from lxml import etree

from ijw_gateway.errors import InputRejected
from ijw_gateway.findings import Finding

MAX_BYTES = 25 * 1024 * 1024
MAX_DEPTH = 32  # iJw messages nest at most 8 levels deep; anything far deeper is hostile

_BOMS = (
    (b"\xef\xbb\xbf", "a UTF-8 byte-order mark"),
    (b"\xff\xfe", "a UTF-16 (little-endian) byte-order mark"),
    (b"\xfe\xff", "a UTF-16 (big-endian) byte-order mark"),
)
_DECLARED_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def _reject(text: str, rule: str | None = None, line: int = 1) -> InputRejected:
    return InputRejected(Finding("xml", rule, None, "/", line, text))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )


def _check_bytes(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise _reject(
            f"The file is {len(data) / 1_048_576:.1f} MB; iJw files may be at most 25 MB. "
            "Split the content over several messages.",
            "OP179",
        )
    if not data.strip():
        raise _reject("The file is empty; an iJw message is an XML document.")
    for bom, what in _BOMS:
        if data.startswith(bom):
            raise _reject(
                f"The file starts with {what}. iJw files are UTF-8 without a byte-order mark; "
                "save the file as 'UTF-8 without BOM'.",
                "OP192",
            )
    declared = _DECLARED_ENCODING.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _reject(
            f"The XML declaration says encoding '{declared.group(1).decode('ascii')}'; "
            'iJw files are UTF-8. Re-encode the file as UTF-8 and declare encoding="UTF-8".',
            "OP192",
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _reject(
            f"Byte {exc.start} (line {line}) is not valid UTF-8; iJw files are UTF-8. "
            "The file was probably saved in another encoding (such as Windows-1252).",
            "OP192",
            line,
        ) from None
    doctype = _DOCTYPE.search(data)
    if doctype:
        raise _reject(
            "The file contains a document type declaration (<!DOCTYPE>). iJw messages have no "
            "DTD, and DTDs or entity declarations are refused for safety.",
            line=data.count(b"\n", 0, doctype.start()) + 1,
        )


def _depth(root: etree._Element) -> int:
    deepest = 0
    for leaf in root.iter():
        if len(leaf) == 0:
            deepest = max(deepest, sum(1 for _ in leaf.iterancestors()) + 1)
            if deepest > MAX_DEPTH:
                break
    return deepest


def parse(data: bytes) -> etree._ElementTree:
    """Parse untrusted bytes into a tree, or raise ``InputRejected`` with one finding."""
    _check_bytes(data)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        raise _reject(f"The file is not well-formed XML: {exc.msg}.", line=line) from None
    if _depth(root) > MAX_DEPTH:
        raise _reject(f"Elements are nested more than {MAX_DEPTH} levels deep; no iJw message is.")
    return root.getroottree()
