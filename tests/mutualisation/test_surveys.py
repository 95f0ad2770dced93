"""Needs surveys reuse the questionnaire engine; analysis by size bracket and sector."""

import pytest
from django.urls import reverse

import questionnaires.forms
import questionnaires.services
from mutualisation.models import SCHEMA_CONSULTATION_BASIS, MutualisationSchema
from mutualisation.reports import services as schema_services
from mutualisation.surveys import selectors as surveys
from mutualisation.surveys import services as survey_services
from questionnaires.models import Question, Questionnaire
from referrals.consultation.rules import LegalBasis
from tests.factories import CommuneFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "population,bracket",
    [
        (None, "unknown"),
        (150, "small"),
        (2000, "small"),
        (2001, "medium"),
        (5000, "medium"),
        (5001, "large"),
    ],
)
def test_brackets(population, bracket):
    assert surveys.bracket_of(population) == bracket


@pytest.fixture
def survey(secretariat, epci):
    survey = survey_services.create_needs_survey(
        actor=secretariat, epci=epci, title="Besoins 2025", year=2025
    )
    questionnaires.services.add_question(
        actor=secretariat,
        questionnaire=survey.questionnaire,
        label="Besoin d'un DPO mutualisé ?",
        kind=Question.Kind.CHOICE,
        choices=["Oui", "Non"],
        required=True,
    )
    questionnaires.services.add_question(
        actor=secretariat,
        questionnaire=survey.questionnaire,
        label="Jours de secrétariat par an",
        kind=Question.Kind.NUMBER,
    )
    return survey


def test_survey_is_a_referrals_questionnaire(survey):
    assert Questionnaire.objects.get() == survey.questionnaire
    assert survey.questionnaire.questions.count() == 2


def test_analysis_by_bracket_and_sector(survey, epci, secretariat):
    north, south = SectorFactory(epci=epci, name="Nord"), SectorFactory(epci=epci, name="Sud")
    dpo, days = survey.questionnaire.questions.order_by("position", "pk")
    answers = [
        (800, north, "Oui", 10),
        (1900, north, "Oui", 5),
        (3000, south, "Non", 2),
        (9000, south, "Oui", None),
    ]
    for population, sector, choice, number in answers:
        commune = CommuneFactory(epci=epci, population=population, sector=sector)
        survey_services.answer_needs_survey(
            actor=secretariat,
            survey=survey,
            commune=commune,
            values={
                questionnaires.forms.field_name(dpo): choice,
                questionnaires.forms.field_name(days): number,
            },
            submit=True,
        )
    draft = CommuneFactory(epci=epci, population=100, sector=north)
    survey_services.answer_needs_survey(
        actor=secretariat,
        survey=survey,
        commune=draft,
        values={questionnaires.forms.field_name(dpo): "Non"},
        submit=False,
    )
    result = surveys.analyse(survey)
    assert result["respondents"] == {
        "2 000 habitants ou moins": 2,
        "2 001 à 5 000 habitants": 1,
        "Plus de 5 000 habitants": 1,
        "Population inconnue": 0,
    }
    dpo_result, days_result = result["questions"]
    assert dict(dpo_result.by_bracket["2 000 habitants ou moins"]["counts"]) == {"Oui": 2}
    assert dict(dpo_result.by_sector["Sud"]["counts"]) == {"Non": 1, "Oui": 1}
    assert days_result.by_bracket["2 000 habitants ou moins"]["total"] == 15
    assert days_result.by_sector["Sud"]["responses"] == 1


def test_pages(client, survey, dgs, agent, outsider):
    client.force_login(dgs)
    assert client.get(reverse("mutualisation:survey_detail", args=[survey.pk])).status_code == 403
    answer = reverse("mutualisation:survey_answer", args=[survey.pk])
    assert client.get(answer).status_code == 200
    dpo = survey.questionnaire.questions.order_by("position", "pk").first()
    response = client.post(answer, {questionnaires.forms.field_name(dpo): "Oui", "submit": "1"})
    assert response.status_code == 302
    client.force_login(agent)
    page = client.get(reverse("mutualisation:survey_detail", args=[survey.pk]))
    assert page.status_code == 200
    assert "Oui : 1" in page.content.decode()
    client.force_login(outsider)
    assert client.get(reverse("mutualisation:survey_detail", args=[survey.pk])).status_code == 404


def test_schema_links_a_mutualisation_referral_only(secretariat, epci):
    from django.core.exceptions import ValidationError

    from referrals.models import Referral

    good = Referral.objects.create(
        epci=epci, subject="Schéma 2026", legal_basis=LegalBasis.MUTUALISATION, silence="favourable"
    )
    other = Referral.objects.create(
        epci=epci, subject="PLUi", legal_basis=LegalBasis.PLUI, silence="favourable"
    )
    schema = schema_services.link_schema_consultation(
        actor=secretariat, epci=epci, title="Schéma 2026-2032", consultation=good
    )
    assert schema.consultation == good
    with pytest.raises(ValidationError):
        schema_services.link_schema_consultation(
            actor=secretariat, epci=epci, title="x", consultation=other
        )


def test_schema_consultation_basis_is_the_referrals_preset(epci):
    """Mutualisation names the legal basis without importing referrals: the two must agree, and
    the schéma form offers only the EPCI's referrals of that basis."""
    from referrals.models import Referral

    assert SCHEMA_CONSULTATION_BASIS == LegalBasis.MUTUALISATION
    good = Referral.objects.create(
        epci=epci, subject="Schéma", legal_basis=LegalBasis.MUTUALISATION, silence="favourable"
    )
    Referral.objects.create(
        epci=epci, subject="PLUi", legal_basis=LegalBasis.PLUI, silence="favourable"
    )
    assert list(MutualisationSchema.consultation_choices(epci.pk)) == [good]
