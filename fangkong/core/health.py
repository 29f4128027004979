"""/health/ for the load balancer: the database, the cache and, with REDIS_URL, the Celery broker."""

import asyncio

from django.conf import settings
from django.http import JsonResponse
from health_check.checks import Cache, Database
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient


class HealthView(HealthCheckView):
    """200 when every check passes, 503 when one fails. Open without login, so it says no more than
    each check's name and "ok" or "failing"; why a check failed goes to the log."""

    def get_checks(self):
        yield "database", Database()
        yield "cache", Cache()
        if settings.REDIS_URL:
            # Redis is Celery's broker: without it no background task (imports, exports) starts.
            yield "broker", Redis(client_factory=lambda: RedisClient.from_url(settings.REDIS_URL))

    async def get(self, request, *args, **kwargs):
        names, checks = zip(*self.get_checks(), strict=True)
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in checks))
        status = {name: "failing" if result.error else "ok" for name, result in zip(names, results, strict=True)}
        return JsonResponse(status, status=503 if "failing" in status.values() else 200)
