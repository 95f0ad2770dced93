"""What the callers' views serve from the engine. The engine has no URL of its own: each caller
checks its scope (who may see which commune's answers), then returns what is built here."""

from __future__ import annotations

from django.http import FileResponse, Http404

from core.uploads import serve_upload
from governance.models import Commune
from questionnaires.models import Answer, Question, Questionnaire
from questionnaires.uploads import ANSWER_FILE


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
    return serve_upload(answer.file, name=answer.file_name, policy=ANSWER_FILE)
