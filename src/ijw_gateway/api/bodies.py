"""What ``POST /v1/messages`` takes: iJw XML, a zip of it, or the JSON model of a message.

XML and zips are recognised by their first bytes, whatever the ``Content-Type`` says
(clients label them loosely), and the intake judges them as they are. A JSON model is
taken when the request says ``application/json``; the intake then judges, stores and
delivers the canonical XML it stands for, so reads, return messages and delivery work on
XML only. Any other body is refused before the intake, so it is never stored: ``415``
when its ``Content-Type`` names a type the route does not take, ``422`` otherwise.
"""

from __future__ import annotations

from ijw_gateway.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType
from ijw_gateway.messages.jsonmodel import ModelError
from ijw_gateway.messages.translate import json_to_xml, sniff
from ijw_gateway.xmlparse import MAX_BYTES

JSON = "application/json"
TAKEN = frozenset(
    {
        "application/xml",
        "text/xml",
        "application/zip",
        "application/x-zip-compressed",
        "application/octet-stream",
        JSON,
    }
)


def media_type(content_type: str | None) -> str | None:
    """``application/xml`` of ``Application/XML; charset=utf-8``; None when not given."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media or None


def takes_json(body: bytes, content_type: str | None) -> bool:
    """Whether ``body`` is to be read as a JSON model (it says ``application/json``);
    False for XML and zips. Refuses every other body (``415``/``422``)."""
    media = media_type(content_type)
    if media == JSON:
        if len(body) > MAX_BYTES:
            raise PayloadTooLarge(f"A JSON model is one message: at most {MAX_BYTES // 2**20} MB.")
        return True
    if sniff(body) in ("xml", "zip"):
        return False
    if media is not None and media not in TAKEN and not media.endswith("+xml"):
        raise UnsupportedMediaType(
            f"The body is {media[:60]}, which this route does not take: send an iJw XML "
            "message (application/xml), a zip of them (application/zip) or a message's JSON "
            "model (application/json).",
            "unsupported_media_type",
        )
    raise Unprocessable(
        "The body is neither an XML message nor a zip. For a message's JSON model, say so "
        "with Content-Type: application/json.",
        "not_a_message",
    )


def xml_of_json(body: bytes) -> bytes:
    """The iJw XML a JSON body stands for; ``422 invalid_json_model`` when it is none."""
    try:
        return json_to_xml(body)
    except ModelError as exc:
        raise Unprocessable(
            f"The JSON is not the model of an iJw message: {exc}.", "invalid_json_model"
        ) from None
