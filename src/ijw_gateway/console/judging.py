"""The Validate page's work: judge what a tester pasted or uploaded, storing nothing.

The same pieces as ``ijw-gateway validate``: items from a body (a zip is split as the API
splits it, a StUF-GGk envelope is opened), the command line's read-only validator with
the gateway's contracts (unless the tester leaves them out), and for a sequence an in-memory history each file is judged
against and then recorded in. The return message is composed as the service composes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ijw_gateway import xmlparse
from ijw_gateway.contracts import no_extra_data_screen
from ijw_gateway.errors import InputRejected
from ijw_gateway.findings import Report
from ijw_gateway.gateway import Gateway, retour_composer
from ijw_gateway.history.memory import InMemoryHistory
from ijw_gateway.messages.jsonmodel import ModelError, to_json
from ijw_gateway.runtime import build_checks
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.stuf.unwrap import Wrapped, unwrap
from ijw_gateway.unzip import Item
from ijw_gateway.validation import Validator
from ijw_gateway.zipped import ZIP_MAGIC, split_body

SHOWN_LINES = 20_000  # a longer message is judged in full but not shown line by line
SHOWN_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Judged:
    """One file's verdict, with what the page shows beside it."""

    report: Report
    envelope: Wrapped | None
    lines: tuple[str, ...] | None  # the message's lines; None when too long to show
    retour: str | None
    model: str | None

    @property
    def accepted(self) -> bool:
        return self.report.accepted and (self.envelope is None or self.envelope.valid)

    @property
    def flagged(self) -> frozenset[int]:
        return frozenset(f.line for f in self.report.shown)


def items_of(name: str, data: bytes) -> list[Item]:
    """A file's items: a zip's members (as the API takes them), else the file itself."""
    return split_body(data) if data.startswith(ZIP_MAGIC) else [Item(name, data)]


class Judge:
    """Validators over the gateway's schemas and contracts, made once per language."""

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._registry = SchemaRegistry(gateway.settings.schema_dir)
        self._compose = retour_composer(gateway.releases)

    def validator(self, lang: str, history: InMemoryHistory | None, contracts: bool) -> Validator:
        """The command line's read-only validator: refusals are shown, never recorded;
        with ``contracts``, the gateway's contracts judge as well (as the service does)."""
        settings = self._gateway.settings
        checks = build_checks(lang, history, settings, contracts=contracts, record=False)
        return Validator(self._registry, checks, [no_extra_data_screen(None, lang=lang)], lang)

    def judge(
        self, items: Iterable[Item], lang: str, sequence: bool, contracts: bool
    ) -> Iterator[Judged]:
        """Each item's verdict; in a ``sequence`` each is judged against those before it."""
        history = InMemoryHistory() if sequence else None
        validator = self.validator(lang, history, contracts)
        for found in items:
            item, wrapped = unwrap(found)
            if item.data is None:
                assert item.problem is not None
                yield Judged(Report(item.name, findings=(item.problem,)), wrapped, None, None, None)
                continue
            outcome = validator.run(item.data, item.name)
            if history is not None and outcome.message is not None:
                history.record(outcome.message, outcome.report)
            retour = self._compose(outcome.message, outcome.report) if outcome.message else None
            yield Judged(
                outcome.report,
                wrapped,
                _lines(item.data),
                retour.decode("utf-8") if retour else None,
                json_model(item.data) if outcome.message else None,
            )


def _lines(data: bytes) -> tuple[str, ...] | None:
    if len(data) > SHOWN_BYTES:
        return None
    lines = data.decode("utf-8", errors="replace").splitlines()
    return tuple(lines) if len(lines) <= SHOWN_LINES else None


def json_model(data: bytes) -> str | None:
    """The lossless JSON model, as ``GET /v1/messages/{id}?format=json`` gives it."""
    try:
        return json.dumps(to_json(xmlparse.parse(data).getroot()), indent=2, ensure_ascii=False)
    except (InputRejected, ModelError):
        return None
