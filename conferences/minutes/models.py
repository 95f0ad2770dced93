"""Minutes (procès-verbal, L2121-15), their adopted versions and signatures."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from governance.models import Person, User


class Minutes(models.Model):
    """The minutes of one held session. Draft text is editable; from adoption on, the text is
    frozen in a MinutesVersion and a correction is a new adopted version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        SUBMITTED = "submitted", "Soumis à l'adoption"
        ADOPTED = "adopted", "Adopté"
        SIGNED = "signed", "Signé"
        PUBLISHED = "published", "Publié"

    session = models.OneToOneField(
        "conferences.Session", on_delete=models.PROTECT, related_name="minutes"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The substance of the debates, rich text sanitised with nh3 before it is stored.
    debates_html = models.TextField("teneur des débats", blank=True)
    adopting_session = models.ForeignKey(
        "conferences.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_minutes",
        verbose_name="séance d'adoption",
    )
    adoption_item = models.OneToOneField(
        "conferences.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="minutes_adopted",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "procès-verbal"
        verbose_name_plural = "procès-verbaux"
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return f"Procès-verbal — {self.session}"


class MinutesVersion(models.Model):
    """A frozen, adopted text of the minutes. Never updated: corrections add a version."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content_html = models.TextField("texte intégral adopté")
    adopted_at = models.DateTimeField()
    adopting_session = models.ForeignKey(
        "conferences.Session", on_delete=models.PROTECT, related_name="+"
    )
    correction_note = models.TextField("objet de la correction", blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "version adoptée du procès-verbal"
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="uniq_minutes_version"),
        ]

    def __str__(self):
        return f"{self.minutes} — version {self.number}"


class MinutesSignature(models.Model):
    class Role(models.TextChoices):
        PRESIDENT = "president", "Président(e)"
        SECRETARY = "secretary", "Secrétaire de séance"

    version = models.ForeignKey(MinutesVersion, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=10, choices=Role.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "signature du procès-verbal"
        ordering = ["version", "role"]
        constraints = [
            models.UniqueConstraint(fields=["version", "role"], name="one_signature_per_role"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} : {self.person}"
