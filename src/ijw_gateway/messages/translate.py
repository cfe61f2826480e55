"""Translating one message between iJw XML and its JSON model, in either direction.

What a document is, is read from its first bytes (``sniff``): XML starts with ``<``
after any byte-order mark, NULs of UTF-16/32 and white space; a JSON model with ``{``;
a zip with its magic number. The command line (``translate``) and the API (JSON bodies
of ``POST /v1/messages``) translate here; ``jsonmodel`` refuses whatever one form holds
and the other cannot, so a translation is lossless or is not made.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Literal

from ijw_gateway import xmlparse
from ijw_gateway.messages.jsonmodel import (
    JsonObject,
    JsonValue,
    ModelError,
    from_json,
    to_json,
    to_xml_bytes,
)
from ijw_gateway.zipped import ZIP_MAGIC

Kind = Literal["xml", "json", "zip"]
_HEAD = 1024  # bytes looked at to tell the kinds apart
_LEADING = b"\xef\xbb\xbf\xfe\xff\x00 \t\r\n"  # byte-order marks, UTF-16/32 NULs, white space


def sniff(data: bytes) -> Kind | None:
    """XML, a JSON model or a zip, judged by the first bytes; None for anything else."""
    if data.startswith(ZIP_MAGIC):
        return "zip"
    head = data[:_HEAD].lstrip(_LEADING)
    if head.startswith(b"<"):
        return "xml"
    if head.startswith(b"{"):
        return "json"
    return None


def read_model(data: bytes) -> Mapping[str, JsonValue]:
    """The JSON object in ``data`` (UTF-8, -16 or -32); ``ModelError`` when it is none."""
    try:
        model = json.loads(data)
    except RecursionError:
        raise ModelError("the JSON is nested too deeply for an iJw message") from None
    except ValueError as exc:  # not JSON, not Unicode, or a number too long to read
        raise ModelError(f"not valid JSON: {exc}") from None
    if not isinstance(model, dict):
        raise ModelError('a JSON model is an object: {"message": "JW301", "Header": …}')
    return model


def model_of(data: bytes) -> JsonObject:
    """The JSON model of an XML message or of a JSON model (checked and put in the
    catalogue's order); raises ``InputRejected`` (unreadable XML) or ``ModelError``."""
    kind = sniff(data)
    if kind == "xml":
        return to_json(xmlparse.parse(data).getroot())
    if kind == "json":
        return to_json(from_json(read_model(data)))
    raise ModelError("this is neither an XML message nor a JSON model")


def json_to_xml(data: bytes) -> bytes:
    """The iJw XML file a JSON model stands for: what the gateway judges and stores."""
    return to_xml_bytes(read_model(data))


def render(model: JsonObject, to: Literal["json", "xml"]) -> bytes:
    """A model written as JSON (indented, UTF-8) or as an iJw XML file."""
    if to == "xml":
        return to_xml_bytes(model)
    return json.dumps(model, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
