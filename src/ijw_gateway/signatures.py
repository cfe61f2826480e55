"""Signed pushes: an HMAC-SHA256 over the push's timestamp and body, per party.

Each push to a party carries ``X-Ijw-Timestamp`` (Unix seconds) and ``X-Ijw-Signature``
(``v1=`` and the hex HMAC-SHA256 of ``<timestamp>.`` followed by the body, exactly as
sent), keyed with that party's push secret. A party's secret is derived from the
gateway's signing key (``IJW_PUSH_SIGNING_KEY``) and the party code, so there is no table
of secrets to keep or leak: ``ijw-gateway parties push-secret CODE`` shows it once to
hand to the party, and a new signing key replaces every party's secret at once. The
receiver recomputes the signature, compares in constant time and refuses a timestamp
older than a few minutes (no replays); docs/service.md shows it in a few lines.
"""

from __future__ import annotations

import hashlib
import hmac

SCHEME = "v1"
TOLERANCE_SECONDS = 300


def party_secret(signing_key: str, party: str) -> str:
    """The push secret of ``party``: what the receiver verifies with."""
    label = f"ijw-push:{party}".encode()
    return hmac.new(signing_key.encode(), label, hashlib.sha256).hexdigest()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Ijw-Signature`` of a push of ``body`` at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signed: str,
    now: float,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """Whether ``signed`` is the signature of ``body`` at ``timestamp`` and the timestamp
    is within ``tolerance`` seconds of ``now`` (what a receiver checks; tests use it)."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, int(timestamp), body), signed)
