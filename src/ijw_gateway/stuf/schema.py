"""Our own StUF-GGk envelope schema (``xsd/`` beside this module), compiled once.

The published schemas stay reference data; ours are written for this project and a
differential test proves both give the same verdict on the published samples and on
thousands of variants. They are read from the package, so a wheel needs nothing beside
it. A finding names the element and the Fo01 code that answers it (``rule``): IB009 for a
reference number that is not a version 4 UUID, RIN001 for anything else.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import cache
from importlib import resources

from lxml import etree

from ijw_gateway.findings import Finding
from ijw_gateway.schematext import explain_schema_error
from ijw_gateway.xmlpath import strip_prefixes

ENTRY = "ggk0210-envelope.xsd"  # imports stuf0301-envelope.xsd
_REFERENCES = ("/referentienummer", "/crossRefnummer")
_VALIDATING = threading.Lock()  # a compiled schema has one error log (see schemas.py)


class _PackageResolver(etree.Resolver):
    """Serves the schema files from the package, and nothing else (no network, no disk)."""

    def resolve(  # type: ignore[override]  # lxml passes a context the stubs omit
        self, system_url: str, public_id: str, context: object
    ) -> object:
        name = system_url.rsplit("/", 1)[-1]
        return self.resolve_string(_file(name), context)  # type: ignore[call-arg]


def _file(name: str) -> bytes:
    return resources.files(__package__).joinpath("xsd", name).read_bytes()


@cache
def envelope_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    parser.resolvers.add(_PackageResolver())
    return etree.XMLSchema(etree.fromstring(_file(ENTRY), parser, base_url=ENTRY))


def check(element: etree._Element) -> list[Finding]:
    """Findings for an envelope (Di01, Du01, Fo01 or Bv03 element); empty when valid."""
    schema = envelope_schema()
    with _VALIDATING:
        if schema.validate(element):
            return []
        log = schema.error_log
    return list(_findings(log))


def _findings(log: etree._ListErrorLog) -> Iterator[Finding]:
    for error in log:
        path = strip_prefixes(error.path or "/") or "/"
        code = "IB009" if path.endswith(_REFERENCES) else "RIN001"
        text = explain_schema_error(error.message)
        yield Finding("schema", code, None, path, error.line or 1, text)
