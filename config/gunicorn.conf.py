"""gunicorn settings of the web container (Dockerfile, docker-compose.yml).

Workers: two synchronous workers per core by default. A page is mostly CPU (template rendering)
and waits on PostgreSQL well under a millisecond per query, so a second process per core keeps
the cores busy during those waits; more only adds context switches (benchmarks/README.md: 4
workers served 122 requests/s on 2 cores where 5 served 100 and 8 served 97). WEB_CONCURRENCY
sets another number.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
# Behind the reverse proxy: a slow client never holds a worker for long.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"
# Convocation links and private feeds carry their credential in the path: masked in the log.
logger_class = "config.gunicorn_logging.RedactingLogger"
