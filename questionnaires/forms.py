"""Forms of the questionnaire engine: the form a commune fills in, one field per question, and
the form that adds a question. They validate input (files: core.uploads) and hold no rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms

from questionnaires.models import Question, Questionnaire, Response
from questionnaires.selectors import questions_of
from questionnaires.uploads import ANSWER_FILE


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
        return forms.FileField(validators=[ANSWER_FILE], **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)


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
            value = a.value
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


class QuestionForm(forms.Form):
    label = forms.CharField(label="Intitulé de la question", max_length=300)
    kind = forms.ChoiceField(label="Type de réponse", choices=Question.Kind.choices)
    required = forms.BooleanField(label="Réponse obligatoire", required=False)
    choices = forms.CharField(
        label="Choix possibles (un par ligne, pour une question à choix)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    help_text = forms.CharField(label="Aide (facultatif)", max_length=300, required=False)

    def clean_choices(self):
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]
