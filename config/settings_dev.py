"""Settings for a developer's bare `python manage.py …`: the normal settings with DEBUG on by
default, so that no SECRET_KEY is needed on a workstation. Production never uses this module:
the image and the WSGI/Celery entry points use config.settings (DEBUG off unless told)."""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: F403
