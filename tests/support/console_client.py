"""The console over the API's test client (no browser): a form's CSRF token, signing in
with a key, and an operator's key, for the console tests that check access and actions
on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from httpx import Response

from ijw_gateway.parties import hash_key
from ijw_gateway.store import Store
from tests.support.service import TestClient

OPERATOR_KEY = "ijw.region-1.operator-secret-for-the-console-tests"


def form_token(client: TestClient, path: str = "/console/sign-in") -> str:
    """The CSRF token the page at ``path`` puts in its forms."""
    page = client.get(path)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text[:300]
    return found.group(1)


def sign_in(client: TestClient, key: str) -> Response:
    answer: Response = client.post(
        "/console/sign-in",
        data={"csrf": form_token(client), "api_key": key},
        follow_redirects=False,
    )
    return answer


def operator_key(store: Store) -> str:
    """An operator (``region``) with a key, made once per store: the key's text."""
    if not any(o.name == "region" for o in store.operators()):
        store.add_operator("region")
        store.add_operator_key(
            "region", hash_key("region-1", "operator-secret-for-the-console-tests")
        )
    return OPERATOR_KEY
