"""The export's pseudonyms: a keyed hash (HMAC-SHA256) of a BSN or an allocation number.

The same key gives the same pseudonym, so records of one client or allocation can be
followed across exports; without the key a pseudonym cannot be tried against the 10⁹
possible BSNs. The key comes from configuration (``IJW_EXPORT_KEY``); without one the
export refuses.
"""

from __future__ import annotations

import hashlib
import hmac

LENGTH = 32  # hex characters: 128 bits


def pseudonym(key: str, kind: str, value: str) -> str:
    """``kind`` separates the spaces (a BSN and an allocation number never collide)."""
    mac = hmac.new(key.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return mac.hexdigest()[:LENGTH]
