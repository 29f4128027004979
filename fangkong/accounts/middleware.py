import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout

STARTED = "session_started"
SEEN = "session_seen"
# The last-seen time is written at most once a minute: not one session write per request.
SEEN_RESOLUTION = 60


class SessionLimitsMiddleware:
    """Logs out a session idle for more than SESSION_IDLE_SECONDS, and any session older than
    SESSION_COOKIE_AGE however busy: a lost field phone does not stay logged in.

    The session's own expiry cannot do the second: it moves on whenever the session is saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = int(time.time())
        session = request.session
        if request.user.is_authenticated and STARTED in session:
            idle = now - session.get(SEEN, now)
            age = now - session[STARTED]
            if idle > settings.SESSION_IDLE_SECONDS or age > settings.SESSION_COOKIE_AGE:
                logout(request)  # the view then sees an anonymous user: the login page, or 401 from the API
        response = self.get_response(request)
        # A login session, also one just begun by this request. Not request.user: an API request
        # authenticated by its token has a user too, and must not be given a session.
        if SESSION_KEY in session:
            session.setdefault(STARTED, now)
            if now - session.get(SEEN, 0) >= SEEN_RESOLUTION:
                session[SEEN] = now
        return response
