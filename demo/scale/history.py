"""Ten years of activity on the generated territory: sessions with their agendas, convocations
and their (sent) outbox rows, consultations of the communes with their answers, service
requests and equipment bookings. Rows are written with bulk_create in bounded chunks, a year
(or a buffer of CHUNK rows) at a time, so memory does not grow with the scale.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from conferences.models import AgendaItem, Convocation, Session
from core.models import OutboundMessage
from demo.scale.territory import (
    BUREAU,
    CLECT,
    COMMISSIONS,
    COUNCIL,
    DGS_BOARD,
    MAYORS_CONFERENCE,
    SECTORS,
    TENDER_BOARD,
    Territory,
    territorial_conference,
)
from governance.legal_calendar import consultation_deadline
from governance.models import Membership
from governance.rules import BodyKind
from mutualisation.models import (
    Booking,
    Convention,
    Domain,
    EquipmentItem,
    ServiceOffer,
    ServiceRequest,
    StaffMember,
)
from referrals.consultation.rules import LegalBasis, Silence, preset_for
from referrals.models import Opinion, Referral

PARIS = ZoneInfo("Europe/Paris")
FIRST_YEAR = 2017
YEARS = 10
PERIOD_START = datetime.datetime(FIRST_YEAR, 1, 9, tzinfo=PARIS)
PERIOD_END = datetime.datetime(FIRST_YEAR + YEARS - 1, 12, 18, tzinfo=PARIS)
CHUNK = 10_000
# The portal went live on this day: the council's convocations before it (imported history)
# went to its members only; since then they also go, as copies, to every municipal councillor
# of the member communes (L5211-40-2), which is most of the convocation rows.
COPIES_SINCE = datetime.datetime(2024, 9, 1, tzinfo=PARIS)
CONVENED_AHEAD = datetime.timedelta(days=45)

# Sessions a year and agenda items a session (min, max), per body.
SESSIONS_PER_YEAR = {
    COUNCIL: 10,
    BUREAU: 10,
    MAYORS_CONFERENCE: 4,
    **{territorial_conference(s): 4 for s in SECTORS},
    **dict.fromkeys(COMMISSIONS, 1),
    DGS_BOARD: 5,
    CLECT: 2,
    TENDER_BOARD: 2,
}
ITEMS_PER_SESSION = {COUNCIL: (80, 120), BUREAU: (40, 80)}
OTHER_ITEMS = (5, 15)

ITEM_SUBJECTS = (
    "Attribution d'une subvention de fonctionnement", "Approbation d'une convention de partenariat",
    "Modification du tableau des effectifs", "Décision modificative du budget principal",
    "Acquisition foncière", "Avenant au marché de travaux", "Désignation de représentants",
    "Rapport annuel sur le prix et la qualité du service", "Tarifs des équipements métropolitains",
    "Programme d'investissement voirie", "Garantie d'emprunt accordée à un bailleur social",
    "Plan de déplacements urbains : bilan", "Information sur les marchés attribués",
)  # fmt: skip
REQUEST_SUBJECTS = (
    "Rédaction d'un arrêté de circulation", "Consultation sur un bail commercial",
    "Étude de faisabilité d'un équipement", "Remplacement de la secrétaire de mairie",
    "Conseil sur une procédure de marché", "Analyse d'un contentieux d'urbanisme",
)  # fmt: skip
OFFERS = (
    (ServiceOffer.Kind.LEGAL, "Assistance juridique", 20_000),
    (ServiceOffer.Kind.ENGINEERING, "Ingénierie de projets d'aménagement", None),
    (ServiceOffer.Kind.SECRETARY, "Secrétaire de mairie itinérante", 3_499),
    (ServiceOffer.Kind.ADVICE, "Conseil en organisation", None),
    (ServiceOffer.Kind.EQUIPMENT, "Prêt de matériel événementiel", None),
    (ServiceOffer.Kind.TRAINING, "Formations des agents communaux", None),
)
# (kind, how many, needs a driver); drivers are dedicated to one item each, so an item's
# bookings never overlapping is enough for its driver's not to overlap either.
EQUIPMENT = (
    (EquipmentItem.Kind.BARRIERS, 12, False),
    (EquipmentItem.Kind.TENT, 10, False),
    (EquipmentItem.Kind.MARQUEE, 6, False),
    (EquipmentItem.Kind.ROAD_SWEEPER, 8, True),
    (EquipmentItem.Kind.OTHER, 4, False),
)
TACIT_VERDICTS = {
    Silence.FAVOURABLE: Opinion.Verdict.FAVOURABLE,
    Silence.NOTHING: Opinion.Verdict.NO_OPINION,
    Silence.NOT_APPROVED: Opinion.Verdict.NOT_APPROVED,
}
REFERRAL_BASES = (
    LegalBasis.MUTUALISATION,
    LegalBasis.SINGLE_COMMUNE,
    LegalBasis.COMPETENCE,
    LegalBasis.PLUI,
    LegalBasis.GOVERNANCE_PACT,
    LegalBasis.CLECT,
)


def scaled(count: float, scale: float) -> int:
    return max(1, round(count * scale))


def spread(rng: random.Random, n: int, start, end, *, jitter: float = 0.3) -> list:
    """n instants evenly spread over [start, end], each moved by up to ±jitter of a step."""
    step = (end - start) / n
    return [start + step * (i + 0.5 + rng.uniform(-jitter, jitter)) for i in range(n)]


class Buffer:
    """Rows of one model, written with bulk_create every CHUNK rows."""

    def __init__(self, model, *, batch_size: int):
        self.model, self.batch_size, self.rows, self.total = model, batch_size, [], 0

    def add(self, row) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.model.objects.bulk_create(self.rows, batch_size=self.batch_size)
            self.total += len(self.rows)
            self.rows = []


# --- Sessions --------------------------------------------------------------------------------


def _session_times(rng: random.Random, scale: float) -> list[tuple[str, datetime.datetime]]:
    planned = []
    for body, per_year in SESSIONS_PER_YEAR.items():
        for moment in spread(rng, scaled(per_year * YEARS, scale), PERIOD_START, PERIOD_END):
            day = moment.date()
            day += datetime.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() > 4 else 0)
            hour = (18, 0) if body == COUNCIL else (9, 30)
            planned.append((body, datetime.datetime(*day.timetuple()[:3], *hour, tzinfo=PARIS)))
    return sorted(planned, key=lambda p: (p[1], p[0]))


def _recipients(t: Territory, body_name: str, starts_at) -> list[tuple[object, object, str]]:
    """As conferences.convocations.services.recipients, from the memberships in memory."""
    kinds = {
        Membership.Role.SUBSTITUTE: Convocation.Kind.SUBSTITUTE,
        Membership.Role.STAFF: Convocation.Kind.COPY,
        Membership.Role.GUEST: Convocation.Kind.COPY,
    }
    body = t.bodies[body_name]
    seen, result = set(), []
    for m in t.members.get(body.pk, []):
        if m.person_id not in seen:
            seen.add(m.person_id)
            result.append((m.person, m, kinds.get(m.role, Convocation.Kind.MEMBER)))
    if body.kind == BodyKind.COUNCIL and starts_at >= COPIES_SINCE:
        for person in t.municipal_councillors:
            if person.pk not in seen:
                seen.add(person.pk)
                result.append((person, None, Convocation.Kind.COPY))
    return result


def generate_sessions(t: Territory, rng: random.Random, *, scale: float, batch_size: int, log):
    now = timezone.now()
    planned = _session_times(rng, scale)
    totals = {"sessions": 0, "items": 0, "convocations": 0, "outbox": 0}
    rapporteurs = [t.president, *t.vice_presidents]
    communes = list(t.communes.values())
    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        started = timezone.now()
        of_year = [p for p in planned if p[1].year == year]
        with transaction.atomic():
            sessions = []
            for body_name, starts_at in of_year:
                body = t.bodies[body_name]
                if starts_at < now:
                    status = Session.Status.CLOSED
                elif starts_at < now + CONVENED_AHEAD:
                    status = Session.Status.CONVENED
                else:
                    status = Session.Status.DRAFT
                convened = status != Session.Status.DRAFT
                place = t.communes["13055"] if body_name == COUNCIL else rng.choice(communes)
                sessions.append(
                    Session(
                        body=body,
                        title="Séance ordinaire",
                        starts_at=starts_at,
                        place_commune=place,
                        address="Salle du conseil, hôtel de ville",
                        status=status,
                        chair=t.president,
                        version=1 if convened else 0,
                        convened_at=(
                            starts_at - datetime.timedelta(days=body.notice_days + 3)
                            if convened
                            else None
                        ),
                        created_at=starts_at - datetime.timedelta(days=30),
                    )
                )
            Session.objects.bulk_create(sessions, batch_size=batch_size)
            items = Buffer(AgendaItem, batch_size=batch_size)
            convocations = Buffer(Convocation, batch_size=batch_size)
            outbox = Buffer(OutboundMessage, batch_size=batch_size)
            for session in sessions:
                name = session.body.name
                low, high = ITEMS_PER_SESSION.get(name, OTHER_ITEMS)
                deliberative = session.body.deliberative
                for position in range(1, rng.randint(low, high) + 1):
                    items.add(
                        AgendaItem(
                            session=session,
                            position=position,
                            title=f"{rng.choice(ITEM_SUBJECTS)} ({year}-{position})",
                            rapporteur=rng.choice(rapporteurs) if deliberative else None,
                            kind=AgendaItem.Kind.DELIBERATION
                            if deliberative
                            else rng.choice((AgendaItem.Kind.INFORMATION, AgendaItem.Kind.DEBATE)),
                            summary_note="Note explicative de synthèse (texte généré).",
                        )
                    )
                if session.convened_at is None:
                    continue
                past = session.status == Session.Status.CLOSED
                subject = f"Convocation — {name} — {session.starts_at:%d/%m/%Y à %Hh%M}"
                for person, membership, kind in _recipients(t, name, session.starts_at):
                    acknowledged = past and rng.random() < 0.8
                    convocations.add(
                        Convocation(
                            session=session,
                            person=person,
                            membership=membership,
                            kind=kind,
                            email=person.email,
                            acknowledged_at=session.convened_at + datetime.timedelta(hours=20)
                            if acknowledged
                            else None,
                            created_at=session.convened_at,
                        )
                    )
                    sent_at = session.convened_at + datetime.timedelta(seconds=30)
                    outbox.add(
                        OutboundMessage(
                            dedup_key=f"convocation:{session.pk}:v1:{person.pk}",
                            category="session.convocation",
                            to_email=person.email,
                            to_name=person.full_name,
                            subject=subject,
                            body_text=f"Vous êtes convoqué(e) : {subject}.",
                            status=OutboundMessage.Status.SENT,
                            attempts=1,
                            created_at=session.convened_at,
                            claimed_at=sent_at,
                            sent_at=sent_at,
                        )
                    )
            for buffer in (items, convocations, outbox):
                buffer.flush()
        totals["sessions"] += len(sessions)
        totals["items"] += items.total
        totals["convocations"] += convocations.total
        totals["outbox"] += outbox.total
        seconds = (timezone.now() - started).total_seconds()
        log(
            f"  {year} : {len(sessions)} séances, {items.total} points, "
            f"{convocations.total} convocations ({seconds:.1f} s)"
        )
    return totals


# --- Consultations ---------------------------------------------------------------------------


def generate_referrals(t: Territory, rng: random.Random, *, scale: float, batch_size: int):
    """Consultations spread over the period, the last one sent 20 days ago (so it is open);
    each commune's line has its receipt, its deadline from the legal calendar and, once that
    has passed, a filed or tacit answer."""
    now = timezone.now()
    count = scaled(200, scale)
    last = now - datetime.timedelta(days=20)
    moments = spread(rng, count, PERIOD_START, last, jitter=0.2)
    moments[-1] = last
    towns = sorted(t.towns, key=lambda town: town.insee)
    deadlines: dict[tuple, object] = {}
    opinions = Buffer(Opinion, batch_size=batch_size)
    referrals = 0
    with transaction.atomic():
        for index, created_at in enumerate(moments, start=1):
            basis = rng.choice(REFERRAL_BASES)
            preset = preset_for(basis)
            consulted = [rng.choice(towns)] if preset.single_commune else towns
            sent_at = created_at + datetime.timedelta(days=2)
            referral = Referral.objects.create(
                epci=t.epci,
                subject=f"Saisine n° {index} — {basis.label}",
                description="Saisine générée (données de charge).",
                legal_basis=basis,
                reference=preset.reference,
                deadline_months=preset.months or 3,
                silence=preset.silence,
                majority=preset.majority,
                status=Referral.Status.OPEN,
                created_at=created_at,
                sent_at=sent_at,
            )
            referrals += 1
            ends = []
            for town in consulted:
                received_on = timezone.localdate(sent_at) + datetime.timedelta(rng.randint(0, 6))
                key = (received_on, town.departement, referral.deadline_months)
                if key not in deadlines:
                    deadlines[key] = consultation_deadline(
                        received_on=received_on,
                        departement=town.departement,
                        months=referral.deadline_months,
                    )
                deadline = deadlines[key]
                ends.append(deadline.ends_at)
                opinion = Opinion(
                    referral=referral,
                    commune=t.communes[town.insee],
                    population=town.population,
                    sent_at=sent_at,
                    received_on=received_on,
                    receipt_method=Opinion.Receipt.LINK,
                    deadline_nominal=deadline.nominal,
                    deadline_effective=deadline.effective,
                    deadline_rule=deadline.rule,
                    deadline_ends_at=deadline.ends_at,
                )
                due = deadline.ends_at <= now
                if rng.random() < (0.65 if due else 0.3):
                    filed_at = min(now, deadline.ends_at) - datetime.timedelta(
                        days=rng.randint(1, 20)
                    )
                    opinion.state = Opinion.State.FILED
                    opinion.verdict = rng.choice(Opinion.FILED_VERDICTS)
                    opinion.deliberation_on = timezone.localdate(filed_at)
                    opinion.deliberation_number = f"DEL-{filed_at:%Y}-{index:03d}"
                    opinion.filed_at = filed_at
                elif due:
                    opinion.state = Opinion.State.TACIT
                    opinion.verdict = TACIT_VERDICTS[Silence(referral.silence)]
                    opinion.tacit_rule = (
                        f"{Silence(referral.silence).label} ({referral.reference}) : aucune "
                        f"réponse dans le délai. {deadline.rule}"
                    )
                    opinion.tacit_at = deadline.ends_at + datetime.timedelta(minutes=30)
                opinions.add(opinion)
            if max(ends) <= now:
                Referral.objects.filter(pk=referral.pk).update(
                    status=Referral.Status.CLOSED, closed_at=max(ends)
                )
        opinions.flush()
    return {"referrals": referrals, "opinions": opinions.total}


# --- Shared services -------------------------------------------------------------------------


def generate_services(t: Territory, rng: random.Random, *, scale: float, batch_size: int):
    offers = ServiceOffer.objects.bulk_create(
        ServiceOffer(
            epci=t.epci,
            kind=kind,
            name=name,
            max_population=max_population,
            response_days=10,
            position=position,
        )
        for position, (kind, name, max_population) in enumerate(OFFERS)
    )
    conventions = Convention.objects.bulk_create(
        Convention(
            epci=t.epci,
            commune=commune,
            signed_on=datetime.date(2016, 12, 1),
            valid_from=datetime.date(2017, 1, 1),
        )
        for commune in t.communes.values()
    )
    Through = Convention.options.through
    Through.objects.bulk_create(
        Through(convention_id=c.pk, serviceoffer_id=o.pk) for c in conventions for o in offers
    )
    requests = _service_requests(t, rng, offers, scale=scale, batch_size=batch_size)
    bookings = _bookings(t, rng, offers, scale=scale, batch_size=batch_size)
    return {"service_requests": requests, "bookings": bookings}


def _service_requests(t, rng, offers, *, scale, batch_size) -> int:
    now = timezone.now()
    takes = [o for o in offers if o.takes_requests]
    communes = list(t.communes.values())
    buffer = Buffer(ServiceRequest, batch_size=batch_size)
    S = ServiceRequest.Status
    with transaction.atomic():
        for submitted_at in spread(rng, scaled(5000, scale), PERIOD_START, now, jitter=0.45):
            age = (now - submitted_at).days
            if age > 90:
                status = rng.choices((S.CLOSED, S.ANSWERED, S.DECLINED), (70, 15, 15))[0]
            else:
                status = rng.choice((S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.ANSWERED))
            answered = status in (S.ANSWERED, S.CLOSED)
            answered_at = submitted_at + datetime.timedelta(days=rng.randint(2, 30))
            buffer.add(
                ServiceRequest(
                    epci=t.epci,
                    commune=rng.choice(communes),
                    offer=rng.choice(takes),
                    subject=rng.choice(REQUEST_SUBJECTS),
                    domain=rng.choice(Domain.values),
                    description="Demande générée (données de charge).",
                    status=status,
                    submitted_at=submitted_at,
                    due_on=timezone.localdate(submitted_at) + datetime.timedelta(days=14),
                    answered_at=answered_at if answered else None,
                    answer="Réponse apportée." if answered else "",
                    closed_at=answered_at if status == S.CLOSED else None,
                    decline_reason="Hors du champ de l'offre." if status == S.DECLINED else "",
                )
            )
        buffer.flush()
    return buffer.total


def _bookings(t, rng, offers, *, scale, batch_size) -> int:
    """Each item's period is cut into equal slots, one booking inside each: no two bookings of
    an item (or of its dedicated driver) can overlap, whatever the seed or the scale."""
    now = timezone.now()
    equipment_offer = next(o for o in offers if o.kind == ServiceOffer.Kind.EQUIPMENT)
    drivers = StaffMember.objects.bulk_create(
        StaffMember(epci=t.epci, person=p, role=StaffMember.Role.DRIVER) for p in t.drivers
    )
    specs = [(kind, n, driver) for kind, count, driver in EQUIPMENT for n in range(1, count + 1)]
    items = EquipmentItem.objects.bulk_create(
        EquipmentItem(
            epci=t.epci,
            offer=equipment_offer,
            name=f"{EquipmentItem.Kind(kind).label} n° {n}",
            kind=kind,
            needs_driver=driver,
        )
        for kind, n, driver in specs
    )
    driver_of = dict(zip([i.pk for i in items if i.needs_driver], drivers, strict=True))
    total = scaled(20_000, scale)
    per_item = [total // len(items) + (i < total % len(items)) for i in range(len(items))]
    span_hours = int((PERIOD_END - PERIOD_START).total_seconds() // 3600)
    communes = list(t.communes.values())
    buffer = Buffer(Booking, batch_size=batch_size)
    with transaction.atomic():
        for item, count in zip(items, per_item, strict=True):
            for slot_start, duration in _slots(rng, count, span_hours):
                starts_at = PERIOD_START + datetime.timedelta(hours=slot_start)
                ends_at = starts_at + datetime.timedelta(hours=duration)
                if rng.random() < 0.03:
                    status = Booking.Status.CANCELLED
                else:
                    status = Booking.Status.RETURNED if ends_at < now else Booking.Status.BOOKED
                buffer.add(
                    Booking(
                        epci=t.epci,
                        commune=rng.choice(communes),
                        item=item,
                        driver=driver_of.get(item.pk),
                        starts_at=starts_at,
                        ends_at=ends_at,
                        status=status,
                        purpose="Manifestation communale",
                        created_at=starts_at - datetime.timedelta(days=20),
                        returned_at=ends_at if status == Booking.Status.RETURNED else None,
                    )
                )
        buffer.flush()
    return buffer.total


def _slots(rng: random.Random, count: int, span_hours: int) -> Iterator[tuple[int, int]]:
    """(start hour, duration in hours) of `count` bookings, each inside its own whole-hour slot."""
    slot = span_hours // count
    for index in range(count):
        duration = max(1, min(rng.choice((8, 24, 48, 72, 96)), slot * 4 // 5))
        yield index * slot + rng.randint(0, slot - duration), duration
