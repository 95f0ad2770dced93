"""Factories of the questionnaire engine (names invented)."""

import factory

import questionnaires.services
from questionnaires.models import Question, Questionnaire
from tests.factories import EPCIFactory


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    epci = factory.SubFactory(EPCIFactory)
    title = factory.Sequence(lambda n: f"Recensement {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    position = factory.Sequence(lambda n: n)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = Question.Kind.TEXT


def equipment_questionnaire(*, epci, actor):
    """A questionnaire with one question of each kind, the number one required."""
    q = questionnaires.services.create_questionnaire(actor=actor, epci=epci, title="Équipements")
    add = questionnaires.services.add_question
    add(actor=actor, questionnaire=q, label="Gymnases", kind="number", required=True)
    add(
        actor=actor,
        questionnaire=q,
        label="Gestion",
        kind="choice",
        choices=["Régie", "Délégation"],
    )
    add(actor=actor, questionnaire=q, label="Mise en service", kind="date")
    add(actor=actor, questionnaire=q, label="Remarques", kind="text")
    add(actor=actor, questionnaire=q, label="Plan", kind="file")
    return q
