"""Celery finds an app's tasks in <app>.tasks (autodiscovery): this registers the features' own."""

from referrals.consultation import tasks as consultation

__all__ = ["consultation"]
