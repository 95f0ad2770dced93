"""The schéma de mutualisation (CGCT L5211-39-1) and what its yearly report counts: staff
provided, common services, savings, the stored report itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from governance.models import EPCI, Commune


class StaffProvision(models.Model):
    """Full-time equivalents placed at disposal, per direction and year (schéma indicator)."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="staff_provisions")
    year = models.PositiveSmallIntegerField("année")
    direction = models.CharField("direction", max_length=200)
    fte = models.DecimalField("ETP mis à disposition", max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = "mise à disposition (ETP)"
        ordering = ["year", "direction", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["epci", "year", "direction"], name="uniq_provision_direction_year"
            )
        ]

    def __str__(self):
        return f"{self.direction} {self.year} : {self.fte} ETP"


class CommonService(models.Model):
    """A service commun shared between the EPCI and (some of) its communes."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="common_services")
    name = models.CharField("service", max_length=200)
    direction = models.CharField("direction", max_length=200, blank=True)
    started_on = models.DateField("créé le")
    ended_on = models.DateField("supprimé le", null=True, blank=True)
    communes = models.ManyToManyField(Commune, blank=True, related_name="common_services")

    class Meta:
        verbose_name = "service commun"
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class SavingRecord(models.Model):
    """Savings the secretariat records (joint purchasing, pooled contracts...)."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="savings")
    year = models.PositiveSmallIntegerField("année")
    label = models.CharField("objet", max_length=200)
    amount = models.DecimalField("économie (€)", max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "économie constatée"
        ordering = ["year", "label", "pk"]

    def __str__(self):
        return f"{self.label} ({self.year})"


def report_upload_to(instance, filename):
    return f"mutualisation/rapports/{instance.epci_id}/{filename}"


class ProgressReport(models.Model):
    """The yearly progress report of the schéma, as a stored PDF. ``source_hash`` fingerprints the
    indicators it was made from, so the task regenerates it only when they changed."""

    class Status(models.TextChoices):
        PENDING = "pending", "En préparation"
        READY = "ready", "Prêt"
        FAILED = "failed", "Échec"

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="progress_reports")
    year = models.PositiveSmallIntegerField("année")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=report_upload_to, blank=True)
    source_hash = models.CharField(max_length=64, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "rapport d'avancement du schéma"
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "year"], name="uniq_progress_report_year")
        ]

    def __str__(self):
        return f"Rapport {self.year}"


# The legal basis of a referral that consults the municipal councils on a schéma: the value of
# the referrals app's LegalBasis.MUTUALISATION. Mutualisation and referrals sit side by side in the
# layers (docs/ARCHITECTURE.md, Layout) and do not import each other; a test pins the two equal.
SCHEMA_CONSULTATION_BASIS = "mutualisation"


class MutualisationSchema(models.Model):
    """The schéma de mutualisation (CGCT L5211-39-1). Its consultation of the municipal councils
    is a referral of the referrals app (preset "schéma de mutualisation"): linked, not copied."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="mutualisation_schemas")
    title = models.CharField("intitulé", max_length=200)
    consultation = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mutualisation_schemas",
        verbose_name="consultation des communes",
        limit_choices_to={"legal_basis": SCHEMA_CONSULTATION_BASIS},
    )
    adopted_on = models.DateField("approuvé par le conseil communautaire le", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "schéma de mutualisation"
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return self.title

    @classmethod
    def consultation_choices(cls, epci_id: int) -> models.QuerySet:
        """The referrals of the EPCI that may be a schéma's consultation, newest first."""
        field = cls._meta.get_field("consultation")
        return field.related_model.objects.filter(
            epci_id=epci_id, **field.get_limit_choices_to()
        ).order_by("-created_at", "pk")
