"""A broker outage never loses a publication (R2131-1) nor the information of the councillors
(L5211-40-2): the request answers normally, and the periodic sweep queues what was left undone,
once however often it runs."""

import datetime
from contextlib import contextmanager

import pytest
from django.conf import settings

from conferences.minutes.services import adopt_correction
from conferences.models import Publication
from conferences.publication import services as publication
from conferences.publication.services import publish_deliberations_list, publish_minutes
from conferences.publication.tasks import (
    catch_up_publications,
    distribute_publication,
    publish_document,
)
from core.models import OutboundMessage
from tests.conferences.minutes_setup import (
    hold,
    install_fake_pdf,
    next_session_of,
    recorded_session,
    signed_minutes,
)
from tests.factories import CommuneFactory, MandateFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_pdf(monkeypatch):
    return install_fake_pdf(monkeypatch)


@pytest.fixture
def overdue(monkeypatch):
    """What was queued a moment ago counts as lost (the sweep waits CATCH_UP_AFTER otherwise)."""
    monkeypatch.setattr(publication, "CATCH_UP_AFTER", datetime.timedelta(seconds=-1))


@contextmanager
def _broker_down(task):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("Redis injoignable")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(task, "delay", refuse)
        yield


def _councillors_of(epci, n):
    commune = CommuneFactory(epci=epci)
    people = [PersonFactory(epci=epci) for _ in range(n)]
    for person in people:
        MandateFactory(person=person, commune=commune)
    return people


def test_the_sweep_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert catch_up_publications.name in tasks


def test_a_request_lost_by_the_broker_is_published_and_sent_by_the_sweep(
    epci, secretariat, fake_pdf, monkeypatch, django_capture_on_commit_callbacks
):
    session, items, people = recorded_session(epci, secretariat)
    councillors = _councillors_of(epci, 2)
    with _broker_down(publish_document), django_capture_on_commit_callbacks(execute=True):
        publish_deliberations_list(actor=secretariat, session=session)  # no error for the user
    assert not Publication.objects.exists()
    # Just queued: left to the task that may still be on its way.
    assert publication.requests_to_publish() == []

    monkeypatch.setattr(publication, "CATCH_UP_AFTER", datetime.timedelta(seconds=-1))
    assert publication.requests_to_publish() == [(session.pk, "deliberations", 1, secretariat.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        assert catch_up_publications() == 1
    stored = Publication.objects.get()
    assert (stored.kind, stored.version, stored.published_by) == ("deliberations", 1, secretariat)
    sent = OutboundMessage.objects.filter(category="publication.councillors.deliberations")
    assert sorted(sent.values_list("to_email", flat=True)) == sorted(p.email for p in councillors)

    # Nothing left: the next runs queue nothing and send nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert catch_up_publications() == 0
    assert Publication.objects.count() == 1 and sent.count() == 2
    assert len(fake_pdf) == 1


def test_a_publication_stored_but_never_distributed_is_sent_by_the_sweep(
    epci, secretariat, fake_pdf, overdue, django_capture_on_commit_callbacks
):
    session, items, people = recorded_session(epci, secretariat)
    councillors = _councillors_of(epci, 3)
    with _broker_down(distribute_publication), django_capture_on_commit_callbacks(execute=True):
        publish_deliberations_list(actor=secretariat, session=session)
    stored = Publication.objects.get()
    sent = OutboundMessage.objects.filter(category="publication.councillors.deliberations")
    assert not sent.exists()
    assert publication.requests_to_publish() == []  # stored: not rendered again
    assert publication.publications_to_distribute() == [stored.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert catch_up_publications() == 1
    assert sent.count() == 3
    assert sorted(sent.values_list("to_email", flat=True)) == sorted(p.email for p in councillors)
    assert publication.publications_to_distribute() == []
    with django_capture_on_commit_callbacks(execute=True):
        assert catch_up_publications() == 0
    assert sent.count() == 3


def test_minutes_superseded_by_a_correction_are_not_caught_up(
    epci, secretariat, fake_pdf, overdue, django_capture_on_commit_callbacks
):
    session, people, minutes, version = signed_minutes(epci, secretariat)
    with _broker_down(publish_document), django_capture_on_commit_callbacks(execute=True):
        publish_minutes(actor=secretariat, minutes=minutes)
    assert publication.requests_to_publish() == [(session.pk, "minutes", 1, secretariat.pk)]
    adopt_correction(
        actor=secretariat,
        minutes=minutes,
        debates_html="<p>corrigé</p>",
        correction_note="Coquille.",
        adopting_session=hold(next_session_of(session, days=40)),
    )
    assert publication.requests_to_publish() == []
