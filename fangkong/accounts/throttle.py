"""Brute-force protection: failed logins are counted per user name and per client address."""

from django.conf import settings
from django.core.cache import cache

# An office behind one address has many honest users: allow it more failures than one account.
ADDRESS_FACTOR = 4


def _counters(username, address):
    limit = settings.LOGIN_FAILURE_LIMIT
    return [
        (f"login-failures:user:{(username or '').strip().lower()}", limit),
        (f"login-failures:addr:{address}", limit * ADDRESS_FACTOR),
    ]


def client_address(request):
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def is_locked(username, address):
    return any(cache.get(key, 0) >= limit for key, limit in _counters(username, address))


def register_failure(username, address):
    for key, _limit in _counters(username, address):
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def clear(username):
    cache.delete(_counters(username, "")[0][0])
