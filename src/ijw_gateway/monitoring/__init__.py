"""Monitoring from the traffic: care trajectories, deadlines, chain and contract figures.

Pure, like the rest of the core: the store feeds it what the history extraction already
found in an accepted message (``history.extract.facts``) together with the trajectories
that message touches, and writes back what ``plan.plan`` returns; the reports are
computed here from the materialised rows the store reads. Definitions and readings:
``docs/monitoring.md``.

    workdays   Dutch working days (the ``holidays`` package), Amsterdam days
    arrival    what an accepted message says, and which trajectories it may touch
    deadlines  which answer is owed, by whom, by when (RULES.md §1.2)
    model      the records: Trajectory, Deadline, deltas of the monthly figures
    volumes    what an allocation version allows per month (as deltas)
    plan       one accepted message + the trajectories it touches -> what to write
    reports    the figures of the reports, from the monthly rows
    access     who may see what
    pseudonym  the export's keyed hash
"""
