"""Who is changing things right now, and from where: read by the change log.

The web middleware, the API, management commands, imports and background jobs each open a
change context, so every write is attributed whatever path it took.
"""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


class Source:
    WEB = "web"
    API = "api"
    COMMAND = "command"
    IMPORT = "import"
    JOB = "job"
    SYSTEM = "system"


@dataclass
class ChangeContext:
    source: str = Source.SYSTEM
    user: object = None
    request: object = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def actor(self):
        """The acting user: set explicitly, or the request's user once authentication has run."""
        user = self.user
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        return user if getattr(user, "is_authenticated", False) else None


_current = ContextVar("fangkong_change_context", default=None)


def current():
    return _current.get() or ChangeContext()


@contextmanager
def change_context(source, user=None, request=None, request_id=None):
    ctx = ChangeContext(source=source, user=user, request=request)
    if request_id:
        ctx.request_id = request_id
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
