"""Celery finds an app's tasks in <app>.tasks (autodiscovery): this registers the features' own."""

from mutualisation.reports import tasks as reports

__all__ = ["reports"]
