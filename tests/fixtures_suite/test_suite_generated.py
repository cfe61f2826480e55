"""The checked-in suite is exactly what the generator writes, and the manifest lists it all."""

from __future__ import annotations

from pathlib import Path

from ijw_gateway.fixtures import suite as generator
from ijw_gateway.fixtures.manifest import MANIFEST, REGENERATE, Manifest

REFRESH = f"The checked-in suite is out of date; refresh it with:\n    {REGENERATE}"


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name not in generator.KEEP
    }


def test_checked_in_suite_equals_a_fresh_generation(suite_dir: Path, tmp_path: Path) -> None:
    generator.generate(tmp_path)
    fresh, checked_in = _tree(tmp_path), _tree(suite_dir)
    missing = sorted(set(fresh) - set(checked_in))
    extra = sorted(set(checked_in) - set(fresh))
    changed = sorted(p for p in set(fresh) & set(checked_in) if fresh[p] != checked_in[p])
    assert not (missing or extra or changed), (
        f"{REFRESH}\nmissing: {missing[:10]}\nnot generated: {extra[:10]}\nchanged: {changed[:10]}"
    )


def test_generation_is_deterministic() -> None:
    assert generator.build().files() == generator.build().files()


def test_every_file_is_in_the_manifest_and_every_entry_has_a_file(
    suite_dir: Path, manifest: Manifest
) -> None:
    on_disk = {p.relative_to(suite_dir).as_posix() for p in suite_dir.rglob("*.xml")}
    listed = [e.file for e in manifest.files()]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert sorted(on_disk - set(listed)) == [], "files missing from the manifest"
    assert sorted(set(listed) - on_disk) == [], "manifest entries without a file"


def test_check_mode_reports_a_tampered_suite(suite_dir: Path, tmp_path: Path) -> None:
    generator.generate(tmp_path)
    (tmp_path / MANIFEST).write_text("{}", encoding="utf-8")
    victim = next(tmp_path.rglob("*.xml"))
    victim.unlink()
    (tmp_path / "stray.xml").write_bytes(b"<x/>")
    assert generator.main(["check", str(tmp_path)]) == 1
    found = generator.differences(tmp_path)
    assert f"differs: {MANIFEST}" in found
    assert any(line.startswith("missing: ") for line in found)
    assert "not generated: stray.xml" in found


def test_generate_removes_stale_files_and_keeps_the_readme(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("for testers", encoding="utf-8")
    (tmp_path / "old" / "gone.xml").parent.mkdir()
    (tmp_path / "old" / "gone.xml").write_bytes(b"<x/>")
    assert generator.main(["generate", str(tmp_path)]) == 0
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "for testers"
    assert not (tmp_path / "old").exists()
    assert generator.main(["check", str(tmp_path)]) == 0


def test_usage_errors_exit_2() -> None:
    assert generator.main([]) == 2
    assert generator.main(["frobnicate", "x"]) == 2
