"""Per-user private calendar feeds."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from conferences.tokens import new_token
from governance.models import User


class CalendarFeed(models.Model):
    """A private iCalendar feed URL per user; revoking it issues a new token."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "flux de calendrier"

    def __str__(self):
        return f"Flux de {self.user}"
