"""The council's seats page: the computation step by step for the secretariat, the prefectoral
orders with their PDF, and the communes whose actual members differ from the computation."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import AuditEvent, Membership
from governance.rules import BodyKind
from governance.seats.models import CouncilOrder
from tests.factories import BodyFactory, CommuneFactory, MembershipFactory, UserFactory
from tests.referrals.factories import MINIMAL_PDF

pytestmark = pytest.mark.django_db


def url(body):
    return reverse("governance:council_seats", kwargs={"pk": body.pk})


def order_url(body, order):
    return reverse(
        "governance:council_order_download", kwargs={"pk": body.pk, "order_pk": order.pk}
    )


@pytest.fixture
def territory(epci, council):
    """A CA of three communes: 9,000, 600 and 400 inhabitants → 26 seats; IV 1° gives 24, 1
    and 1; IV 3° leaves the first 13 and gives its 11 other seats at the highest average
    (600 ÷ (n + 1) against 400 ÷ (n + 1)): 7 to the second, 4 to the third → 13, 8, 5."""
    big = CommuneFactory(epci=epci, name="Grandeville", population=9_000)
    middle = CommuneFactory(epci=epci, name="Moyenville", population=600)
    small = CommuneFactory(epci=epci, name="Petiteville", population=400)
    return big, middle, small


def seat(council, commune, role=Membership.Role.MEMBER, **extra):
    return MembershipFactory(body=council, commune=commune, role=role, **extra)


def test_secretariat_sees_the_calculation_step_by_step(client, secretariat, council, territory):
    big, middle, small = territory
    for _ in range(13):
        seat(council, big)
    for _ in range(8):
        seat(council, middle)
    for _ in range(5):
        seat(council, small)
    seat(council, small, role=Membership.Role.SUBSTITUTE)  # a suppléant holds no seat
    client.force_login(secretariat)
    response = client.get(url(council))
    assert response.status_code == 200
    page = response.context["page"]
    assert {row.commune.name: row.seats for row in page.rows} == {
        "Grandeville": 13,
        "Moyenville": 8,
        "Petiteville": 5,
    }
    assert [step.paragraph for step in page.steps][:5] == [
        "III",
        "IV 1°",
        "IV 1°",
        "IV 2°",
        "IV 3°",
    ]
    assert page.differences == ()
    content = response.content.decode()
    assert "Grandeville aurait 24 sièges sur 26, plus de la moitié" in content
    assert "Le conseil en exercice compte, pour chaque commune, le nombre de sièges calculé." in (
        content
    )


def test_actual_members_that_differ_are_flagged(client, secretariat, council, territory):
    big, middle, _small = territory
    for _ in range(14):
        seat(council, big)
    seat(council, middle, end_date=datetime.date(2021, 1, 1), start_date=datetime.date(2020, 7, 1))
    client.force_login(secretariat)
    response = client.get(url(council))
    page = response.context["page"]
    assert [(r.commune.name, r.members, r.seats) for r in page.differences] == [
        ("Grandeville", 14, 13),
        ("Moyenville", 0, 8),
        ("Petiteville", 0, 5),
    ]
    assert "Grandeville : 14 membres pour 13 sièges calculés" in response.content.decode()


def test_missing_population_is_said_not_a_500(client, secretariat, council, territory):
    CommuneFactory(epci=council.epci, name="Sanschiffre", population=None)
    client.force_login(secretariat)
    response = client.get(url(council))
    assert response.status_code == 200
    assert "Population municipale manquante pour : Sanschiffre." in response.content.decode()


def test_elected_of_the_same_epci_gets_403(client, elected, council, territory):
    client.force_login(elected)
    assert client.get(url(council)).status_code == 403


def test_secretariat_of_another_epci_gets_404(client, outsider, council, territory):
    client.force_login(outsider)
    assert client.get(url(council)).status_code == 404


def test_a_body_that_is_not_the_council_is_404(client, secretariat, epci):
    group = BodyFactory(epci=epci, kind=BodyKind.WORKING_GROUP)
    client.force_login(secretariat)
    assert client.get(url(group)).status_code == 404


@pytest.mark.parametrize("n", [2, 10])
def test_query_count_does_not_grow(client, secretariat, council, n, django_assert_num_queries):
    for i in range(n):
        commune = CommuneFactory(epci=council.epci, population=1_000 * (i + 1))
        seat(council, commune)
        seat(council, commune)
    CouncilOrder.objects.create(
        epci=council.epci,
        renewal_year=2026,
        signed_on=datetime.date(2025, 10, 30),
        number="2025-1",
        name="arrete.pdf",
    )
    client.force_login(secretariat)
    # session, user, totp check, council (with its EPCI), communes, member counts, orders,
    # the user's EPCI (header)
    with django_assert_num_queries(8):
        response = client.get(url(council))
    assert len(response.context["page"].rows) == n


def test_recording_the_prefectoral_order(client, secretariat, council, territory):
    client.force_login(secretariat)
    response = client.post(
        url(council),
        {
            "renewal_year": 2026,
            "signed_on": "2025-10-30",
            "number": "13-2025-10-30-001",
            "file": SimpleUploadedFile("arrêté sièges.pdf", MINIMAL_PDF),
        },
    )
    assert response.status_code == 302
    order = CouncilOrder.objects.get()
    assert (order.epci, order.renewal_year, order.number) == (
        council.epci,
        2026,
        "13-2025-10-30-001",
    )
    assert order.signed_on == datetime.date(2025, 10, 30)
    assert AuditEvent.objects.filter(action="seats.order_recorded").count() == 1
    page = client.get(url(council))
    assert "Arrêté n° 13-2025-10-30-001 du 30/10/2025" in page.content.decode()
    download = client.get(order_url(council, order))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == MINIMAL_PDF


def test_an_order_that_is_not_a_pdf_writes_nothing(client, secretariat, council, territory):
    client.force_login(secretariat)
    response = client.post(
        url(council),
        {
            "renewal_year": 2026,
            "signed_on": "2025-10-30",
            "number": "1",
            "file": SimpleUploadedFile("arrete.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 200
    assert "pas un fichier PDF valide" in response.content.decode()
    assert not CouncilOrder.objects.exists()


def test_an_order_of_another_epci_is_404(client, secretariat, council, other_epci):
    other_council = BodyFactory(epci=other_epci)
    order = CouncilOrder.objects.create(
        epci=other_epci,
        renewal_year=2026,
        signed_on=datetime.date(2025, 10, 30),
        number="x",
        name="x.pdf",
    )
    client.force_login(secretariat)
    for body in (council, other_council):
        response = client.get(order_url(body, order))
        assert response.status_code == 404


def test_agent_of_the_epci_cannot_record_an_order(client, epci, council, territory):
    agent = UserFactory(epci=epci, agent=True)
    client.force_login(agent)
    response = client.post(
        url(council),
        {"renewal_year": 2026, "signed_on": "2025-10-30", "number": "1"},
    )
    assert response.status_code == 403
    assert not CouncilOrder.objects.exists()
