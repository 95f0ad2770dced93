"""Settings read from the environment (config/env.py): the database URL's parsing."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_database


def test_postgresql_keeps_connections_and_reads_without_server_side_cursors(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://interco:secret@db.example:5432/interco")
    config = env_database("DATABASE_URL", "sqlite:///unused.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("interco", "db.example", 5432)
    assert config["CONN_MAX_AGE"] == 600 and config["CONN_HEALTH_CHECKS"] is True
    assert config["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_sqlite_is_the_default_and_keeps_no_connection(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env_database("DATABASE_URL", "sqlite:////tmp/interco.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["CONN_MAX_AGE"] == 0
    assert not config.get("DISABLE_SERVER_SIDE_CURSORS")


def test_an_unreadable_url_is_refused_with_its_name(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "nimportequoi://x")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", "sqlite:///unused.sqlite3")
