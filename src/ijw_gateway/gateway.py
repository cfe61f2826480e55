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
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

import httpx

from ijw_gateway.config import Settings
from ijw_gateway.contracts import MemoryRefusalLog, no_extra_data_screen
from ijw_gateway.delivery import Deliverer
from ijw_gateway.findings import Report
from ijw_gateway.intake import Intake, Judge, JudgeFor
from ijw_gateway.parties import PartySpec, embedded_directory, embedded_path, load_directory
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
from ijw_gateway.validation import ParsedMessage, Validator
from ijw_gateway.worker import Worker

log = logging.getLogger("ijw_gateway.gateway")
CACHE_SECONDS = 5.0  # how long a verified key or the list of parties is trusted


def compose_retour(message: ParsedMessage, report: Report) -> bytes | None:
    """The return message (retour or JW325) for a schema-valid heen message."""
    try:
        return compose(message, report).to_bytes()
    except NoReturnMessage:
        return None


def judge_for(registry: SchemaRegistry, settings: Settings, lang: str = "en") -> JudgeFor:
    """Per message: ``runtime``'s checks but the cross-message rules, with a no-extra-data
    screen that notes its refusals; the cross-message rules on the store's history; and the
    refusals recorded in the intake transaction, with the message."""

    def judge() -> Judge:
        noted, book = MemoryRefusalLog(), contract_book(settings)
        screens = [no_extra_data_screen(noted, lang=lang)]
        validator = Validator(registry, storeless_checks(lang, book=book), screens)

        def keep(unit: Unit) -> None:
            refusals = StoreRefusalLog(lambda: nullcontext(unit.session), unit.clock)
            for refusal in noted.items:
                refusals.record(refusal)

        return Judge(validator, CROSS_AT, partial(cross_check, lang, book=book), keep)

    return judge


def _digest(presented: str) -> str:
    """What the key cache is keyed by: never the key itself."""
    return hashlib.sha256(presented.encode()).hexdigest()


@dataclass
class _Cache:
    """A small time-bounded cache: keys and the party list change rarely."""

    ttl: float = CACHE_SECONDS
    items: dict[str, tuple[float, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: str) -> str | None:
        with self.lock:
            found = self.items.get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, key: str, value: str) -> None:
        with self.lock:
            if len(self.items) > 10_000:
                self.items.clear()
            self.items[key] = (time.monotonic() + self.ttl, value)


class Gateway:
    """What the API and the worker share."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._keys = _Cache()
        self._parties: tuple[float, frozenset[str]] = (0.0, frozenset())
        registry = build_registry(settings.schema_dir)
        self.intake = Intake(
            store,
            judge_for(registry, settings),
            self.is_known,
            compose_retour,
            timedelta(hours=settings.delivery_deadline_hours),
        )

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

    def worker(self, transport: httpx.BaseTransport | None = None, concurrency: int = 8) -> Worker:
        """A delivery worker; pushes are bounded well inside the lease."""
        lease = self.settings.delivery_lease_seconds
        deliverer = Deliverer(
            transport,
            timeout=min(self.settings.delivery_timeout_seconds, lease / 4),
            max_seconds=lease / 2,
        )
        return Worker(
            self.store,
            deliverer,
            lease=timedelta(seconds=lease),
            concurrency=concurrency,
            poll_seconds=self.settings.worker_poll_seconds,
        )

    def is_known(self, code: str) -> bool:
        expires, codes = self._parties
        if expires < time.monotonic() or code not in codes:
            codes = frozenset(p.code for p in self.store.parties())
            self._parties = (time.monotonic() + CACHE_SECONDS, codes)
        return code in codes


def directory_of(settings: Settings) -> tuple[PartySpec, ...]:
    """The parties file to load: IJW_PARTIES, or the ZHZ example with the embedded defaults."""
    if settings.parties is not None:
        return load_directory(settings.parties)
    if settings.embedded_defaults and embedded_path().exists():
        log.warning("loading the ZHZ example parties with PUBLIC demo keys (Quick start only)")
        return embedded_directory()
    return ()


def prepare(settings: Settings, store: Store) -> None:
    """Bring the database up to date and load the parties file (idempotent)."""
    store.upgrade()
    specs = directory_of(settings)
    if specs:
        store.load_directory(specs)


def open_gateway(settings: Settings, *, prepared: bool = False, pool_size: int = 5) -> Gateway:
    store = Store.open(settings.database_url, pool_size=pool_size)
    if not prepared:
        prepare(settings, store)
    return Gateway(settings, store)
