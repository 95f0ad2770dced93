"""What is booked: equipment bookings, missions of lent staff, training seats.

Double booking is refused twice over: the services lock the booked row and check overlaps (both
databases), and on PostgreSQL an exclusion constraint (see migrations/0002) makes it impossible.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.models import EPCI, Commune
from mutualisation.catalogue.models import EquipmentItem, StaffMember, TrainingSession
from mutualisation.requests.models import ServiceRequest


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
