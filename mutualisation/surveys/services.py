"""Needs surveys: the questionnaire engine holds a survey's questions and answers; this app adds
the year and the answering period."""

from __future__ import annotations

from datetime import date

from django.db import transaction

import questionnaires.services
from governance.audit import record_event
from governance.models import EPCI, Commune, User
from governance.perms import ensure
from mutualisation import perms
from mutualisation.common import epci_ref, refuse
from mutualisation.models import NeedsSurvey


@transaction.atomic
def create_needs_survey(
    *,
    actor: User,
    epci: EPCI,
    title: str,
    year: int,
    description: str = "",
    closes_on: date | None = None,
) -> NeedsSurvey:
    ensure(perms.can_manage_epci, actor, epci.pk)
    questionnaire = questionnaires.services.create_questionnaire(
        actor=actor, epci=epci, title=title, description=description
    )
    survey = NeedsSurvey.objects.create(
        epci=epci, questionnaire=questionnaire, year=year, closes_on=closes_on, created_by=actor
    )
    record_event(
        action="mutualisation.survey.created", actor=actor, epci=epci_ref(epci.pk), target=survey
    )
    return survey


def answer_needs_survey(
    *, actor: User, survey: NeedsSurvey, commune: Commune, values: dict, submit: bool
):
    """A commune answers (or saves a draft) through the questionnaire engine."""
    ensure(perms.can_answer_survey, actor, commune)
    if not survey.is_open:
        raise refuse("L'enquête est close : elle n'accepte plus de réponse.")
    if commune.epci_id != survey.epci_id:
        raise refuse("Cette enquête ne concerne pas votre commune.")
    return questionnaires.services.save_response(
        actor=actor,
        questionnaire=survey.questionnaire,
        commune=commune,
        values=values,
        submit=submit,
    )
