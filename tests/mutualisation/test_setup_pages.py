"""The secretariat's set-up pages of the catalogue: offers, equipment, lent staff, trainings.
Secretariat creates and edits (with an audit event), other personas of the EPCI get a 403, the
secretariat of another EPCI a 404 on our objects, a form error keeps what was typed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.models import AuditEvent
from mutualisation.catalogue import services as catalogue
from mutualisation.models import EquipmentItem, ServiceOffer, StaffMember, TrainingSession
from tests.factories import PersonFactory
from tests.mutualisation.factories import (
    EquipmentItemFactory,
    ServiceOfferFactory,
    StaffMemberFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"mutualisation:{name}", kwargs=kwargs)


def events(action, obj):
    return AuditEvent.objects.filter(action=action, object_id=str(obj.pk))


def _training_start():
    start = timezone.localtime() + datetime.timedelta(days=30)
    return start.replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.fixture
def person(epci):
    return PersonFactory(epci=epci, first_name="Camille", last_name="FICTIVE")


@pytest.fixture
def training(epci, training_offer):
    return TrainingSessionFactory(epci=epci, offer=training_offer, title="Marchés publics")


@pytest.fixture
def objects(legal_offer, tent, driver, training):
    """One object of each kind, keyed like the URL names."""
    return {"offer": legal_offer, "equipment": tent, "staff": driver, "training": training}


class TestCreateAndEdit:
    def test_offer(self, client, secretariat, epci):
        client.force_login(secretariat)
        assert client.get(url("setup_offer_create")).status_code == 200
        data = {
            "kind": "advice",
            "name": "Conseil RGPD",
            "description": "Accompagnement à la conformité.",
            "min_population": "",
            "max_population": "4999",
            "requires_convention": "on",
            "response_days": "15",
            "position": "6",
            "active": "on",
        }
        response = client.post(url("setup_offer_create"), data)
        assert response.status_code == 302
        assert response["Location"] == url("setup")
        offer = ServiceOffer.objects.get(name="Conseil RGPD")
        assert offer.epci == epci
        assert offer.max_population == 4999
        assert offer.response_days == 15
        assert events("mutualisation.offer.created", offer).get().actor == secretariat

        assert client.get(url("setup_offer_edit", pk=offer.pk)).status_code == 200
        data.update(name="Conseil RGPD et cybersécurité", max_population="", active="")
        del data["active"]
        response = client.post(url("setup_offer_edit", pk=offer.pk), data)
        assert response.status_code == 302
        offer.refresh_from_db()
        assert offer.name == "Conseil RGPD et cybersécurité"
        assert offer.max_population is None
        assert offer.active is False
        event = events("mutualisation.offer.updated", offer).get()
        assert event.data["fields"] == ["active", "max_population", "name"]

    def test_equipment(self, client, secretariat, epci, equipment_offer):
        client.force_login(secretariat)
        assert client.get(url("setup_equipment_create")).status_code == 200
        data = {
            "name": "Balayeuse n° 2",
            "kind": "road_sweeper",
            "offer": equipment_offer.pk,
            "needs_driver": "on",
            "active": "on",
        }
        assert client.post(url("setup_equipment_create"), data).status_code == 302
        item = EquipmentItem.objects.get(name="Balayeuse n° 2")
        assert (item.epci, item.offer, item.needs_driver) == (epci, equipment_offer, True)
        assert events("mutualisation.equipment.created", item).exists()

        del data["needs_driver"]
        assert client.get(url("setup_equipment_edit", pk=item.pk)).status_code == 200
        assert client.post(url("setup_equipment_edit", pk=item.pk), data).status_code == 302
        item.refresh_from_db()
        assert item.needs_driver is False
        assert events("mutualisation.equipment.updated", item).exists()

    def test_staff_member(self, client, secretariat, epci, person):
        client.force_login(secretariat)
        assert client.get(url("setup_staff_create")).status_code == 200
        data = {"person": person.pk, "role": "secretary", "active": "on"}
        assert client.post(url("setup_staff_create"), data).status_code == 302
        member = StaffMember.objects.get(person=person)
        assert (member.epci, member.role) == (epci, StaffMember.Role.SECRETARY)
        assert events("mutualisation.staff.created", member).exists()

        response = client.get(url("setup_staff_edit", pk=member.pk))
        assert response.status_code == 200
        assert "FICTIVE" in response.content.decode()
        del data["active"]
        assert client.post(url("setup_staff_edit", pk=member.pk), data).status_code == 302
        member.refresh_from_db()
        assert member.active is False
        assert events("mutualisation.staff.updated", member).exists()

    def test_training_session(self, client, secretariat, epci, training_offer):
        client.force_login(secretariat)
        assert client.get(url("setup_training_create")).status_code == 200
        start = _training_start()
        data = {
            "title": "Budget communal",
            "offer": training_offer.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "location": "Salle du conseil",
            "seats": "12",
        }
        assert client.post(url("setup_training_create"), data).status_code == 302
        session = TrainingSession.objects.get(title="Budget communal")
        assert (session.epci, session.seats, session.starts_at) == (epci, 12, start)
        assert events("mutualisation.training.created", session).exists()

        data["seats"] = "15"
        assert client.get(url("setup_training_edit", pk=session.pk)).status_code == 200
        assert client.post(url("setup_training_edit", pk=session.pk), data).status_code == 302
        session.refresh_from_db()
        assert session.seats == 15
        assert events("mutualisation.training.updated", session).get().data["fields"] == ["seats"]

    def test_saving_unchanged_records_no_event(self, secretariat, legal_offer):
        catalogue.save_offer(actor=secretariat, offer=legal_offer, name=legal_offer.name)
        assert not AuditEvent.objects.filter(action="mutualisation.offer.updated").exists()


class TestAccess:
    @pytest.mark.parametrize("persona", ["agent", "elected", "dgs"])
    def test_other_personas_of_the_epci_get_403(self, client, request, persona, objects):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(url("setup")).status_code == 403
        for kind, obj in objects.items():
            assert client.get(url(f"setup_{kind}_create")).status_code == 403
            assert client.get(url(f"setup_{kind}_edit", pk=obj.pk)).status_code == 403
            assert client.post(url(f"setup_{kind}_create"), {}).status_code == 403
            assert client.post(url(f"setup_{kind}_edit", pk=obj.pk), {}).status_code == 403

    def test_other_epci_secretariat_gets_404_on_our_objects(self, client, outsider, objects):
        client.force_login(outsider)
        for kind, obj in objects.items():
            assert client.get(url(f"setup_{kind}_edit", pk=obj.pk)).status_code == 404
            assert client.post(url(f"setup_{kind}_edit", pk=obj.pk), {}).status_code == 404
        response = client.get(url("setup"))
        assert response.status_code == 200
        assert objects["offer"].name not in response.content.decode()

    def test_other_epci_choices_are_refused(self, client, secretariat, other_epci):
        foreign_offer = ServiceOfferFactory(epci=other_epci, equipment=True)
        foreign_person = PersonFactory(epci=other_epci)
        client.force_login(secretariat)
        response = client.post(
            url("setup_equipment_create"),
            {"name": "Tente", "kind": "tent", "offer": foreign_offer.pk, "active": "on"},
        )
        assert response.status_code == 200
        assert "offer" in response.context["form"].errors
        response = client.post(
            url("setup_staff_create"), {"person": foreign_person.pk, "role": "driver"}
        )
        assert response.status_code == 200
        assert "person" in response.context["form"].errors
        assert not EquipmentItem.objects.exists()
        assert not StaffMember.objects.exists()

    def test_service_refuses_another_epcis_object(self, secretariat, other_epci):
        foreign = ServiceOfferFactory(epci=other_epci)
        with pytest.raises(ValidationError, match="n'appartient pas"):
            catalogue.save_offer(actor=secretariat, offer=foreign, name="Piratée")
        foreign.refresh_from_db()
        assert foreign.name != "Piratée"


class TestFormErrors:
    def test_bounds_out_of_order_keep_the_input(self, client, secretariat):
        client.force_login(secretariat)
        data = {
            "kind": "advice",
            "name": "Ingénierie financière",
            "description": "Texte saisi à conserver",
            "min_population": "5000",
            "max_population": "2000",
            "position": "0",
        }
        response = client.post(url("setup_offer_create"), data)
        assert response.status_code == 200
        form = response.context["form"]
        assert "max_population" in form.errors
        page = response.content.decode()
        assert 'value="Ingénierie financière"' in page
        assert "Texte saisi à conserver" in page
        assert 'value="5000"' in page
        assert not ServiceOffer.objects.filter(name="Ingénierie financière").exists()

    def test_duplicate_offer_name_is_refused(self, client, secretariat, legal_offer):
        client.force_login(secretariat)
        response = client.post(
            url("setup_offer_create"), {"kind": "legal", "name": legal_offer.name, "position": 0}
        )
        assert response.status_code == 200
        assert "name" in response.context["form"].errors

    def test_seats_below_confirmed_reservations_are_refused(
        self, client, secretariat, training, commune
    ):
        for i in range(2):
            training.reservations.create(
                commune=commune,
                attendee_name=f"P{i}",
                attendee_email=f"p{i}@exemple.test",
                status="confirmed",
            )
        client.force_login(secretariat)
        data = {
            "title": training.title,
            "offer": training.offer_id,
            "starts_at": timezone.localtime(training.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "seats": "1",
        }
        response = client.post(url("setup_training_edit", pk=training.pk), data)
        assert response.status_code == 200
        assert "déjà confirmées" in str(response.context["form"].non_field_errors())
        training.refresh_from_db()
        assert training.seats == 2


class TestSetupList:
    def test_lists_every_kind_with_edit_links(self, client, secretariat, objects):
        client.force_login(secretariat)
        page = client.get(url("setup")).content.decode()
        for kind, obj in objects.items():
            assert url(f"setup_{kind}_edit", pk=obj.pk) in page
            assert url(f"setup_{kind}_create") in page

    def test_dashboard_links_to_setup_for_the_secretariat_only(self, client, secretariat, agent):
        client.force_login(secretariat)
        assert url("setup") in client.get(url("dashboard")).content.decode()
        client.force_login(agent)
        assert url("setup") not in client.get(url("dashboard")).content.decode()

    @pytest.mark.parametrize("n", [1, 6])
    def test_query_count(
        self,
        client,
        secretariat,
        epci,
        equipment_offer,
        training_offer,
        commune,
        n,
        django_assert_num_queries,
    ):
        for i in range(n):
            ServiceOfferFactory(epci=epci)
            EquipmentItemFactory(epci=epci, offer=equipment_offer)
            StaffMemberFactory(epci=epci)
            session = TrainingSessionFactory(epci=epci, offer=training_offer)
            session.reservations.create(
                commune=commune,
                attendee_name="P",
                attendee_email=f"p{i}@exemple.test",
                status="confirmed",
            )
        client.force_login(secretariat)
        # session, user, TOTP check (middleware), offers, equipment (+ offer), staff (+ person),
        # trainings (+ offer and confirmed seats), the EPCI (header)
        with django_assert_num_queries(8):
            assert client.get(url("setup")).status_code == 200
