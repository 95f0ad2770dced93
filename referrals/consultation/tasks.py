"""Celery tasks of the consultations: thin, ids in, safe to run twice. The periodic ones are
declared in config/settings.py (CELERY_BEAT_SCHEDULE). Their names are those they had as
referrals.tasks: the beat schedule and messages already queued use them."""

from __future__ import annotations

from celery import shared_task

from referrals.consultation import sweeps, synthesis


@shared_task(name="referrals.tasks.record_tacit_opinions")
def record_tacit_opinions() -> int:
    """Beat: tacit opinions at the deadline, then closing of the consultations that are over."""
    recorded = sweeps.record_tacit_opinions()
    sweeps.close_due_referrals()
    return recorded


@shared_task(name="referrals.tasks.send_referral_reminders")
def send_referral_reminders() -> int:
    """Beat: reminders before the deadline, each sent once."""
    return sweeps.send_due_reminders()


@shared_task(
    name="referrals.tasks.build_synthesis",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=3,
    acks_late=True,
)
def build_synthesis(self, referral_id: int) -> str:
    """Render the synthesis PDF of a referral into its stored file, if it is out of date. A
    storage or network error (OSError) is transient: tried again, 30 s then 60 s then 120 s
    later; any other error is a bug and fails at once."""
    return synthesis.build_synthesis(referral_id=referral_id)
