"""Needs surveys and the schéma, built on the referrals app: the questionnaire engine
(referrals.questionnaires) holds questions and answers, the consultation is a referral."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from governance.audit import record_event
from governance.models import EPCI, Commune, User
from governance.perms import ensure
from mutualisation import perms
from mutualisation.models import MutualisationSchema, NeedsSurvey
from mutualisation.services.common import epci_ref, refuse
from referrals import questionnaires
from referrals.models import Referral
from referrals.rules import LegalBasis


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
    questionnaire = questionnaires.create_questionnaire(
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
    return questionnaires.save_response(
        actor=actor,
        questionnaire=survey.questionnaire,
        commune=commune,
        values=values,
        submit=submit,
    )


@transaction.atomic
def link_schema_consultation(
    *, actor: User, epci: EPCI, title: str, consultation: Referral | None
) -> MutualisationSchema:
    """Record the schéma and link the referral that consults the municipal councils on it."""
    ensure(perms.can_manage_epci, actor, epci.pk)
    if consultation is not None and (
        consultation.epci_id != epci.pk or consultation.legal_basis != LegalBasis.MUTUALISATION
    ):
        raise refuse("La consultation choisie n'est pas une saisine « schéma de mutualisation ».")
    schema = MutualisationSchema.objects.create(epci=epci, title=title, consultation=consultation)
    record_event(
        action="mutualisation.schema.recorded",
        actor=actor,
        epci=epci_ref(epci.pk),
        target=schema,
        consultation=consultation.pk if consultation else None,
    )
    return schema
