"""Namespace constants of XML Schema and iJw, and how a release's namespaces are spelled.

Which releases exist, and so which namespaces are iJw's, is the catalogue's business
(``catalogue.releases``); this module only knows the spelling the iStandaarden use.
"""

from __future__ import annotations

import re

XS = "http://www.w3.org/2001/XMLSchema"
IJW_ROOT = "http://www.istandaarden.nl/ijw/"

# Any iJw-looking namespace: http://www.istandaarden.nl/ijw/<major>_<minor>/<name>/schema
_IJW_NS = re.compile(
    r"^http://www\.istandaarden\.nl/(?P<std>[a-z]+)/(?P<rel>[0-9]+_[0-9]+)/(?P<name>[a-z0-9]+)/schema$"
)


def namespace_of(release: str, name: str) -> str:
    """(``"2.3"``, ``"jw303"``) -> ``http://www.istandaarden.nl/ijw/2_3/jw303/schema``."""
    return f"{IJW_ROOT}{release.replace('.', '_')}/{name}/schema"


def split_namespace(namespace: str) -> tuple[str, str, str] | None:
    """Split an iStandaarden namespace into (standard, release, name), e.g. ("ijw", "3.1", "jw301")."""
    match = _IJW_NS.match(namespace)
    if match is None:
        return None
    return match["std"], match["rel"].replace("_", "."), match["name"]
