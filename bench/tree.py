"""Area tree and scope benchmark.

Builds the real Shangluo division tree plus 5-6 grids per village (~7,000 grids) in a dedicated
database, optionally grown N times with synthetic sibling villages, then times scope computation,
restricted children lists, restricted subtree lists and subtree counts, and prints the query plans.

    .venv/bin/python bench/tree.py                                   # SQLite, scales 1 and 10
    .venv/bin/python bench/tree.py --database-url postgres://postgres@127.0.0.1:5432/fangkong_bench

SQLite runs in var/bench/tree.sqlite3 (never the application's var/fangkong.sqlite3). On PostgreSQL
the database named in the URL is dropped and created again for every scale, and dropped at the end;
its name must contain "bench".
"""

import argparse
import copy
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DEFAULT_SQLITE = BENCH_DIR / "tree.sqlite3"
DIVISIONS = ROOT / "fangkong" / "areas" / "data" / "shangluo_divisions.csv"

# The demo's areas (seed_demo): 商洛市 > 丹凤县 > 竹林关镇 > 竹林关村 > its first grid.
CITY, COUNTY, TOWN, VILLAGE = "6110", "611022", "611022106", "611022106200"
GRID = VILLAGE + "001"
# The county that sorts last by code (柞水县): the worst case for a scan in code order.
LAST_COUNTY = "611026"
AREA_CODES = [CITY, COUNTY, LAST_COUNTY, TOWN, VILLAGE, GRID]
GRID_NAMES = ["第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格"]
MAX_VILLAGE_NUMBER = 999


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=f"sqlite:///{DEFAULT_SQLITE}",
        help="sqlite:///<file under var/bench/> or postgres://.../<name containing 'bench'> (default: %(default)s)",
    )
    parser.add_argument(
        "--scale",
        type=int,
        nargs="+",
        default=[1, 10],
        help="tree sizes to measure, each on a fresh database: N villages per real village (default: 1 10)",
    )
    parser.add_argument("--repeat", type=int, default=200, help="timed repetitions per operation (default: 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed repetitions first (default: 10)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args()


# --- the benchmark database ------------------------------------------------------------------


def sqlite_path(url):
    path = Path(url.removeprefix("sqlite:///")).resolve()
    if not path.is_relative_to(BENCH_DIR.resolve()):
        sys.exit(f"SQLite benchmark databases live under {BENCH_DIR}, not {path}")
    return path


def use_database(url, **environment):
    """Point Django at the benchmark database ``url`` (checked to be one: see sqlite_path, pg_name),
    with DEBUG off and any other settings given; call before django.setup()."""
    if url.startswith("sqlite"):
        sqlite_path(url)
    else:
        pg_name(url)
    os.environ.update({"DATABASE_URL": url, "DEBUG": "false", **environment})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    sys.path.insert(0, str(ROOT))


def pg_admin_connection(url):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


def pg_name(url):
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop and recreate database {name!r}: its name must contain 'bench'")
    return name


def drop_database(url):
    from django.db import connections

    connections.close_all()
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from psycopg import sql

    with pg_admin_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(pg_name(url))))


def create_database(url):
    drop_database(url)
    if url.startswith("sqlite"):
        sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
        return
    from psycopg import sql

    with pg_admin_connection(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(pg_name(url))))


# --- loading ---------------------------------------------------------------------------------


def build_tree(scale):
    """Divisions through the import, then synthetic villages and grids through bulk_create."""
    from django.db import transaction
    from django.utils import timezone

    from fangkong.areas.models import Area
    from fangkong.areas.services import import_divisions
    from fangkong.core import changelog
    from fangkong.core.models import ChangeLogEntry

    import_divisions(DIVISIONS.read_bytes())
    with transaction.atomic():
        now = timezone.now()
        real = list(Area.objects.filter(level=Area.Level.VILLAGE, is_special=False).select_related("parent"))
        villages = list(real)
        # Scale N: N-1 synthetic siblings per real village, numbered down from 999 in the same town, so
        # every town, county and the city grow N times while the real villages keep their grids.
        taken = {}
        for village in Area.objects.filter(level=Area.Level.VILLAGE):
            taken.setdefault(village.parent_id, set()).add(int(village.code[-3:]))
        next_number = dict.fromkeys(taken, MAX_VILLAGE_NUMBER)
        synthetic = []
        for village in real:
            town = village.parent
            for copy_number in range(1, scale):
                number = next_number[town.pk]
                while number in taken[town.pk]:
                    number -= 1
                if number < 1:
                    raise SystemExit(f"Scale {scale} does not fit: town {town.code} has no village numbers left")
                next_number[town.pk] = number - 1
                area = Area(
                    code=f"{town.code}{number:03d}",
                    name=f"{village.short_name}{copy_number}号村",
                    level=Area.Level.VILLAGE,
                    parent=town,
                    created=now,
                    last_updated=now,
                )
                area.fill_derived()
                synthetic.append(area)
        Area.objects.bulk_create(synthetic, batch_size=2000)
        changelog.record_many(synthetic, ChangeLogEntry.Kind.CREATE)
        villages += synthetic
        grids = []
        for village in sorted(villages, key=lambda v: v.code):
            for number in range(1, 5 + int(village.code) % 2 + 1):
                grid = Area(
                    code=f"{village.code}{number:03d}",
                    name=GRID_NAMES[number - 1],
                    level=Area.Level.GRID,
                    parent=village,
                    is_special=village.is_special,
                    created=now,
                    last_updated=now,
                )
                grid.fill_derived()
                grids.append(grid)
        Area.objects.bulk_create(grids, batch_size=2000)
        changelog.record_many(grids, ChangeLogEntry.Kind.CREATE)


def create_users():
    from fangkong.accounts.models import Membership, User
    from fangkong.areas.models import Area
    from fangkong.core.roles import Role

    specs = [
        ("village_officer", Role.OFFICER, VILLAGE),
        ("town_officer", Role.OFFICER, TOWN),
        ("county_officer", Role.OFFICER, COUNTY),
        ("last_county_officer", Role.OFFICER, LAST_COUNTY),
        ("city_commander", Role.COMMANDER, CITY),
        ("grid_worker", Role.GRID_WORKER, GRID),
    ]
    for username, role, code in specs:
        user = User.objects.create_user(username)
        Membership.objects.create(user=user, area=Area.objects.get(code=code), role=role)
    return [username for username, _role, _code in specs]


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("areas_area", "accounts_membership", "accounts_user", "core_changelogentry"):
                cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


# --- timing ----------------------------------------------------------------------------------


def timed(fn, repeat, warmup, setup=None, budget_s=6.0, minimum=30):
    """Median and 95th percentile in milliseconds over `repeat` runs (fewer, but at least `minimum`,
    when they would take longer than `budget_s`), and fn's last result."""
    result = None
    for _ in range(warmup):
        result = fn(setup() if setup else None)
    samples = []
    deadline = time.perf_counter() + budget_s
    for _ in range(repeat):
        if len(samples) >= minimum and time.perf_counter() > deadline:
            break
        argument = setup() if setup else None
        start = time.perf_counter()
        result = fn(argument)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[max(0, math.ceil(0.95 * len(samples)) - 1)]
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": p95,
        "min_ms": samples[0],
        "n": len(samples),
        "result": result,
    }


def operations(users, areas):
    """(key, description, callable, setup): what is timed, each a complete page-level query."""
    from django.db.models import Count

    from fangkong.areas.models import Area
    from fangkong.core import scope
    from fangkong.core.roles import Action

    view_roles = Area.roles_by_action[Action.VIEW]
    ops = []

    def fresh(name):
        # A new User object per call, as in a new request: the memberships are read again.
        base = users[name]

        def make():
            user = copy.copy(base)
            user.forget_memberships()
            return user

        return make

    for name in ("grid_worker", "village_officer", "town_officer", "county_officer", "city_commander"):
        ops.append(
            (
                f"a.scope.{name}",
                f"scope: memberships_cached() + scope_paths(), {name}",
                lambda user: scope.scope_paths(user, view_roles),
                fresh(name),
            )
        )

    def children(name, code):
        user, area = users[name], areas[code]
        return lambda _: len(list(Area.objects.restrict(user).filter(parent=area)[:100]))

    for name, code, label in [
        ("village_officer", VILLAGE, "village -> its grids"),
        ("town_officer", TOWN, "town -> its villages"),
        ("county_officer", COUNTY, "county -> its towns"),
        ("city_commander", CITY, "city -> its counties"),
        ("city_commander", VILLAGE, "a village -> its grids"),
    ]:
        ops.append((f"b.children.{name}.{code}", f"children[:100], {name}: {label}", children(name, code), None))

    def grid_list(name):
        user = users[name]
        return lambda _: len(list(Area.objects.restrict(user).filter(level=Area.Level.GRID)[:50]))

    for name in ("county_officer", "last_county_officer", "city_commander"):
        ops.append((f"c.grids.{name}", f"restrict().filter(level='grid')[:50], {name}", grid_list(name), None))

    def within_count(name, code):
        user, area = users[name], areas[code]
        return lambda _: Area.objects.restrict(user).within(area).count()

    for name, code, label in [
        ("village_officer", VILLAGE, "village"),
        ("town_officer", TOWN, "town"),
        ("county_officer", COUNTY, "county"),
        ("city_commander", CITY, "city (whole tree)"),
        ("city_commander", VILLAGE, "a village"),
    ]:
        ops.append(
            (
                f"c.within.{name}.{code}",
                f"restrict().within({label}).count(), {name}",
                within_count(name, code),
                None,
            )
        )

    def level_counts(code):
        # The area page's figures (areas/views.py AreaView): active, non-special areas below, by level.
        area = areas[code]
        return lambda _: len(
            dict(
                Area.objects.within(area)
                .exclude(pk=area.pk)
                .filter(retired_on__isnull=True, is_special=False)
                .values_list("level")
                .annotate(count=Count("id"))
                .values_list("level", "count")
            )
        )

    for code, label in [(VILLAGE, "village"), (COUNTY, "county"), (CITY, "city")]:
        ops.append((f"d.level_counts.{code}", f"area page counts by level, {label}", level_counts(code), None))
    ops += proposed_operations(users, areas)
    return ops


def proposed_operations(users, areas):
    """Not the application's code: proposal 2, and where the time of loading a list goes."""
    from fangkong.areas.models import Area
    from fangkong.core import scope
    from fangkong.core.roles import Action

    ops = []
    commander, village = users["city_commander"], areas[VILLAGE]

    def within_checked(_):
        # The village lies inside the scope, so its whole subtree does: drop the outer range.
        if not scope.can(commander, Action.VIEW, Area, village.path):
            return 0
        return Area.objects.within(village).count()

    ops.append(
        (
            "p.within.city_commander.village",
            "[proposed] can() then unrestricted within(a village).count(), city_commander",
            within_checked,
            None,
        )
    )
    # Where the time of a list goes: 100 grids as model objects, as tuples, and the change-log
    # snapshot that ChangeLoggedMixin builds from the loaded values, now only when a row is saved.
    hundred = Area.objects.within(areas[COUNTY]).filter(level=Area.Level.GRID)
    ops.append(("x.objects.100", "[cost] 100 grids as model objects", lambda _: len(list(hundred[:100])), None))
    as_tuples = hundred.values_list()
    ops.append(("x.values.100", "[cost] the same 100 rows as values_list()", lambda _: len(as_tuples[:100]), None))

    ops.append(
        (
            "x.snapshot.100",
            "[cost] loaded_snapshot() of 100 freshly loaded grids (only a save builds it)",
            lambda loaded: len([area.loaded_snapshot() for area in loaded]),
            lambda: list(hundred[:100]),
        )
    )
    return ops


# --- query plans -----------------------------------------------------------------------------


def last_sql(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn(None)
    return captured.captured_queries[-1]["sql"]


def plan_queries(users, areas):
    """(label, queryset or SQL string) for the queries whose plans the report shows."""
    from fangkong.areas.models import Area

    county_officer, commander = users["county_officer"], users["city_commander"]
    return [
        (
            "children of a village, village officer",
            Area.objects.restrict(users["village_officer"]).filter(parent=areas[VILLAGE])[:100],
        ),
        (
            "children of a town, town officer",
            Area.objects.restrict(users["town_officer"]).filter(parent=areas[TOWN])[:100],
        ),
        (
            "children of the city, city commander",
            Area.objects.restrict(commander).filter(parent=areas[CITY])[:100],
        ),
        (
            "grid list [:50], county officer",
            Area.objects.restrict(county_officer).filter(level=Area.Level.GRID)[:50],
        ),
        (
            "grid list [:50], officer of the county that sorts last",
            Area.objects.restrict(users["last_county_officer"]).filter(level=Area.Level.GRID)[:50],
        ),
        (
            "grid list [:50], city commander",
            Area.objects.restrict(commander).filter(level=Area.Level.GRID)[:50],
        ),
        (
            "within(county).count(), county officer",
            last_sql(lambda _: Area.objects.restrict(county_officer).within(areas[COUNTY]).count()),
        ),
        (
            "within(city).count(), city commander (the whole tree)",
            last_sql(lambda _: Area.objects.restrict(commander).within(areas[CITY]).count()),
        ),
        (
            "within(village).count(), city commander",
            last_sql(lambda _: Area.objects.restrict(commander).within(areas[VILLAGE]).count()),
        ),
        (
            "[proposed] within(village).count() alone, after can(), city commander",
            last_sql(lambda _: Area.objects.within(areas[VILLAGE]).count()),
        ),
    ]


def explain(query):
    """The plan text: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        if isinstance(query, str):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query)
                return "\n".join(row[0] for row in cursor.fetchall())
        return query.explain(analyze=True, buffers=True)
    if isinstance(query, str):
        sql, params = query, ()
    else:
        sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        rows = cursor.fetchall()
    depth = {0: 0}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append("  " * (depth[node] - 1) + detail)
    return "\n".join(lines)


def plans(users, areas):
    from django.db import connection

    shown = []
    for label, query in plan_queries(users, areas):
        entry = {"label": label, "sql": query if isinstance(query, str) else str(query.query), "plan": explain(query)}
        if connection.vendor == "postgresql" and "Seq Scan" in entry["plan"]:
            with connection.cursor() as cursor:
                cursor.execute("SET enable_seqscan = off")
                try:
                    entry["plan_seqscan_off"] = explain(query)
                finally:
                    cursor.execute("RESET enable_seqscan")
        shown.append(entry)
    return shown


# --- one run ---------------------------------------------------------------------------------


def run_scale(url, scale, args):
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from fangkong.accounts.models import User
    from fangkong.areas.models import Area
    from fangkong.core.context import Source, change_context
    from fangkong.core.models import ChangeLogEntry

    create_database(url)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    # The content types were created again with the new database: forget the previous scale's ids.
    ContentType.objects.clear_cache()
    with change_context(Source.COMMAND):
        build_tree(scale)
        usernames = create_users()
    loaded = time.perf_counter()
    sqlite_plans_before_analyze = None
    if connection.vendor == "sqlite":
        users = {name: User.objects.get(username=name) for name in usernames}
        areas = {a.code: a for a in Area.objects.filter(code__in=AREA_CODES)}
        sqlite_plans_before_analyze = plans(users, areas)
    analyze()

    # Users as a request sees them: memberships read once (operation a measures that read).
    users = {name: User.objects.get(username=name) for name in usernames}
    for user in users.values():
        user.memberships_cached()
    areas = {a.code: a for a in Area.objects.filter(code__in=AREA_CODES)}
    counts = {level: Area.objects.filter(level=level).count() for level in Area.Level.values}
    info = {
        "scale": scale,
        "areas": Area.objects.count(),
        "by_level": counts,
        "changelog_rows": ChangeLogEntry.objects.count(),
        "migrate_s": round(migrated - started, 1),
        "load_s": round(loaded - migrated, 1),
    }
    print(
        f"\n== {connection.vendor} scale {scale}: {info['areas']} areas {counts}, "
        f"migrate {info['migrate_s']} s, load {info['load_s']} s",
        flush=True,
    )
    results = []
    info["loadavg_before"] = os.getloadavg()[0]
    for key, label, fn, setup in operations(users, areas):
        measured = timed(fn, args.repeat, args.warmup, setup)
        result = measured.pop("result")
        rows = len(result) if isinstance(result, list) else result
        results.append({"key": key, "label": label, "rows": rows, **measured})
        print(
            f"{label:<78} {measured['median_ms']:8.3f} {measured['p95_ms']:8.3f} ms"
            f"  (min {measured['min_ms']:.3f}, n {measured['n']}, rows {rows})",
            flush=True,
        )
    info["loadavg_after"] = os.getloadavg()[0]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index"
                " WHERE indrelid = 'areas_area'::regclass ORDER BY 1"
            )
            info["index_bytes"] = dict(cursor.fetchall())
            cursor.execute("SELECT pg_relation_size('areas_area')")
            info["table_bytes"] = cursor.fetchone()[0]
        print(f"areas_area {info['table_bytes']} bytes; indexes {info['index_bytes']}")
    print(f"load average (1 min) {info['loadavg_before']:.2f} before, {info['loadavg_after']:.2f} after timing")
    shown = plans(users, areas)
    for entry in shown:
        print(f"\n-- plan: {entry['label']}\n{entry['sql']}\n{entry['plan']}")
        if "plan_seqscan_off" in entry:
            print(f"-- same with enable_seqscan = off\n{entry['plan_seqscan_off']}")
    if sqlite_plans_before_analyze:
        for entry, before in zip(shown, sqlite_plans_before_analyze, strict=True):
            if before["plan"] != entry["plan"]:
                print(f"\n-- plan before ANALYZE (differs): {entry['label']}\n{before['plan']}")
    return {
        **info,
        "results": results,
        "plans": shown,
        "sqlite_plans_before_analyze": sqlite_plans_before_analyze,
    }


def versions():
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        database = cursor.fetchone()[0]
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory_kb = next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal")), 0)
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{connection.vendor} {database}",
    }


def main():
    args = parse_args()
    url = args.database_url
    if url.startswith("sqlite"):
        sqlite_path(url)
    elif url.startswith(("postgres://", "postgresql://")):
        pg_name(url)
    else:
        sys.exit("--database-url must be sqlite:///... or postgres://...")
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    runs = []
    try:
        for scale in args.scale:
            runs.append(run_scale(url, scale, args))
        report = {"machine": versions(), "repeat": args.repeat, "runs": runs}
    finally:
        if not args.keep:
            drop_database(url)
    print("\n" + json.dumps(report["machine"]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))
        print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
