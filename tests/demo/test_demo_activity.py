"""The demo's activity (demo.activity): after load_demo, every app has data, visible
to the right demo account, and loading again changes nothing."""

import sys
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from conferences import perms as conference_perms
from conferences.browse.selectors import my_sessions
from conferences.convocations.services import recipients
from conferences.models import MayorsRequest, Reply, Session, Vote
from core.models import OutboundMessage
from demo.activity import pdf_bytes
from demo.conferences import (
    MAYORS_REQUEST,
    PAST_COUNCIL,
    PAST_MAYORS,
    UPCOMING_COUNCIL,
    WORKING_GROUP,
)
from demo.loader import load_demo
from demo.referrals import CLECT_REPORT, DATA_COLLECTION, WATER
from governance.models import User
from governance.rules import BodyKind
from mutualisation.catalogue import selectors as catalogue_selectors
from mutualisation.models import (
    Booking,
    Convention,
    EquipmentItem,
    Mission,
    SeatReservation,
    ServiceRequest,
    TrainingSession,
)
from mutualisation.requests import selectors as request_selectors
from questionnaires.models import Response as QuestionnaireResponse
from referrals import perms as referral_perms
from referrals.models import MailboxThread, Opinion, Referral
from tests.clients import PortalClient as Client

ILLZACH, RIXHEIM, MULHOUSE = "68154", "68278", "68224"


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module inside a transaction rolled back at the end (each
    test runs in a savepoint of it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def demo(demo_module, db):
    return None


def account(name: str) -> User:
    return User.objects.get(email=f"{name}@demo.interco.test")


def client_for(name: str) -> Client:
    client = Client()
    client.force_login(account(name))
    return client


# --- Conferences --------------------------------------------------------------------------


def test_the_elected_account_has_an_upcoming_council_and_holds_a_proxy(demo):
    elected = account("elu")
    sessions = my_sessions(elected)
    council = next(s for s in sessions["upcoming"] if s.title == UPCOMING_COUNCIL)
    assert council.status == Session.Status.CONVENED
    assert timedelta(days=14) < council.starts_at - timezone.now() < timedelta(days=28)
    assert council.starts_at.weekday() < 5
    assert council.my_reply is None  # left for the newcomer to try
    assert [r.answer for r in council.proxies_held] == [Reply.Answer.PROXY]
    assert {s.title for s in sessions["past"]} == {PAST_COUNCIL, PAST_MAYORS}
    assert {s.status for s in sessions["past"]} == {Session.Status.CLOSED}
    page = client_for("elu").get(reverse("conferences:my_sessions"))
    assert page.status_code == 200
    assert escape(UPCOMING_COUNCIL) in page.content.decode()


def test_the_upcoming_council_is_convened_with_notes_a_pdf_and_replies(demo):
    session = Session.objects.get(title=UPCOMING_COUNCIL)
    items = list(session.items.order_by("position"))
    assert len(items) == 4 and all(item.summary_note for item in items)
    document = items[1].documents.get()
    with document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert session.convocations.count() == len(recipients(session))
    replies = Reply.objects.filter(session=session, is_current=True)
    assert replies.count() >= 10
    proxy = replies.get(answer=Reply.Answer.PROXY)
    assert proxy.proxy_holder == account("elu").person
    assert replies.filter(answer=Reply.Answer.ABSENT).exists()


def test_past_sessions_were_held_with_attendance_votes_and_opinions(demo):
    council = Session.objects.get(title=PAST_COUNCIL, body__kind=BodyKind.COUNCIL)
    assert council.starts_at < timezone.now() and council.status == Session.Status.CLOSED
    assert council.attendance.count() > 50
    votes = Vote.objects.filter(item__session=council)
    assert votes.count() == 3
    for vote in votes:
        assert vote.result == Vote.Result.ADOPTED
        assert vote.quorum_present >= vote.quorum_required > 0
    assert council.replies.filter(answer=Reply.Answer.PROXY).count() == 1
    mayors = Session.objects.get(title=PAST_MAYORS, body__kind=BodyKind.MAYORS_CONFERENCE)
    opinions = mayors.items.filter(kind="opinion")
    assert opinions.count() == 2 and not opinions.filter(opinion="").exists()


def test_the_draft_working_group_session_is_for_the_staff_only(demo):
    draft = Session.objects.get(title=WORKING_GROUP)
    assert draft.status == Session.Status.DRAFT and draft.starts_at > timezone.now()
    assert draft.items.count() == 2 and draft.place_commune is not None
    assert conference_perms.sessions_for(account("agent")).filter(pk=draft.pk).exists()
    assert not conference_perms.sessions_for(account("elu")).filter(pk=draft.pk).exists()


def test_a_mayors_request_collects_signatures(demo):
    request = MayorsRequest.objects.get(subject=MAYORS_REQUEST)
    assert request.status == MayorsRequest.Status.OPEN
    assert request.created_by == account("elu").person
    signatures = list(request.signatures.order_by("signed_at", "pk"))
    assert 1 < len(signatures) < request.threshold
    assert signatures[0].commune.insee_code == RIXHEIM


# --- Referrals ----------------------------------------------------------------------------


def test_the_dgs_sees_the_open_water_consultation_still_to_answer(demo):
    dgs = account("dgs")
    referral = referral_perms.referrals_for(dgs).get(subject=WATER)
    assert referral.status == Referral.Status.OPEN
    assert referral.opinions.count() == 39
    illzach = referral.opinions.get(commune__insee_code=ILLZACH)
    assert illzach.state == Opinion.State.AWAITING and illzach.received_on is not None
    assert illzach.is_open_at(timezone.now())
    filed = referral.opinions.filter(state=Opinion.State.FILED)
    assert 10 < filed.count() < 39
    assert filed.filter(commune__insee_code__in=[MULHOUSE, RIXHEIM]).count() == 2
    page = client_for("dgs").get(
        reverse("referrals:opinion_detail", kwargs={"pk": referral.pk, "insee_code": ILLZACH})
    )
    assert page.status_code == 200
    assert "Enregistrer l'avis" in page.content.decode()


def test_the_clect_report_is_closed_with_the_qualified_majority_reached(demo):
    referral = Referral.objects.get(subject=CLECT_REPORT)
    assert referral.status == Referral.Status.CLOSED
    states = set(referral.opinions.values_list("state", flat=True))
    assert states == {Opinion.State.FILED, Opinion.State.TACIT}
    assert set(
        referral.opinions.filter(state=Opinion.State.TACIT).values_list("verdict", flat=True)
    ) == {Opinion.Verdict.NOT_APPROVED}
    page = client_for("dgs").get(reverse("referrals:referral_detail", kwargs={"pk": referral.pk}))
    assert page.status_code == 200
    assert "Majorité qualifiée atteinte" in page.content.decode()


def test_the_data_collection_has_a_questionnaire_and_answers(demo):
    referral = Referral.objects.get(subject=DATA_COLLECTION)
    assert referral.status == Referral.Status.OPEN
    assert referral.questionnaire.questions.count() == 3
    responses = QuestionnaireResponse.objects.filter(questionnaire=referral.questionnaire)
    submitted = responses.filter(status=QuestionnaireResponse.Status.SUBMITTED)
    assert submitted.count() >= 5
    assert submitted.filter(commune__insee_code=RIXHEIM).exists()
    draft = responses.get(commune__insee_code=ILLZACH)
    assert draft.status == QuestionnaireResponse.Status.DRAFT
    assert referral.opinions.filter(state=Opinion.State.FILED).count() == submitted.count()


def test_the_elected_account_has_mailbox_threads(demo):
    threads = referral_perms.threads_for(account("elu"))
    assert threads.count() == 2
    answered = threads.get(status=MailboxThread.Status.ANSWERED)
    assert answered.assignee == account("agent")
    assert [m.from_epci for m in answered.messages.all()] == [False, True]
    assert threads.filter(status=MailboxThread.Status.NEW).exists()


# --- Mutualisation ------------------------------------------------------------------------


def test_the_catalogue_shows_offers_illzach_can_order(demo):
    dgs = account("dgs")
    entries = catalogue_selectors.catalogue(dgs, dgs.commune)
    orderable = {e.offer.name for e in entries if e.eligibility.eligible and e.covered}
    assert {"Assistance juridique", "Prêt de matériel", "Places en formation"} <= orderable
    assert len(entries) == 5
    page = client_for("dgs").get(reverse("mutualisation:catalogue"))
    assert page.status_code == 200
    assert "Faire une demande" in page.content.decode()


def test_shared_services_are_in_use(demo):
    in_force = Convention.objects.in_force()
    assert in_force.count() >= 30
    assert in_force.filter(commune__insee_code__in=[ILLZACH, RIXHEIM]).count() == 2
    sweeper = EquipmentItem.objects.get(kind=EquipmentItem.Kind.ROAD_SWEEPER)
    assert sweeper.needs_driver
    assert Booking.objects.get(item=sweeper).driver is not None
    assert Booking.objects.filter(starts_at__gt=timezone.now()).count() == 3
    statuses = set(ServiceRequest.objects.values_list("status", flat=True))
    assert statuses == set(ServiceRequest.Status.values) - {ServiceRequest.Status.ACCEPTED}
    illzach = ServiceRequest.objects.get(commune__insee_code=ILLZACH)
    assert illzach.status == ServiceRequest.Status.IN_PROGRESS
    assert illzach.assigned_to == account("agent")
    mission = Mission.objects.get()
    assert mission.request.offer.kind == "secretary" and mission.start_date > timezone.localdate()
    training = TrainingSession.objects.get()
    assert training.starts_at > timezone.now()
    assert SeatReservation.objects.filter(session=training).count() == 5
    assert request_selectors.request_list(account("dgs")).count() == 1


# --- The whole ----------------------------------------------------------------------------


def test_no_demo_mail_is_left_to_send(demo):
    messages = OutboundMessage.objects.all()
    assert messages.filter(category="session.convocation").exists()
    assert not messages.filter(status=OutboundMessage.Status.PENDING).exists()
    assert set(messages.values_list("logs__outcome", flat=True)) == {"demo"}


@pytest.mark.parametrize(
    ("name", "urls"),
    [
        ("secretariat", ["/seances/gestion/", "/saisines/", "/services/tableau-de-bord/"]),
        ("elu", ["/seances/mes-seances/", "/seances/demandes-des-maires/", "/services/"]),
        ("dgs", ["/saisines/", "/services/demandes/", "/services/formations/"]),
        ("agent", ["/instances/", "/seances/calendrier/", "/services/tableau-de-bord/"]),
    ],
)
def test_pages_of_each_account_show(demo, name, urls):
    client = client_for(name)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_demo_pdf_is_a_valid_pdf():
    content = pdf_bytes("Titre (essai) — été", ["Une ligne \\ avec des caractères spéciaux."])
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    xref = int(content.rsplit(b"startxref", 1)[1].split()[0])
    assert content[xref:].startswith(b"xref")
    for number in range(1, 7):
        offset = int(content[xref:].split(b"\n")[2 + number].split()[0])
        assert content[offset:].startswith(b"%d 0 obj" % number)


def _counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_loading_again_changes_no_table_count(demo):
    before = _counts()
    load_demo()
    assert _counts() == before
