"""The schema registry: (release, message) -> compiled XSD, each compiled once.

By default the schemas are generated in memory from our message catalogue (the same
bytes as the committed ``xsd/``). Operators can point the registry at a directory holding
a release bundle, for example the XSDs the standard's owner publishes
(``--schemas DIR`` / ``IJW_SCHEMA_DIR``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ijw_gateway import schemawindows, xsdgen
from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.errors import SchemaBundleError
from ijw_gateway.findings import Finding
from ijw_gateway.namespaces import RELEASE
from ijw_gateway.schematext import explain_schema_error, named_path
from ijw_gateway.xmlpath import strip_prefixes


class _GeneratedResolver(etree.Resolver):
    """Serves ``basisschema.xsd`` from memory when a generated message schema imports it."""

    def __init__(self, files: dict[str, bytes]) -> None:
        super().__init__()
        self._files = files

    def resolve(  # type: ignore[override]  # lxml passes a context the stubs omit
        self, system_url: str, public_id: str, context: object
    ) -> object:
        name = system_url.rsplit("/", 1)[-1]
        if name in self._files:
            return self.resolve_string(self._files[name], context)  # type: ignore[call-arg]
        return None


def _locked_down_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class SchemaRegistry:
    """Compiled schemas per (release, message), loaded lazily and kept for reuse."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self._compiled: dict[tuple[str, str], etree.XMLSchema] = {}
        self._lock = threading.Lock()
        # A compiled schema has one error log, cleared and filled by every validation (with
        # the GIL released): validating and reading the log must not interleave with another
        # thread validating the same message type, or findings leak between messages.
        self._validating = {message: threading.Lock() for message in MESSAGES}
        self._generated = xsdgen.all_schemas() if directory is None else {}
        if directory is not None:
            self._check_directory(directory)

    @property
    def description(self) -> str:
        if self.directory is None:
            return "built-in schemas generated from the ijw-gateway message catalogue"
        return f"schema bundle in {self.directory}"

    def _check_directory(self, directory: Path) -> None:
        if not directory.is_dir():
            raise SchemaBundleError(f"Schema directory {directory} does not exist.")
        missing = [m for m in MESSAGES if self._file(directory, m) is None]
        if missing:
            raise SchemaBundleError(
                f"Schema directory {directory} lacks the schemas of {', '.join(missing)} "
                "(expected files such as jw301.xsd beside basisschema.xsd)."
            )

    @staticmethod
    def _file(directory: Path, message: str) -> Path | None:
        for name in (f"{message.lower()}.xsd", f"{message}.xsd"):
            if (directory / name).is_file():
                return directory / name
        return None

    def _compile(self, message: str) -> etree.XMLSchema:
        try:
            if self.directory is None:
                parser = _locked_down_parser()
                parser.resolvers.add(_GeneratedResolver(self._generated))
                name = f"{message.lower()}.xsd"
                doc = etree.fromstring(self._generated[name], parser, base_url=name)
                return etree.XMLSchema(doc)
            path = self._file(self.directory, message)
            assert path is not None  # checked in __init__
            return etree.XMLSchema(etree.parse(str(path), _locked_down_parser()))
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
            raise SchemaBundleError(f"The schema of {message} cannot be compiled: {exc}") from None

    def schema(self, message: str, release: str = RELEASE) -> etree.XMLSchema:
        if release != RELEASE or message not in MESSAGES:
            raise SchemaBundleError(f"No schema for {message} of release {release}.")
        key = (release, message)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(message)
                self._compiled[key] = compiled
        return compiled

    def compile_all(self) -> None:
        """Compile every schema now (a server does this at start, so errors show early)."""
        for message in MESSAGES:
            self.schema(message)

    def check(
        self,
        tree: etree._ElementTree,
        message: str,
        size: int | None = None,
        *,
        lang: str = "en",
    ) -> list[Finding]:
        """Schema findings for a tree (of ``size`` bytes, when known; texts in ``lang``),
        empty when it is valid. Long lists are validated in windows, so that an error on
        every item does not cost n² (``schemawindows``)."""
        schema = self.schema(message)
        with self._validating[message]:
            errors = schemawindows.validate(schema, tree, message, size)
            if errors is None:
                if schema.validate(tree):
                    return []
                errors = schemawindows.errors_of(schema)
        return list(_findings(errors, lang))


def _findings(errors: list[schemawindows.Error], lang: str) -> Iterator[Finding]:
    for raw_path, line, message in errors:
        path = named_path(strip_prefixes(raw_path)) or "/"
        text = explain_schema_error(message, lang)
        yield Finding("schema", None, None, path, line or 1, text)
