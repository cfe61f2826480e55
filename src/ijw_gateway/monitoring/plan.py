"""One accepted message and the trajectories it touches -> what to write. Pure.

``arrival.lookups_of`` says which stored trajectories a message may touch (the store
reads them in the intake's own transaction, under the intake's locks); ``plan`` decides: which trajectory every record
of the message belongs to (found by allocation number, request reference or client, or
new), how each trajectory's state and open deadlines change, which deadlines open, close
or move, and what the monthly figures gain. Rejected and duplicate messages never get
here: they count as never sent (OP286), as the chain monitors count them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time

from ijw_gateway.catalogue.structure import ANSWERED_BY
from ijw_gateway.history.model import Allocation, Answer, CareClass, Prestatie, Request
from ijw_gateway.monitoring import deadlines as rules
from ijw_gateway.monitoring.arrival import Arrival, care_key
from ijw_gateway.monitoring.model import (
    ChainDelta,
    ClientDelta,
    Deadline,
    DeadlineChange,
    Group,
    Link,
    Note,
    Plan,
    Slot,
    Trajectory,
    allocation_key,
    client_key,
    request_key,
)
from ijw_gateway.monitoring.volumes import (
    Version,
    contributions,
    in_hours,
    month_of,
    negated,
)
from ijw_gateway.monitoring.workdays import AMSTERDAM, local_day, working_days_between

TEMPORARY = "20"  # RedenBeeindiging: temporarily ended
CLOSED = frozenset({"stopped", "withdrawn", "rejected"})


def plan(
    arrival: Arrival,
    known: Iterable[tuple[str, Trajectory]],
    answering: Deadline | None,
    new_id: Callable[[], str],
) -> Plan:
    """What ``arrival`` changes, given the trajectories found under its keys (key,
    trajectory pairs) and, for a party's answer, the deadline it answers."""
    planner = _Planner(arrival, known, new_id)
    planner.run(answering)
    return planner.result


class _Planner:
    def __init__(
        self,
        arrival: Arrival,
        known: Iterable[tuple[str, Trajectory]],
        new_id: Callable[[], str],
    ) -> None:
        self.arrival = arrival
        self.new_id = new_id
        self.result = Plan()
        self.by_key: dict[str, list[str]] = {}
        self.before: dict[str, Trajectory] = {}
        for key, trajectory in known:
            self.by_key.setdefault(key, []).append(trajectory.id)
            self.before[trajectory.id] = trajectory
        self.now = dict(self.before)
        self.roles: dict[str, str] = {}

    # -- the run -----------------------------------------------------------------

    def run(self, answering: Deadline | None) -> None:
        facts = self.arrival.facts
        self._own_answer()
        if answering is not None:
            self._answered(answering)
        for request in facts.requests:
            self._request(request)
        for answer in facts.answers:
            if answer.kind == "JW319":
                self._answer(answer)
        for allocation in facts.allocations:
            self._allocation(allocation)
        for care in facts.care:
            self._care(care)
        for prestatie in facts.prestaties:
            self._prestatie(prestatie)
        self._finish()

    def _finish(self) -> None:
        """Links for every trajectory this message touched; waiting times and last-seen
        for those of the care chain. A declaration changes no trajectory row (its count is
        kept apart), so declarations, which take other locks, never race the chain."""
        a = self.arrival
        for tid, role in self.roles.items():
            self.result.links.append(Link(tid, a.message_id, a.type, role, a.at))
            if role == "declaration":
                continue
            t, old = self.now[tid], self.before.get(tid)
            if old is not None and old.last_at is not None:
                waited = f"wait:{old.last_type}>{a.type}"
                self._measure(t, waited, old.last_at, local_day(old.last_at), None)
            self.now[tid] = t.with_(first_at=t.first_at or a.at, last_at=a.at, last_type=a.type)
        self.result.trajectories = {
            tid: t
            for tid, t in self.now.items()
            if self.roles.get(tid) != "declaration" and t != self.before.get(tid)
        }

    # -- helpers -----------------------------------------------------------------

    def _found(self, key: str) -> list[Trajectory]:
        return [self.now[tid] for tid in self.by_key.get(key, [])]

    def _touch(self, t: Trajectory, role: str) -> None:
        self.now[t.id] = t
        self.roles.setdefault(t.id, role)

    def _new(self, key: str, bsn: str, **fields: object) -> Trajectory:
        a = self.arrival
        t = Trajectory(self.new_id(), a.gemeente, a.agb, bsn).with_(**fields)
        self.now[t.id] = t
        self._key(key, t)
        return t

    def _key(self, key: str, t: Trajectory) -> None:
        ids = self.by_key.setdefault(key, [])
        if t.id not in ids:
            ids.append(t.id)
            self.result.keys.append((key, t.id))

    def _group(self, t: Trajectory, day: date) -> Group:
        return Group(month_of(day), t.gemeente, t.agb, t.categorie, t.code)

    def _measure(
        self,
        t: Trajectory | None,
        measure: str,
        since: datetime,
        since_day: date,
        on_time: bool | None,
    ) -> None:
        a = self.arrival
        gemeente, agb = (t.gemeente, t.agb) if t else (a.gemeente, a.agb)
        days = max((a.at - since).total_seconds() / 86_400, 0.0)
        workdays = working_days_between(since_day, a.day)
        self.result.chain.append(
            ChainDelta(month_of(a.day), gemeente, agb, measure, days, workdays, on_time)
        )

    def _note(self, message_id: str, kind: str, party: str | None, detail: str) -> None:
        note = Note(message_id, kind, party, detail)
        if note not in self.result.notes:
            self.result.notes.append(note)

    def _open(
        self, kind: str, owed_type: str, owed_by: str, due: date, t: Trajectory | None
    ) -> Deadline:
        a = self.arrival
        deadline = Deadline(
            self.new_id(),
            kind,
            owed_type,
            a.message_id,
            t.id if t else None,
            t.gemeente if t else a.gemeente,
            t.agb if t else a.agb,
            owed_by,
            a.at,
            due,
        )
        self.result.opened.append(deadline)
        return deadline

    def _close(self, slot: Slot, due: date, opener: str | None, owed: str) -> bool:
        """Answer the deadline in ``slot`` now; True when it was on time."""
        if slot.id in self.result.changed:
            return self.result.changed[slot.id].late == 0
        a = self.arrival
        late = rules.late_by(due, a.day)
        self.result.changed[slot.id] = DeadlineChange(
            slot.id, "answered", due, a.at, a.message_id, late
        )
        if opener is not None:
            detail = f"{owed} on time" if not late else f"{owed} {late} working day(s) late"
            self._note(opener, "answered", a.from_party, detail)
        return late == 0

    def _cancel(self, slot: Slot) -> None:
        self.result.changed.setdefault(slot.id, DeadlineChange(slot.id, "cancelled", slot.due))

    # -- answers to messages -------------------------------------------------------

    def _own_answer(self) -> None:
        """The answer this message is owed by its receiver: a deadline opens, unless the
        gateway composed it with the message. Those are answered at once by construction
        and not measured: the response times are those of the parties' own answers."""
        a = self.arrival
        kind = rules.answer_kind(a.type)
        if kind is None or a.answered_now is not None:
            return
        self._open(kind, ANSWERED_BY[a.type], a.to_party, rules.answer_due(kind, a.day), None)

    def _answered(self, deadline: Deadline) -> None:
        """A party's return message or JW325 answers the deadline of its original."""
        slot = Slot(deadline.id, deadline.opened_at, deadline.due, local_day(deadline.opened_at))
        on_time = self._close(slot, deadline.due, deadline.message_id, deadline.owed_type)
        measure = f"response:{deadline.owed_type}"
        self._measure(None, measure, deadline.opened_at, slot.since, on_time)

    # -- requests and decisions ----------------------------------------------------

    def _request(self, r: Request) -> None:
        a = self.arrival
        key = request_key(r.agb, r.referentie)
        if self._found(key):
            return  # a reference is used once (TR347)
        if r.kind == "JW315":
            product = {"categorie": r.categorie or "", "code": r.code or ""}
            t = self._new(key, r.bsn, referentie=r.referentie, requested_at=a.at, **product)
            self._key(client_key(r.gemeente, r.agb, r.bsn), t)
            targets = [t]
            self.result.add(self._group(t, a.day), requested=1)
        else:  # a VOW concerns the client's current trajectories at this provider
            current = self._found(client_key(r.gemeente, r.agb, r.bsn))
            targets = [t for t in current if t.state not in CLOSED]
            targets = targets or [self._new(key, r.bsn, requested_at=a.at)]
            for t in targets:
                self._key(key, t)
        due = rules.decision_due(a.day)
        only = targets[0] if len(targets) == 1 else None
        deadline = self._open("decision", rules.DECISION_TYPE, r.gemeente, due, only)
        slot = Slot(deadline.id, a.at, due, r.dagtekening)
        for t in targets:
            self._touch(t.with_(request_slot=slot), "request" if r.kind == "JW315" else "change")

    def _answer(self, answer: Answer) -> None:
        """A JW319: "in onderzoek" moves the decision's due day, a rejection answers it."""
        for t in self._found(request_key(answer.agb, answer.referentie)):
            slot = t.request_slot
            if answer.verzoek_antwoord == "2":
                if slot is not None:
                    due = rules.investigation_due(slot.since)
                    t = t.with_(request_slot=Slot(slot.id, slot.opened, due, slot.since))
                    self.result.changed[slot.id] = DeadlineChange(slot.id, "open", due)
                if t.nummer is None:
                    t = t.with_(decision="2")
            elif answer.verzoek_antwoord == "1":
                t = self._decided(t, answer.reden)
                if t.nummer is None:
                    t = t.with_(decision="1")
                    self.result.add(self._group(t, self.arrival.day), rejected=1)
            self._touch(t, "answer")

    def _decided(self, t: Trajectory, reden: str | None = None) -> Trajectory:
        """The request ``t`` waits on is decided by this message."""
        slot = t.request_slot
        if slot is None:
            return t
        due = rules.rejection_due(slot.due, slot.since, reden)
        fresh = slot.id not in self.result.changed
        on_time = self._close(slot, due, None, rules.DECISION_TYPE)
        if fresh:
            self._measure(
                t, "lead:request_to_decision", slot.opened, local_day(slot.opened), on_time
            )
        return t.with_(request_slot=None)

    # -- allocations -------------------------------------------------------------------

    def _trajectory_of(self, a: Allocation) -> Trajectory:
        found = self._found(allocation_key(a.gemeente, a.nummer))
        if found:
            return found[0]
        waiting: list[Trajectory] = []
        if a.referentie_aanbieder:
            waiting = self._found(request_key(a.agb, a.referentie_aanbieder))
        for t in waiting:
            if t.nummer is None:
                self._key(allocation_key(a.gemeente, a.nummer), t)
                return t
        t = self._new(allocation_key(a.gemeente, a.nummer), a.bsn)
        self._key(client_key(a.gemeente, a.agb, a.bsn), t)
        if waiting:  # a new product granted on a VOW: it shares the request's wait
            first = self.before.get(waiting[0].id, waiting[0])  # as it waited (an earlier
            slot = first.request_slot  # product of this message may have answered it already)
            asked = slot.opened if slot is not None else first.requested_at
            t = t.with_(requested_at=asked, request_slot=slot)
            self._key(request_key(a.agb, a.referentie_aanbieder or ""), t)
        self.now[t.id] = t
        return t

    def _allocation(self, a: Allocation) -> None:
        t = self._trajectory_of(a)
        if a.referentie_aanbieder:
            for waiting in self._found(request_key(a.agb, a.referentie_aanbieder)):
                self._touch(self._decided(waiting), "answer")
            t = self.now.get(t.id, t)
            t = self._decided(t)
        if t.toegewezen_op is not None and a.toegewezen_op < t.toegewezen_op:
            self._touch(t, "allocation")  # an older version: the later one stands (IV013)
            return
        self._touch(self._allocated(t, a), "allocation")

    def _allocated(self, t: Trajectory, a: Allocation) -> Trajectory:
        arrival = self.arrival
        first = t.allocated_at is None
        new = t.with_(
            nummer=a.nummer,
            bsn=a.bsn,
            categorie=a.categorie or "",
            code=a.code or "",
            allocated_at=t.allocated_at or arrival.at,
            ingangsdatum=a.ingangsdatum,
            einddatum=a.einddatum,
            volume=a.omvang.volume if a.omvang else None,
            eenheid=a.omvang.eenheid if a.omvang else None,
            frequentie=a.omvang.frequentie if a.omvang else None,
            budget=a.budget,
            toegewezen_op=a.toegewezen_op,
            deleted=a.deleted,
        )
        self._volumes(t, new)
        if first and not new.deleted:
            self.result.add(self._group(new, arrival.day), allocated=1)
        if new.deleted and not t.deleted:
            self.result.add(self._group(new, arrival.day), withdrawn=1)
        return self._care_deadline(new)

    def _volumes(self, old: Trajectory, new: Trajectory) -> None:
        """Take back what the previous version allowed per month and add this one's."""
        rows = negated(_allowed(old)) if old.ingangsdatum and not old.deleted else {}
        for month, values in (_allowed(new) if not new.deleted else {}).items():
            row = rows.setdefault(month, {})
            for name, value in values.items():
                row[name] = row.get(name, 0.0) + value
        for month, values in sorted(rows.items()):
            kept = {k: v for k, v in values.items() if abs(v) > 1e-9}
            if kept:
                self.result.add(self._group(new, month), **kept)

    def _care_deadline(self, t: Trajectory) -> Trajectory:
        """The start or stop a trajectory's allocation now waits on (RULES.md §4.4)."""
        slot, a = t.care_slot, self.arrival
        if t.deleted:
            if slot is not None:
                self._cancel(slot)
            return t.with_(care_slot=None)
        if t.care is None and slot is None and t.ingangsdatum is not None:
            due = rules.care_due(t.ingangsdatum, a.day)
            deadline = self._open("start", "JW305", t.agb, due, t)
            return t.with_(care_slot=Slot(deadline.id, a.at, due, t.ingangsdatum))
        if t.care == "started" or t.care == "interrupted":
            return self._stop_deadline(t)
        return t

    def _stop_deadline(self, t: Trajectory) -> Trajectory:
        slot, a = t.care_slot, self.arrival
        if t.einddatum is None:
            if slot is not None:
                self._cancel(slot)
            return t.with_(care_slot=None)
        due = rules.care_due(t.einddatum, a.day)
        if slot is None:
            deadline = self._open("stop", "JW307", t.agb, due, t)
            return t.with_(care_slot=Slot(deadline.id, a.at, due, t.einddatum))
        if slot.due != due:
            self.result.changed[slot.id] = DeadlineChange(slot.id, "open", due)
            return t.with_(care_slot=Slot(slot.id, slot.opened, due, t.einddatum))
        return t

    # -- start and stop ----------------------------------------------------------------

    def _care_trajectory(self, c: CareClass) -> Trajectory:
        found = self._found(care_key(c))
        if found:
            return found[0]
        # An allocation from before monitoring began (a database upgraded to 0004) has no
        # trajectory yet: its first start or stop opens one, under its number.
        product = {"categorie": c.categorie or "", "code": c.code or "", "nummer": c.nummer}
        t = self._new(care_key(c), c.bsn, **product)
        self._key(client_key(c.gemeente, c.agb, c.bsn), t)
        return t

    def _care(self, c: CareClass) -> None:
        t = self._care_trajectory(c)
        if c.kind == "start":
            t = self._started(t, c) if c.status == "1" else self._unstarted(t, c)
        else:
            t = self._stopped(t, c) if c.status == "1" else self._unstopped(t, c)
        self._touch(t, c.kind)

    def _reported(self, t: Trajectory, slot: Slot | None, day: date, due: date, what: str) -> bool:
        """A start or stop of care on ``day`` reported now: answers the trajectory's
        deadline, and its delay since ``day`` is measured; True when on time."""
        a = self.arrival
        if slot is not None:
            on_time = self._close(slot, due, None, "JW305" if what == "start" else "JW307")
        else:
            on_time = rules.late_by(due, a.day) == 0
        since = datetime.combine(day, time(), AMSTERDAM)
        self._measure(t, f"report:{what}", since, day, on_time)
        return on_time

    def _started(self, t: Trajectory, c: CareClass) -> Trajectory:
        a = self.arrival
        allocated = local_day(t.allocated_at or a.at)
        slot = t.care_slot if t.care is None else None
        on_time = self._reported(
            t, slot, c.begindatum, rules.care_due(c.begindatum, allocated), "start"
        )
        if slot is not None:
            self._measure(t, "lead:allocation_to_start", t.allocated_at or a.at, allocated, on_time)
            t = t.with_(care_slot=None)
        if t.care is None or t.care == "stopped":  # a first start, or care begun again
            self.result.add(self._group(t, c.begindatum), started=1)
        begun = c.begindatum if t.started_on is None else min(t.started_on, c.begindatum)
        t = t.with_(starts=t.starts + 1, started_on=begun, care="started")
        return self._stop_deadline(t) if t.nummer is not None else t

    def _unstarted(self, t: Trajectory, c: CareClass) -> Trajectory:
        if t.starts == 1:
            self.result.add(self._group(t, c.begindatum), started=-1)
            return t.with_(starts=0, started_on=None, care=None)
        return t.with_(starts=max(t.starts - 1, 0))

    def _stopped(self, t: Trajectory, c: CareClass) -> Trajectory:
        end = c.einddatum or c.begindatum
        if c.reden == TEMPORARY:
            return t.with_(stops=t.stops + 1, care="interrupted", interrupted=True)
        a = self.arrival
        # After a temporary stop the definitive one is due 5 days after it became known,
        # which the traffic does not show: it is taken as on time (docs/monitoring.md).
        due = a.day if t.interrupted else rules.care_due(end, local_day(t.allocated_at or a.at))
        self._reported(t, t.care_slot, end, due, "stop")
        self._ended(t, end, 1)
        return t.with_(stops=t.stops + 1, care="stopped", stopped_on=end, care_slot=None)

    def _unstopped(self, t: Trajectory, c: CareClass) -> Trajectory:
        t = t.with_(stops=max(t.stops - 1, 0))
        if c.reden == TEMPORARY:
            return t.with_(care="started") if t.care == "interrupted" else t
        if t.care != "stopped" or t.stopped_on is None:
            return t
        self._ended(t, t.stopped_on, -1)
        t = t.with_(stopped_on=None, care="started" if t.starts else None)
        return self._stop_deadline(t) if t.care and t.nummer is not None else t

    def _ended(self, t: Trajectory, end: date, sign: int) -> None:
        values: dict[str, float] = {"stopped": sign}
        if t.started_on is not None:
            values.update(ended=sign, ended_days=sign * ((end - t.started_on).days + 1))
        self.result.add(self._group(t, end), **values)

    # -- declarations -------------------------------------------------------------------

    def _prestatie(self, p: Prestatie) -> None:
        found = self._found(allocation_key(p.gemeente, p.nummer))
        if not found:
            return  # no allocation known: its JW325 refused it (TR338)
        t = found[0]
        sign = -1 if p.is_credit else 1
        volume = sign * in_hours(p.volume, p.eenheid)
        values = {"declared_volume": volume, "declared_amount": float(p.signed_bedrag)}
        if not p.rejected:
            values.update(granted_volume=volume, granted_amount=float(p.signed_bedrag))
            self.result.clients.append(ClientDelta(self._group(t, p.begindatum), p.bsn, sign))
            self.result.declared[t.id] = self.result.declared.get(t.id, 0) + sign
        self.result.add(self._group(t, p.begindatum), **values)
        self.roles.setdefault(t.id, "declaration")


def _allowed(t: Trajectory) -> dict[date, dict[str, float]]:
    if t.ingangsdatum is None:
        return {}
    version = Version(t.ingangsdatum, t.einddatum, t.volume, t.eenheid, t.frequentie, t.budget)
    return contributions(version)
