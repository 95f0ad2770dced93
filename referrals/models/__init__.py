"""Models of the referrals app: consultations of the communes, the reusable questionnaire engine,
and the mayors' mailbox."""

from referrals.models.mailbox import MailboxAttachment, MailboxMessage, MailboxThread, Theme
from referrals.models.questionnaires import Answer, Question, Questionnaire, Response
from referrals.models.referrals import Opinion, Referral, ReferralDocument

__all__ = [
    "Answer",
    "MailboxAttachment",
    "MailboxMessage",
    "MailboxThread",
    "Opinion",
    "Question",
    "Questionnaire",
    "Referral",
    "ReferralDocument",
    "Response",
    "Theme",
]
