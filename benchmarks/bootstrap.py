"""Django set-up shared by the benchmark scripts (run from the repository root)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("BENCH_OUT", "/tmp/interco-bench"))


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings_bench")
    import django

    django.setup()
    OUT.mkdir(parents=True, exist_ok=True)
