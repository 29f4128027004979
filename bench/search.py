"""Person search at city scale: the first page of the register's list for each kind of query.

    .venv/bin/python bench/generate.py                 # first: 2 million persons in fangkong_bench_people
    .venv/bin/python bench/search.py --json var/bench/search.json

For a county officer (丹凤县 611022) and a village officer (竹林关村 611022106200), times the first page
(50 rows) of ``Person.objects.restrict(user).search(q)`` as the person list loads it (its ordering,
select_related and prefetched tags) for a name, pinyin, initials, the last four characters of an ID
number, a full ID number and a phone prefix, and prints EXPLAIN (ANALYZE, BUFFERS) of each query.
Then the whole request for the same search, in process through Django's test client: the HTML
page /people/?q= and the API /api/people/?q= (server time: no network, no browser).
The database is left as it is (bench/generate.py --help); --drop drops it at the end.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import DEFAULT_URL  # noqa: E402
from tree import drop_database, use_database  # noqa: E402

COUNTY, VILLAGE = "611022", "611022106200"
PAGE = 50


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="(default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database at the end")
    parser.add_argument("--only", nargs="*", default=(), help="query kinds to run (default: all)")
    return parser.parse_args()


def users():
    from fangkong.accounts.models import Membership, User
    from fangkong.areas.models import Area
    from fangkong.core.roles import Role

    made = {}
    for username, code in (("bench_county_officer", COUNTY), ("bench_village_officer", VILLAGE)):
        user, created = User.objects.get_or_create(username=username)
        if created:
            Membership.objects.create(user=user, area=Area.objects.get(code=code), role=Role.OFFICER)
        user.forget_memberships()
        made[username.removeprefix("bench_")] = user
    return made


def queries():
    """(kind, text): the search texts, taken from a person registered in the village."""
    from fangkong.people.models import Person

    person = Person.objects.filter(area_path__startswith="6110.611022.611022106.611022106200.").exclude(phone="")
    person = person.order_by("id").first()
    number = person.id_number
    return [
        ("name", "张伟"),
        ("surname", "张"),
        ("pinyin", "zhangwei"),
        ("initials", "zw"),
        ("id_last4", number[-4:]),
        ("id_number", number),
        ("phone_prefix", person.phone[:7]),
    ]


def first_page(user, text):
    """What the person list (people/views/persons.py PersonListView) reads for its first page, in
    its order: Person.Meta.ordering, which the table keeps unless a column is sorted."""
    from fangkong.core import person_status
    from fangkong.people.models import Person

    queryset = Person.objects.restrict(user).search(text)
    return person_status.annotate(queryset.select_related("area__parent").prefetch_related("tags"))


def page_timer(user, path):
    """The whole request through Django (middleware, view, template or serializer), in process."""
    from django.test import Client

    client = Client()
    client.force_login(user)

    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return len(response.content)

    return get


def explain(queryset):
    from django.db import connection

    sql, params = queryset[:PAGE].query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return sql % tuple(repr(p) for p in params), "\n".join(" ".join(map(str, row)) for row in cursor.fetchall())


def timed(fn, repeat, warmup):
    result = None
    for _ in range(warmup):
        result = fn()
    samples, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    samples.sort()
    return {
        # This process's CPU time (building the query, reading rows, making objects): what the load
        # of other processes on the machine does not stretch, unlike the wall time.
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(0.95 * len(samples) + 0.5) - 1)], 2),
        "max_ms": round(samples[-1], 2),
        "n": len(samples),
        "rows": result,
    }


def main():
    args = parse_args()
    url = args.database_url
    use_database(url, HTTPS="false", ALLOWED_HOSTS="testserver")
    import django

    django.setup()
    from django.db import connection

    from fangkong.people.models import Person

    results = {"persons": Person.objects.count(), "database": connection.vendor, "rows": []}
    people = users()
    try:
        for kind, text in queries():
            if args.only and kind not in args.only:
                continue
            for scope_name, user in people.items():
                queryset = first_page(user, text)
                load = os.getloadavg()[0]
                timing = timed(lambda queryset=queryset: len(list(queryset[:PAGE])), args.repeat, args.warmup)
                sql, plan = explain(queryset)
                row = {"kind": kind, "text": text, "scope": scope_name, "load": round(load, 2), **timing}
                row["sql"], row["plan"] = sql, plan
                executed = [line for line in plan.splitlines() if line.startswith("Execution Time")]
                row["explain_execution_ms"] = float(executed[0].split()[2]) if executed else None
                for page, path in (("page", "/people/"), ("api", "/api/people/")):
                    pages = timed(page_timer(user, f"{path}?{urlencode({'q': text})}"), args.repeat, args.warmup)
                    row[f"{page}_median_ms"], row[f"{page}_p95_ms"] = pages["median_ms"], pages["p95_ms"]
                results["rows"].append(row)
                print(
                    f"{kind:<13} {text:<20} {scope_name:<16} median {timing['median_ms']:8.2f} ms"
                    f"  p95 {timing['p95_ms']:8.2f} ms  cpu {timing['cpu_median_ms']:6.2f} ms  rows {timing['rows']:>3}"
                    f"  page {row['page_median_ms']:7.2f} / {row['page_p95_ms']:7.2f} ms"
                    f"  api {row['api_median_ms']:7.2f} / {row['api_p95_ms']:7.2f} ms  load {load:.2f}",
                    flush=True,
                )
                print("    " + plan.replace("\n", "\n    "), flush=True)
    finally:
        if args.drop:
            drop_database(url)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
