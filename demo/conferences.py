"""Demo sessions (demo.activity): two past sessions held (the council and the
conférence des maires, with attendance, votes and opinions), the council convened about three
weeks ahead with replies and a proxy, a draft working-group session, and a mayors' request.

The upcoming sessions go through the scheduling, convocation and reply services. Those
services refuse a date in the past (rightly): the past sessions are written as they stood once
convened (session, agenda, convocations from `recipients()`, replies), then sat through the
sitting services (quorum-checked votes, opinions, closing). Minutes and publications are not
part of the demo yet: their services were still being written when it was.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from conferences.convocations.services import convene_session, recipients
from conferences.mayors.services import start_mayors_request
from conferences.models import (
    AgendaItem,
    AttendanceEvent,
    Convocation,
    MayorsRequest,
    MayorsRequestSignature,
    Proxy,
    Reply,
    Session,
    Vote,
)
from conferences.replies.services import record_reply
from conferences.sessions.services import (
    add_agenda_item,
    attach_document,
    create_session,
    suggest_host_commune,
)
from conferences.sitting.selectors import sitting, who_sits
from conferences.sitting.services import (
    close_session,
    mark_session_held,
    record_opinion,
    record_vote,
)
from demo.activity import THURSDAY, TUESDAY, WEDNESDAY, DemoActivity, pdf_upload
from demo.plan import COUNCIL, MAYORS_CONFERENCE, MOBILITY_GROUP, MULHOUSE
from governance.models import Body, Membership

K = AgendaItem.Kind
SEAT = "Salle du conseil, siège de l'agglomération"

PAST_COUNCIL = "Décision modificative n° 2 et tarifs des services"
PAST_COUNCIL_ITEMS = (
    ("Communications du président", K.INFORMATION, ""),
    ("Décision modificative n° 2 du budget principal", K.DELIBERATION,
     "Ajustement des crédits de fonctionnement et d'investissement en fin d'exercice."),
    ("Tarifs des services mutualisés pour l'année prochaine", K.DELIBERATION,
     "Revalorisation de 2 % des tarifs du prêt de matériel et des missions de secrétariat."),
    ("Adhésion au groupement de commandes pour l'achat d'énergie", K.DELIBERATION,
     "Groupement ouvert aux communes membres, coordonné par l'agglomération."),
)  # fmt: skip
PAST_MAYORS = "Pacte de gouvernance et mutualisation"
PAST_MAYORS_ITEMS = (
    ("Projet de pacte de gouvernance", K.OPINION,
     "Avis de la conférence des maires sur le projet de pacte (L5211-11-2)."),
    ("Bilan annuel du schéma de mutualisation", K.OPINION,
     "Services rendus, conventions signées, économies constatées."),
    ("Transfert de la compétence eau : calendrier", K.INFORMATION,
     "Présentation du calendrier de la consultation des conseils municipaux."),
)  # fmt: skip
PAST_OPINIONS = (
    "Avis favorable unanime, sous réserve d'une réunion annuelle par secteur.",
    "Avis favorable ; la conférence souhaite étendre le prêt de matériel aux associations.",
)
UPCOMING_COUNCIL = "Débat d'orientation budgétaire"
UPCOMING_COUNCIL_ITEMS = (
    ("Approbation du procès-verbal de la séance précédente", K.DELIBERATION,
     "Le procès-verbal a été adressé aux conseillers avec la présente convocation."),
    ("Rapport d'orientation budgétaire", K.DEBATE,
     "Le rapport présente le contexte financier, les engagements pluriannuels, la structure "
     "et la gestion de la dette, ainsi que l'évolution des dépenses de personnel "
     "(article L2312-1 du CGCT). Le débat est acté par une délibération spécifique."),
    ("Transfert de la compétence eau : point d'étape de la consultation", K.INFORMATION,
     "État des délibérations reçues des conseils municipaux à ce jour."),
    ("Avenant n° 1 à la convention de services mutualisés", K.DELIBERATION,
     "Ajout d'une option « places en formation » ouverte à toutes les communes signataires."),
)  # fmt: skip
WORKING_GROUP = "Schéma cyclable intercommunal"
WORKING_GROUP_ITEMS = (
    ("Diagnostic des itinéraires existants", K.INFORMATION,
     "Relevé des discontinuités du réseau cyclable entre communes."),
    ("Premières orientations du schéma", K.DEBATE,
     "Liaisons prioritaires, stationnement vélo aux arrêts de tram et de bus."),
)  # fmt: skip
MAYORS_REQUEST = "Tarification de l'eau après le transfert de compétence"


def load(ctx: DemoActivity) -> None:
    council = ctx.body(COUNCIL)
    mayors = ctx.body(MAYORS_CONFERENCE)
    past = (
        (council, PAST_COUNCIL, PAST_COUNCIL_ITEMS, ctx.at(-37, 18, 30, weekday=THURSDAY)),
        (mayors, PAST_MAYORS, PAST_MAYORS_ITEMS, ctx.at(-52, 9, 30, weekday=TUESDAY)),
    )
    for body, title, items, starts_at in past:
        ctx.created["sessions"] += _past_session(ctx, body, title, items, starts_at)
    _upcoming_council(ctx, council)
    _draft_working_group(ctx, ctx.body(MOBILITY_GROUP))
    _mayors_request(ctx, mayors)


# --- Past sessions ------------------------------------------------------------------------


def _past_session(ctx: DemoActivity, body: Body, title, items, starts_at: datetime) -> bool:
    if Session.objects.filter(body=body, title=title).exists():
        return False
    convened_at = starts_at - timedelta(days=12)
    president = ctx.president()
    session = Session.objects.create(
        body=body,
        title=title,
        starts_at=starts_at,
        place_commune=ctx.communes[MULHOUSE],
        address=SEAT,
        status=Session.Status.CONVENED,
        chair=president,
        version=1,
        convened_at=convened_at,
        convened_by=ctx.secretariat,
        created_at=convened_at - timedelta(days=8),
    )
    agenda = AgendaItem.objects.bulk_create(
        AgendaItem(session=session, position=n, title=t, kind=kind, summary_note=note)
        for n, (t, kind, note) in enumerate(items, start=1)
    )
    Convocation.objects.bulk_create(
        Convocation(
            session=session,
            person=person,
            membership=membership,
            kind=kind,
            email=person.email,
            created_at=convened_at,
            acknowledged_at=convened_at + timedelta(hours=n % 48 + 1) if n % 4 else None,
        )
        for n, (person, membership, kind) in enumerate(recipients(session))
    )
    present = _past_replies(ctx, session, convened_at)
    _sit(ctx, session, agenda, present)
    return True


def _past_replies(ctx: DemoActivity, session: Session, convened_at: datetime) -> list[int]:
    """Answers as the members gave them before the session: most present (a third of them
    came without answering), a few absent (their suppléant sits), one proxy. Returns who came,
    in seat order (the titular member or their suppléant)."""
    replies, present = [], []
    holder = None
    for n, seat in enumerate(who_sits(session, replies={})):
        answered_at = convened_at.replace(hour=9) + timedelta(days=1 + n % 9, hours=n % 8)
        always_there = seat.membership.person_id in (session.chair_id, ctx.elected.person_id)
        answer = Reply.Answer.PRESENT if n % 3 or always_there else None
        proxy = None
        if always_there:
            present.append(seat.person.pk)
        elif n % 8 == 5:
            answer = Reply.Answer.ABSENT
            if seat.substitute is not None:
                present.append(seat.substitute.person_id)
        elif n % 8 == 7:
            answer = None  # absent without a word
        elif n == 6 and holder is not None and session.body.proxies_allowed:
            answer = Reply.Answer.PROXY
            proxy = Proxy.objects.create(
                body=session.body,
                giver=seat.person,
                holder=holder,
                first_session=session,
                created_at=answered_at,
            )
        else:
            present.append(seat.person.pk)
            holder = holder or seat.person
        if answer is not None:
            replies.append(
                Reply(
                    session=session,
                    person=seat.person,
                    answer=answer,
                    proxy=proxy,
                    proxy_holder=proxy.holder if proxy else None,
                    answered_at=answered_at,
                    answered_by=ctx.secretariat,
                )
            )
    Reply.objects.bulk_create(replies)
    return present


def _sit(ctx: DemoActivity, session: Session, agenda, present: list[int]) -> None:
    """The secretariat sits the session: it opens it, records the votes (quorum-checked) and
    the opinions through the services, then closes it. The attendance sheet (everyone at the
    opening, one late arrival, one early departure) is written in one go, checked against the
    sitting's members: record_arrival recomputes the whole sitting at each call, too slow for a
    hundred members at every demo load."""
    actor = ctx.secretariat
    session = mark_session_held(actor=actor, session=session)
    members = sitting(session).people
    late, leaving = present[-1], present[len(present) // 2]
    opening = session.starts_at + timedelta(minutes=2)
    events = [
        AttendanceEvent(
            session=session,
            person_id=person_id,
            kind=AttendanceEvent.Kind.ARRIVAL,
            from_item=agenda[min(2, len(agenda) - 1)] if person_id == late else agenda[0],
            recorded_at=opening + timedelta(minutes=40 if person_id == late else 0),
            recorded_by=actor,
        )
        for person_id in present
        if person_id in members
    ]
    events.append(
        AttendanceEvent(
            session=session,
            person_id=leaving,
            kind=AttendanceEvent.Kind.DEPARTURE,
            from_item=agenda[-1],
            recorded_at=opening + timedelta(minutes=50),
            recorded_by=actor,
        )
    )
    AttendanceEvent.objects.bulk_create(events)
    opinions = iter(PAST_OPINIONS)
    state = sitting(session)  # who may vote at each item (votes do not change it)
    for item in agenda:
        if item.kind == K.DELIBERATION:
            voters = len(state.voters_at(item))
            against, abstentions = (item.position % 3, 2) if voters > 10 else (0, 0)
            vote = record_vote(
                actor=actor,
                item=item,
                method=Vote.Method.SHOW_OF_HANDS,
                votes_for=voters - against - abstentions,
                votes_against=against,
                abstentions=abstentions,
            )
            vote.recorded_at = opening + timedelta(minutes=20 * item.position)
            vote.save(update_fields=["recorded_at"])
        elif item.kind == K.OPINION:
            record_opinion(actor=actor, item=item, opinion=next(opinions))
    close_session(actor=actor, session=session)


# --- Upcoming sessions --------------------------------------------------------------------


def _upcoming(ctx: DemoActivity, body: Body, title: str) -> bool:
    """Whether the demo's upcoming session is still ahead (a later run on a demo database whose
    session has passed schedules a new one, so that the demo stays alive)."""
    return Session.objects.filter(body=body, title=title, starts_at__gte=ctx.now).exists()


def _agenda(ctx: DemoActivity, session: Session, items, rapporteur=None) -> list[AgendaItem]:
    return [
        add_agenda_item(
            actor=ctx.secretariat,
            session=session,
            title=title,
            kind=kind,
            summary_note=note,
            rapporteur=rapporteur if kind != K.INFORMATION else None,
        )
        for title, kind, note in items
    ]


def _upcoming_council(ctx: DemoActivity, council: Body) -> None:
    if _upcoming(ctx, council, UPCOMING_COUNCIL):
        return
    president = ctx.president()
    session = create_session(
        actor=ctx.secretariat,
        body=council,
        starts_at=ctx.at(19, 18, 30, weekday=THURSDAY),
        mode=Session.Mode.IN_PERSON,
        place_commune=ctx.communes[MULHOUSE],
        address=SEAT,
        title=UPCOMING_COUNCIL,
        chair=president,
    )
    items = _agenda(ctx, session, UPCOMING_COUNCIL_ITEMS, rapporteur=president)
    report = pdf_upload(
        "rapport-orientation-budgetaire.pdf",
        "Rapport d'orientation budgétaire",
        [
            "1. Contexte : loi de finances, dotations de l'État, évolution de la fiscalité.",
            "2. Engagements pluriannuels : mobilités, transition écologique, habitat.",
            "3. Dette : encours, structure et profil d'extinction.",
            "4. Ressources humaines : effectifs, temps de travail, dépenses de personnel.",
        ],
    )
    attach_document(actor=ctx.secretariat, item=items[1], uploaded=report)
    convene_session(actor=ctx.secretariat, session=session)
    ctx.created["sessions"] += 1
    # The secretariat records the answers received by phone or mail; one member gives a proxy
    # to the elected demo account, who has not answered yet (to try it).
    seats = who_sits(session, replies={})
    elected_id = ctx.elected.person_id
    others = [s for s in seats if s.membership.person_id != elected_id]
    for n, seat in enumerate(others[:12]):
        answer = Reply.Answer.VIDEO if n % 7 == 3 else Reply.Answer.PRESENT
        if n % 6 == 5:
            answer = Reply.Answer.ABSENT
        record_reply(actor=ctx.secretariat, session=session, person=seat.person, answer=answer)
    giver = others[12].person
    record_reply(
        actor=ctx.secretariat,
        session=session,
        person=giver,
        answer=Reply.Answer.PROXY,
        proxy_holder=ctx.elected.person,
    )


def _draft_working_group(ctx: DemoActivity, group: Body) -> None:
    if _upcoming(ctx, group, WORKING_GROUP):
        return
    chair = group.memberships.filter(role=Membership.Role.CHAIR).select_related("person").first()
    session = create_session(
        actor=ctx.secretariat,
        body=group,
        starts_at=ctx.at(28, 14, weekday=WEDNESDAY),
        mode=Session.Mode.IN_PERSON,
        place_commune=suggest_host_commune(body=group),
        address="Salle des fêtes",
        title=WORKING_GROUP,
        chair=chair.person if chair else None,
    )
    _agenda(ctx, session, WORKING_GROUP_ITEMS, rapporteur=chair.person if chair else None)
    ctx.created["sessions"] += 1


# --- Mayors' request ----------------------------------------------------------------------


def _mayors_request(ctx: DemoActivity, mayors: Body) -> None:
    """Started by the elected demo account (the service); five other mayors have signed. They
    have no account, so their signatures are written directly (below the one-third threshold,
    which is what the service would check)."""
    if MayorsRequest.objects.filter(body=mayors, subject=MAYORS_REQUEST).exists():
        return
    request = start_mayors_request(
        user=ctx.elected,
        body=mayors,
        subject=MAYORS_REQUEST,
        description="Les maires demandent une réunion de la conférence avant le vote du conseil "
        "sur le transfert, pour examiner les scénarios de convergence des tarifs.",
    )
    ctx.created["mayors_requests"] += 1
    signed = set(request.signatures.values_list("commune__insee_code", flat=True))
    candidates = [c for c in ctx.communes if c not in signed][3::7][:5]
    started = ctx.now - timedelta(days=2)
    MayorsRequest.objects.filter(pk=request.pk).update(created_at=started)
    request.signatures.update(signed_at=started)
    for n, insee in enumerate(candidates, start=1):
        if len(signed) + n >= request.threshold:
            break
        MayorsRequestSignature.objects.create(
            request=request,
            person=ctx.mayor(insee),
            commune=ctx.communes[insee],
            signed_at=started + timedelta(hours=7 * n),
        )
