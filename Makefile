# Interco — development commands.
#
#   make run    install (first time), migrate, load the demo data, serve http://127.0.0.1:8000
#   make test   install (first time), check system deps, lint, checks, the whole test suite
#
# The interpreter can be chosen: make run PYTHON=python3.12

PYTHON ?= python3
VENV ?= .venv
PYTEST_ARGS ?=

BIN := $(VENV)/bin
PY := $(BIN)/python
# Reinstall the project only when pyproject.toml is newer than this stamp.
STAMP := $(VENV)/.installed-stamp

# The embedded default: DEBUG, SQLite (db.sqlite3), eager Celery tasks, mail on the console.
RUN_ENV := env -u DATABASE_URL -u CELERY_BROKER_URL -u EMAIL_URL -u CACHE_URL \
	-u AWS_STORAGE_BUCKET_NAME -u ALLOWED_HOSTS -u SITE_URL \
	DJANGO_SETTINGS_MODULE=config.settings DEBUG=1

TEST_ENV := env DJANGO_SETTINGS_MODULE=config.settings_test

# Production-like environment for `manage.py check --deploy` (the key is a dummy, never used).
DEPLOY_ENV := env -u SECURE_SSL_REDIRECT -u SECURE_HSTS_SECONDS -u CSRF_TRUSTED_ORIGINS \
	DJANGO_SETTINGS_MODULE=config.settings DEBUG=0 ALLOWED_HOSTS=interco.example.org \
	SITE_URL=https://interco.example.org \
	SECRET_KEY=deploy-check-Kq7vT2mX9pL4rW8zN3bY6cH1fJ5gD0sA7eU2iO9kR4tV8wQ3xZ

PIP_INSTALL := $(PY) -m pip install --disable-pip-version-check --quiet

.DEFAULT_GOAL := help
# Steps run in the order written (quality before pytest), even under make -j.
.NOTPARALLEL:
.PHONY: help run totp test quality pytest check-deps browser-deps install clean

help:
	@echo "Interco"
	@echo "  make run           installe, migre, charge la démo et sert http://127.0.0.1:8000"
	@echo "  make test          vérifications (ruff, migrations, check --deploy) puis pytest"
	@echo "  make quality       les vérifications seules, sans pytest"
	@echo "  make pytest        la suite de tests seule (PYTEST_ARGS=\"-k convocation -x\")"
	@echo "  make totp          code TOTP courant des comptes de démonstration"
	@echo "  make browser-deps  installe Chromium (Debian, root) pour tests/browser"
	@echo "  make clean         supprime l'environnement virtuel et les caches"
	@echo "Interpréteur : PYTHON=$(PYTHON) (Python >= 3.11 ; ex. make run PYTHON=python3.12)"

# --- environment -------------------------------------------------------------------------

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
		echo "Interco a besoin de Python >= 3.11 : « $(PYTHON) » est introuvable." >&2; \
		echo "Indiquez l'interpréteur à utiliser, par exemple : make $(firstword $(MAKECMDGOALS) run) PYTHON=python3.12" >&2; \
		exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
		echo "Interco a besoin de Python >= 3.11 : « $(PYTHON) » est $$($(PYTHON) --version 2>&1)." >&2; \
		echo "Indiquez un autre interpréteur, par exemple : make $(firstword $(MAKECMDGOALS) run) PYTHON=python3.12" >&2; \
		exit 1; }
	@echo "==> Création de l'environnement virtuel $(VENV) ($$($(PYTHON) --version 2>&1))"
	@$(PYTHON) -m venv $(VENV) || { \
		rm -rf $(VENV); \
		echo "La création de l'environnement virtuel a échoué. Sur Debian/Ubuntu : sudo apt-get install python3-venv" >&2; \
		exit 1; }

$(STAMP): pyproject.toml | $(PY)
	@echo "==> Installation d'Interco et de ses dépendances (pip install -e \".[dev]\")"
	$(PIP_INSTALL) -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# --- run -----------------------------------------------------------------------------------

run: $(STAMP)
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_demo
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:8000

totp: $(STAMP)
	@$(RUN_ENV) $(PY) manage.py demo_totp

# --- tests ---------------------------------------------------------------------------------

test: quality pytest

check-deps: $(STAMP)
	@$(PY) scripts/check_system_deps.py

quality: check-deps
	@echo "==> ruff check"
	$(BIN)/ruff check .
	@echo "==> ruff format --check"
	$(BIN)/ruff format --check .
	@echo "==> couches : core <- governance <- questionnaires <- applications <- portal, demo"
	$(BIN)/lint-imports --no-cache
	@echo "==> migrations à jour"
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	@echo "==> manage.py check --deploy (environnement de production)"
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# pytest exits 5 when it collected no test: that is a failure here too.
pytest: check-deps
	@echo "==> pytest $(PYTEST_ARGS)"
	@$(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest n'a collecté aucun test : échec." >&2; fi; \
	exit $$status

# --- system dependencies -------------------------------------------------------------------

browser-deps:
	@if [ -x /usr/bin/chromium ]; then \
		echo "Chromium est déjà installé (/usr/bin/chromium)."; \
	elif [ -f /etc/debian_version ] && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "Installez Chromium de votre distribution, par exemple : sudo apt-get install chromium (Debian)." >&2; \
		echo "Les tests navigateur (tests/browser) pilotent /usr/bin/chromium avec Playwright." >&2; \
		exit 1; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles test-results var/test-media *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
