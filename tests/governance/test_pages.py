"""Governance pages: access for the right and the wrong persona, and pinned query counts."""

import pytest
from django.urls import reverse

from governance.models import Mandate, Membership
from tests.factories import (
    BodyFactory,
    CommuneFactory,
    MandateFactory,
    MembershipFactory,
    PersonFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


def _populate(epci, n):
    """n communes, each with a mayor, and n members in a council."""
    sector = SectorFactory(epci=epci)
    body = BodyFactory(epci=epci)
    for _ in range(n):
        commune = CommuneFactory(epci=epci, sector=sector)
        person = PersonFactory(epci=epci)
        MandateFactory(person=person, commune=commune, mayor=True)
        MembershipFactory(body=body, person=person, commune=commune)
    return body


class TestAnonymous:
    @pytest.mark.parametrize(
        "name,kwargs",
        [
            ("governance:commune_list", {}),
            ("governance:body_list", {}),
            ("governance:invite_user", {}),
            ("governance:commune_detail", {"insee_code": "68224"}),
            ("governance:body_detail", {"pk": 1}),
            ("governance:person_detail", {"pk": 1}),
        ],
    )
    def test_is_sent_to_login(self, client, name, kwargs):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


class TestCommuneDirectory:
    def test_lists_only_own_epci_communes_with_mayor(self, client, elected, epci, other_epci):
        _populate(epci, 2)
        foreign = CommuneFactory(epci=other_epci, name="Communeétrangère")
        client.force_login(elected)
        response = client.get(reverse("governance:commune_list"))
        assert response.status_code == 200
        names = [c.name for c in response.context["communes"]]
        assert len(names) == 2
        assert foreign.name not in names
        assert "Maire" not in names
        assert all(c.current_mayors for c in response.context["communes"])

    def test_filters_by_population_bracket_and_name(self, client, elected, epci):
        CommuneFactory(epci=epci, name="Petitbourg", population=800)
        CommuneFactory(epci=epci, name="Moyenville", population=3000)
        CommuneFactory(epci=epci, name="Grandeville", population=60000)
        client.force_login(elected)
        url = reverse("governance:commune_list")
        small = client.get(url, {"population": "small"}).context["communes"]
        assert [c.name for c in small] == ["Petitbourg"]
        named = client.get(reverse("governance:commune_list"), {"q": "ville"}).context["communes"]
        assert [c.name for c in named] == ["Grandeville", "Moyenville"]

    def test_bad_filter_value_is_reported_not_500(self, client, elected):
        client.force_login(elected)
        response = client.get(reverse("governance:commune_list"), {"population": "immense"})
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in response.content.decode()

    @pytest.mark.parametrize("n", [2, 8])
    def test_query_count_does_not_grow(self, client, elected, epci, n, django_assert_num_queries):
        _populate(epci, n)
        client.force_login(elected)
        # session, user, epci (header), sectors (filter form), communes, mayors
        with django_assert_num_queries(6):
            assert client.get(reverse("governance:commune_list")).status_code == 200

    def test_detail_of_another_epci_commune_is_404(self, client, outsider, commune):
        client.force_login(outsider)
        url = reverse("governance:commune_detail", kwargs={"insee_code": commune.insee_code})
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("n", [2, 6])
    def test_detail_query_count(self, client, elected, epci, commune, n, django_assert_num_queries):
        body = BodyFactory(epci=epci, is_public=True)
        for _ in range(n):
            person = PersonFactory(epci=epci)
            MandateFactory(person=person, commune=commune)
            MembershipFactory(body=body, person=person, commune=commune)
        client.force_login(elected)
        url = reverse("governance:commune_detail", kwargs={"insee_code": commune.insee_code})
        # session, user, commune, mandates, memberships, epci (header)
        with django_assert_num_queries(6):
            response = client.get(url)
        assert len(response.context["commune"].current_mandates) == n
        assert len(response.context["commune"].current_memberships) == n


class TestBodies:
    def test_member_sees_private_body_non_member_gets_404(
        self, client, epci, elected, private_body
    ):
        client.force_login(elected)
        url = reverse("governance:body_detail", kwargs={"pk": private_body.pk})
        assert client.get(url).status_code == 200
        from tests.factories import UserFactory

        colleague = UserFactory(epci=epci, person=PersonFactory(epci=epci))
        client.force_login(colleague)
        assert client.get(url).status_code == 404
        assert private_body.name not in client.get(reverse("governance:body_list")).content.decode()

    def test_public_body_visible_to_every_member_of_the_epci(self, client, elected, council):
        client.force_login(elected)
        url = reverse("governance:body_detail", kwargs={"pk": council.pk})
        assert client.get(url).status_code == 200

    def test_other_epci_body_is_404_even_for_its_secretariat(self, client, outsider, council):
        client.force_login(outsider)
        url = reverse("governance:body_detail", kwargs={"pk": council.pk})
        assert client.get(url).status_code == 404

    def test_ended_membership_is_not_listed(self, client, secretariat, council):
        import datetime

        current = MembershipFactory(body=council)
        MembershipFactory(body=council, end_date=datetime.date(2021, 1, 1))
        client.force_login(secretariat)
        response = client.get(reverse("governance:body_detail", kwargs={"pk": council.pk}))
        assert [m.pk for m in response.context["body"].current_memberships] == [current.pk]

    @pytest.mark.parametrize("n", [2, 10])
    def test_detail_query_count(self, client, secretariat, epci, n, django_assert_num_queries):
        body = _populate(epci, n)
        client.force_login(secretariat)
        # session, user, totp check, body, memberships, epci (header)
        with django_assert_num_queries(6):
            response = client.get(reverse("governance:body_detail", kwargs={"pk": body.pk}))
        assert len(response.context["body"].current_memberships) == n

    @pytest.mark.parametrize("n", [2, 5])
    def test_list_query_count(self, client, secretariat, epci, n, django_assert_num_queries):
        for _ in range(n):
            _populate(epci, 2)
        client.force_login(secretariat)
        with django_assert_num_queries(5):
            response = client.get(reverse("governance:body_list"))
        assert len(response.context["bodies"]) == n
        assert {b.member_count for b in response.context["bodies"]} == {2}


class TestPerson:
    def test_contact_details_only_for_secretariat_and_self(
        self, client, epci, secretariat, elected
    ):
        person = PersonFactory(epci=epci, email="contact-prive@exemple.test")
        url = reverse("governance:person_detail", kwargs={"pk": person.pk})
        client.force_login(secretariat)
        assert "contact-prive@exemple.test" in client.get(url).content.decode()
        client.force_login(elected)
        page = client.get(url)
        assert page.status_code == 200
        assert "contact-prive@exemple.test" not in page.content.decode()

    def test_other_epci_person_is_404(self, client, outsider, elected):
        client.force_login(outsider)
        url = reverse("governance:person_detail", kwargs={"pk": elected.person.pk})
        assert client.get(url).status_code == 404

    def test_memberships_of_private_bodies_hidden_from_non_members(
        self, client, epci, elected, private_body
    ):
        from tests.factories import UserFactory

        colleague = UserFactory(epci=epci, person=PersonFactory(epci=epci))
        client.force_login(colleague)
        page = client.get(reverse("governance:person_detail", kwargs={"pk": elected.person.pk}))
        assert private_body.name not in page.content.decode()

    @pytest.mark.parametrize("n", [2, 6])
    def test_query_count(self, client, epci, elected, n, django_assert_num_queries):
        body = BodyFactory(epci=epci, is_public=True)
        for _ in range(n):
            MandateFactory(person=elected.person, kind=Mandate.Kind.MUNICIPAL_COUNCILLOR)
            Membership.objects.create(body=body, person=elected.person, start_date="2020-01-01")
        client.force_login(elected)
        url = reverse("governance:person_detail", kwargs={"pk": elected.person.pk})
        with django_assert_num_queries(6):
            response = client.get(url)
        assert len(response.context["person"].all_mandates) == n
