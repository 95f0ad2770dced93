"""Queries per page, to compare across data sizes: run it against databases generated at two
scales (same seed) after benchmarks/setup_bench.py; the counts must be equal.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interco_bench_01 \
        .venv/bin/python benchmarks/query_counts.py
"""

from __future__ import annotations

import json
import sys
import time

from bootstrap import OUT, setup

setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    targets = json.loads((OUT / "targets.json").read_text())
    db = settings.DATABASES["default"]["NAME"]
    results = {}
    for page in targets["pages"]:
        client = Client()  # anonymous unless the page's persona has a session cookie
        if page["cookie"]:
            name, value = page["cookie"].split("=", 1)
            client.cookies[name] = value
        client.get(page["url"])  # warm caches (templates, content types)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(page["url"])
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            sys.exit(f"{page['name']}: HTTP {response.status_code}")
        results[page["name"]] = len(queries)
        print(f"{page['name']:<12} {len(queries):>3} requêtes  {elapsed * 1000:7.1f} ms")
        if "-v" in sys.argv:
            for q in queries.captured_queries:
                print("    ", q["sql"][:160])
    (OUT / f"queries-{db}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
