"""What the HTTP benchmarks share: the product served by gunicorn beside the minimal insert view,
and wrk driving it (bench/write_path.py, bench/checks.py).

gunicorn runs the product's WSGI module (fangkong/wsgi.py, as docs/operations.md deploys it: warmed up before
its first request) in ``workers`` sync workers on 127.0.0.1 with the product's settings plus one bench-only
URL (bench/write_path_settings.py, bench/write_path_urls.py): /bench/insert/, a plain Django view
that inserts one row and answers JSON, through the same middleware; CONN_MAX_AGE=60, DEBUG off.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tree import ROOT

BENCH = Path(__file__).resolve().parent
SETTINGS = "write_path_settings"
MINIMAL = "/bench/insert/"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def require_wrk():
    if shutil.which("wrk") is None:
        sys.exit("needs wrk on the PATH (Debian: apt-get install -y wrk)")


def create_minimal_table():
    """The minimal view's table (bench-only, never migrated)."""
    from django.db import connection
    from write_path_urls import BenchRow

    with connection.schema_editor() as editor:
        editor.create_model(BenchRow)


def start_gunicorn(port, workers, environment=None, timeout=60, probe="ping"):
    """gunicorn in a session of its own (``stop``/``kill`` end the master and its workers), once it
    answers /bench/ping/, or with ``probe="connect"`` once it accepts connections (its socket is bound
    before its workers boot; requests queue meanwhile: a ping behind a crowd of clients may wait long)."""
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "fangkong.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--log-level", "warning",
    ]  # fmt: skip
    env = {
        **os.environ,
        **(environment or {}),
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": f"{BENCH}:{ROOT}",
        "CONN_MAX_AGE": "60",
    }
    server = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if probe == "connect":
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
            else:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/ping/", timeout=2)
            return server
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s")


def kill(server, sig):
    """Send ``sig`` to the master and its workers (their own process group) and wait for the master."""
    os.killpg(server.pid, sig)
    server.wait(timeout=30)


def stop(server):
    kill(server, signal.SIGTERM)


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(port, script, path, duration, connections=8, arguments=()):
    """One wrk measurement of ``path`` with the Lua ``script`` (``arguments`` reach its ``init``):
    requests/s, p50 and p99 in ms, and the 1-minute load average at its end. Any non-2xx answer or
    socket error stops the benchmark."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    command += ["-s", str(script), f"http://127.0.0.1:{port}{path}", "--", *arguments]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output or "Socket errors" in output or "Latency Distribution" not in output:
        sys.exit(f"wrk saw failed requests on {path}:\n{output}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))  # "1.07s " ends in a space
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": round(milliseconds(latency["50"]), 2),
        "p99_ms": round(milliseconds(latency["99"]), 2),
        "load": round(os.getloadavg()[0], 2),
    }


def alternate(measure, endpoints, rounds, subject):
    """``rounds`` measurements of each endpoint, alternating (``measure(path)``), each round with the
    ratio of ``subject``'s requests/s to the minimal view's; printed as they come."""
    results = []
    for _ in range(rounds):
        measured = {name: measure(path) for name, path in endpoints.items()}
        measured["ratio"] = round(measured[subject]["requests_per_s"] / measured["minimal"]["requests_per_s"], 3)
        results.append(measured)
        print(json.dumps(measured), flush=True)
    return results
