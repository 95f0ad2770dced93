"""Publications: documents put online (L2121-25, R2131-1), immutable once stored."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from governance.models import Body, User


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
