"""The mail outbox: every outgoing message is persisted before it is sent, then sent by id.

A logical message (a convocation to one person for one session, an invitation...) has a unique
``dedup_key``: queuing it twice yields one row, and a row is sent at most once because sending
first claims it with a conditional UPDATE (see core.services.claim_message).
"""

from django.db import models
from django.utils import timezone


class OutboundMessageQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=OutboundMessage.Status.PENDING)

    def stale_claims(self, *, older_than):
        """Messages claimed by a worker that died before finishing (lease expired)."""
        return self.filter(status=OutboundMessage.Status.SENDING, claimed_at__lt=older_than)


class OutboundMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        SENDING = "sending", "En cours d'envoi"
        SENT = "sent", "Envoyé"
        FAILED = "failed", "Échec définitif"

    dedup_key = models.CharField("clé d'unicité", max_length=200, unique=True)
    category = models.CharField("catégorie", max_length=50, db_index=True)
    to_email = models.EmailField("destinataire")
    to_name = models.CharField("nom du destinataire", max_length=200, blank=True)
    subject = models.CharField("objet", max_length=250)
    body_text = models.TextField("texte")
    body_html = models.TextField("HTML", blank=True)
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set by the worker that claimed the message (one conditional UPDATE for a whole batch).
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message sortant"
        verbose_name_plural = "messages sortants"
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to_email} ({self.get_status_display()})"


class OutboundMessageLog(models.Model):
    """Immutable, timestamped log of each sending attempt (the legal proof of sending)."""

    message = models.ForeignKey(OutboundMessage, on_delete=models.CASCADE, related_name="logs")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20)
    detail = models.TextField(blank=True)

    class Meta:
        verbose_name = "journal d'envoi"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.outcome}"
