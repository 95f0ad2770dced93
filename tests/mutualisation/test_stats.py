"""Statistics against figures computed by hand on a small fixture; exports; the yearly report."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mutualisation.models import ProgressReport, TimeEntry
from mutualisation.reports import services as schema
from mutualisation.reports import stats
from mutualisation.reports.tasks import generate_progress_report
from tests.factories import CommuneFactory
from tests.mutualisation.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db


def at(year, month=3):
    return timezone.make_aware(datetime.datetime(year, month, 10, 10))


@pytest.fixture
def history(epci, legal_offer, engineering_offer):
    """Legal support: A in 2022 and 2024 (closed, rated 4 and 2), B in 2023, C in 2024 (rated
    5). Engineering: A in 2024. Time on A's 2024 legal request: 90 + 30 minutes."""
    a, b, c = (CommuneFactory(epci=epci, name=n) for n in ("Aval", "Bamont", "Crête"))
    ServiceRequestFactory(commune=a, offer=legal_offer, submitted_at=at(2022))
    ServiceRequestFactory(commune=b, offer=legal_offer, submitted_at=at(2023))
    a24 = ServiceRequestFactory(
        commune=a, offer=legal_offer, submitted_at=at(2024), closed=True, rating=4
    )
    ServiceRequestFactory(
        commune=a, offer=legal_offer, submitted_at=at(2024, 5), closed=True, rating=2
    )
    ServiceRequestFactory(commune=c, offer=legal_offer, submitted_at=at(2024), rating=5)
    ServiceRequestFactory(commune=a, offer=engineering_offer, submitted_at=at(2024))
    TimeEntry.objects.create(request=a24, minutes=90, spent_on=datetime.date(2024, 3, 11))
    TimeEntry.objects.create(request=a24, minutes=30, spent_on=datetime.date(2024, 3, 12))
    return a, b, c


def test_offer_usage_by_hand(epci, history):
    legal, engineering = stats.offer_usage(epci.pk, 2024)
    # 3 communes ever used legal support (A, B, C), 2 of them in 2024 (A, C).
    assert (legal.offer, legal.communes_ever, legal.communes_in_year) == (
        "Assistance juridique",
        3,
        2,
    )
    assert legal.requests_in_year == 3
    assert legal.minutes_in_year == 120
    assert legal.rating_average == pytest.approx((4 + 2 + 5) / 3, abs=0.01)
    assert legal.ratings == 3
    assert (engineering.communes_ever, engineering.communes_in_year) == (1, 1)
    assert engineering.minutes_in_year == 0


def test_requests_per_year_commune_domain(epci, history):
    assert stats.requests_per_year(epci.pk) == [(2022, 1), (2023, 1), (2024, 4)]
    assert stats.requests_per_commune(epci.pk, 2024) == [("Aval", 3), ("Crête", 1)]
    assert stats.requests_per_domain(epci.pk, 2024) == [("Droit public des collectivités", 4)]


def test_page_and_exports(client, agent, dgs, history):
    client.force_login(agent)
    page = client.get(reverse("mutualisation:statistics"), {"annee": 2024}).content.decode()
    assert (
        "<strong>3</strong> communes ont utilisé « Assistance juridique », dont "
        "<strong>2</strong> en 2024" in page
    )
    assert "<svg" in page and 'style="' not in page
    csv_response = client.get(reverse("mutualisation:statistics_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == stats.EXPORT_HEADER
    assert ["2024", "Assistance juridique", "Aval", rows[-3][3], "2", "2", "120", "3.0"] in rows
    xlsx = client.get(reverse("mutualisation:statistics_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(rows)
    client.force_login(dgs)
    assert client.get(reverse("mutualisation:statistics")).status_code == 403
    assert client.get(reverse("mutualisation:statistics_export", args=["csv"])).status_code == 403


def test_progress_report_generated_stored_and_regenerated_on_change(
    client, secretariat, epci, history, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schema.record_staff_provision(
            actor=secretariat, epci=epci, year=2024, direction="Finances", fte=Decimal("3.5")
        )
    report = ProgressReport.objects.get(epci=epci, year=2024)
    assert report.status == ProgressReport.Status.READY
    first_hash, first_file = report.source_hash, report.file.name
    assert report.file.read(5) == b"%PDF-"
    assert generate_progress_report(report.pk) == "up-to-date"
    with django_capture_on_commit_callbacks(execute=True):
        schema.record_saving(
            actor=secretariat, epci=epci, year=2024, label="Achats groupés", amount=Decimal(1500)
        )
    report.refresh_from_db()
    assert report.source_hash != first_hash and report.file.name != first_file
    client.force_login(secretariat)
    response = client.get(reverse("mutualisation:progress_report_pdf", args=[2024]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
