"""Races that decide a legal outcome, run for real on PostgreSQL with threads (one connection
each): two secretaries convening the same session at once, and a commune filing its opinion at
23:59:59 on the deadline while the tacit-opinion sweep runs at 00:00. One outcome, no duplicate,
no 500. Simultaneous bookings are raced in tests/mutualisation/test_scheduling.py
(test_two_simultaneous_bookings_of_one_item_exactly_one_wins and its neighbours)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from conferences.models import Convocation, Session
from core.models import OutboundMessage
from governance.models import AuditEvent
from referrals.consultation import services as referral_services
from referrals.consultation import sweeps
from referrals.models import Opinion
from tests.clients import PortalClient as Client
from tests.conferences.factories import AgendaItemFactory, SessionFactory
from tests.factories import MembershipFactory, UserFactory
from tests.referrals.factories import MINIMAL_PDF, OpinionFactory, ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)

PARIS = dt.timezone(dt.timedelta(hours=2))
RECEIVED = dt.date(2026, 3, 16)  # deadline: Tuesday 16 June 2026, 24:00 Paris time
LAST_SECOND = dt.datetime(2026, 6, 16, 23, 59, 59, tzinfo=PARIS)
MIDNIGHT = dt.datetime(2026, 6, 17, 0, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "course réelle entre deux connexions : PostgreSQL seulement (SQLite sérialise les "
            "écritures) ; la CI la joue sur PostgreSQL"
        )


def race(*jobs):
    """Run the jobs at the same instant, each in its thread with its own connection."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results[i] = ("ok", job())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[i] = ("error", exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_secretaries_convening_the_same_session_send_one_convocation_set(epci, council):
    members = [MembershipFactory(body=council) for _ in range(12)]
    session = SessionFactory(body=council, draft=True)
    AgendaItemFactory(session=session)
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(UserFactory(epci=epci, secretariat=True, with_totp=True))
        clients.append(client)
    url = reverse("conferences:session_convene", args=[session.pk])

    results = race(*(lambda c=c: c.post(url) for c in clients))

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert [response.status_code for _, response in results] == [302, 302]
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED
    assert session.version == 1
    assert Convocation.objects.filter(session=session).count() == len(members)
    assert OutboundMessage.objects.count() == len(members)
    assert AuditEvent.objects.filter(action="session.convened").count() == 1


@pytest.mark.parametrize("round_", range(3))
def test_an_opinion_at_235959_and_the_midnight_sweep_give_one_outcome(epci, commune, round_):
    dgs = UserFactory(epci=epci, dgs=True, commune=commune)
    opinion = OpinionFactory(
        referral=ReferralFactory(epci=epci), commune=commune, received_on=RECEIVED
    )

    def file():
        return referral_services.file_opinion(
            actor=dgs,
            opinion=opinion,
            verdict="unfavourable",
            deliberation_on=dt.date(2026, 6, 16),
            deliberation_number="2026-099",
            deliberation_pdf=SimpleUploadedFile("d.pdf", MINIMAL_PDF, "application/pdf"),
            now=LAST_SECOND,
        )

    def sweep():
        return sweeps.record_tacit_opinions(now=MIDNIGHT)

    order = ("file", "sweep") if round_ % 2 == 0 else ("sweep", "file")
    jobs = {"file": file, "sweep": sweep}
    outcomes = dict(zip(order, race(*(jobs[name] for name in order)), strict=True))

    opinion.refresh_from_db()
    filed = AuditEvent.objects.filter(action="referral.opinion_filed").count()
    tacit = AuditEvent.objects.filter(action="referral.tacit_opinion").count()
    if opinion.state == Opinion.State.FILED:
        assert outcomes["file"][0] == "ok"
        assert outcomes["sweep"] == ("ok", 0)
        assert opinion.verdict == Opinion.Verdict.UNFAVOURABLE
        assert (filed, tacit) == (1, 0)
    else:
        assert opinion.state == Opinion.State.TACIT
        assert outcomes["sweep"] == ("ok", 1)
        kind, error = outcomes["file"]
        assert kind == "error" and isinstance(error, ValidationError)
        assert "verrouillée" in " ".join(error.messages)  # a clear message, not a 500
        assert (filed, tacit) == (0, 1)
