"""Short details appended to a finding's explanation, in the reader's language.

The catalogue explanation says what is wrong in general; the detail pins it to this
message: which element is missing, which other class clashes, which date or amount the
gateway compared with. The phrases are the catalogue's (``texts.toml``, ``[detail]``);
details name elements, codes, message dates and amounts, never personal data (no BSN,
names or birth dates).
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.catalogue.texts import say
from ijw_gateway.elements import Element
from ijw_gateway.rules.base import Fault, RuleContext


def detail(ctx: RuleContext, key: str, *args: object) -> str:
    """The phrase ``detail.<key>`` filled with ``args``, in the context's language."""
    return say(f"detail.{key}", ctx.lang, *args)


def sentence(ctx: RuleContext, key: str, **values: object) -> str:
    """The catalogue's sentence ``key`` (``contract.lump_sum``) in the context's language."""
    return say(key, ctx.lang, **values)


def exactly_when(
    ctx: RuleContext, holder: Element, name: str, found: Element | None, wanted: bool
) -> Iterator[Fault]:
    """``name`` (``found`` below ``holder``) is given exactly when ``wanted``: missing, the
    holder is at fault (and the detail names it); given without reason, it is itself."""
    if wanted and found is None:
        yield Fault(holder, detail(ctx, "missing", name))
    elif not wanted and found is not None:
        yield Fault(found)
