"""The questionnaire engine's tables. They know no other app: a referral or a needs survey points
to its Questionnaire, never the other way round.

The tables keep the names they were created with (``referrals_*``): the engine was first part of
the referrals app, and moving the models renamed nothing in the database."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from governance.models import EPCI, Commune


class Questionnaire(models.Model):
    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="questionnaires")
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "referrals_questionnaire"
        verbose_name = "questionnaire"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Texte"
        NUMBER = "number", "Nombre"
        CHOICE = "choice", "Choix dans une liste"
        DATE = "date", "Date"
        FILE = "file", "Fichier"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    label = models.CharField("intitulé", max_length=300)
    help_text = models.CharField("aide", max_length=300, blank=True)
    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    required = models.BooleanField("obligatoire", default=False)
    choices = models.JSONField("choix possibles", default=list, blank=True)

    class Meta:
        db_table = "referrals_question"
        verbose_name = "question"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


class Response(models.Model):
    """One commune's answers to one questionnaire: at most one, a draft until submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        SUBMITTED = "submitted", "Transmise"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "referrals_response"
        verbose_name = "réponse à un questionnaire"
        ordering = ["commune__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "commune"], name="uniq_response_commune"
            )
        ]

    def __str__(self):
        return f"{self.questionnaire} — {self.commune}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    file = models.FileField(upload_to="questionnaires/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = "referrals_answer"
        verbose_name = "réponse à une question"
        ordering = ["question__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="uniq_answer_question")
        ]

    def __str__(self):
        return f"{self.question}: {self.display}"

    @property
    def value(self):
        """The answer typed as its question asks (Decimal, date, file or text)."""
        kind = self.question.kind
        if kind == Question.Kind.NUMBER:
            return self.number
        if kind == Question.Kind.DATE:
            return self.date
        if kind == Question.Kind.FILE:
            return self.file or None
        return self.text

    @property
    def display(self) -> str:
        """The answer as text, for screens and exports."""
        kind = self.question.kind
        if kind == Question.Kind.NUMBER:
            return "" if self.number is None else f"{self.number.normalize():f}"
        if kind == Question.Kind.DATE:
            return "" if self.date is None else self.date.isoformat()
        if kind == Question.Kind.FILE:
            return self.file_name
        return self.text
