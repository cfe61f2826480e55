"""The running gateway: store, party directory, intake and delivery, built from settings.

The composition root of the service (``runtime`` composes validation; this adds what only
the service has: a database, parties, a history per transaction and return messages).
``prepare`` is idempotent and safe to run from several processes at once: migrations and
the parties file are applied under PostgreSQL's advisory lock, or SQLite's single writer.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import timedelta
from functools import partial

import httpx
from cachetools import TTLCache

from ijw_gateway.arrivals import Arrivals
from ijw_gateway.catalogue.releases import EXCHANGED
from ijw_gateway.config import Settings
from ijw_gateway.contracts import MemoryRefusalLog, no_extra_data_screen
from ijw_gateway.delivery import (
    Channel,
    ChannelFactory,
    MailboxChannel,
    PushChannel,
    Route,
    Switchboard,
    push_channel,
)
from ijw_gateway.errors import ConfigurationError, UsageError
from ijw_gateway.findings import LANGUAGES, Report
from ijw_gateway.freeze import FreezeGate
from ijw_gateway.intake import Compose, Intake, Judge, JudgeFor
from ijw_gateway.parties import (
    PartyKind,
    PartySpec,
    embedded_directory,
    embedded_path,
    kind_of,
    load_directory,
)
from ijw_gateway.releaseconfig import ReleaseConfig, load_release_config
from ijw_gateway.retour import NoReturnMessage, compose
from ijw_gateway.runtime import (
    CROSS_AT,
    build_registry,
    contract_book,
    cross_check,
    storeless_checks,
)
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.store import Store, Unit
from ijw_gateway.store.refusals import StoreRefusalLog
from ijw_gateway.stuf_channel import StufChannel, stuf_channel
from ijw_gateway.stuf_intake import reply_taker
from ijw_gateway.validation import ParsedMessage, Validator
from ijw_gateway.vecozo.channel import VecozoChannel
from ijw_gateway.vecozo.client import Connection, VecozoClient
from ijw_gateway.vecozo.pull import Puller
from ijw_gateway.vecozo.taking import IntakeProcesses
from ijw_gateway.worker import Worker

log = logging.getLogger("ijw_gateway.gateway")
CACHE_SECONDS = 5.0  # how long a verified key or the list of parties is trusted
KEYS_CACHED = 10_000  # verified keys kept at most (one or a few per party)


def retour_composer(config: ReleaseConfig) -> Compose:
    """Composes the return message (retour or JW325) for a schema-valid heen message, with
    the versions the operator configured for its release."""

    def compose_retour(message: ParsedMessage, report: Report) -> bytes | None:
        versie, xslt = config.answer_versions(message.release)
        try:
            answer = compose(message, report, xsd_versie=versie, xslt_versie=xslt)
        except NoReturnMessage:
            return None
        return answer.to_bytes()

    return compose_retour


def judge_for(registry: SchemaRegistry, settings: Settings, lang: str = "en") -> JudgeFor:
    """Per message: ``runtime``'s checks but the cross-message rules, with a no-extra-data
    screen that notes its refusals; the cross-message rules on the store's history; and the
    refusals recorded in the intake transaction, with the message."""

    def judge() -> Judge:
        noted, book = MemoryRefusalLog(), contract_book(settings)
        screens = [no_extra_data_screen(noted, lang=lang)]
        validator = Validator(
            registry, storeless_checks(lang, book=book), screens, lang, releases=EXCHANGED
        )

        def keep(unit: Unit) -> None:
            refusals = StoreRefusalLog(lambda: nullcontext(unit.session), unit.clock)
            for refusal in noted.items:
                refusals.record(refusal)

        return Judge(validator, CROSS_AT, partial(cross_check, lang, book=book), keep)

    return judge


def _digest(presented: str) -> str:
    """What the key cache is keyed by: never the key itself."""
    return hashlib.sha256(presented.encode()).hexdigest()


class KeyCache:
    """Verified keys (by digest) and their party, trusted for ``ttl`` seconds after they were
    verified: a revoked key stops working within that time. cachetools' ``TTLCache`` ages
    and bounds them (when full, the least recently used goes); the lock makes it safe for
    the event loop and the request threads at once, which the cache alone is not."""

    def __init__(
        self,
        ttl: float = CACHE_SECONDS,
        size: int = KEYS_CACHED,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._items: TTLCache[str, str] = TTLCache(maxsize=size, ttl=ttl, timer=timer)
        self._lock = threading.Lock()

    def get(self, digest: str) -> str | None:
        with self._lock:
            return self._items.get(digest)

    def put(self, digest: str, party: str) -> None:
        with self._lock:
            self._items[digest] = party


class Gateway:
    """What the API and the worker share."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._keys = KeyCache()
        self._parties: tuple[float, frozenset[str]] = (0.0, frozenset())
        registry = build_registry(settings.schema_dir)
        deadline = timedelta(hours=settings.delivery_deadline_hours)
        self.releases = load_release_config(settings.releases)
        composer = retour_composer(self.releases)
        admit = FreezeGate(self.releases, store.clock).admit
        self.intakes = {  # per language of the findings' texts (Accept-Language)
            lang: Intake(
                store, judge_for(registry, settings, lang), self.is_known, composer, deadline, admit
            )
            for lang in LANGUAGES
        }
        self.intake = self.intakes[LANGUAGES[0]]
        self.arrivals = Arrivals(self.intake)

    def known_key(self, presented: str) -> str | None:
        """The party of a key verified a short while ago, without touching the store
        (cheap enough for the event loop); None when it has to be verified."""
        return self._keys.get(_digest(presented))

    def authenticate(self, presented: str) -> str | None:
        digest = _digest(presented)
        cached = self._keys.get(digest)
        if cached is not None:
            return cached
        party = self.store.authenticate(presented)
        if party is not None:
            self._keys.put(digest, party)
        return party

    def switchboard(self, transport: httpx.BaseTransport | None = None) -> Switchboard:
        """The channels of this gateway; every send is bounded well inside the lease.
        Without a VECOZO connection its parties' messages wait for a worker that has one.
        A StUF channel is built per route (its endpoint and settings)."""
        lease = self.settings.delivery_lease_seconds
        timeout = min(self.settings.delivery_timeout_seconds, lease / 4)
        channels: list[Channel] = [MailboxChannel()]
        connection = self.vecozo()
        if connection is not None:
            channels.append(
                VecozoChannel(connection, transport, timeout=timeout, max_seconds=lease / 2)
            )
        board = Switchboard.of(*channels)
        stuf = self._stuf(transport, {"timeout": timeout, "max_seconds": lease / 2})
        push = self._push(transport, timeout, lease / 2)
        return Switchboard({**board.factories, StufChannel.name: stuf, PushChannel.name: push})

    def _push(
        self, transport: httpx.BaseTransport | None, timeout: float, max_seconds: float
    ) -> ChannelFactory:
        """One push channel for every party without channel settings; one of its own (its
        client certificate and CAs) for a party with them. All sign with the push key."""
        options = {
            "transport": transport,
            "timeout": timeout,
            "max_seconds": max_seconds,
            "signing_key": self.settings.push_signing_key,
        }
        shared = PushChannel(**options)  # type: ignore[arg-type]

        def build(route: Route) -> Channel:
            return push_channel(route, **options) if route.settings else shared

        return build

    def _stuf(
        self, transport: httpx.BaseTransport | None, bounds: dict[str, object]
    ) -> ChannelFactory:
        """StUF channels from a route: the party's endpoint and channel settings, sent
        within ``bounds`` unless the settings say otherwise; a Du01 a receiver answers
        with is taken in as if it had posted it."""
        on_reply = reply_taker(self)

        def build(route: Route) -> Channel:
            settings = {**bounds, **dict(route.settings), "endpoint": route.endpoint or ""}
            return stuf_channel(settings, transport, on_reply)

        return build

    def vecozo(self) -> Connection | None:
        """The connection to VECOZO, when one is configured (``IJW_VECOZO_URL``)."""
        settings = self.settings
        if not settings.vecozo_url:
            return None
        return Connection(
            settings.vecozo_url,
            settings.vecozo_cert,
            settings.vecozo_key,
            settings.vecozo_ca,
            timeout=settings.delivery_timeout_seconds,
        )

    def puller(self, transport: httpx.BaseTransport | None = None) -> Puller:
        connection = self.vecozo()
        if connection is None:
            raise ConfigurationError("set IJW_VECOZO_URL (and IJW_VECOZO_CERT) to pull from VECOZO")
        processes = self.settings.vecozo_pull_processes
        return Puller(
            VecozoClient(connection, transport),
            self.arrivals,
            self.store,
            processes=IntakeProcesses(partial(pulled_arrivals, self.settings), processes)
            if processes
            else None,  # the puller uses them on PostgreSQL only
        )

    def worker(self, transport: httpx.BaseTransport | None = None, concurrency: int = 8) -> Worker:
        """A delivery worker over every channel of this gateway."""
        lease = self.settings.delivery_lease_seconds
        return Worker(
            self.store,
            self.switchboard(transport),
            lease=timedelta(seconds=lease),
            concurrency=concurrency,
            poll_seconds=self.settings.worker_poll_seconds,
        )

    def forget_parties(self) -> None:
        """Read the parties again at the next ``is_known`` (one was removed)."""
        self._parties = (0.0, frozenset())

    def is_known(self, code: str) -> bool:
        expires, codes = self._parties
        if expires < time.monotonic() or code not in codes:
            codes = frozenset(p.code for p in self.store.parties())
            self._parties = (time.monotonic() + CACHE_SECONDS, codes)
        return code in codes


def checked_kind(code: str) -> PartyKind:
    """The kind of party ``code`` names; a gemeentecode must be a current one of the CBS
    list, the same list TR378 holds messages to (no message could name another). The
    command line's ``parties add`` and the console's Parties page add parties with it."""
    from ijw_gateway.catalogue.gemeenten import current_codes, retired_codes

    kind = kind_of(code)
    if kind == "gemeente" and code not in current_codes():
        retired = retired_codes().get(code)
        why = (
            f"ended on {retired.valid_until} (merged into {retired.successor}); add "
            f"{retired.successor} instead"
            if retired is not None
            else "is not a municipality in the CBS list"
        )
        raise UsageError(f"gemeentecode {code} {why}")
    return kind


def directory_of(settings: Settings) -> tuple[PartySpec, ...]:
    """The parties file to load: IJW_PARTIES, or the ZHZ example with the embedded defaults."""
    if settings.parties is not None:
        return load_directory(settings.parties)
    if settings.embedded_defaults and embedded_path().exists():
        log.warning(
            "loading the ZHZ example parties with PUBLIC demo keys (Quick start only; "
            "retire them for good with `ijw-gateway parties key revoke --demo`)"
        )
        return embedded_directory()
    return ()


def prepare(settings: Settings, store: Store) -> None:
    """Bring the database up to date and load the parties file (idempotent)."""
    store.upgrade()
    specs = directory_of(settings)
    if specs:
        for note in store.load_directory(specs).notes():
            log.info("parties file: %s", note)


def pulled_arrivals(settings: Settings) -> Arrivals:
    """The intake of one of a puller's intake processes (``vecozo.taking``): a gateway of
    its own on one database connection, over the database its puller prepared."""
    return open_gateway(settings, prepared=True, pool_size=1).arrivals


def open_gateway(settings: Settings, *, prepared: bool = False, pool_size: int = 5) -> Gateway:
    store = Store.open(settings.database_url, pool_size=pool_size)
    if not prepared:
        prepare(settings, store)
    return Gateway(settings, store)
