"""Sessions (séances) of the bodies and their agenda: items and attached documents."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.models import Body, Commune, Person, User


class SessionQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at", "pk")

    def past(self):
        return self.filter(starts_at__lt=timezone.now()).order_by("-starts_at", "-pk")

    def visible(self):
        """Sessions worth showing outside the secretariat (not drafts)."""
        return self.exclude(status=Session.Status.DRAFT)


class Session(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        CONVENED = "convened", "Convoquée"
        HELD = "held", "Tenue"
        CLOSED = "closed", "Close"
        CANCELLED = "cancelled", "Annulée"
        POSTPONED = "postponed", "Reportée"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "En présentiel"
        VIDEO = "video", "En visioconférence"
        HYBRID = "hybrid", "Hybride"

    class Origin(models.TextChoices):
        PRESIDENT = "president", "À l'initiative du président"
        MAYORS_REQUEST = "mayors_request", "À la demande des maires"
        SECOND_CONVOCATION = "second", "Seconde convocation (quorum non atteint)"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField("intitulé", max_length=200, blank=True)
    starts_at = models.DateTimeField("date et heure")
    place_commune = models.ForeignKey(
        Commune,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_sessions",
        verbose_name="commune d'accueil",
    )
    address = models.CharField("adresse", max_length=300, blank=True)
    video_url = models.URLField("lien de visioconférence", blank=True)
    mode = models.CharField("modalité", max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    origin = models.CharField(
        "origine", max_length=15, choices=Origin.choices, default=Origin.PRESIDENT
    )
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DRAFT)
    emergency = models.BooleanField("urgence", default=False)
    emergency_reason = models.TextField("motif de l'urgence", blank=True)
    first_session = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="second_convocations",
        verbose_name="première séance (sans quorum)",
    )
    mayors_request = models.ForeignKey(
        "MayorsRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    chair = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_sessions",
        verbose_name="présidence",
    )
    secretary = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="secrétaire de séance",
    )
    # Incremented by every change sent to the members after convening (agenda, date, place):
    # each version of the convocation is a distinct message in the outbox.
    version = models.PositiveSmallIntegerField(default=0)
    convened_at = models.DateTimeField("convoquée le", null=True, blank=True)
    convened_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["body", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(emergency=False) | ~Q(emergency_reason=""),
                name="session_emergency_has_reason",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.body.name} — {local:%d/%m/%Y %H:%M}"

    @property
    def display_title(self) -> str:
        return self.title_or_date(self.title, self.starts_at)

    @staticmethod
    def title_or_date(title: str, starts_at) -> str:
        """The title, or "Séance du 12/03/2031" for an untitled session (display_title, for
        the pages that read sessions as plain values)."""
        return title or f"Séance du {timezone.localtime(starts_at):%d/%m/%Y}"

    @property
    def is_open_for_replies(self) -> bool:
        return self.status == self.Status.CONVENED and timezone.now() < self.starts_at


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        INFORMATION = "information", "Information"
        DEBATE = "debate", "Débat"
        OPINION = "opinion", "Avis"
        DELIBERATION = "deliberation", "Délibération"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("rang")
    title = models.CharField("intitulé", max_length=300)
    rapporteur = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rapporteur",
    )
    kind = models.CharField(
        "nature", max_length=15, choices=Kind.choices, default=Kind.DELIBERATION
    )
    summary_note = models.TextField("note explicative de synthèse", blank=True)
    # Opinion items record the opinion given (conférence des maires).
    opinion = models.TextField("avis rendu", blank=True)

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["session", "position", "pk"]

    def __str__(self):
        return f"{self.position}. {self.title}"


def agenda_document_path(instance, filename):
    return f"sessions/{instance.item.session_id}/items/{instance.item_id}/{filename}"


class AgendaDocument(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("fichier", upload_to=agenda_document_path)
    name = models.CharField("nom", max_length=255)
    size = models.PositiveIntegerField("taille (octets)")
    content_type = models.CharField(max_length=100, default="application/pdf")
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "document"
        ordering = ["item", "name", "pk"]

    def __str__(self):
        return self.name
