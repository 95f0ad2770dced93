"""Minutes (procès-verbal, L2121-15), rendered PDF documents and publications (L2121-25,
R2131-1). Imported by conferences.models so that Django registers them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from governance.models import Body, Person, User


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


class RenderedDocument(models.Model):
    """A PDF rendered by a Celery task from a session's data and stored; regenerated (replaced,
    never appended) when its source data change, detected by a fingerprint of that data."""

    class Kind(models.TextChoices):
        CONVOCATION = "convocation", "Convocation et ordre du jour"
        DELIBERATIONS = "deliberations", "Liste des délibérations"
        PACK = "pack", "Dossier de séance"
        MINUTES = "minutes", "Procès-verbal"
        OPINIONS = "opinions", "Avis rendus"

    class Status(models.TextChoices):
        PENDING = "pending", "En préparation"
        READY = "ready", "Prêt"
        FAILED = "failed", "Échec"

    session = models.ForeignKey(
        "conferences.Session", on_delete=models.CASCADE, related_name="rendered_documents"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    file = models.FileField(upload_to="rendered/%Y/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    page_count = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    rendered_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "document PDF"
        ordering = ["session", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind"], name="one_document_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.session}"


class Publication(models.Model):
    """A document put online (R2131-1): full text, not modifiable, with its author and the date
    it was put online; never removed (a correction is published alongside)."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", "Procès-verbal"
        DELIBERATIONS = "deliberations", "Liste des délibérations"
        OPINIONS = "opinions", "Avis"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="publications")
    session = models.ForeignKey(
        "conferences.Session", on_delete=models.PROTECT, related_name="publications"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to="publications/%Y/")
    filename = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    author = models.CharField("auteur", max_length=200)
    published_at = models.DateTimeField("mis en ligne le", default=timezone.now)
    published_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    due_on = models.DateField("date limite légale", null=True, blank=True)

    class Meta:
        verbose_name = "publication"
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "version"], name="uniq_publication_version"
            ),
        ]
        indexes = [models.Index(fields=["body", "published_at"])]

    def __str__(self):
        return self.title

    @property
    def late(self) -> bool:
        return bool(self.due_on and timezone.localdate(self.published_at) > self.due_on)


__all__ = ["Minutes", "MinutesSignature", "MinutesVersion", "Publication", "RenderedDocument"]
