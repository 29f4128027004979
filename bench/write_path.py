"""The core's write path: a household created through /api/households/ against a minimal insert view.

    .venv/bin/python bench/write_path.py                          # PostgreSQL fangkong_bench_write, locmem cache
    .venv/bin/python bench/write_path.py --redis-url redis://127.0.0.1:6379/15 --json var/bench/write.json

Creates the database (its name must contain "bench"), migrates it, imports the real Shangluo tree
with grids (bench/tree.py) and a grid worker with an API token, then serves it with gunicorn
(``--workers`` sync workers, CONN_MAX_AGE=60, DEBUG off) on 127.0.0.1. The settings are the
product's plus one bench-only URL (bench/write_path_settings.py, bench/write_path_urls.py):
/bench/insert/, a plain Django view that inserts one row and answers JSON, through the same
middleware. wrk (Debian: ``apt-get install -y wrk``) then drives both endpoints in the same run,
alternating, ``--rounds`` times each: POST with a JSON body (and the token for the API), for
``--duration`` seconds after a 2 s warm-up. It prints requests/s, p50 and p99 latency and the
ratio core/minimal; then, in this process through the Django test client, the queries each
request makes (CaptureQueriesContext, a warm second request) and the time each takes in process.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import serving  # noqa: E402
from tree import BENCH_DIR, GRID, build_tree, create_database, drop_database, use_database, versions  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fangkong_bench_write"
BODY = {"address": "竹林关村一组 1 号", "area": GRID}
ENDPOINTS = {"minimal": serving.MINIMAL, "core": "/api/households/"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="(default: %(default)s)")
    parser.add_argument(
        "--redis-url", default="", help="cache in Redis as in production, a database of its own: it is flushed"
    )
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default: 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default: 8)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement (default: 10)")
    parser.add_argument("--rounds", type=int, default=2, help="measurements per endpoint, alternating (default: 2)")
    parser.add_argument("--in-process", type=int, default=200, help="requests timed in process per endpoint")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args()


def seed():
    """The tree, a grid worker on the demo's first grid, and their token; the minimal view's table."""
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from fangkong.accounts.models import Membership, User
    from fangkong.areas.models import Area
    from fangkong.core.roles import Role

    call_command("migrate", verbosity=0)
    build_tree(1)
    serving.create_minimal_table()
    user = User.objects.create_user("bench_grid_worker")
    Membership.objects.create(user=user, area=Area.objects.get(code=GRID), role=Role.GRID_WORKER)
    return Token.objects.create(user=user).key


def in_process(token, repeat):
    """Queries of one warm request and mean milliseconds per request, through the Django test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = {}
    for name, path in ENDPOINTS.items():

        def post(path=path):
            response = client.post(path, BODY, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
            assert response.status_code == 201, response.content

        post()
        with CaptureQueriesContext(connection) as captured:
            post()
        queries = captured.captured_queries  # read now: the next request empties the log
        started = time.perf_counter()
        for _ in range(repeat):
            post()
        results[name] = {
            "queries": len(queries),
            "sql": [query["sql"][:160] for query in queries],
            "ms_in_process": round((time.perf_counter() - started) * 1000 / repeat, 2),
        }
    return results


WRK_SCRIPT = """wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token {token}"
"""


def main():
    args = parse_args()
    serving.require_wrk()
    environment = {"REDIS_URL": args.redis_url} if args.redis_url else {}
    use_database(args.database_url, DJANGO_SETTINGS_MODULE="write_path_settings", **environment)
    create_database(args.database_url)
    import django

    django.setup()
    from django.core.cache import cache

    cache.clear()
    try:
        token = seed()
        report = {"machine": versions(), "cache": args.redis_url or "locmem"}
        report["in_process"] = in_process(token, args.in_process)
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        script = BENCH_DIR / "write_path.lua"
        script.write_text(WRK_SCRIPT.format(body=json.dumps(json.dumps(BODY)), token=token))
        server = serving.start_gunicorn(args.port, args.workers, environment)
        try:
            for path in ENDPOINTS.values():
                serving.wrk(args.port, script, path, 2)  # warm-up: every worker connected and its caches filled

            def measure(path):
                return serving.wrk(args.port, script, path, args.duration, args.connections)

            rounds = serving.alternate(measure, ENDPOINTS, args.rounds, "core")
        finally:
            serving.stop(server)
        report["rounds"] = rounds
        report["ratio"] = round(statistics.mean(r["ratio"] for r in rounds), 3)
    finally:
        if not args.keep:
            drop_database(args.database_url)
    for name, facts in report["in_process"].items():
        print(f"{name}: {facts['queries']} queries, {facts['ms_in_process']} ms in process")
        for sql in facts["sql"]:
            print("   ", sql)
    print(f"ratio core/minimal: {report['ratio']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
