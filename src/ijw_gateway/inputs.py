"""Turn command-line paths into (name, bytes) pairs: files, directories and zip archives.

The exchange bundles up to 30 declarations in one zip; a larger archive, a member that
is too big (or packed too well, see ``unzip``) or an archive that is not a zip gets a
report of its own instead of a crash. ``-`` is one message on standard input.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Collection, Iterator
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


STDIN = Path("-")
_KINDS = (".xml", ".zip")


def iter_items(paths: list[Path], skip: Collection[Path] = ()) -> Iterator[Item]:
    """Every message-to-be in the given paths; an unreadable path, or a directory without
    a single .xml or .zip file, is a usage error. Files of a directory that lie in
    ``skip`` (files or directories) are left out."""
    left_out = [s.resolve() for s in skip if s != STDIN]
    for path in paths:
        if path == STDIN:
            yield Item("<stdin>", sys.stdin.buffer.read(MAX_BYTES + 1))
            continue
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        try:
            if path.is_dir():
                yield from _dir_items(path, left_out)
            else:
                yield from _file_items(path)
        except PermissionError:
            raise UsageError(f"{path}: permission denied") from None


def _dir_items(path: Path, left_out: list[Path]) -> Iterator[Item]:
    files = [c for c in sorted(path.rglob("*")) if c.is_file() and c.suffix.lower() in _KINDS]
    if not files:
        raise UsageError(f"{path}: the directory holds no .xml or .zip file")
    for child in files:
        resolved = child.resolve()
        if not any(resolved == s or s in resolved.parents for s in left_out):
            yield from _file_items(child)


def one_message(path: Path) -> tuple[str, bytes]:
    """The name and bytes of the single message at ``path`` (a file, ``-``, or a zip of
    one); anything else is a usage error."""
    items = list(iter_items([path]))
    if len(items) != 1:
        raise UsageError(f"{path}: give exactly one message ({len(items)} found)")
    item = items[0]
    if item.data is None:
        assert item.problem is not None
        raise UsageError(f"{item.name}: {item.problem.text}")
    return item.name, item.data
