"""Factories of the shared services (names obviously invented)."""

import datetime

import factory
from django.utils import timezone

from mutualisation.models import (
    Booking,
    Convention,
    EquipmentItem,
    Mission,
    ServiceOffer,
    ServiceRequest,
    StaffMember,
    TrainingSession,
)
from tests.factories import CommuneFactory, EPCIFactory, PersonFactory


class ServiceOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOffer

    epci = factory.SubFactory(EPCIFactory)
    kind = ServiceOffer.Kind.LEGAL
    name = factory.Sequence(lambda n: f"Offre {n}")
    response_days = 10

    class Params:
        engineering = factory.Trait(kind=ServiceOffer.Kind.ENGINEERING, max_population=4999)
        secretary = factory.Trait(kind=ServiceOffer.Kind.SECRETARY, max_population=4999)
        equipment = factory.Trait(kind=ServiceOffer.Kind.EQUIPMENT, response_days=None)
        training = factory.Trait(kind=ServiceOffer.Kind.TRAINING, response_days=None)


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention
        skip_postgeneration_save = True

    commune = factory.SubFactory(CommuneFactory)
    epci = factory.SelfAttribute("commune.epci")
    signed_on = datetime.date(2020, 1, 15)
    valid_from = datetime.date(2020, 1, 15)

    class Params:
        unsigned = factory.Trait(signed_on=None)
        expired = factory.Trait(valid_until=datetime.date(2021, 12, 31))

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        if create and extracted:
            self.options.set(extracted)


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRequest

    commune = factory.SubFactory(CommuneFactory)
    epci = factory.SelfAttribute("commune.epci")
    offer = factory.SubFactory(ServiceOfferFactory, epci=factory.SelfAttribute("..epci"))
    subject = factory.Sequence(lambda n: f"Question n° {n}")
    domain = "public_law"
    description = "Une question fictive."
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        accepted = factory.Trait(status=ServiceRequest.Status.ACCEPTED)
        in_progress = factory.Trait(status=ServiceRequest.Status.IN_PROGRESS)
        answered = factory.Trait(status=ServiceRequest.Status.ANSWERED, answer="Réponse.")
        closed = factory.Trait(status=ServiceRequest.Status.CLOSED, answer="Réponse.")


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    epci = factory.SubFactory(EPCIFactory)
    person = factory.SubFactory(PersonFactory, epci=factory.SelfAttribute("..epci"))
    role = StaffMember.Role.DRIVER

    class Params:
        secretary = factory.Trait(role=StaffMember.Role.SECRETARY)


class EquipmentItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EquipmentItem

    epci = factory.SubFactory(EPCIFactory)
    offer = factory.SubFactory(
        ServiceOfferFactory, epci=factory.SelfAttribute("..epci"), equipment=True
    )
    name = factory.Sequence(lambda n: f"Tente {n}")
    kind = EquipmentItem.Kind.TENT

    class Params:
        road_sweeper = factory.Trait(
            kind=EquipmentItem.Kind.ROAD_SWEEPER, name="Balayeuse de voirie", needs_driver=True
        )


def in_days(days, hour=8):
    now = timezone.localtime()
    return (now + datetime.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    item = factory.SubFactory(EquipmentItemFactory)
    epci = factory.SelfAttribute("item.epci")
    commune = factory.SubFactory(CommuneFactory, epci=factory.SelfAttribute("..epci"))
    starts_at = factory.LazyFunction(lambda: in_days(3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=10))


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    secretary = factory.SubFactory(StaffMemberFactory, secretary=True)
    epci = factory.SelfAttribute("secretary.epci")
    commune = factory.SubFactory(CommuneFactory, epci=factory.SelfAttribute("..epci"))
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=4))


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    epci = factory.SubFactory(EPCIFactory)
    offer = factory.SubFactory(
        ServiceOfferFactory, epci=factory.SelfAttribute("..epci"), training=True
    )
    title = factory.Sequence(lambda n: f"Formation fictive {n}")
    starts_at = factory.LazyFunction(lambda: in_days(20, hour=9))
    seats = 2
