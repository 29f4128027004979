"""Arrival import benchmark: 100,000 rows of the arrival register from xlsx.

Generates (once, cached under var/bench/) an xlsx of valid arrivals spread over the real Shangluo
villages' demo grids, then times on a fresh benchmark database:

  (a) openpyxl alone reading the file in read-only mode: the floor any xlsx import stands on;
  (b) the full import through ArrivalImporter: preview (checks every row, writes nothing), then
      commit (checks again and writes persons, arrivals, key-person tags and the change log),
      then the same file again (every row unchanged);
  (c) PostgreSQL COPY of the same rows, as text, into a scratch table: the database's own floor;
  (d) with --as-job, the same file through the import page instead: the upload and the confirmation
      are requests that start background jobs (the in-process thread runner), timed apart from the
      jobs, which are timed from start to finish.

    .venv/bin/python bench/people_import.py                       # SQLite (var/bench/) and PostgreSQL
    .venv/bin/python bench/people_import.py --only sqlite --rows 10000
    OPENPYXL_LXML=False .venv/bin/python bench/people_import.py --only read   # (a) without lxml
    .venv/bin/python bench/people_import.py --only sqlite --only postgres --as-job  # (d)

SQLite runs in var/bench/people_import.sqlite3; PostgreSQL in fangkong_bench_import, created and
dropped by the benchmark (trust auth on 127.0.0.1:5432, or --postgres-url).
"""

import argparse
import csv
import datetime
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
NATIONAL = ROOT / "fangkong" / "areas" / "data" / "national_divisions.csv"
SHANGLUO = ROOT / "fangkong" / "areas" / "data" / "shangluo_divisions.csv"
SQLITE_URL = f"sqlite:///{BENCH_DIR / 'people_import.sqlite3'}"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/fangkong_bench_import"
HEADER = [
    *("姓名", "身份证号", "性别", "联系电话", "来源地", "途经地", "返回日期", "交通方式", "车次/航班/车牌号"),
    *("居住地址", "返回事由", "是否发热", "是否有咳嗽等症状", "14天内是否接触病例", "登记时间", "登记人", "网格代码"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅鹏飞玉兰志强海燕春花文博子涵浩然欣怡"
TRANSPORTS = ["火车", "飞机", "客车", "自驾", "其他"]
REASONS = ["春节返乡", "探亲", "务工返回", "学生放假", "其他"]
COUNTIES = ["611002", "611021", "611022", "611023", "611024", "611025", "611026"]

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", choices=["read", "sqlite", "postgres"], action="append")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--profile", action="store_true", help="print where the commit spends its time")
    parser.add_argument("--as-job", action="store_true", help="import through the page, as background jobs")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    return parser.parse_args()


# --- the file --------------------------------------------------------------------------------


def id_check(first17):
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def origins():
    """Counties outside Shangluo, as code or full name (both forms offices write); a tenth from Wuhan."""
    rows = list(csv.DictReader(NATIONAL.open(encoding="utf-8")))
    names = {row["code"]: row["name"] for row in rows}
    parents = {row["code"]: row["parent_code"] for row in rows}

    def full(code):
        chain = []
        while code:
            if names[code] not in ("市辖区", "县"):
                chain.insert(0, names[code])
            code = parents[code]
        return "".join(chain)

    counties = [row["code"] for row in rows if row["level"] == "county" and not row["code"].startswith("6110")]
    wuhan = [code for code in counties if code.startswith("4201")]
    return [(code, full(code)) for code in counties], [(code, full(code)) for code in wuhan]


def grid_codes():
    """The demo grids of the real villages (fangkong.areas.demo), computed from the division file."""
    codes = []
    for row in csv.DictReader(SHANGLUO.open(encoding="utf-8")):
        if row["level"] == "village" and row["code"][6] != "4":  # not under a "similar to town" unit
            codes.extend(f"{row['code']}{n:03d}" for n in range(1, 3 + int(row["code"]) % 4 + 1))
    return codes


def generate(path, count, grids):
    from openpyxl import Workbook

    rng = random.Random(2020)
    everywhere, wuhan = origins()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("返乡人员登记表")
    sheet.append(HEADER)
    used = set()
    for index in range(count):
        while True:
            born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20_000))
            first17 = f"{rng.choice(COUNTIES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
            if first17 not in used:
                used.add(first17)
                break
        code, full_name = rng.choice(wuhan if index % 10 == 0 else everywhere)
        arrived = datetime.date(2020, 1, 10) + datetime.timedelta(days=rng.randrange(40))
        sheet.append(
            [
                rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                first17 + id_check(first17),
                "男" if int(first17[16]) % 2 else "女",
                f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                code if index % 2 else full_name,
                "西安市" if index % 3 else "",
                arrived if index % 4 else arrived.strftime("%Y/%-m/%-d"),
                rng.choice(TRANSPORTS),
                f"K{rng.randrange(10000)}",
                f"{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号",
                rng.choice(REASONS),
                "是" if index % 97 == 0 else "否",
                "否",
                "是" if index % 53 == 0 else "否",
                arrived,
                "网格员",
                grids[index % len(grids)],
            ]
        )
    workbook.save(path)
    share_strings(path)


INLINE_STRING = re.compile(
    r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>'
)
SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def share_strings(path):
    """openpyxl writes every text cell inline; Excel and WPS write a shared-string table, and so
    reading their files is cheaper. Rewrite the file the way they would save it."""
    table = {}

    def shared(match):
        index = table.setdefault(match.group(3), len(table))
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{index}</v></c>'

    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = INLINE_STRING.sub(shared, parts[sheet].decode()).encode()
    items = "".join(f"<si><t>{text}</t></si>" for text in table)
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(table)}" uniqueCount="{len(table)}">{items}</sst>'
    ).encode()
    types = "[Content_Types].xml"
    parts[types] = parts[types].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST}"/></Types>'.encode()
    )
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(
        b"</Relationships>",
        f'<Relationship Type="{SST_REL}" Target="sharedStrings.xml" Id="rId99"/></Relationships>'.encode(),
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


# --- timings ---------------------------------------------------------------------------------


def read_floor(path):
    """Reading every row and nothing else: openpyxl's read-only mode, and calamine (what the import uses)."""
    from openpyxl import load_workbook
    from openpyxl.xml import LXML
    from python_calamine import CalamineWorkbook

    started, cpu = time.perf_counter(), time.process_time()
    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in workbook.active.iter_rows(values_only=True))
    workbook.close()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    report = {"lxml": LXML, "rows": rows - 1, "seconds": round(seconds, 2), "cpu_s": round(cpu, 2)}
    started, cpu = time.perf_counter(), time.process_time()
    workbook = CalamineWorkbook.from_path(str(path))
    rows = sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows())
    workbook.close()
    report["calamine_seconds"] = round(time.perf_counter() - started, 2)
    report["calamine_cpu_s"] = round(time.process_time() - cpu, 2)
    return report


def setup_database(url):
    import tree as tree_bench
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    tree_bench.create_database(url)
    call_command("migrate", verbosity=0, interactive=False)
    ContentType.objects.clear_cache()
    from fangkong.accounts.models import Membership, User
    from fangkong.areas.demo import create_demo_grids
    from fangkong.areas.models import Area, Division, RiskArea
    from fangkong.areas.services import import_divisions
    from fangkong.core.context import Source, change_context
    from fangkong.core.roles import Role

    with change_context(Source.COMMAND):
        import_divisions(SHANGLUO.read_bytes())
        create_demo_grids()
        RiskArea.objects.create(division=Division.objects.get(code="4201"), valid_from=datetime.date(2020, 1, 1))
    user = User.objects.create_user("city_commander")
    Membership.objects.create(user=user, area=Area.objects.get(code="6110"), role=Role.COMMANDER)
    user.forget_memberships()
    return user


def run_import(url, path, rows):
    import tree as tree_bench
    from django.db import connection, connections, reset_queries

    from fangkong.core.context import Source, change_context
    from fangkong.people.imports import ArrivalImporter
    from fangkong.people.models import Arrival, Person

    user = setup_database(url)
    results = {"database": tree_bench.versions()["database"]}
    with change_context(Source.WEB, user=user):
        started, cpu = time.perf_counter(), time.process_time()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            preview = profiler.runcall(ArrivalImporter(user).preview, path)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        else:
            preview = ArrivalImporter(user).preview(path)
        results["preview_s"] = round(time.perf_counter() - started, 2)
        results["preview_cpu_s"] = round(time.process_time() - cpu, 2)
        assert preview.errors == 0, [row.messages for row in preview.error_rows[:5]]
        started, cpu = time.perf_counter(), time.process_time()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            committed = profiler.runcall(ArrivalImporter(user).commit, path)
            order = os.environ.get("BENCH_SORT", "tottime")
            pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(30)
        else:
            committed = ArrivalImporter(user).commit(path)
        results["commit_s"] = round(time.perf_counter() - started, 2)
        results["commit_cpu_s"] = round(time.process_time() - cpu, 2)
        assert committed.created == rows and committed.errors == 0, committed.summary()
        started, cpu = time.perf_counter(), time.process_time()
        again = ArrivalImporter(user).commit(path)
        results["reimport_s"] = round(time.perf_counter() - started, 2)
        results["reimport_cpu_s"] = round(time.process_time() - cpu, 2)
        assert again.unchanged == rows, again.summary()
    reset_queries()
    results["persons"] = Person.objects.count()
    results["arrivals"] = Arrival.objects.count()
    results["flagged"] = Person.objects.filter(tags__isnull=False).distinct().count()
    results["rows_per_s_commit"] = round(rows / results["commit_s"])
    results["rows_per_s_preview_commit"] = round(rows / (results["preview_s"] + results["commit_s"]))
    connection.close()
    connections.close_all()
    return results


def wait_for(job, seconds=1800):
    from fangkong.core.models import Job

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in Job.FINISHED:
            assert job.status == Job.Status.DONE, job.error
            return round((job.finished - job.started).total_seconds(), 2)
        time.sleep(0.2)
    raise TimeoutError(f"job {job.pk} still {job.status}")


def run_import_as_job(url, path, rows):
    """(d): upload, then confirm, through the import page; each request returns with a job started."""
    import tree as tree_bench
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connections
    from django.test import Client

    from fangkong.people.models import Arrival

    user = setup_database(url)
    results = {"database": tree_bench.versions()["database"]}
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    page = "/people/arrivals/import/"
    started = time.perf_counter()
    response = client.post(page, {"file": SimpleUploadedFile(path.name, path.read_bytes())})
    results["upload_request_s"] = round(time.perf_counter() - started, 3)
    assert response.status_code == 302, response.status_code
    preview = user.jobs.get(kind="import-preview")
    cpu = time.process_time()  # the job's thread, nearly all of it: this one sleeps between looks
    results["preview_job_s"] = wait_for(preview)
    results["preview_job_cpu_s"] = round(time.process_time() - cpu, 2)
    token = preview.params["token"]
    started = time.perf_counter()
    response = client.post(page, {"token": token})
    results["confirm_request_s"] = round(time.perf_counter() - started, 3)
    commit = user.jobs.get(kind="import-commit")
    assert response["Location"] == commit.get_absolute_url()
    cpu = time.process_time()
    results["commit_job_s"] = wait_for(commit)
    results["commit_job_cpu_s"] = round(time.process_time() - cpu, 2)
    assert commit.result["summary"]["created"] == rows, commit.result["summary"]
    results["arrivals"] = Arrival.objects.count()
    results["rows_per_s_commit_job"] = round(rows / results["commit_job_s"])
    connections.close_all()
    return results


def postgres_copy(url, path):
    """The same rows, read once, written as text with COPY into a scratch table (timed: the COPY)."""
    import psycopg
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = workbook.active.iter_rows(values_only=True)
    next(rows)
    data = [tuple(None if cell is None else str(cell) for cell in row) for row in rows]
    workbook.close()
    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        conn.execute(f"CREATE TABLE bench_copy ({columns})")
        started, cpu = time.perf_counter(), time.process_time()
        with conn.cursor() as cursor, cursor.copy("COPY bench_copy FROM STDIN") as copy:
            for row in data:
                copy.write_row(row)
        conn.commit()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        count = conn.execute("SELECT count(*) FROM bench_copy").fetchone()[0]
        conn.execute("DROP TABLE bench_copy")
    return {
        "rows": count,
        "seconds": round(seconds, 2),
        "client_cpu_s": round(cpu, 2),
        "rows_per_s": round(count / seconds),
    }


def child(name, url, path, rows, as_job=False):
    """One database per process: Django's connection settings are fixed once it is set up."""
    os.environ["DATABASE_URL"] = url
    os.environ["JOBS_BACKEND"] = "thread"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    import tree as tree_bench

    report = {}
    try:
        if as_job:
            report[f"{name}_job"] = run_import_as_job(url, path, rows)
            return report
        report[name] = run_import(url, path, rows)
        if name == "postgres":
            report["copy"] = postgres_copy(url, path)
    finally:
        tree_bench.drop_database(url)
    return report


def main():
    args = parse_args()
    only = args.only or ["read", "sqlite", "postgres"]
    os.environ["DEBUG"] = "false"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"arrivals-{args.rows}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.rows, grid_codes())
        print(f"generated {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    if args.profile:
        os.environ["BENCH_PROFILE"] = "1"
    if args.child:
        url = SQLITE_URL if args.child == "sqlite" else args.postgres_url
        print(json.dumps(child(args.child, url, path, args.rows, args.as_job)))
        return
    report = {"rows": args.rows, "file_mb": round(path.stat().st_size / 1e6, 1)}
    if "read" in only:
        report["read"] = read_floor(path)
        print("(a) read alone:", report["read"], flush=True)
    for name in ("sqlite", "postgres"):
        if name in only:
            command = [sys.executable, __file__, "--child", name, "--rows", str(args.rows)]
            command += ["--postgres-url", args.postgres_url]
            if args.as_job:
                command.append("--as-job")
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            report.update(json.loads(output.strip().splitlines()[-1]))
            if args.as_job:
                print(f"(d) import as jobs on {name}:", report[f"{name}_job"], flush=True)
                continue
            print(f"(b) import on {name}:", report[name], flush=True)
            if "copy" in report and name == "postgres":
                print("(c) PostgreSQL COPY:", report["copy"], flush=True)
    report["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    print(json.dumps(report, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
