import pytest

from governance.models import User
from tests.factories import CommuneFactory, UserFactory
from tests.mutualisation.factories import (
    ConventionFactory,
    EquipmentItemFactory,
    ServiceOfferFactory,
    StaffMemberFactory,
)


@pytest.fixture
def agent(epci):
    return UserFactory(epci=epci, agent=True, first_name="Agent")


@pytest.fixture
def legal_offer(epci):
    return ServiceOfferFactory(epci=epci, name="Assistance juridique", position=1)


@pytest.fixture
def engineering_offer(epci):
    return ServiceOfferFactory(epci=epci, name="Ingénierie", engineering=True, position=2)


@pytest.fixture
def equipment_offer(epci):
    return ServiceOfferFactory(epci=epci, name="Prêt de matériel", equipment=True, position=4)


@pytest.fixture
def training_offer(epci):
    return ServiceOfferFactory(epci=epci, name="Formations", training=True, position=5)


@pytest.fixture
def convention(commune, legal_offer, engineering_offer, equipment_offer, training_offer):
    """Villetest (1,500 inhabitants) signed every option."""
    return ConventionFactory(
        commune=commune,
        options=[legal_offer, engineering_offer, equipment_offer, training_offer],
    )


@pytest.fixture
def other_commune(epci):
    return CommuneFactory(epci=epci, name="Autreville", population=12000)


@pytest.fixture
def other_dgs(epci, other_commune):
    """A DGS of another commune of the same EPCI."""
    return UserFactory(epci=epci, role=User.Role.DGS, commune=other_commune)


@pytest.fixture
def sweeper(epci, equipment_offer):
    return EquipmentItemFactory(epci=epci, offer=equipment_offer, road_sweeper=True)


@pytest.fixture
def tent(epci, equipment_offer):
    return EquipmentItemFactory(epci=epci, offer=equipment_offer, name="Tente 5 × 8 m")


@pytest.fixture
def driver(epci):
    return StaffMemberFactory(epci=epci)


@pytest.fixture
def secretary_staff(epci):
    return StaffMemberFactory(epci=epci, secretary=True)
