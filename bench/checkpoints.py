"""Checkpoints at their peak, over HTTP, and the command's list of overdue hand-overs after a month.

    .venv/bin/python bench/checkpoints.py                       # PostgreSQL fangkong_bench_checkpoints
    .venv/bin/python bench/checkpoints.py --duration 120 --people 1000000 --json var/bench/checkpoints.json

Creates the database (its name must contain "bench"), migrates it and imports the real Shangluo tree
(bench/tree.py). Then:

1. **Passages over HTTP.** 60 checkpoints (one per town, in code order), each with 4 lanes and a
   member of staff with an API token per checkpoint; gunicorn (``--workers`` sync workers,
   CONN_MAX_AGE=60, DEBUG off) serves the product. Every lane sends one car of four people to
   ``POST /api/passages/`` every 10 seconds (24 cars a second in all), each lane starting at a random
   moment of the first 10 seconds, for ``--duration`` seconds: an open loop, so a slow answer delays
   nobody's next car, and the latency is counted from the moment the car was due (a backlog shows).
   Destinations are random villages of the city (1 in 10 outside it), 1 in 20 people has a fever.
   Right after every 10th answer, the village's inbox (``GET /api/handovers/?area=…&status=pending&q=…``)
   is asked for the car's first person: the time from the POST's sending to the inbox answering.
2. **The overdue list of the city.** ``--people`` people (4 a car) are written with bulk inserts
   over the 30 days before now, on the 60 checkpoints; hand-overs older than the limit are accepted,
   1 % not arrived and 2 % still pending (overdue), the last 12 hours pending. Then, in this process
   through the Django test client, as the city commander: the first page of
   ``/checkpoints/handovers/?status=overdue`` and of ``/api/handovers/?status=overdue``, and the
   town's API list, ``--repeat`` times each (p50, p99, max), with the plan of the list's query.
"""

import argparse
import datetime
import http.client
import itertools
import json
import os
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import start_gunicorn as serve  # noqa: E402
from serving import stop  # noqa: E402
from tree import build_tree, create_database, drop_database, use_database, versions  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fangkong_bench_checkpoints"
CHECKPOINTS, LANES, SECONDS_PER_CAR = 60, 4, 10
ORIGINS = ["420102", "420106", "610102", "610113", "110101", "310101", "440106", "500103"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="(default: %(default)s)")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument(
        "--checkpoints", type=int, default=CHECKPOINTS, help="checkpoints of 4 lanes sending cars (default: 60)"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default: 3)")
    parser.add_argument("--threads", type=int, default=48, help="client threads sending the cars (default: 48)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of cars (default: 60)")
    parser.add_argument(
        "--people", type=int, default=1_000_000, help="people in the month; 0: passages only (default: 1,000,000)"
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per list (default: 30)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--seed", type=int, default=20200123)
    return parser.parse_args()


def percentile(values, share):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 1) if ordered else None


def summary(values):
    return {
        "n": len(values),
        "p50_ms": percentile(values, 0.5),
        "p99_ms": percentile(values, 0.99),
        "max_ms": round(max(values), 1) if values else None,
    }


def id_number(rng):
    from fangkong.core.validators import id_check_character

    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(25000))
    first17 = f"611022{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_character(first17)


def name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


# --- seeding ------------------------------------------------------------------------------------


def seed(count=CHECKPOINTS):
    """``count`` checkpoints (60), one per town, each with a member of staff and their token; the city's commander."""
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from fangkong.accounts.models import Membership, User
    from fangkong.areas.models import Area
    from fangkong.checkpoints.models import Checkpoint
    from fangkong.core.roles import Role

    call_command("migrate", verbosity=0)
    build_tree(1)
    towns = list(Area.objects.filter(level=Area.Level.TOWN).order_by("path")[:count])
    checkpoints = []
    for number, town in enumerate(towns):
        checkpoint = Checkpoint(area=town, name=f"{town.short_name}检测点", kind=Checkpoint.Kind.ROAD)
        checkpoint.save()
        staff = User.objects.create_user(f"bench_staff_{number}")
        Membership.objects.create(user=staff, area=town, role=Role.CHECKPOINT)
        checkpoints.append((checkpoint.pk, Token.objects.create(user=staff).key))
    commander = User.objects.create_user("bench_commander")
    Membership.objects.create(user=commander, area=Area.objects.get(level=Area.Level.CITY), role=Role.COMMANDER)
    villages = list(
        Area.objects.filter(level=Area.Level.VILLAGE, is_special=False, retired_on__isnull=True).values_list(
            "code", flat=True
        )
    )
    return checkpoints, Token.objects.create(user=commander).key, commander, villages


# --- 1. passages over HTTP ------------------------------------------------------------------------


def start_gunicorn(args):
    """The product under gunicorn (bench/serving.py, as the write-path bench serves it); a busy machine may
    take a minute to boot the workers."""
    return serve(args.port, args.workers, timeout=120)


class Client(threading.local):
    """One keep-alive connection per client thread."""

    def __init__(self, port):
        self.port = port
        self.connection = None

    def request(self, method, path, token, body=None):
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
            if body is not None:
                headers["Content-Type"] = "application/json"
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        return None


def car(rng, checkpoint, plate, villages):
    travellers = []
    for _ in range(4):
        row = {"name": name(rng), "id_number": id_number(rng), "temperature": f"{rng.uniform(36.0, 37.2):.1f}"}
        if rng.random() < 0.05:
            row["temperature"] = f"{rng.uniform(37.3, 39.5):.1f}"
        if rng.random() < 0.1:
            row["destination_text"] = "西安市雁塔区"
        else:
            row["destination"] = rng.choice(villages)
        travellers.append(row)
    return {
        "key": f"bench-{plate}",
        "checkpoint": checkpoint,
        "plate": plate,
        "origin": rng.choice(ORIGINS),
        "travellers": travellers,
    }


def drive(args, checkpoints, commander_token, villages):
    """Every lane sends a car every SECONDS_PER_CAR seconds; returns the latencies and inbox delays."""
    rng = random.Random(args.seed)
    start = time.monotonic() + 2
    schedule = []
    plates = itertools.count(10000)
    for checkpoint, token in checkpoints:
        for _lane in range(LANES):
            offset = rng.uniform(0, SECONDS_PER_CAR)
            for k in range(int(args.duration / SECONDS_PER_CAR)):
                schedule.append((start + offset + k * SECONDS_PER_CAR, checkpoint, token, f"陕H{next(plates)}"))
    schedule.sort()
    bodies = {plate: car(rng, checkpoint, plate, villages) for _due, checkpoint, _token, plate in schedule}
    client = Client(args.port)
    due_latency, service, inbox, failures, slowest = [], [], [], [], []
    lock = threading.Lock()

    def send(index, due, checkpoint, token, plate):
        body = bodies[plate]
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        sent = time.monotonic()
        status, content = client.request("POST", "/api/passages/", token, json.dumps(body))
        done = time.monotonic()
        found = None
        if status == 201 and index % 10 == 0 and body["travellers"][0].get("destination"):
            first = body["travellers"][0]
            path = f"/api/handovers/?area={first['destination']}&status=pending&q={quote(first['name'])}"
            answer, listed = client.request("GET", path, commander_token)
            names = [row["name"] for row in json.loads(listed)["results"]] if answer == 200 else []
            found = (time.monotonic() - sent) * 1000 if first["name"] in names else -1
        with lock:
            if status != 201:
                failures.append((status, content[:200]))
            due_latency.append((done - due) * 1000)
            service.append((done - sent) * 1000)
            slowest.append((round((done - sent) * 1000, 1), index, round(sent - start, 2)))
            if found is not None:
                inbox.append(found)

    with ThreadPoolExecutor(args.threads) as pool:
        for index, (due, checkpoint, token, plate) in enumerate(schedule):
            pool.submit(send, index, due, checkpoint, token, plate)
    elapsed = time.monotonic() - start
    missing = sum(1 for value in inbox if value < 0)
    return {
        "cars": len(schedule),
        "cars_per_s": round(len(schedule) / elapsed, 1),
        "failed": len(failures),
        "failures": failures[:5],
        "latency_from_due": summary(due_latency),
        "service_time": summary(service),
        "inbox_after_post": {**summary([value for value in inbox if value >= 0]), "not_found": missing},
        "load": round(os.getloadavg()[0], 2),
        # Where the tail is: [ms, the car's number in the schedule, seconds into the run] of the ten slowest.
        "slowest": sorted(slowest, reverse=True)[:10],
    }


def queries_per_passage(args, checkpoints, villages):
    """The queries of one car of four (one with a fever, one without), in this process through DRF's
    test client as the checkpoint's staff: what a POST costs the database, whatever the machine's load."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    rng = random.Random(args.seed + 2)
    checkpoint, token = checkpoints[0]
    client = APIClient()
    client.force_authenticate(Token.objects.get(key=token).user)
    result = {}
    for label, temperature in (("no fever", "36.5"), ("one fever", "38.5")):
        body = car(rng, checkpoint, f"陕Q{rng.randrange(100000):05d}", villages)
        for row in body["travellers"]:
            row["temperature"] = "36.6"
        body["travellers"][0]["temperature"] = temperature
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/api/passages/", body, format="json")
        assert response.status_code == 201, response.content
        result[label] = len(captured.captured_queries)
    return result


# --- 2. a month of passages and the overdue list ------------------------------------------------


def fill_month(args, villages, now):
    """``--people`` people over the 30 days before ``now``, written day by day with ``core.bulk.insert``
    (COPY: the imports' fast path)."""
    from django.db import connection, transaction

    from fangkong.areas.models import Area, Division
    from fangkong.checkpoints.models import Checkpoint, HandOver, Passage, Traveller
    from fangkong.core import bulk, crypto

    rng = random.Random(args.seed + 1)
    checkpoints = list(Checkpoint.objects.order_by("pk"))
    origins = list(Division.objects.filter(code__in=ORIGINS))
    village_rows = list(Area.objects.filter(code__in=villages).values_list("pk", "path"))
    encrypted = crypto.encrypt("611022198503120012")  # one number for all: the list never decrypts it
    limit = datetime.timedelta(hours=12)
    cars = args.people // 4
    per_day = cars // 30
    plates = itertools.count(100000)
    started = time.monotonic()
    for day in range(30):
        day_start = now - datetime.timedelta(days=30 - day)
        with transaction.atomic():
            passages = []
            for _ in range(per_day):
                checkpoint = rng.choice(checkpoints)
                passages.append(
                    Passage(
                        key=f"month-{next(plates)}",
                        checkpoint=checkpoint,
                        area_id=checkpoint.area_id,
                        area_path=checkpoint.area_path,
                        passed_at=day_start + datetime.timedelta(seconds=rng.uniform(0, 86400)),
                        plate=f"陕K{rng.randrange(100000):05d}",
                        origin=rng.choice(origins),
                    )
                )
            bulk.insert(passages)
            travellers = []
            for passage in passages:
                for _ in range(4):
                    outside = rng.random() < 0.1
                    village = None if outside else rng.choice(village_rows)
                    travellers.append(
                        Traveller(
                            passage=passage,
                            area_id=passage.area_id,
                            area_path=passage.area_path,
                            name=name(rng),
                            id_number_encrypted=encrypted,
                            id_number_masked="6110**********0012",
                            origin=passage.origin,
                            destination_id=village and village[0],
                            destination_text="西安市雁塔区" if outside else "",
                            temperature=36.5,
                        )
                    )
            bulk.insert(travellers)
            handovers = []
            for traveller, passage in zip(travellers, (p for p in passages for _ in range(4)), strict=True):
                if traveller.destination_id is None:
                    continue
                due = passage.passed_at + limit
                status = HandOver.Status.PENDING
                if due <= now:
                    roll = rng.random()
                    status = (
                        HandOver.Status.ACCEPTED
                        if roll < 0.97
                        else HandOver.Status.NOT_ARRIVED
                        if roll < 0.98
                        else HandOver.Status.PENDING
                    )
                handovers.append(
                    HandOver(
                        traveller=traveller,
                        checkpoint=passage.checkpoint,
                        checkpoint_path=passage.area_path,
                        area_id=traveller.destination_id,
                        area_path=dict(village_rows)[traveller.destination_id],
                        status=status,
                        due_at=due,
                    )
                )
            bulk.insert(handovers)
        print(f"day {day + 1}/30: {len(travellers)} people, {time.monotonic() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "passages": Passage.objects.count(),
        "people": Traveller.objects.count(),
        "handovers": HandOver.objects.count(),
        "overdue": HandOver.objects.overdue(now).count(),
        "fill_seconds": round(time.monotonic() - started),
    }


def overdue_lists(args, commander):
    """The first page of the overdue list, as the command and a town read it, timed in process."""
    from django.conf import settings
    from django.test import override_settings

    # The pages' static files by their plain names: no collectstatic manifest here.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        return _overdue_lists(args, commander)


def _overdue_lists(args, commander):
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    from fangkong.areas.models import Area
    from fangkong.checkpoints.models import HandOver

    town = Area.objects.filter(level=Area.Level.TOWN).order_by("path").first()
    client = TestClient()
    client.force_login(commander)
    pages = {
        "web, city": "/checkpoints/handovers/?status=overdue",
        "api, city": "/api/handovers/?status=overdue",
        "api, one town": f"/api/handovers/?status=overdue&area={town.code}",
    }
    results = {}
    for label, path in pages.items():
        assert client.get(path).status_code == 200
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        results[label] = {**summary(timings), "queries": len(captured.captured_queries)}
    commander = type(commander).objects.get(pk=commander.pk)  # memberships read afresh
    query = HandOver.objects.restrict(commander).overdue().order_by("due_at", "pk")[:50]
    with connection.cursor() as cursor:
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
        results["plan"] = [row[0] for row in cursor.fetchall()]
    return results


def main():
    args = parse_args()
    use_database(args.database_url, DJANGO_SETTINGS_MODULE="write_path_settings")
    create_database(args.database_url)
    import django

    django.setup()
    from django.core.cache import cache
    from django.utils import timezone

    cache.clear()
    report = {"machine": versions()}
    try:
        checkpoints, commander_token, commander, villages = seed(args.checkpoints)
        server = start_gunicorn(args)
        try:
            report["passages"] = drive(args, checkpoints, commander_token, villages)
        finally:
            stop(server)
        print(json.dumps(report["passages"], ensure_ascii=False), flush=True)
        report["queries_per_passage"] = queries_per_passage(args, checkpoints, villages)
        print("queries per car of four:", report["queries_per_passage"], flush=True)
        if args.people > 0:
            report["month"] = fill_month(args, villages, timezone.now())
            print(json.dumps(report["month"]), flush=True)
            report["overdue_list"] = overdue_lists(args, commander)
            for label, facts in report["overdue_list"].items():
                print(label, facts if label != "plan" else "\n    " + "\n    ".join(facts))
    finally:
        if not args.keep:
            drop_database(args.database_url)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
