"""The schema registry: (release, message) -> compiled XSD, each compiled once.

By default the schemas are generated in memory from our message catalogue (the same
bytes as the committed ``xsd/<release>/``). Operators can point the registry at a
directory holding a bundle, for example the XSDs the standard's owner publishes
(``--schemas DIR`` / ``IJW_SCHEMA_DIR``): the directory is the bundle of the exchange's
release, or holds one folder per release (``DIR/3.2/``, ``DIR/2.3/``). A release without
a bundle there keeps the generated schemas.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ijw_gateway import schemawindows, xsdgen
from ijw_gateway.catalogue.releases import DEFAULT, RELEASES
from ijw_gateway.errors import SchemaBundleError
from ijw_gateway.findings import Finding
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

    def __init__(self, directory: Path | None = None, *, release: str | None = None) -> None:
        """``release``: ``directory`` is that release's bundle (not a folder per release)."""
        self.directory = directory
        self._compiled: dict[tuple[str, str], etree.XMLSchema] = {}
        self._lock = threading.Lock()
        # A compiled schema has one error log, cleared and filled by every validation (with
        # the GIL released): validating and reading the log must not interleave with another
        # thread validating the same message type, or findings leak between messages.
        self._validating = {
            (r, m): threading.Lock() for r in RELEASES for m in RELEASES[r].messages
        }
        self._generated: dict[str, dict[str, bytes]] = {}  # per release, made when first asked
        self._bundles = {} if directory is None else _bundles(directory, release)

    @property
    def description(self) -> str:
        if self.directory is None:
            return "built-in schemas generated from the ijw-gateway message catalogue"
        return f"schema bundle in {self.directory}"

    @staticmethod
    def _file(directory: Path, message: str) -> Path | None:
        for name in (f"{message.lower()}.xsd", f"{message}.xsd"):
            if (directory / name).is_file():
                return directory / name
        return None

    def _compile(self, message: str, release: str) -> etree.XMLSchema:
        try:
            bundle = self._bundles.get(release)
            if bundle is None:
                files = self._generated.get(release)
                if files is None:
                    files = self._generated[release] = xsdgen.all_schemas(RELEASES[release])
                parser = _locked_down_parser()
                parser.resolvers.add(_GeneratedResolver(files))
                name = f"{message.lower()}.xsd"
                doc = etree.fromstring(files[name], parser, base_url=name)
                return etree.XMLSchema(doc)
            path = self._file(bundle, message)
            assert path is not None  # checked in __init__
            return etree.XMLSchema(etree.parse(str(path), _locked_down_parser()))
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
            raise SchemaBundleError(f"The schema of {message} cannot be compiled: {exc}") from None

    def schema(self, message: str, release: str = DEFAULT.name) -> etree.XMLSchema:
        known = RELEASES.get(release)
        if known is None or message not in known.messages:
            raise SchemaBundleError(f"No schema for {message} of release {release}.")
        key = (release, message)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(message, release)
                self._compiled[key] = compiled
        return compiled

    def compile_all(self) -> None:
        """Compile every schema now (a server does this at start, so errors show early)."""
        for name, known in RELEASES.items():
            for message in known.messages:
                self.schema(message, name)

    def check(
        self,
        tree: etree._ElementTree,
        message: str,
        size: int | None = None,
        *,
        lang: str = "en",
        release: str = DEFAULT.name,
    ) -> list[Finding]:
        """Schema findings for a tree (of ``size`` bytes, when known; texts in ``lang``),
        empty when it is valid. Long lists of the exchanged release are validated in
        windows, so that an error on every item does not cost n² (``schemawindows``)."""
        schema = self.schema(message, release)
        with self._validating[(release, message)]:
            errors = None
            if release == DEFAULT.name:
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


def _bundles(directory: Path, release: str | None) -> dict[str, Path]:
    """The bundle of each release ``directory`` holds: a folder per release, or else the
    directory itself for ``release`` (default: the exchange's). Raises when one lacks a
    message's schema."""
    if not directory.is_dir():
        raise SchemaBundleError(f"Schema directory {directory} does not exist.")
    if release is not None and release not in RELEASES:
        raise SchemaBundleError(f"No release {release} in the catalogue.")
    found = {name: directory / name for name in RELEASES if (directory / name).is_dir()}
    bundles = {release: directory} if release else found or {DEFAULT.name: directory}
    for name, folder in bundles.items():
        missing = [m for m in RELEASES[name].messages if SchemaRegistry._file(folder, m) is None]
        if missing:
            raise SchemaBundleError(
                f"Schema directory {folder} lacks the schemas of {', '.join(missing)} "
                f"of release {name} (expected files such as jw301.xsd beside basisschema.xsd)."
            )
    return bundles
