"""The data collection: a referral whose answers are a questionnaire's, filled in by the DGS,
exported by the secretariat."""

import pytest
from django.urls import reverse

import questionnaires.forms
from questionnaires.models import Question
from referrals.consultation import services
from referrals.models import Opinion
from tests.questionnaires.factories import equipment_questionnaire
from tests.referrals.factories import OpinionFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(epci, secretariat):
    return equipment_questionnaire(epci=epci, actor=secretariat)


class TestDataCollection:
    @pytest.fixture
    def referral(self, epci, commune, questionnaire):
        referral = ReferralFactory(epci=epci, data_collection=True, questionnaire=questionnaire)
        OpinionFactory(referral=referral, commune=commune)
        return referral

    def _url(self, referral, commune):
        return reverse(
            "referrals:opinion_detail",
            kwargs={"pk": referral.pk, "insee_code": commune.insee_code},
        )

    def test_dgs_saves_a_draft_then_submits(self, client, dgs, commune, referral, questionnaire):
        client.force_login(dgs)
        url = self._url(referral, commune)
        page = client.get(url)
        assert page.status_code == 200 and "Gymnases" in page.content.decode()
        fields = {
            q.label: questionnaires.forms.field_name(q) for q in questionnaire.questions.all()
        }
        response = client.post(url, {fields["Remarques"]: "brouillon", "draft": "1"})
        assert response.status_code == 302
        opinion = Opinion.objects.get(referral=referral)
        assert opinion.state == Opinion.State.AWAITING
        response = client.post(url, {fields["Remarques"]: "final", "submit": "1"})
        assert "Cette question est obligatoire" in response.content.decode()
        response = client.post(url, {fields["Gymnases"]: "3", "submit": "1"})
        assert response.status_code == 302
        opinion.refresh_from_db()
        assert opinion.state == Opinion.State.FILED
        page = client.get(url).content.decode()
        assert "Transmettre les réponses" not in page  # one answer per commune
        assert "Transmise" in page

    def test_export_is_secretariat_only(self, client, secretariat, dgs, outsider, referral):
        url = reverse("referrals:answers_export", kwargs={"pk": referral.pk, "fmt": "xlsx"})
        client.force_login(dgs)
        assert client.get(url).status_code == 403
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        client.force_login(secretariat)
        response = client.get(url)
        assert response.status_code == 200
        assert response.content.startswith(b"PK")

    def test_secretariat_adds_questions(self, client, secretariat, epci, commune):
        referral = services.create_referral(
            actor=secretariat,
            subject="Recensement des salles",
            description="",
            legal_basis="data_collection",
            communes=[commune],
            days=30,
        )
        client.force_login(secretariat)
        url = reverse("referrals:questionnaire_edit", kwargs={"pk": referral.pk})
        response = client.post(url, {"label": "Capacité", "kind": Question.Kind.NUMBER})
        assert response.status_code == 302
        assert [q.label for q in referral.questionnaire.questions.all()] == ["Capacité"]
        assert services.send_referral(actor=secretariat, referral=referral)
