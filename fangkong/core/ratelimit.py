"""A fixed-window rate limit in the cache, for pages open without a login (self-report, volunteer sign-up)."""

from django.core.cache import cache


def allow(counters, window):
    """Count one use against every (key, limit) of ``counters``; False once any key has used up its
    share of the window, which starts at the key's first use."""
    allowed = True
    for key, limit in counters:
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
        allowed = allowed and count <= limit
    return allowed
