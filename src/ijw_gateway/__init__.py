"""ijw-gateway: validate, translate, match and route iJw 3.2 youth-care messages."""

from pathlib import Path

__version__ = "0.1.0"


def example_file(name: str) -> Path:
    """A file of the embedded Zuid-Holland-Zuid example (``examples/zhz/``), shipped in the
    package (``ijw_gateway/examples`` links the repository's folder in; a wheel copies it)."""
    return Path(__file__).resolve().parent / "examples" / "zhz" / name
