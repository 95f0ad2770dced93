"""Needs surveys of the communes, built on the questionnaire engine."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from governance.models import EPCI


class NeedsSurvey(models.Model):
    """A survey of the communes' needs. Its questions and answers live in the questionnaire
    engine (the questionnaires app); this row only adds what the shared
    services need: the year, the answering period, the analysis by size bracket and sector."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="needs_surveys")
    questionnaire = models.OneToOneField(
        "questionnaires.Questionnaire", on_delete=models.PROTECT, related_name="needs_survey"
    )
    year = models.PositiveSmallIntegerField("année")
    closes_on = models.DateField("réponses attendues jusqu'au", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "enquête de besoins"
        verbose_name_plural = "enquêtes de besoins"
        ordering = ["-year", "-created_at", "pk"]

    def __str__(self):
        return f"Enquête de besoins {self.year}"

    @property
    def is_open(self) -> bool:
        return self.closes_on is None or self.closes_on >= timezone.localdate()
