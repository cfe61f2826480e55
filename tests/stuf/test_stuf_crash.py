"""Kill the gateway's worker mid-push on the StUF channel: every message reaches the back
office, each reference is stored there once, and nothing is marked delivered that the back
office did not store.

Real processes: ``ijw-gateway worker`` delivering Di01s over mutual TLS to the back-office
stub on loopback, which keeps each envelope's ``referentienummer`` on arrival (as a back
office that stores before it answers, and stores a reference once) and answers slowly, so
the kills land while a Di01 is in flight. The worker is SIGKILLed twice and started again
until everything is delivered.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlmodel import select

from ijw_gateway.fixtures import builders as b
from ijw_gateway.store import Store
from ijw_gateway.store.tables import Event
from ijw_gateway.stuf.model import reference_of
from tests.support.backoffice_stub import BackOffice, Pki, back_office, make_pki, silent
from tests.support.procs import gateway_env, killed_in_flight, queued_allocations
from tests.support.service import PARTIES

GEMEENTE, AGB = b.GEMEENTE, b.AGB
N_PUSH = 16
ANSWER_SECONDS = 0.3  # the back office's answer: long enough for a kill to land in it


def _env(db_url: str, tmp: Path, office: BackOffice, pki: Pki) -> dict[str, str]:
    """The provider's channel is ``stuf`` to the back office, over mutual TLS."""
    tls = f'ca = "{pki.ca}", certificate = "{pki.client}", timeout = "5"'
    text = PARTIES.read_text(encoding="utf-8").replace(
        f'code = "{AGB}"\n',
        f'code = "{AGB}"\nchannel = "stuf"\nendpoint = "{office.url}"\n'
        f"channel_settings = {{ {tls} }}\n",
    )
    parties = tmp / "parties.toml"
    parties.write_text(text, encoding="utf-8")
    return gateway_env(
        db_url, parties, IJW_DELIVERY_LEASE_SECONDS="4", IJW_WORKER_POLL_SECONDS="0.05"
    )


def _in_flight(office: BackOffice, stored: int) -> bool:
    return len(office.stored) >= stored and office.inflight > 0


def _delivered_at(store: Store) -> dict[str, float]:
    """When the gateway recorded each delivery; each recorded once."""
    with store.session() as session:
        events = session.exec(select(Event).where(Event.kind == "delivered")).all()
    assert set(Counter(e.message_id for e in events).values()) <= {1}
    return {str(e.message_id): e.at.timestamp() for e in events}


def test_a_stuf_push_killed_in_flight_reaches_the_back_office_once(
    db_url: str, tmp_path: Path
) -> None:
    pki, ca = make_pki(tmp_path)
    store = Store.open(db_url)
    with back_office(ca, [silent(ANSWER_SECONDS)]) as office:
        env = _env(db_url, tmp_path, office, pki)
        ids = queued_allocations(env, store, N_PUSH)
        thresholds = (1, 6)  # killed twice, each time with a Di01 in flight
        in_flight = lambda n: _in_flight(office, thresholds[n])  # noqa: E731
        kills = killed_in_flight(env, tmp_path / "worker.log", store, ids, in_flight)
        _check(office, store, ids, kills)
    store.dispose()


def _check(office: BackOffice, store: Store, ids: list[str], kills: int) -> None:
    references = {reference_of(i): i for i in ids}
    assert set(office.stored) == set(references)  # every message reached the back office
    posts = Counter(r.routing.referentienummer for r in office.received if r.routing)
    assert all(r.valid and r.kind == "Di01" for r in office.received)
    repeats = sum(posts.values()) - N_PUSH
    assert 1 <= repeats <= kills * 2  # only the Di01s in flight at a kill came again
    delivered = _delivered_at(store)
    assert set(delivered) == set(ids)
    for reference, first in office.stored.items():
        # Marked delivered only after the back office stored it (same clock, same host).
        assert delivered[references[reference]] >= first - 0.01, reference
