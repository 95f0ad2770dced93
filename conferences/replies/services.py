"""Answers to a convocation and proxies (pouvoirs).

- A member answers present, present by video, absent, or absent with a proxy to a named colleague
  of the same body, and may change the answer until the session starts; every answer is kept.
- L2121-20: a proxy is written, to another member of the body; a member holds **one** proxy at
  most; a proxy is valid for at most **three consecutive sessions**. No proxy where the body does
  not allow them.
- L5211-6: the suppléant of a single-seat commune receives the convocations and sits when the
  titular member is absent and has said so; they may answer too (never with a proxy).
  Who sits for each seat: conferences.sitting.selectors.who_sits().
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from conferences import perms
from conferences.models import Proxy, Reply, Session
from conferences.sitting.selectors import answering_membership, proxies_in_force, standing_proxies
from governance.audit import record_event
from governance.models import Membership, Person, User
from governance.perms import ensure

ONE_PROXY_MESSAGE = (
    "{holder} détient déjà un pouvoir pour cette séance : un membre ne peut en détenir qu'un "
    "seul (article L2121-20 du CGCT). Choisissez un autre collègue."
)


def reply_to_convocation(
    *,
    user: User,
    session: Session,
    answer: str,
    proxy_holder: Person | None = None,
    session_count: int = 1,
) -> Reply:
    """A member answers their own convocation."""
    if not user.is_authenticated or not user.person_id:
        raise PermissionDenied
    return _file_reply(
        actor=user,
        session=session,
        person=user.person,
        answer=answer,
        proxy_holder=proxy_holder,
        session_count=session_count,
    )


def record_reply(
    *,
    actor: User,
    session: Session,
    person: Person,
    answer: str,
    proxy_holder: Person | None = None,
    session_count: int = 1,
) -> Reply:
    """The secretariat records a member's answer on their behalf (a call, a letter)."""
    ensure(perms.can_manage_session, actor, session)
    return _file_reply(
        actor=actor,
        session=session,
        person=person,
        answer=answer,
        proxy_holder=proxy_holder,
        session_count=session_count,
    )


@transaction.atomic
def _file_reply(
    *,
    actor: User,
    session: Session,
    person: Person,
    answer: str,
    proxy_holder: Person | None,
    session_count: int,
) -> Reply:
    # Locking the session serialises the answers to it, so that two members cannot both give
    # their proxy to the same colleague at the same instant (the unique constraint
    # one_proxy_per_holder is the last line of defence, below).
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("body__epci")
        .get(pk=session.pk)
    )
    if not session.is_open_for_replies:
        raise ValidationError(
            "Les réponses à cette convocation sont closes : la séance a commencé ou n'est pas "
            "convoquée."
        )
    if answer not in Reply.Answer.values:
        raise ValidationError({"answer": "Choisissez une réponse."})
    membership = answering_membership(session, person.pk)
    if membership is None:
        raise ValidationError(
            "Seuls les membres en exercice de l'instance (et les suppléants) peuvent répondre "
            "à cette convocation."
        )

    previous = (
        Reply.objects.select_for_update(of=("self",))
        .filter(session=session, person=person, is_current=True)
        .select_related("proxy")
        .first()
    )
    if answer != Reply.Answer.PROXY:
        proxy_holder = None
    if (
        previous is not None
        and previous.answer == answer
        and previous.proxy_holder_id == (proxy_holder.pk if proxy_holder else None)
        and (
            previous.proxy is None
            or previous.proxy.first_session_id != session.pk
            or previous.proxy.session_count == session_count
        )
    ):
        return previous  # Same answer submitted twice: already recorded.

    proxy, created = None, False
    if answer == Reply.Answer.PROXY:
        proxy, created = _proxy_for(
            session=session,
            membership=membership,
            giver=person,
            holder=proxy_holder,
            session_count=session_count,
        )

    now = timezone.now()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
        _revoke_if_unused(previous=previous, keep=proxy, session=session, actor=actor, now=now)
    try:
        with transaction.atomic():
            reply = Reply.objects.create(
                session=session,
                person=person,
                answer=answer,
                proxy=proxy,
                proxy_holder=proxy_holder,
                is_current=True,
                answered_at=now,
                answered_by=actor,
            )
    except IntegrityError as exc:
        # Another answer was committed between our checks and our insert: one naming the same
        # holder (one_proxy_per_holder), or another answer of the same person (one_current_reply).
        if proxy_holder is not None:
            raise ValidationError(ONE_PROXY_MESSAGE.format(holder=proxy_holder)) from exc
        raise ValidationError(
            "Une autre réponse vient d'être enregistrée pour vous : rechargez la page."
        ) from exc

    epci = session.body.epci
    if created:
        record_event(
            action="proxy.given",
            actor=actor,
            epci=epci,
            target=proxy,
            session=session.pk,
            giver=person.pk,
            holder=proxy_holder.pk,
            session_count=proxy.session_count,
        )
    record_event(
        action="reply.filed",
        actor=actor,
        epci=epci,
        target=reply,
        session=session.pk,
        person=person.pk,
        answer=answer,
        proxy_holder=proxy_holder.pk if proxy_holder else None,
        on_behalf=actor.person_id != person.pk,
    )
    return reply


def _proxy_for(
    *,
    session: Session,
    membership: Membership,
    giver: Person,
    holder: Person | None,
    session_count: int,
) -> tuple[Proxy, bool]:
    """The proxy to attach to a "proxy" answer: a proxy the giver already gave to the same holder
    that still covers this session is reused; otherwise a new one starts at this session."""
    body = session.body
    if not body.proxies_allowed:
        raise ValidationError(
            {"answer": "Cette instance n'admet pas les pouvoirs : répondez absent(e)."}
        )
    if membership.role == Membership.Role.SUBSTITUTE:
        raise ValidationError({"answer": "Un suppléant ne donne pas pouvoir : répondez absent(e)."})
    if holder is None:
        raise ValidationError({"proxy_holder": "Indiquez le collègue à qui vous donnez pouvoir."})
    if holder.pk == giver.pk:
        raise ValidationError({"proxy_holder": "Vous ne pouvez pas vous donner pouvoir."})
    if not isinstance(session_count, int) or not 1 <= session_count <= Proxy.MAX_SESSIONS:
        raise ValidationError(
            {"session_count": "Un pouvoir vaut pour une à trois séances consécutives au plus."}
        )
    holder_membership = answering_membership(session, holder.pk)
    if holder_membership is None or holder_membership.role == Membership.Role.SUBSTITUTE:
        raise ValidationError(
            {"proxy_holder": "Le pouvoir se donne à un membre en exercice de la même instance."}
        )

    replies = {
        r.person_id: r
        for r in Reply.objects.filter(session=session, is_current=True).exclude(person=giver)
    }
    in_force = proxies_in_force(session, replies=replies)
    in_force.pop(giver.pk, None)
    if holder.pk in in_force.values():
        raise ValidationError({"proxy_holder": ONE_PROXY_MESSAGE.format(holder=holder)})
    if giver.pk in in_force.values():
        # The proxy they hold could not be used if they were absent themselves.
        raise ValidationError(
            {
                "answer": "Vous détenez le pouvoir d'un collègue pour cette séance : vous ne "
                "pouvez pas donner le vôtre. Répondez présent(e), ou demandez-lui de reprendre "
                "son pouvoir."
            }
        )
    holder_reply = replies.get(holder.pk)
    if holder.pk in in_force or (holder_reply and holder_reply.answer == Reply.Answer.ABSENT):
        raise ValidationError(
            {
                "proxy_holder": f"{holder} a annoncé son absence à cette séance : "
                "il ou elle ne pourra pas voter pour vous."
            }
        )

    for proxy in standing_proxies(session):
        if proxy.giver_id == giver.pk and proxy.holder_id == holder.pk:
            if proxy.first_session_id == session.pk and proxy.session_count != session_count:
                # Not used yet (the session has not started): the giver may change its length.
                proxy.session_count = session_count
                proxy.save(update_fields=["session_count"])
            return proxy, False
    proxy = Proxy.objects.create(
        body=body,
        giver=giver,
        holder=holder,
        first_session=session,
        session_count=session_count,
    )
    return proxy, True


def _revoke_if_unused(*, previous: Reply, keep: Proxy | None, session: Session, actor, now) -> None:
    """A proxy given at this very session and replaced before it started was never used: it is
    revoked, and so does not cover the following sessions either. A proxy given at an earlier
    session stays in force for the other sessions it covers."""
    old = previous.proxy
    if old is None or old == keep or old.first_session_id != session.pk or old.revoked_at:
        return
    old.revoked_at = now
    old.save(update_fields=["revoked_at"])
    record_event(
        action="proxy.revoked",
        actor=actor,
        epci=session.body.epci,
        target=old,
        session=session.pk,
    )
