"""Reads of the questionnaire engine: questions in order, a commune's response, the table of
answers and its CSV and xlsx exports (both through core.exports: formulas neutralised)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core import exports
from governance.models import Commune
from questionnaires.models import Answer, Question, Questionnaire, Response


def questions_of(questionnaire: Questionnaire) -> QuerySet[Question]:
    return Question.objects.filter(questionnaire=questionnaire).order_by("position", "pk")


def response_of(*, questionnaire: Questionnaire, commune: Commune) -> Response | None:
    return (
        Response.objects.filter(questionnaire=questionnaire, commune=commune)
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question")))
        .first()
    )


def answers_table(*, questionnaire: Questionnaire, include_drafts: bool = False):
    """Headers and one row per commune's response, typed (Decimal, date, str): 3 queries."""
    questions = list(questions_of(questionnaire))
    responses = (
        Response.objects.filter(questionnaire=questionnaire)
        .select_related("commune")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question")))
        .order_by("commune__name", "pk")
    )
    if not include_drafts:
        responses = responses.filter(status=Response.Status.SUBMITTED)
    headers = ["Commune", "Code INSEE", "Statut", "Transmise le"] + [q.label for q in questions]
    rows = []
    for response in responses:
        by_question = {a.question_id: a for a in response.answers.all()}
        row = [
            response.commune.name,
            response.commune.insee_code,
            response.get_status_display(),
            timezone.localtime(response.submitted_at).strftime("%d/%m/%Y %H:%M")
            if response.submitted_at
            else "",
        ]
        for question in questions:
            answer = by_question.get(question.pk)
            value = answer.value if answer else ""
            row.append(
                answer.file_name
                if question.kind == Question.Kind.FILE and answer
                else ("" if value is None else value)
            )
        rows.append(row)
    return headers, rows


def export_csv(*, questionnaire: Questionnaire, include_drafts: bool = False) -> bytes:
    headers, rows = answers_table(questionnaire=questionnaire, include_drafts=include_drafts)
    return exports.to_csv(headers, rows)


def export_xlsx(*, questionnaire: Questionnaire, include_drafts: bool = False) -> bytes:
    headers, rows = answers_table(questionnaire=questionnaire, include_drafts=include_drafts)
    return exports.to_xlsx(headers, rows, title="Réponses")
