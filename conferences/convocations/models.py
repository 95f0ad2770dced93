"""The convocation sent to each member of a session (L2121-10), with its read receipt."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from conferences.sessions.models import Session
from conferences.tokens import new_token
from governance.models import Membership, Person


class Convocation(models.Model):
    """One recipient of one session's convocation. The mail itself is in the outbox
    (core.OutboundMessage), one message per version of the session."""

    class Kind(models.TextChoices):
        MEMBER = "member", "Membre"
        SUBSTITUTE = "substitute", "Suppléant"
        COPY = "copy", "Copie pour information (L5211-40-2)"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="convocations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="convocations")
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MEMBER)
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    acknowledged_at = models.DateTimeField("accusé de lecture", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("relance envoyée", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "convocation"
        ordering = ["session", "person__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="uniq_convocation"),
        ]

    def __str__(self):
        return f"{self.person} — {self.session}"
