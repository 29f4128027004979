"""Supplies at city scale: a county's stock and the city's low-stock list over a year of ledger.

    .venv/bin/python bench/supplies.py                 # PostgreSQL fangkong_bench_supplies, dropped at the end
    .venv/bin/python bench/supplies.py --moves 5000000 --json var/bench/supplies.json

Creates the database (its name must contain "bench"; it is dropped at the end unless ``--keep``),
imports the real Shangluo tree (bench/tree.py) and migrates supplies to 0002 (before the Stock row
kept its balance). Then writes, with ``fangkong.core.bulk.insert_values`` (COPY, no signals, no
change-log entries): ``--stores`` stores (one per county, town and village, the rest checkpoint
stores of the towns), the catalogue grown to ``--items`` items, a Stock row per store and item (30 %
with a safety level), and ``--moves`` moves over the 365 days before today: for each Stock row
12 or 13 moves on random days in date order, a receipt (purchase, allocation, donation) whenever the
running balance is under 200, otherwise a use or an issue of up to the balance. Then migrates
supplies 0003 (timed: it backfills each row's balance and last day of use from the ledger).

Timed in this process through Django's test client and querysets (median of ``--repeat`` after a
warm-up), with the query count of one more request:

(a) the county officer's stock of every store of the county: ``/supplies/stock/?area=<county>``
    and ``/api/stock/?area=<county>`` (50 rows a page, looked ahead: no COUNT), first and ``--page``;
(b) the city's low-stock list as the city commander: ``/supplies/stock/?low=true`` and
    ``/api/stock/?low=true``; and the whole list's size (``.count()`` of the filtered queryset);
and, for comparison, the same querysets with the balance summed from the ledger (the code before
0003), and EXPLAIN ANALYZE of the new ones.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tree import build_tree, create_database, drop_database, use_database, versions  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fangkong_bench_supplies"
RECEIPTS = ("purchase", "allocation", "donation")
OUTGOING = ("used", "issued_person", "issued_checkpoint", "issued_site", "written_off")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="(default: %(default)s)")
    parser.add_argument("--stores", type=int, default=2000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--moves", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per list (default: 15)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--measure-only", action="store_true", help="time the lists of a database kept with --keep")
    parser.add_argument("--page", type=int, default=20, help="the deeper page timed (default: 20)")
    parser.add_argument("--seed", type=int, default=20200123)
    return parser.parse_args()


def timed(fn, repeat):
    fn()  # warm-up
    values = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        values.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(values), 1), "max_ms": round(max(values), 1), "n": repeat}


def fields_of(model, leave_out=()):
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in leave_out]


def insert(model, fields, rows):
    from fangkong.core.bulk import insert_values

    return insert_values(model, fields, rows, len(rows))


def seed(args):
    """Stores, items, Stock rows and the ledger, written in bulk; the officers. Returns facts."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.accounts.models import Membership, User
    from fangkong.areas.models import Area
    from fangkong.core.roles import Role
    from fangkong.supplies.models import Item, Stock, StockMove, Store

    rng = random.Random(args.seed)
    now, today = timezone.now(), timezone.localdate()
    call_command("migrate", verbosity=0)
    call_command("migrate", "supplies", "0002", verbosity=0)
    build_tree(1)
    counties = list(Area.objects.filter(level=Area.Level.COUNTY).order_by("path"))
    towns = list(Area.objects.filter(level=Area.Level.TOWN).order_by("path"))
    villages = list(Area.objects.filter(level=Area.Level.VILLAGE, is_special=False).order_by("path"))
    places = [(a, "warehouse") for a in counties] + [(a, "town") for a in towns]
    wanted = max(0, args.stores - len(places))
    places += [(villages[i * len(villages) // wanted], "village") for i in range(min(wanted, len(villages)))]
    places += [(towns[i % len(towns)], "checkpoint") for i in range(max(0, args.stores - len(places)))]
    started = time.monotonic()
    with transaction.atomic():
        store_fields = fields_of(Store)
        rows = []
        for number, (area, kind) in enumerate(places):
            values = {"created": now, "last_updated": now, "area": area.pk, "area_path": area.path}
            values.update(name=f"{area.name}物资库{number}", kind=kind, keeper="", active=True)
            rows.append([values[f.name] for f in store_fields])
        store_rows = list(zip(insert(Store, store_fields, rows), places, strict=True))
        present = Item.objects.count()
        item_fields = fields_of(Item)
        rows = []
        for number in range(present, args.items):
            values = {"code": f"bench-{number}", "name": f"物资{number}", "name_en": "", "category": "other"}
            values.update(unit="件", active=True, created=now, last_updated=now)
            rows.append([values.get(f.name) for f in item_fields])
        insert(Item, item_fields, rows)
        items = list(Item.objects.values_list("pk", flat=True)[: args.items])
        # Stock as it was at 0002: no kept balance yet (0003 backfills it).
        stock_fields = fields_of(Stock, leave_out=("quantity", "last_used_on"))
        rows, pairs = [], []
        for store_id, (area, _kind) in store_rows:
            for item_id in items:
                safety = rng.randrange(100, 600) if rng.random() < 0.3 else None
                values = {"created": now, "last_updated": now, "area": area.pk, "area_path": area.path}
                values.update(store=store_id, item=item_id, safety_level=safety)
                rows.append([values[f.name] for f in stock_fields])
                pairs.append((store_id, item_id, area))
        insert(Stock, stock_fields, rows)
    print(f"{len(store_rows)} stores, {len(items)} items, {len(pairs)} stock rows", flush=True)
    move_fields = fields_of(StockMove)
    blank = {f.name: ("" if f.get_internal_type() == "CharField" else None) for f in move_fields}
    blank.update(created=now, last_updated=now)
    per_pair, extra = divmod(args.moves, len(pairs))
    written, key = 0, 0
    for start in range(0, len(pairs), 20000):
        rows = []
        for index in range(start, min(start + 20000, len(pairs))):
            store_id, item_id, area = pairs[index]
            count = per_pair + (1 if index < extra else 0)
            balance = 0
            for days_ago in sorted((rng.randrange(365) for _ in range(count)), reverse=True):
                if balance < 200:
                    kind, quantity = rng.choice(RECEIPTS), rng.randrange(200, 2000)
                    delta = quantity
                else:
                    kind, quantity = rng.choice(OUTGOING), rng.randrange(1, min(balance, 300) + 1)
                    delta = -quantity
                balance += delta
                key += 1
                values = dict(blank, area=area.pk, area_path=area.path, store=store_id, item=item_id, kind=kind)
                values.update(quantity=quantity, delta=delta, moved_on=today - datetime.timedelta(days=days_ago))
                values.update(key=f"bench-{key}", recipient="王医生" if kind.startswith("issued") else "")
                rows.append([values[f.name] for f in move_fields])
        with transaction.atomic():
            insert(StockMove, move_fields, rows)
        written += len(rows)
        print(f"{written} moves, {time.monotonic() - started:.0f} s", flush=True)
    fill_seconds = round(time.monotonic() - started)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.monotonic()
    call_command("migrate", "supplies", verbosity=0)
    migrate_seconds = round(time.monotonic() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    county = counties[0]
    officer = User.objects.create_user("bench_county_officer")
    Membership.objects.create(user=officer, area=county, role=Role.OFFICER)
    commander = User.objects.create_user("bench_city_commander")
    Membership.objects.create(user=commander, area=Area.objects.get(level=Area.Level.CITY), role=Role.COMMANDER)
    return (
        {
            "stores": len(store_rows),
            "items": len(items),
            "stock_rows": len(pairs),
            "moves": StockMove.objects.count(),
            "county": county.code,
            "county_stock_rows": Stock.objects.filter(area_path__startswith=county.path).count(),
            "fill_seconds": fill_seconds,
            "migrate_0003_backfill_seconds": migrate_seconds,
        },
        officer,
        commander,
        county,
    )


def ledger_levels(queryset, today):
    """The levels as they were computed before 0003: the balance summed from the ledger per row."""
    from django.db import models

    from fangkong.supplies.models import CONSUMED, CONSUMPTION_DAYS, LOW_DAYS, StockMove, _sum_of_moves

    since = today - datetime.timedelta(days=CONSUMPTION_DAYS - 1)
    used = StockMove.objects.filter(kind__in=CONSUMED, moved_on__gte=since)
    return (
        queryset.annotate(ledger=_sum_of_moves(StockMove.objects.all()), used=-_sum_of_moves(used))
        .annotate(_stock_days=models.F("ledger") * CONSUMPTION_DAYS, _low_days=models.F("used") * LOW_DAYS)
        .annotate(
            is_low=models.Case(
                models.When(safety_level__gt=models.F("ledger"), then=True),
                models.When(used__gt=0, _stock_days__lt=models.F("_low_days"), then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        )
    )


def measure(args, officer, county, commander):
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from fangkong.supplies.models import Stock

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    officer = type(officer).objects.get(pk=officer.pk)  # memberships read afresh
    commander = type(commander).objects.get(pk=commander.pk)
    results = {}
    clients = {}
    for label, user in (("officer", officer), ("commander", commander)):
        clients[label] = Client()
        clients[label].force_login(user)
    deep = args.page
    pages = {
        "(a) web, county stock, page 1": ("officer", f"/supplies/stock/?area={county.code}"),
        f"(a) web, county stock, page {deep}": ("officer", f"/supplies/stock/?area={county.code}&page={deep}"),
        "(a) api, county stock, page 1": ("officer", f"/api/stock/?area={county.code}"),
        f"(a) api, county stock, page {deep}": ("officer", f"/api/stock/?area={county.code}&page={deep}"),
        "(b) web, city low stock, page 1": ("commander", "/supplies/stock/?low=true"),
        "(b) api, city low stock, page 1": ("commander", "/api/stock/?low=true"),
    }
    with override_settings(STORAGES=storages):
        for label, (who, path) in pages.items():
            client = clients[who]

            def get(client=client, path=path):
                response = client.get(path, HTTP_ACCEPT="application/json" if "/api/" in path else "text/html")
                assert response.status_code == 200, (path, response.status_code)
                return response

            facts = timed(get, args.repeat)
            with CaptureQueriesContext(connection) as captured:
                response = get()
            if "/api/" in path:
                facts["count"] = response.json().get("count")
            sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
            results[label] = {**facts, "queries": len(captured.captured_queries), "sql_ms": round(sql_ms, 1)}
            print(label, results[label], flush=True)
    today = timezone.localdate()
    everything = Stock.objects.restrict(commander).order_by("area_path", "store_id", "item_id")
    county_rows = Stock.objects.restrict(officer).filter(area_path__startswith=county.path)
    county_rows = county_rows.order_by("area_path", "store_id", "item_id")
    querysets = {
        "(b) queryset, whole city low list, count": lambda: everything.with_levels().filter(low=True).count(),
        "(a) before: ledger sums, county page 1": lambda: list(ledger_levels(county_rows, today)[:50]),
        "(b) before: ledger sums, city low page 1": lambda: list(
            ledger_levels(everything, today).filter(is_low=True)[:50]
        ),
        "(b) before: ledger sums, whole city low count": lambda: (
            ledger_levels(everything, today).filter(is_low=True).count()
        ),
    }
    for label, fn in querysets.items():
        results[label] = timed(fn, 1 if "before" in label else args.repeat)
        print(label, results[label], flush=True)
    results["low_rows_in_city"] = everything.with_levels().filter(low=True).count()
    plans = {
        "county page 1": county_rows.with_levels().select_related("store", "item")[:50],
        "city low page 1": everything.with_levels().filter(low=True).select_related("store", "item")[:50],
    }
    for label, query in plans.items():
        with connection.cursor() as cursor:
            sql, params = query.query.sql_with_params()
            cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
            results[f"plan, {label}"] = [row[0] for row in cursor.fetchall()]
    return results


def main():
    args = parse_args()
    use_database(args.database_url, DJANGO_SETTINGS_MODULE="write_path_settings")
    if not args.measure_only:
        create_database(args.database_url)
    import django

    django.setup()
    from django.core.cache import cache

    cache.clear()
    report = {"machine": versions(), "load_before": os.getloadavg()}
    try:
        if args.measure_only:
            from fangkong.accounts.models import User

            officer = User.objects.get(username="bench_county_officer")
            commander = User.objects.get(username="bench_city_commander")
            county = officer.memberships.get().area
            facts = {"measure_only": True}
        else:
            facts, officer, commander, county = seed(args)
        report["data"] = facts
        print(json.dumps(facts), flush=True)
        report["timings"] = measure(args, officer, county, commander)
        report["load_after"] = os.getloadavg()
        for label, value in report["timings"].items():
            if label.startswith("plan"):
                print(label + ":\n    " + "\n    ".join(value))
        print("load", report["load_before"], report["load_after"])
    finally:
        if not args.keep:
            drop_database(args.database_url)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
