"""A request body as messages: one XML document, or a zip of at most 30 (the exchange's cap).

The same limits as ``inputs`` (which reads paths for the CLI), both through ``unzip``: a
larger archive, a member that unpacks to more than 25 MB or packs too well, members past
the archive's unpacked total, or a member that cannot be unpacked become items with a
finding instead of bytes. Members are named by their position in the archive, never by
their file names.
"""

from __future__ import annotations

import io
import zipfile

from ijw_gateway import unzip
from ijw_gateway.unzip import Item

ZIP_MAGIC = b"PK\x03\x04"
BODY_NAME = "<body>"


def _name(position: int, _member: zipfile.ZipInfo) -> str:
    return member_name(position + 1)


def unpacked_size(body: bytes) -> int:
    """How large a body is unpacked, as far as it says: its length, or for a zip the sizes
    its members declare (``unzip`` refuses an archive that declares too much)."""
    if not body.startswith(ZIP_MAGIC):
        return len(body)
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return len(body)


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
            return list(unzip.members(archive, BODY_NAME, _name))
    except (zipfile.BadZipFile, OSError):
        return [unzip.problem(BODY_NAME, "The body starts like a zip archive but cannot be read.")]
