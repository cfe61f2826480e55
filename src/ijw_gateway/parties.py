"""The party directory: municipalities and providers, their API keys and push endpoints.

Keys look like ``ijw.<key id>.<secret>``. Only a salted SHA-256 of the secret is stored:
secrets are 32 random bytes, so a fast hash is as safe as a slow one against guessing, and
it keeps authentication cheap at hundreds of requests per second. The directory file
(TOML) holds hashes, never secrets::

    [[party]]
    code = "0505"            # gemeentecode (4 digits) or AGB code (8 digits)
    name = "Dordrecht"
    endpoint = "https://..."  # optional: push delivery; without it the mailbox is pull-only
    channel = "push"          # optional: push (with an endpoint) | mailbox | vecozo | stuf
    channel_settings = { application = "..." }  # optional: what the channel needs
    keys = [{ id = "dordrecht-1", hash = "sha256$<salt hex>$<digest hex>" }]
    answers = { JW323 = "party" }  # optional: who answers which message type it receives

Without ``channel`` a party with an endpoint is pushed to and one without pulls its mailbox,
as before channels existed.

An answer mode says who answers a message the party receives: ``gateway`` (the default:
the gateway composes the return message, or the JW325, in the receiver's name) or
``party`` (the receiver answers itself; the gateway judges the message, hands it over with
its verdict and the answer it would have composed as advice, and checks the answer).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import ijw_gateway
from ijw_gateway.errors import ConfigurationError, UsageError

PartyKind = Literal["gemeente", "aanbieder"]
_GEMEENTE, _AGB = re.compile(r"^\d{4}$"), re.compile(r"^\d{8}$")
_ENDPOINT = re.compile(r"^https?://[^\s/]+(/\S*)?$")
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PREFIX = "ijw"
_SETTING_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_MAX_SETTINGS, _MAX_SETTING = 32, 2000

CHANNELS = ("push", "mailbox", "vecozo", "stuf")
"""How a party receives its messages: our own HTTP push to its endpoint, its mailbox (it
pulls), VECOZO REST push, or a StUF-GGk Di01/Du01 to its endpoint."""
_NEEDS_ENDPOINT = frozenset({"push", "stuf"})
ChannelSettings = tuple[tuple[str, str], ...]

ANSWER_MODES = ("gateway", "party")
"""Who answers a message a party receives: the gateway in its name, or the party itself."""
AnswerModes = tuple[tuple[str, str], ...]
_MESSAGE_TYPE = re.compile(r"^JW3\d\d$")


@dataclass(frozen=True)
class KeyHash:
    key_id: str
    salt: str
    digest: str

    def to_text(self) -> str:
        return f"sha256${self.salt}${self.digest}"


@dataclass(frozen=True)
class PartySpec:
    code: str
    kind: PartyKind
    name: str = ""
    endpoint: str | None = None
    keys: tuple[KeyHash, ...] = ()
    channel: str | None = None  # None: push with an endpoint, the mailbox without
    channel_settings: ChannelSettings = ()
    answers: AnswerModes = ()  # (message type, answer mode); unnamed types: gateway

    @property
    def route(self) -> str:
        """The channel messages for this party travel by."""
        return self.channel or default_channel(self.endpoint)


def kind_of(code: str) -> PartyKind:
    """A 4-digit code is a municipality, an 8-digit code a provider (AGB)."""
    if _GEMEENTE.match(code):
        return "gemeente"
    if _AGB.match(code):
        return "aanbieder"
    raise UsageError(
        f"party code {code!r} is neither a gemeentecode (4 digits) nor an AGB code (8)"
    )


def check_endpoint(endpoint: str | None) -> str | None:
    """An http(s) URL, or None for a pull-only party."""
    problem = endpoint_problem(endpoint) if endpoint else None
    if problem is not None:
        raise UsageError(f"endpoint {endpoint!r} {problem}")
    return endpoint or None


def endpoint_problem(endpoint: str) -> str | None:
    """Why ``endpoint`` cannot be pushed to, or None. Checked when it is set, with the
    parser delivery uses (httpx), so that a URL no push could reach is refused at once
    instead of failing every delivery later."""
    if not _ENDPOINT.match(endpoint):
        return "is not an http(s) URL"
    import httpx  # late: most commands never set an endpoint

    try:
        url = httpx.URL(endpoint)
    except (httpx.InvalidURL, ValueError) as exc:
        return f"cannot be parsed: {exc}"
    if not url.host:
        return "names no host"
    if url.port is not None and not 0 < url.port < 65536:
        return f"names port {url.port}, outside 1-65535"
    return None


def default_channel(endpoint: str | None) -> str:
    return "push" if endpoint else "mailbox"


def check_channel(channel: str, endpoint: str | None, settings: object = ()) -> ChannelSettings:
    """The channel's settings as sorted (key, text) pairs, or UsageError when the channel is
    unknown, lacks the endpoint it sends to, or its settings are not short key = value."""
    if channel not in CHANNELS:
        raise UsageError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    if channel in _NEEDS_ENDPOINT and not endpoint:
        raise UsageError(f"channel {channel} needs an endpoint (https://…)")
    pairs = list(settings.items()) if isinstance(settings, dict) else settings
    if (
        not isinstance(pairs, (list, tuple))
        or len(pairs) > _MAX_SETTINGS
        or not all(isinstance(pair, tuple) and len(pair) == 2 for pair in pairs)
    ):
        raise UsageError(f"channel settings are at most {_MAX_SETTINGS} key = value pairs")
    checked = {}
    for key, value in pairs:
        if not isinstance(key, str) or not _SETTING_KEY.match(key):
            raise UsageError(f"channel setting {str(key)[:70]!r} is not a plain name")
        if isinstance(value, dict | list) or len(str(value)) > _MAX_SETTING:
            raise UsageError(f"channel setting {key} must be a short text, number or boolean")
        checked[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return tuple(sorted(checked.items()))


def check_answers(modes: object) -> AnswerModes:
    """Answer modes as sorted (message type, mode) pairs, or UsageError when a type is not
    an iJw message code (JW3nn) or a mode is neither ``gateway`` nor ``party``."""
    pairs = list(modes.items()) if isinstance(modes, dict) else modes
    if not isinstance(pairs, (list, tuple)) or len(pairs) > _MAX_SETTINGS:
        raise UsageError("answer modes are a table of message type = gateway | party")
    checked = {}
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise UsageError("answer modes are a table of message type = gateway | party")
        message_type, mode = pair
        if not isinstance(message_type, str) or not _MESSAGE_TYPE.match(message_type):
            raise UsageError(f"answer mode for {str(message_type)[:20]!r}: not a message type")
        if mode not in ANSWER_MODES:
            raise UsageError(f"answer mode of {message_type} is not one of gateway, party")
        checked[message_type] = str(mode)
    return tuple(sorted(checked.items()))


def answer_mode(modes: AnswerModes, message_type: str | None) -> str:
    """Who answers ``message_type`` for a party with ``modes``: gateway unless it says party."""
    return dict(modes).get(message_type or "", "gateway")


def digest(secret: str, salt: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


def hash_key(key_id: str, secret: str) -> KeyHash:
    salt = secrets.token_hex(16)
    return KeyHash(key_id, salt, digest(secret, salt))


def new_key(key_id: str | None = None) -> tuple[str, KeyHash]:
    """A fresh key: the text to hand out once, and the hash to keep."""
    key_id = key_id or secrets.token_hex(6)
    if not _KEY_ID.match(key_id):
        raise UsageError("a key id has 1-64 letters, digits, '-' or '_'")
    secret = secrets.token_urlsafe(32)
    return f"{_PREFIX}.{key_id}.{secret}", hash_key(key_id, secret)


def split_key(text: str) -> tuple[str, str] | None:
    """(key id, secret) of a presented key, or None when it does not look like one."""
    parts = text.strip().split(".", 2)
    if len(parts) != 3 or parts[0] != _PREFIX or not _KEY_ID.match(parts[1]) or not parts[2]:
        return None
    return parts[1], parts[2]


def verify(secret: str, salt: str, expected: str) -> bool:
    return hmac.compare_digest(digest(secret, salt), expected)


def parse_hash(key_id: str, text: str) -> KeyHash:
    scheme, _, rest = text.partition("$")
    salt, _, value = rest.partition("$")
    if scheme != "sha256" or not salt or len(value) != 64:
        raise ConfigurationError(f"key {key_id}: hash must look like sha256$<salt>$<digest>")
    try:
        bytes.fromhex(salt + value)
    except ValueError:
        raise ConfigurationError(f"key {key_id}: hash is not hexadecimal") from None
    return KeyHash(key_id, salt, value)


def _keys(code: str, raw: object) -> tuple[KeyHash, ...]:
    if not isinstance(raw, list):
        raise ConfigurationError(f"party {code}: 'keys' must be a list of tables")
    keys = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ConfigurationError(f"party {code}: every key needs an 'id' and a 'hash'")
        if not _KEY_ID.match(entry["id"]):
            raise ConfigurationError(f"party {code}: key id {entry['id']!r} is not allowed")
        keys.append(parse_hash(entry["id"], str(entry.get("hash", ""))))
    return tuple(keys)


def _party(raw: object) -> PartySpec:
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        raise ConfigurationError("every [[party]] needs a 'code' (gemeentecode or AGB)")
    code = raw["code"]
    try:
        kind = kind_of(code)
    except UsageError as exc:
        raise ConfigurationError(str(exc)) from None
    endpoint = raw.get("endpoint") or None
    problem = endpoint_problem(str(endpoint)) if endpoint is not None else None
    if problem is not None:
        raise ConfigurationError(f"party {code}: endpoint {problem}")
    endpoint = str(endpoint) if endpoint else None
    channel = raw.get("channel")
    try:
        settings = check_channel(
            str(channel or default_channel(endpoint)), endpoint, raw.get("channel_settings", {})
        )
        answers = check_answers(raw.get("answers", {}))
    except UsageError as exc:
        raise ConfigurationError(f"party {code}: {exc}") from None
    return PartySpec(
        code,
        kind,
        str(raw.get("name", "")),
        endpoint,
        _keys(code, raw.get("keys", [])),
        str(channel) if channel else None,
        settings,
        answers,
    )


def parse_directory(text: str, origin: str = "<parties>") -> tuple[PartySpec, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{origin}: not valid TOML ({exc})") from None
    parties = tuple(_party(raw) for raw in data.get("party", []))
    codes = [p.code for p in parties]
    if len(codes) != len(set(codes)):
        raise ConfigurationError(f"{origin}: a party code occurs twice")
    return parties


def load_directory(path: Path) -> tuple[PartySpec, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read the parties file ({exc.strerror})") from None
    return parse_directory(text, str(path))


def embedded_path() -> Path:
    """The Zuid-Holland-Zuid example (``examples/zhz/parties.toml``), found like contracts."""
    return ijw_gateway.example_file("parties.toml")


def embedded_directory() -> tuple[PartySpec, ...]:
    """The example parties: the ZHZ municipalities and the providers of its contracts."""
    return load_directory(embedded_path())
