"""Factories of the referrals app (names invented). The deadline fields of an Opinion are always
computed by the legal calendar from its received_on, as the services do."""

import csv
import datetime
from pathlib import Path

import factory
from django.utils import timezone

from governance.legal_calendar import consultation_deadline
from referrals.consultation.rules import LegalBasis, Majority, Silence, preset_for
from referrals.models import (
    MailboxMessage,
    MailboxThread,
    Opinion,
    Referral,
)
from tests.factories import CommuneFactory, EPCIFactory, SectorFactory, UserFactory

DATA = Path(__file__).parent / "data"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    epci = factory.SubFactory(EPCIFactory)
    subject = factory.Sequence(lambda n: f"Saisine de test {n}")
    legal_basis = LegalBasis.COMPETENCE
    reference = "CGCT L5211-17"
    deadline_months = 3
    silence = Silence.FAVOURABLE
    majority = Majority.PERIMETER
    status = Referral.Status.OPEN
    sent_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(status=Referral.Status.DRAFT, sent_at=None)
        closed = factory.Trait(
            status=Referral.Status.CLOSED, closed_at=factory.LazyFunction(timezone.now)
        )
        clect = factory.Trait(
            legal_basis=LegalBasis.CLECT,
            silence=Silence.NOT_APPROVED,
            majority=Majority.CLECT,
            reference=preset_for(LegalBasis.CLECT).reference,
        )
        governance_pact = factory.Trait(
            legal_basis=LegalBasis.GOVERNANCE_PACT,
            deadline_months=2,
            silence=Silence.NOTHING,
            majority=Majority.NONE,
            reference="CGCT L5211-11-2",
        )
        data_collection = factory.Trait(
            legal_basis=LegalBasis.DATA_COLLECTION,
            deadline_months=0,
            deadline_days=30,
            silence=Silence.NOTHING,
            majority=Majority.NONE,
            questionnaire=factory.SubFactory(
                "tests.questionnaires.factories.QuestionnaireFactory",
                epci=factory.SelfAttribute("..epci"),
            ),
        )


class OpinionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opinion

    referral = factory.SubFactory(ReferralFactory)
    commune = factory.SubFactory(CommuneFactory, epci=factory.SelfAttribute("..referral.epci"))
    population = factory.LazyAttribute(lambda o: o.commune.population or 0)
    sent_at = factory.LazyAttribute(lambda o: o.referral.sent_at)
    received_on = None

    class Params:
        filed = factory.Trait(
            state=Opinion.State.FILED,
            verdict=Opinion.Verdict.FAVOURABLE,
            deliberation_on=datetime.date(2026, 1, 15),
            deliberation_number="2026-01",
            filed_at=factory.LazyFunction(timezone.now),
        )
        unfavourable = factory.Trait(
            state=Opinion.State.FILED,
            verdict=Opinion.Verdict.UNFAVOURABLE,
            deliberation_on=datetime.date(2026, 1, 15),
            deliberation_number="2026-02",
            filed_at=factory.LazyFunction(timezone.now),
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        received_on = kwargs.get("received_on")
        referral = kwargs["referral"]
        if received_on is not None:
            deadline = consultation_deadline(
                received_on=received_on,
                departement=kwargs["commune"].departement,
                months=referral.deadline_months,
                days=referral.deadline_days,
            )
            kwargs.update(
                receipt_method=kwargs.get("receipt_method") or "paper",
                deadline_nominal=deadline.nominal,
                deadline_effective=deadline.effective,
                deadline_rule=deadline.rule,
                deadline_ends_at=deadline.ends_at,
            )
        return super()._create(model_class, *args, **kwargs)


class MailboxThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailboxThread
        skip_postgeneration_save = True

    epci = factory.SubFactory(EPCIFactory)
    theme = "mobility"
    subject = factory.Sequence(lambda n: f"Question de maire {n}")
    author = factory.SubFactory(UserFactory, epci=factory.SelfAttribute("..epci"))
    message = factory.RelatedFactory(
        "tests.referrals.factories.MailboxMessageFactory", factory_related_name="thread"
    )


class MailboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailboxMessage

    thread = factory.SubFactory(MailboxThreadFactory)
    author = factory.SelfAttribute("thread.author")
    body = "Bonjour, une question sur la voirie."


def real_communes(filename: str, epci, departement: str, sectors: int = 0):
    """The real communes of an EPCI from tests/referrals/data (INSEE populations)."""
    sector_objs = [SectorFactory(epci=epci) for _ in range(sectors)]
    communes = []
    with open(DATA / filename, encoding="utf-8") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            communes.append(
                CommuneFactory(
                    epci=epci,
                    insee_code=row["code_insee"],
                    name=row["name"],
                    population=int(row["population"]),
                    departement=departement,
                    sector=sector_objs[i % sectors] if sectors else None,
                )
            )
    return communes


def m2a(epci, sectors: int = 0):
    return real_communes("m2a_mulhouse_alsace_agglomeration_communes.csv", epci, "68", sectors)


def amp(epci, sectors: int = 0):
    return real_communes("aix_marseille_provence_metropole_communes.csv", epci, "13", sectors)
