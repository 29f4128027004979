"""Endpoints of the community app, one module per topic; ``register(router)`` adds them all."""

from . import help, publicity


def register(router):
    help.register(router)
    publicity.register(router)


__all__ = ["register"]
