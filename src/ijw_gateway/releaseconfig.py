"""What an operator says about releases (``IJW_RELEASES``): answer versions and freezes.

A TOML file, read and checked once where a command or the service starts::

    [release."3.2"]
    xsd_versie_retour = { basisschema = "1.0.0", bericht = "1.0.0" }
    xslt_versie = "1.2.0"             # only when the official XSLTs really ran

    [[freeze]]                        # the national switch to a new release
    release = "3.2"
    messages = ["JW301", "JW315"]     # leave out for every message of the release
    start = 2026-03-27T18:00:00+01:00
    end = 2026-04-01T08:00:00+02:00

``xsd_versie_retour`` and ``xslt_versie`` are what the gateway writes into the return
messages it composes for a message of that release (the catalogue's defaults otherwise).
A message of a release and type inside a freeze window is refused before anything is
stored, as the chain does then (GGk answers Fo01 IB103), with the moment to send it again
(``freeze.Frozen``). msgspec checks the types (times need an offset); the names of
releases and messages are checked against the catalogue. Any fault is a
``ConfigurationError`` naming the file and what is wrong (exit status 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated

import msgspec

from ijw_gateway.catalogue.releases import RELEASES
from ijw_gateway.errors import ConfigurationError

Version = Annotated[
    str, msgspec.Meta(pattern=r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
]
Moment = Annotated[datetime, msgspec.Meta(tz=True)]


class XsdVersie(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    basisschema: Version
    bericht: Version

    def as_model(self) -> dict[str, str]:
        """The ``CDT_XsdVersie`` of a message's JSON model."""
        return {"BasisschemaXsdVersie": self.basisschema, "BerichtXsdVersie": self.bericht}


class ReleaseOptions(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    xsd_versie_retour: XsdVersie | None = None
    xslt_versie: Version | None = None


class Window(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A freeze: messages of ``release`` (of ``messages``, or all) are refused meanwhile."""

    release: str
    start: Moment
    end: Moment
    messages: tuple[str, ...] = ()

    def holds(self, release: str, message: str, now: datetime) -> bool:
        in_scope = release == self.release and (not self.messages or message in self.messages)
        return in_scope and self.start <= now < self.end


class ReleaseConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    release: Mapping[str, ReleaseOptions] = {}
    freeze: tuple[Window, ...] = ()

    def answer_versions(self, release: str) -> tuple[dict[str, str] | None, str | None]:
        """(XsdVersieRetour, XsltVersie) to write into answers to a message of ``release``;
        None where the catalogue's default applies."""
        options = self.release.get(release) or ReleaseOptions()
        versie = options.xsd_versie_retour
        return (versie.as_model() if versie else None), options.xslt_versie

    def window(self, release: str, message: str, now: datetime) -> Window | None:
        """The freeze that holds a message of this release and type now, if any (the one
        that ends last, when windows overlap)."""
        holding = [w for w in self.freeze if w.holds(release, message, now)]
        return max(holding, key=lambda w: w.end) if holding else None


def _problems(config: ReleaseConfig) -> list[str]:
    """What msgspec cannot see: names the catalogue must know, and windows that end."""
    problems = [
        f"[release.{name!r}]: unknown release" for name in config.release if name not in RELEASES
    ]
    for index, window in enumerate(config.freeze, 1):
        where = f"[[freeze]] #{index}"
        known = RELEASES.get(window.release)
        if known is None:
            problems.append(f"{where}: unknown release {window.release!r}")
            continue
        unknown = [m for m in window.messages if m not in known.messages]
        if unknown:
            problems.append(f"{where}: release {known.name} has no {', '.join(unknown)}")
        if window.end <= window.start:
            problems.append(f"{where}: end must come after start")
    return problems


def load_release_config(path: Path | None) -> ReleaseConfig:
    """The configuration in ``path``; without one, nothing frozen and the defaults."""
    if path is None:
        return ReleaseConfig()
    try:
        config = msgspec.toml.decode(path.read_bytes(), type=ReleaseConfig)
    except OSError as exc:
        raise ConfigurationError(f"IJW_RELEASES: {path} cannot be read ({exc.strerror})") from None
    except msgspec.DecodeError as exc:  # ValidationError too: a wrong type or value
        raise ConfigurationError(f"IJW_RELEASES: {path}: {exc}") from None
    problems = _problems(config)
    if problems:
        raise ConfigurationError(f"IJW_RELEASES: {path}: " + "; ".join(problems))
    return config
