"""Delivery channels: a party's channel in the parties file, the store and the CLI; the
worker sends each message over its receiver's channel and the outbox works for all."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from ijw_gateway.delivery import (
    Attempt,
    MailboxChannel,
    Parcel,
    PushChannel,
    Route,
    Switchboard,
)
from ijw_gateway.errors import ConfigurationError, UsageError
from ijw_gateway.fixtures import builders as b
from ijw_gateway.gateway import Gateway
from ijw_gateway.parties import check_channel, parse_directory
from ijw_gateway.store import Store
from ijw_gateway.store.migrate import upgrade
from ijw_gateway.worker import Worker
from tests.support.backoffice_stub import back_office, make_pki, status
from tests.support.service import AGB, GEMEENTE, TestClient, post, run_cli


def test_without_a_channel_an_endpoint_means_push_and_none_the_mailbox() -> None:
    push, pull = parse_directory(
        '[[party]]\ncode = "0505"\nendpoint = "https://a.example/in"\n'
        '[[party]]\ncode = "12345678"\n'
    )
    assert (push.route, pull.route) == ("push", "mailbox")


def test_a_channel_and_its_settings_are_read_from_the_parties_file() -> None:
    (spec,) = parse_directory(
        '[[party]]\ncode = "0505"\nchannel = "stuf"\nendpoint = "https://bo.example/ggk"\n'
        '[party.channel_settings]\napplicatie = "ijw-gateway"\nversie = 3\ntls = true\n'
    )
    assert spec.route == "stuf"
    assert spec.channel_settings == (
        ("applicatie", "ijw-gateway"),
        ("tls", "true"),
        ("versie", "3"),
    )


@pytest.mark.parametrize(
    "party",
    [
        'channel = "fax"',
        'channel = "push"',  # push needs an endpoint
        'channel = "stuf"',  # and so does StUF
        'channel = "vecozo"\nchannel_settings = { "a b" = "x" }',
        'channel = "vecozo"\nchannel_settings = { a = { b = 1 } }',
        'channel = "vecozo"\nchannel_settings = "x"',
        'channel = "vecozo"\nchannel_settings = [1, 2]',  # no key = value pairs
    ],
)
def test_a_bad_channel_is_a_configuration_error(party: str) -> None:
    with pytest.raises(ConfigurationError):
        parse_directory(f'[[party]]\ncode = "0505"\n{party}\n')


def test_channel_settings_are_bounded() -> None:
    with pytest.raises(UsageError):
        check_channel("vecozo", None, {f"k{i}": "v" for i in range(33)})
    with pytest.raises(UsageError):
        check_channel("vecozo", None, {"k": "v" * 2001})


def test_the_store_keeps_the_channel_and_the_endpoint_command_keeps_it_sensible(
    store: Store,
) -> None:
    assert store.party(AGB).channel == "mailbox"  # type: ignore[union-attr]
    store.set_endpoint(AGB, "https://a.example/in")
    assert store.party(AGB).channel == "push"  # type: ignore[union-attr]
    store.set_channel(AGB, "vecozo", None, (("rol", "Instelling"),))
    store.set_endpoint(AGB, "https://a.example/in")  # another channel keeps its own
    party = store.party(AGB)
    assert party is not None and party.channel == "vecozo"
    assert party.channel_settings == (("rol", "Instelling"),)
    store.set_channel(AGB, "mailbox", None)
    assert store.party(AGB).channel_settings == ()  # type: ignore[union-attr]


def test_the_migration_gives_existing_parties_the_channel_they_had(empty_url: str) -> None:
    """From 0001 with parties: each keeps how it received (push with an endpoint, the
    mailbox without), and a later load of the unchanged file keeps a channel set by hand."""
    store = Store.open(empty_url)
    upgrade(store.engine, "0001")
    with store.engine.begin() as connection:
        for code, endpoint in (("0505", "https://a.example/in"), ("12345678", None)):
            connection.execute(
                text(
                    "INSERT INTO party (code, kind, name, endpoint, created_at) "
                    "VALUES (:c, 'x', '', :e, '2026-01-01 00:00:00')"
                ),
                {"c": code, "e": endpoint},
            )
    upgrade(store.engine)
    assert {p.code: p.channel for p in store.parties()} == {"0505": "push", "12345678": "mailbox"}
    store.set_channel("12345678", "vecozo", None)
    store.load_directory(
        parse_directory(
            '[[party]]\ncode = "0505"\nendpoint = "https://a.example/in"\n'
            '[[party]]\ncode = "12345678"\n'
        )
    )
    assert {p.code: p.channel for p in store.parties()} == {"0505": "push", "12345678": "vecozo"}
    store.dispose()


def test_the_cli_sets_a_channel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IJW_DATABASE_URL", f"sqlite:///{tmp_path / 'db.db'}")
    assert run_cli(capsys, "parties", "add", "98769999", "--channel", "vecozo")[0] == 0
    assert "\tvecozo\t" in run_cli(capsys, "parties", "list")[1]
    status, _ = run_cli(
        capsys, "parties", "channel", "98769999", "stuf", "--endpoint", "https://bo.example/ggk",
        "--setting", "application=ijw-gateway",
    )  # fmt: skip
    assert status == 0
    assert (
        "\tstuf application=ijw-gateway\thttps://bo.example/ggk"
        in run_cli(capsys, "parties", "list")[1]
    )
    assert run_cli(capsys, "parties", "channel", "98769999", "push")[0] == UsageError.exit_code
    assert run_cli(capsys, "parties", "channel", "98769999", "mailbox", "--setting", "x")[0] == 2


# -- the worker over channels -----------------------------------------------------------------


class Recording:
    """A channel that records what it is given and answers a fixed attempt."""

    def __init__(self, name: str, attempt: Attempt) -> None:
        self.name = name
        self.attempt = attempt
        self.parcels: list[Parcel] = []

    def send(self, parcel: Parcel) -> Attempt:
        self.parcels.append(parcel)
        return self.attempt


DELIVERED = Attempt(True, False, "HTTP 204")


def _queue_one(client: TestClient) -> str:
    return str(post(client, b.to_bytes(b.jw301()), GEMEENTE)["id"])


def test_a_message_goes_by_its_receivers_channel_with_what_the_channel_needs(
    client: TestClient, store: Store
) -> None:
    store.set_channel(AGB, "vecozo", None, (("rol", "Instelling"),))
    message_id = _queue_one(client)
    push, vecozo = Recording("push", DELIVERED), Recording("vecozo", DELIVERED)
    worker = Worker(store, Switchboard.of(push, vecozo))
    assert worker.run_once() == 1 and push.parcels == []
    (parcel,) = vecozo.parcels
    assert (parcel.message_id, parcel.receiver, parcel.sender) == (message_id, AGB, GEMEENTE)
    assert parcel.conversation_id == message_id and parcel.answers_id is None
    assert parcel.type == "JW301" and parcel.release == "3.2"
    assert store.delivery_state(message_id) == "delivered"
    assert store.events(message_id)[-1].detail == f"to {AGB} by vecozo: HTTP 204"
    worker.close()


def test_a_worker_claims_only_what_it_has_a_channel_for(client: TestClient, store: Store) -> None:
    store.set_channel(AGB, "stuf", "https://bo.example/ggk")
    message_id = _queue_one(client)
    push = Recording("push", DELIVERED)
    assert Worker(store, Switchboard.of(push)).run_once() == 0
    assert store.delivery_state(message_id) == "queued" and push.parcels == []


def test_a_channel_this_gateway_lacks_dead_letters_into_the_mailbox(
    client: TestClient, store: Store
) -> None:
    store.set_channel(AGB, "stuf", "https://bo.example/ggk")
    message_id = _queue_one(client)
    board = Switchboard({"push": lambda route: PushChannel(), "stuf": Switchboard({}).channel})
    assert Worker(store, board).run_once() == 1
    assert store.delivery_state(message_id) == "dead"
    failed = [e.detail for e in store.events(message_id) if e.kind == "delivery_failed"]
    assert failed == ["channel stuf is not available in this gateway"]
    assert [m.message_id for m in store.mailbox(AGB, 10)] == [message_id]


def test_the_mailbox_channel_leaves_a_message_where_it_is(client: TestClient, store: Store) -> None:
    """A party that switched to its mailbox after the claim: the row is given back as it
    was, no attempt counted, nothing recorded as failed."""
    store.set_endpoint(AGB, "https://a.example/in")
    message_id = _queue_one(client)
    board = Switchboard({"push": lambda route: MailboxChannel()})
    assert Worker(store, board).run_once() == 1
    assert store.delivery_state(message_id) == "queued"
    assert [e.kind for e in store.events(message_id)][-1] == "queued"
    assert [m.attempts for m in store.mailbox(AGB, 10)] == [0]
    assert store.claim("other", timedelta(seconds=60), 10)  # the lease was released


def test_the_switchboard_builds_one_channel_per_route_and_closes_them() -> None:
    built: list[Route] = []

    def factory(route: Route) -> PushChannel:
        built.append(route)
        return PushChannel(httpx.MockTransport(lambda r: httpx.Response(200)))

    board = Switchboard({"stuf": factory})
    a = board.channel(Route("stuf", "https://a.example", (("k", "1"),)))
    assert board.channel(Route("stuf", "https://a.example", (("k", "1"),))) is a
    assert board.channel(Route("stuf", "https://b.example")) is not a
    assert len(built) == 2 and board.names == ("stuf",)
    board.close()
    assert isinstance(a, PushChannel) and a.client.is_closed


PushSettings = tuple[str, tuple[tuple[str, str], ...]]  # endpoint, channel settings


def _pushed_once(client: TestClient, gateway: Gateway, store: Store, settings: PushSettings) -> str:
    """A JW301 for the provider, whose channel is push with ``settings``, and one round of
    the gateway's own worker; the message's id."""
    store.set_channel(AGB, "push", settings[0], settings[1])
    message_id = str(post(client, b.to_bytes(b.jw301()), GEMEENTE)["id"])
    worker = gateway.worker()
    try:
        worker.run_once()
    finally:
        worker.close()
    return message_id


@pytest.mark.parametrize(
    ("tls", "outcome"),
    [
        (("ca", "client"), "delivered"),
        (("ca",), "TLS failed"),  # no client certificate: the receiver refuses the handshake
        (("ca", "stranger"), "TLS failed"),  # a certificate of another CA
        (("client",), "TLS failed"),  # the receiver's certificate is not trusted
    ],
)
def test_a_push_partys_client_certificate_and_ca_come_from_its_channel_settings(
    tmp_path: Path,
    client: TestClient,
    gateway: Gateway,
    store: Store,
    tls: tuple[str, ...],
    outcome: str,
) -> None:
    """Mutual TLS per party: the receiver on loopback requires a client certificate of its
    CA; a TLS failure is retried later (the message stays queued), never dead-lettered."""
    paths, ca = make_pki(tmp_path)
    files = {"ca": str(paths.ca), "client": str(paths.client), "stranger": str(paths.stranger)}
    named = tuple(("ca", files[n]) if n == "ca" else ("certificate", files[n]) for n in tls)
    with back_office(ca, [status(200)]) as office:
        message_id = _pushed_once(client, gateway, store, (office.url, named))
    details = [e.detail for e in store.events(message_id)]
    if outcome == "delivered":
        assert office.bodies == [b.to_bytes(b.jw301())]
        assert store.delivery_state(message_id) == "delivered"
        return
    assert office.bodies == [] and store.delivery_state(message_id) == "queued"
    assert any(outcome in detail for detail in details), details


@pytest.mark.parametrize(
    ("setting", "reason"),
    [
        (("soap", "true"), "channel push cannot be used: push channel: unknown settings ['soap']"),
        (("certificate", "/nonexistent/client.pem"), "push channel: TLS files cannot be used"),
    ],
)
def test_a_push_party_whose_tls_settings_cannot_work_is_dead_lettered_with_the_reason(
    client: TestClient, gateway: Gateway, store: Store, setting: tuple[str, str], reason: str
) -> None:
    message_id = _pushed_once(client, gateway, store, ("https://127.0.0.1:9/in", (setting,)))
    assert store.delivery_state(message_id) == "dead"
    failed = [e.detail for e in store.events(message_id) if e.kind == "delivery_failed"]
    assert len(failed) == 1 and reason in failed[0], failed
