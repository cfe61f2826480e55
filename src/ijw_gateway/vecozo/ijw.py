"""iJw messages as VECOZO routes them: who in which role, which message stream, which ids.

For iJw the message stream is berichttype ``JW``, berichtsubtype the message (``JW301`` …
``JW325``), version 3.2; a municipality is addressed as ``Gemeente`` by its CBS code, a
provider as ``Instelling`` by its AGB code. The action of a submission is ``Indienen``
(VECOZO's own example of a push; the published material names no other for iJw).

Ids: a message the gateway sends has our id as ``traceerId`` (a UUID in another spelling);
``conversatieId`` and ``alsAntwoordOp`` are the ids the exchange gave the conversation's
first message and the answered message when they came in over it, else ours. Pure.
"""

from __future__ import annotations

from ijw_gateway import __version__
from ijw_gateway.catalogue.releases import DEFAULT
from ijw_gateway.delivery import Parcel
from ijw_gateway.errors import UsageError
from ijw_gateway.parties import kind_of
from ijw_gateway.vecozo.model import (
    BerichtMetadata,
    Berichtstroom,
    Referentiegegevens,
    Relatie,
    Routeringgegevens,
    SleutelWaardePaar,
)
from ijw_gateway.wire import Arrival, wire_id

CHANNEL = "vecozo"
BERICHTTYPE, VERSIE, SUBVERSIE, ACTIE = "JW", DEFAULT.versie, DEFAULT.subversie, "Indienen"
ROLES = {"gemeente": "Gemeente", "aanbieder": "Instelling"}


def relatie(code: str) -> Relatie:
    try:
        role = ROLES[kind_of(code)]
    except UsageError:
        role = "Onbekend"
    return Relatie(rol=role, code=code)


def berichtstroom(message_type: str | None) -> Berichtstroom:
    return Berichtstroom(
        berichttype=BERICHTTYPE,
        berichtsubtype=message_type or None,
        berichtversie=VERSIE,
        berichtsubversie=SUBVERSIE,
        actie=ACTIE,
    )


def metadata_for(parcel: Parcel) -> BerichtMetadata:
    """The metadata VECOZO wants with a parcel's bytes."""
    conversation = parcel.refs.conversation or wire_id(parcel.conversation_id or parcel.message_id)
    answers = parcel.refs.answers or (wire_id(parcel.answers_id) if parcel.answers_id else None)
    return BerichtMetadata(
        routeringgegevens=Routeringgegevens(
            afzender=relatie(parcel.sender or ""),
            geadresseerden=[relatie(parcel.receiver or "")],
            berichtstroom=berichtstroom(parcel.type),
        ),
        referentiegegevens=Referentiegegevens.model_validate(
            {
                "conversatieId": conversation,
                "traceerId": wire_id(parcel.message_id),
                "alsAntwoordOp": answers,
            }
        ),
        verwerkingscontext=[
            SleutelWaardePaar(sleutel="applicatie", waarde=["ijw-gateway"]),
            SleutelWaardePaar(sleutel="applicatieversie", waarde=[__version__]),
        ],
    )


def arrival_of(metadata: BerichtMetadata) -> Arrival:
    """What the intake needs of a message VECOZO delivered."""
    refs, route = metadata.referentiegegevens, metadata.routeringgegevens
    return Arrival(
        channel=CHANNEL,
        trace_ref=str(refs.traceerId),
        conversation_ref=str(refs.conversatieId),
        answers_ref=str(refs.alsAntwoordOp) if refs.alsAntwoordOp else None,
        sender=route.afzender.code,
        receivers=tuple(r.code for r in route.geadresseerden if r.code),
        type=route.berichtstroom.berichtsubtype,
    )
