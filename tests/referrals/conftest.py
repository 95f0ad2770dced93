import pytest

from tests.factories import MandateFactory, PersonFactory, UserFactory


@pytest.fixture
def other_commune(make_commune):
    return make_commune(insee_code="68999", name="Autreville")


@pytest.fixture
def other_dgs(epci, other_commune):
    """The DGS of another commune of the same EPCI."""
    return UserFactory(epci=epci, dgs=True, commune=other_commune)


@pytest.fixture
def mayor(epci, commune):
    """An elected account whose person is the current mayor of `commune`."""
    person = PersonFactory(epci=epci)
    MandateFactory(person=person, commune=commune, mayor=True)
    return UserFactory(epci=epci, person=person, email=person.email)
