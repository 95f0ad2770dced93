"""A consultation of the communes (Referral, saisine) and one line per consulted commune
(Opinion, avis): its transmission, receipt, own deadline and answer, filed or tacit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from governance.models import EPCI, Commune
from referrals.consultation.rules import LegalBasis, Majority, Silence, default_reminder_days


class ReferralQuerySet(models.QuerySet):
    def for_epci(self, epci_id):
        return self.filter(epci_id=epci_id)

    def open(self):
        return self.filter(status=Referral.Status.OPEN)


class Referral(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "En préparation"
        OPEN = "open", "En cours"
        CLOSED = "closed", "Close"

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="referrals")
    subject = models.CharField("objet", max_length=250)
    description = models.TextField("description", blank=True)
    legal_basis = models.CharField("fondement", max_length=20, choices=LegalBasis.choices)
    reference = models.CharField("références", max_length=200, blank=True)
    deadline_months = models.PositiveSmallIntegerField("délai (mois)", default=0)
    deadline_days = models.PositiveSmallIntegerField("délai (jours)", default=0)
    silence = models.CharField("sens du silence", max_length=15, choices=Silence.choices)
    majority = models.CharField(
        "majorité qualifiée", max_length=10, choices=Majority.choices, default=Majority.NONE
    )
    reminder_days = models.JSONField(
        "relances (jours avant l'échéance)", default=default_reminder_days
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField("transmise le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    # The synthesis PDF is rebuilt by a task whenever data_version moves past synthesis_version.
    data_version = models.PositiveIntegerField(default=1)
    synthesis = models.FileField("synthèse PDF", upload_to="referrals/syntheses/", blank=True)
    synthesis_version = models.PositiveIntegerField(default=0)
    synthesis_built_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "saisine"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject

    @property
    def is_data_collection(self) -> bool:
        return self.legal_basis == LegalBasis.DATA_COLLECTION

    @property
    def synthesis_ready(self) -> bool:
        return bool(self.synthesis) and self.synthesis_version == self.data_version


class ReferralDocument(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", upload_to="referrals/documents/%Y/%m/")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "document de saisine"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title


class OpinionQuerySet(models.QuerySet):
    def awaiting(self):
        return self.filter(state=Opinion.State.AWAITING)

    def past_deadline(self, now):
        return self.filter(deadline_ends_at__lte=now)

    def for_dashboard(self):
        """Every line of a dashboard with its commune and its sector's name (`sector_name`,
        None without a sector) in the same query."""
        return (
            self.select_related("commune")
            .annotate(sector_name=F("commune__sector__name"))
            .order_by("commune__name", "pk")
        )


class Opinion(models.Model):
    """One consulted commune of a referral: transmission, receipt, its own deadline, its answer.

    Created for every consulted commune when the referral is opened, unique per (referral,
    commune): the tacit sweep turns the rows still awaiting into tacit opinions with one
    conditional UPDATE, so it can never record two opinions for a commune.
    """

    class State(models.TextChoices):
        AWAITING = "awaiting", "En attente"
        FILED = "filed", "Réponse déposée"
        TACIT = "tacit", "Avis tacite"

    class Verdict(models.TextChoices):
        FAVOURABLE = "favourable", "Favorable"
        RESERVED = "reserved", "Favorable avec réserves"
        UNFAVOURABLE = "unfavourable", "Défavorable"
        NO_OPINION = "no_opinion", "Pas d'avis"
        NOT_APPROVED = "not_approved", "Non approuvé"

    FILED_VERDICTS = (Verdict.FAVOURABLE, Verdict.RESERVED, Verdict.UNFAVOURABLE)
    APPROVING_VERDICTS = (Verdict.FAVOURABLE, Verdict.RESERVED)

    class Receipt(models.TextChoices):
        LINK = "link", "Accusé de lecture (lien)"
        PAPER = "paper", "Notification papier (date saisie)"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="opinions")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="opinions")
    population = models.PositiveIntegerField("population municipale à la saisine", default=0)
    sent_at = models.DateTimeField("transmise le", null=True, blank=True)
    received_on = models.DateField("reçue le", null=True, blank=True)
    receipt_method = models.CharField(max_length=5, choices=Receipt.choices, blank=True)
    deadline_nominal = models.DateField("échéance légale", null=True, blank=True)
    deadline_effective = models.DateField("échéance appliquée", null=True, blank=True)
    deadline_rule = models.TextField("calcul de l'échéance", blank=True)
    deadline_ends_at = models.DateTimeField(null=True, blank=True, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.AWAITING)
    verdict = models.CharField("avis", max_length=15, choices=Verdict.choices, blank=True)
    deliberation_on = models.DateField("date de la délibération", null=True, blank=True)
    deliberation_number = models.CharField("numéro de la délibération", max_length=50, blank=True)
    deliberation_pdf = models.FileField(
        "délibération (PDF)", upload_to="referrals/deliberations/%Y/%m/", blank=True
    )
    comments = models.TextField("observations", blank=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tacit_rule = models.TextField("règle appliquée", blank=True)
    tacit_at = models.DateTimeField(null=True, blank=True)
    # Which run of the sweep recorded the tacit opinion: lets that run (and only that one) audit
    # the rows its single UPDATE changed.
    tacit_run = models.UUIDField(null=True, blank=True, editable=False)
    # A deliberation received after the deadline, kept for the record: it never changes the
    # legal outcome (state and verdict above).
    late_verdict = models.CharField(
        "avis tardif", max_length=15, choices=Verdict.choices, blank=True
    )
    late_deliberation_on = models.DateField(null=True, blank=True)
    late_deliberation_number = models.CharField(max_length=50, blank=True)
    late_deliberation_pdf = models.FileField(upload_to="referrals/deliberations/%Y/%m/", blank=True)
    late_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = "avis de commune"
        verbose_name_plural = "avis des communes"
        ordering = ["commune__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "commune"], name="uniq_opinion_commune"),
            models.CheckConstraint(
                condition=Q(state="awaiting") | ~Q(verdict="") | Q(state="filed"),
                name="opinion_tacit_has_verdict",
            ),
        ]

    def __str__(self):
        return f"{self.referral} — {self.commune}"

    @property
    def approved(self) -> bool:
        return self.verdict in self.APPROVING_VERDICTS

    def is_open_at(self, now) -> bool:
        """Whether the commune may still file or correct its answer (L5211-17 etc.: until 24:00
        on its effective deadline)."""
        return self.deadline_ends_at is None or now < self.deadline_ends_at
