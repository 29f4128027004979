"""The product's URLs plus /bench/insert/, the yardstick: a plain Django view that inserts one row
and answers JSON, through the same middleware as the product, and /bench/ping/, which tells the
benchmark the server is up. Served only by the HTTP benchmarks (bench/serving.py)."""

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


def ping(request):
    return JsonResponse({})


urlpatterns = [
    path("bench/insert/", insert_one),
    path("bench/ping/", ping),
    path("", include("fangkong.urls")),
]
