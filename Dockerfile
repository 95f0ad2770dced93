# Interco — production image: gunicorn + whitenoise; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings

# WeasyPrint renders PDFs through Pango; DejaVu gives it fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 interco \
    && useradd --system --uid 1000 --gid interco --home-dir /app --shell /usr/sbin/nologin interco

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them (the project itself has
# no installable package: the code runs from /app).
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Static files are collected and compressed at build time (whitenoise serves them). The key below
# only lets the settings load for this step; the real SECRET_KEY comes from the environment.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret DEBUG=0 python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown -R interco:interco /app/var

USER interco
EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "--config", "config/gunicorn.conf.py"]
