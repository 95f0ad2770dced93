"""Convening on legal notice, recipients, exactly-once sending, updates, read receipts,
reminders."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.convocations import services as conv
from conferences.models import Convocation, Session
from conferences.sessions import services as scheduling
from core import tasks as core_tasks
from core.models import OutboundMessage
from governance.models import Mandate, Membership
from governance.rules import BodyKind
from tests.conferences.factories import AgendaItemFactory, ReplyFactory, SessionFactory
from tests.factories import (
    BodyFactory,
    CommuneFactory,
    MandateFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(func, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(**kwargs)

    return run


def _session(body, when, **kwargs):
    session = SessionFactory(body=body, starts_at=when, draft=True, **kwargs)
    AgendaItemFactory(session=session, position=1, title="Budget primitif")
    return session


def _council_with_members(epci, n=3):
    council = BodyFactory(epci=epci, kind=BodyKind.COUNCIL, name="Conseil")
    members = [MembershipFactory(body=council) for _ in range(n)]
    return council, members


class TestNotice:
    def test_thursday_council_with_5_jours_francs_last_sending_previous_friday(self, epci):
        council, _ = _council_with_members(epci)
        session = _session(council, datetime.datetime(2026, 12, 10, 18, 0, tzinfo=PARIS))
        check = conv.notice_check(session, now=datetime.datetime(2026, 12, 4, 23, 59, tzinfo=PARIS))
        assert check.last_sending_day == datetime.date(2026, 12, 4)  # the previous Friday
        assert check.on_time
        late = conv.notice_check(session, now=datetime.datetime(2026, 12, 5, 0, 1, tzinfo=PARIS))
        assert not late.on_time

    def test_convening_too_late_is_refused_with_the_date(self, epci, secretariat):
        council, _ = _council_with_members(epci)
        session = _session(council, timezone.now() + datetime.timedelta(days=3))
        with pytest.raises(ValidationError) as exc:
            conv.convene_session(actor=secretariat, session=session)
        assert "5 jours francs est dépassé" in exc.value.messages[0]
        session.refresh_from_db()
        assert session.status == Session.Status.DRAFT
        assert not Convocation.objects.exists()

    def test_emergency_needs_a_reason_and_is_shown(self, epci, secretariat, run_on_commit):
        council, _ = _council_with_members(epci)
        session = _session(council, timezone.now() + datetime.timedelta(days=3))
        with pytest.raises(ValidationError):
            conv.convene_session(actor=secretariat, session=session, emergency=True)
        session, sent = run_on_commit(
            conv.convene_session,
            actor=secretariat,
            session=session,
            emergency=True,
            emergency_reason="Subvention à voter",
        )
        assert sent and session.emergency
        assert "URGENCE : Subvention à voter" in mail.outbox[0].body

    def test_emergency_refused_where_the_body_has_none(self, epci, secretariat):
        group = BodyFactory(epci=epci, kind=BodyKind.WORKING_GROUP)
        MembershipFactory(body=group)
        session = _session(group, timezone.now() + datetime.timedelta(days=2))
        with pytest.raises(ValidationError, match="ne prévoit pas de convocation en urgence"):
            conv.convene_session(
                actor=secretariat, session=session, emergency=True, emergency_reason="x"
            )

    def test_empty_agenda_is_refused(self, epci, secretariat):
        council, _ = _council_with_members(epci)
        session = SessionFactory(body=council, draft=True)
        with pytest.raises(ValidationError, match="ordre du jour est vide"):
            conv.convene_session(actor=secretariat, session=session)


class TestRecipients:
    def test_members_substitute_and_council_copies(self, epci, secretariat):
        council, members = _council_with_members(epci, n=2)
        small = CommuneFactory(epci=epci, population=300)
        titular = MembershipFactory(body=council, commune=small)
        substitute = MembershipFactory(
            body=council, commune=small, role=Membership.Role.SUBSTITUTE, substitute_for=titular
        )
        councillor = PersonFactory(epci=epci)
        MandateFactory(person=councillor, commune=small, kind=Mandate.Kind.MUNICIPAL_COUNCILLOR)
        # A municipal councillor who also sits on the council gets the member convocation only.
        MandateFactory(
            person=members[0].person, commune=small, kind=Mandate.Kind.MUNICIPAL_COUNCILLOR
        )
        ended = MembershipFactory(body=council, end_date=datetime.date(2021, 1, 1))
        session = _session(council, timezone.now() + datetime.timedelta(days=15))
        kinds = {person.pk: kind for person, _, kind in conv.recipients(session)}
        assert kinds[members[0].person_id] == Convocation.Kind.MEMBER
        assert kinds[titular.person_id] == Convocation.Kind.MEMBER
        assert kinds[substitute.person_id] == Convocation.Kind.SUBSTITUTE
        assert kinds[councillor.pk] == Convocation.Kind.COPY
        assert ended.person_id not in kinds
        assert len(kinds) == 5

    def test_no_copies_for_other_bodies(self, epci):
        group = BodyFactory(epci=epci, kind=BodyKind.WORKING_GROUP)
        member = MembershipFactory(body=group)
        MandateFactory(person=PersonFactory(epci=epci), commune=CommuneFactory(epci=epci))
        session = _session(group, timezone.now() + datetime.timedelta(days=15))
        assert [p.pk for p, _, _ in conv.recipients(session)] == [member.person_id]


class TestSending:
    def test_each_recipient_gets_one_mail_with_agenda_link_and_ics(
        self, epci, secretariat, run_on_commit
    ):
        council, members = _council_with_members(epci, n=3)
        session = _session(council, timezone.now() + datetime.timedelta(days=15))
        run_on_commit(conv.convene_session, actor=secretariat, session=session)
        assert sorted(m.to[0].split("<")[-1].rstrip(">") for m in mail.outbox) == sorted(
            m.person.email for m in members
        )
        message = mail.outbox[0]
        assert message.subject.startswith("Convocation — Conseil — ")
        assert "1. Budget primitif" in message.body
        token = Convocation.objects.get(person=members[0].person).token
        assert any(f"/seances/convocation/{token}/" in m.body for m in mail.outbox)
        filename, content, mimetype = message.attachments[0]
        assert filename == "seance.ics" and mimetype.startswith("text/calendar")
        assert "BEGIN:VEVENT" in content and f"seance-{session.pk}@interco" in content

    def test_convening_twice_or_rerunning_tasks_sends_no_second_copy(
        self, epci, secretariat, run_on_commit
    ):
        council, _ = _council_with_members(epci, n=3)
        session = _session(council, timezone.now() + datetime.timedelta(days=15))
        run_on_commit(conv.convene_session, actor=secretariat, session=session)
        _, sent = run_on_commit(conv.convene_session, actor=secretariat, session=session)
        assert sent is False
        for message in OutboundMessage.objects.all():
            core_tasks.send_message(message.pk)  # a redelivered task
        assert core_tasks.requeue_unsent_messages() == 0
        assert len(mail.outbox) == 3
        assert Convocation.objects.count() == 3

    def test_worker_killed_mid_way_then_sweep_sends_the_rest_once(
        self, epci, secretariat, monkeypatch
    ):
        council, _ = _council_with_members(epci, n=4)
        session = _session(council, timezone.now() + datetime.timedelta(days=15))
        conv.convene_session(actor=secretariat, session=session)  # on_commit not run: no broker
        ids = list(OutboundMessage.objects.order_by("pk").values_list("pk", flat=True))
        core_tasks.send_message(ids[0])
        core_tasks.send_message(ids[1])
        # The worker dies after claiming the third message, before sending it.
        from core.services import CLAIM_LEASE, claim_message

        assert claim_message(ids[2])
        OutboundMessage.objects.filter(pk=ids[2]).update(
            claimed_at=timezone.now() - CLAIM_LEASE - datetime.timedelta(seconds=1)
        )
        assert core_tasks.requeue_unsent_messages() == 2
        assert core_tasks.requeue_unsent_messages() == 0
        assert len({m.to[0] for m in mail.outbox}) == len(mail.outbox)
        assert len(mail.outbox) == 4

    def test_agenda_change_after_convening_sends_one_update(self, epci, secretariat, run_on_commit):
        council, _ = _council_with_members(epci, n=2)
        session = _session(council, timezone.now() + datetime.timedelta(days=15))
        run_on_commit(conv.convene_session, actor=secretariat, session=session)
        run_on_commit(
            scheduling.add_agenda_item,
            actor=secretariat,
            session=session,
            title="Motion",
            kind="deliberation",
        )
        subjects = [m.subject for m in mail.outbox]
        assert sum(s.startswith("Modification de la convocation") for s in subjects) == 2
        assert "2. Motion" in mail.outbox[-1].body
        session.refresh_from_db()
        assert session.version == 2

    def test_date_change_and_cancellation_renotify(self, epci, secretariat, run_on_commit):
        council, _ = _council_with_members(epci, n=1)
        session = _session(council, timezone.now() + datetime.timedelta(days=15))
        run_on_commit(conv.convene_session, actor=secretariat, session=session)
        run_on_commit(
            scheduling.update_session,
            actor=secretariat,
            session=session,
            starts_at=session.starts_at + datetime.timedelta(days=1),
        )
        run_on_commit(
            scheduling.update_session, actor=secretariat, session=session, title="Titre interne"
        )  # not a notified field
        run_on_commit(
            conv.cancel_session, actor=secretariat, session=session, reason="Faute de dossiers"
        )
        assert [m.subject.split(" — ")[0] for m in mail.outbox] == [
            "Convocation",
            "Modification de la convocation",
            "Annulation",
        ]
        assert "method=CANCEL" in mail.outbox[-1].attachments[0][2]

    def test_postponed_session_is_convened_again_on_notice(self, epci, secretariat, run_on_commit):
        council, _ = _council_with_members(epci, n=1)
        session = _session(council, timezone.now() + datetime.timedelta(days=15))
        run_on_commit(conv.convene_session, actor=secretariat, session=session)
        run_on_commit(
            conv.postpone_session, actor=secretariat, session=session, reason="Salle indisponible"
        )
        session.refresh_from_db()
        session.starts_at = timezone.now() + datetime.timedelta(days=30)
        session.save()
        _, sent = run_on_commit(conv.convene_session, actor=secretariat, session=session)
        assert sent
        assert [m.subject.split(" — ")[0] for m in mail.outbox] == [
            "Convocation",
            "Report",
            "Convocation",
        ]


class TestReceiptsAndReminders:
    def test_confirming_from_the_link_records_the_first_receipt(self, client, epci, secretariat):
        council, members = _council_with_members(epci, n=1)
        session = _session(council, timezone.now() + datetime.timedelta(days=15))
        conv.convene_session(actor=secretariat, session=session)
        convocation = Convocation.objects.get()
        url = f"/seances/convocation/{convocation.token}/"
        assert client.get(url).status_code == 200
        convocation.refresh_from_db()
        assert convocation.acknowledged_at is None  # opening is not a receipt
        assert client.post(url).status_code == 302
        convocation.refresh_from_db()
        first = convocation.acknowledged_at
        assert first is not None
        client.post(url)
        convocation.refresh_from_db()
        assert convocation.acknowledged_at == first
        assert client.get("/seances/convocation/inconnu/").status_code == 404

    def test_reminder_once_to_members_who_have_not_answered(self, epci, secretariat, run_on_commit):
        council, members = _council_with_members(epci, n=3)
        session = _session(council, timezone.now() + datetime.timedelta(days=15))
        run_on_commit(conv.convene_session, actor=secretariat, session=session)
        ReplyFactory(session=session, person=members[0].person)
        Session.objects.filter(pk=session.pk).update(
            starts_at=timezone.now() + datetime.timedelta(hours=20)
        )
        mail.outbox.clear()
        assert run_on_commit(conv.send_due_reminders) == 2
        assert run_on_commit(conv.send_due_reminders) == 0
        assert len(mail.outbox) == 2
        assert all(m.subject.startswith("Rappel") for m in mail.outbox)
        assert members[0].person.email not in [m.to[0] for m in mail.outbox]

    def test_no_reminder_far_from_the_session(self, epci, secretariat):
        council, _ = _council_with_members(epci, n=2)
        session = _session(council, timezone.now() + datetime.timedelta(days=15))
        conv.convene_session(actor=secretariat, session=session)
        assert conv.send_due_reminders() == 0
