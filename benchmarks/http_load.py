"""HTTP load on the portal served by gunicorn, from a small threaded client on loopback only.

Starts gunicorn (benchmarks.settings_bench: DEBUG off, cached templates, the generated
PostgreSQL database of DATABASE_URL) on 127.0.0.1, measures each page of targets.json (made by
benchmarks/setup_bench.py) at 1, 8 and 32 concurrent clients, each level bounded in requests
and in time, then stops gunicorn. Reports p50/p95/p99 latency, throughput and errors per page
and level, and each page's median at 1 client as a ratio to the floor page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interco_bench \
        .venv/bin/python benchmarks/http_load.py [--workers 4] [--seconds 8]

Why 4 workers on 2 cores (2 × cores): a request here is mostly CPU (template rendering) and
waits on PostgreSQL well under a millisecond per query, so a second process per core is enough
to keep both cores busy during those waits. Measured on this 2-core machine at 8 clients:
3 workers 113 req/s, 4 workers 122 req/s, 8 workers 97 req/s on the session page (more
processes than that only add context switches; gunicorn's 2 × cores + 1 gave 100 req/s).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("BENCH_OUT", "/tmp/interco-bench"))
HOST = "127.0.0.1"  # loopback only
LEVELS = (1, 8, 32)
MAX_REQUESTS = {1: 300, 8: 1200, 32: 2400}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Client(threading.Thread):
    """One simulated user: requests the page again and again until the shared budget (requests
    or time) is spent; records each latency and any error."""

    def __init__(self, port, page, budget, deadline, results, lock):
        super().__init__(daemon=True)
        self.port, self.page, self.budget, self.deadline = port, page, budget, deadline
        self.results, self.lock = results, lock

    def run(self):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Cookie": self.page["cookie"], "Host": HOST}
        while time.monotonic() < self.deadline:
            with self.lock:
                if self.budget[0] <= 0:
                    break
                self.budget[0] -= 1
            started = time.perf_counter()
            try:
                conn.request("GET", self.page["url"], headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            elapsed = time.perf_counter() - started
            with self.lock:
                self.results.append((elapsed, ok))
        conn.close()


def measure(port: int, page: dict, clients: int, seconds: float) -> dict:
    results: list[tuple[float, bool]] = []
    lock = threading.Lock()
    budget = [MAX_REQUESTS[clients]]
    started = time.monotonic()
    threads = [Client(port, page, budget, started + seconds, results, lock) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    latencies = [elapsed * 1000 for elapsed, ok in results if ok]
    errors = sum(1 for _, ok in results if not ok)
    return {
        "page": page["name"],
        "clients": clients,
        "requests": len(results),
        "errors": errors,
        "throughput": round(len(results) / wall, 1),
        "p50": round(statistics.median(latencies), 1) if latencies else None,
        "p95": round(percentile(latencies, 95), 1) if latencies else None,
        "p99": round(percentile(latencies, 99), 1) if latencies else None,
    }


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings_bench"}
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--backlog",
            "256",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/comptes/login/", headers={"Host": HOST})
            conn.getresponse().read()
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit("gunicorn n'a pas démarré")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--pages", nargs="*", help="only these pages (the floor is always run)")
    args = parser.parse_args()
    targets = json.loads((OUT / "targets.json").read_text())
    pages = [
        p for p in targets["pages"] if not args.pages or p["name"] in {"plancher", *args.pages}
    ]
    gunicorn = start_gunicorn(args.port, args.workers)
    rows = []
    loads = [load_average()]
    try:
        for page in pages:  # warm every worker: imports, template cache, connections
            measure(args.port, page, 8, 2.0)
        for clients in LEVELS:
            for page in pages:
                row = measure(args.port, page, clients, args.seconds)
                rows.append(row)
                print(
                    f"{row['page']:<12} c={clients:<3} n={row['requests']:<5} "
                    f"err={row['errors']:<3} {row['throughput']:>7} req/s  "
                    f"p50={row['p50']} p95={row['p95']} p99={row['p99']} ms",
                    flush=True,
                )
            loads.append(load_average())
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    floor = next(r["p50"] for r in rows if r["page"] == "plancher" and r["clients"] == 1)
    for row in rows:
        if row["clients"] == 1 and row["p50"]:
            row["ratio_to_floor"] = round(row["p50"] / floor, 1)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "workers": args.workers,
        "seconds_per_level": args.seconds,
        "load_average": loads,
        "rows": rows,
    }
    (OUT / "http_load.json").write_text(json.dumps(report, indent=2))
    print(markdown(report))


def markdown(report: dict) -> str:
    lines = [
        "| Page | Clients | Requêtes | Erreurs | req/s | p50 (ms) | p95 (ms) | p99 (ms) "
        "| Médiane / plancher |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(report["rows"], key=lambda r: (r["page"] != "plancher", r["page"])):
        ratio = f"{r['ratio_to_floor']}×" if "ratio_to_floor" in r else ""
        lines.append(
            f"| {r['page']} | {r['clients']} | {r['requests']} | {r['errors']} | "
            f"{r['throughput']} | {r['p50']} | {r['p95']} | {r['p99']} | {ratio} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
