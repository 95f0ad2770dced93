"""Who may see and do what with consultations and the mayors' mailbox.

Scope: views reach objects only through these querysets, so what lies outside one's scope is a
404, and a forbidden action inside it a 403 (governance/perms.py for the same rule).

- EPCI staff (secretariat, agents) see every referral of their EPCI and every commune's line;
  only the secretariat opens, sends, closes, records receipts and late deliberations.
- A DGS (for user.commune) or a mayor (current MAYOR mandate of their person) sees the referrals
  sent to their commune and only their commune's line; other communes' answers become visible
  once the referral is closed.
- Mailbox: elected officials write and see their own threads; EPCI staff see all threads of the
  EPCI; the secretariat assigns, answers and closes.
"""

from __future__ import annotations

from django.db.models import QuerySet

from governance.models import Mandate, User
from governance.perms import (
    acting_commune_id,
    can_create_in_own_epci,
    can_manage_epci,
    in_scope,
    is_epci_staff,
    is_secretariat,
)
from referrals.models import MailboxThread, Opinion, Referral


def answering_commune_ids(user) -> frozenset[int]:
    """The communes a user answers consultations for: a DGS's commune, or a mayor's commune.
    Cached on the user object for the request (one query at most for a mayor)."""
    cached = getattr(user, "_referral_commune_ids", None)
    if cached is not None:
        return cached
    ids: set[int] = set()
    if user.is_authenticated:
        dgs_commune = acting_commune_id(user)
        if dgs_commune is not None:
            ids.add(dgs_commune)
        elif user.person_id and user.role == User.Role.ELECTED:
            ids.update(
                Mandate.objects.current()
                .filter(person_id=user.person_id, kind=Mandate.Kind.MAYOR, commune__isnull=False)
                .values_list("commune_id", flat=True)
            )
    user._referral_commune_ids = frozenset(ids)
    return user._referral_commune_ids


def referrals_for(user) -> QuerySet[Referral]:
    if user.is_superuser:
        return Referral.objects.all()
    if not user.is_authenticated or not user.epci_id:
        return Referral.objects.none()
    referrals = Referral.objects.for_epci(user.epci_id)
    if is_epci_staff(user):
        return referrals
    communes = answering_commune_ids(user)
    if not communes:
        return Referral.objects.none()
    consulted = Opinion.objects.filter(commune_id__in=communes).values("referral_id")
    return referrals.exclude(status=Referral.Status.DRAFT).filter(pk__in=consulted)


def opinions_for(user, referral: Referral) -> QuerySet[Opinion]:
    """The commune lines of `referral` the user may open."""
    opinions = referral.opinions.all()
    if user.is_superuser or is_epci_staff(user):
        return opinions
    return opinions.filter(commune_id__in=answering_commune_ids(user))


def can_manage(user) -> bool:
    return is_secretariat(user)


# Writes, asked by the services through governance.perms.ensure (actor None: the system).


def can_create_referral(user) -> bool:
    """A new consultation goes into the account's EPCI."""
    return can_create_in_own_epci(user)


def can_manage_referral(user, referral: Referral) -> bool:
    """Send, close, add documents and questions, record receipts and late deliberations."""
    return can_manage_epci(user, referral.epci_id)


def can_see_dashboard(user, referral: Referral) -> bool:
    """The full results: EPCI staff always; the consulted communes once it is closed."""
    return user.is_superuser or is_epci_staff(user) or referral.status == Referral.Status.CLOSED


def can_answer(user, opinion: Opinion) -> bool:
    return opinion.commune_id in answering_commune_ids(user)


def threads_for(user) -> QuerySet[MailboxThread]:
    if user.is_superuser:
        return MailboxThread.objects.all()
    if not user.is_authenticated or not user.epci_id:
        return MailboxThread.objects.none()
    threads = MailboxThread.objects.for_epci(user.epci_id)
    return threads if is_epci_staff(user) else threads.filter(author=user)


def can_write_to_mailbox(user) -> bool:
    return user.is_authenticated and user.role == User.Role.ELECTED and bool(user.epci_id)


def can_handle_thread(user, thread: MailboxThread | None = None) -> bool:
    """The secretariat assigns, answers and closes the threads of its EPCI."""
    return is_secretariat(user) and (thread is None or in_scope(user, thread.epci_id))


def can_reply_to_thread(user, thread: MailboxThread) -> bool:
    """The author of the thread, or the secretariat of its EPCI."""
    return thread.author_id == user.pk or can_handle_thread(user, thread)
