"""Mail to the consulted communes, through the outbox (core.services.queue_emails): one row per
message with a unique dedup key, sent by id after commit, so each goes out once."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from core.notifications import Notification
from core.services import queue_emails
from referrals.consultation.selectors import commune_recipients
from referrals.models import Opinion, Referral


def opinion_url(opinion: Opinion) -> str:
    return settings.SITE_URL + reverse(
        "referrals:opinion_detail",
        kwargs={"pk": opinion.referral_id, "insee_code": opinion.commune.insee_code},
    )


TRANSMISSION = Notification(
    category="referral",
    subject="Saisine de l'EPCI : {{ referral.subject }}",
    text="email/referrals/transmission.txt",
)
REMINDER = Notification(
    category="referral_reminder",
    subject="Relance : saisine « {{ referral.subject }} » — échéance le "
    '{{ opinion.deadline_effective|date:"d/m/Y" }}',
    text="email/referrals/reminder.txt",
)


def queue_transmission(*, referral: Referral) -> None:
    opinions = list(referral.opinions.select_related("commune").order_by("pk"))
    recipients = commune_recipients([o.commune_id for o in opinions])
    emails = []
    for opinion in opinions:
        for user in recipients.get(opinion.commune_id, []):
            context = {"referral": referral, "opinion": opinion, "link": opinion_url(opinion)}
            emails.append(
                TRANSMISSION.email(
                    dedup_key=f"referral:{referral.pk}:sent:{opinion.commune_id}:{user.pk}",
                    to_email=user.email,
                    to_name=user.get_full_name(),
                    context=context,
                )
            )
    queue_emails(emails=emails)
