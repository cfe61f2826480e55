"""The VSP-Koppeling's JSON, as typed values: what push, pull and status v3 exchange.

Written from VECOZO's three OpenAPI descriptions (push v1.0.2, pull v1.0.0, berichtstatus
v3.0.0): the same names, bounds and closed objects, so a value that passes here passes
there. Tests hold every answer of the facade and every request of the client against the
published files themselves.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Text60 = Annotated[str, Field(min_length=1, max_length=60)]
Text100 = Annotated[str, Field(min_length=1, max_length=100)]
Number = Annotated[int, Field(ge=0, le=999)]

Status = Literal[
    "Ontvangen",
    "DeelsOntvangen",
    "DeelberichtAanleveringAfgekeurd",
    "WordtVerwerkt",
    "AfgekeurdDoorDienst",
    "VerwerkingVoltooid",
    "WordtAangeboden",
    "Bezorgd",
    "AanbiedenMislukt",
    "BezorgingAfgebroken",
]


class Closed(BaseModel):
    """An object of the specs: no other fields (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_json(self) -> dict[str, object]:
        return self.model_dump(mode="json", exclude_none=True)


class Relatie(Closed):
    rol: Text100
    code: Text100 | None = None


class Berichtstroom(Closed):
    berichttype: Text60
    berichtsubtype: Text60 | None = None
    berichtversie: Number
    berichtsubversie: Number
    actie: Text60


class Routeringgegevens(Closed):
    afzender: Relatie
    geadresseerden: Annotated[list[Relatie], Field(min_length=1, max_length=100)]
    berichtstroom: Berichtstroom


class Referentiegegevens(Closed):
    conversatieId: uuid.UUID
    traceerId: uuid.UUID
    alsAntwoordOp: uuid.UUID | None = None
    referentieId: Annotated[str, Field(min_length=1, max_length=150)] | None = None


class SleutelWaardePaar(Closed):
    sleutel: Text100
    waarde: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=250)]],
        Field(min_length=1, max_length=100),
    ]


Context = Annotated[list[SleutelWaardePaar], Field(min_length=1, max_length=100)]


class BerichtMetadata(Closed):
    """What a sender pushes with a payload."""

    routeringgegevens: Routeringgegevens
    referentiegegevens: Referentiegegevens
    verwerkingscontext: Context | None = None


class Checksum(Closed):
    algoritme: Annotated[str, Field(min_length=1, max_length=10)]
    waarde: Annotated[str, Field(min_length=1, max_length=250)]


class HTTPSDownload(Closed):
    url: str
    grootte: Annotated[int, Field(ge=1)]
    checksum: Checksum


class Basisgegevens(Closed):
    ontvangenOp: datetime
    payload: HTTPSDownload


class Gereed(Closed):
    """A message ready to be pulled: the pushed metadata, with when it arrived and where
    its payload is (``BerichtMetadata`` of the pull API)."""

    basisgegevens: Basisgegevens
    routeringgegevens: Routeringgegevens
    referentiegegevens: Referentiegegevens
    verwerkingscontext: Context | None = None

    @property
    def metadata(self) -> BerichtMetadata:
        return BerichtMetadata(
            routeringgegevens=self.routeringgegevens,
            referentiegegevens=self.referentiegegevens,
            verwerkingscontext=self.verwerkingscontext,
        )


class ZoekpadOpConversatieId(Closed):
    zoekpadType: Literal["ZoekpadOpConversatieId"]
    conversatieId: uuid.UUID


class ZoekpadOpAlsAntwoordOp(Closed):
    zoekpadType: Literal["ZoekpadOpAlsAntwoordOp"]
    alsAntwoordOp: uuid.UUID


class ZoekpadOpBerichtstroom(Closed):
    zoekpadType: Literal["ZoekpadOpBerichtstroom"]
    berichttype: Text60
    berichtsubtype: Text60 | None = None
    berichtversie: Number | None = None
    berichtsubversie: Number | None = None
    actie: Text60 | None = None
    geadresseerdeRol: Text100 | None = None
    geadresseerdeCode: Text100 | None = None


Zoekpad = Annotated[
    ZoekpadOpConversatieId | ZoekpadOpAlsAntwoordOp | ZoekpadOpBerichtstroom,
    Field(discriminator="zoekpadType"),
]


class Melding(Closed):
    code: Annotated[str, Field(min_length=1)]
    omschrijving: Annotated[str, Field(min_length=1)]
    toelichting: Annotated[str, Field(min_length=1)] | None = None


class BerichtstatusGegevens(Closed):
    referentiegegevens: Referentiegegevens
    berichtstroom: Berichtstroom
    berichtstatus: Status
    berichtstatusGewijzigdOp: datetime
    meldingen: Annotated[list[Melding], Field(min_length=1, max_length=100)] | None = None
    berichtOntvangenOp: datetime


class ProblemDetails(BaseModel):
    """``ValidationProblemDetails`` (RFC 7807 with ``errors`` per field)."""

    model_config = ConfigDict(extra="allow")
    type: str | None = None
    title: str | None = None
    status: int | None = None
    detail: str | None = None
    instance: str | None = None
    errors: dict[str, list[str]] | None = None
