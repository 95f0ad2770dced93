"""Typed readers for settings taken from the environment.

Each helper fails loudly (``ImproperlyConfigured``) on a value it cannot read, so a typo in a
deployment stops the process at start-up instead of running with a silent default.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non", ""}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} n'est pas un booléen (attendu : 1/0, true/false)."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} n'est pas un entier.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    url = env_str(name, default)
    try:
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={url!r} n'est pas une URL de base de données.") from exc
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name}={url!r} : moteur de base de données inconnu.")
    if config["ENGINE"].endswith("postgresql"):
        # QuerySet.iterator() reads in one round trip instead of DECLARE/FETCH/CLOSE (the
        # <select> of every filter form), and transaction-mode poolers (pgbouncer) work. Long
        # reads page by keyset instead (governance/audit/selectors.py).
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    if config["ENGINE"].endswith("sqlite3"):
        # SQLite keeps no connection open between requests worth checking.
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
    return config


_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
}


def env_email(name: str, default: str = "console://") -> dict:
    """Read an ``EMAIL_URL`` such as ``smtp://user:pass@host:587?tls=1`` into Django settings."""
    url = env_str(name, default)
    parts = urlsplit(url)
    backend = _EMAIL_BACKENDS.get(parts.scheme)
    if backend is None:
        raise ImproperlyConfigured(
            f"{name}={url!r} : schéma inconnu (attendu : {', '.join(sorted(_EMAIL_BACKENDS))})."
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={url!r} : port invalide.") from exc
    settings = {"EMAIL_BACKEND": backend}
    if backend.endswith("smtp.EmailBackend"):
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name}={url!r} : hôte SMTP manquant.")
        use_ssl = parts.scheme == "smtps" or query.get("ssl") in _TRUE
        settings.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or (465 if use_ssl else 587 if parts.scheme == "submission" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=use_ssl,
            EMAIL_USE_TLS=(parts.scheme == "submission" or query.get("tls") in _TRUE),
            EMAIL_TIMEOUT=int(query.get("timeout", 20)),
        )
    return settings
