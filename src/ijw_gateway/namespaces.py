"""Namespace constants of iJw and XML Schema, and the mapping from messages to namespaces."""

from __future__ import annotations

import re

XS = "http://www.w3.org/2001/XMLSchema"
IJW_ROOT = "http://www.istandaarden.nl/ijw/"
RELEASE = "3.2"
IJW_32 = IJW_ROOT + "3_2/"
BASIS = IJW_32 + "basisschema/schema"

# Any iJw-looking namespace: http://www.istandaarden.nl/ijw/<major>_<minor>/<name>/schema
_IJW_NS = re.compile(
    r"^http://www\.istandaarden\.nl/(?P<std>[a-z]+)/(?P<rel>[0-9]+_[0-9]+)/(?P<name>[a-z0-9]+)/schema$"
)


def message_namespace(message: str) -> str:
    """``JW301`` -> ``http://www.istandaarden.nl/ijw/3_2/jw301/schema``."""
    return f"{IJW_32}{message.lower()}/schema"


def split_namespace(namespace: str) -> tuple[str, str, str] | None:
    """Split an iStandaarden namespace into (standard, release, name), e.g. ("ijw", "3.1", "jw301")."""
    match = _IJW_NS.match(namespace)
    if match is None:
        return None
    return match["std"], match["rel"].replace("_", "."), match["name"]
