"""The daily report at city scale: live GROUP BY per indicator against hand-written SQL, same run.

    .venv/bin/python bench/generate.py --persons 2000000                 # the register (bench/generate.py)
    .venv/bin/python bench/reports.py --episodes 60000 --days 60 --json var/bench/reports.json

Reads the database that bench/generate.py made (PostgreSQL, its name must contain "bench"), migrates
it, and replaces the records the report counts with synthetic ones written in SQL: ``--episodes``
observation episodes of random persons over the last ``--days`` days (14 days each, 80 % at home,
released at their end), two checks a day for each day under observation (0.3 % with a fever, each
raising an alert, half of them resolved, a third escalated), as many arrivals (5 % from a risk
area), ``--cases`` cases with their timeline (a third confirmed), a contact with an episode for
each of 20 % of the cases' neighbours, one open screening round per town with 70 % of the households
visited, and confirmations for 80 % of the villages on each past day.

Then, for the city, a county, a town and a village: ``reports.figures.report`` (every registered
figure, one grouped query each, the rows per child, statuses) as the page and the API call it, and the
same figures by hand-written SQL (one statement per table, every figure of the table in it with
``FILTER``, grouped by the child's path prefix); and the command dashboard (``reports.dashboard.build``:
the report, a 30-day trend of each key figure, the open alerts, the remarks) as of noon of the day.
Each is run ``--repeat`` times; the median is reported.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tree import use_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fangkong_bench_people"
AREAS = (("city", "6110"), ("county", "611022"), ("town", "611022106"), ("village", "611022106200"))

SYNTHETIC = """
DELETE FROM health_alert; DELETE FROM health_check; DELETE FROM health_contact; DELETE FROM health_caseevent;
DELETE FROM health_case; DELETE FROM health_transfer; DELETE FROM health_episode; DELETE FROM people_arrival;
DELETE FROM people_screeningvisit; DELETE FROM people_screeninground; DELETE FROM reports_confirmation;

INSERT INTO health_episode (created, last_updated, area_id, area_path, person_id, kind, reason, start_on,
    planned_end_on, protocol_id, ended_on, outcome, end_change_reason, place_change_reason, version)
SELECT now(), now(), p.area_id, p.area_path, p.id, CASE WHEN random() < 0.8 THEN 'home' ELSE 'centralised' END,
    'risk_area_arrival', s.start_on, s.start_on + 14, %(protocol)s,
    CASE WHEN s.start_on + 14 <= %(today)s::date THEN s.start_on + 14 END,
    CASE WHEN s.start_on + 14 <= %(today)s::date THEN 'released' ELSE '' END, '', '', 1
FROM (SELECT id, area_id, area_path FROM people_person ORDER BY random() LIMIT %(episodes)s) p,
    LATERAL (SELECT %(today)s::date - (random() * (%(days)s - 1) + p.id * 0)::int AS start_on) s;

INSERT INTO health_check (created, last_updated, area_id, area_path, key, person_id, episode_id, taken_at,
    taken_on, "window", temperature, symptoms, source, is_fever)
SELECT now(), now(), e.area_id, e.area_path, 'bench-' || e.id || '-' || d::date || '-' || w, e.person_id, e.id,
    (d::date + CASE w WHEN 'morning' THEN time '08:00' ELSE time '18:00' END) AT TIME ZONE 'Asia/Shanghai',
    d::date, w, CASE WHEN f.fever THEN 38.2 ELSE 36.5 END, '[]', 'worker', f.fever
FROM health_episode e, generate_series(e.start_on, coalesce(e.ended_on, %(today)s::date), interval '1 day') d,
    unnest(array['morning', 'evening']) w,
    LATERAL (SELECT random() < 0.003 + extract(epoch FROM d) * 0 + length(w) * 0 AS fever) f;

INSERT INTO health_alert (created, last_updated, area_id, area_path, key, person_id, episode_id, source_check_id,
    kind, level, status, raised_at, escalated_at, resolved_at, note, link, name, place, temperature)
SELECT now(), now(), c.area_id, c.area_path, 'check:' || c.id, c.person_id, c.episode_id, c.id, 'fever',
    CASE WHEN r.escalate THEN 'town' ELSE 'village' END, CASE WHEN r.resolve THEN 'resolved' ELSE 'open' END,
    c.taken_at, CASE WHEN r.escalate THEN c.taken_at + interval '2 hours' END,
    CASE WHEN r.resolve THEN c.taken_at + interval '5 hours' END, '', '', '', '', c.temperature
FROM health_check c, LATERAL (SELECT random() < 0.33 + c.id * 0 AS escalate, random() < 0.5 + c.id * 0 AS resolve) r
WHERE c.is_fever;

INSERT INTO people_arrival (created, last_updated, area_id, area_path, person_id, kind, origin_id, route, arrived_on,
    transport, trip_number, reason, address, fever, symptoms, contact_with_cases, risk_area_id, registrar)
SELECT now(), now(), e.area_id, e.area_path, e.person_id, 'returnee', %(origin)s, '', e.start_on, 'train', '', '', '',
    false, false, false, CASE WHEN random() < 0.05 THEN %(risk_area)s END, ''
FROM health_episode e;

INSERT INTO health_case (created, last_updated, area_id, area_path, person_id, classification, diagnosed_at,
    reported_at)
SELECT now(), now(), e.area_id, e.area_path, e.person_id, 'suspected', s.at, s.at + interval '1 hour'
FROM (SELECT * FROM health_episode ORDER BY random() LIMIT %(cases)s) e,
    LATERAL (SELECT (e.start_on + 2)::timestamp AT TIME ZONE 'Asia/Shanghai' + e.id * interval '0 s' AS at) s;
INSERT INTO health_caseevent (case_id, from_classification, to_classification, "at")
SELECT id, '', 'suspected', reported_at FROM health_case;
INSERT INTO health_caseevent (case_id, from_classification, to_classification, "at")
SELECT id, 'suspected', 'confirmed', reported_at + interval '1 day' FROM health_case WHERE id %% 3 = 0;
UPDATE health_case SET classification = 'confirmed' WHERE id %% 3 = 0;

INSERT INTO health_contact (created, last_updated, area_id, area_path, person_id, source_case_id, setting,
    last_contact_on, episode_id)
SELECT e.created, now(), e.area_id, e.area_path, e.person_id,
    (SELECT id FROM health_case ORDER BY id LIMIT 1 OFFSET (e.id %% %(cases)s)), 'household', e.start_on, e.id
FROM health_episode e WHERE e.id %% 5 = 0 AND NOT EXISTS (SELECT 1 FROM health_case c WHERE c.person_id = e.person_id);

INSERT INTO people_screeninground (created, last_updated, area_id, area_path, title, opened_on, deadline)
SELECT now(), now(), id, path, '全覆盖排查', %(today)s::date - 10, %(today)s::date + 5
FROM areas_area WHERE level = 'town';
INSERT INTO people_screeningvisit (created, last_updated, area_id, area_path, round_id, household_id, visited_on,
    members_home, arrivals_found, symptoms_found, note)
SELECT now(), now(), h.area_id, h.area_path, r.id, h.id, %(today)s::date - (random() * 9)::int, 3, false, false, ''
FROM people_household h JOIN people_screeninground r ON h.area_path LIKE r.area_path || '.%%'
WHERE random() < 0.7;

INSERT INTO reports_confirmation (created, last_updated, area_id, area_path, day, version, level, figures, remarks,
    zero_report, confirmed_at, on_time)
SELECT now(), now(), a.id, a.path, d::date, 1, 'village', '{}', '', false,
    (d::date + time '15:00') AT TIME ZONE 'Asia/Shanghai', random() < 0.9
FROM areas_area a, generate_series(%(today)s::date - %(days)s, %(today)s::date - 1, interval '1 day') d
WHERE a.level = 'village' AND random() < 0.8;
"""

# What bench/generate.py --episodes leaves out (it makes episodes, checks, cases and contacts): added by
# --alongside in a transaction rolled back at the end, so that a shared database is left as it was.
ALONGSIDE = SYNTHETIC[SYNTHETIC.index("INSERT INTO health_alert") : SYNTHETIC.index("INSERT INTO health_case ")]
ALONGSIDE += SYNTHETIC[SYNTHETIC.index("INSERT INTO people_screeninground") :]
ALONGSIDE_TABLES = ("health_alert", "people_arrival", "people_screeninground", "people_screeningvisit")
ALONGSIDE_TABLES += ("reports_confirmation",)

# The same figures as the registry's, one statement per table. {length} cuts a path to a child's;
# {low} and {high} are the reported area's subtree; {day}, {start} and {end} the day and its bounds.
HAND_WRITTEN = {
    "arrivals": """
SELECT substr(area_path, 1, {length}) g, count(*) FILTER (WHERE arrived_on = {day}),
    count(*), count(*) FILTER (WHERE arrived_on = {day} AND risk_area_id IS NOT NULL)
FROM people_arrival WHERE area_path >= {low} AND area_path < {high} AND arrived_on <= {day} GROUP BY 1""",
    "households": """
SELECT substr(area_path, 1, {length}) g, sum(households), sum(screened) FROM people_householdtally
WHERE area_path >= {low} AND area_path < {high} AND day <= {day} GROUP BY 1""",
    "episodes": """
SELECT substr(area_path, 1, {length}) g,
    count(*) FILTER (WHERE kind = 'home' AND start_on = {day}),
    count(*) FILTER (WHERE kind = 'home' AND (ended_on IS NULL OR ended_on > {day})),
    count(*) FILTER (WHERE kind = 'home' AND outcome = 'released' AND ended_on = {day}),
    count(*) FILTER (WHERE kind = 'centralised' AND start_on = {day}),
    count(*) FILTER (WHERE kind = 'centralised' AND (ended_on IS NULL OR ended_on > {day})),
    count(*) FILTER (WHERE kind = 'centralised' AND outcome = 'released' AND ended_on = {day})
FROM health_episode WHERE area_path >= {low} AND area_path < {high} AND start_on <= {day}
    AND (ended_on IS NULL OR ended_on >= {day}) GROUP BY 1""",
    "fever": """
SELECT substr(area_path, 1, {length}) g, count(DISTINCT person_id) FROM health_check
WHERE area_path >= {low} AND area_path < {high} AND taken_on = {day} AND is_fever GROUP BY 1""",
    "transfers": """
SELECT substr(area_path, 1, {length}) g,
    count(DISTINCT person_id) FILTER (WHERE transferred_at >= {start}),
    count(DISTINCT person_id) FILTER (WHERE result_at IS NULL OR result_at >= {end})
FROM health_transfer WHERE area_path >= {low} AND area_path < {high} AND transferred_at < {end} GROUP BY 1""",
    "cases": """
SELECT substr(c.area_path, 1, {length}) g, count(*) FILTER (WHERE e.to_classification = 'confirmed'),
    count(*) FILTER (WHERE e.to_classification = 'suspected')
FROM health_case c CROSS JOIN LATERAL (SELECT to_classification FROM health_caseevent
    WHERE case_id = c.id AND "at" < {end} ORDER BY "at" DESC, id DESC LIMIT 1) e
WHERE c.area_path >= {low} AND c.area_path < {high} GROUP BY 1""",
    "contacts": """
SELECT substr(c.area_path, 1, {length}) g,
    count(DISTINCT c.person_id) FILTER (WHERE e.start_on <= {day} AND (e.ended_on IS NULL OR e.ended_on > {day})),
    count(*) FILTER (WHERE c.created >= {start} AND c.created < {end})
FROM health_contact c LEFT JOIN health_episode e ON e.id = c.episode_id
WHERE c.area_path >= {low} AND c.area_path < {high} GROUP BY 1""",
    "alerts": """
SELECT substr(area_path, 1, {length}) g, count(*), count(*) FILTER (WHERE escalated_at < {end})
FROM health_alert WHERE area_path >= {low} AND area_path < {high} AND raised_at < {end}
    AND (acknowledged_at IS NULL OR acknowledged_at >= {end}) AND (resolved_at IS NULL OR resolved_at >= {end})
GROUP BY 1""",
    "expected": """
SELECT substr(path, 1, {length}) g, count(*) FROM areas_area WHERE path >= {low} AND path < {high}
    AND level = 'village' AND (retired_on IS NULL OR retired_on > {day}) GROUP BY 1""",
    "confirmed": """
SELECT substr(area_path, 1, {length}) g, count(*), count(*) FILTER (WHERE on_time) FROM reports_confirmation
WHERE area_path >= {low} AND area_path < {high} AND day = {day} AND version = 1 AND level = 'village' GROUP BY 1""",
}


# The dashboard's 30-day trends of the key figures by hand: one statement per table, each figure per day
# ({first} and {day}: the span; {days}: its days, from generate_series, with each day's end).
DAYS = """(SELECT d::date AS day, (d::date + 1)::timestamp AT TIME ZONE %(zone)s AS day_end
    FROM generate_series({first}::date, {day}::date, interval '1 day') d) d"""
HAND_WRITTEN_TRENDS = {
    "arrivals": """
SELECT arrived_on, count(*) FROM people_arrival WHERE area_path >= {low} AND area_path < {high}
    AND arrived_on BETWEEN {first} AND {day} GROUP BY 1""",
    "episodes": """
SELECT d.day, count(*) FILTER (WHERE kind = 'home'), count(*) FILTER (WHERE kind = 'centralised')
FROM {days} JOIN health_episode e ON e.start_on <= d.day AND (e.ended_on IS NULL OR e.ended_on > d.day)
WHERE e.area_path >= {low} AND e.area_path < {high} GROUP BY 1""",
    "fever": """
SELECT taken_on, count(DISTINCT person_id) FROM health_check WHERE is_fever AND taken_on BETWEEN {first} AND {day}
    AND area_path >= {low} AND area_path < {high} GROUP BY 1""",
    "transfers": """
SELECT d.day, count(DISTINCT t.person_id) FILTER (WHERE t.transferred_at >= d.day_end - interval '1 day'),
    count(DISTINCT t.person_id) FILTER (WHERE t.result_at IS NULL OR t.result_at >= d.day_end)
FROM {days} JOIN health_transfer t ON t.transferred_at < d.day_end
WHERE t.area_path >= {low} AND t.area_path < {high} GROUP BY 1""",
    "cases": """
SELECT d.day, count(*) FILTER (WHERE e.to_classification = 'confirmed'),
    count(*) FILTER (WHERE e.to_classification = 'suspected')
FROM {days} CROSS JOIN health_case c CROSS JOIN LATERAL (SELECT to_classification FROM health_caseevent
    WHERE case_id = c.id AND "at" < d.day_end ORDER BY "at" DESC, id DESC LIMIT 1) e
WHERE c.area_path >= {low} AND c.area_path < {high} GROUP BY 1""",
    "contacts": """
SELECT d.day, count(DISTINCT c.person_id) FROM {days} JOIN health_episode e
    ON e.start_on <= d.day AND (e.ended_on IS NULL OR e.ended_on > d.day)
JOIN health_contact c ON c.episode_id = e.id WHERE c.area_path >= {low} AND c.area_path < {high} GROUP BY 1""",
    "alerts": """
SELECT d.day, count(*), count(*) FILTER (WHERE a.escalated_at < d.day_end) FROM {days} JOIN health_alert a
    ON a.raised_at < d.day_end AND (a.acknowledged_at IS NULL OR a.acknowledged_at >= d.day_end)
    AND (a.resolved_at IS NULL OR a.resolved_at >= d.day_end)
WHERE a.area_path >= {low} AND a.area_path < {high} GROUP BY 1""",
    "expected": """
SELECT d.day, count(*) FROM {days} JOIN areas_area a ON a.retired_on IS NULL OR a.retired_on > d.day
WHERE a.path >= {low} AND a.path < {high} AND a.level = 'village' GROUP BY 1""",
    "confirmed": """
SELECT day, count(*) FROM reports_confirmation WHERE area_path >= {low} AND area_path < {high}
    AND day BETWEEN {first} AND {day} AND version = 1 AND level = 'village' GROUP BY 1""",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="(default: %(default)s)")
    parser.add_argument("--episodes", type=int, default=60_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="measure the records already there")
    parser.add_argument(
        "--alongside",
        action="store_true",
        help="keep the episodes, checks, cases and contacts of bench/generate.py --episodes, add the other "
        "records in a transaction and roll it back at the end (a shared database is left as it was)",
    )
    parser.add_argument("--date", type=datetime.date.fromisoformat, help="the day reported (default: today)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    return parser.parse_args()


def load_alongside(args):
    """The records bench/generate.py leaves out, in the open transaction (rolled back by main)."""
    from django.db import connection

    started = time.perf_counter()
    params = parameters(args)
    with connection.cursor() as cursor:
        for statement in ALONGSIDE.split(";\n"):
            if not statement.strip():
                continue
            table = statement.split("INSERT INTO ", 1)[1].split()[0]
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 (names from ALONGSIDE)
            if not cursor.fetchone()[0]:  # what the generator made is kept as it is
                cursor.execute(statement, params)
    # The visits were written in SQL, which sends no signals: the households figures' tallies follow here.
    from fangkong.people import tallies

    tallies.rebuild()
    with connection.cursor() as cursor:
        for table in (*ALONGSIDE_TABLES, "people_householdtally"):
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 (names from the list above)
    return time.perf_counter() - started


def parameters(args):
    from django.utils import timezone

    from fangkong.areas.models import Division, RiskArea
    from fangkong.health.models import Protocol

    origin = Division.objects.get(code="420106")
    risk_area = RiskArea.objects.filter(division=origin).first()
    if risk_area is None:
        risk_area = RiskArea.objects.create(division=origin, valid_from="2020-01-01")
    return {
        "today": args.date or timezone.localdate(),
        "protocol": Protocol.objects.order_by("pk").first().pk,
        "episodes": args.episodes,
        "days": args.days,
        "cases": args.cases,
        "origin": origin.pk,
        "risk_area": risk_area.pk,
    }


def load(args):
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fangkong.areas.models import Division, RiskArea
    from fangkong.health.models import Protocol

    call_command("migrate", verbosity=0)
    origin = Division.objects.get(code="420106")
    risk_area = RiskArea.objects.get_or_create(division=origin, defaults={"valid_from": "2020-01-01"})[0]
    params = {
        "today": timezone.localdate(),
        "protocol": Protocol.objects.order_by("pk").first().pk,
        "episodes": args.episodes,
        "days": args.days,
        "cases": args.cases,
        "origin": origin.pk,
        "risk_area": risk_area.pk,
    }
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in SYNTHETIC.split(";\n"):
            if statement.strip():
                cursor.execute(statement, params)
    from fangkong.people import tallies

    tallies.rebuild()  # the visits were written in SQL, which sends no signals
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def counts():
    from django.db import connection

    tables = ["people_person", "people_household", "people_arrival", "people_screeningvisit", "health_episode"]
    tables += ["health_check", "health_alert", "health_case", "health_contact", "reports_confirmation"]
    with connection.cursor() as cursor:
        result = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names from the list above)
            result[table] = cursor.fetchone()[0]
    return result


def median_ms(function, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1), round(min(times), 1)


def hand_written(area, day):
    from django.db import connection

    from fangkong.areas.models import Area
    from fangkong.core.indicators import day_end, day_start

    child = Area.objects.filter(parent=area).first()
    length = len(child.path) if child else len(area.path)
    values = {
        "length": length,
        "low": "%(low)s",
        "high": "%(high)s",
        "day": "%(day)s",
        "start": "%(start)s",
        "end": "%(end)s",
    }
    params = {"low": area.path, "high": area.path + "/", "day": day, "start": day_start(day), "end": day_end(day)}
    rows = {}
    with connection.cursor() as cursor:
        for name, sql in HAND_WRITTEN.items():
            cursor.execute(sql.format(**values), params)
            rows[name] = cursor.fetchall()
    return rows


def hand_written_dashboard(area, day):
    """The dashboard's figures by hand: the report's (hand_written) and the trends of its key figures."""
    from django.conf import settings
    from django.db import connection

    from fangkong.reports.dashboard import TREND_DAYS

    rows = hand_written(area, day)
    values = {"low": "%(low)s", "high": "%(high)s", "day": "%(day)s", "first": "%(first)s"}
    values["days"] = DAYS.format(**values)
    params = {
        "low": area.path,
        "high": area.path + "/",
        "day": day,
        "first": day - datetime.timedelta(days=TREND_DAYS - 1),
        "zone": settings.TIME_ZONE,
    }
    with connection.cursor() as cursor:
        for name, sql in HAND_WRITTEN_TRENDS.items():
            cursor.execute(sql.format(**values), params)
            rows[f"trend_{name}"] = cursor.fetchall()
    return rows


def measure(args):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from fangkong.areas.models import Area
    from fangkong.reports import dashboard, figures

    day = args.date or timezone.localdate()
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    results = {}
    for label, code in AREAS:
        area = Area.objects.get(code=code)
        started = time.perf_counter()
        figures.report(area, day)  # warm: the first query of a table reads it from disk, its SQL is built
        cold = (time.perf_counter() - started) * 1000
        with CaptureQueriesContext(connection) as queries:
            report = figures.report(area, day)
        live = median_ms(lambda area=area: figures.report(area, day), args.repeat)
        hand = median_ms(lambda area=area: hand_written(area, day), args.repeat)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as board_queries:
            dashboard.build(area, now=noon)
        board_cold = (time.perf_counter() - started) * 1000
        board = median_ms(lambda area=area: dashboard.build(area, now=noon), args.repeat)
        board_hand = median_ms(lambda area=area: hand_written_dashboard(area, day), args.repeat)
        results[label] = {
            "code": code,
            "rows": len(report.rows),
            "queries": len(queries),
            "report_ms_first": round(cold, 1),
            "report_ms_median": live[0],
            "report_ms_min": live[1],
            "hand_sql_ms_median": hand[0],
            "hand_sql_ms_min": hand[1],
            "ratio": round(live[0] / hand[0], 2) if hand[0] else None,
            "dashboard_queries": len(board_queries),
            "dashboard_ms_first": round(board_cold, 1),
            "dashboard_ms_median": board[0],
            "dashboard_ms_min": board[1],
            "dashboard_hand_sql_ms_median": board_hand[0],
            "dashboard_ratio": round(board[0] / board_hand[0], 2) if board_hand[0] else None,
            "fever_today": report.figures["fever_today"],
            "home_current": report.figures["home_current"],
        }
        print(label, results[label], flush=True)
    return results


def main():
    args = parse_args()
    use_database(args.database_url)
    import django

    django.setup()
    from django.db import transaction

    loaded = None if args.keep or args.alongside else load(args)
    with transaction.atomic():
        if args.alongside:
            loaded = load_alongside(args)
        output = {
            "load_seconds": loaded,
            "rows": counts(),
            "results": measure(args),
            "machine": {"python": platform.python_version(), "nproc": os.cpu_count(), "load": os.getloadavg()},
        }
        if args.alongside:
            transaction.set_rollback(True)  # the shared database is left as it was
    print(json.dumps(output, indent=1, default=str))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(output, indent=1, default=str))


if __name__ == "__main__":
    main()
