"""Demo shared services (demo.activity): the standard offers and a training offer,
conventions signed by most communes (Illzach and Rixheim included), equipment with a road
sweeper lent with its driver, bookings, service requests at every stage, an itinerant
secretary's mission and a training session with seats taken.

Everything goes through mutualisation's services: the catalogue set-up (offers, equipment, lent
staff, training sessions) as the secretariat's screens save it, then conventions, bookings,
requests, missions and seats. Requests of communes without a demo account are filed with no
account (as if the secretariat had received them by mail). Only the two staff people and their
EPCI-staff mandates are governance rows written directly (no service creates a person).
"""

from __future__ import annotations

from datetime import date, timedelta

from demo.activity import FRIDAY, MONDAY, TUESDAY, DemoActivity, pdf_upload
from demo.loader import DEMO_SOURCE
from demo.plan import DGS_COMMUNE, ELECTED_COMMUNE, MULHOUSE, plan_demo, read_towns
from governance.models import Mandate, Person
from mutualisation.catalogue import services as catalogue
from mutualisation.models import (
    Booking,
    Convention,
    Domain,
    EquipmentItem,
    SeatReservation,
    ServiceOffer,
    ServiceRequest,
    StaffMember,
    TrainingSession,
)
from mutualisation.requests import services as request_services
from mutualisation.scheduling.services import book_item, plan_mission, reserve_seat

TRAINING_OFFER = {
    "kind": ServiceOffer.Kind.TRAINING,
    "name": "Places en formation",
    "description": "Sessions de formation des agents et des élus communaux, à l'agglomération.",
    "position": 5,
}
# Communes without a convention (Mulhouse runs its own services), and one not yet signed.
NO_CONVENTION = {MULHOUSE, "68166", "68376"}
UNSIGNED = "68238"  # Niffer
SECRETARY_COMMUNE = "68101"  # Galfingue, 803 inhabitants
EQUIPMENT = (
    ("Lot de 50 barrières de police", EquipmentItem.Kind.BARRIERS, False),
    ("Tente pliante 3 × 6 m n° 1", EquipmentItem.Kind.TENT, False),
    ("Tente pliante 3 × 6 m n° 2", EquipmentItem.Kind.TENT, False),
    ("Balayeuse de voirie compacte", EquipmentItem.Kind.ROAD_SWEEPER, True),
)
TRAINING = "Listes électorales et répertoire électoral unique"


def load(ctx: DemoActivity) -> None:
    offers = {o.kind: o for o in _offers(ctx)}
    _conventions(ctx, offers)
    driver, secretary = _lent_staff(ctx)
    items = _equipment(ctx, offers[ServiceOffer.Kind.EQUIPMENT])
    _bookings(ctx, items)
    _requests(ctx, offers, secretary)
    _training(ctx, offers[ServiceOffer.Kind.TRAINING])


def _offers(ctx: DemoActivity) -> list[ServiceOffer]:
    existing = ServiceOffer.objects.filter(epci=ctx.epci).count()
    offers = catalogue.create_standard_offers(actor=ctx.secretariat, epci=ctx.epci)
    training = ServiceOffer.objects.filter(epci=ctx.epci, name=TRAINING_OFFER["name"]).first()
    if training is None:
        training = catalogue.create_offer(actor=ctx.secretariat, epci=ctx.epci, **TRAINING_OFFER)
    ctx.created["offers"] += ServiceOffer.objects.filter(epci=ctx.epci).count() - existing
    return [*offers, training]


def _conventions(ctx: DemoActivity, offers: dict[str, ServiceOffer]) -> None:
    """Signed at the end of last year, in force from 1 January for three years: every option
    the commune is eligible to (engineering and secretaries below 5,000 inhabitants)."""
    valid_from = date(ctx.today.year, 1, 1)
    signed = set(Convention.objects.filter(epci=ctx.epci).values_list("commune_id", flat=True))
    for insee, commune in ctx.communes.items():
        if insee in NO_CONVENTION or commune.pk in signed:
            continue
        options = [o for o in offers.values() if o.eligibility_for(commune).eligible]
        pdf = None
        if insee in (DGS_COMMUNE, ELECTED_COMMUNE):
            pdf = pdf_upload(
                "convention.pdf",
                f"Convention de services mutualisés — {commune.name}",
                [f"Options : {', '.join(o.name for o in options)}."],
            )
        catalogue.record_convention(
            actor=ctx.secretariat,
            commune=commune,
            options=options,
            valid_from=valid_from,
            valid_until=date(ctx.today.year + 2, 12, 31),
            signed_on=None if insee == UNSIGNED else valid_from - timedelta(days=20),
            signed_pdf=pdf,
        )
        ctx.created["conventions"] += 1


def _lent_staff(ctx: DemoActivity) -> tuple[StaffMember, StaffMember]:
    """A driver and an itinerant secretary: two more invented people of the EPCI's staff, named
    as the plan would name the next ones."""
    plan = plan_demo(read_towns())
    members = []
    for role, labels in (
        (StaffMember.Role.DRIVER, ("Chauffeur", "Chauffeuse")),
        (StaffMember.Role.SECRETARY, ("Secrétaire de mairie itinérant", "Secrétaire itinérante")),
    ):
        planned = plan.person()
        person, created = Person.objects.get_or_create(
            epci=ctx.epci,
            email=planned.email,
            defaults={
                "first_name": planned.first_name,
                "last_name": planned.last_name,
                "civility": planned.civility,
            },
        )
        if created:
            Mandate.objects.create(
                person=person,
                kind=Mandate.Kind.EPCI_STAFF,
                label=planned.word(*labels),
                epci=ctx.epci,
                source=DEMO_SOURCE,
            )
        member = StaffMember.objects.filter(person=person, role=role).first()
        if member is None:
            member = catalogue.save_staff_member(actor=ctx.secretariat, person=person, role=role)
            ctx.created["staff"] += 1
        members.append(member)
    return members[0], members[1]


def _equipment(ctx: DemoActivity, offer: ServiceOffer) -> list[EquipmentItem]:
    items = []
    for name, kind, needs_driver in EQUIPMENT:
        item = EquipmentItem.objects.filter(epci=ctx.epci, name=name).first()
        if item is None:
            item = catalogue.save_equipment(
                actor=ctx.secretariat, offer=offer, name=name, kind=kind, needs_driver=needs_driver
            )
            ctx.created["equipment"] += 1
        items.append(item)
    return items


def _bookings(ctx: DemoActivity, items: list[EquipmentItem]) -> None:
    barriers, tent, _, sweeper = items
    bookings = (  # who, for which commune, what, from (days ahead, weekday, hour), hours
        (ctx.dgs, DGS_COMMUNE, barriers, (8, FRIDAY, 8), 34, "Course pédestre du quartier"),
        (ctx.elected, ELECTED_COMMUNE, sweeper, (4, MONDAY, 7), 9, "Nettoyage après le marché"),
        (ctx.secretariat, SECRETARY_COMMUNE, tent, (15, FRIDAY, 8), 36, "Fête du village"),
    )
    for actor, insee, item, (days, weekday, hour), hours, purpose in bookings:
        commune = ctx.communes[insee]
        if Booking.objects.filter(item=item, commune=commune, purpose=purpose).exists():
            continue
        book_item(
            actor=actor,
            commune=commune,
            item=item,
            starts_at=ctx.at(days, hour, weekday=weekday),
            ends_at=ctx.at(days, hour, weekday=weekday) + timedelta(hours=hours),
            purpose=purpose,
        )
        ctx.created["bookings"] += 1


def _requests(ctx: DemoActivity, offers, secretary: StaffMember) -> None:
    """One request at each stage of the service desk, Illzach's in progress."""
    S, K = ServiceRequest.Status, ServiceOffer.Kind
    mission_start = ctx.at(7, 8, weekday=MONDAY).date()  # three weeks, Monday to Friday
    specs = (
        (DGS_COMMUNE, ctx.dgs, K.LEGAL, Domain.PUBLIC_PROPERTY, S.IN_PROGRESS,
         "Terrasses de café sur le domaine public",
         "Nous souhaitons encadrer les terrasses : faut-il un règlement et quelle redevance ?"),
        (ELECTED_COMMUNE, ctx.elected, K.LEGAL, Domain.POLICE, S.SUBMITTED,
         "Règlement de police du cimetière",
         "Mise à jour du règlement de 1998 : reprise des concessions abandonnées."),
        (SECRETARY_COMMUNE, None, K.SECRETARY, Domain.OTHER, S.IN_PROGRESS,
         "Remplacement de la secrétaire de mairie",
         "Notre secrétaire de mairie sera absente trois semaines : besoin d'un remplacement."),
        ("68055", None, K.ENGINEERING, Domain.PLANNING, S.ANSWERED,
         "Aménagement de la traversée du village",
         "Étude de faisabilité d'un plateau ralentisseur et de trottoirs élargis."),
        ("68384", None, K.LEGAL, Domain.PROCUREMENT, S.CLOSED,
         "Marché de restauration scolaire",
         "Relecture du cahier des charges avant la consultation des entreprises."),
        ("68386", None, K.LEGAL, Domain.OTHER, S.DECLINED,
         "Litige de voisinage entre deux administrés",
         "Deux riverains s'opposent au sujet d'une haie : pouvez-vous nous conseiller ?"),
    )  # fmt: skip
    for insee, actor, kind, domain, target, subject, description in specs:
        commune = ctx.communes[insee]
        if ServiceRequest.objects.filter(commune=commune, subject=subject).exists():
            continue
        request = request_services.file_request(
            actor=actor,
            commune=commune,
            offer=offers[kind],
            subject=subject,
            domain=domain,
            description=description,
            desired_start=mission_start if kind == K.SECRETARY else None,
            desired_end=mission_start + timedelta(days=18) if kind == K.SECRETARY else None,
        )
        ctx.created["service_requests"] += 1
        _advance(ctx, request, target, secretary)


def _advance(ctx: DemoActivity, request: ServiceRequest, target: str, secretary) -> None:
    S, services = ServiceRequest.Status, request_services
    if target == S.SUBMITTED:
        return
    if target == S.DECLINED:
        reason = "Litige entre particuliers : hors du champ de l'assistance juridique aux communes."
        services.decline_request(actor=ctx.secretariat, request=request, reason=reason)
        return
    services.accept_request(actor=ctx.secretariat, request=request, agent=ctx.agent)
    services.start_request(actor=ctx.agent, request=request)
    services.record_time(actor=ctx.agent, request=request, minutes=90, spent_on=ctx.today)
    if request.offer.kind == ServiceOffer.Kind.SECRETARY:
        plan_mission(
            actor=ctx.secretariat,
            commune=request.commune,
            secretary=secretary,
            start_date=request.desired_start,
            end_date=request.desired_end,
            notes="Tenue de l'accueil, état civil et préparation du conseil municipal.",
            request=request,
        )
        ctx.created["missions"] += 1
    if target == S.IN_PROGRESS:
        services.post_message(
            actor=ctx.agent,
            request=request,
            body="Première analyse en cours ; pourriez-vous nous transmettre les pièces utiles ?",
            from_staff=True,
        )
        return
    services.answer_request(
        actor=ctx.agent,
        request=request,
        answer="Note de l'agglomération transmise en pièce jointe du courriel de ce jour.",
    )
    if target == S.CLOSED:
        services.close_request(actor=ctx.secretariat, request=request)
        services.rate_request(actor=None, request=request, rating=5, comment="Réponse rapide.")


def _training(ctx: DemoActivity, offer: ServiceOffer) -> None:
    if TrainingSession.objects.filter(epci=ctx.epci, title=TRAINING).exists():
        return
    session = catalogue.save_training_session(
        actor=ctx.secretariat,
        offer=offer,
        title=TRAINING,
        starts_at=ctx.at(26, 9, weekday=TUESDAY),
        location="Siège de l'agglomération, salle de formation",
        seats=12,
    )
    ctx.created["trainings"] += 1
    dgs_of = {
        m.commune.insee_code: m.person
        for m in Mandate.objects.filter(
            kind__in=(Mandate.Kind.DGS, Mandate.Kind.TOWN_CLERK), commune__epci=ctx.epci
        ).select_related("person", "commune")
    }
    seats = [(ctx.dgs, DGS_COMMUNE), (ctx.elected, ELECTED_COMMUNE)]
    seats += [(ctx.secretariat, insee) for insee in ("68015", SECRETARY_COMMUNE, "68343")]
    for actor, insee in seats:
        person = dgs_of[insee]
        if SeatReservation.objects.filter(session=session, attendee_email=person.email).exists():
            continue
        reserve_seat(
            actor=actor,
            session=session,
            commune=ctx.communes[insee],
            attendee_name=person.full_name,
            attendee_email=person.email,
        )
