"""Publication online (R2131-1, L2121-15, L2121-25) and information of the municipal councillors
(L5211-40-2): immutable Publication rows with their legal due date, sent exactly once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.minutes.services import (
    AlreadyDone,
    adopt_correction,
    sign_minutes,
)
from conferences.models import Minutes, Publication, Session
from conferences.publication.selectors import dashboard_rows
from conferences.publication.services import (
    publish_deliberations_list,
    publish_minutes,
    publish_opinions,
    store_publication,
)
from conferences.publication.tasks import distribute_publication, publish_document
from core.models import OutboundMessage
from governance import legal_calendar
from tests.conferences.minutes_setup import (
    FAKE_PDF,
    hold,
    install_fake_pdf,
    next_session_of,
    recorded_session,
    signed_minutes,
)
from tests.factories import CommuneFactory, MandateFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_pdf(monkeypatch):
    return install_fake_pdf(monkeypatch)


def _councillors(epci, n, *, sitting_on=None):
    """n municipal councillors of a member commune; the first `sitting_on` sit on that body."""
    commune = CommuneFactory(epci=epci)
    people = [PersonFactory(epci=epci) for _ in range(n)]
    for person in people:
        MandateFactory(person=person, commune=commune)
    return commune, people


class TestMinutesPublication:
    def test_publication_is_stored_once_with_its_due_date(
        self, epci, secretariat, fake_pdf, django_capture_on_commit_callbacks
    ):
        session, people, minutes, version = signed_minutes(epci, secretariat)
        with pytest.raises(ValidationError):
            publish_minutes(
                actor=secretariat,
                minutes=Minutes.objects.create(session=hold(next_session_of(session, days=60))),
            )
        with django_capture_on_commit_callbacks(execute=True):
            publish_minutes(actor=secretariat, minutes=minutes)
        publication = Publication.objects.get()
        adoption_day = legal_calendar.legal_day_of(version.adopted_at)
        assert publication.due_on == legal_calendar.publication_deadline(adoption_day)
        assert publication.kind == "minutes" and publication.version == 1
        assert publication.published_by == secretariat and not publication.late
        assert publication.file.read() == FAKE_PDF
        assert publication.filename.endswith("proces-verbal.pdf")
        assert fake_pdf == [(session.pk, "minutes")]
        minutes.refresh_from_db()
        assert minutes.status == Minutes.Status.PUBLISHED
        with pytest.raises(AlreadyDone):
            publish_minutes(actor=secretariat, minutes=minutes)
        # The task run again (redelivery) neither renders nor stores anything more.
        assert publish_document.delay(session.pk, "minutes", 1).get() == publication.pk
        assert Publication.objects.count() == 1 and len(fake_pdf) == 1

    def test_signatures_come_before_publication(self, epci, secretariat, fake_pdf):
        session, people, minutes, version = signed_minutes(epci, secretariat)
        later = hold(next_session_of(session, days=40))
        adopt_correction(
            actor=secretariat,
            minutes=minutes,
            debates_html="<p>corrigé</p>",
            correction_note="Coquille.",
            adopting_session=later,
        )
        with pytest.raises(ValidationError, match="doit être signé"):
            publish_minutes(actor=secretariat, minutes=minutes)

    def test_correction_is_published_next_to_the_first_version(
        self, epci, secretariat, fake_pdf, django_capture_on_commit_callbacks
    ):
        session, people, minutes, version = signed_minutes(epci, secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            publish_minutes(actor=secretariat, minutes=minutes)
        first = Publication.objects.get()
        later = hold(next_session_of(session, days=40))
        adopt_correction(
            actor=secretariat,
            minutes=minutes,
            debates_html="<p>corrigé</p>",
            correction_note="Coquille.",
            adopting_session=later,
        )
        sign_minutes(actor=secretariat, minutes=minutes, role="president")
        sign_minutes(actor=secretariat, minutes=minutes, role="secretary")
        with django_capture_on_commit_callbacks(execute=True):
            publish_minutes(actor=secretariat, minutes=minutes)
        assert list(Publication.objects.order_by("version").values_list("version", flat=True)) == [
            1,
            2,
        ]
        first_again = Publication.objects.get(version=1)
        assert (first_again.file.name, first_again.published_at) == (
            first.file.name,
            first.published_at,
        )
        assert "version 2, corrigée" in Publication.objects.get(version=2).title

    def test_a_superseded_version_is_not_published(self, epci, secretariat, fake_pdf):
        session, people, minutes, version = signed_minutes(epci, secretariat)
        later = hold(next_session_of(session, days=40))
        adopt_correction(
            actor=secretariat,
            minutes=minutes,
            debates_html="<p>corrigé</p>",
            correction_note="Coquille.",
            adopting_session=later,
        )
        assert store_publication(session_id=session.pk, kind="minutes", version=1) is None
        assert not Publication.objects.exists() and fake_pdf == []


class TestDeliberationsList:
    def test_due_within_a_week_and_sent_to_councillors_who_do_not_sit(
        self, epci, secretariat, fake_pdf, django_capture_on_commit_callbacks
    ):
        session, items, people = recorded_session(epci, secretariat)
        commune, councillors = _councillors(epci, 3)
        MembershipFactory(body=session.body, person=councillors[0])  # sits on the council
        PersonFactory(epci=epci)  # no municipal mandate
        with django_capture_on_commit_callbacks(execute=True):
            publish_deliberations_list(actor=secretariat, session=session)
        publication = Publication.objects.get(kind="deliberations")
        day = legal_calendar.legal_day_of(session.starts_at)
        assert publication.due_on == legal_calendar.publication_deadline(day)
        sent = OutboundMessage.objects.filter(category="publication.councillors.deliberations")
        assert sorted(sent.values_list("to_email", flat=True)) == sorted(
            p.email for p in councillors[1:]
        )
        message = sent.first()
        assert message.body_text.startswith("Bonjour ")
        assert "L5211-40-2" in message.body_text and "http" in message.body_text
        with pytest.raises(AlreadyDone):
            publish_deliberations_list(actor=secretariat, session=session)
        distribute_publication.delay(publication.pk)
        assert sent.count() == 2

    def test_refused_before_the_session_is_held(self, epci, secretariat):
        session, items, people = recorded_session(epci, secretariat)
        Session.objects.filter(pk=session.pk).update(status=Session.Status.CONVENED)
        session.refresh_from_db()
        with pytest.raises(ValidationError, match="après la séance"):
            publish_deliberations_list(actor=secretariat, session=session)

    def test_opinions_only_for_bodies_giving_opinions(self, epci, secretariat):
        session, items, people = recorded_session(epci, secretariat)
        with pytest.raises(ValidationError, match="ne rend pas d'avis"):
            publish_opinions(actor=secretariat, session=session)


class TestDashboard:
    def test_due_and_late(self, epci, secretariat, fake_pdf, django_capture_on_commit_callbacks):
        session, items, people = recorded_session(epci, secretariat)
        old, _, _ = recorded_session(epci, secretariat)
        Session.objects.filter(pk=old.pk).update(
            starts_at=timezone.now() - datetime.timedelta(days=20)
        )
        with django_capture_on_commit_callbacks(execute=True):
            publish_deliberations_list(actor=secretariat, session=session)
        rows = {row.session.pk: row for row in dashboard_rows(secretariat)}
        fresh, late = rows[session.pk], rows[old.pk]
        assert fresh.deliberations.done_at == timezone.localdate()
        assert not fresh.deliberations.late and not fresh.deliberations.pending
        assert late.deliberations.pending and late.deliberations.late
        assert not late.councillors[0].late  # one month for the councillors
        assert not late.minutes_duty.applies and late.minutes_duty.detail == "Non commencé"


class TestWithTheRealPdf:
    def test_published_minutes_are_a_real_pdf(
        self, epci, secretariat, django_capture_on_commit_callbacks
    ):
        pypdf = pytest.importorskip("pypdf")
        pytest.importorskip("conferences.pdf")
        import io

        session, people, minutes, version = signed_minutes(epci, secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            publish_minutes(actor=secretariat, minutes=minutes)
        content = Publication.objects.get().file.read()
        assert content.startswith(b"%PDF")
        reader = pypdf.PdfReader(io.BytesIO(content))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert len(reader.pages) >= 1
        assert people[1].last_name in text
