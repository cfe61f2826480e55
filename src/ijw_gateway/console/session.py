"""Console sessions: an API key exchanged for a signed cookie, and CSRF tokens for forms.

The cookie holds the principal (a party's code or ``operator:<name>``) and the id of the
key that signed in, signed with itsdangerous (never the key itself). Every request checks
that this key is still active, so revoking a key ends its sessions at once. Forms carry a
signed random token that must equal the one in the ``ijw_csrf`` cookie (double submit);
with SameSite=Strict cookies that stops another site posting in a user's name.

The signing secret is ``IJW_CONSOLE_SECRET``; without it ``serve`` makes one for all of its
processes (sessions then end when it restarts), so only several ``serve`` commands behind
one address need the setting.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from ijw_gateway.monitoring.access import OPERATOR, Viewer

SESSION_COOKIE = "ijw_session"
CSRF_COOKIE = "ijw_csrf"
LANG_COOKIE = "ijw_lang"
SESSION_SECONDS = 8 * 3600  # a working day; then sign in again


@dataclass(frozen=True)
class Session(Viewer):
    """Who is signed in (the monitoring ``Viewer``: what they may see), with which key."""

    key_id: str = ""

    @property
    def label(self) -> str:
        """How the page names the user: the party code, or the operator's name."""
        return self.principal.removeprefix(OPERATOR)


class Signer:
    """Issues and reads session cookies and CSRF tokens with one secret."""

    def __init__(self, secret: str | None) -> None:
        key = secret or secrets.token_urlsafe(32)
        self._sessions = URLSafeTimedSerializer(key, salt="ijw-console-session")
        self._forms = URLSafeTimedSerializer(key, salt="ijw-console-csrf")

    def issue(self, principal: str, key_id: str) -> str:
        return self._sessions.dumps({"p": principal, "k": key_id})

    def read(self, cookie: str | None) -> Session | None:
        """The session a cookie holds; None when absent, forged or older than a day's work."""
        if not cookie:
            return None
        try:
            data = self._sessions.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        principal, key_id = data.get("p"), data.get("k")
        if not isinstance(principal, str) or not isinstance(key_id, str):
            return None
        return Session(principal, key_id)

    def new_token(self) -> str:
        return self._forms.dumps(secrets.token_hex(16))

    def token_ok(self, cookie: str | None, sent: str | None) -> bool:
        """The form's token is the cookie's, and was made here."""
        if not cookie or not sent or not hmac.compare_digest(cookie, sent):
            return False
        try:
            self._forms.loads(sent)
        except BadSignature:
            return False
        return True
