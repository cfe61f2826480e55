"""Without chromium the browser tests skip (the Quick start needs only Python and pip);
with ``IJW_REQUIRE_BROWSER=1`` (CI) they fail instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import browser


def test_without_chromium_they_skip_unless_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("IJW_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-chromium is not installed"):
        browser.require_browser()
    monkeypatch.setenv("IJW_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="IJW_REQUIRE_BROWSER=1"):
        browser.require_browser()
