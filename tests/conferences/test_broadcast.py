"""The opinions of the conférence des maires go to every municipal councillor of the member
communes (L5211-40-2): thousands of messages, exactly one each, even when the task runs twice."""

import datetime

import pytest
from django.core import mail

from conferences.minutes.services import AlreadyDone
from conferences.models import AgendaItem, Publication, Session
from conferences.publication.selectors import municipal_councillors
from conferences.publication.services import publish_opinions
from conferences.publication.tasks import distribute_publication
from conferences.sitting.services import record_opinion
from core.models import OutboundMessage
from core.services import deliver_message
from governance.models import Mandate, Person
from tests.conferences.factories import AgendaItemFactory, MayorsConferenceFactory
from tests.conferences.minutes_setup import install_fake_pdf
from tests.conferences.sitting_setup import convened
from tests.factories import CommuneFactory, EPCIFactory, MandateFactory

pytestmark = pytest.mark.django_db

RECIPIENTS = 3000


def bulk_councillors(epci, n, *, communes=30):
    """n people with a current municipal mandate spread over `communes` communes (bulk)."""
    places = [CommuneFactory(epci=epci) for _ in range(communes)]
    people = Person.objects.bulk_create(
        [
            Person(
                epci=epci,
                first_name=f"Prénom{i}",
                last_name=f"CONSEILLER{i:05d}",
                email=f"conseiller{i}@exemple.test",
                match_key=f"CONSEILLER{i:05d}|PRENOM{i}",
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    kinds = (Mandate.Kind.MAYOR, Mandate.Kind.DEPUTY_MAYOR, Mandate.Kind.MUNICIPAL_COUNCILLOR)
    Mandate.objects.bulk_create(
        [
            Mandate(
                person=p,
                commune=places[i % communes],
                kind=kinds[0] if i < communes else kinds[1 + i % 2],
                start_date=datetime.date(2020, 7, 1),
            )
            for i, p in enumerate(people)
        ],
        batch_size=1000,
    )
    return people, places


@pytest.fixture
def conference(epci, secretariat):
    body = MayorsConferenceFactory(epci=epci)
    session = convened(body, days=0, status=Session.Status.CONVENED)
    items = [
        AgendaItemFactory(session=session, position=i + 1, kind=AgendaItem.Kind.OPINION)
        for i in range(2)
    ]
    record_opinion(actor=secretariat, item=items[0], opinion="Avis favorable au schéma.")
    Session.objects.filter(pk=session.pk).update(status=Session.Status.HELD)
    session.refresh_from_db()
    return session


def test_recipients_once_each_with_an_email_and_a_current_mandate(epci, conference):
    people, places = bulk_councillors(epci, 4, communes=2)
    MandateFactory(person=people[0], commune=places[1])  # two mandates: still one message
    MandateFactory(
        person__epci=epci, commune=places[0], end_date=datetime.date(2021, 1, 1)
    )  # ended
    MandateFactory(person__epci=epci, person__email="", commune=places[0])  # no email
    MandateFactory(person__epci=epci, commune=places[0], dgs=True)  # not an elected
    MandateFactory(commune=CommuneFactory(epci=EPCIFactory()))  # another EPCI
    day = datetime.date.today()
    assert [r["pk"] for r in municipal_councillors(epci_id=epci.pk, day=day)] == [
        p.pk for p in people
    ]


def test_broadcast_to_thousands_exactly_once(
    epci, secretariat, conference, monkeypatch, django_capture_on_commit_callbacks
):
    install_fake_pdf(monkeypatch)
    people, _ = bulk_councillors(epci, RECIPIENTS)
    # Publishing queues the rendering, which queues the broadcast, which queues the sending.
    with django_capture_on_commit_callbacks() as rendering:
        publish_opinions(actor=secretariat, session=conference)
    with django_capture_on_commit_callbacks() as distributing:
        rendering[0]()  # publish_document
    publication = Publication.objects.get(kind="opinions")
    with django_capture_on_commit_callbacks() as sending:
        distributing[0]()  # distribute_publication
    messages = OutboundMessage.objects.filter(category="publication.opinions")
    assert messages.count() == RECIPIENTS
    first = messages.get(to_email="conseiller0@exemple.test")
    assert first.dedup_key == f"opinions:{conference.pk}:v1:{people[0].pk}"
    assert first.body_text.startswith("Bonjour Prénom0 CONSEILLER00000,")
    assert "Avis favorable au schéma." in first.body_text
    assert first.subject.startswith("Avis de la Conférence des maires")

    # The task runs again (redelivery) and the secretariat clicks again: nothing more queued.
    with django_capture_on_commit_callbacks(execute=True):
        assert distribute_publication.delay(publication.pk).get() == 0
    with pytest.raises(AlreadyDone):
        publish_opinions(actor=secretariat, session=conference)
    assert messages.count() == RECIPIENTS

    # Sending by id, each id handed out twice (a retried enqueue): one mail per recipient.
    ids = list(messages.values_list("pk", flat=True))
    for pk in ids:
        deliver_message(pk)
    assert [deliver_message(pk) for pk in ids[:100]] == ["already-handled"] * 100
    assert len(sending) == 1  # the outbox's own enqueue, replaced by the loop above
    assert messages.filter(status=OutboundMessage.Status.SENT).count() == RECIPIENTS
    assert len(mail.outbox) == RECIPIENTS
    assert len({m.to[0] for m in mail.outbox}) == RECIPIENTS
