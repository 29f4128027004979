"""The community app's API, one module per topic; ``register(router)`` registers them all."""

from . import publicity


def register(router):
    publicity.register(router)
