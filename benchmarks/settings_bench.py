"""Settings for the benchmarks: production settings (DEBUG off, cached templates, manifest static
files) on the database of DATABASE_URL, plus the "floor" page of benchmarks/floor_urls.py.

Production URLs stay untouched: the floor route exists only under this settings module.
Every benchmark script and the gunicorn it measures use this module, so a session cookie
made by one is valid for the other (same SECRET_KEY).
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-in-production-4f9c2a7e1b8d")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain HTTP on loopback
os.environ.setdefault("LOG_LEVEL", "WARNING")

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.floor_urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "benchmarks" / "templates"]  # noqa: F405
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/interco-bench/static")
