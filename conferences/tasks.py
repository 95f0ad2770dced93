"""The Celery tasks of the feature packages, imported here because Celery's autodiscovery looks
for ``conferences.tasks``. Each keeps the name it was first queued under."""

from conferences.convocations.tasks import send_due_reminders
from conferences.pdf.tasks import render_session_document
from conferences.publication.tasks import (
    catch_up_publications,
    distribute_publication,
    publish_document,
)

__all__ = [
    "catch_up_publications",
    "distribute_publication",
    "publish_document",
    "render_session_document",
    "send_due_reminders",
]
