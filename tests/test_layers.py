"""The layer map is a test: the imports keep to the layers pyproject.toml lists (the
README's Architecture section draws them), and every module has its place in both."""

from __future__ import annotations

import logging
import pkgutil
import re
import tomllib
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

import ijw_gateway

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def _top_level() -> set[str]:
    """Every module and package directly below ``ijw_gateway``."""
    return {info.name for info in pkgutil.iter_modules(ijw_gateway.__path__)}


def _layers() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    layers: list[str] = contract["layers"]
    return layers


def test_the_imports_keep_to_the_layers() -> None:
    """(import-linter configures its logging with ``dictConfig``, which disables every
    logger that exists already: the gateway's are enabled again, else the tests after
    this one would see none of their records.)"""
    enabled = [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.disabled
    ]
    try:
        assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0
    finally:
        for logger in enabled:
            logger.disabled = False
    assert not logging.getLogger("ijw_gateway.vecozo").disabled


def test_no_module_imports_one_that_imports_it_back() -> None:
    """No import cycle between modules, even inside one layer or package (stuf_intake and
    gateway were one; a cycle hides which of two modules is the lower)."""
    graph = grimp.build_graph("ijw_gateway", cache_dir=None)
    cycles = {
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    }
    assert cycles == set()


def test_every_module_has_its_layer() -> None:
    placed = {name for layer in _layers() for name in re.split(r"[|:]", layer)}
    assert {name.strip() for name in placed} == _top_level()


def test_the_readme_draws_every_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    drawn = set(re.findall(r"\b([a-z_]+)(?:/|\.py)", section))
    assert _top_level() - drawn == set()
