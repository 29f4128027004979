"""Check submission over HTTP: POST /api/checks/ against the minimal insert view, then a paced client
that must lose and double nothing across retries and a server crash.

    .venv/bin/python bench/checks.py                                      # PostgreSQL fangkong_bench_checks
    .venv/bin/python bench/checks.py --rounds 3 --json var/bench/checks.json

Creates the database (its name must contain "bench"), migrates it (the first protocol edition comes
with the migrations), imports the real Shangluo tree with grids (bench/tree.py), and puts
``--persons`` people under observation in the demo's first grid, with a grid worker of that grid
and their API token. gunicorn serves it as bench/write_path.py does (bench/serving.py).

1. Throughput: wrk drives /api/checks/ and the minimal view alternately, ``--rounds`` times each,
   ``--duration`` seconds, ``--connections`` connections; every request carries a new key (a Lua
   ``request()``), a person of the grid in turn, the time and 36.5 ℃, so every check is a real insert.
2. Latency at a fixed rate: for each of ``--rates`` (default the city's morning peak, 300/s), an
   open-loop client in this process sends checks on a fixed schedule for ``--paced-seconds``; latency
   runs from each request's scheduled time (so a slow server cannot slow the schedule down and hide
   its queue, as wrk2 does), not from when a free thread sent it.
3. Integrity: the same client at ``--rates``' first rate for ``--integrity-seconds``, with injected
   client faults: a share of checks sent again after their answer (the answer lost on the way), a
   share sent twice at once, a share given up after 5 ms and sent again (a timeout); half-way, the
   whole gunicorn process group is killed (SIGKILL, a crash; ``--restart-signal term`` for a
   graceful stop) and started again, and every check refused or cut off by the dead server is sent again with
   its key until it is acknowledged. Then the database is compared with what was acknowledged:
   every acknowledged key must be exactly one row with the id the server answered, no check may be
   saved twice (same person and time under two keys), nothing saved may be unacknowledged.

Last, in this process through the Django test client, the queries of one warm check and the mean
time of ``--in-process`` checks; ``--profile`` prints cProfile's top functions over them.
"""

import argparse
import cProfile
import datetime
import heapq
import http.client
import itertools
import json
import os
import pstats
import random
import signal
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import serving  # noqa: E402
from tree import BENCH_DIR, GRID, build_tree, create_database, drop_database, use_database, versions  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fangkong_bench_checks"
ENDPOINTS = {"minimal": serving.MINIMAL, "checks": "/api/checks/"}
# Each request a new key and the next person; the minimal view gets the same bodies.
WRK_SCRIPT = """local persons = {{{persons}}}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  run = args[1]
  counter = 0
end
function request()
  counter = counter + 1
  local body = string.format(
    '{{"key": "%s-%d-%d", "person": %d, "taken_at": "%s", "temperature": "36.5"}}',
    run, tid, counter, persons[(counter * 7 + tid) % #persons + 1], os.date("!%Y-%m-%dT%H:%M:%SZ"))
  return wrk.format("POST", nil, {{["Content-Type"] = "application/json",
    ["Authorization"] = "Token {token}"}}, body)
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="(default: %(default)s)")
    parser.add_argument("--port", type=int, default=8745)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default: 2)")
    parser.add_argument("--persons", type=int, default=300, help="people under observation in the grid")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default: 8)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk measurement (default: 10)")
    parser.add_argument("--rounds", type=int, default=3, help="wrk measurements per endpoint (default: 3)")
    parser.add_argument("--rates", type=int, nargs="+", default=[300], help="paced requests/s (default: 300)")
    parser.add_argument("--paced-seconds", type=int, default=20)
    parser.add_argument("--integrity-seconds", type=int, default=30)
    parser.add_argument(
        "--integrity-rate", type=int, help="checks/s of the integrity run (default: the first of --rates)"
    )
    parser.add_argument("--client-threads", type=int, default=64, help="sending threads of the paced client")
    parser.add_argument("--resend-share", type=float, default=0.05, help="checks sent again after their answer")
    parser.add_argument("--twin-share", type=float, default=0.02, help="checks sent twice at once")
    parser.add_argument("--timeout-share", type=float, default=0.02, help="checks given up after 5 ms, resent")
    parser.add_argument("--restart-signal", choices=["kill", "term"], default="kill")
    parser.add_argument("--in-process", type=int, default=200, help="checks timed in process")
    parser.add_argument(
        "--profile", action="store_true", help="only the in-process part, with cProfile's top functions"
    )
    parser.add_argument("--skip-wrk", action="store_true", help="only the paced and integrity runs")
    parser.add_argument(
        "--bare", action="store_true", help="also measure /bench/check/: the check's services without DRF"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args()


def seed(persons):
    """The tree, ``persons`` people under observation in the demo's first grid, a grid worker of that
    grid and their token; the minimal view's table. Returns the token and the people's ids."""
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from fangkong.accounts.models import Membership, User
    from fangkong.areas.models import Area
    from fangkong.core.roles import Role
    from fangkong.health.models import Episode, Protocol, Reason
    from fangkong.people.models import Person

    call_command("migrate", verbosity=0)
    build_tree(1)
    serving.create_minimal_table()
    grid = Area.objects.get(code=GRID)
    user = User.objects.create_user("bench_grid_worker")
    Membership.objects.create(user=user, area=grid, role=Role.GRID_WORKER)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=3)
    protocol = Protocol.in_force(start)
    ids = []
    for number in range(persons):
        person = Person.objects.create(name=f"观察{number}", area=grid, address=f"竹林关村一组{number + 1}号")
        Episode.objects.create(
            person=person,
            area=grid,
            reason=Reason.RISK_AREA_ARRIVAL,
            start_on=start,
            planned_end_on=start + datetime.timedelta(days=protocol.days_risk_area_arrival),
            protocol=protocol,
        )
        ids.append(person.pk)
    return Token.objects.create(user=user).key, ids


def in_process(token, person_ids, repeat, profile, endpoints):
    """Queries of one warm request and mean milliseconds per request of each endpoint, in process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counter = itertools.count()
    results = {}
    for name, path in endpoints.items():

        def post(path=path):
            number = next(counter)
            body = {
                "key": f"in-process-{number}",
                "person": person_ids[number % len(person_ids)],
                "taken_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "temperature": "36.5",
            }
            response = client.post(path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
            assert response.status_code == 201, response.content

        post()
        with CaptureQueriesContext(connection) as captured:
            post()
        queries = captured.captured_queries  # read now: the next request empties the log
        profiler = cProfile.Profile() if profile and name == "checks" else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        for _ in range(repeat):
            post()
        if profiler:
            profiler.disable()
        results[name] = {
            "queries": len(queries),
            "sql": [query["sql"][:200] for query in queries],
            "ms_in_process": round((time.perf_counter() - started) * 1000 / repeat, 2),
        }
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(80)
    return results


# --- the paced client ----------------------------------------------------------------------------


class PacedClient:
    """Sends checks on a fixed schedule from a pool of threads, one connection per request (gunicorn's
    sync workers close it), each check resent with its key until the server acknowledges it.

    ``acked`` maps each key to the id of the first answer; an answer with another id for the same
    key is counted in ``conflicts`` (a check saved twice under one key).
    """

    RETRY_AFTER = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2.0)
    TIMEOUT = 10.0
    SHORT_TIMEOUT = 0.005

    def __init__(self, port, token, person_ids, threads):
        self.port, self.person_ids = port, person_ids
        self.headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
        self.lock = threading.Lock()
        self.queue = []  # a heap of (due, sequence, job)
        self.ready = threading.Condition(self.lock)
        self.sequence = itertools.count()
        self.acked, self.bodies = {}, {}
        self.counts = {"attempts": 0, "created": 0, "saved_before": 0, "conflicts": 0}
        self.causes = {"refused": 0, "cut": 0, "timeout": 0, "server_error": 0, "other_status": 0}
        self.latencies = []  # (scheduled time, ms) of first attempts that were acknowledged
        self.pending = 0
        self.stopping = False
        self.threads = [threading.Thread(target=self.work, daemon=True) for _ in range(threads)]
        for thread in self.threads:
            thread.start()

    def check(self, key, number, taken_at):
        body = {
            "key": key,
            "person": self.person_ids[number % len(self.person_ids)],
            "taken_at": taken_at.isoformat(),
            "temperature": f"{36.0 + (number % 10) / 10:.1f}",
        }
        return json.dumps(body).encode()

    def schedule(self, due, job):
        with self.lock:
            heapq.heappush(self.queue, (due, next(self.sequence), job))
            self.pending += 1
            self.ready.notify()

    def work(self):
        while True:
            with self.lock:
                while not self.stopping and (not self.queue or self.queue[0][0] > time.monotonic()):
                    self.ready.wait(max(0.0, self.queue[0][0] - time.monotonic()) if self.queue else None)
                if self.stopping:
                    return
                _due, _sequence, job = heapq.heappop(self.queue)
            try:
                self.attempt(**job)
            finally:
                with self.lock:
                    self.pending -= 1
                    self.ready.notify_all()

    def attempt(self, key, due, tries=0, timeout=TIMEOUT, first=False, resend=False):
        """One request; on a refusal, a timeout or a 5xx the check is scheduled again with its key."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        cause = None
        try:
            connection.request("POST", "/api/checks/", self.bodies[key], self.headers)
            response = connection.getresponse()
            payload = response.read()
            status = response.status
        except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
            cause = "refused"
        except http.client.IncompleteRead:  # the server died while answering: saved or not, send again
            cause = "cut"
        except TimeoutError:
            cause = "timeout"
        finally:
            connection.close()
        if cause is None and status >= 500:
            cause = "server_error"
        elif cause is None and status not in (200, 201):
            cause = "other_status"
            print(f"{key}: {status} {payload[:300]!r}", flush=True)
        with self.lock:
            self.counts["attempts"] += 1
            if cause:
                self.causes[cause] += 1
            else:
                check_id = json.loads(payload)["id"]
                self.counts["created" if status == 201 else "saved_before"] += 1
                if self.acked.setdefault(key, check_id) != check_id:
                    self.counts["conflicts"] += 1
                if first:
                    self.latencies.append((due, (time.monotonic() - due) * 1000))
        if cause in ("refused", "cut", "timeout", "server_error"):
            delay = self.RETRY_AFTER[min(tries, len(self.RETRY_AFTER) - 1)]
            self.schedule(time.monotonic() + delay, {"key": key, "due": due, "tries": tries + 1})
        elif resend:
            self.schedule(time.monotonic() + 0.2, {"key": key, "due": due})

    def run(self, prefix, rate, seconds, faults=None, midway=None):
        """Schedule ``rate`` checks a second for ``seconds``, with the client faults given as shares
        ({"resend", "twin", "timeout"}), calling ``midway()`` (in its own thread) half-way; wait
        until every check is acknowledged. Returns the keys sent."""
        faults = faults or {}
        rnd = random.Random(prefix)
        started = time.monotonic() + 0.1
        wall = datetime.datetime.now(datetime.UTC)
        keys = []
        helper = None
        for number in range(rate * seconds):
            due = started + number / rate
            key = f"{prefix}-{number}"
            # A distinct time per check (1 ms apart): the same check saved twice shows as two rows.
            self.bodies[key] = self.check(key, number, wall + datetime.timedelta(milliseconds=number))
            keys.append(key)
            draw = rnd.random()
            job = {"key": key, "due": due, "first": True}
            if draw < faults.get("resend", 0):
                job["resend"] = True
            elif draw < faults.get("resend", 0) + faults.get("twin", 0):
                self.schedule(due, {"key": key, "due": due})
            elif draw < sum(faults.values()):
                job["timeout"] = self.SHORT_TIMEOUT
            self.schedule(due, job)
            if midway and number == rate * seconds // 2:
                helper = threading.Thread(target=midway)
                helper.start()
            wait = due - time.monotonic() - 0.05  # keep the heap at most 50 ms ahead of the clock
            if wait > 0:
                time.sleep(wait)
        if helper:
            helper.join()
        deadline = time.monotonic() + 600
        with self.lock:
            while self.pending and not self.stopping and time.monotonic() < deadline:
                self.ready.wait(1)
            if self.stopping:
                raise RuntimeError("the client was stopped: the server did not come back")
        return keys

    def close(self):
        with self.lock:
            self.stopping = True
            self.ready.notify_all()


def percentile(values, share):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1) if ordered else None


def latency_summary(client, since, rate, seconds, load_before):
    latencies = [ms for due, ms in client.latencies if due >= since]
    return {
        "rate": rate,
        "seconds": seconds,
        "acknowledged_first_try": len(latencies),
        "p50_ms": percentile(latencies, 0.50),
        "p90_ms": percentile(latencies, 0.90),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": round(max(latencies), 1) if latencies else None,
        "load_before": load_before,
        "load": round(os.getloadavg()[0], 2),
    }


def audit(keys, acked):
    """The database against the acknowledgements: lost, doubled, unexpected rows."""
    from django.db.models import Count

    from fangkong.health.models import Check

    rows = dict(Check.objects.filter(key__in=keys).values_list("key", "pk"))
    lost = [key for key, pk in acked.items() if rows.get(key) != pk]
    doubled = (
        Check.objects.filter(key__in=keys)
        .values("person", "taken_at", "temperature")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "keys_sent": len(keys),
        "keys_acknowledged": len(acked),
        "rows": len(rows),
        "lost": len(lost),
        "doubled": doubled,
        "saved_not_acknowledged": len(set(rows) - set(acked)),
        "never_acknowledged": len(set(keys) - set(acked)),
    }


def paced_and_integrity(args, token, person_ids, environment, server_box):
    """The fixed-rate latency runs, then the integrity run with faults and a restart."""
    client = PacedClient(args.port, token, person_ids, args.client_threads)
    report = {"paced": []}
    try:
        for rate in args.rates:
            load = round(os.getloadavg()[0], 2)
            since = time.monotonic()
            client.run(f"paced{rate}-{uuid.uuid4().hex[:8]}", rate, args.paced_seconds)
            report["paced"].append(latency_summary(client, since, rate, args.paced_seconds, load))
            print(json.dumps(report["paced"][-1]), flush=True)
        before = dict(client.counts), dict(client.causes)
        restart = {}

        def midway():
            stopped = time.monotonic()
            sig = signal.SIGKILL if args.restart_signal == "kill" else signal.SIGTERM
            serving.kill(server_box[0], sig)
            try:
                server_box[0] = serving.start_gunicorn(args.port, args.workers, environment, probe="connect")
            except RuntimeError:
                server_box[0] = None
                client.close()  # nothing would ever answer the retries
                raise
            restart.update(signal=sig.name, seconds_down=round(time.monotonic() - stopped, 2))

        faults = {"resend": args.resend_share, "twin": args.twin_share, "timeout": args.timeout_share}
        load = round(os.getloadavg()[0], 2)
        rate = args.integrity_rate or args.rates[0]
        keys = client.run(f"integrity-{uuid.uuid4().hex[:8]}", rate, args.integrity_seconds, faults, midway)
        with client.lock:
            acked = {key: client.acked[key] for key in keys if key in client.acked}
            counts = {name: client.counts[name] - before[0][name] for name in client.counts}
            causes = {name: client.causes[name] - before[1][name] for name in client.causes}
    finally:
        client.close()
    report["integrity"] = {
        "rate": rate,
        "seconds": args.integrity_seconds,
        "faults": faults,
        "restart": restart,
        "requests": counts,
        "retried_because": causes,
        "load_before": load,
        "load": round(os.getloadavg()[0], 2),
        **audit(keys, acked),
    }
    print(json.dumps(report["integrity"]), flush=True)
    return report


def main():
    args = parse_args()
    serving.require_wrk()
    endpoints = {**ENDPOINTS, "bare": "/bench/check/"} if args.bare else ENDPOINTS
    use_database(args.database_url, DJANGO_SETTINGS_MODULE=serving.SETTINGS)
    create_database(args.database_url)
    import django

    django.setup()
    from django.core.cache import cache

    cache.clear()
    try:
        token, person_ids = seed(args.persons)
        report = {"machine": versions(), "persons": args.persons, "workers": args.workers}
        server_box = [None if args.profile else serving.start_gunicorn(args.port, args.workers)]
        try:
            if server_box[0] and not args.skip_wrk:
                BENCH_DIR.mkdir(parents=True, exist_ok=True)
                script = BENCH_DIR / "checks.lua"
                script.write_text(WRK_SCRIPT.format(persons=", ".join(map(str, person_ids)), token=token))
                runs = itertools.count()

                def measure(path, duration=args.duration):
                    run = f"wrk{next(runs)}-{uuid.uuid4().hex[:8]}"
                    return serving.wrk(args.port, script, path, duration, args.connections, [run])

                for path in endpoints.values():
                    measure(path, 2)  # warm-up: every worker connected and its caches filled
                report["rounds"] = serving.alternate(measure, endpoints, args.rounds, "checks")
                report["ratio"] = round(statistics.median(r["ratio"] for r in report["rounds"]), 3)
                if args.bare:
                    ratios = [r["bare"]["requests_per_s"] / r["minimal"]["requests_per_s"] for r in report["rounds"]]
                    report["bare_ratio"] = round(statistics.median(ratios), 3)
            if server_box[0]:
                report.update(paced_and_integrity(args, token, person_ids, {}, server_box))
        finally:
            if server_box[0]:
                serving.stop(server_box[0])
        report["in_process"] = in_process(token, person_ids, args.in_process, args.profile, endpoints)
    finally:
        if not args.keep:
            drop_database(args.database_url)
    for name, facts in report["in_process"].items():
        print(f"{name}: {facts['queries']} queries, {facts['ms_in_process']} ms in process")
        for sql in facts["sql"]:
            print("   ", sql)
    if "ratio" in report:
        print(f"ratio checks/minimal (median of {args.rounds}): {report['ratio']}")
    if "bare_ratio" in report:
        print(f"ratio bare check without DRF/minimal (median of {args.rounds}): {report['bare_ratio']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    integrity = report.get("integrity")
    if integrity:
        acknowledged = integrity["keys_acknowledged"]
        print(f"integrity: {integrity['lost']} lost, {integrity['doubled']} doubled of {acknowledged} acknowledged")
        if integrity["lost"] or integrity["doubled"] or integrity["saved_not_acknowledged"]:
            sys.exit("checks were lost or doubled")


if __name__ == "__main__":
    main()
