import io
import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.test import override_settings

from demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo
from demo.plan import DEMO_FIRST_NAMES, DEMO_LAST_NAMES, SECTORS
from governance.models import EPCI, Body, Commune, Mandate, Membership, Person, User
from governance.rules import BodyKind, defaults_for

RULE_FIELDS = ("notice_days", "emergency_notice_days", "quorum_rule", "proxies_allowed",
               "is_public", "min_sessions_per_year", "deliberative", "gives_opinions",
               "convened_by")  # fmt: skip


@pytest.fixture
def demo(db):
    return load_demo()


def test_the_territory_is_the_real_m2a(demo):
    epci = EPCI.objects.get(siren="200066009")
    assert (epci.name, epci.nature) == ("CA Mulhouse Alsace Agglomération", EPCI.Nature.CA)
    communes = Commune.objects.filter(epci=epci)
    assert communes.count() == 39
    assert communes.aggregate(total=Sum("population"))["total"] == 274260
    mulhouse = communes.get(insee_code="68224")
    assert (mulhouse.name, mulhouse.population, mulhouse.population_vintage) == (
        "Mulhouse", 104978, 2023,
    )  # fmt: skip
    assert set(communes.values_list("departement", "siren")) == {("68", "")}
    assert not communes.filter(sector=None).exists()
    assert sorted(epci.sectors.values_list("name", flat=True)) == list(SECTORS)


def test_every_kind_of_body_has_members_and_the_default_rules_of_its_kind(demo):
    bodies = Body.objects.annotate(members=Count("memberships"))
    assert {body.kind for body in bodies} == set(BodyKind.values)
    for body in bodies:
        assert body.members > 0, body.name
        rules = defaults_for(body.kind)
        assert {f: getattr(body, f) for f in RULE_FIELDS} == {
            f: getattr(rules, f) for f in RULE_FIELDS
        }, body.name


def test_single_seat_communes_have_a_substitute_in_the_council(demo):
    council = Body.objects.get(kind=BodyKind.COUNCIL)
    titular = council.memberships.filter(role__in=Membership.VOTING_ROLES)
    seats = dict(titular.values("commune").annotate(n=Count("pk")).values_list("commune", "n"))
    assert sum(seats.values()) == 100
    assert seats[Commune.objects.get(insee_code="68224").pk] == 30
    single = [commune_id for commune_id, n in seats.items() if n == 1]
    assert len(single) == 23
    substitutes = council.memberships.filter(role=Membership.Role.SUBSTITUTE)
    assert sorted(substitutes.values_list("commune", flat=True)) == sorted(single)
    for substitute in substitutes.select_related("substitute_for"):
        assert substitute.substitute_for.body_id == council.pk
        assert substitute.substitute_for.commune_id == substitute.commune_id
        assert substitute.person.mandates.filter(
            kind=Mandate.Kind.COMMUNITY_SUBSTITUTE, commune=substitute.commune
        ).exists()


def test_the_president_chairs_the_council_and_the_mayors_conferences(demo):
    president = Person.objects.get(mandates__kind=Mandate.Kind.PRESIDENT)
    chaired = Body.objects.filter(
        memberships__person=president, memberships__role=Membership.Role.CHAIR
    )
    assert set(chaired.values_list("kind", flat=True)) == {
        BodyKind.COUNCIL, BodyKind.BUREAU, BodyKind.MAYORS_CONFERENCE,
        BodyKind.TERRITORIAL_CONFERENCE,
    }  # fmt: skip
    assert (
        Mandate.objects.filter(kind=Mandate.Kind.VICE_PRESIDENT).exclude(delegation="").count() == 4
    )
    mayors = Membership.objects.filter(
        body__kind=BodyKind.MAYORS_CONFERENCE, role=Membership.Role.MEMBER
    )
    mayor_mandates = Mandate.objects.filter(kind=Mandate.Kind.MAYOR)
    assert sorted(mayors.values_list("person", flat=True)) == sorted(
        mayor_mandates.values_list("person", flat=True)
    )
    for conference in Body.objects.filter(kind=BodyKind.TERRITORIAL_CONFERENCE):
        members = conference.memberships.filter(role=Membership.Role.MEMBER)
        assert set(members.values_list("commune", flat=True)) == set(
            conference.sector.communes.values_list("pk", flat=True)
        )


def test_working_groups_clect_and_dgs_board_have_their_designated_members(demo):
    for group in Body.objects.filter(kind=BodyKind.WORKING_GROUP):
        roles = list(group.memberships.values_list("role", "designated_by"))
        assert (Membership.Role.STAFF, Membership.DesignatedBy.PRESIDENT) in roles
        assert roles.count((Membership.Role.MEMBER, Membership.DesignatedBy.MAYOR)) >= 10
    clect = Body.objects.get(kind=BodyKind.CLECT).memberships.filter(role=Membership.Role.MEMBER)
    assert set(clect.values_list("designated_by", flat=True)) == {
        Membership.DesignatedBy.MUNICIPAL_COUNCIL
    }
    assert clect.values("commune").distinct().count() == 39
    assert not clect.exclude(person__mandates__kind=Mandate.Kind.MUNICIPAL_COUNCILLOR).exists()
    board = Body.objects.get(kind=BodyKind.DGS_BOARD).memberships.filter(
        role=Membership.Role.MEMBER
    )
    assert board.values("commune").distinct().count() == 39
    assert set(board.values_list("person__mandates__kind", flat=True)) == {
        Mandate.Kind.DGS,
        Mandate.Kind.TOWN_CLERK,
    }


def test_demo_accounts_log_in_with_the_published_password(demo):
    for account in DEMO_ACCOUNTS:
        assert account["password"] == DEMO_PASSWORD
        user = authenticate(None, username=account["email"], password=account["password"])
        assert user is not None, account["email"]
        assert EmailAddress.objects.filter(
            user=user, email=account["email"], verified=True, primary=True
        ).exists()
    assert authenticate(None, username="elu@demo.interco.test", password="mauvais") is None


def test_demo_accounts_have_their_roles_and_links(demo):
    users = {user.email.split("@")[0]: user for user in User.objects.all()}
    assert users["secretariat"].role == User.Role.SECRETARIAT
    assert users["agent"].role == User.Role.AGENT
    assert users["admin"].is_superuser and users["admin"].is_staff
    elected = users["elu"]
    assert elected.role == User.Role.ELECTED
    assert elected.person.mandates.filter(kind=Mandate.Kind.MAYOR, commune__name="Rixheim").exists()
    assert set(elected.person.memberships.values_list("body__kind", flat=True)) >= {
        BodyKind.COUNCIL, BodyKind.MAYORS_CONFERENCE, BodyKind.TERRITORIAL_CONFERENCE,
        BodyKind.WORKING_GROUP,
    }  # fmt: skip
    dgs = users["dgs"]
    assert (dgs.role, dgs.commune.insee_code) == (User.Role.DGS, "68154")
    assert dgs.person.mandates.filter(kind=Mandate.Kind.DGS, commune=dgs.commune).exists()


def test_secretariat_and_admin_have_the_demo_totp_secret(demo):
    for email in ("secretariat@demo.interco.test", "admin@demo.interco.test"):
        totp = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
        assert decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET


def test_people_have_obviously_invented_names(demo):
    first_names = {name for name, _ in DEMO_FIRST_NAMES}
    people = Person.objects.all()
    assert people.count() > 200
    for person in people:
        assert person.first_name in first_names
        assert person.last_name in DEMO_LAST_NAMES
        assert person.email.endswith("@demo.interco.test")
    assert people.values("match_key").distinct().count() == people.count()
    assert people.get(email="alix.exemplaire@demo.interco.test").match_key == "exemplaire|alix"


def _snapshot():
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
    }


def test_loading_twice_creates_and_changes_nothing(demo):
    assert demo.communes == 39 and demo.accounts == 5
    before = _snapshot()
    again = load_demo()
    assert again.total == 0
    assert _snapshot() == before


def test_loading_keeps_what_was_edited_since(demo):
    council = Body.objects.get(kind=BodyKind.COUNCIL)
    council.notice_days = 7
    council.save(update_fields=["notice_days"])
    membership = council.memberships.filter(role=Membership.Role.MEMBER).first()
    membership.role = Membership.Role.GUEST
    membership.save(update_fields=["role"])
    count = Membership.objects.count()
    assert load_demo().total == 0
    council.refresh_from_db()
    assert council.notice_days == 7
    assert Membership.objects.count() == count


@override_settings(DEBUG=True)
def test_load_demo_command_prints_the_accounts(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    for account in DEMO_ACCOUNTS:
        assert account["email"] in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "rien à créer" in out.getvalue()


@override_settings(DEBUG=False)
def test_load_demo_command_refuses_without_debug(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=io.StringIO())
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_demo_totp_prints_a_code_the_secretariat_authenticator_accepts(demo, monkeypatch):
    now = 1_790_000_000.0
    monkeypatch.setattr(time, "time", lambda: now)
    out = io.StringIO()
    call_command("demo_totp", stdout=out)
    code = out.getvalue().splitlines()[0]
    assert re.fullmatch(r"\d{6}", code)
    assert code == format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(now) // 30))
    totp = Authenticator.objects.get(
        user__email="secretariat@demo.interco.test", type=Authenticator.Type.TOTP
    )
    assert TOTP(totp).validate_code(code)


@override_settings(DEBUG=False)
def test_demo_totp_refuses_without_debug():
    out = io.StringIO()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_totp", stdout=out)
    assert out.getvalue() == ""
