"""Who may see what: a municipality its own figures, a provider its own, an operator all.

Every monitored row is between one municipality (``gemeente``) and one provider
(``agb``); a party sees the rows it is one side of. An operator of the region (an API key
that belongs to no party: ``store.operators``) sees every row. A principal is what
authentication gives: a party's code, or ``operator:<name>``.
"""

from __future__ import annotations

from dataclasses import dataclass

OPERATOR = "operator:"


def operator_principal(name: str) -> str:
    return OPERATOR + name


def is_operator(principal: str) -> bool:
    return principal.startswith(OPERATOR)


@dataclass(frozen=True)
class Viewer:
    """The caller of a monitoring route or report."""

    principal: str

    @property
    def operator(self) -> bool:
        return is_operator(self.principal)

    @property
    def party(self) -> str | None:
        return None if self.operator else self.principal

    def sees(self, gemeente: str, agb: str) -> bool:
        return self.operator or self.principal in (gemeente, agb)

    def scope(self) -> tuple[str | None, str | None]:
        """(municipality, provider) every row must have: a party's own side, or none."""
        code = self.party
        if code is None:
            return None, None
        return (code, None) if len(code) == 4 else (None, code)


EVERYONE = Viewer(operator_principal("command line"))
"""The command line reads the database directly: it sees what an operator sees."""
