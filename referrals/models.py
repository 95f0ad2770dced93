"""Models of the referrals app, defined in its feature packages: the consultations of the communes
(consultation/) and the mayors' mailbox (mailbox/). Django loads an app's models from here."""

from referrals.consultation.models import Opinion, Referral, ReferralDocument
from referrals.mailbox.models import MailboxAttachment, MailboxMessage, MailboxThread, Theme

__all__ = [
    "MailboxAttachment",
    "MailboxMessage",
    "MailboxThread",
    "Opinion",
    "Referral",
    "ReferralDocument",
    "Theme",
]
