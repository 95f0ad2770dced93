"""factory-boy factories. Names are obviously invented (never real people)."""

import datetime

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt

from governance.models import EPCI, Body, Commune, Mandate, Membership, Person, Sector, User
from governance.rules import BodyKind, defaults_for

# A fixed TOTP secret for tests that log in as the secretariat.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class EPCIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EPCI
        django_get_or_create = ("siren",)

    siren = factory.Sequence(lambda n: f"2000{n:05d}")
    name = factory.Sequence(lambda n: f"CA Test-sur-Loire {n}")
    nature = EPCI.Nature.CA


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    epci = factory.SubFactory(EPCIFactory)
    name = factory.Sequence(lambda n: f"Secteur {n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    # Five characters whatever the sequence (PostgreSQL enforces the length), away from 68xxx
    # codes that tests set by hand.
    insee_code = factory.Sequence(lambda n: f"{10000 + n % 50000:05d}")
    name = factory.Sequence(lambda n: f"Villefictive-{n}")
    departement = "68"
    population = 1500
    population_vintage = 2023
    epci = factory.SubFactory(EPCIFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    epci = factory.SubFactory(EPCIFactory)
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"TESTEUR{n}")
    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    person = factory.SubFactory(PersonFactory)
    kind = Mandate.Kind.MUNICIPAL_COUNCILLOR
    commune = factory.SubFactory(CommuneFactory, epci=factory.SelfAttribute("..person.epci"))
    start_date = datetime.date(2020, 7, 1)

    class Params:
        mayor = factory.Trait(kind=Mandate.Kind.MAYOR, label="Maire")
        dgs = factory.Trait(kind=Mandate.Kind.DGS)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    epci = factory.SubFactory(EPCIFactory)
    kind = BodyKind.COUNCIL
    name = factory.Sequence(lambda n: f"Instance {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        rules = defaults_for(kwargs["kind"])
        for field in (
            "notice_days",
            "emergency_notice_days",
            "quorum_rule",
            "proxies_allowed",
            "is_public",
            "min_sessions_per_year",
            "deliberative",
            "gives_opinions",
            "convened_by",
        ):
            kwargs.setdefault(field, getattr(rules, field))
        return super()._create(model_class, *args, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    person = factory.SubFactory(PersonFactory, epci=factory.SelfAttribute("..body.epci"))
    role = Membership.Role.MEMBER
    start_date = datetime.date(2020, 7, 15)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"compte{n}@exemple.test")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"FICTIF{n}")
    epci = factory.SubFactory(EPCIFactory)
    role = User.Role.ELECTED
    password = factory.django.Password("motdepasse-de-test")
    # Accounts come from invitations, which reach their address: it is verified.
    email_address = factory.RelatedFactory(
        "tests.factories.EmailAddressFactory",
        factory_related_name="user",
        email=factory.SelfAttribute("..email"),
    )

    class Params:
        secretariat = factory.Trait(role=User.Role.SECRETARIAT)
        agent = factory.Trait(role=User.Role.AGENT)
        dgs = factory.Trait(role=User.Role.DGS)
        with_totp = factory.Trait(
            totp=factory.RelatedFactory("tests.factories.TOTPFactory", factory_related_name="user")
        )


class EmailAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory)
    email = factory.SelfAttribute("user.email")
    verified = True
    primary = True


class TOTPFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory)
    type = Authenticator.Type.TOTP
    data = factory.LazyFunction(lambda: {"secret": encrypt(TEST_TOTP_SECRET)})
