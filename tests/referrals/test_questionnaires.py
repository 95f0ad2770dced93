"""The questionnaire engine (independent of referrals) and the data collection built on it:
fields of each kind, drafts, one submission per commune, CSV and xlsx exports."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from referrals import questionnaires, services
from referrals.models import Opinion, Question
from tests.factories import CommuneFactory
from tests.referrals.factories import MINIMAL_PDF, OpinionFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(epci, secretariat):
    q = questionnaires.create_questionnaire(actor=secretariat, epci=epci, title="Équipements")
    add = questionnaires.add_question
    add(actor=secretariat, questionnaire=q, label="Gymnases", kind="number", required=True)
    add(
        actor=secretariat,
        questionnaire=q,
        label="Gestion",
        kind="choice",
        choices=["Régie", "Délégation"],
    )
    add(actor=secretariat, questionnaire=q, label="Mise en service", kind="date")
    add(actor=secretariat, questionnaire=q, label="Remarques", kind="text")
    add(actor=secretariat, questionnaire=q, label="Plan", kind="file")
    return q


def values(q, **by_label):
    return {
        questionnaires.field_name(question): by_label[question.label]
        for question in questionnaires.questions_of(q)
        if question.label in by_label
    }


class TestEngine:
    def test_choice_question_needs_two_choices(self, secretariat, questionnaire):
        with pytest.raises(ValidationError):
            questionnaires.add_question(
                actor=secretariat,
                questionnaire=questionnaire,
                label="X",
                kind="choice",
                choices=["Seul"],
            )

    def test_draft_then_submit_once(self, secretariat, dgs, commune, questionnaire):
        draft = questionnaires.save_response(
            actor=dgs,
            questionnaire=questionnaire,
            commune=commune,
            values=values(questionnaire, Remarques="à compléter"),
            submit=False,
        )
        assert not draft.is_submitted
        with pytest.raises(ValidationError) as exc:
            questionnaires.save_response(
                actor=dgs, questionnaire=questionnaire, commune=commune, values={}, submit=True
            )
        assert list(exc.value.error_dict) == [
            questionnaires.field_name(questionnaire.questions.get(label="Gymnases"))
        ]
        done = questionnaires.save_response(
            actor=dgs,
            questionnaire=questionnaire,
            commune=commune,
            values=values(questionnaire, Gymnases=Decimal("2")),
            submit=True,
        )
        assert done.is_submitted
        assert {a.question.label: a.display for a in done.answers.all()} == {
            "Gymnases": "2",
            "Remarques": "à compléter",
        }
        with pytest.raises(ValidationError):
            questionnaires.save_response(
                actor=dgs, questionnaire=questionnaire, commune=commune, values={}, submit=True
            )

    def test_form_has_one_field_per_question_and_checks_files(self, questionnaire):
        bad = SimpleUploadedFile("plan.pdf", b"not a pdf at all")
        plan = questionnaires.field_name(questionnaire.questions.get(label="Plan"))
        form = questionnaires.build_response_form(
            questionnaire=questionnaire, data={}, files={plan: bad}
        )
        assert len(form.fields) == 5
        assert not form.is_valid()
        assert "n'est pas un fichier" in form.errors[plan][0]

    @pytest.mark.parametrize("n", [3, 30])
    def test_exports(self, dgs, epci, questionnaire, n, django_assert_num_queries):
        for i in range(n):
            commune = CommuneFactory(epci=epci, name=f"Commune {i:02d}")
            questionnaires.save_response(
                actor=dgs,
                questionnaire=questionnaire,
                commune=commune,
                values=values(
                    questionnaire,
                    Gymnases=Decimal(i),
                    Gestion="Régie",
                    **{
                        "Mise en service": dt.date(2020, 1, 2),
                        "Plan": SimpleUploadedFile("plan.pdf", MINIMAL_PDF),
                    },
                ),
                submit=True,
            )
        with django_assert_num_queries(3):
            headers, rows = questionnaires.answers_table(questionnaire=questionnaire)
        assert headers[4:] == ["Gymnases", "Gestion", "Mise en service", "Remarques", "Plan"]
        assert len(rows) == n
        text = questionnaires.export_csv(questionnaire=questionnaire).decode("utf-8-sig")
        parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert parsed[1][0] == "Commune 00"
        assert parsed[1][4:] == ["0", "Régie", "2020-01-02", "", "plan.pdf"]
        sheet = load_workbook(io.BytesIO(questionnaires.export_xlsx(questionnaire=questionnaire)))
        rows = list(sheet.active.iter_rows(values_only=True))
        assert rows[0][4] == "Gymnases" and len(rows) == n + 1
        assert rows[2][4] == 1  # numbers stay numbers


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
        fields = {q.label: questionnaires.field_name(q) for q in questionnaire.questions.all()}
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
