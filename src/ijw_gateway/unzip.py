"""The members of a zip archive, unpacked within bounds (the CLI's files and the API's bodies).

A zip is a few bytes that can stand for gigabytes: 30 members of 25 MB of one repeated
character pack into 800 kB. So before anything is unpacked, what the archive declares is
checked against the limits, and what does not fit is never unpacked:

* at most ``MAX_ZIP_MEMBERS`` messages (the exchange's batch), and at most
  ``MAX_UNPACKED`` bytes unpacked in all; otherwise the archive as a whole gets a finding;
* per member: at most 25 MB unpacked (``xmlparse.MAX_BYTES``, OP179), at most
  ``MAX_RATIO`` times its packed size once past ``RATIO_FREE`` (iJw XML packs 3-5 to 1, a
  declaration of thousands of alike lines about 70 to 1, a zip bomb about 1,000 to 1),
  and packed with deflate or not at all (``zipfile`` bounds what each read of those
  unpacks; bzip2 and LZMA it unpacks a whole block at a time).

The declared sizes bind: ``zipfile`` never returns more of a member than its entry
declares (the CRC check then fails), and unpacks a deflated member a bounded chunk at a
time, so the work is bounded by the sizes checked here. A member refused this way
becomes an item with a finding and no bytes: it is answered, not stored.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ijw_gateway.findings import Finding
from ijw_gateway.xmlparse import MAX_BYTES

MAX_ZIP_MEMBERS = 30
MAX_UNPACKED = 64 * 2**20  # as much as a request body may be (``api.routes.MAX_BODY``)
MAX_RATIO = 200
RATIO_FREE = 2**20  # below this a member may pack as well as it likes: it is small anyway
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


@dataclass(frozen=True)
class Item:
    """One input: its display name and either its bytes or the finding that replaced them."""

    name: str
    data: bytes | None = None
    problem: Finding | None = None


Naming = Callable[[int, zipfile.ZipInfo], str]
"""The name an item gets: from its position in the archive and its entry."""


def problem(name: str, text: str, rule: str | None = None) -> Item:
    return Item(name, problem=Finding("xml", rule, None, "/", 1, text))


def members(archive: zipfile.ZipFile, archive_name: str, naming: Naming) -> Iterator[Item]:
    """Every file in ``archive`` as an item, within the limits above."""
    entries = [m for m in archive.infolist() if not m.is_dir()]
    refusal = _refusal(entries)
    if refusal is not None:
        yield problem(archive_name, refusal)
        return
    for position, entry in enumerate(entries):
        yield _member(archive, entry, naming(position, entry))


def _refusal(entries: list[zipfile.ZipInfo]) -> str | None:
    """Why the archive is refused as a whole, from what it declares; None when it is not."""
    if len(entries) > MAX_ZIP_MEMBERS:
        return (
            f"The archive holds {len(entries)} files; the exchange allows at most "
            f"{MAX_ZIP_MEMBERS} messages per zip. Split it into several archives."
        )
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_UNPACKED:
        return (
            f"The archive unpacks to {unpacked / 1e6:,.0f} MB; the gateway unpacks at most "
            f"{MAX_UNPACKED // 2**20} MB per archive. Split it into several archives."
        )
    return None


def _member(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str) -> Item:
    if entry.file_size > MAX_BYTES:
        return problem(name, "This archive member unpacks to more than 25 MB.", "OP179")
    if entry.compress_type not in _METHODS:
        return problem(
            name,
            "This archive member was not unpacked: it is packed with another method than "
            "deflate. Pack messages with deflate (what zip tools do by default).",
        )
    if entry.file_size > max(RATIO_FREE, MAX_RATIO * entry.compress_size):
        return problem(
            name,
            f"This archive member was not unpacked: it is packed more than {MAX_RATIO} to 1, "
            "which no iJw message is.",
        )
    try:
        with archive.open(entry) as handle:
            return Item(name, handle.read(entry.file_size))
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return problem(name, "This archive member cannot be unpacked.")
