"""The message structure of the default release, and the shapes every release shares.

The catalogue is keyed by release (``catalogue.releases``); most of the gateway works on
the release the exchange carries, and reads it here: its messages, shared classes and
datatypes, and which message answers which. The types themselves live in ``model``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ijw_gateway.catalogue.model import (
    Classes,
    Element,
    MessageStructure,
    SimpleType,
    parse_sequence,
)
from ijw_gateway.catalogue.releases import DEFAULT, ELEMENT_NAMES

__all__ = [
    "ANSWERED_BY",
    "ELEMENT_NAMES",
    "MESSAGES",
    "ORIGINAL_OF",
    "SHARED_CLASSES",
    "SIMPLE_TYPES",
    "Classes",
    "Element",
    "MessageStructure",
    "SimpleType",
    "parse_sequence",
]

MESSAGES: Mapping[str, MessageStructure] = DEFAULT.messages
SHARED_CLASSES: Classes = DEFAULT.shared_classes
SIMPLE_TYPES: Mapping[str, SimpleType] = DEFAULT.simple_types

ORIGINAL_OF: Mapping[str, str] = DEFAULT.original_of
"""Return message -> the heen message it answers and copies the header of (JW302 -> JW301)."""

ANSWERED_BY: Mapping[str, str] = DEFAULT.answered_by
"""Heen message -> the message that answers it: its return message, or JW325 for a JW323."""
