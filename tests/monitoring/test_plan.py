"""The planner on its own: records in, trajectories, deadlines and figures out. A small
in-memory store applies each plan, as the SQL store does."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ijw_gateway.history.model import (
    Allocation,
    Answer,
    CareClass,
    CareKind,
    Facts,
    MessageId,
    Omvang,
    Request,
)
from ijw_gateway.monitoring.access import Viewer, operator_principal
from ijw_gateway.monitoring.arrival import Arrival, keys_of
from ijw_gateway.monitoring.model import Deadline, Plan, Trajectory
from ijw_gateway.monitoring.plan import plan
from ijw_gateway.monitoring.pseudonym import pseudonym

G, A, BSN = "0505", "12345678", "999900018"
ID = MessageId(A, "446", "X", date(2026, 4, 1))


@dataclass
class Memory:
    trajectories: dict[str, Trajectory] = field(default_factory=dict)
    keys: dict[str, list[str]] = field(default_factory=dict)
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    plans: list[Plan] = field(default_factory=list)
    ids: Iterator[int] = field(default_factory=itertools.count)

    def send(self, type_: str, day: str, facts: Facts, answered: bool = True) -> Plan:
        at = datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=UTC)
        sender, receiver = (G, A) if type_ in ("JW301", "JW319") else (A, G)
        arrival = Arrival(
            f"m{len(self.plans)}",
            type_,
            at,
            G,
            A,
            sender,
            receiver,
            facts,
            "answer" if answered else None,
        )
        known = [(k, self.trajectories[t]) for k in keys_of(arrival) for t in self.keys.get(k, [])]
        done = plan(arrival, known, None, lambda: f"id{next(self.ids)}")
        for key, tid in done.keys:
            self.keys.setdefault(key, []).append(tid)
        self.trajectories.update(done.trajectories)
        for d in done.opened:
            self.deadlines[d.id] = d
        for change in done.changed.values():
            old = self.deadlines[change.id]
            self.deadlines[change.id] = Deadline(
                **{**old.__dict__, "state": change.state, "due": change.due, "late": change.late}
            )
        self.plans.append(done)
        return done

    def only(self) -> Trajectory:
        (found,) = self.trajectories.values()
        return found


def allocation(
    nummer: int,
    *,
    ref: str | None = None,
    stamp: str = "2026-04-14T09:00",
    reden: str | None = None,
    end: date | None = date(2026, 6, 30),
) -> Allocation:
    return Allocation(
        G,
        nummer,
        A,
        BSN,
        "45",
        "45A02",
        date(2026, 4, 20),
        end,
        reden,
        Omvang(7, "04", "1"),
        None,
        datetime.fromisoformat(stamp),
        ref,
    )


def care(
    kind: CareKind, status: str = "1", reden: str | None = None, nummer: int | None = 2001
) -> CareClass:
    end = date(2026, 5, 31) if kind == "stop" else None
    return CareClass(kind, G, A, BSN, nummer, "45", "45A02", date(2026, 4, 20), end, reden, status)


def test_a_vow_waits_on_the_clients_trajectories_and_a_new_product_joins_it() -> None:
    memory = Memory()
    memory.send("JW301", "2026-04-14", Facts(ID, allocations=(allocation(2001),)))
    vow = Request("JW317", G, A, BSN, "VOW-1", "V", date(2026, 5, 4))
    memory.send("JW317", "2026-05-04", Facts(ID, requests=(vow,)))
    waiting = memory.only().request_slot
    assert waiting is not None and waiting.due == date(2026, 5, 11)
    answer = (
        allocation(2001, ref="VOW-1", stamp="2026-05-06T09:00"),
        allocation(2002, ref="VOW-1", stamp="2026-05-06T09:00"),
    )
    done = memory.send("JW301", "2026-05-06", Facts(ID, allocations=answer))
    assert len(memory.trajectories) == 2
    new = next(t for t in memory.trajectories.values() if t.nummer == 2002)
    assert new.requested_at == datetime(2026, 5, 4, 9, tzinfo=UTC)
    assert all(t.request_slot is None for t in memory.trajectories.values())
    assert [c.state for c in done.changed.values()] == ["answered"]
    assert [d.measure for d in done.chain].count("lead:request_to_decision") == 1


def test_corrections_of_starts_and_stops() -> None:
    memory = Memory()
    memory.send("JW301", "2026-04-14", Facts(ID, allocations=(allocation(2001),)))
    memory.send("JW305", "2026-04-21", Facts(ID, care=(care("start"),)))
    assert memory.only().state == "started" and memory.only().care_slot is not None  # stop owed
    memory.send("JW305", "2026-04-22", Facts(ID, care=(care("start", "3"),)))
    assert memory.only().state == "allocated"
    memory.send("JW305", "2026-04-23", Facts(ID, care=(care("start"),)))
    memory.send("JW307", "2026-05-05", Facts(ID, care=(care("stop", reden="20"),)))
    assert memory.only().state == "interrupted"
    done = memory.send("JW307", "2026-06-30", Facts(ID, care=(care("stop", reden="31"),)))
    assert memory.only().state == "stopped"
    late = [d for d in done.chain if d.measure == "report:stop"]
    assert late[0].on_time is True  # after a temporary stop: when it became known is unknown
    done = memory.send("JW307", "2026-07-01", Facts(ID, care=(care("stop", "3", reden="31"),)))
    assert memory.only().state == "interrupted" or memory.only().state == "started"
    ended = [dict(c.values) for c in done.contract]
    assert {"stopped": -1, "ended": -1, "ended_days": -42} in ended


def test_task_based_care_is_a_trajectory_without_allocation_or_deadlines() -> None:
    memory = Memory()
    done = memory.send("JW305", "2026-04-21", Facts(ID, care=(care("start", nummer=None),)))
    assert memory.only().state == "started" and memory.only().nummer is None
    assert done.opened == []


def test_a_late_answer_the_gateway_did_not_compose_opens_a_deadline() -> None:
    memory = Memory()
    request = Request("JW315", G, A, BSN, "R1", "V", date(2026, 4, 2), "45", "45A02")
    done = memory.send("JW315", "2026-04-02", Facts(ID, requests=(request,)), answered=False)
    kinds = sorted((d.kind, d.owed_type, d.owed_by, d.due.isoformat()) for d in done.opened)
    assert kinds == [
        ("decision", "JW301/JW319", G, "2026-04-13"),
        ("retour", "JW316", G, "2026-04-09"),
    ]
    rejected = Answer("JW319", G, A, "R1", "1", date(2026, 4, 20), "8")
    memory.send("JW319", "2026-04-20", Facts(ID, answers=(rejected,)))
    decision = next(d for d in memory.deadlines.values() if d.kind == "decision")
    assert (decision.due, decision.late) == (date(2026, 4, 13), 5)
    assert memory.only().state == "rejected"


def test_viewers_and_pseudonyms() -> None:
    assert Viewer(G).sees(G, A) and Viewer(A).sees(G, A) and not Viewer("0482").sees(G, A)
    assert Viewer(operator_principal("x")).sees(G, A) and Viewer(
        operator_principal("x")
    ).scope() == (None, None)
    assert Viewer(G).scope() == (G, None) and Viewer(A).scope() == (None, A)
    assert pseudonym("k" * 16, "bsn", BSN) == pseudonym("k" * 16, "bsn", BSN)
    assert pseudonym("k" * 16, "bsn", BSN) != pseudonym("j" * 16, "bsn", BSN)
    assert pseudonym("k" * 16, "bsn", "1") != pseudonym("k" * 16, "toewijzing", "1")


def test_a_start_of_an_allocation_from_before_monitoring_opens_its_trajectory() -> None:
    memory = Memory()
    memory.send("JW305", "2026-04-21", Facts(ID, care=(care("start"),)))
    memory.send("JW307", "2026-06-02", Facts(ID, care=(care("stop", reden="31"),)))
    assert memory.only().nummer == 2001 and memory.only().state == "stopped"
