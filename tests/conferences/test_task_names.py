"""Celery finds a task by the name it was queued under: the beat schedule and the messages
already in the broker name them, so moving a task's module must not rename it."""

from django.conf import settings

from config.celery import app

STABLE_NAMES = {
    "conferences.tasks.send_due_reminders",
    "conferences.tasks_minutes.publish_document",
    "conferences.tasks_minutes.distribute_publication",
    "conferences.tasks_pdf.render_session_document",
    "conferences.publication.tasks.catch_up_publications",
}


def test_the_conferences_tasks_keep_the_names_they_are_queued_under():
    app.loader.import_default_modules()
    registered = {name for name in app.tasks if name.startswith("conferences.")}
    assert registered == STABLE_NAMES


def test_every_periodic_task_is_registered():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - set(app.tasks) == set()
