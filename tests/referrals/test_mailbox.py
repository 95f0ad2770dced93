"""The mayors' mailbox: an elected official writes on a theme with attachments; the secretariat
assigns, answers (the sender is mailed once) and closes; the sender follows the thread."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import OutboundMessage
from governance.models import AuditEvent
from referrals.models import MailboxThread
from tests.factories import UserFactory
from tests.referrals.factories import MINIMAL_PDF, MailboxThreadFactory

pytestmark = pytest.mark.django_db


def thread_url(name, thread):
    return reverse(f"referrals:{name}", kwargs={"pk": thread.pk})


class TestJourney:
    def test_write_assign_answer_close(self, client, mayor, secretariat, commune):
        client.force_login(mayor)
        response = client.post(
            reverse("referrals:thread_create"),
            {
                "theme": "mobility",
                "subject": "Arrêt de bus rue des Écoles",
                "body": "Pouvez-vous étudier un abri ?",
                "attachments": [
                    SimpleUploadedFile("plan.pdf", MINIMAL_PDF),
                    SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n..."),
                ],
            },
        )
        assert response.status_code == 302
        thread = MailboxThread.objects.get()
        assert thread.commune == commune and thread.status == "new"
        assert thread.messages.get().attachments.count() == 2

        client.force_login(secretariat)
        client.post(thread_url("thread_assign", thread), {"assignee": secretariat.pk})
        client.post(thread_url("thread_detail", thread), {"body": "Étude lancée."})
        client.post(thread_url("thread_detail", thread), {"body": "Étude lancée."})
        thread.refresh_from_db()
        assert thread.status == "answered" and thread.assignee == secretariat
        mails = OutboundMessage.objects.filter(category="mailbox")
        assert mails.count() == 2 and {m.to_email for m in mails} == {mayor.email}

        client.force_login(mayor)
        page = client.get(thread_url("thread_detail", thread)).content.decode()
        assert "Étude lancée." in page and "plan.pdf" in page
        client.force_login(secretariat)
        client.post(thread_url("thread_close", thread))
        thread.refresh_from_db()
        assert thread.status == "closed"
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"mailbox.posted", "mailbox.assigned", "mailbox.answered", "mailbox.closed"} <= (
            actions
        )

    def test_a_bad_attachment_keeps_the_message(self, client, elected):
        client.force_login(elected)
        response = client.post(
            reverse("referrals:thread_create"),
            {
                "theme": "planning",
                "subject": "PLU",
                "body": "Texte long saisi avec soin.",
                "attachments": [SimpleUploadedFile("virus.pdf", b"MZ\x90")],
            },
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Texte long saisi avec soin." in page and "virus.pdf" in page
        assert not MailboxThread.objects.exists()


class TestAccess:
    def test_sender_sees_own_threads_only(self, client, elected, epci):
        mine = MailboxThreadFactory(epci=epci, author=elected)
        other = MailboxThreadFactory(epci=epci)
        client.force_login(elected)
        assert list(client.get(reverse("referrals:thread_list")).context["threads"]) == [mine]
        assert client.get(thread_url("thread_detail", mine)).status_code == 200
        assert client.get(thread_url("thread_detail", other)).status_code == 404

    def test_sender_cannot_assign_or_close(self, client, elected, epci):
        mine = MailboxThreadFactory(epci=epci, author=elected)
        client.force_login(elected)
        assert client.post(thread_url("thread_close", mine)).status_code == 403
        assert client.post(thread_url("thread_assign", mine)).status_code == 403

    def test_dgs_cannot_write(self, client, dgs):
        client.force_login(dgs)
        assert client.get(reverse("referrals:thread_create")).status_code == 403

    def test_outsider_gets_404(self, client, outsider, epci):
        thread = MailboxThreadFactory(epci=epci)
        client.force_login(outsider)
        assert client.get(thread_url("thread_detail", thread)).status_code == 404

    @pytest.mark.parametrize("n", [3, 20])
    def test_query_counts(self, client, secretariat, epci, n, django_assert_num_queries):
        author = UserFactory(epci=epci)
        threads = MailboxThreadFactory.create_batch(n, epci=epci, author=author)
        client.force_login(secretariat)
        # session, user, TOTP, threads with counts, EPCI (header)
        with django_assert_num_queries(5):
            assert client.get(reverse("referrals:thread_list")).status_code == 200
        # session, user, TOTP, thread, messages, attachments, assignable staff, EPCI (header)
        with django_assert_num_queries(8):
            assert client.get(thread_url("thread_detail", threads[0])).status_code == 200
