"""The synthesis PDF is rendered by a task into a stored file, rebuilt when the data change, and
served by the download view (which never renders it itself)."""

import datetime as dt

import pytest
from django.urls import reverse

from referrals.consultation import synthesis
from referrals.models import Referral
from tests.referrals.factories import OpinionFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(epci, commune):
    referral = ReferralFactory(epci=epci, clect=True)
    OpinionFactory(referral=referral, commune=commune, received_on=dt.date(2026, 3, 16), filed=True)
    OpinionFactory.create_batch(3, referral=referral)
    return referral


def test_build_is_stored_and_idempotent(referral):
    assert synthesis.build_synthesis(referral_id=referral.pk) == "built"
    referral.refresh_from_db()
    assert referral.synthesis_ready
    with referral.synthesis.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert synthesis.build_synthesis(referral_id=referral.pk) == "up-to-date"


def test_a_change_makes_it_stale_and_the_task_rebuilds_it(
    referral, secretariat, django_capture_on_commit_callbacks
):
    from referrals.consultation import services

    synthesis.build_synthesis(referral_id=referral.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_referral(actor=secretariat, referral=referral)
    referral.refresh_from_db()
    assert referral.synthesis_ready
    assert referral.synthesis_version == referral.data_version == 2
    assert referral.synthesis.name.endswith("-v2.pdf")


def test_the_synthesis_shows_every_commune_and_the_majority(referral, commune):
    from django.template.loader import render_to_string

    from referrals.consultation.selectors import synthesis_context

    html = render_to_string("pdf/referrals/synthesis.html", synthesis_context(referral.pk))
    assert commune.name in html
    for opinion in referral.opinions.all():
        assert opinion.commune.insee_code in html
    assert "Majorité qualifiée non atteinte" in html


class TestDownload:
    def _url(self, referral):
        return reverse("referrals:synthesis_download", kwargs={"pk": referral.pk})

    def test_not_ready_says_so_and_queues_the_build(self, client, secretariat, referral):
        client.force_login(secretariat)
        response = client.get(self._url(referral), follow=True)
        assert "en cours de préparation" in response.content.decode()
        # Celery runs eagerly in tests: the queued build has run; the next download serves it.
        assert Referral.objects.get(pk=referral.pk).synthesis_ready
        response = client.get(self._url(referral))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")

    def test_stored_file_is_served_without_rendering(
        self, client, secretariat, referral, monkeypatch
    ):
        synthesis.build_synthesis(referral_id=referral.pk)

        def fail(**kwargs):
            raise AssertionError("rendered in the request")

        monkeypatch.setattr(synthesis, "render_synthesis_pdf", fail)
        client.force_login(secretariat)
        assert client.get(self._url(referral)).status_code == 200

    def test_access(self, client, dgs, outsider, referral):
        client.force_login(dgs)
        assert client.get(self._url(referral)).status_code == 403
        client.force_login(outsider)
        assert client.get(self._url(referral)).status_code == 404
