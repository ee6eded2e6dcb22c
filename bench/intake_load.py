"""Intake under load: N reports from C concurrent clients through the public API of the
served app, then every receipt must open its own report.

    .venv/bin/python bench/intake_load.py [--reports 2000] [--clients 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kintrace .venv/bin/python bench/intake_load.py

Starts `kintrace serve` on a free loopback port with a temporary KINTRACE_DATA_DIR (SQLite
in WAL mode), or, with DATABASE_URL, with a fresh scratch database next to the one named
(dropped afterwards). Prints throughput and latency percentiles for both phases; exits 1 if
any report was lost or any receipt opened the wrong report.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.intake.served import create_first_admin, scratch_postgres, served_app


class Client(threading.local):
    """One keep-alive connection per client thread."""

    def __init__(self, host: str, port: int):
        self.conn = http.client.HTTPConnection(host, port, timeout=120)

    def request(self, method: str, path: str, body=None, headers=None):
        t = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers or {})
        response = self.conn.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - t


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def phase(name: str, jobs, clients: int, work):
    latencies: list[float] = []
    failures: list[str] = []
    results = {}
    lock = threading.Lock()

    def one(job):
        ok, detail, latency, value = work(job)
        with lock:
            latencies.append(latency)
            if ok:
                results[job] = value
            else:
                failures.append(f"{job}: {detail}")

    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, jobs))
    wall = time.perf_counter() - t
    ms = [x * 1000 for x in latencies]
    print(
        f"{name}: {len(jobs)} requests, {clients} clients, {wall:.1f} s, "
        f"{len(jobs) / wall:.1f}/s, p50 {statistics.median(ms):.0f} ms, "
        f"p95 {percentile(ms, 95):.0f} ms, max {max(ms):.0f} ms, failures {len(failures)}"
    )
    for f in failures[:5]:
        print("  ", f)
    return results, failures


def run(url: str, reports: int, clients: int) -> int:
    host, port = url.split("//")[1].split(":")
    client = Client(host, int(port))

    def submit(i):
        body = json.dumps(
            {
                "subject": {"name": f"Нагрузка Тест {i}", "birth_date": "1985"},
                "reporter": {"contact": f"+7 900 {i:07d}"},
                "message": f"load-test report {i}",
            }
        )
        status, data, latency = client.request(
            "POST", "/api/v1/reports", body, {"Content-Type": "application/json"}
        )
        if status != 201:
            return False, f"HTTP {status} {data[:200]!r}", latency, None
        return True, "", latency, json.loads(data)["receipt"]

    receipts, lost = phase("submit", list(range(reports)), clients, submit)

    def check(i):
        # Word receipts are UTF-8: percent-encoded, as an ASCII-only HTTP client sends them.
        status, data, latency = client.request(
            "GET", "/api/v1/reports/inbox", headers={"X-Receipt": quote(receipts[i])}
        )
        if status != 200:
            return False, f"HTTP {status}", latency, None
        if json.loads(data)["message"] != f"load-test report {i}":
            return False, "opened another report", latency, None
        return True, "", latency, None

    _opened, wrong = phase("inbox", sorted(receipts), clients, check)
    ok = not lost and not wrong and len(receipts) == reports
    print("every receipt opens its own report" if ok else "LOST OR WRONG REPORTS")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="kintrace-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        if base_url:
            with scratch_postgres(base_url) as (url, name):
                print(f"database: PostgreSQL (scratch database {name})")
                with served_app(
                    data_dir, database_url=url, threads=args.threads, setup=create_first_admin
                ) as app:
                    return run(app.url, args.reports, args.clients)
        print("database: SQLite (WAL) in a temporary data directory")
        with served_app(data_dir, threads=args.threads, setup=create_first_admin) as app:
            return run(app.url, args.reports, args.clients)


if __name__ == "__main__":
    sys.exit(main())
