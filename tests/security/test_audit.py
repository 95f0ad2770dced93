"""The audit log: append-only through the ORM, every legal event recorded by its service with who
and when, and the secretariat's page (filters, pagination, constant queries) and CSV export."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conferences.convocations import services as convocation
from conferences.publication.services import publish_minutes
from conferences.replies import services as replies
from governance.audit import audit_event, record_event
from governance.models import AuditEvent, Membership
from referrals.consultation import services as referral_services
from referrals.consultation import sweeps
from tests.conferences.factories import AgendaItemFactory, SessionFactory
from tests.conferences.minutes_setup import install_fake_pdf, signed_minutes
from tests.factories import MembershipFactory, UserFactory
from tests.referrals.factories import MINIMAL_PDF, OpinionFactory, ReferralFactory

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 16)  # deadline: Tuesday 16 June 2026, 24:00 Paris time
PARIS = dt.timezone(dt.timedelta(hours=2))


class TestAppendOnly:
    def test_an_event_cannot_be_changed_or_deleted_through_the_orm(self, epci):
        event = record_event(action="test.event", epci=epci)
        event.action = "autre"
        with pytest.raises(ValueError, match="ajout seul"):
            event.save()
        with pytest.raises(ValueError, match="ajout seul"):
            event.delete()
        with pytest.raises(ValueError, match="ajout seul"):
            AuditEvent.objects.filter(pk=event.pk).update(action="autre")
        with pytest.raises(ValueError, match="ajout seul"):
            AuditEvent.objects.filter(pk=event.pk).delete()
        with pytest.raises(ValueError, match="ajout seul"):
            AuditEvent.objects.all().delete()
        with pytest.raises(ValueError, match="ajout seul"):
            AuditEvent.objects.bulk_update([event], ["action"])
        assert AuditEvent.objects.get(pk=event.pk).action == "test.event"

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE governance_auditevent SET action = 'autre' WHERE id = %s",
            "UPDATE governance_auditevent SET actor_id = NULL, action = 'autre' WHERE id = %s",
            "UPDATE governance_auditevent SET at = at WHERE id = %s",
            "DELETE FROM governance_auditevent WHERE id = %s",
        ],
    )
    def test_the_database_itself_refuses_changes_and_deletions(self, epci, secretariat, statement):
        from django.db import DatabaseError, connection, transaction

        if statement.startswith("DELETE") and connection.vendor == "sqlite":
            pytest.skip("SQLite empties tables with DELETE (flush): no DELETE trigger there")
        event = record_event(action="test.event", actor=secretariat, epci=epci, n=1)
        with (
            pytest.raises(DatabaseError, match="ajout seul"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
        row = AuditEvent.objects.values("action", "actor_id", "data").get(pk=event.pk)
        assert row == {"action": "test.event", "actor_id": secretariat.pk, "data": {"n": 1}}

    def test_a_deleted_account_leaves_its_events_without_an_actor(self, epci):
        user = UserFactory(epci=epci)
        event = record_event(action="test.event", actor=user, epci=epci)
        user.delete()
        kept = AuditEvent.objects.get(pk=event.pk)
        assert (kept.actor_id, kept.action, kept.epci_id) == (None, "test.event", epci.pk)

    def test_an_epci_with_a_legal_history_cannot_be_deleted(self, epci):
        from django.db.models import ProtectedError

        record_event(action="test.event", epci=epci)
        with pytest.raises(ProtectedError):
            epci.delete()


def _event(action):
    event = AuditEvent.objects.get(action=action)
    assert event.at is not None and abs(timezone.now() - event.at) < dt.timedelta(minutes=5)
    return event


class TestLegalEventsAreRecordedByTheirServices:
    def test_convocation_sent(self, epci, secretariat, council, django_capture_on_commit_callbacks):
        MembershipFactory(body=council)
        session = SessionFactory(body=council, draft=True)
        AgendaItemFactory(session=session)
        with django_capture_on_commit_callbacks(execute=True):
            convocation.convene_session(actor=secretariat, session=session)
        event = _event("session.convened")
        assert (event.actor, event.epci, event.object_id) == (secretariat, epci, str(session.pk))
        assert event.data["recipients"] == 1

    def test_reply_to_a_convocation(self, epci, council, elected):
        MembershipFactory(body=council, person=elected.person, role=Membership.Role.MEMBER)
        session = SessionFactory(body=council)
        replies.reply_to_convocation(user=elected, session=session, answer="present")
        event = _event("reply.filed")
        assert event.actor == elected
        assert event.data["answer"] == "present"

    def test_opinion_filed_by_the_commune(self, epci, commune, dgs):
        opinion = OpinionFactory(
            referral=ReferralFactory(epci=epci), commune=commune, received_on=RECEIVED
        )
        referral_services.file_opinion(
            actor=dgs,
            opinion=opinion,
            verdict="favourable",
            deliberation_on=dt.date(2026, 5, 20),
            deliberation_number="2026-042",
            deliberation_pdf=SimpleUploadedFile("d.pdf", MINIMAL_PDF, "application/pdf"),
            now=dt.datetime(2026, 6, 1, 10, 0, tzinfo=PARIS),
        )
        event = _event("referral.opinion_filed")
        assert (event.actor, event.object_id) == (dgs, str(opinion.pk))
        assert event.data["commune"] == commune.insee_code

    def test_tacit_opinion_recorded_by_the_sweep(self, epci, commune):
        opinion = OpinionFactory(
            referral=ReferralFactory(epci=epci), commune=commune, received_on=RECEIVED
        )
        sweeps.record_tacit_opinions(now=dt.datetime(2026, 6, 17, 0, 0, tzinfo=PARIS))
        event = _event("referral.tacit_opinion")
        assert event.actor is None  # the rule acted, not a person: shown as "Système"
        assert event.object_id == str(opinion.pk)
        assert "aucune réponse dans le délai" in event.data["rule"]

    def test_minutes_adopted_and_published(self, epci, secretariat, monkeypatch):
        install_fake_pdf(monkeypatch)
        session, people, minutes, version = signed_minutes(epci, secretariat)
        adopted = _event("minutes.adopted")
        assert (adopted.actor, adopted.epci, adopted.object_id) == (
            secretariat,
            epci,
            str(minutes.pk),
        )
        assert adopted.data["version"] == 1
        publish_minutes(actor=secretariat, minutes=minutes)
        published = _event("minutes.published")
        assert (published.actor, published.object_id) == (secretariat, str(minutes.pk))
        assert published.data["version"] == version.number


@pytest.fixture
def events(epci, other_epci, secretariat):
    """Three events of our EPCI on two days, one of another EPCI."""
    made = [
        record_event(action="session.convened", actor=secretariat, epci=epci, recipients=3),
        record_event(action="referral.tacit_opinion", epci=epci, commune="68224"),
        record_event(action="referral.opinion_filed", actor=secretariat, epci=epci),
        record_event(action="session.convened", epci=other_epci),
    ]
    return made


def _dated(action, day, **kwargs):
    """An event written on a given day (the log refuses any later change, even to back-date)."""
    event = audit_event(action=action, **kwargs)
    event.at = dt.datetime.combine(day, dt.time(12), tzinfo=PARIS)
    event.save()
    return event


class TestAuditLogPage:
    url = reverse("governance:audit_log")

    def test_only_the_secretariat_reads_its_epci_log(self, client, events, dgs, epci):
        client.force_login(dgs)
        assert client.get(self.url).status_code == 403
        client.force_login(UserFactory(epci=epci, agent=True))
        assert client.get(self.url).status_code == 403
        client.force_login(events[0].actor)
        response = client.get(self.url)
        assert response.status_code == 200
        assert [e.pk for e, _ in response.context["events"]] == [e.pk for e in events[2::-1]]
        assert "Avis tacite constaté" in response.content.decode()

    def test_filters_by_action_and_day(self, client, epci, secretariat):
        january = _dated("session.convened", dt.date(2026, 1, 10), actor=secretariat, epci=epci)
        _dated("referral.tacit_opinion", dt.date(2026, 2, 10), epci=epci)
        client.force_login(secretariat)
        response = client.get(self.url, {"action": "session.convened"})
        assert [e.pk for e, _ in response.context["events"]] == [january.pk]
        response = client.get(self.url, {"start": "2026-01-01", "end": "2026-01-31"})
        assert [e.pk for e, _ in response.context["events"]] == [january.pk]
        response = client.get(self.url, {"start": "pas-une-date", "action": "inconnue"})
        assert response.status_code == 200  # a bad filter shows the form errors, no 500
        assert "Saisissez une date valide" in response.content.decode()

    def test_paginated_in_constant_queries(
        self, client, secretariat, epci, django_assert_num_queries
    ):
        client.force_login(secretariat)
        record_event(action="a", actor=secretariat, epci=epci)
        # Session, user, TOTP check; the actions, the count, the page; the EPCI (portal header).
        with django_assert_num_queries(7):
            client.get(self.url)
        for i in range(120):
            record_event(action=f"action.{i % 3}", actor=secretariat, epci=epci)
        with django_assert_num_queries(7):
            response = client.get(self.url, {"page": 2})
        assert len(response.context["events"]) == 50
        assert response.context["page"].number == 2
        assert 'rel="next"' in response.content.decode()

    def test_csv_export_is_filtered_and_neutralises_formulas(self, client, events, secretariat):
        record_event(action="mailbox.posted", epci=secretariat.epci, subject="=HYPERLINK(1)")
        client.force_login(secretariat)
        response = client.get(reverse("governance:audit_export"), {"action": "mailbox.posted"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        lines = text.strip().splitlines()
        assert lines[0].startswith("date;action;")
        assert len(lines) == 2
        assert "système" in lines[1]
        assert ";=HYPERLINK" not in text  # a JSON cell, not a formula
        all_lines = b"".join(client.get(reverse("governance:audit_export")).streaming_content)
        assert all_lines.decode("utf-8-sig").count("\n") == 5  # header + our 4, not the other EPCI

    def test_the_export_reads_the_whole_log_in_keyset_chunks(self, epci):
        """Chunks smaller than the log, events sharing a timestamp across a chunk boundary:
        every event once, newest first."""
        from governance.audit.selectors import newest_first

        same = dt.date(2026, 3, 1)
        made = [_dated(f"test.{n}", same, epci=epci) for n in range(5)]
        made += [_dated(f"test.{n}", dt.date(2026, 2, n + 1), epci=epci) for n in range(5, 8)]
        expected = sorted(made, key=lambda e: (e.at, e.pk), reverse=True)
        read = list(newest_first(AuditEvent.objects.filter(epci=epci), size=3))
        assert [e.pk for e in read] == [e.pk for e in expected]

    def test_formula_cells_are_prefixed(self):
        from core.exports import neutralise

        assert neutralise("=1+1") == "'=1+1"
        assert neutralise("@SUM") == "'@SUM"
        assert neutralise("Convocation") == "Convocation"
