"""Writes of the questionnaire engine: questionnaires and their questions, a commune's response.
Keyword-only, atomic, audited through governance.audit.record_event. The caller decides who may
answer for which commune and until when (its own scope and deadline)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.audit import record_event
from governance.models import EPCI, Commune, User
from governance.perms import ensure
from questionnaires import perms
from questionnaires.forms import field_name
from questionnaires.models import Answer, Question, Questionnaire, Response
from questionnaires.selectors import questions_of


@transaction.atomic
def create_questionnaire(
    *, actor: User, epci: EPCI, title: str, description: str = ""
) -> Questionnaire:
    ensure(perms.can_create_questionnaire, actor, epci)
    questionnaire = Questionnaire.objects.create(epci=epci, title=title, description=description)
    record_event(action="questionnaire.created", actor=actor, epci=epci, target=questionnaire)
    return questionnaire


@transaction.atomic
def add_question(
    *,
    actor: User,
    questionnaire: Questionnaire,
    label: str,
    kind: str,
    required: bool = False,
    choices: Iterable[str] = (),
    help_text: str = "",
) -> Question:
    ensure(perms.can_edit_questionnaire, actor, questionnaire)
    choices = [c.strip() for c in choices if c.strip()]
    if kind == Question.Kind.CHOICE and len(choices) < 2:
        raise ValidationError({"choices": "Une question à choix propose au moins deux choix."})
    if kind not in Question.Kind.values:
        raise ValidationError({"kind": "Type de question inconnu."})
    last = questions_of(questionnaire).last()
    question = Question.objects.create(
        questionnaire=questionnaire,
        position=(last.position + 1) if last else 1,
        label=label,
        kind=kind,
        required=required,
        choices=choices if kind == Question.Kind.CHOICE else [],
        help_text=help_text,
    )
    record_event(
        action="questionnaire.question_added",
        actor=actor,
        epci=questionnaire.epci,
        target=questionnaire,
        label=label,
        kind=kind,
    )
    return question


@transaction.atomic
def remove_question(*, actor: User, question: Question) -> None:
    ensure(perms.can_edit_questionnaire, actor, question.questionnaire)
    if question.answers.exists():
        raise ValidationError("Des communes ont déjà répondu à cette question.")
    questionnaire = question.questionnaire
    record_event(
        action="questionnaire.question_removed",
        actor=actor,
        epci=questionnaire.epci,
        target=questionnaire,
        label=question.label,
    )
    question.delete()


def _store(answer: Answer, question: Question, value) -> None:
    kind = question.kind
    if kind == Question.Kind.NUMBER:
        answer.number = value
    elif kind == Question.Kind.DATE:
        answer.date = value
    elif kind == Question.Kind.FILE:
        if value is False:  # "clear" ticked
            answer.file, answer.file_name = "", ""
        elif value is not None and hasattr(value, "read"):
            answer.file, answer.file_name = value, value.name
    else:
        answer.text = value or ""


def _is_empty(answer: Answer | None) -> bool:
    return answer is None or answer.display == ""


@transaction.atomic
def save_response(
    *, actor: User, questionnaire: Questionnaire, commune: Commune, values: dict, submit: bool
) -> Response:
    response, _ = Response.objects.select_for_update().get_or_create(
        questionnaire=questionnaire, commune=commune
    )
    if response.is_submitted:
        raise ValidationError("La réponse de cette commune a déjà été transmise.")
    answers = {a.question_id: a for a in response.answers.select_related("question")}
    questions = list(questions_of(questionnaire))
    for question in questions:
        name = field_name(question)
        if name not in values:
            continue
        answer = answers.get(question.pk) or Answer(response=response, question=question)
        _store(answer, question, values[name])
        answer.save()
        answers[question.pk] = answer
    if submit:
        missing = {
            field_name(q): "Cette question est obligatoire."
            for q in questions
            if q.required and _is_empty(answers.get(q.pk))
        }
        if missing:
            raise ValidationError(missing)
        response.status = Response.Status.SUBMITTED
        response.submitted_at = timezone.now()
        response.submitted_by = actor
    response.updated_at = timezone.now()
    response.save()
    record_event(
        action="questionnaire.submitted" if submit else "questionnaire.draft_saved",
        actor=actor,
        epci=questionnaire.epci,
        target=response,
        commune=commune.insee_code,
    )
    return response
