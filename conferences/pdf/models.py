"""PDF documents rendered from a session's data and stored (rendered by a task)."""

from __future__ import annotations

from django.db import models


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
