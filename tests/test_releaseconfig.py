"""``IJW_RELEASES``: answer versions and freeze windows, checked once where they are read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.config import Settings
from ijw_gateway.errors import ConfigurationError, Frozen
from ijw_gateway.freeze import FreezeGate
from ijw_gateway.releaseconfig import ReleaseConfig, load_release_config
from tests.support.variants import catalogue_document

WINDOW = """
[[freeze]]
release = "3.2"
messages = ["JW301", "JW315"]
start = 2026-03-27T18:00:00+01:00
end = 2026-04-01T08:00:00+02:00
"""
INSIDE = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)


def _config(tmp_path: Path, text: str) -> ReleaseConfig:
    path = tmp_path / "releases.toml"
    path.write_text(text, encoding="utf-8")
    return load_release_config(path)


def test_no_file_means_nothing_frozen_and_the_catalogues_versions() -> None:
    config = load_release_config(None)
    assert config.freeze == () and config.answer_versions("3.2") == (None, None)
    assert Settings.from_env({"IJW_RELEASES": "/etc/ijw/releases.toml"}).releases == Path(
        "/etc/ijw/releases.toml"
    )


def test_versions_and_windows_are_read(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        '[release."3.2"]\nxsd_versie_retour = { basisschema = "1.0.0", bericht = "1.2.0" }\n'
        + WINDOW,
    )
    assert config.answer_versions("3.2") == (
        {"BasisschemaXsdVersie": "1.0.0", "BerichtXsdVersie": "1.2.0"},
        None,
    )
    window = config.window("3.2", "JW301", INSIDE)
    assert window is not None and window.end == datetime(2026, 4, 1, 6, 0, tzinfo=UTC)
    assert config.window("3.2", "JW305", INSIDE) is None  # another message type
    assert config.window("3.2", "JW301", window.end) is None  # the end is free again
    assert config.window("3.2", "JW301", window.start) is window


def test_a_window_without_messages_holds_every_message_of_its_release(tmp_path: Path) -> None:
    config = _config(tmp_path, WINDOW.replace('messages = ["JW301", "JW315"]\n', ""))
    assert all(config.window("3.2", m, INSIDE) for m in ("JW301", "JW323", "JW325"))
    assert config.window("2.3", "JW301", INSIDE) is None


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (WINDOW.replace('release = "3.2"', 'release = "3.3"'), "unknown release '3.3'"),
        (WINDOW.replace('"JW315"', '"JW303"'), "release 3.2 has no JW303"),
        (WINDOW.replace("2026-04-01T08", "2026-03-01T08"), "end must come after start"),
        (WINDOW.replace("18:00:00+01:00", "18:00:00"), "timezone"),
        (WINDOW.replace("[[freeze]]", "[[freezes]]"), "unknown field"),
        ('[release."9.9"]\nxslt_versie = "1.0.0"\n', "unknown release"),
        ('[release."3.2"]\nxslt_versie = "1.0"\n', "xslt_versie"),
        ("[[freeze]\n", "TOML"),
    ],
)
def test_a_bad_file_is_a_configuration_error_naming_it(
    tmp_path: Path, text: str, complaint: str
) -> None:
    with pytest.raises(ConfigurationError) as refused:
        _config(tmp_path, text)
    assert "IJW_RELEASES" in str(refused.value) and "releases.toml" in str(refused.value)
    assert complaint.lower() in str(refused.value).lower()
    assert refused.value.exit_code == 2


def test_a_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot be read"):
        load_release_config(tmp_path / "nope.toml")


def test_the_gate_refuses_what_a_window_holds_with_the_moment_to_retry(tmp_path: Path) -> None:
    gate = FreezeGate(_config(tmp_path, WINDOW), lambda: INSIDE)
    allocation = xmlparse.parse(catalogue_document("JW301"))
    with pytest.raises(Frozen) as frozen:
        gate.admit(allocation)
    refused = frozen.value
    assert refused.http_status == 503 and refused.code == "frozen"
    assert refused.retry_after == int(timedelta(days=1, hours=18).total_seconds())
    assert refused.until == datetime(2026, 4, 1, 6, 0, tzinfo=UTC)
    text = refused.finding.text
    assert "frozen for JW301 messages of iJw 3.2" in text
    assert "until 2026-04-01 06:00 UTC" in text and "Send the same message again after" in text
    assert refused.finding.path == "/Bericht" and refused.finding.level == "policy"


def test_the_gate_lets_everything_else_pass(tmp_path: Path) -> None:
    gate = FreezeGate(_config(tmp_path, WINDOW), lambda: INSIDE)
    gate.admit(xmlparse.parse(catalogue_document("JW305")))  # another type
    gate.admit(xmlparse.parse(catalogue_document("JW301", "2.3")))  # another release
    gate.admit(etree.ElementTree(etree.fromstring(b"<html/>")))  # no iJw message
    gate.admit(None)  # not XML at all
    later = FreezeGate(_config(tmp_path, WINDOW), lambda: datetime(2026, 4, 2, tzinfo=UTC))
    later.admit(xmlparse.parse(catalogue_document("JW301")))
