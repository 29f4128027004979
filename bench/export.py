"""Export at city scale: filtered person rows to CSV and xlsx through fangkong.core.exports.

    .venv/bin/python bench/generate.py                 # first: 2 million persons in fangkong_bench_people
    .venv/bin/python bench/export.py --rows 100000 1000000 --json var/bench/export.json

Each (format, rows) runs in a fresh process, so its peak RSS (VmHWM) is its own. The rows are the
person list's export for a city commander filtered by ``?area=6110`` (PersonFilterSet, the list
view's own filter), cut at the N-th person by key, through ``export_response`` with PersonTable —
the same call ``ObjectListView`` makes for ``?export=csv|xlsx``. The file is read to the end as a
client would and written to var/bench/ (then deleted): wall time is until the last byte.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import DEFAULT_URL  # noqa: E402
from tree import BENCH_DIR, use_database  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="(default: %(default)s)")
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"], choices=["csv", "xlsx"])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one", nargs=2, metavar=("FORMAT", "ROWS"), help=argparse.SUPPRESS)
    return parser.parse_args()


def memory_kib():
    """(current RSS, peak RSS) of this process in KiB, from /proc/self/status."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


def run_one(fmt, rows):
    import django

    django.setup()
    from django.http import QueryDict
    from django.test import RequestFactory

    from fangkong.accounts.models import Membership, User
    from fangkong.areas.models import Area
    from fangkong.core import person_status
    from fangkong.core.exports import export_response
    from fangkong.core.roles import Role
    from fangkong.people.filters import PersonFilterSet
    from fangkong.people.models import Person
    from fangkong.people.tables import PersonTable

    user, created = User.objects.get_or_create(username="bench_city_commander")
    if created:
        Membership.objects.create(user=user, area=Area.objects.get(code="6110"), role=Role.COMMANDER)
    user.forget_memberships()
    request = RequestFactory().get("/people/", {"area": "6110", "export": fmt})
    request.user = user
    # As the list view reads them: with the derived status's subqueries (core.person_status).
    queryset = person_status.annotate(
        Person.objects.restrict(user).select_related("area__parent").prefetch_related("tags")
    )
    filterset = PersonFilterSet(QueryDict("area=6110"), queryset=queryset, request=request)
    assert filterset.is_valid()
    filtered = filterset.qs
    cutoff = filtered.order_by("pk").values_list("pk", flat=True)[rows - 1]
    filtered = filtered.filter(pk__lte=cutoff)
    rss_before, peak_before = memory_kib()
    load_before = os.getloadavg()[0]
    target = BENCH_DIR / f"export-{os.getpid()}.{fmt}"
    started, started_cpu = time.perf_counter(), time.process_time()
    response = export_response(filtered, PersonTable, "person", fmt)
    first_byte = None
    size = 0
    with target.open("wb") as out:
        for part in response:
            if first_byte is None:
                first_byte = time.perf_counter() - started
            data = part.encode() if isinstance(part, str) else part
            size += len(data)
            out.write(data)
    response.close()
    wall = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    rss_after, peak = memory_kib()
    lines = None
    if fmt == "csv":
        with target.open("rb") as data:
            lines = sum(1 for _ in data) - 1
    target.unlink()
    return {
        "format": fmt,
        "rows": rows,
        "csv_data_lines": lines,
        "wall_s": round(wall, 1),
        "first_byte_s": round(first_byte or 0, 2),
        "rows_per_s": round(rows / wall),
        "cpu_s": round(cpu, 1),
        "cpu_ms_per_row": round(cpu * 1000 / rows, 3),
        "bytes": size,
        "rss_before_mib": round(rss_before / 1024, 1),
        "peak_rss_before_mib": round(peak_before / 1024, 1),
        "peak_rss_mib": round(peak / 1024, 1),
        "rss_after_mib": round(rss_after / 1024, 1),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def main():
    args = parse_args()
    url = args.database_url
    use_database(url)
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results = []
    for rows in args.rows:
        for fmt in args.formats:
            command = [sys.executable, __file__, "--database-url", url, "--one", fmt, str(rows)]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            result = json.loads(output.strip().splitlines()[-1])
            results.append(result)
            print(json.dumps(result), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
