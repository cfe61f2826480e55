"""Whether a party's own return message copies the header of its original (IV028).

When the gateway answers, it builds the return message's header from the original's
(``build._retour_header``); when the receiver answers itself (answer mode ``party``), the
gateway checks that the answer did the same before it routes it: every element of the
original's Header, but its BerichtCode, must come back unchanged. Only element names are
reported, never values (a header names the parties; values could be anything).

``accepts`` reads the receiver's decision on an original the gateway's verdict rejected and
delivered all the same (a held message, ``held``): whether the answer lets it count as sent.
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.elements import Element, child, find_all, local_name
from ijw_gateway.history.extract import GRANTED_CODES
from ijw_gateway.retour.build import ACCEPTING
from ijw_gateway.routing import DECLARATION_ANSWER

_OWN = frozenset({"BerichtCode"})
"""Header elements the answer states for itself rather than copies."""


def _content(element: Element) -> tuple[object, ...]:
    """An element's name and text with its children's, namespaces aside."""
    inner = tuple(_content(c) for c in element if isinstance(c.tag, str))
    return local_name(element), (element.text or "").strip(), inner


def _elements(header: Element | None) -> Iterator[Element]:
    if header is not None:
        yield from (c for c in header if isinstance(c.tag, str))


def uncopied(original: Element, answer: Element) -> tuple[str, ...]:
    """The names of the original's Header elements the answer's Header lacks or changed."""
    theirs = {local_name(e): _content(e) for e in _elements(child(answer, "Header"))}
    return tuple(
        local_name(mine)
        for mine in _elements(child(original, "Header"))
        if local_name(mine) not in _OWN and theirs.get(local_name(mine)) != _content(mine)
    )


def _codes(element: Element | None) -> set[str]:
    found = find_all(element, "RetourCodes/RetourCode") if element is not None else []
    return {(code.text or "").strip() for code in found}


def accepts(type_: str, answer: Element) -> bool:
    """Whether a party's own answer lets its original count as sent. A JW325 does when its
    header and ``DeclaratieAntwoord`` grant the declaration: codes on its lines refuse those
    lines only (IV087). A return message does when every code in it accepts: a fault in any
    class refuses a heen message as a whole (OP286), and the code sits on that class, the
    header keeping ``0200``."""
    if type_ == DECLARATION_ANSWER:
        body = child(answer, "DeclaratieAntwoord")
        found = _codes(child(answer, "Header")) | _codes(body)
        return body is not None and found <= GRANTED_CODES
    codes = answer.iter("{*}RetourCode")
    return all((code.text or "").strip() in ACCEPTING for code in codes)
