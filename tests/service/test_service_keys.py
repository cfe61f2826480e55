"""The verified-key cache: a key is trusted for a short while after it was verified, so a
revoked key stops working within that time; a full cache lets go of the least recently
used keys, never of all of them at once."""

from __future__ import annotations

from ijw_gateway.gateway import CACHE_SECONDS, KEYS_CACHED, Gateway, KeyCache
from ijw_gateway.store import Store
from tests.support.service import GEMEENTE, demo_key


class Clock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_verified_key_is_trusted_for_the_cache_time_and_no_longer() -> None:
    clock = Clock()
    cache = KeyCache(timer=clock)
    cache.put("digest", GEMEENTE)
    clock.now += CACHE_SECONDS - 0.01
    assert cache.get("digest") == GEMEENTE
    clock.now += 0.01
    assert cache.get("digest") is None
    assert cache.get("never put") is None


def test_a_full_cache_lets_the_least_recently_used_key_go() -> None:
    """The cache used to empty itself when it passed its size: every party's next request
    went to the store at once."""
    cache = KeyCache(timer=Clock())
    for n in range(KEYS_CACHED):
        cache.put(f"d{n}", f"p{n}")
    assert cache.get("d0") == "p0"  # used: d1 is now the least recently used
    cache.put("new", "p-new")
    cache.put("newer", "p-newer")
    assert cache.get("d1") is None and cache.get("d2") is None
    kept = [cache.get(d) for d in ("d0", "d3", f"d{KEYS_CACHED - 1}", "new", "newer")]
    assert kept == ["p0", "p3", f"p{KEYS_CACHED - 1}", "p-new", "p-newer"]


def test_a_revoked_key_stops_working_once_its_cache_time_is_over(
    gateway: Gateway, store: Store
) -> None:
    clock = Clock()
    gateway._keys = KeyCache(timer=clock)
    key = demo_key(GEMEENTE)
    assert gateway.authenticate(key) == GEMEENTE
    assert gateway.known_key(key) == GEMEENTE  # the event loop's check, without the store
    store.revoke_key(f"demo-{GEMEENTE}")
    assert gateway.authenticate(key) == GEMEENTE  # still trusted for a moment
    clock.now += CACHE_SECONDS
    assert gateway.known_key(key) is None
    assert gateway.authenticate(key) is None
