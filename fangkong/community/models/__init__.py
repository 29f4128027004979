"""Community work, one module per topic: ``help`` (needs of households in difficulty)."""

from .help import Need, NeedQuerySet

__all__ = ["Need", "NeedQuerySet"]
