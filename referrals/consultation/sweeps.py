"""The periodic writes of consultations, run by Celery beat (referrals/consultation/tasks.py):
tacit opinions at the deadline, reminders before it, closing once every deadline has passed.

Each is safe to run twice or concurrently: the tacit opinions come from one conditional UPDATE,
the reminders from outbox rows with a unique dedup key, the closing from a conditional UPDATE.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.db import transaction
from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from core.services import queue_emails
from governance.audit import audit_event, record_events
from referrals.consultation.notifications import REMINDER, opinion_url
from referrals.consultation.rules import Silence
from referrals.consultation.selectors import commune_recipients
from referrals.consultation.services import close_referral, mark_changed
from referrals.models import Opinion, Referral

# What a silence is deemed to be, as the verdict recorded on the line (docs/DOMAIN.md §5).
TACIT_VERDICTS = {
    Silence.FAVOURABLE: Opinion.Verdict.FAVOURABLE,
    Silence.NOTHING: Opinion.Verdict.NO_OPINION,
    Silence.NOT_APPROVED: Opinion.Verdict.NOT_APPROVED,
}


def _by_silence(mapping: dict[str, str]) -> Case:
    return Case(
        *(When(silence=silence, then=Value(value)) for silence, value in mapping.items()),
        output_field=CharField(),
    )


@transaction.atomic
def record_tacit_opinions(*, now: datetime | None = None) -> int:
    """Record a tacit opinion for every consulted commune that did not answer by 24:00 on its
    effective deadline, with the rule that produced it, once and only once.

    One set-based UPDATE of the lines still awaiting, with the conditions on the updated table
    itself (no join): a second or concurrent run finds no line still "awaiting" (PostgreSQL
    re-checks the WHERE on the row a concurrent run just changed), and (referral, commune) is
    unique, so a commune can never hold two opinions. The run's token then lets this run audit
    exactly the lines it changed.
    """
    now = now or timezone.now()
    run = uuid.uuid4()
    referral = Referral.objects.filter(pk=OuterRef("referral_id"))
    verdict = referral.annotate(v=_by_silence(TACIT_VERDICTS)).values("v")
    rule = referral.annotate(
        r=Concat(
            _by_silence(dict(Silence.choices)),
            Value(" ("),
            "reference",
            Value(") : aucune réponse dans le délai. "),
            output_field=CharField(),
        )
    ).values("r")
    changed = Opinion.objects.filter(
        state=Opinion.State.AWAITING,
        deadline_ends_at__lte=now,
        referral_id__in=Referral.objects.open().values("pk"),
    ).update(
        state=Opinion.State.TACIT,
        verdict=Subquery(verdict),
        tacit_rule=Concat(Subquery(rule), "deadline_rule", output_field=CharField()),
        tacit_at=now,
        tacit_run=run,
    )
    if not changed:
        return 0
    # One audit row per line changed, written in bulk: 10,000 due answers must not mean 10,000
    # INSERTs (benchmarks/README.md).
    recorded = (
        Opinion.objects.filter(tacit_run=run)
        .select_related("referral", "commune")
        .only("verdict", "tacit_rule", "referral__epci_id", "commune__insee_code")
        .order_by("pk")
    )
    referral_ids = set()
    events = []
    for opinion in recorded:
        event = audit_event(
            action="referral.tacit_opinion",
            target=opinion,
            commune=opinion.commune.insee_code,
            verdict=opinion.verdict,
            rule=opinion.tacit_rule,
        )
        event.epci_id = opinion.referral.epci_id
        events.append(event)
        referral_ids.add(opinion.referral_id)
    record_events(events)
    for referral_id in sorted(referral_ids):
        mark_changed(referral_id=referral_id)
    return changed


def close_due_referrals(*, now: datetime | None = None) -> int:
    """Close the open referrals where every commune has received it, every deadline has passed
    and none still awaits (run after the tacit sweep)."""
    now = now or timezone.now()
    still_running = Opinion.objects.filter(
        Q(deadline_ends_at__isnull=True)
        | Q(deadline_ends_at__gt=now)
        | Q(state=Opinion.State.AWAITING)
    ).values("referral_id")
    due = Referral.objects.open().exclude(pk__in=still_running)
    return sum(close_referral(actor=None, referral=r, now=now) for r in due.order_by("pk"))


def reminder_threshold(days_left: int, reminder_days: list[int]) -> int | None:
    """The reminder due when `days_left` days remain: the smallest configured day count not
    below it (a reminder missed because beat was down goes out late rather than never)."""
    due = [d for d in reminder_days if d >= days_left]
    return min(due) if due and days_left >= 0 else None


@transaction.atomic
def send_due_reminders(*, today: date | None = None) -> int:
    """Remind the communes that have not answered, at the configured days before their effective
    deadline (30, 15, 7, 1 by default). Each (referral, commune, threshold, recipient) has one
    outbox row: running this again sends nothing more. Returns the number of new messages."""
    today = today or timezone.localdate()
    opinions = list(
        Opinion.objects.awaiting()
        .filter(referral__status=Referral.Status.OPEN, deadline_effective__gte=today)
        .select_related("referral", "commune")
        .order_by("pk")
    )
    due = []
    for opinion in opinions:
        days_left = (opinion.deadline_effective - today).days
        threshold = reminder_threshold(days_left, opinion.referral.reminder_days)
        if threshold is not None:
            due.append((opinion, days_left, threshold))
    recipients = commune_recipients([o.commune_id for o, _, _ in due])
    emails = []
    for opinion, days_left, threshold in due:
        referral = opinion.referral
        context = {
            "referral": referral,
            "opinion": opinion,
            "days_left": days_left,
            "link": opinion_url(opinion),
        }
        for user in recipients.get(opinion.commune_id, []):
            emails.append(
                REMINDER.email(
                    dedup_key=(
                        f"referral:{referral.pk}:reminder:{opinion.commune_id}:{threshold}:"
                        f"{user.pk}"
                    ),
                    to_email=user.email,
                    to_name=user.get_full_name(),
                    context=context,
                )
            )
    return len(queue_emails(emails=emails))
