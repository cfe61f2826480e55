"""One exception tree: every exception the project defines sits below ``IjwGatewayError``
and is drawn in ``errors.py``'s docstring, and no project code raises a bare built-in
exception (a ValueError escaping would be an unexplained 500 or traceback)."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
from pathlib import Path

import ijw_gateway
from ijw_gateway import errors
from ijw_gateway.errors import IjwGatewayError

SRC = Path(ijw_gateway.__file__).parent
BUILTIN_EXCEPTIONS = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
} - {"NotImplementedError"}  # an abstract method's body: a programming contract, not an outcome
ALLOWED_BUILTIN_RAISES = {
    # msgspec's dec_hook protocol: msgspec turns the ValueError into its ValidationError,
    # which config.py answers as a ConfigurationError; it never leaves the decoding.
    ("config.py", "ValueError"),
}


def _project_exceptions() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(ijw_gateway.__path__, "ijw_gateway."):
        if ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_project_exception_is_in_the_tree() -> None:
    outside = {
        name for name, cls in _project_exceptions().items() if not issubclass(cls, IjwGatewayError)
    }
    assert outside == set()


def test_errors_draws_every_class_of_the_tree() -> None:
    drawing = errors.__doc__ or ""
    missing = {
        cls.__name__ for cls in _project_exceptions().values() if cls.__name__ not in drawing
    }
    assert missing == set()


def _builtin_raises(path: Path) -> set[tuple[str, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(raised, ast.Name) and raised.id in BUILTIN_EXCEPTIONS:
                found.add((path.relative_to(SRC).as_posix(), raised.id))
    return found


def test_no_project_code_raises_a_bare_builtin_exception() -> None:
    raised = set().union(*(_builtin_raises(path) for path in sorted(SRC.rglob("*.py"))))
    assert raised - ALLOWED_BUILTIN_RAISES == set()
