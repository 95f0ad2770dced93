"""The prefectoral order that fixes the number and distribution of the council's seats."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


def order_path(instance, filename):
    return f"seats/{instance.epci_id}/{filename}"


class CouncilOrderQuerySet(models.QuerySet):
    def for_epci(self, epci_id):
        return self.filter(epci_id=epci_id)

    def latest_first(self):
        return self.order_by("-signed_on", "-pk")


class CouncilOrder(models.Model):
    """The prefect's order fixing the council's seats before a general renewal (L5211-6-1
    VII): kept with its PDF so the secretariat checks it against the computation."""

    epci = models.ForeignKey(
        "governance.EPCI", on_delete=models.CASCADE, related_name="council_orders"
    )
    renewal_year = models.PositiveSmallIntegerField("année du renouvellement général")
    signed_on = models.DateField("date de l'arrêté")
    number = models.CharField("numéro de l'arrêté", max_length=80)
    file = models.FileField("arrêté (PDF)", upload_to=order_path)
    name = models.CharField("nom du fichier", max_length=255)
    recorded_by = models.ForeignKey(
        "governance.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CouncilOrderQuerySet.as_manager()

    class Meta:
        app_label = "governance"
        verbose_name = "arrêté préfectoral de composition du conseil"
        ordering = ["-signed_on", "-pk"]

    def __str__(self):
        return f"Arrêté n° {self.number} du {self.signed_on:%d/%m/%Y}"
