"""The questionnaire engine: questions to the communes, one answer per commune, exports.

It knows nothing of referrals: a `Referral` points to its `Questionnaire` by a foreign key, and
any other app (mutualisation's needs surveys, say) links its own object to a Questionnaire the
same way and reuses everything below. The caller decides who may answer for which commune and
until when (its own scope and deadline); the engine stores, validates and exports.

API (all writes keyword-only, atomic, audited through governance.audit.record_event):

    create_questionnaire(*, actor, epci, title, description="") -> Questionnaire
    add_question(*, actor, questionnaire, label, kind, required=False, choices=(),
                 help_text="") -> Question          # kind: Question.Kind (text, number,
                                                     # choice, date, file)
    remove_question(*, actor, question) -> None      # refused once a commune has answered
    questions_of(questionnaire) -> QuerySet[Question]             # ordered
    response_of(*, questionnaire, commune) -> Response | None     # with its answers prefetched
    build_response_form(*, questionnaire, response=None, data=None, files=None,
                        file_url=None) -> forms.Form
        # one field per question, named field_name(question); never required at form level, so
        # that a draft saves; files checked by core.uploads (size, content, name); a file already
        # given links to file_url(question), the caller's download view
    file_answer_download(*, questionnaire, commune, question_pk) -> FileResponse  # 404 if none
    save_response(*, actor, questionnaire, commune, values, submit) -> Response
        # values: the form's cleaned_data. A draft saves whatever is given; submit=True checks
        # the required questions (ValidationError keyed by field name) and locks the response:
        # each commune answers once. A second submit raises ValidationError.
    answers_table(*, questionnaire, include_drafts=False) -> (headers, rows)  # 3 queries
    export_csv(*, questionnaire, include_drafts=False) -> bytes   # UTF-8 with BOM, ";"
    export_xlsx(*, questionnaire, include_drafts=False) -> bytes  # both through core.exports
                                                                  # (formulas neutralised)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404
from django.utils import timezone

from core import exports
from core.uploads import serve_upload
from governance.audit import record_event
from governance.models import EPCI, Commune, User
from referrals.models import Answer, Question, Questionnaire, Response
from referrals.uploads import ATTACHMENT

__all__ = [
    "Question",
    "Questionnaire",
    "Response",
    "add_question",
    "answers_table",
    "build_response_form",
    "create_questionnaire",
    "export_csv",
    "export_xlsx",
    "field_name",
    "file_answer_download",
    "questions_of",
    "remove_question",
    "response_of",
    "save_response",
]


@transaction.atomic
def create_questionnaire(
    *, actor: User, epci: EPCI, title: str, description: str = ""
) -> Questionnaire:
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


def questions_of(questionnaire: Questionnaire) -> QuerySet[Question]:
    return Question.objects.filter(questionnaire=questionnaire).order_by("position", "pk")


def response_of(*, questionnaire: Questionnaire, commune: Commune) -> Response | None:
    return (
        Response.objects.filter(questionnaire=questionnaire, commune=commune)
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question")))
        .first()
    )


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def _form_field(question: Question) -> forms.Field:
    common = {"label": question.label, "required": False, "help_text": question.help_text}
    kind = question.kind
    if kind == Question.Kind.NUMBER:
        return forms.DecimalField(max_digits=18, decimal_places=4, **common)
    if kind == Question.Kind.CHOICE:
        choices = [("", "—")] + [(c, c) for c in question.choices]
        return forms.ChoiceField(choices=choices, **common)
    if kind == Question.Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == Question.Kind.FILE:
        return forms.FileField(validators=[ATTACHMENT], **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)


def _value(answer: Answer):
    kind = answer.question.kind
    if kind == Question.Kind.NUMBER:
        return answer.number
    if kind == Question.Kind.DATE:
        return answer.date
    if kind == Question.Kind.FILE:
        return answer.file or None
    return answer.text


@dataclass(frozen=True)
class GivenFile:
    """A file already given, as the file input shows it: its name, linked to the caller's
    download view (never to the storage's own URL, which would serve it with the type the
    uploader's browser declared)."""

    name: str
    url: str

    def __str__(self) -> str:
        return self.name


def build_response_form(
    *,
    questionnaire: Questionnaire,
    response: Response | None = None,
    data=None,
    files=None,
    file_url: Callable[[Question], str] | None = None,
) -> forms.Form:
    questions = list(questions_of(questionnaire))
    initial = {}
    if response is not None:
        for a in response.answers.all():
            value = _value(a)
            if a.question.kind == Question.Kind.FILE and value:
                value = GivenFile(a.file_name, file_url(a.question) if file_url else "")
            initial[field_name(a.question)] = value
    form = forms.Form(data=data, files=files, initial=initial)
    for question in questions:
        field = _form_field(question)
        if question.required:
            field.label_suffix = " (obligatoire) :"
        form.fields[field_name(question)] = field
    form.questions = questions
    return form


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


def file_answer_download(
    *, questionnaire: Questionnaire, commune: Commune, question_pk: int
) -> FileResponse:
    """The file ``commune`` gave in answer to a question, as a download (core.uploads: always an
    attachment, typed by its content). 404 when there is none; the caller checks its scope."""
    # The question by its own pk first: a number too large for the column is then an empty
    # lookup (Django's integer overflow check), where a foreign key lookup would raise.
    question = Question.objects.filter(
        pk=question_pk, questionnaire=questionnaire, kind=Question.Kind.FILE
    ).first()
    answer = (
        Answer.objects.filter(
            response__questionnaire=questionnaire, response__commune=commune, question=question
        )
        .exclude(file="")
        .first()
        if question is not None
        else None
    )
    if answer is None:
        raise Http404
    return serve_upload(answer.file, name=answer.file_name, policy=ATTACHMENT)


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
            value = _value(answer) if answer else ""
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
