"""The CBS municipality list and the merger tolerance data (TR378)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ijw_gateway.catalogue.gemeenten import current_codes, is_valid_code, retired_codes

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "ijw-3.2"


def test_current_list_matches_the_published_code_list() -> None:
    path = SHARED / "codelists.json"
    if not path.exists():
        pytest.skip("shared reference data not present")
    published = json.loads(path.read_text(encoding="utf-8"))["CBS-GEMEENTE"]["codes"]
    assert dict(current_codes()) == published


def test_retired_codes_are_gone_and_their_successors_current() -> None:
    current = current_codes()
    for code, retired in retired_codes().items():
        assert code not in current, code
        assert retired.successor in current, code


def test_retired_code_is_valid_only_up_to_its_last_day() -> None:
    assert is_valid_code("0505")
    assert not is_valid_code("0501")
    assert is_valid_code("0501", [date(2022, 12, 31)])
    assert not is_valid_code("0501", [date(2023, 1, 1)])
    assert is_valid_code("0457", [date(2023, 1, 1), date(2022, 3, 23)])
    assert not is_valid_code("9999", [date(2000, 1, 1)])
