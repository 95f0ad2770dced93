"""A commune's DGS (or mayor) files the council's opinion until its deadline; after it the answer
is locked; the secretariat records a late deliberation for the record only. Uploads are checked
for size and real type, and a rejected file keeps the rest of the form."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import AuditEvent
from referrals.consultation import services
from referrals.models import Opinion
from tests.referrals.factories import MINIMAL_PDF, OpinionFactory, ReferralFactory

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 16)  # deadline: Tuesday 16 June 2026, 24:00 Paris time
PARIS = dt.timezone(dt.timedelta(hours=2))
BEFORE = dt.datetime(2026, 6, 16, 23, 59, tzinfo=PARIS)
AFTER = dt.datetime(2026, 6, 17, 0, 0, tzinfo=PARIS)


def pdf(name="deliberation.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


@pytest.fixture
def opinion(epci, commune):
    return OpinionFactory(
        referral=ReferralFactory(epci=epci), commune=commune, received_on=RECEIVED
    )


def file(actor, opinion, now, verdict="favourable", **kwargs):
    return services.file_opinion(
        actor=actor,
        opinion=opinion,
        verdict=verdict,
        deliberation_on=dt.date(2026, 5, 20),
        deliberation_number="2026-042",
        deliberation_pdf=kwargs.pop("deliberation_pdf", pdf()),
        now=now,
        **kwargs,
    )


class TestFiling:
    def test_dgs_files_then_corrects_until_the_deadline(self, dgs, opinion):
        file(dgs, opinion, BEFORE - dt.timedelta(days=10))
        corrected = file(dgs, opinion, BEFORE, verdict="reserved", deliberation_pdf=None)
        assert corrected.state == Opinion.State.FILED
        assert corrected.verdict == Opinion.Verdict.RESERVED
        assert corrected.deliberation_pdf  # the first file is kept
        actions = list(
            AuditEvent.objects.filter(action__startswith="referral.opinion").values_list(
                "action", flat=True
            )
        )
        assert sorted(actions) == ["referral.opinion_corrected", "referral.opinion_filed"]

    def test_mayor_may_file_too(self, mayor, opinion):
        assert file(mayor, opinion, BEFORE).filed_by == mayor

    def test_after_the_deadline_the_answer_is_locked_with_the_reason(self, dgs, opinion):
        with pytest.raises(ValidationError) as exc:
            file(dgs, opinion, AFTER)
        message = exc.value.messages[0]
        assert "a expiré le 16/06/2026 à 24 h" in message
        assert "verrouillée" in message
        assert Opinion.objects.get(pk=opinion.pk).state == Opinion.State.AWAITING

    def test_dgs_of_another_commune_cannot_file(self, other_dgs, opinion):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            file(other_dgs, opinion, BEFORE)

    def test_a_pdf_is_required_at_first_filing(self, dgs, opinion):
        with pytest.raises(ValidationError):
            file(dgs, opinion, BEFORE, deliberation_pdf=None)

    def test_late_deliberation_is_kept_without_changing_the_outcome(self, secretariat, opinion):
        from referrals.consultation import sweeps

        sweeps.record_tacit_opinions(now=AFTER)
        services.record_late_deliberation(
            actor=secretariat,
            opinion=opinion,
            verdict="unfavourable",
            deliberation_on=dt.date(2026, 6, 20),
            deliberation_number="2026-050",
            deliberation_pdf=pdf(),
            now=AFTER + dt.timedelta(days=5),
        )
        opinion.refresh_from_db()
        assert opinion.state == Opinion.State.TACIT
        assert opinion.verdict == Opinion.Verdict.FAVOURABLE
        assert opinion.late_verdict == Opinion.Verdict.UNFAVOURABLE

    def test_late_deliberation_is_refused_while_the_deadline_runs(self, secretariat, opinion):
        with pytest.raises(ValidationError):
            services.record_late_deliberation(
                actor=secretariat,
                opinion=opinion,
                verdict="unfavourable",
                deliberation_on=dt.date(2026, 6, 1),
                deliberation_number="x",
                now=BEFORE,
            )


class TestFilingPage:
    def _url(self, opinion):
        return reverse(
            "referrals:opinion_detail",
            kwargs={"pk": opinion.referral_id, "insee_code": opinion.commune.insee_code},
        )

    def _data(self, upload):
        return {
            "verdict": "reserved",
            "deliberation_on": "2026-05-20",
            "deliberation_number": "2026-042",
            "comments": "Sous réserve du calendrier des travaux.",
            "deliberation_pdf": upload,
        }

    def test_dgs_files_through_the_form(self, client, dgs, epci, commune):
        referral = ReferralFactory(epci=epci)
        opinion = OpinionFactory(referral=referral, commune=commune)
        client.force_login(dgs)
        response = client.post(self._url(opinion), self._data(pdf()))
        assert response.status_code == 302
        opinion.refresh_from_db()
        assert opinion.verdict == "reserved" and opinion.deliberation_pdf
        download = client.get(
            reverse(
                "referrals:deliberation_download",
                kwargs={"pk": referral.pk, "insee_code": commune.insee_code},
            )
        )
        assert b"".join(download.streaming_content).startswith(b"%PDF-")

    def test_a_fake_pdf_is_rejected_and_the_rest_is_kept(self, client, dgs, epci, commune):
        opinion = OpinionFactory(referral=ReferralFactory(epci=epci), commune=commune)
        client.force_login(dgs)
        fake = SimpleUploadedFile("deliberation.pdf", b"MZ\x90\x00 not a pdf")
        response = client.post(self._url(opinion), self._data(fake))
        assert response.status_code == 200
        page = response.content.decode()
        assert "n&#x27;est pas un fichier PDF valide" in page
        assert "Sous réserve du calendrier des travaux." in page
        assert 'value="2026-042"' in page
        assert Opinion.objects.get(pk=opinion.pk).state == Opinion.State.AWAITING

    def test_a_file_over_20_mb_is_rejected(self, client, dgs, epci, commune, settings):
        opinion = OpinionFactory(referral=ReferralFactory(epci=epci), commune=commune)
        client.force_login(dgs)
        big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * settings.UPLOAD_MAX_SIZE)
        response = client.post(self._url(opinion), self._data(big))
        assert "la limite est de 20" in response.content.decode()

    def test_locked_page_after_the_deadline(self, client, dgs, epci, commune):
        referral = ReferralFactory(epci=epci)
        opinion = OpinionFactory(
            referral=referral, commune=commune, received_on=dt.date(2025, 1, 6)
        )
        client.force_login(dgs)
        page = client.get(self._url(opinion)).content.decode()
        assert "la réponse est verrouillée" in page
        response = client.post(self._url(opinion), self._data(pdf()))
        assert "a expiré le 07/04/2025" in response.content.decode()
