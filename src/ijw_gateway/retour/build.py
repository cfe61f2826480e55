"""Building blocks of every answer, and the retours JW302/306/308/316/318/320 (IV028).

A retour copies the original header unchanged — ``Afzender`` and ``Ontvanger`` keep the
original direction although the retour travels back — and adds its own identification.
After that there are four shapes: a bare header (nothing wrong); the header with ``0001``
(a within-message rule failed); the header with the codes of a header fault; or the header
with ``0200`` and the faulty client copied with every class coded.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ijw_gateway.catalogue.releases import DEFAULT
from ijw_gateway.catalogue.structure import MESSAGES, MessageStructure
from ijw_gateway.errors import UsageError
from ijw_gateway.messages.jsonmodel import JsonObject, JsonValue, ModelError
from ijw_gateway.retour.placing import HEADER, ClassPath, Verdict, answer_types, has_retourcodes

REJECTED = "0001"  # level 2: the whole message refused for a within-message rule
NO_REMARK = "0200"  # nothing wrong with this class
NOT_ASSESSED = "0233"  # this class was not judged (JW325: Prestaties of a refused Client)
FULLY_GRANTED = "8001"  # JW325: the whole declaration is granted
ACCEPTING = frozenset({NO_REMARK, NOT_ASSESSED, FULLY_GRANTED})

DEFAULT_XSD_VERSIE: Mapping[str, str] = DEFAULT.xsd.retour or {}
"""The XSD version our answers state unless told otherwise (``IJW_RELEASES``): the one
the catalogue gives the exchange's release (``catalogue.ijw32`` says why)."""

MAX_IDENTIFICATIE = 12


def new_identificatie() -> str:
    """A fresh identification for an answer: 12 random hexadecimal characters.

    The standard asks for uniqueness per sender and message type (TR056; the exchange
    applies the same to IdentificatieRetour). 48 random bits make a clash negligible
    without a register; callers that keep one pass their own generator.
    """
    return uuid.uuid4().hex[:MAX_IDENTIFICATIE]


@dataclass(frozen=True)
class Stamp:
    """What identifies our answer: its identification, its date and the versions used."""

    identificatie: str
    dagtekening: str
    xsd_versie: Mapping[str, str]
    xslt_versie: str | None = None

    @classmethod
    def make(
        cls,
        identificatie: str | Callable[[], str] = new_identificatie,
        dagtekening: date | None = None,
        xsd_versie: Mapping[str, str] | None = None,
        xslt_versie: str | None = None,
    ) -> Stamp:
        """Validate and fill in the defaults (a new identification, today)."""
        value = identificatie() if callable(identificatie) else identificatie
        if not value.strip() or len(value) > MAX_IDENTIFICATIE:
            raise UsageError(
                "The identification of an answer must have 1 to 12 characters and "
                "must not be blank."
            )
        day = (dagtekening or date.today()).isoformat()
        return cls(value, day, dict(xsd_versie or DEFAULT_XSD_VERSIE), xslt_versie)


# --- the JSON model is loosely typed; these narrow it -----------------------------------


def obj(value: JsonValue) -> JsonObject:
    if not isinstance(value, dict):
        raise ModelError("expected a class (a JSON object)")
    return value


def items(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else [value]


def text(value: JsonValue) -> str:
    if not isinstance(value, str):
        raise ModelError("expected a simple value (a JSON string)")
    return value


def coded(codes: Iterable[str]) -> JsonObject:
    """The JSON of a ``RetourCodes`` class."""
    return {"RetourCode": list(codes)}


def annotate(
    answer: MessageStructure,
    class_name: str,
    data: JsonObject,
    here: ClassPath,
    codes_at: Callable[[ClassPath], tuple[str, ...]],
) -> JsonObject:
    """A copy of a class with everything below it; each class closes with its codes."""
    out: JsonObject = {}
    for element in answer.classes[class_name]:
        if element.name not in data:
            continue
        value = data[element.name]
        if element.type not in answer.classes:
            out[element.name] = value
        elif element.repeated:
            out[element.name] = [
                annotate(answer, element.type, obj(item), (*here, (element.name, i)), codes_at)
                for i, item in enumerate(items(value), 1)
            ]
        else:
            sub: ClassPath = (*here, (element.name, 1))
            out[element.name] = annotate(answer, element.type, obj(value), sub, codes_at)
    if has_retourcodes(answer, class_name):
        out["RetourCodes"] = coded(codes_at(here))
    return out


def _retour_header(original: JsonObject, answer: MessageStructure, stamp: Stamp) -> JsonObject:
    """The original header unchanged (IV028) plus the answer's own fields."""
    header = dict(obj(original["Header"]))
    header["BerichtCode"] = answer.berichtcode
    header["IdentificatieRetour"] = stamp.identificatie
    header["DagtekeningRetour"] = stamp.dagtekening
    if stamp.xslt_versie:
        header["XsltVersie"] = stamp.xslt_versie
    header["XsdVersieRetour"] = dict(stamp.xsd_versie)
    return header


def retour(original: JsonObject, heen: str, found: Verdict, stamp: Stamp) -> JsonObject:
    """The JSON model of the retour on ``original`` (a JW301, 305, 307, 315, 317 or 319)."""
    answer = MESSAGES[answer_types()[heen]]
    header = _retour_header(original, answer, stamp)
    model: JsonObject = {"message": answer.message, "release": answer.release, "Header": header}
    if found.refused:
        header["RetourCodes"] = coded([REJECTED])
    elif found.codes(HEADER):
        header["RetourCodes"] = coded(found.codes(HEADER))
    elif found.placed:
        header["RetourCodes"] = coded([NO_REMARK])
        model.update(_faulty_parts(original, answer, found))
    return model


def _faulty_parts(original: JsonObject, answer: MessageStructure, found: Verdict) -> JsonObject:
    """The top-level classes (the Client; the Antwoord of a JW319) that hold a fault,
    copied whole; every class of them without a code of its own gets ``0200``."""

    def codes_at(where: ClassPath) -> tuple[str, ...]:
        return found.codes(where) or (NO_REMARK,)

    parts: JsonObject = {}
    for element in answer.classes["Root"][1:]:
        if element.name not in original:
            continue
        copies: list[JsonValue] = [
            annotate(answer, element.type, obj(item), ((element.name, i),), codes_at)
            for i, item in enumerate(items(original[element.name]), 1)
            if found.below(((element.name, i),))
        ]
        if copies:
            parts[element.name] = copies if element.repeated else copies[0]
    return parts
