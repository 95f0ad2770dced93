"""The mayors' mailbox (boîte aux lettres des maires): elected officials of the communes write to
the EPCI on a theme; the secretariat assigns, answers and closes; the sender follows the thread."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from governance.models import EPCI, Commune


class Theme(models.TextChoices):
    MOBILITY = "mobility", "Mobilités et voirie"
    PLANNING = "planning", "Urbanisme et habitat"
    ENVIRONMENT = "environment", "Environnement, eau et déchets"
    ECONOMY = "economy", "Développement économique"
    FINANCE = "finance", "Finances et fiscalité"
    SERVICES = "services", "Services mutualisés"
    GOVERNANCE = "governance", "Gouvernance et instances"
    OTHER = "other", "Autre"


class MailboxThreadQuerySet(models.QuerySet):
    def for_epci(self, epci_id):
        return self.filter(epci_id=epci_id)


class MailboxThread(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "Nouveau"
        ASSIGNED = "assigned", "Attribué"
        ANSWERED = "answered", "Répondu"
        CLOSED = "closed", "Clos"

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="mailbox_threads")
    theme = models.CharField("thème", max_length=15, choices=Theme.choices)
    subject = models.CharField("objet", max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mailbox_threads"
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_mailbox_threads",
        verbose_name="attribué à",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = MailboxThreadQuerySet.as_manager()

    class Meta:
        verbose_name = "message de la boîte aux lettres des maires"
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        return self.subject


class MailboxMessage(models.Model):
    thread = models.ForeignKey(MailboxThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_epci = models.BooleanField(default=False)
    body = models.TextField("message")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.thread} — {self.created_at:%d/%m/%Y %H:%M}"


class MailboxAttachment(models.Model):
    message = models.ForeignKey(
        MailboxMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="mailbox/%Y/%m/")
    file_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.file_name
