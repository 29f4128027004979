"""Synthetic Shangluo: ~2 million persons in ~650,000 households over the real villages and demo grids.

    .venv/bin/python bench/generate.py                                   # 2,000,000 persons, PostgreSQL
    .venv/bin/python bench/generate.py --persons 200000 --workers 2
    .venv/bin/python bench/generate.py --database-url sqlite:///var/bench/people.sqlite3 --persons 100000
    .venv/bin/python bench/generate.py --episodes 60000 --check-days 60 --cases 300   # + observation

The database named in the URL (PostgreSQL: its name must contain "bench"; SQLite: a file under
var/bench/) is dropped, created and migrated; then the real division list is imported and the demo
grids are made, exactly as ``seed_demo`` does. Households and persons are built the way
``Person.save`` builds them (pinyin and initials through ``pinyin_of``, cached per name; the
``id_number`` setter encrypts with Fernet and computes the look-up hash, last four and masked form;
``area_path`` copied from the area) and written with ``core.bulk.insert`` (the path imports use:
COPY on PostgreSQL) in batches of 5,000. Synthetic rows get no change-log entries. Names, ID
numbers and phones are generated in ``--workers`` processes (the Fernet encryption is the CPU-heavy
part) while the main process writes. ``--episodes`` then adds observation episodes with their
checks, and ``--cases`` cases with close contacts (PostgreSQL only; bench/observation.py).
"""

import argparse
import bisect
import datetime
import itertools
import json
import multiprocessing
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tree import DIVISIONS, create_database, use_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fangkong_bench_people"
BATCH = 5000

# The 100 most common surnames with their approximate share of the population in per mille
# (2020 household-registration statistics, rounded); the rest of the population is spread over them.
SURNAMES = str.split(
    "王72 李71 张68 刘54 陈46 杨32 黄24 赵22 吴21 周20 徐14 孙13 马13 朱12 胡12 郭11 何10 林9 高9 罗9 "
    "郑8 梁8 谢6 宋6 唐6 许6 韩6 冯6 邓6 曹5 彭5 曾5 肖5 田5 董5 袁4 潘4 于4 蒋4 蔡4 余4 杜4 叶4 程4 "
    "苏3 魏3 吕3 丁3 任3 沈3 姚3 卢3 姜3 崔3 钟3 谭3 陆3 汪3 范3 金3 石3 廖3 贾3 夏3 韦3 付3 方2 白2 "
    "邹2 孟2 熊2 秦2 邱2 江2 尹2 薛2 闫2 段2 雷2 侯2 龙2 史2 陶2 黎2 贺2 顾2 毛2 郝2 龚2 邵2 万2 钱2 "
    "严2 覃2 武2 戴2 莫2 孔2 向2 汤2"
)
# Characters common in given names; given names are one of them (张伟) or a fixed set of pairs.
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力斌宇浩凯鹏飞波鑫宁"
    "欣怡梓涵子轩雨婷佳琪晨阳思博文俊海燕春梅志刚丹玲晓东亮林峰琳颖倩雪慧鹏程嘉怡诗瑶天宇"
)
COUNTIES = ("611002", "611021", "611022", "611023", "611024", "611025", "611026")
HOUSEHOLD_SIZES = ((1, 15), (2, 25), (3, 22), (4, 20), (5, 10), (6, 6), (7, 2))  # mean 3.11
MOBILE_PREFIXES = "130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 176 177 180 181 187 189 199"
FLOATING_SHARE = 0.05


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=2_000_000, help="how many persons (default: %(default)s)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="(default: %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="processes making persons, 0 = in-process")
    parser.add_argument("--seed", type=int, default=20200124)
    parser.add_argument("--json", type=Path, help="also write the timings to this file")
    parser.add_argument("--no-drop", action="store_true", help="keep an existing database: only add persons")
    parser.add_argument("--episodes", type=int, default=0, help="observation episodes, half open (default: none)")
    parser.add_argument("--check-days", type=int, default=60, help="days of checks per episode (default: 60)")
    parser.add_argument("--cases", type=int, default=0, help="cases with 3-10 close contacts each (default: none)")
    return parser.parse_args()


# --- making people (runs in the worker processes) --------------------------------------------

_GRIDS = []  # (area_id, path, village short name, grid number), set before the workers fork
_WORKERS = 1


def _given_names():
    singles = list(dict.fromkeys(GIVEN))
    pairs = [a + b for a, b in itertools.product(singles[::3], singles[1::4])]
    return singles + pairs


class Maker:
    def __init__(self, seed, worker):
        from fangkong.areas.models import pinyin_of

        self.random = random.Random(seed)
        self.worker = worker
        self.pinyin_of = pinyin_of
        self.pinyin_cache = {}
        self.surnames = [entry[0] for entry in SURNAMES]
        self.surname_cum = list(itertools.accumulate(int(entry[1:]) for entry in SURNAMES))
        self.given = _given_names()
        self.first_day = datetime.date(1940, 1, 1).toordinal()
        self.last_day = datetime.date(2020, 12, 31).toordinal()
        self.mobiles = MOBILE_PREFIXES.split()
        self.size_values = [size for size, _weight in HOUSEHOLD_SIZES]
        self.size_weights = [weight for _size, weight in HOUSEHOLD_SIZES]

    def name(self):
        rnd = self.random
        surname = self.surnames[bisect.bisect_right(self.surname_cum, rnd.random() * self.surname_cum[-1])]
        # Single-character given names (张伟) for a quarter of the people, as in the real register.
        given = self.given[rnd.randrange(len(GIVEN))] if rnd.random() < 0.25 else rnd.choice(self.given)
        return surname + given

    def id_number(self, county, seen):
        from fangkong.core.validators import id_check_character

        rnd = self.random
        while True:
            born = datetime.date.fromordinal(rnd.randint(self.first_day, self.last_day))
            # Order code: its tens digit partitions the numbers between workers, so they never collide.
            order = (rnd.randrange(100 // _WORKERS) * _WORKERS + self.worker) * 10 + rnd.randrange(10)
            first17 = f"{county}{born:%Y%m%d}{order:03d}"
            if first17 not in seen:
                seen.add(first17)
                return first17 + id_check_character(first17), born

    def phone(self):
        return self.random.choice(self.mobiles) + f"{self.random.randrange(10**8):08d}"


def make_chunk(args):
    """Households and their members for one batch, as plain tuples (cheap to send to the writer)."""
    from fangkong.core import crypto
    from fangkong.core.validators import id_number_facts

    index, persons_wanted, seed, worker = args
    maker = _maker(seed, worker)
    rnd = maker.random
    households, persons = [], []
    made = 0
    while made < persons_wanted:
        grid = rnd.randrange(len(_GRIDS))
        _area_id, path, village, grid_number = _GRIDS[grid]
        county = path.split(".")[1]
        address = f"{village}{grid_number}组{rnd.randint(1, 300)}号"
        size = min(rnd.choices(maker.size_values, maker.size_weights)[0], persons_wanted - made)
        households.append((grid, address, maker.phone()))
        surname = None
        for member in range(size):
            name = maker.name()
            if member and surname and rnd.random() < 0.6:
                name = surname + name[1:]  # most members share the head's surname
            surname = surname or name[0]
            try:
                pinyin, initials = maker.pinyin_cache[name]
            except KeyError:
                pinyin, initials = maker.pinyin_cache[name] = maker.pinyin_of(name)
            number, _born = maker.id_number(county, maker.seen)
            sex, born = id_number_facts(number)
            floating = rnd.random() < FLOATING_SHARE
            persons.append(
                (
                    len(households) - 1,
                    name,
                    pinyin,
                    initials,
                    crypto.encrypt(number),
                    crypto.lookup_hash(number),
                    number[-4:],
                    crypto.mask_id_number(number),
                    sex,
                    born,
                    maker.phone() if rnd.random() < 0.9 else "",
                    "floating" if floating else "resident",
                )
            )
        made += size
    return index, households, persons


_MAKERS = {}


def _maker(seed, worker):
    if worker not in _MAKERS:
        maker = Maker(seed * 1000 + worker, worker)
        maker.seen = set()
        _MAKERS[worker] = maker
    return _MAKERS[worker]


def _worker_init(counter):
    with counter.get_lock():
        _WORKER_ID[0] = counter.value
        counter.value += 1


_WORKER_ID = [0]


def make_chunk_here(args):
    index, persons_wanted, seed, _worker = args
    return make_chunk((index, persons_wanted, seed, _WORKER_ID[0]))


# --- writing ---------------------------------------------------------------------------------


def prepare(url, drop):
    from django.core.management import call_command

    from fangkong.areas.demo import create_demo_grids
    from fangkong.areas.services import import_divisions

    started = time.perf_counter()
    if drop:
        create_database(url)
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    from fangkong.areas.models import Area

    if not Area.objects.exists():
        import_divisions(DIVISIONS.read_bytes())
        create_demo_grids()
    return migrated - started, time.perf_counter() - migrated


def load_grids():
    from fangkong.areas.models import Area

    grids = Area.objects.filter(level=Area.Level.GRID, is_special=False).select_related("parent").order_by("path")
    return [(g.pk, g.path, g.parent.short_name or g.parent.name, int(g.code[-3:])) for g in grids]


def write_chunk(households, persons, timings):
    from django.db import transaction
    from django.utils import timezone

    from fangkong.core import bulk
    from fangkong.people.models import Household, Person

    started = time.perf_counter()
    now = timezone.now()
    household_objects = []
    for grid, address, phone in households:
        area_id, path, _village, _number = _GRIDS[grid]
        household_objects.append(
            Household(area_id=area_id, area_path=path, address=address, phone=phone, created=now, last_updated=now)
        )
    person_objects = []
    for hh, name, pinyin, initials, encrypted, digest, last4, masked, sex, born, phone, residency in persons:
        household = household_objects[hh]
        person_objects.append(
            Person(
                area_id=household.area_id,
                area_path=household.area_path,
                household=household,
                name=name,
                pinyin=pinyin,
                initials=initials,
                id_number_encrypted=encrypted,
                id_number_hash=digest,
                id_last4=last4,
                id_number_masked=masked,
                sex=sex,
                birth_date=born,
                phone=phone,
                residency=residency,
                address=household.address,
                created=now,
                last_updated=now,
            )
        )
    built = time.perf_counter()
    with transaction.atomic():
        bulk.insert(household_objects)
        for person in person_objects:
            person.household_id = person.household.pk  # the insert set the households' keys
        bulk.insert(person_objects)
    timings["build_s"] += built - started
    timings["insert_s"] += time.perf_counter() - built


def load_average():
    return os.getloadavg()[0]


def main():
    args = parse_args()
    url = args.database_url
    use_database(url)
    import django

    django.setup()
    from django.db import connection, connections

    global _WORKERS
    report = {"persons": args.persons, "workers": args.workers, "database": connection.vendor, "load": []}
    total_started = time.perf_counter()
    report["migrate_s"], report["areas_s"] = prepare(url, not args.no_drop)
    _GRIDS.extend(load_grids())
    report["grids"] = len(_GRIDS)
    chunks = [
        (index, min(BATCH, args.persons - start), args.seed, 0)
        for index, start in enumerate(range(0, args.persons, BATCH))
    ]
    timings = {"build_s": 0.0, "insert_s": 0.0}
    households = persons = 0
    started = time.perf_counter()
    report["load"].append(load_average())
    if args.workers:
        _WORKERS = args.workers
        connections.close_all()  # never share a connection with forked workers
        counter = multiprocessing.Value("i", 0)
        context = multiprocessing.get_context("fork")
        pool = context.Pool(args.workers, initializer=_worker_init, initargs=(counter,))
        results = pool.imap(make_chunk_here, chunks)
    else:
        pool = None
        results = map(make_chunk, chunks)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")  # a bulk load: losing the last batch on a crash is fine
    try:
        for index, chunk_households, chunk_persons in results:
            write_chunk(chunk_households, chunk_persons, timings)
            households += len(chunk_households)
            persons += len(chunk_persons)
            if index % 40 == 39:
                elapsed = time.perf_counter() - started
                report["load"].append(load_average())
                print(
                    f"{persons:>9,} persons {households:>8,} households {elapsed:7.1f} s"
                    f" {persons / elapsed:8,.0f} persons/s  load {report['load'][-1]:.2f}",
                    flush=True,
                )
    finally:
        if pool:
            pool.close()
            pool.join()
    report["generate_s"] = time.perf_counter() - started
    if args.episodes:
        import observation

        report["observation"] = observation.generate(args.episodes, args.check_days, args.cases, args.seed)
    # The households were written by COPY, which sends no signals: their figures' tallies are made here.
    tallies_started = time.perf_counter()
    from fangkong.people import tallies

    tallies.rebuild()
    report["tallies_s"] = time.perf_counter() - tallies_started
    analyze_started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE)")  # areas too: without their statistics the planner seq-scans them
        else:
            cursor.execute("ANALYZE")
    report["analyze_s"] = time.perf_counter() - analyze_started
    report["total_s"] = time.perf_counter() - total_started
    report.update(timings)
    report["households"] = households
    report["persons_made"] = persons
    report["persons_per_s"] = persons / report["generate_s"]
    report["load"].append(load_average())
    report["machine"] = {"python": platform.python_version(), "nproc": os.cpu_count()}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version(), pg_size_pretty(pg_total_relation_size('people_person'))")
            report["machine"]["postgresql"], report["person_table_size"] = cursor.fetchone()
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
