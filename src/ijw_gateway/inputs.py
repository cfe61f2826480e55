"""Turn command-line paths into (name, bytes) pairs: files, directories and zip archives.

The exchange bundles up to 30 declarations in one zip; a larger archive, a member that
is too big (or packed too well, see ``unzip``) or an archive that is not a zip gets a
report of its own instead of a crash.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from ijw_gateway.errors import UsageError
from ijw_gateway.unzip import MAX_ZIP_MEMBERS, Item, members, problem
from ijw_gateway.xmlparse import MAX_BYTES

__all__ = ["MAX_ZIP_MEMBERS", "Item", "iter_items"]


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def _zip_items(path: Path) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        yield problem(str(path), "The file has a .zip name but is not a readable zip archive.")
        return
    with archive:
        yield from members(archive, str(path), lambda _, member: f"{path}!{member.filename}")


def _file_items(path: Path) -> Iterator[Item]:
    if path.suffix.lower() == ".zip":
        yield from _zip_items(path)
    else:
        yield Item(str(path), _read_capped(path))


def iter_items(paths: list[Path]) -> Iterator[Item]:
    """Every message-to-be in the given paths; an unreadable path is a usage error."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        try:
            if path.is_dir():
                for child in sorted(path.rglob("*")):
                    if child.is_file() and child.suffix.lower() in (".xml", ".zip"):
                        yield from _file_items(child)
            else:
                yield from _file_items(path)
        except PermissionError:
            raise UsageError(f"{path}: permission denied") from None
