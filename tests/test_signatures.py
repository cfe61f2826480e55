"""The push signature: HMAC-SHA256 over timestamp and body, per party, time-bounded."""

from __future__ import annotations

import hashlib
import hmac

from ijw_gateway.signatures import party_secret, signature, verify


def test_the_signature_is_the_documented_hmac() -> None:
    secret = party_secret("key of the gateway", "0505")
    mac = hmac.new(secret.encode(), b"1700000000.<x/>", hashlib.sha256).hexdigest()
    assert signature(secret, 1_700_000_000, b"<x/>") == f"v1={mac}"


def test_every_party_has_its_own_secret_and_a_new_key_changes_them_all() -> None:
    assert party_secret("k", "0505") != party_secret("k", "0512")
    assert party_secret("k", "0505") != party_secret("other", "0505")
    assert party_secret("k", "0505") == party_secret("k", "0505")


def test_verify_refuses_other_bodies_old_timestamps_and_nonsense() -> None:
    secret, now = party_secret("k", "0505"), 1_700_000_000
    signed = signature(secret, now, b"body")
    assert verify(secret, str(now), b"body", signed, now + 299)
    assert not verify(secret, str(now), b"body", signed, now + 301)
    assert not verify(secret, str(now), b"other", signed, now)
    assert not verify(secret, "soon", b"body", signed, now)
    assert not verify(secret, str(now), b"body", "v1=00", now)
