"""Freeze windows: while the exchange switches release, messages of a type are not taken in.

The chain blocks traffic for days at a national release switch (GGk answers Fo01 IB103
then, and asks to send the messages again afterwards). The operator configures the
windows (``releaseconfig``); the intake asks ``FreezeGate.admit`` before it stores or
judges anything, and a message inside a window raises ``Frozen``: 503 with Retry-After on
the API and the VECOZO routes, IB103 on StUF, not stored. Pure: the clock comes in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

from lxml import etree

from ijw_gateway.detect import Detected, detect
from ijw_gateway.errors import Frozen
from ijw_gateway.findings import Finding
from ijw_gateway.releaseconfig import ReleaseConfig, Window
from ijw_gateway.xmlpath import line_of


def _moment(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def frozen(detected: Detected, window: Window, now: datetime, root: etree._Element) -> Frozen:
    """The refusal of a message a freeze holds, with the moment to send it again."""
    text = (
        f"The exchange is frozen for {detected.message} messages of iJw {detected.release} "
        f"from {_moment(window.start)} until {_moment(window.end)} (a switch of release): "
        f"this message was not taken in and nothing was stored. Send the same message again "
        f"after {_moment(window.end)}."
    )
    finding = Finding("policy", None, None, "/Bericht", line_of(root), text)
    wait = max(1, math.ceil((window.end - now).total_seconds()))
    return Frozen(finding, window.end, wait)


class FreezeGate:
    """Refuses what a freeze window holds now."""

    def __init__(self, config: ReleaseConfig, clock: Callable[[], datetime]) -> None:
        self.config = config
        self.clock = clock

    def admit(self, tree: etree._ElementTree | None) -> None:
        """Raise ``Frozen`` for an iJw message a window holds; anything else passes (what
        is no iJw message is the validator's to judge)."""
        if tree is None or not self.config.freeze:
            return
        root = tree.getroot()
        detected = detect(root)
        if not isinstance(detected, Detected):
            return
        now = self.clock()
        window = self.config.window(detected.release, detected.message, now)
        if window is not None:
            raise frozen(detected, window, now, root)
