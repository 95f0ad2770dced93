"""The catalogue (docs/DOMAIN.md §8): the offers the EPCI makes to its communes and who may use
them, the conventions the communes sign, and what is lent: staff, equipment, training sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.models import EPCI, Commune, Person


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str = ""


class ServiceOfferQuerySet(models.QuerySet):
    def for_epci(self, epci_id):
        return self.filter(epci_id=epci_id)

    def active(self):
        return self.filter(active=True)

    def for_catalogue(self):
        """The catalogue page: every active offer, in display order (1 query)."""
        return self.active().order_by("position", "name", "pk")


class ServiceOffer(models.Model):
    class Kind(models.TextChoices):
        LEGAL = "legal", "Assistance juridique"
        ENGINEERING = "engineering", "Ingénierie de projets d'aménagement"
        SECRETARY = "secretary", "Secrétaire de mairie itinérante"
        EQUIPMENT = "equipment", "Prêt de matériel"
        TRAINING = "training", "Places en formation"
        ADVICE = "advice", "Conseil et accompagnement"

    # Offers whose use goes through a service request (the others: bookings, training seats).
    REQUEST_KINDS = (Kind.LEGAL, Kind.ENGINEERING, Kind.SECRETARY, Kind.ADVICE)

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="service_offers")
    kind = models.CharField("type d'offre", max_length=12, choices=Kind.choices)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True)
    # Eligibility rules are data, not code: the municipal population bounds, both inclusive.
    min_population = models.PositiveIntegerField(
        "population minimale (incluse)", null=True, blank=True
    )
    max_population = models.PositiveIntegerField(
        "population maximale (incluse)",
        null=True,
        blank=True,
        help_text="Ex. 4 999 pour « communes de moins de 5 000 habitants ».",
    )
    requires_convention = models.BooleanField(
        "réservée aux signataires de la convention", default=True
    )
    response_days = models.PositiveSmallIntegerField(
        "délai de réponse cible (jours ouvrés)", null=True, blank=True
    )
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    active = models.BooleanField("active", default=True)

    objects = ServiceOfferQuerySet.as_manager()

    class Meta:
        verbose_name = "offre de service"
        verbose_name_plural = "offres de service"
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "name"], name="uniq_offer_name"),
            models.CheckConstraint(
                condition=Q(min_population__isnull=True)
                | Q(max_population__isnull=True)
                | Q(max_population__gte=models.F("min_population")),
                name="offer_population_bounds_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def takes_requests(self) -> bool:
        return self.kind in self.REQUEST_KINDS

    def eligibility_for(self, commune: Commune) -> Eligibility:
        """Whether the commune's municipal population fits the offer's bounds, and why not."""
        if self.min_population is None and self.max_population is None:
            return Eligibility(True)
        population = commune.population
        if population is None:
            return Eligibility(
                False,
                "La population municipale de la commune n'est pas connue : le secrétariat doit "
                "la renseigner pour vérifier l'éligibilité.",
            )
        if self.max_population is not None and population > self.max_population:
            return Eligibility(
                False,
                f"Offre réservée aux communes de {self.max_population:,} habitants au plus ; "
                f"{commune.name} en compte {population:,}.".replace(",", "\u202f"),
            )
        if self.min_population is not None and population < self.min_population:
            return Eligibility(
                False,
                f"Offre réservée aux communes d'au moins {self.min_population:,} habitants ; "
                f"{commune.name} en compte {population:,}.".replace(",", "\u202f"),
            )
        return Eligibility(True)


def convention_upload_to(instance, filename):
    return f"mutualisation/conventions/{instance.epci_id}/{instance.commune_id}/{filename}"


class ConventionQuerySet(models.QuerySet):
    def for_epci(self, epci_id):
        return self.filter(epci_id=epci_id)

    def in_force(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(signed_on__isnull=False, signed_on__lte=on, valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )

    def covering(self, *, commune_id: int, offer_id: int, on: date | None = None):
        return self.in_force(on).filter(commune_id=commune_id, options__pk=offer_id)


class Convention(models.Model):
    """The convention a commune signs with the EPCI, with the options (offers) it takes."""

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="service_conventions")
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="service_conventions"
    )
    options = models.ManyToManyField(
        ServiceOffer, related_name="conventions", verbose_name="options souscrites"
    )
    signed_on = models.DateField("signée le", null=True, blank=True)
    valid_from = models.DateField("en vigueur du")
    valid_until = models.DateField("jusqu'au", null=True, blank=True)
    signed_pdf = models.FileField(
        "convention signée (PDF)", upload_to=convention_upload_to, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        ordering = ["commune__name", "-valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="convention_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"Convention {self.commune} ({self.valid_from:%Y})"

    def is_in_force(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.signed_on is not None
            and self.signed_on <= on
            and self.valid_from <= on
            and (self.valid_until is None or self.valid_until >= on)
        )


class StaffMember(models.Model):
    """An EPCI employee whose time is lent to communes: a driver or an itinerant secretary."""

    class Role(models.TextChoices):
        DRIVER = "driver", "Chauffeur"
        SECRETARY = "secretary", "Secrétaire de mairie itinérante"

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="lent_staff")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="lent_roles")
    role = models.CharField("fonction", max_length=10, choices=Role.choices)
    active = models.BooleanField("en activité", default=True)

    class Meta:
        verbose_name = "agent mis à disposition"
        verbose_name_plural = "agents mis à disposition"
        ordering = ["role", "person__last_name", "person__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="uniq_staff_person_role")
        ]

    def __str__(self):
        return f"{self.person.full_name} ({self.get_role_display()})"


class EquipmentItem(models.Model):
    class Kind(models.TextChoices):
        BARRIERS = "barriers", "Barrières"
        TENT = "tent", "Tente"
        MARQUEE = "marquee", "Chapiteau"
        ROAD_SWEEPER = "road_sweeper", "Balayeuse de voirie"
        OTHER = "other", "Autre"

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="equipment")
    offer = models.ForeignKey(
        ServiceOffer,
        on_delete=models.PROTECT,
        related_name="equipment",
        help_text="L'option de la convention qui ouvre droit à ce prêt.",
    )
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    needs_driver = models.BooleanField("prêté avec son chauffeur", default=False)
    active = models.BooleanField("disponible au prêt", default=True)

    class Meta:
        verbose_name = "matériel"
        verbose_name_plural = "matériels"
        ordering = ["kind", "name", "pk"]

    def __str__(self):
        return self.name


class TrainingSession(models.Model):
    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="training_sessions")
    offer = models.ForeignKey(
        ServiceOffer, on_delete=models.PROTECT, related_name="training_sessions"
    )
    title = models.CharField("intitulé", max_length=200)
    starts_at = models.DateTimeField("début")
    location = models.CharField("lieu", max_length=200, blank=True)
    seats = models.PositiveSmallIntegerField("places")

    class Meta:
        verbose_name = "session de formation"
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return self.title
