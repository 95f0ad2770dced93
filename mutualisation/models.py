"""Shared services (docs/DOMAIN.md §8): the offers the EPCI makes to its communes, the conventions
the communes sign, their service requests, what is lent (equipment, drivers, itinerant secretaries,
training seats), needs surveys and the yearly report on the schéma de mutualisation.

Double booking is refused twice over: the services lock the booked row and check overlaps (both
databases), and on PostgreSQL an exclusion constraint (see migrations/0002) makes it impossible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.models import EPCI, Commune, Person

# ---------------------------------------------------------------------------- offers


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str = ""


class ServiceOfferQuerySet(models.QuerySet):
    def for_epci(self, epci_id):
        return self.filter(epci_id=epci_id)

    def active(self):
        return self.filter(active=True)

    def for_catalogue(self):
        """The catalogue page: every active offer, in display order (1 query)."""
        return self.active().order_by("position", "name", "pk")


class ServiceOffer(models.Model):
    class Kind(models.TextChoices):
        LEGAL = "legal", "Assistance juridique"
        ENGINEERING = "engineering", "Ingénierie de projets d'aménagement"
        SECRETARY = "secretary", "Secrétaire de mairie itinérante"
        EQUIPMENT = "equipment", "Prêt de matériel"
        TRAINING = "training", "Places en formation"
        ADVICE = "advice", "Conseil et accompagnement"

    # Offers whose use goes through a service request (the others: bookings, training seats).
    REQUEST_KINDS = (Kind.LEGAL, Kind.ENGINEERING, Kind.SECRETARY, Kind.ADVICE)

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="service_offers")
    kind = models.CharField("type d'offre", max_length=12, choices=Kind.choices)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True)
    # Eligibility rules are data, not code: the municipal population bounds, both inclusive.
    min_population = models.PositiveIntegerField(
        "population minimale (incluse)", null=True, blank=True
    )
    max_population = models.PositiveIntegerField(
        "population maximale (incluse)",
        null=True,
        blank=True,
        help_text="Ex. 4 999 pour « communes de moins de 5 000 habitants ».",
    )
    requires_convention = models.BooleanField(
        "réservée aux signataires de la convention", default=True
    )
    response_days = models.PositiveSmallIntegerField(
        "délai de réponse cible (jours ouvrés)", null=True, blank=True
    )
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    active = models.BooleanField("active", default=True)

    objects = ServiceOfferQuerySet.as_manager()

    class Meta:
        verbose_name = "offre de service"
        verbose_name_plural = "offres de service"
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "name"], name="uniq_offer_name"),
            models.CheckConstraint(
                condition=Q(min_population__isnull=True)
                | Q(max_population__isnull=True)
                | Q(max_population__gte=models.F("min_population")),
                name="offer_population_bounds_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def takes_requests(self) -> bool:
        return self.kind in self.REQUEST_KINDS

    def eligibility_for(self, commune: Commune) -> Eligibility:
        """Whether the commune's municipal population fits the offer's bounds, and why not."""
        if self.min_population is None and self.max_population is None:
            return Eligibility(True)
        population = commune.population
        if population is None:
            return Eligibility(
                False,
                "La population municipale de la commune n'est pas connue : le secrétariat doit "
                "la renseigner pour vérifier l'éligibilité.",
            )
        if self.max_population is not None and population > self.max_population:
            return Eligibility(
                False,
                f"Offre réservée aux communes de {self.max_population:,} habitants au plus ; "
                f"{commune.name} en compte {population:,}.".replace(",", "\u202f"),
            )
        if self.min_population is not None and population < self.min_population:
            return Eligibility(
                False,
                f"Offre réservée aux communes d'au moins {self.min_population:,} habitants ; "
                f"{commune.name} en compte {population:,}.".replace(",", "\u202f"),
            )
        return Eligibility(True)


def convention_upload_to(instance, filename):
    return f"mutualisation/conventions/{instance.epci_id}/{instance.commune_id}/{filename}"


class ConventionQuerySet(models.QuerySet):
    def for_epci(self, epci_id):
        return self.filter(epci_id=epci_id)

    def in_force(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(signed_on__isnull=False, signed_on__lte=on, valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )

    def covering(self, *, commune_id: int, offer_id: int, on: date | None = None):
        return self.in_force(on).filter(commune_id=commune_id, options__pk=offer_id)


class Convention(models.Model):
    """The convention a commune signs with the EPCI, with the options (offers) it takes."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="service_conventions")
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="service_conventions"
    )
    options = models.ManyToManyField(
        ServiceOffer, related_name="conventions", verbose_name="options souscrites"
    )
    signed_on = models.DateField("signée le", null=True, blank=True)
    valid_from = models.DateField("en vigueur du")
    valid_until = models.DateField("jusqu'au", null=True, blank=True)
    signed_pdf = models.FileField(
        "convention signée (PDF)", upload_to=convention_upload_to, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        ordering = ["commune__name", "-valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="convention_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"Convention {self.commune} ({self.valid_from:%Y})"

    def is_in_force(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.signed_on is not None
            and self.signed_on <= on
            and self.valid_from <= on
            and (self.valid_until is None or self.valid_until >= on)
        )


# ---------------------------------------------------------------------------- requests


class Domain(models.TextChoices):
    PUBLIC_LAW = "public_law", "Droit public des collectivités"
    PUBLIC_PROPERTY = "public_property", "Domanialité publique"
    POLICE = "police", "Police administrative"
    PLANNING = "planning", "Urbanisme"
    PROCUREMENT = "procurement", "Contrats et commande publique"
    OTHER = "other", "Autre"


class ServiceRequestQuerySet(models.QuerySet):
    def for_epci(self, epci_id):
        return self.filter(epci_id=epci_id)

    def for_commune(self, commune_id):
        return self.filter(commune_id=commune_id)

    def open(self):
        return self.exclude(
            status__in=[ServiceRequest.Status.DECLINED, ServiceRequest.Status.CLOSED]
        )

    def overdue(self, today: date | None = None):
        """Not yet answered and past the offer's response target."""
        today = today or timezone.localdate()
        return self.filter(
            status__in=ServiceRequest.WAITING_FOR_ANSWER, due_on__isnull=False, due_on__lt=today
        )

    def for_list(self):
        """List pages: offer, commune and agent in the same query, with only the columns the
        request table prints (selectors.request_lines; another field read costs a query per
        row)."""
        return (
            self.select_related("offer", "commune", "assigned_to")
            .only(
                "subject",
                "status",
                "due_on",
                "commune__name",
                "offer__name",
                "assigned_to__first_name",
                "assigned_to__last_name",
            )
            .order_by("-submitted_at", "-pk")
        )


class ServiceRequest(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Déposée"
        ACCEPTED = "accepted", "Acceptée"
        DECLINED = "declined", "Refusée"
        IN_PROGRESS = "in_progress", "En cours de traitement"
        ANSWERED = "answered", "Répondue / réalisée"
        CLOSED = "closed", "Close"

    WAITING_FOR_ANSWER = (Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS)

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="service_requests")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="service_requests")
    offer = models.ForeignKey(ServiceOffer, on_delete=models.PROTECT, related_name="requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.CharField("objet", max_length=200)
    domain = models.CharField("domaine", max_length=20, choices=Domain.choices)
    description = models.TextField("description")
    desired_start = models.DateField("souhaitée à partir du", null=True, blank=True)
    desired_end = models.DateField("souhaitée jusqu'au", null=True, blank=True)
    status = models.CharField(
        "état", max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_service_requests",
        verbose_name="agent en charge",
    )
    decline_reason = models.TextField("motif du refus", blank=True)
    answer = models.TextField("réponse", blank=True)
    submitted_at = models.DateTimeField("déposée le", default=timezone.now)
    due_on = models.DateField("réponse attendue le", null=True, blank=True)
    answered_at = models.DateTimeField("répondue le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("satisfaction (1 à 5)", null=True, blank=True)
    rating_comment = models.TextField("commentaire", blank=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de service"
        verbose_name_plural = "demandes de service"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="service_request_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["epci", "status", "due_on"]),
            # The list pages: an EPCI's requests, newest first, read page by page.
            models.Index(fields=["epci", "-submitted_at", "-id"]),
        ]

    def __str__(self):
        return f"Demande n° {self.pk} — {self.subject}"

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    def is_overdue_on(self, today: date) -> bool:
        """Not yet answered and past the offer's response target on `today`."""
        return (
            self.status in self.WAITING_FOR_ANSWER
            and self.due_on is not None
            and self.due_on < today
        )


class RequestTransition(models.Model):
    """Every status change of a request, in order (the request's log)."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=12, choices=ServiceRequest.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ServiceRequest.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = "changement d'état"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request_id}: {self.from_status or '∅'} → {self.to_status}"


class RequestMessage(models.Model):
    """The thread between the commune and the agent."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_staff = models.BooleanField(default=False)
    body = models.TextField("message")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "message"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"Message {self.pk} ({self.request_id})"


def attachment_upload_to(instance, filename):
    return f"mutualisation/requests/{instance.request_id}/{filename}"


class RequestAttachment(models.Model):
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_upload_to)
    original_name = models.CharField("nom du fichier", max_length=255)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "pièce jointe"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class TimeEntry(models.Model):
    """Time an agent spent on a request."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="time_entries"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    spent_on = models.DateField("date")
    minutes = models.PositiveIntegerField("durée (minutes)")
    note = models.CharField("note", max_length=200, blank=True)

    class Meta:
        verbose_name = "temps passé"
        ordering = ["spent_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0), name="time_positive")]

    def __str__(self):
        return f"{self.minutes} min ({self.request_id})"


# ---------------------------------------------------------------------------- scheduling


class StaffMember(models.Model):
    """An EPCI employee whose time is lent to communes: a driver or an itinerant secretary."""

    class Role(models.TextChoices):
        DRIVER = "driver", "Chauffeur"
        SECRETARY = "secretary", "Secrétaire de mairie itinérante"

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="lent_staff")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="lent_roles")
    role = models.CharField("fonction", max_length=10, choices=Role.choices)
    active = models.BooleanField("en activité", default=True)

    class Meta:
        verbose_name = "agent mis à disposition"
        verbose_name_plural = "agents mis à disposition"
        ordering = ["role", "person__last_name", "person__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="uniq_staff_person_role")
        ]

    def __str__(self):
        return f"{self.person.full_name} ({self.get_role_display()})"


class EquipmentItem(models.Model):
    class Kind(models.TextChoices):
        BARRIERS = "barriers", "Barrières"
        TENT = "tent", "Tente"
        MARQUEE = "marquee", "Chapiteau"
        ROAD_SWEEPER = "road_sweeper", "Balayeuse de voirie"
        OTHER = "other", "Autre"

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="equipment")
    offer = models.ForeignKey(
        ServiceOffer,
        on_delete=models.PROTECT,
        related_name="equipment",
        help_text="L'option de la convention qui ouvre droit à ce prêt.",
    )
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    needs_driver = models.BooleanField("prêté avec son chauffeur", default=False)
    active = models.BooleanField("disponible au prêt", default=True)

    class Meta:
        verbose_name = "matériel"
        verbose_name_plural = "matériels"
        ordering = ["kind", "name", "pk"]

    def __str__(self):
        return self.name


class BookingQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status=Booking.Status.CANCELLED)

    def overlapping(self, starts_at, ends_at):
        """Half-open periods [start, end) that intersect (same rule as tstzrange '[)')."""
        return self.live().filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Réservé"
        RETURNED = "returned", "Rendu"
        CANCELLED = "cancelled", "Annulé"

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="bookings")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="bookings")
    item = models.ForeignKey(EquipmentItem, on_delete=models.PROTECT, related_name="bookings")
    driver = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="driving_bookings",
        verbose_name="chauffeur",
    )
    starts_at = models.DateTimeField("du")
    ends_at = models.DateTimeField("au")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    purpose = models.CharField("usage prévu", max_length=200, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    returned_at = models.DateTimeField("rendu le", null=True, blank=True)
    damaged = models.BooleanField("dommages constatés", default=False)
    damage_notes = models.TextField("constat", blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = "réservation"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_period_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["item", "starts_at", "ends_at"])]

    def __str__(self):
        return f"{self.item} — {self.commune} ({self.starts_at:%d/%m/%Y})"


class MissionQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status=Mission.Status.CANCELLED)

    def overlapping(self, start_date, end_date):
        """Closed periods [start, end] that intersect (same rule as daterange '[]')."""
        return self.live().filter(start_date__lte=end_date, end_date__gte=start_date)


class Mission(models.Model):
    """An itinerant secretary placed with a commune, from one day to the other (both included)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Prévue"
        CANCELLED = "cancelled", "Annulée"

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="missions")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="missions")
    secretary = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="missions", verbose_name="secrétaire"
    )
    request = models.ForeignKey(
        ServiceRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name="demande d'origine",
    )
    start_date = models.DateField("du")
    end_date = models.DateField("au (inclus)")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField("précisions", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = "mission"
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="mission_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.secretary} → {self.commune} ({self.start_date:%d/%m/%Y})"


class TrainingSession(models.Model):
    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="training_sessions")
    offer = models.ForeignKey(
        ServiceOffer, on_delete=models.PROTECT, related_name="training_sessions"
    )
    title = models.CharField("intitulé", max_length=200)
    starts_at = models.DateTimeField("début")
    location = models.CharField("lieu", max_length=200, blank=True)
    seats = models.PositiveSmallIntegerField("places")

    class Meta:
        verbose_name = "session de formation"
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return self.title


class SeatReservation(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmée"
        WAITLISTED = "waitlisted", "Liste d'attente"
        CANCELLED = "cancelled", "Annulée"

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="reservations"
    )
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="training_seats")
    attendee_name = models.CharField("participant", max_length=200)
    attendee_email = models.EmailField("courriel du participant")
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "place réservée"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "attendee_email"],
                condition=~Q(status="cancelled"),
                name="uniq_live_seat_per_attendee",
            )
        ]

    def __str__(self):
        return f"{self.attendee_name} — {self.session}"


# ---------------------------------------------------------------------------- schéma


class StaffProvision(models.Model):
    """Full-time equivalents placed at disposal, per direction and year (schéma indicator)."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="staff_provisions")
    year = models.PositiveSmallIntegerField("année")
    direction = models.CharField("direction", max_length=200)
    fte = models.DecimalField("ETP mis à disposition", max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = "mise à disposition (ETP)"
        ordering = ["year", "direction", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["epci", "year", "direction"], name="uniq_provision_direction_year"
            )
        ]

    def __str__(self):
        return f"{self.direction} {self.year} : {self.fte} ETP"


class CommonService(models.Model):
    """A service commun shared between the EPCI and (some of) its communes."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="common_services")
    name = models.CharField("service", max_length=200)
    direction = models.CharField("direction", max_length=200, blank=True)
    started_on = models.DateField("créé le")
    ended_on = models.DateField("supprimé le", null=True, blank=True)
    communes = models.ManyToManyField(Commune, blank=True, related_name="common_services")

    class Meta:
        verbose_name = "service commun"
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class SavingRecord(models.Model):
    """Savings the secretariat records (joint purchasing, pooled contracts...)."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="savings")
    year = models.PositiveSmallIntegerField("année")
    label = models.CharField("objet", max_length=200)
    amount = models.DecimalField("économie (€)", max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "économie constatée"
        ordering = ["year", "label", "pk"]

    def __str__(self):
        return f"{self.label} ({self.year})"


def report_upload_to(instance, filename):
    return f"mutualisation/rapports/{instance.epci_id}/{filename}"


class ProgressReport(models.Model):
    """The yearly progress report of the schéma, as a stored PDF. ``source_hash`` fingerprints the
    indicators it was made from, so the task regenerates it only when they changed."""

    class Status(models.TextChoices):
        PENDING = "pending", "En préparation"
        READY = "ready", "Prêt"
        FAILED = "failed", "Échec"

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="progress_reports")
    year = models.PositiveSmallIntegerField("année")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=report_upload_to, blank=True)
    source_hash = models.CharField(max_length=64, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "rapport d'avancement du schéma"
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "year"], name="uniq_progress_report_year")
        ]

    def __str__(self):
        return f"Rapport {self.year}"


# ---------------------------------------------------------------------------- surveys, schéma


class NeedsSurvey(models.Model):
    """A survey of the communes' needs. Its questions and answers live in the questionnaire
    engine of the referrals app (referrals.questionnaires); this row only adds what the shared
    services need: the year, the answering period, the analysis by size bracket and sector."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="needs_surveys")
    questionnaire = models.OneToOneField(
        "referrals.Questionnaire", on_delete=models.PROTECT, related_name="needs_survey"
    )
    year = models.PositiveSmallIntegerField("année")
    closes_on = models.DateField("réponses attendues jusqu'au", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "enquête de besoins"
        verbose_name_plural = "enquêtes de besoins"
        ordering = ["-year", "-created_at", "pk"]

    def __str__(self):
        return f"Enquête de besoins {self.year}"

    @property
    def is_open(self) -> bool:
        return self.closes_on is None or self.closes_on >= timezone.localdate()


class MutualisationSchema(models.Model):
    """The schéma de mutualisation (CGCT L5211-39-1). Its consultation of the municipal councils
    is a referral of the referrals app (preset "schéma de mutualisation"): linked, not copied."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="mutualisation_schemas")
    title = models.CharField("intitulé", max_length=200)
    consultation = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mutualisation_schemas",
        verbose_name="consultation des communes",
    )
    adopted_on = models.DateField("approuvé par le conseil communautaire le", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "schéma de mutualisation"
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return self.title
