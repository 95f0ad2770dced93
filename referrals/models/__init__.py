"""Models of the referrals app: consultations of the communes and the mayors' mailbox."""

from referrals.models.mailbox import MailboxAttachment, MailboxMessage, MailboxThread, Theme
from referrals.models.referrals import Opinion, Referral, ReferralDocument

__all__ = [
    "MailboxAttachment",
    "MailboxMessage",
    "MailboxThread",
    "Opinion",
    "Referral",
    "ReferralDocument",
    "Theme",
]
