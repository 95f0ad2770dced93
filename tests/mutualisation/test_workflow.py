"""The service desk workflow: steps in order, repeated steps, refusals, log, mail once."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from core import tasks as core_tasks
from core.models import OutboundMessage
from governance.models import AuditEvent
from mutualisation.models import RequestTransition, ServiceRequest
from mutualisation.requests import services as svc
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = ServiceRequest.Status


def addressees(message):
    from email.utils import parseaddr

    return [parseaddr(a)[1] for a in message.to]


@pytest.fixture
def filed(dgs, commune, legal_offer, convention, secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return svc.file_request(
            actor=dgs,
            commune=commune,
            offer=legal_offer,
            subject="Occupation du domaine public",
            domain="public_property",
            description="Une terrasse de café déborde sur le trottoir.",
        )


def test_filing_logs_and_notifies_the_secretariat(filed, secretariat):
    assert filed.status == S.SUBMITTED
    assert filed.due_on is not None
    assert list(filed.transitions.values_list("to_status", flat=True)) == [S.SUBMITTED]
    assert AuditEvent.objects.filter(action="mutualisation.request.submitted").count() == 1
    assert [addressees(m) for m in mail.outbox] == [[secretariat.email]]


def test_refused_without_convention(dgs, commune, legal_offer):
    with pytest.raises(ValidationError, match="convention"):
        svc.file_request(
            actor=dgs,
            commune=commune,
            offer=legal_offer,
            subject="x",
            domain="other",
            description="x",
        )
    assert not ServiceRequest.objects.exists()


def test_full_workflow_each_step_mails_the_other_side_once(
    filed, dgs, agent, secretariat, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    steps = [
        (lambda: svc.accept_request(actor=secretariat, request=filed, agent=agent), dgs),
        (lambda: svc.start_request(actor=agent, request=filed), dgs),
        (lambda: svc.answer_request(actor=agent, request=filed, answer="Voici la réponse."), dgs),
        (lambda: svc.close_request(actor=dgs, request=filed), agent),
    ]
    for step, recipient in steps:
        with django_capture_on_commit_callbacks(execute=True):
            _, changed = step()
        assert changed
        assert addressees(mail.outbox[-1]) == [recipient.email]
    assert len(mail.outbox) == 4
    filed.refresh_from_db()
    assert filed.status == S.CLOSED
    assert filed.assigned_to == agent
    assert list(filed.transitions.values_list("from_status", "to_status")) == [
        ("", S.SUBMITTED),
        (S.SUBMITTED, S.ACCEPTED),
        (S.ACCEPTED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.ANSWERED),
        (S.ANSWERED, S.CLOSED),
    ]
    # Every message of the outbox has gone out exactly once; running the send task again on
    # each sends nothing more.
    for pk in OutboundMessage.objects.values_list("pk", flat=True):
        assert core_tasks.send_message(pk) == "already-handled"
    assert len(mail.outbox) == 4  # the filing's mail to the secretariat was cleared above
    assert OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT).count() == 5


def test_repeated_step_is_already_done_without_second_log_or_mail(
    filed, secretariat, agent, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _, first = svc.accept_request(actor=secretariat, request=filed, agent=agent)
        _, second = svc.accept_request(actor=secretariat, request=filed, agent=agent)
    assert (first, second) == (True, False)
    assert RequestTransition.objects.filter(request=filed, to_status=S.ACCEPTED).count() == 1
    assert len(mail.outbox) == 1


def test_notification_is_queued_once_even_if_built_twice(filed, secretariat, agent):
    from mutualisation import notifications

    svc.accept_request(actor=secretariat, request=filed, agent=agent)
    transition = filed.transitions.get(to_status=S.ACCEPTED)
    before = OutboundMessage.objects.count()
    assert notifications.notify_transition(transition=transition, to_staff=False) == []
    assert OutboundMessage.objects.count() == before


@pytest.mark.parametrize(
    "step,message",
    [
        ("start", "doit d'abord être acceptée"),
        ("answer", "doit d'abord être acceptée puis mise en traitement"),
        ("close", "pas encore reçu de réponse"),
    ],
)
def test_out_of_order_steps_are_refused_in_french(filed, agent, dgs, step, message):
    actions = {
        "start": lambda: svc.start_request(actor=agent, request=filed),
        "answer": lambda: svc.answer_request(actor=agent, request=filed, answer="x"),
        "close": lambda: svc.close_request(actor=dgs, request=filed),
    }
    with pytest.raises(ValidationError, match=message):
        actions[step]()
    filed.refresh_from_db()
    assert filed.status == S.SUBMITTED


def test_declined_request_cannot_be_accepted(filed, secretariat, agent):
    svc.decline_request(actor=secretariat, request=filed, reason="Hors du champ de l'offre.")
    with pytest.raises(ValidationError, match="refusée"):
        svc.accept_request(actor=secretariat, request=filed, agent=agent)


def test_decline_needs_a_reason(filed, secretariat):
    with pytest.raises(ValidationError, match="motif"):
        svc.decline_request(actor=secretariat, request=filed, reason="  ")


def test_commune_cannot_take_staff_steps(filed, dgs, agent):
    with pytest.raises(ValidationError, match="revient aux agents"):
        svc.accept_request(actor=dgs, request=filed, agent=agent)


def test_agent_of_another_epci_cannot_be_assigned(filed, secretariat, other_epci):
    stranger = UserFactory(epci=other_epci, agent=True)
    with pytest.raises(ValidationError, match="n'appartient pas"):
        svc.accept_request(actor=secretariat, request=filed, agent=stranger)


def test_rating_once_when_closed(filed, secretariat, agent, dgs):
    with pytest.raises(ValidationError, match="une fois close"):
        svc.rate_request(actor=dgs, request=filed, rating=5)
    svc.accept_request(actor=secretariat, request=filed, agent=agent)
    svc.start_request(actor=agent, request=filed)
    svc.answer_request(actor=agent, request=filed, answer="Réponse")
    svc.close_request(actor=agent, request=filed)
    assert svc.rate_request(actor=dgs, request=filed, rating=4)[1] is True
    assert svc.rate_request(actor=dgs, request=filed, rating=1)[1] is False
    filed.refresh_from_db()
    assert filed.rating == 4


def test_thread_message_mails_the_other_side(
    filed, dgs, secretariat, agent, django_capture_on_commit_callbacks
):
    svc.accept_request(actor=secretariat, request=filed, agent=agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.post_message(actor=dgs, request=filed, body="Un complément.", from_staff=False)
        svc.post_message(actor=agent, request=filed, body="Bien reçu.", from_staff=True)
    assert [addressees(m) for m in mail.outbox] == [[agent.email], [dgs.email]]


def test_time_spent_is_recorded_on_accepted_requests(filed, secretariat, agent):
    import datetime

    with pytest.raises(ValidationError):
        svc.record_time(actor=agent, request=filed, minutes=30, spent_on=datetime.date(2024, 1, 2))
    svc.accept_request(actor=secretariat, request=filed, agent=agent)
    svc.record_time(actor=agent, request=filed, minutes=45, spent_on=datetime.date(2024, 1, 2))
    assert filed.time_entries.get().minutes == 45


def test_overdue_requests(filed, epci):
    import datetime

    ServiceRequest.objects.filter(pk=filed.pk).update(
        due_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    assert list(ServiceRequest.objects.overdue()) == [filed]
