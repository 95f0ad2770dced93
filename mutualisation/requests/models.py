"""Service requests of the communes: their steps (each transition logged), messages, attachments
and time spent."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.models import EPCI, Commune
from mutualisation.catalogue.models import ServiceOffer


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
