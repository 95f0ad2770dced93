"""The questionnaire engine: fields of each kind, drafts, one submission per commune, CSV and xlsx
exports."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

import questionnaires.forms
import questionnaires.selectors
import questionnaires.services
from tests.factories import CommuneFactory
from tests.questionnaires.factories import equipment_questionnaire
from tests.referrals.factories import MINIMAL_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(epci, secretariat):
    return equipment_questionnaire(epci=epci, actor=secretariat)


def values(q, **by_label):
    return {
        questionnaires.forms.field_name(question): by_label[question.label]
        for question in questionnaires.selectors.questions_of(q)
        if question.label in by_label
    }


class TestEngine:
    def test_choice_question_needs_two_choices(self, secretariat, questionnaire):
        with pytest.raises(ValidationError):
            questionnaires.services.add_question(
                actor=secretariat,
                questionnaire=questionnaire,
                label="X",
                kind="choice",
                choices=["Seul"],
            )

    def test_draft_then_submit_once(self, secretariat, dgs, commune, questionnaire):
        draft = questionnaires.services.save_response(
            actor=dgs,
            questionnaire=questionnaire,
            commune=commune,
            values=values(questionnaire, Remarques="à compléter"),
            submit=False,
        )
        assert not draft.is_submitted
        with pytest.raises(ValidationError) as exc:
            questionnaires.services.save_response(
                actor=dgs, questionnaire=questionnaire, commune=commune, values={}, submit=True
            )
        assert list(exc.value.error_dict) == [
            questionnaires.forms.field_name(questionnaire.questions.get(label="Gymnases"))
        ]
        done = questionnaires.services.save_response(
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
            questionnaires.services.save_response(
                actor=dgs, questionnaire=questionnaire, commune=commune, values={}, submit=True
            )

    def test_form_has_one_field_per_question_and_checks_files(self, questionnaire):
        bad = SimpleUploadedFile("plan.pdf", b"not a pdf at all")
        plan = questionnaires.forms.field_name(questionnaire.questions.get(label="Plan"))
        form = questionnaires.forms.build_response_form(
            questionnaire=questionnaire, data={}, files={plan: bad}
        )
        assert len(form.fields) == 5
        assert not form.is_valid()
        assert "n'est pas un fichier" in form.errors[plan][0]

    @pytest.mark.parametrize("n", [3, 30])
    def test_exports(self, dgs, epci, questionnaire, n, django_assert_num_queries):
        for i in range(n):
            commune = CommuneFactory(epci=epci, name=f"Commune {i:02d}")
            questionnaires.services.save_response(
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
            headers, rows = questionnaires.selectors.answers_table(questionnaire=questionnaire)
        assert headers[4:] == ["Gymnases", "Gestion", "Mise en service", "Remarques", "Plan"]
        assert len(rows) == n
        text = questionnaires.selectors.export_csv(questionnaire=questionnaire).decode("utf-8-sig")
        parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert parsed[1][0] == "Commune 00"
        assert parsed[1][4:] == ["0", "Régie", "2020-01-02", "", "plan.pdf"]
        sheet = load_workbook(
            io.BytesIO(questionnaires.selectors.export_xlsx(questionnaire=questionnaire))
        )
        rows = list(sheet.active.iter_rows(values_only=True))
        assert rows[0][4] == "Gymnases" and len(rows) == n + 1
        assert rows[2][4] == 1  # numbers stay numbers
