"""core.queue: a task is queued after the commit, a broker that is down is logged and never an
error for the user (the periodic sweeps catch up), and a task's own bug is not hidden."""

import logging

import pytest
from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from kombu.exceptions import OperationalError

from core import queue

pytestmark = pytest.mark.django_db

CALLS = []


@shared_task(name="tests.core.test_queue.record")
def record(*args, **kwargs):
    CALLS.append((args, kwargs))
    return len(CALLS)


@pytest.fixture(autouse=True)
def _clean():
    CALLS.clear()
    cache.clear()


def _broker_down(monkeypatch, task, error):
    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(task, "delay", refuse)


def test_enqueue_on_commit_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue_on_commit(record, 1, kind="x")
        assert CALLS == []
    assert CALLS == [((1,), {"kind": "x"})]


def test_nothing_is_queued_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue.enqueue_on_commit(record, 1)
        raise RuntimeError
    assert CALLS == []


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError("Redis injoignable"),
        TimeoutError("délai dépassé"),
        OperationalError("Error 111 connecting to localhost:6379"),
    ],
)
def test_a_broker_that_is_down_is_logged_not_raised(monkeypatch, caplog, error):
    _broker_down(monkeypatch, record, error)
    with caplog.at_level(logging.WARNING, logger="core.queue"):
        assert queue.enqueue(record, 7) is False
    assert "tests.core.test_queue.record(7,)" in caplog.text
    assert "relance périodique" in caplog.text


def test_a_bug_in_the_task_is_not_hidden(monkeypatch):
    _broker_down(monkeypatch, record, KeyError("bogue"))
    with pytest.raises(KeyError):
        queue.enqueue(record, 7)


def test_enqueue_each_stops_at_the_first_broker_error(monkeypatch):
    assert queue.enqueue_each(record, [1, (2, "b"), 3]) == 3
    assert CALLS == [((1,), {}), ((2, "b"), {}), ((3,), {})]
    _broker_down(monkeypatch, record, ConnectionRefusedError())
    assert queue.enqueue_each(record, [4, 5]) == 0


class TestPagesThatQueueWork:
    """Two downloads queue a rendering from a GET: with the broker down they answer as usual
    (the rendering is asked again at the next download)."""

    def test_referral_synthesis(self, client, secretariat, epci, monkeypatch):
        from referrals.consultation.tasks import build_synthesis
        from referrals.models import Referral
        from tests.referrals.factories import ReferralFactory

        referral = ReferralFactory(epci=epci)
        _broker_down(monkeypatch, build_synthesis, ConnectionRefusedError("Redis injoignable"))
        client.force_login(secretariat)
        url = reverse("referrals:synthesis_download", kwargs={"pk": referral.pk})
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert "en cours de préparation" in response.content.decode()
        assert not Referral.objects.get(pk=referral.pk).synthesis_ready

    def test_session_document(
        self, client, epci, secretariat, monkeypatch, django_capture_on_commit_callbacks
    ):
        from conferences.models import RenderedDocument
        from conferences.pdf.tasks import render_session_document
        from tests.conferences.test_pdf_render import sat_session

        session, _, _ = sat_session(epci, secretariat)
        _broker_down(monkeypatch, render_session_document, OperationalError("Redis injoignable"))
        client.force_login(secretariat)
        url = reverse("conferences:session_pdf", kwargs={"pk": session.pk, "kind": "convocation"})
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(url)
        assert response.status_code == 200
        assert "Document en préparation" in response.content.decode()
        document = RenderedDocument.objects.get(session=session, kind="convocation")
        assert document.status == RenderedDocument.Status.PENDING
