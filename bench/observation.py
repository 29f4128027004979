"""Observation at city scale for bench/generate.py (``--episodes``): episodes with ``--check-days``
days of their checks, and cases with their close contacts, over the persons already generated.

Half the episodes are open (under observation today), the other half released before them. The
open ones fill a village of the demo's town first (its village with the most persons,
``VILLAGE_OPEN``), then the rest of the town (竹林关镇, ``TOWN_OPEN`` with the village's), then
random persons outside the town; the released ones take random persons anywhere. Every episode
has two checks a day for ``--check-days`` days (the open ones up to today: their start is that
many days back), 2 % of them missed; today only the morning's, 10 % of them missed, so the
evening's window is open for everyone. About 0.2 % are fevers. Each case (confirmed, suspected or
asymptomatic) is a released episode's person, with 3–10 close contacts among random persons.

PostgreSQL only. Episodes, cases and contacts go through ``core.bulk.insert`` (COPY). The checks
are made by the database itself, ``INSERT … SELECT`` over ``generate_series`` in chunks of
episodes, with the table's secondary indexes dropped during the load and built again after it, and
foreign keys not checked (``session_replication_role = replica``: the rows refer to what this
generator just made). Synthetic rows get no change-log entries and no key-person tags.
"""

import datetime
import random
import time

from tree import TOWN

VILLAGE_OPEN = 500
TOWN_OPEN = 5000
EPISODES_PER_STATEMENT = 5000
MISSED_SHARE = 0.02
MISSED_TODAY_SHARE = 0.10
FEVER_SHARE = 0.002

CHECKS_SQL = """
INSERT INTO health_check (created, last_updated, area_id, area_path, key, person_id, episode_id,
                          taken_at, taken_on, "window", temperature, symptoms, source, is_fever)
SELECT now(), now(), area_id, area_path, key, person_id, episode_id, taken_at, taken_on, "window",
       temperature, '[]'::jsonb, 'worker', temperature >= %(threshold)s
FROM (
    SELECT e.area_id, e.area_path, 'g' || e.id || '-' || d.n || w.code AS key, e.person_id,
           e.id AS episode_id,
           ((e.start_on + d.n) + w.at + random() * interval '40 minutes') AT TIME ZONE %(zone)s AS taken_at,
           e.start_on + d.n AS taken_on, w.name AS "window",
           round((36.0 + random() * 1.2
                  + CASE WHEN random() < %(fever)s THEN 1.6 ELSE 0 END)::numeric, 1) AS temperature
    FROM health_episode e
    CROSS JOIN generate_series(0, %(days)s - 1) AS d(n)
    CROSS JOIN (VALUES ('morning', 'm', time '07:30'), ('evening', 'e', time '17:30')) AS w(name, code, at)
    WHERE e.id BETWEEN %(first)s AND %(last)s
      AND e.start_on + d.n <= LEAST(COALESCE(e.ended_on, %(today)s), %(today)s)
      AND NOT (e.start_on + d.n = %(today)s AND w.name = 'evening')
      AND random() >= CASE WHEN e.start_on + d.n = %(today)s THEN %(missed_today)s ELSE %(missed)s END
) AS made
"""


def persons(queryset, count):
    return list(queryset.values_list("pk", "area_id", "area_path")[:count])


def biggest_village(town):
    """The town's village with the most persons (the demo's 竹林关村 has too few below 2 million)."""
    from django.db.models import Count

    from fangkong.areas.models import Area
    from fangkong.core.models import prefix_q
    from fangkong.people.models import Person

    counts = {}
    for village in Area.objects.filter(parent=town, level=Area.Level.VILLAGE):
        counts[village] = Person.objects.filter(prefix_q("area_path", village.path)).aggregate(n=Count("pk"))["n"]
    return max(counts, key=counts.get)


def choose_persons(episodes, seed):
    """(open, released): lists of (person id, area id, area path)."""
    from fangkong.areas.models import Area
    from fangkong.core.models import prefix_q
    from fangkong.people.models import Person

    town = Area.objects.get(code=TOWN)
    village = biggest_village(town)
    open_count = episodes // 2
    everyone = Person.objects.order_by("pk")
    in_village = persons(everyone.filter(prefix_q("area_path", village.path)), min(VILLAGE_OPEN, open_count))
    in_town = persons(
        everyone.filter(prefix_q("area_path", town.path)).exclude(prefix_q("area_path", village.path)),
        min(TOWN_OPEN, open_count) - len(in_village),
    )
    rnd = random.Random(seed)
    outside = list(everyone.exclude(prefix_q("area_path", town.path)).values_list("pk", flat=True))
    chosen = rnd.sample(outside, min(len(outside), open_count - len(in_village) - len(in_town)))
    elsewhere = persons(Person.objects.filter(pk__in=chosen).order_by("area_path", "pk"), len(chosen))
    all_ids = list(everyone.values_list("pk", flat=True))
    released_ids = rnd.sample(all_ids, min(len(all_ids), episodes - open_count))
    released = persons(Person.objects.filter(pk__in=released_ids).order_by("pk"), len(released_ids))
    return in_village + in_town + elsewhere, released


def make_episodes(open_persons, released_persons, days, today, seed):
    from django.utils import timezone

    from fangkong.core import bulk
    from fangkong.health.models import Episode, Protocol, Reason

    rnd = random.Random(seed + 1)
    now = timezone.now()
    protocol = Protocol.in_force(today - datetime.timedelta(days=3 * days + 1))  # the first edition: in force since
    episodes = []
    for number, (person_id, area_id, area_path) in enumerate(open_persons + released_persons):
        released = number >= len(open_persons)
        if released:
            start = today - datetime.timedelta(days=days + 1 + rnd.randrange(days) + days)
            end = start + datetime.timedelta(days=days - 1)
        else:
            start = today - datetime.timedelta(days=days - 1)
            end = today + datetime.timedelta(days=rnd.randrange(14))
        episodes.append(
            Episode(
                person_id=person_id,
                area_id=area_id,
                area_path=area_path,
                kind=Episode.Kind.HOME if rnd.random() < 0.9 else Episode.Kind.CENTRALISED,
                reason=Reason.RISK_AREA_ARRIVAL if rnd.random() < 0.7 else Reason.CLOSE_CONTACT,
                start_on=start,
                planned_end_on=end,
                protocol=protocol,
                ended_on=end if released else None,
                outcome=Episode.Outcome.RELEASED if released else "",
                created=now,
                last_updated=now,
            )
        )
    for start in range(0, len(episodes), 5000):
        bulk.insert(episodes[start : start + 5000])
    return episodes


def secondary_indexes(cursor, table):
    """(drop, create) statements for the table's indexes and unique constraints, but its primary key."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
           WHERE indrelid = %s::regclass AND NOT indisprimary
             AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)""",
        [table, table],
    )
    indexes = cursor.fetchall()
    drop = [f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for name, _definition in constraints]
    drop += [f"DROP INDEX {name}" for name, _definition in indexes]
    create = [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints]
    create += [definition for _name, definition in indexes]
    return drop, create


def make_checks(days, today, report):
    from django.conf import settings
    from django.db import connection, transaction

    from fangkong.health.models import Episode, Protocol

    threshold = Protocol.in_force(today).fever_threshold
    first, last = Episode.objects.order_by("pk").values_list("pk", flat=True)[:1][0], Episode.objects.latest("pk").pk
    with connection.cursor() as cursor:
        drop, create = secondary_indexes(cursor, "health_check")
        cursor.execute("SET session_replication_role = replica")  # no foreign-key triggers during the load
        for statement in drop:
            cursor.execute(statement)
        started = time.perf_counter()
        for low in range(first, last + 1, EPISODES_PER_STATEMENT):
            with transaction.atomic():
                cursor.execute(
                    CHECKS_SQL,
                    {
                        "threshold": threshold,
                        "zone": settings.TIME_ZONE,
                        "fever": FEVER_SHARE,
                        "days": days,
                        "first": low,
                        "last": low + EPISODES_PER_STATEMENT - 1,
                        "today": today,
                        "missed": MISSED_SHARE,
                        "missed_today": MISSED_TODAY_SHARE,
                    },
                )
            elapsed = time.perf_counter() - started
            print(f"checks: episodes up to {low + EPISODES_PER_STATEMENT - 1:,} {elapsed:7.1f} s", flush=True)
        report["checks_insert_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        for statement in create:
            cursor.execute(statement)
        report["checks_index_s"] = round(time.perf_counter() - started, 1)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SELECT setval(pg_get_serial_sequence('health_check', 'id'), max(id)) FROM health_check")
        cursor.execute("SELECT count(*) FROM health_check")
        report["checks"] = cursor.fetchone()[0]


def make_cases(count, released_persons, seed):
    """``count`` cases among the released episodes' persons, each with 3–10 close contacts."""
    from django.utils import timezone

    from fangkong.core import bulk
    from fangkong.health.cases.models import Case, CaseEvent, Contact
    from fangkong.health.cases.models import Classification as C
    from fangkong.people.models import Person

    rnd = random.Random(seed + 2)
    now = timezone.now()
    sources = rnd.sample(released_persons, min(count, len(released_persons)))
    cases = []
    for person_id, area_id, area_path in sources:
        diagnosed = now - datetime.timedelta(days=rnd.randrange(1, 120), minutes=rnd.randrange(1440))
        classification = rnd.choices([C.CONFIRMED, C.SUSPECTED, C.ASYMPTOMATIC], [6, 3, 1])[0]
        cases.append(
            Case(
                person_id=person_id,
                area_id=area_id,
                area_path=area_path,
                classification=classification,
                onset_on=(diagnosed - datetime.timedelta(days=rnd.randrange(4))).date(),
                diagnosed_at=diagnosed,
                reported_at=diagnosed + datetime.timedelta(minutes=rnd.randrange(20, 180)),
                confirmed_at=diagnosed if classification == C.CONFIRMED else None,
                created=now,
                last_updated=now,
            )
        )
    bulk.insert(cases)
    bulk.insert(
        [
            CaseEvent(
                case_id=case.pk, from_classification="", to_classification=case.classification, at=case.reported_at
            )
            for case in cases
        ]
    )
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    contact_ids = {case.pk: rnd.sample(range(1, top + 1), rnd.randint(3, 10)) for case in cases}
    found = {
        pk: (area_id, path)
        for pk, area_id, path in Person.objects.filter(
            pk__in=[pk for ids in contact_ids.values() for pk in ids]
        ).values_list("pk", "area_id", "area_path")
    }
    contacts = [
        Contact(
            person_id=pk,
            area_id=found[pk][0],
            area_path=found[pk][1],
            source_case_id=case.pk,
            setting=rnd.choice(Contact.Setting.values),
            last_contact_on=(case.diagnosed_at - datetime.timedelta(days=rnd.randrange(4))).date(),
            created=now,
            last_updated=now,
        )
        for case in cases
        for pk in contact_ids[case.pk]
        if pk in found and pk != case.person_id
    ]
    bulk.insert(contacts)
    return len(cases), len(contacts)


def generate(episodes, days, cases, seed):
    """Make the episodes, their checks and the cases; returns the report's facts."""
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        raise SystemExit("--episodes needs PostgreSQL")
    report = {"episodes": episodes, "check_days": days}
    started = time.perf_counter()
    today = timezone.localdate()
    open_persons, released_persons = choose_persons(episodes, seed)
    made = make_episodes(open_persons, released_persons, days, today, seed)
    report["episodes_open"], report["episodes_released"] = len(open_persons), len(released_persons)
    report["episodes_s"] = round(time.perf_counter() - started, 1)
    print(f"episodes: {len(made):,} ({len(open_persons):,} open) in {report['episodes_s']} s", flush=True)
    make_checks(days, today, report)
    report["cases"], report["contacts"] = make_cases(cases, released_persons, seed)
    report["today"] = today.isoformat()
    report["observation_s"] = round(time.perf_counter() - started, 1)
    return report
