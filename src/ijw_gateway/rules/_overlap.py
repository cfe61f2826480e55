"""Which earlier class shares a day with a class: a sweep, not a comparison of every pair.

Rules such as TR302 ask, for every class in document order, for the first earlier class
of the same product whose period overlaps its own. Comparing each class with every
earlier one cost n² for a message with n lines (a JW301 of 50,000 products never
finished); here the questions of a group are answered together in O(n log n).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Iterable, Iterator, Sequence

from ijw_gateway.elements import Element
from ijw_gateway.rules._dates import Period


def repeats(keyed: Iterable[tuple[Hashable, Element]]) -> Iterator[tuple[Element, Element]]:
    """(element, first) for each element of ``keyed`` whose key an earlier one had: one
    dictionary, not a comparison of every pair."""
    first: dict[Hashable, Element] = {}
    for key, element in keyed:
        earlier = first.setdefault(key, element)
        if earlier is not element:
            yield element, earlier


class _PrefixMin:
    """A Fenwick tree: lower the value at a position; the least value of a prefix."""

    def __init__(self, size: int, empty: int) -> None:
        self.tree = [empty] * (size + 1)
        self.empty = empty

    def lower(self, position: int, value: int) -> None:
        i = position + 1
        while i < len(self.tree):
            if value < self.tree[i]:
                self.tree[i] = value
            i += i & -i

    def least(self, length: int) -> int:
        """The least value at positions ``0 .. length - 1``."""
        best, i = self.empty, length
        while i > 0:
            best = min(best, self.tree[i])
            i -= i & -i
        return best


def first_overlapping(periods: Sequence[Period], asked: Sequence[Period]) -> list[int]:
    """For each asked period the smallest index of a period in ``periods`` that shares a
    day with it (``start <= asked.last`` and ``last >= asked.start``), or ``len(periods)``.

    Offline: periods enter in order of their start while the questions are taken in order
    of their last day, so every period that starts early enough is in the tree, which is
    ordered by last day (latest first) and keeps the smallest index per prefix.
    """
    lasts = sorted({p.last for p in periods})
    tree = _PrefixMin(len(lasts), len(periods))
    by_start = sorted(range(len(periods)), key=lambda j: periods[j].start)
    answers = [len(periods)] * len(asked)
    entered = 0
    for q in sorted(range(len(asked)), key=lambda q: asked[q].last):
        question = asked[q]
        while entered < len(by_start) and periods[by_start[entered]].start <= question.last:
            j = by_start[entered]
            tree.lower(len(lasts) - 1 - bisect_left(lasts, periods[j].last), j)
            entered += 1
        answers[q] = tree.least(len(lasts) - bisect_left(lasts, question.start))
    return answers


def earlier_overlaps(
    periods: Sequence[Period],
    member_of: Sequence[Iterable[Hashable]],
    asks: Sequence[Iterable[Hashable]],
) -> list[int | None]:
    """For each item ``i`` the smallest ``j < i`` whose period overlaps item i's and that
    belongs to one of the groups item ``i`` asks about; None when there is none.

    ``member_of[j]`` names the groups item ``j`` belongs to, ``asks[i]`` the groups whose
    earlier members item ``i`` may clash with: what "the same product" means is the
    caller's to say. The smallest overlapping member of a group that is not before ``i``
    means no earlier member overlaps, so each group is swept once for all its questions.
    """
    members: dict[Hashable, list[int]] = {}
    for j, labels in enumerate(member_of):
        for label in labels:
            members.setdefault(label, []).append(j)
    askers: dict[Hashable, list[int]] = {}
    for i, labels in enumerate(asks):
        for label in labels:
            askers.setdefault(label, []).append(i)
    best = [len(periods)] * len(periods)
    for label, who in askers.items():
        group = members.get(label, [])
        found = first_overlapping([periods[j] for j in group], [periods[i] for i in who])
        for i, k in zip(who, found, strict=True):
            if k < len(group):
                best[i] = min(best[i], group[k])
    return [j if j < i else None for i, j in enumerate(best)]
