"""Requests of the mayors to convene the conférence des maires (L5211-11-3)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from governance.models import Body, Commune, Person


class MayorsRequest(models.Model):
    """A request of mayors to convene the conférence des maires (L5211-11-3): once one third of
    the mayors have signed, the president must convene it; at most 4 such meetings a year."""

    class Status(models.TextChoices):
        OPEN = "open", "Signatures en cours"
        REACHED = "reached", "Seuil atteint : à convoquer"
        CONVENED = "convened", "Conférence convoquée"
        REFUSED = "refused", "Refusée"

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="mayors_requests")
    subject = models.CharField("objet", max_length=300)
    description = models.TextField("exposé", blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    threshold = models.PositiveSmallIntegerField("signatures requises")
    reached_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "demande de réunion des maires"
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return self.subject


class MayorsRequestSignature(models.Model):
    request = models.ForeignKey(MayorsRequest, on_delete=models.CASCADE, related_name="signatures")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "signature"
        ordering = ["request", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "commune"], name="one_signature_per_commune"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.commune})"
