"""The standard's answer times (RULES.md §1.2 and §6, with the OP rules they cite).

=============  ===============================  ===========  =============================
kind           owed                             by           due
=============  ===============================  ===========  =============================
retour         JW302/306/308/316/318/320        receiver     3 working days (OP090)
declaration    JW325 for a JW323                municipality 10 working days (OP090x4)
decision       JW301 or JW319 (1) for 315/317   municipality 5 working days (OP344, OP274);
                                                             8 weeks after the request's
                                                             Dagtekening once a JW319 said
                                                             "in onderzoek"; a Woonplaats-
                                                             beginsel rejection within 2
                                                             weeks of it (OP346, OP359)
start          JW305 for an allocation          provider     5 working days after the start
                                                             of care (OP271), or after a
                                                             retroactive JW301's arrival
stop           JW307 for a started allocation   provider     5 working days after the end
               with an Einddatum                             (OP272, OP288)
=============  ===============================  ===========  =============================

Where the sources leave a gap, the reading chosen is said in docs/monitoring.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from ijw_gateway.catalogue.structure import ANSWERED_BY
from ijw_gateway.monitoring.workdays import add_working_days, working_days_between

Kind = Literal["retour", "declaration", "decision", "start", "stop"]
KINDS: tuple[Kind, ...] = ("retour", "declaration", "decision", "start", "stop")
RETOUR_DAYS, DECLARATION_DAYS, DECISION_DAYS, CARE_DAYS = 3, 10, 5, 5
INVESTIGATION = timedelta(weeks=8)
RESIDENCE_REJECTION = timedelta(weeks=2)
WOONPLAATSBEGINSEL = "8"  # RedenAfwijzingVerzoek: the residence principle
DECISION_TYPE = "JW301/JW319"


def answer_kind(message: str) -> Kind | None:
    """What answering ``message`` (a heen message or JW323) is called here."""
    if message == "JW323":
        return "declaration"
    return "retour" if message in ANSWERED_BY else None


def answer_due(kind: Kind, received: date) -> date:
    """The last day an answer to a message received on ``received`` is on time."""
    days = DECLARATION_DAYS if kind == "declaration" else RETOUR_DAYS
    return add_working_days(received, days)


def decision_due(received: date) -> date:
    return add_working_days(received, DECISION_DAYS)


def investigation_due(requested_on: date) -> date:
    """After a JW319 "in onderzoek": 8 weeks from the request's Dagtekening."""
    return requested_on + INVESTIGATION


def rejection_due(due: date, requested_on: date, reden: str | None) -> date:
    """A Woonplaatsbeginsel rejection is due within 2 weeks of the request at the latest."""
    if reden == WOONPLAATSBEGINSEL:
        return min(due, requested_on + RESIDENCE_REJECTION)
    return due


def care_due(event: date, allocated: date) -> date:
    """A start (or stop) is reported within 5 working days of the day care started (or
    ended), or of the allocation's arrival when that came later (a retroactive JW301)."""
    return add_working_days(max(event, allocated), CARE_DAYS)


def late_by(due: date, answered: date) -> int:
    """Working days an answer on ``answered`` came after ``due`` (0: on time)."""
    return working_days_between(due, answered)
