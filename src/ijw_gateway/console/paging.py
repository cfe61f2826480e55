"""The console's lists a page at a time, with the API's cursors.

A list shows at most ``limit`` rows (the API's ``limit``, capped as the API caps it) and,
when there are more, a "next page" link that carries the API's ``next``: an outbox row id
for the dead letters, the outbox and the mailbox (``GET /v1/deadletters``, ``/v1/outbox``,
``/v1/mailbox``), the opaque message cursor for the search (``GET /v1/messages``). One
more row than shown is read to know whether there are more, as the API does, so a page
costs the same however long the list. A cursor or limit the console did not hand out is
refused with a clear message (422), never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

from ijw_gateway.console.web import refused

T = TypeVar("T")
ROW = re.compile(r"[0-9]{1,18}")  # the API's pattern of an outbox row cursor


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of one page and the cursor of the next (None: this is the last)."""

    items: list[T]
    next: str | None


def limit_of(given: str | None, most: int) -> int:
    """The rows a page shows: ``given`` (1 to ``most``), else ``most``."""
    if not given:
        return most
    if not given.isdigit() or not 1 <= int(given) <= most:
        raise refused(f"'limit' is a number from 1 to {most}.")
    return int(given)


def row_after(given: str | None, name: str = "after") -> int | None:
    """The outbox row a page starts after (the API's ``next``), or None: the first page."""
    if not given:
        return None
    if ROW.fullmatch(given) is None:
        raise refused(f"'{name}' is not a cursor of this page.")
    return int(given)


def rows_page(rows: list[T], limit: int, place: Callable[[T], int]) -> Page[T]:
    """A page of ``rows`` (``limit + 1`` were read: one more says there are more)."""
    page = rows[:limit]
    return Page(page, str(place(page[-1])) if len(rows) > limit else None)


def href(path: str, params: Mapping[str, object]) -> str:
    """``path`` with the parameters that are set (cursors and limits only: nothing a user
    typed, so nothing personal, lands in a URL)."""
    given = {name: str(value) for name, value in params.items() if value is not None}
    return f"{path}?{urlencode(given)}" if given else path
