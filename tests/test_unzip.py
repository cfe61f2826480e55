"""``unzip``: archives are unpacked within bounds, checked before anything is unpacked."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ijw_gateway import cli
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.scenario import test_bsns as bsns
from ijw_gateway.unzip import MAX_RATIO, MAX_UNPACKED, RATIO_FREE, Item, members
from ijw_gateway.zipped import split_body

MB = 2**20


def archive(*members: tuple[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as out:
        for name, data in members:
            out.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def unpacked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the bytes ``zipfile`` hands out: what unpacking actually produced."""
    counts: list[int] = []
    read = zipfile.ZipExtFile.read

    def counting(self: zipfile.ZipExtFile, n: int | None = -1) -> bytes:
        data = read(self, n)
        counts.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    yield counts


def only_problem(items: list[Item]) -> str:
    (item,) = items
    assert item.data is None and item.problem is not None
    return item.problem.text


def test_an_archive_that_unpacks_to_more_than_the_total_is_refused_unopened(
    unpacked: list[int],
) -> None:
    """The attack of issue F: members of 24 MB of one character (the gateway unpacked
    750 MB of them). Refused as a whole, nothing unpacked."""
    bomb = archive(*((f"m{n}.xml", b"a" * (24 * MB)) for n in range(3)))
    assert len(bomb) < MB
    text = only_problem(split_body(bomb))
    assert f"at most {MAX_UNPACKED // MB} MB per archive" in text
    assert sum(unpacked) == 0


def test_a_member_packed_like_a_bomb_is_not_unpacked(unpacked: list[int]) -> None:
    good = b.to_bytes(b.jw305())
    body = archive(("bomb.xml", b" " * (10 * MB)), ("good.xml", good))
    bomb, kept = split_body(body)
    assert bomb.data is None and bomb.problem is not None
    assert f"packed more than {MAX_RATIO} to 1" in bomb.problem.text
    assert kept.data == good
    assert sum(unpacked) == len(good)


def test_a_large_declaration_packs_well_and_is_unpacked() -> None:
    clients = {bsn: [b.prestatie(f"P{n}", nummer=n)] for n, bsn in enumerate(bsns()[:3000])}
    data = b.to_bytes(b.jw323(clients=clients))
    body = archive(("big.xml", data))
    assert len(data) / len(body) > 20  # alike lines pack well, yet stay under the ratio
    (item,) = split_body(body)
    assert item.data == data


def test_small_members_may_pack_as_well_as_they_like() -> None:
    data = b" " * (RATIO_FREE - 1)
    (item,) = split_body(archive(("blank.xml", data)))
    assert item.data == data


def test_other_packing_methods_are_not_unpacked(unpacked: list[int]) -> None:
    body = archive(("x.xml", b.to_bytes(b.jw305())), method=zipfile.ZIP_BZIP2)
    assert "another method than deflate" in only_problem(split_body(body))
    assert sum(unpacked) == 0


def test_a_member_that_declares_more_than_25_mb_is_op179(unpacked: list[int]) -> None:
    body = archive(("huge.xml", b"<a>" + b"x" * (25 * MB) + b"</a>"))
    (item,) = split_body(body)
    assert item.problem is not None and item.problem.rule == "OP179"
    assert sum(unpacked) == 0


def test_the_command_line_reads_zip_files_within_the_same_bounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], unpacked: list[int]
) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(archive(*((f"m{n}.xml", b"a" * (24 * MB)) for n in range(3))))
    assert cli.main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.count("REJECTED") == 1 and "per archive" in out
    assert sum(unpacked) == 0
    with zipfile.ZipFile(path) as opened:
        named = list(members(opened, "bomb.zip", lambda n, _: f"#{n}"))
    assert [i.name for i in named] == ["bomb.zip"]
