"""factory-boy factories for the conferences app (sessions, agenda, replies, mayors' requests).

Append what a test needs; renaming what exists breaks the other modules that share them."""

import datetime

import factory
from django.utils import timezone

from conferences.models import (
    AgendaDocument,
    AgendaItem,
    CalendarFeed,
    Convocation,
    MayorsRequest,
    MayorsRequestSignature,
    Proxy,
    Reply,
    Session,
)
from governance.rules import BodyKind
from tests.factories import BodyFactory, CommuneFactory, PersonFactory, UserFactory


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"Séance de test {n}")
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=20)).replace(
            hour=18, minute=0, second=0, microsecond=0
        )
    )
    place_commune = factory.SubFactory(CommuneFactory, epci=factory.SelfAttribute("..body.epci"))
    address = "1 place de la Mairie"
    status = Session.Status.CONVENED

    class Params:
        draft = factory.Trait(status=Session.Status.DRAFT)
        cancelled = factory.Trait(status=Session.Status.CANCELLED)
        past = factory.Trait(
            starts_at=factory.LazyFunction(
                lambda: (timezone.now() - datetime.timedelta(days=20)).replace(
                    hour=18, minute=0, second=0, microsecond=0
                )
            ),
            status=Session.Status.HELD,
        )
        on_mayors_request = factory.Trait(origin=Session.Origin.MAYORS_REQUEST)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(SessionFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Point de l'ordre du jour {n}")
    kind = AgendaItem.Kind.DELIBERATION


class AgendaDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaDocument

    item = factory.SubFactory(AgendaItemFactory)
    file = factory.django.FileField(filename="note.pdf", data=b"%PDF-1.4\n%%EOF\n")
    name = factory.Sequence(lambda n: f"Note de synthèse {n}.pdf")
    size = 15
    content_type = "application/pdf"


class ConvocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convocation

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory, epci=factory.SelfAttribute("..session.body.epci"))
    email = factory.SelfAttribute("person.email")


class ProxyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proxy

    first_session = factory.SubFactory(SessionFactory)
    body = factory.SelfAttribute("first_session.body")
    giver = factory.SubFactory(PersonFactory, epci=factory.SelfAttribute("..body.epci"))
    holder = factory.SubFactory(PersonFactory, epci=factory.SelfAttribute("..body.epci"))


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory, epci=factory.SelfAttribute("..session.body.epci"))
    answer = Reply.Answer.PRESENT


class MayorsConferenceFactory(BodyFactory):
    kind = BodyKind.MAYORS_CONFERENCE
    name = factory.Sequence(lambda n: f"Conférence des maires {n}")


class MayorsRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MayorsRequest

    body = factory.SubFactory(MayorsConferenceFactory)
    subject = factory.Sequence(lambda n: f"Demande de réunion {n}")
    created_by = factory.SubFactory(PersonFactory, epci=factory.SelfAttribute("..body.epci"))
    threshold = 2


class MayorsRequestSignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MayorsRequestSignature

    request = factory.SubFactory(MayorsRequestFactory)
    person = factory.SubFactory(PersonFactory, epci=factory.SelfAttribute("..request.body.epci"))
    commune = factory.SubFactory(CommuneFactory, epci=factory.SelfAttribute("..request.body.epci"))


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)
