"""ijw-gateway: validate, translate, match and route iJw 3.2 youth-care messages."""

__version__ = "0.1.0"
