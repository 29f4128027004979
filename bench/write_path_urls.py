"""The product's URLs plus /bench/insert/, the yardstick: a plain Django view that inserts one row
and answers JSON, through the same middleware as the product, and /bench/ping/, which tells the
benchmark the server is up. /bench/check/ is a check without DRF (bench/checks.py --bare): how much of
a check's time is the API framework's. Served only by the HTTP benchmarks (bench/serving.py)."""

import json
from decimal import Decimal

from django.db import models
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


class BenchRow(models.Model):
    """A bench-only table (created by bench/write_path.py, never migrated)."""

    note = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "core"
        db_table = "bench_write_path_row"
        managed = False

    def __str__(self):
        return self.note


@csrf_exempt
@require_POST
def insert_one(request):
    row = BenchRow.objects.create(note=request.body.decode()[:200])
    return JsonResponse({"id": row.pk}, status=201)


@csrf_exempt
@require_POST
def bare_check(request):
    """A check through the product's services (the person's read, scope, the rules, the save with its
    change-log entry) with none of DRF's dispatch: the token through the product's cached authentication,
    the body parsed and answered by hand, no field validation beyond the services' own. A floor for the
    API's POST /api/checks/, not a path to use: an invalid body is a 500 here."""
    from django.utils.dateparse import parse_datetime

    from fangkong.accounts.authentication import CachedTokenAuthentication
    from fangkong.core import scope
    from fangkong.core.roles import Action
    from fangkong.health import services
    from fangkong.health.models import Check
    from fangkong.people.models import Person

    user, _token = CachedTokenAuthentication().authenticate_credentials(request.headers["Authorization"].split()[1])
    request.user = user
    data = json.loads(request.body)
    person = services.person_with_episodes(int(data["person"]))
    if person is None or not scope.can(user, Action.VIEW, Person, person.area_path):
        return JsonResponse({"person": ["not found"]}, status=400)
    if not scope.can(user, Action.ADD, Check, person.area_path):
        return JsonResponse({"person": ["not yours"]}, status=400)
    check = Check(
        key=data["key"],
        person=person,
        taken_at=parse_datetime(data["taken_at"]),
        temperature=Decimal(data["temperature"]),
        symptoms=data.get("symptoms", []),
        source=data.get("source", Check.Source.WORKER),
    )
    check, created = services.record_check(check, user)
    answer = {
        "id": check.pk,
        "key": check.key,
        "person": check.person_id,
        "episode": check.episode_id,
        "area": check.area.code,
        "taken_at": check.taken_at.isoformat(),
        "window": check.window,
        "temperature": str(check.temperature),
        "symptoms": check.symptoms,
        "source": check.source,
        "is_fever": check.is_fever,
    }
    return JsonResponse(answer, status=201 if created else 200)


def ping(request):
    return JsonResponse({})


urlpatterns = [
    path("bench/insert/", insert_one),
    path("bench/check/", bare_check),
    path("bench/ping/", ping),
    path("", include("fangkong.urls")),
]
