"""Push delivery of one message to a receiver's endpoint: httpx behind a transport seam.

``Deliverer(transport=...)`` takes any ``httpx.BaseTransport`` (tests pass
``httpx.MockTransport``). httpx's exceptions are translated here and nowhere else into an
``Attempt``: delivered, worth retrying (5xx, 408, 429, timeouts, connection failures) or
not (any other 4xx, redirects, an unusable URL). A 408 or 429 asks the sender to come back
later, so they are retried although they are 4xx.

Retries happen on two time scales, both with exponential backoff and jitter from
tenacity: a few quick tries inside one attempt (``Retrying``, bounded in count and
seconds), then the outbox schedules the next attempt (``backoff``) until the deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

USER_AGENT = "ijw-gateway"
_RETRYABLE_4XX = frozenset({408, 429})


@dataclass(frozen=True)
class Parcel:
    """What one push carries: the bytes exactly as received, and where they go.

    A channel that wraps the message (a StUF envelope) needs the receiver's code and the
    id of the message it answers as well."""

    message_id: str
    endpoint: str
    raw: bytes
    type: str | None
    sender: str | None
    trace_id: str
    receiver: str | None = None
    conversation_id: str | None = None
    answers_id: str | None = None


@dataclass(frozen=True)
class Attempt:
    delivered: bool
    retryable: bool
    detail: str  # "HTTP 503", "timeout" — never content


class RetryLater(Exception):
    """This try failed in a way that sending again may mend (``detail`` says how)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class GiveUp(Exception):
    """Sending again would fail the same way (``detail`` says why)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def usable_endpoint(endpoint: str) -> bool:
    """An absolute http(s) URL with a host."""
    try:
        url = httpx.URL(endpoint)
    except httpx.InvalidURL:
        return False
    return url.scheme in ("http", "https") and bool(url.host)


def _headers(parcel: Parcel) -> dict[str, str]:
    return {
        "Content-Type": "application/xml",
        "User-Agent": USER_AGENT,
        "Idempotency-Key": parcel.message_id,
        "X-Ijw-Message-Id": parcel.message_id,
        "X-Ijw-Message-Type": parcel.type or "",
        "X-Ijw-Sender": parcel.sender or "",
        "X-Trace-Id": parcel.trace_id,
    }


def judge_status(status: int) -> None:
    """A 2xx passes; 5xx, 408 and 429 are worth another try; anything else is not."""
    if 200 <= status < 300:
        return
    if status >= 500 or status in _RETRYABLE_4XX:
        raise RetryLater(f"HTTP {status}")
    raise GiveUp(f"HTTP {status}")


def post(
    client: httpx.Client, endpoint: str, content: bytes, headers: Mapping[str, str]
) -> httpx.Response:
    """POST once; httpx's exceptions become ``RetryLater`` or ``GiveUp`` here and nowhere
    else (every channel that speaks HTTP posts through this)."""
    if not usable_endpoint(endpoint):
        raise GiveUp("the endpoint URL cannot be used")
    try:
        return client.post(endpoint, content=content, headers=headers)
    except httpx.UnsupportedProtocol:
        raise GiveUp("the endpoint URL cannot be used") from None
    except httpx.TimeoutException:
        raise RetryLater("timeout") from None
    except httpx.TransportError as exc:
        raise RetryLater(f"connection failed ({type(exc).__name__})") from None
    except (httpx.HTTPError, httpx.InvalidURL):
        raise GiveUp("the endpoint URL cannot be used") from None


def with_retries(send_once: Callable[[], str], tries: int, max_seconds: float) -> Attempt:
    """Try ``send_once`` a few times quickly (it returns what arrived, or raises
    ``RetryLater``/``GiveUp``); say whether it arrived and, if not, whether to retry."""
    retrying = Retrying(
        stop=stop_after_attempt(tries) | stop_after_delay(max_seconds),
        wait=wait_exponential_jitter(multiplier=0.2, max=2.0, jitter=0.2),
        retry=retry_if_exception_type(RetryLater),
        reraise=True,
    )
    try:
        for attempt in retrying:
            with attempt:
                detail = send_once()
    except RetryLater as failed:
        return Attempt(False, True, failed.detail)
    except GiveUp as refused:
        return Attempt(False, False, refused.detail)
    return Attempt(True, False, detail)


class Deliverer:
    """Pushes parcels; one instance is shared by a worker's threads (httpx.Client is)."""

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
        tries: int = 3,
        max_seconds: float = 25.0,
    ) -> None:
        self.client = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False)
        self.tries = tries
        self.max_seconds = max_seconds

    def close(self) -> None:
        self.client.close()

    def _post(self, parcel: Parcel) -> str:
        response = post(self.client, parcel.endpoint, parcel.raw, _headers(parcel))
        judge_status(response.status_code)
        return "HTTP 2xx"

    def send(self, parcel: Parcel) -> Attempt:
        """Try a few times quickly; say whether it arrived and, if not, whether to retry."""
        return with_retries(lambda: self._post(parcel), self.tries, self.max_seconds)


_BACKOFF = wait_exponential_jitter(multiplier=30.0, max=3600.0, exp_base=2.0, jitter=30.0)


def backoff(attempt: int) -> float:
    """Seconds until outbox attempt ``attempt + 1``: 30 s, 1 min, 2 min … at most an hour."""
    state = RetryCallState(Retrying(), None, (), {})
    state.attempt_number = max(1, attempt)
    return float(_BACKOFF(state))
