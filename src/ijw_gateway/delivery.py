"""Delivery channels: one parcel in, one reported attempt out (the seam httpx calls a transport).

    Channel.send(Parcel) -> Attempt
    ├── PushChannel      our own HTTP push of the bytes to the receiver's endpoint
    ├── MailboxChannel   leaves the message in the receiver's mailbox (it pulls)
    ├── VecozoChannel    VECOZO REST push (``ijw_gateway.vecozo.channel``)
    └── StufChannel      StUF-GGk Di01/Du01 to a back office (issue H, the StUF side)

The outbox, its leases, retries and dead letters never know which channel they drive: the
worker asks the ``Switchboard`` for the channel of a receiver's route and reports the
``Attempt``. A test double is any object with ``name`` and ``send``.

Channels that speak HTTP share one mechanism: ``HttpChannel`` (push, VECOZO) or, for a
channel that builds its request once per attempt (StUF), ``post`` and ``with_retries``.
httpx's exceptions are translated here and nowhere else (``call``) into delivered, worth
retrying (``RetryLater``: 5xx, 408, 429, timeouts, connection and TLS failures) or not
(``GiveUp``: any other 4xx, redirects, an unusable URL). A 408 or 429 asks the sender to
come back later, so they are retried although they are 4xx.

Retries happen on two time scales, both with exponential backoff and jitter from
tenacity: a few quick tries inside one attempt (``Retrying``, bounded in count and
seconds), then the outbox schedules the next attempt (``backoff``) until the deadline.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from ijw_gateway.errors import ConfigurationError
from ijw_gateway.errors import GiveUp as GiveUp  # the channels' outcomes, named here too
from ijw_gateway.errors import RetryLater as RetryLater
from ijw_gateway.signatures import party_secret, signature
from ijw_gateway.tracing import traceparent
from ijw_gateway.wire import WireRefs

USER_AGENT = "ijw-gateway"
_RETRYABLE_4XX = frozenset({408, 429})


@dataclass(frozen=True)
class Parcel:
    """What one delivery carries: the bytes exactly as received, and where they go.

    A channel that wraps the message (a StUF envelope) or names it to an exchange (VECOZO)
    needs the receiver's code and the id of the message it answers as well."""

    message_id: str
    endpoint: str
    raw: bytes
    type: str | None
    sender: str | None
    trace_id: str
    receiver: str | None = None
    conversation_id: str | None = None  # ours: the id of the conversation's first message
    answers_id: str | None = None  # ours: the message this one answers (a retour, a JW325)
    release: str | None = None
    refs: WireRefs = field(default_factory=WireRefs)
    advice: Advice | None = None  # the receiver answers itself: the gateway's verdict


@dataclass(frozen=True)
class Advice:
    """The gateway's verdict on a message whose receiver answers it (answer mode
    ``party``): said in push headers; the advice itself is read with ``format=advice``."""

    accepted: bool
    retourcodes: tuple[str, ...]


def advice_of(verdict: str | None, advice: bytes | None) -> Advice | None:
    """The advice a stored verdict (JSON) gives, when the gateway kept one."""
    if advice is None or verdict is None:
        return None
    report = json.loads(verdict)
    codes = tuple(str(code) for code in report.get("retourcodes", ()))
    return Advice(bool(report.get("accepted")), codes)


@dataclass(frozen=True)
class Attempt:
    delivered: bool
    retryable: bool
    detail: str  # "HTTP 503", "timeout" — never content
    held: bool = False  # left in the receiver's mailbox: neither delivered nor failed


class Channel(Protocol):
    name: str

    def send(self, parcel: Parcel) -> Attempt: ...


@dataclass(frozen=True)
class Route:
    """How one party receives its messages: its channel, endpoint and channel settings."""

    channel: str
    endpoint: str | None = None
    settings: tuple[tuple[str, str], ...] = ()


ChannelFactory = Callable[[Route], Channel]


class Switchboard:
    """The channels a worker sends over, built once per route from their factories.

    ``names`` are the channels whose queued messages the worker claims: every factory's
    but the mailbox's, whose messages wait for their receiver to pull them."""

    def __init__(self, factories: Mapping[str, ChannelFactory]) -> None:
        self.factories = dict(factories)
        self._built: dict[Route, Channel] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, *channels: Channel) -> Switchboard:
        """Channels that serve every route of their name (tests, a single push channel)."""
        return cls({c.name: (lambda route, c=c: c) for c in channels})  # type: ignore[misc]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(n for n in self.factories if n != MailboxChannel.name))

    def channel(self, route: Route) -> Channel:
        with self._lock:
            built = self._built.get(route)
            if built is None:
                built = self._build(route)
                if not isinstance(built, _Unavailable):  # a mended setting is seen next time
                    self._built[route] = built
            return built

    def _build(self, route: Route) -> Channel:
        factory = self.factories.get(route.channel)
        if factory is None:
            return _Unavailable(route.channel, "is not available in this gateway")
        try:
            return factory(route)
        except ConfigurationError as wrong:  # a party's channel settings that cannot work
            return _Unavailable(route.channel, f"cannot be used: {wrong}")

    def close(self) -> None:
        with self._lock:
            for channel in {id(c): c for c in self._built.values()}.values():
                close = getattr(channel, "close", None)
                if callable(close):
                    close()
            self._built.clear()


class _Unavailable:
    """A route whose channel this gateway cannot send over: reported, never retried."""

    def __init__(self, name: str, why: str) -> None:
        self.name = name
        self.why = why

    def send(self, parcel: Parcel) -> Attempt:
        return Attempt(False, False, f"channel {self.name} {self.why}")


class MailboxChannel:
    """Delivers by leaving the message where it is: in the receiver's mailbox."""

    name = "mailbox"

    def send(self, parcel: Parcel) -> Attempt:
        return Attempt(False, False, "left in the mailbox", held=True)


def usable_endpoint(endpoint: str) -> bool:
    """An absolute http(s) URL with a host."""
    try:
        url = httpx.URL(endpoint)
    except httpx.InvalidURL:
        return False
    return url.scheme in ("http", "https") and bool(url.host)


def _tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@contextmanager
def translated() -> Iterator[None]:
    """httpx's exceptions as ``RetryLater`` or ``GiveUp`` (here and nowhere else)."""
    try:
        yield
    except httpx.UnsupportedProtocol:
        raise GiveUp("the endpoint URL cannot be used") from None
    except httpx.TimeoutException:
        raise RetryLater("timeout") from None
    except httpx.TransportError as exc:
        if _tls_failure(exc):
            raise RetryLater("TLS failed (certificate or handshake)") from None
        raise RetryLater(f"connection failed ({type(exc).__name__})") from None
    except (httpx.HTTPError, httpx.InvalidURL):
        raise GiveUp("the endpoint URL cannot be used") from None


def call(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    """Send one request and read its answer."""
    with translated():
        return client.send(request)


def read_capped(client: httpx.Client, request: httpx.Request, limit: int) -> bytes:
    """The body of a 2xx answer, read up to one byte past ``limit`` (enough to know that
    it is longer than promised, without holding whatever a server sends)."""
    with translated():
        response = client.send(request, stream=True)
        try:
            judge_status(response.status_code)
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    break
            return b"".join(chunks)
        finally:
            response.close()


def judge_status(status: int) -> None:
    """A 2xx passes; 5xx, 408 and 429 are worth another try; anything else is not."""
    if 200 <= status < 300:
        return
    if status >= 500 or status in _RETRYABLE_4XX:
        raise RetryLater(f"HTTP {status}")
    raise GiveUp(f"HTTP {status}")


def post_request(
    client: httpx.Client, endpoint: str, content: bytes, headers: Mapping[str, str]
) -> httpx.Request:
    """A POST of ``content`` to ``endpoint``; ``GiveUp`` when the URL cannot be used."""
    if not usable_endpoint(endpoint):
        raise GiveUp("the endpoint URL cannot be used")
    return client.build_request("POST", endpoint, content=content, headers=headers)


def post(
    client: httpx.Client, endpoint: str, content: bytes, headers: Mapping[str, str]
) -> httpx.Response:
    """POST once, through ``call`` like every HTTP request a channel sends."""
    return call(client, post_request(client, endpoint, content, headers))


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


@dataclass(frozen=True)
class ClientTls:
    """The TLS material of a channel's connections, from a party's channel settings: our
    client certificate (PEM, with its key unless ``key`` names a file of its own) and the
    CAs to trust instead of the system's. Nothing set: the system's trust, no certificate."""

    certificate: Path | None = None
    key: Path | None = None
    ca: Path | None = None

    def context(self, channel: str) -> ssl.SSLContext | bool:
        """What httpx verifies with: httpx's own default when nothing is set, else
        ``ssl_context``."""
        if self.certificate is None and self.ca is None:
            return True
        return self.ssl_context(channel)

    def ssl_context(self, channel: str) -> ssl.SSLContext:
        """TLS 1.2 or later, the server verified, our certificate presented;
        ConfigurationError when a file cannot be read or used (a party's messages are then
        dead-lettered with it, a command stops with exit status 2)."""
        try:
            context = ssl.create_default_context(cafile=str(self.ca) if self.ca else None)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            if self.certificate is not None:
                key = str(self.key) if self.key else None
                context.load_cert_chain(str(self.certificate), key)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(f"{channel}: TLS files cannot be used ({exc})") from None
        return context


def http_client(
    transport: httpx.BaseTransport | None, timeout: float, verify: ssl.SSLContext | bool = True
) -> httpx.Client:
    return httpx.Client(transport=transport, timeout=timeout, follow_redirects=False, verify=verify)


class HttpChannel:
    """A channel that sends one HTTP request per parcel; subclasses say which (``request``)
    and may judge the answer otherwise (``judge``). One instance is shared by a worker's
    threads (httpx.Client is)."""

    name = "http"

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
        tries: int = 3,
        max_seconds: float = 25.0,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.client = http_client(transport, timeout, verify)
        self.tries = tries
        self.max_seconds = max_seconds

    def close(self) -> None:
        self.client.close()

    def request(self, parcel: Parcel) -> httpx.Request:
        raise NotImplementedError

    def judge(self, response: httpx.Response) -> str:
        """What arrived (``RetryLater`` or ``GiveUp`` when it did not)."""
        judge_status(response.status_code)
        return f"HTTP {response.status_code}"

    def send(self, parcel: Parcel) -> Attempt:
        """Try a few times quickly; say whether it arrived and, if not, whether to retry."""
        return with_retries(lambda: self._once(parcel), self.tries, self.max_seconds)

    def _once(self, parcel: Parcel) -> str:
        return self.judge(call(self.client, self.request(parcel)))


def _headers(parcel: Parcel) -> dict[str, str]:
    headers = {
        "Content-Type": "application/xml",
        "User-Agent": USER_AGENT,
        "Idempotency-Key": parcel.message_id,
        "X-Ijw-Message-Id": parcel.message_id,
        "X-Ijw-Message-Type": parcel.type or "",
        "X-Ijw-Sender": parcel.sender or "",
        "X-Trace-Id": parcel.trace_id,
    }
    parent = traceparent(parcel.trace_id)
    if parent is not None:
        headers["traceparent"] = parent
    if parcel.advice is not None:
        headers["X-Ijw-Answer-Mode"] = "party"
        headers["X-Ijw-Verdict"] = "accepted" if parcel.advice.accepted else "findings"
        headers["X-Ijw-Retourcodes"] = ",".join(parcel.advice.retourcodes)
        headers["X-Ijw-Advice"] = f"/v1/messages/{parcel.message_id}?format=advice"
    return headers


class PushChannel(HttpChannel):
    """Our own push: the bytes exactly as received, POSTed to the receiver's endpoint;
    signed (``signatures``) when the gateway has a signing key."""

    name = "push"

    def __init__(
        self,
        *args: Any,
        signing_key: str | None = None,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        """``HttpChannel``'s arguments, and the key every receiver's secret derives from."""
        super().__init__(*args, **kwargs)
        self.signing_key = signing_key
        self.clock = clock

    def request(self, parcel: Parcel) -> httpx.Request:
        headers = _headers(parcel)
        if self.signing_key is not None and parcel.receiver:
            stamp = int(self.clock())
            secret = party_secret(self.signing_key, parcel.receiver)
            headers["X-Ijw-Timestamp"] = str(stamp)
            headers["X-Ijw-Signature"] = signature(secret, stamp, parcel.raw)
        return post_request(self.client, parcel.endpoint, parcel.raw, headers)


def push_channel(route: Route, **options: Any) -> PushChannel:
    """A push channel for a party whose channel settings name TLS material (``certificate``,
    ``key``, ``ca``: paths of PEM files); ConfigurationError for any other setting.
    ``options``: the other arguments of ``PushChannel`` (transport, bounds, signing key)."""
    settings = dict(route.settings)
    unknown = sorted(set(settings) - {"certificate", "key", "ca"})
    if unknown:
        raise ConfigurationError(f"push channel: unknown settings {unknown}")
    tls = ClientTls(**{name: Path(value) for name, value in settings.items()})
    return PushChannel(verify=tls.context("push channel"), **options)


_BACKOFF = wait_exponential_jitter(multiplier=30.0, max=3600.0, exp_base=2.0, jitter=30.0)


def backoff(attempt: int) -> float:
    """Seconds until outbox attempt ``attempt + 1``: 30 s, 1 min, 2 min … at most an hour."""
    state = RetryCallState(Retrying(), None, (), {})
    state.attempt_number = max(1, attempt)
    return float(_BACKOFF(state))
