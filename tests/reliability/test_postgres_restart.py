"""PostgreSQL restarts under load: the portal recovers by itself, without being restarted.

A PRIVATE PostgreSQL cluster (initdb/pg_ctl of /usr/lib/postgresql/*/bin, run as the
"postgres" user when the tests run as root) is created on a free port in a temporary directory
and filled with a copy of the test database (pg_dump | psql). A real gunicorn (one sync worker:
one persistent connection, CONN_MAX_AGE=600 and CONN_HEALTH_CHECKS as in production) serves the
portal from it while a client keeps requesting a page that reads the database; the cluster is
restarted in the middle. Requests during the restart may fail; every request once the cluster
is back must succeed, from the same gunicorn worker. The system PostgreSQL is never touched.

Needs PostgreSQL binaries and a PostgreSQL test database (CI); about 15 s."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.conferences.factories import SessionFactory
from tests.factories import BodyFactory
from tests.reliability.conftest import ROOT, free_port, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

BIN = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)), None)


def _skip_reason() -> str | None:
    if connection.vendor != "postgresql":
        return "copie de la base de test par pg_dump : PostgreSQL seulement (la CI)"
    if BIN is None or not shutil.which("pg_dump"):
        return "binaires PostgreSQL absents (/usr/lib/postgresql/*/bin, pg_dump)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "root sans utilisateur « postgres » : initdb refuse de tourner en root"
        if not shutil.which("runuser"):
            return "root sans runuser : initdb refuse de tourner en root"
    return None


class PrivateCluster:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="interco-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)

    def _run(self, *args, timeout=60):
        command = [f"{BIN}/{args[0]}", *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)

    def init(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def pg_ctl(self, action):
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"),
            "-m", "fast", "-w", action,
        )  # fmt: skip

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/interco"

    def copy_test_database(self):
        db = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "--no-privileges", "-h", db["HOST"] or "127.0.0.1",
             "-p", str(db["PORT"] or 5432), "-U", db["USER"], db["NAME"]],
            capture_output=True, check=True, env=env, timeout=60,
        )  # fmt: skip
        psql = [f"{BIN}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q"]
        subprocess.run([*psql, "-c", "CREATE DATABASE interco"], check=True, timeout=30)
        subprocess.run(
            [*psql, "-d", "interco", "-v", "ON_ERROR_STOP=1"],
            input=dump.stdout,
            capture_output=True,
            check=True,
            timeout=60,
        )

    def destroy(self):
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.pg_ctl("stop")  # not started, or already gone
        shutil.rmtree(self.dir, ignore_errors=True)


def _get(url) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0  # connection refused or reset


def test_the_portal_recovers_from_a_postgres_restart_without_being_restarted(tmp_path):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    body = BodyFactory(name="Conseil communautaire", is_public=True)
    SessionFactory(body=body)  # committed (transaction=True): pg_dump sees it

    cluster = PrivateCluster()
    server = None
    try:
        cluster.init()
        cluster.pg_ctl("start")
        cluster.copy_test_database()
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "DATABASE_URL": cluster.url,
        }
        env.pop("CELERY_BROKER_URL", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-w", "1",
             "-b", f"127.0.0.1:{port}", "--timeout", "30", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=(tmp_path / "gunicorn.log").open("wb"),
        )  # fmt: skip
        # The iCalendar feed reads the body and its sessions: a page that needs the database.
        url = f"http://127.0.0.1:{port}/seances/flux/public/{body.pk}.ics"
        assert wait_for(lambda: _get(url) == 200, timeout=30, interval=0.2), (
            tmp_path / "gunicorn.log"
        ).read_text()[-2000:]

        log: list[tuple[float, int]] = []
        stop = threading.Event()

        def load():
            while not stop.is_set():
                log.append((time.monotonic(), _get(url)))
                time.sleep(0.02)

        client = threading.Thread(target=load)
        client.start()
        time.sleep(1)
        restart_began = time.monotonic()
        cluster.pg_ctl("restart")
        back = time.monotonic()
        time.sleep(3)
        stop.set()
        client.join(30)

        before = [status for at, status in log if at < restart_began]
        # Requests begun in the first second after the server is back may still meet its start-up
        # ("the database system is starting up") or a connection broken by the restart; from
        # then on every request must succeed, served by the same gunicorn.
        after = [status for at, status in log if at > back + 1.0]
        assert before and set(before) == {200}
        assert len(after) >= 10
        assert set(after) == {200}, f"après le redémarrage : {after}"
        assert server.poll() is None  # the same gunicorn, never restarted
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cluster.destroy()
