"""Today's work and the missed checks at city scale: a village with 500 people under observation and
a town with 5,000, among 60,000 episodes with 60 days of their checks.

    .venv/bin/python bench/generate.py --episodes 60000 --check-days 60 --cases 300    # first
    .venv/bin/python bench/observation_lists.py --json var/bench/observation-lists.json

For an officer of the village of 竹林关镇 with the most people under observation (the generator
fills one with 500) and one of the town (611022106, 5,000), times
``worklist(user, now)`` (fangkong/health/worklist.py) and ``missed_checks(scoped_episodes(user), now)``
(fangkong/health/alerts), each with its first page of 50 read, with its queries counted
(``CaptureQueriesContext``) and its rows;
``now`` is 23:00 on the day of the newest check, when both windows have opened and closed, so both
lists are at their longest. Then the whole request in process through Django's test client (server
time: no network, no browser): /api/worklist/, /api/missed-checks/ and their pages /health/today/
and /health/alerts/missed-checks/, with Django's clock (``timezone.now``) set to the same moment
(the pages need ``manage.py collectstatic``). Each
result records the 1-minute load average. ``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of each
list's main query for the town. The database is left as it is; --drop drops it at the end.
"""

import argparse
import datetime
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import page_timer, timed  # noqa: E402
from tree import TOWN, drop_database, use_database, versions  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fangkong_bench_health"
PAGES = {
    "worklist_api": "/api/worklist/",
    "missed_api": "/api/missed-checks/",
    "worklist_page": "/health/today/",
    "missed_page": "/health/alerts/missed-checks/",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="(default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--no-pages", action="store_true", help="only the functions and the API")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database at the end")
    return parser.parse_args()


def busiest_village(town):
    from django.db.models import Count

    from fangkong.areas.models import Area
    from fangkong.core.models import prefix_q
    from fangkong.health.models import Episode

    counts = {
        village: Episode.objects.open().filter(prefix_q("area_path", village.path)).aggregate(n=Count("pk"))["n"]
        for village in Area.objects.filter(parent=town, level=Area.Level.VILLAGE)
    }
    return max(counts, key=counts.get)


def officers():
    from fangkong.accounts.models import Membership, User
    from fangkong.areas.models import Area
    from fangkong.core.roles import Role

    town = Area.objects.get(code=TOWN)
    made = {}
    for name, area in (("village", busiest_village(town)), ("town", town)):
        user, created = User.objects.get_or_create(username=f"bench_{name}_officer")
        if created:
            Membership.objects.create(user=user, area=area, role=Role.OFFICER)
        user.forget_memberships()
        made[name] = user
    return made


def the_evening():
    """23:00 local on the day of the newest check."""
    from django.db.models import Max
    from django.utils import timezone

    from fangkong.health.models import Check

    day = Check.objects.aggregate(day=Max("taken_on"))["day"]
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23)))


def lists(user, now):
    from fangkong.health.alerts.services import missed_checks
    from fangkong.health.alerts.views import scoped_episodes
    from fangkong.health.worklist import worklist

    def with_first_page(rows):
        """The list with its first page read (what a page or an API request shows: the lists decide
        every row from plain values, then read the shown page's records)."""
        rows[:50]
        return rows

    return {
        "worklist": lambda: with_first_page(worklist(user, now)),
        "missed": lambda: with_first_page(missed_checks(scoped_episodes(user), now)),
    }


def statements_of(fn):
    """fn's result and the (sql, params) it ran (a wrapper, not the query log: a request empties that)."""
    from django.db import connection

    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        return fn(), statements


def measure(fn, repeat, warmup):
    """Times, queries and rows of ``fn`` (rows: its length), with the load average."""
    rows, statements = statements_of(fn)
    result = timed(lambda: len(fn()) if isinstance(rows, Sequence) else fn(), repeat, warmup)
    result["queries"] = len(statements)
    result["sql"] = [sql for sql, _params in statements]
    result["load"] = round(os.getloadavg()[0], 2)
    return result


def explain(fn):
    """EXPLAIN (ANALYZE, BUFFERS) of fn's main query: the longest with an EXISTS (the query that
    decides the list's rows, not the read of its first page)."""
    from django.db import connection

    statements = [statement for statement in statements_of(fn)[1] if "EXISTS" in statement[0]]
    sql, params = max(statements, key=lambda statement: len(statement[0]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def open_under(user):
    from fangkong.health.models import Episode

    return Episode.objects.restrict(user).open().count()


def main():
    args = parse_args()
    use_database(args.database_url, HTTPS="false", ALLOWED_HOSTS="testserver")
    import django

    django.setup()
    users = officers()
    now = the_evening()
    report = {"machine": versions(), "now": now.isoformat(), "results": {}}
    clock = mock.patch("django.utils.timezone.now", return_value=now)
    clock.start()
    try:
        for name, user in users.items():
            area = user.memberships.get().area
            report["results"][name] = results = {"area": f"{area.code} {area.name}", "open_episodes": open_under(user)}
            for list_name, fn in lists(user, now).items():
                results[list_name] = measure(fn, args.repeat, args.warmup)
                print(name, list_name, {k: v for k, v in results[list_name].items() if k != "sql"}, flush=True)
            for page_name, path in PAGES.items():
                if args.no_pages and page_name.endswith("_page"):
                    continue
                results[page_name] = measure(page_timer(user, path), args.repeat, args.warmup)
                results[page_name]["bytes"] = results[page_name].pop("rows")
                print(name, page_name, {k: v for k, v in results[page_name].items() if k != "sql"}, flush=True)
        if args.explain:
            report["plans"] = {list_name: explain(fn) for list_name, fn in lists(users["town"], now).items()}
            for list_name, plan in report["plans"].items():
                print(f"\n--- {list_name} (town)\n{plan}")
    finally:
        clock.stop()
        if args.drop:
            drop_database(args.database_url)
    for name, results in report["results"].items():
        print(f"{name} {results['area']}: {results['open_episodes']} under observation")
        for what, facts in results.items():
            if isinstance(facts, dict):
                median, queries, load = facts["median_ms"], facts["queries"], facts["load"]
                print(f"  {what:14} {median:8.1f} ms median  {queries} queries  load {load}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
