"""A request body as messages: one XML document, or a zip of at most 30 (the exchange's cap).

The same limits as ``inputs`` (which reads paths for the CLI): a larger archive, a member
that unpacks to more than 25 MB or a member that cannot be unpacked becomes an item with a
finding instead of bytes. Members are named by their position in the archive, never by
their file names.
"""

from __future__ import annotations

import io
import zipfile

from ijw_gateway.findings import Finding
from ijw_gateway.inputs import MAX_ZIP_MEMBERS, Item
from ijw_gateway.xmlparse import MAX_BYTES

ZIP_MAGIC = b"PK\x03\x04"
BODY_NAME = "<body>"


def _problem(name: str, text: str, rule: str | None = None) -> Item:
    return Item(name, problem=Finding("xml", rule, None, "/", 1, text))


def _members(archive: zipfile.ZipFile) -> list[Item]:
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_ZIP_MEMBERS:
        text = (
            f"The archive holds {len(members)} files; the exchange allows at most "
            f"{MAX_ZIP_MEMBERS} messages per zip. Split it into several archives."
        )
        return [_problem(BODY_NAME, text)]
    items = []
    for position, member in enumerate(members, 1):
        name = member_name(position)
        if member.file_size > MAX_BYTES:
            items.append(_problem(name, "This archive member unpacks to more than 25 MB.", "OP179"))
            continue
        try:
            with archive.open(member) as handle:
                items.append(Item(name, handle.read(MAX_BYTES + 1)))
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
            items.append(_problem(name, "This archive member cannot be unpacked."))
    return items


def member_name(position: int) -> str:
    """How a zip member is named in verdicts, the store and answers: by its position. A
    member's file name is the sender's text (it may hold a BSN or a client's name), and
    the gateway keeps only what it made or checked."""
    return f"<member {position}>"


def split_body(body: bytes) -> list[Item]:
    """The messages of a request body: itself, or the members of the zip it is."""
    if not body.startswith(ZIP_MAGIC):
        return [Item(BODY_NAME, body)]
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return _members(archive)
    except (zipfile.BadZipFile, OSError):
        return [_problem(BODY_NAME, "The body starts like a zip archive but cannot be read.")]
