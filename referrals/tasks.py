"""Celery tasks of the referrals app: thin, ids in, safe to run twice. The periodic ones are
declared in config/settings.py (CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from referrals import sweeps, synthesis


@shared_task
def record_tacit_opinions() -> int:
    """Beat: tacit opinions at the deadline, then closing of the consultations that are over."""
    recorded = sweeps.record_tacit_opinions()
    sweeps.close_due_referrals()
    return recorded


@shared_task
def send_referral_reminders() -> int:
    """Beat: reminders before the deadline, each sent once."""
    return sweeps.send_due_reminders()


@shared_task(bind=True, max_retries=3, retry_backoff=30, acks_late=True)
def build_synthesis(self, referral_id: int) -> str:
    """Render the synthesis PDF of a referral into its stored file, if it is out of date."""
    return synthesis.build_synthesis(referral_id=referral_id)
