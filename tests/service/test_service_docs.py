"""``/docs`` and ``/redoc`` work offline: every script, style and icon comes from the app."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.support.service import TestClient


class _References(HTMLParser):
    """The URLs a page makes the browser load (``src`` and ``href``)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_documentation_pages_load_only_what_the_app_serves(
    client: TestClient, page: str
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    parser = _References()
    parser.feed(html)
    assert len(parser.urls) >= 2  # a script and a style or icon, at least
    for url in parser.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 100, url
        suffix = url[url.rindex(".") :]
        assert _TYPES[suffix] in asset.headers["content-type"], url
    assert "/openapi.json" in html and client.get("/openapi.json").status_code == 200


def test_the_local_vecozo_serves_no_documentation_page_that_would_need_a_cdn(
    client: TestClient,
) -> None:
    for page in ("/vecozo/docs", "/vecozo/redoc"):
        response = client.get(page)
        assert response.status_code == 404 or "cdn" not in response.text, page
