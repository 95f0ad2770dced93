import pytest

from tests import locking
from tests.clients import PortalClient
from tests.factories import (
    BodyFactory,
    CommuneFactory,
    EPCIFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)

# Every query of the suite goes through the row-lock lint (tests/locking.py).
locking.install()


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture
def epci(db):
    return EPCIFactory(siren="200066009", name="CA Test Agglomération")


@pytest.fixture
def other_epci(db):
    return EPCIFactory(siren="200099999", name="CC Ailleurs-Lointain")


@pytest.fixture
def commune(epci):
    return CommuneFactory(epci=epci, insee_code="68224", name="Villetest")


@pytest.fixture
def secretariat(epci):
    """A secretariat account with TOTP already set up (the middleware requires it)."""
    return UserFactory(epci=epci, secretariat=True, with_totp=True)


@pytest.fixture
def elected(epci):
    person = PersonFactory(epci=epci)
    return UserFactory(epci=epci, person=person, email=person.email)


@pytest.fixture
def dgs(epci, commune):
    return UserFactory(epci=epci, dgs=True, commune=commune)


@pytest.fixture
def outsider(other_epci):
    """A user of another EPCI: everything of ours is a 404 to them."""
    return UserFactory(epci=other_epci, secretariat=True, with_totp=True)


@pytest.fixture
def council(epci):
    return BodyFactory(epci=epci, name="Conseil communautaire")


@pytest.fixture
def private_body(epci, elected):
    body = BodyFactory(epci=epci, kind="working_group", name="Groupe de travail Mobilités")
    MembershipFactory(body=body, person=elected.person)
    return body


@pytest.fixture
def make_commune(epci):
    def make(**kwargs):
        kwargs.setdefault("epci", epci)
        return CommuneFactory(**kwargs)

    return make
