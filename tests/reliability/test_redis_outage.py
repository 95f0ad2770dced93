"""Redis (the Celery broker) stops while the secretariat convenes a session: the page still
answers quickly, nothing is lost (the outbox rows wait, PENDING), and once Redis is back the
periodic sweep (core.tasks.requeue_unsent_messages) sends everything, once.

A PRIVATE redis-server on a free port is started and stopped by the test; the system Redis is
never touched. The second test also needs PostgreSQL (the worker shares the test database)."""

import time

import pytest
from django.urls import reverse

from conferences.models import Session
from core.models import OutboundMessage
from tests.conferences.factories import AgendaItemFactory, SessionFactory
from tests.factories import MembershipFactory
from tests.reliability.conftest import needs_postgres, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

MEMBERS = 25
# A dead broker may cost the page this much, at most (settings: broker_connection_timeout,
# socket_connect_timeout, task_publish_retry_policy).
BUDGET_SECONDS = 3


@pytest.fixture
def draft_session(council):
    for _ in range(MEMBERS):
        MembershipFactory(body=council)
    session = SessionFactory(body=council, draft=True)
    AgendaItemFactory(session=session)
    return session


def _convene_with_redis_down(client, secretariat, session, private_redis, publishing_to):
    publishing_to(private_redis.url)
    private_redis.stop()
    client.force_login(secretariat)
    started = time.monotonic()
    response = client.post(reverse("conferences:session_convene", args=[session.pk]))
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == reverse("conferences:session_detail", args=[session.pk])
    assert elapsed < BUDGET_SECONDS, f"la page a attendu le broker {elapsed:.1f} s"
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED
    assert OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING).count() == MEMBERS
    page = client.get(reverse("conferences:session_detail", args=[session.pk]))
    assert page.status_code == 200
    assert "Convocation envoyée" in page.content.decode()


def test_the_convene_page_answers_and_keeps_every_message_while_redis_is_down(
    client, secretariat, draft_session, private_redis, publishing_to
):
    _convene_with_redis_down(client, secretariat, draft_session, private_redis, publishing_to)


def test_once_redis_is_back_the_sweep_sends_everything_once(
    client,
    secretariat,
    draft_session,
    private_redis,
    publishing_to,
    smtp_sink,
    start_worker,
):
    needs_postgres()
    _convene_with_redis_down(client, secretariat, draft_session, private_redis, publishing_to)
    private_redis.start()  # same port: the broker is back, empty (no persistence)
    worker = start_worker(broker=private_redis.url, smtp_port=smtp_sink.port, lease=600)
    from core.tasks import requeue_unsent_messages

    requeue_unsent_messages.delay()  # what beat does every minute
    sent = wait_for(
        lambda: (
            OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT).count() == MEMBERS
        ),
        timeout=60,
        interval=0.2,
    )
    assert sent, worker.tail()
    per_recipient = smtp_sink.per_recipient()
    assert len(per_recipient) == MEMBERS
    assert set(per_recipient.values()) == {1}
