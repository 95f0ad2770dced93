"""Installing an EPCI from its SIREN with the shipped list of every EPCI of France."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from core.models import OutboundMessage
from governance.models import EPCI, AuditEvent, Commune, User
from governance.territory import catalogue
from governance.territory.selectors import preview_epci
from governance.territory.services import create_epci, invite_first_secretariat
from tests.factories import CommuneFactory, EPCIFactory, UserFactory

CHARTRES = "200033181"
ANGERS = "244900015"

# The four EPCI of the reference data (docs: governance/territory/data/README.md), with their
# member count and municipal population (PL 2023) as published in the reference extracts.
REFERENCE = [
    ("200066009", "CA Mulhouse Alsace Agglomération", "CA", 39, 274_260),
    ("200054807", "Métropole d'Aix-Marseille-Provence", "METRO", 92, 1_939_077),
    (CHARTRES, "CA Chartres Métropole", "CA", 66, 137_384),
    (ANGERS, "CU Angers Loire Métropole", "CU", 29, 312_612),
]


@pytest.mark.parametrize(("siren", "name", "nature", "count", "population"), REFERENCE)
def test_the_shipped_list_gives_the_reference_epci(siren, name, nature, count, population):
    record = catalogue.find_epci(siren)
    assert (record.name, record.nature) == (name, nature)
    assert len(record.communes) == count
    assert record.population == population


def test_the_shipped_list_names_and_counts_communes_as_the_cog():
    communes = {c.insee_code: c for c in catalogue.find_epci("200054807").communes}
    # Marseille is the sum of its 16 arrondissements municipaux.
    assert communes["13055"] == catalogue.CatalogueCommune(
        insee_code="13055",
        name="Marseille",
        departement="13",
        population=886_040,
        siren="211300553",
    )
    angers = {c.insee_code: c for c in catalogue.find_epci(ANGERS).communes}
    assert (angers["49007"].name, angers["49007"].population) == ("Angers", 159_022)
    # Every commune of France in an EPCI à fiscalité propre, each in exactly one.
    codes = [c.insee_code for record in catalogue.all_epci() for c in record.communes]
    assert len(codes) == len(set(codes)) == 34_871


@pytest.mark.django_db
def test_create_epci_creates_the_epci_and_its_communes_audited():
    operator = UserFactory(is_superuser=True, is_staff=True, epci=None)
    result = create_epci(siren="200 033 181", actor=operator)
    epci = EPCI.objects.get(siren=CHARTRES)
    assert (epci.name, epci.nature) == ("CA Chartres Métropole", "CA")
    assert result.epci == epci and len(result.created) == 66 and not result.elsewhere
    communes = Commune.objects.for_epci(epci.pk)
    assert communes.count() == 66
    assert sum(c.population for c in communes) == 137_384
    assert set(communes.values_list("departement", "population_vintage")) == {("28", 2023)}
    chartres = communes.get(insee_code="28085")
    assert (chartres.name, chartres.siren) == ("Chartres", "212800858")
    event = AuditEvent.objects.get(action="epci.created")
    assert (event.actor, event.epci, event.object_id) == (operator, epci, str(epci.pk))
    assert len(event.data["communes_created"]) == 66
    assert event.data["source"] == "@etalab/decoupage-administratif 6.0.0"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("siren", "message"),
    [
        ("12345", "Le SIREN compte 9 chiffres."),
        ("2000661O9", "Le SIREN compte 9 chiffres."),
        (
            "123456789",
            "Aucun EPCI à fiscalité propre ne porte le SIREN 123456789 dans la liste nationale "
            "de 2026 (DGCL). Vérifiez le numéro.",
        ),
    ],
)
def test_a_malformed_or_unknown_siren_is_refused_and_writes_nothing(siren, message):
    with pytest.raises(ValidationError) as refused:
        create_epci(siren=siren, actor=None)
    assert refused.value.messages == [message]
    assert not EPCI.objects.exists() and not AuditEvent.objects.exists()


def test_an_epci_already_installed_is_refused(epci):
    with pytest.raises(ValidationError) as refused:
        create_epci(siren=epci.siren, actor=None)
    assert refused.value.messages == [
        "L'EPCI CA Test Agglomération (SIREN 200066009) existe déjà dans ce portail."
    ]
    assert EPCI.objects.count() == 1 and not Commune.objects.exists()


def test_a_commune_of_another_epci_is_reported_and_never_moved(epci):
    # Lèves (28209) is a member of Chartres Métropole in the official list.
    taken = CommuneFactory(epci=epci, insee_code="28209", name="Lèves", population=5000)
    # Luisant (28220) left its EPCI: a commune of no EPCI is taken in and brought up to date.
    free = CommuneFactory(epci=None, insee_code="28220", name="Luisant", population_vintage=2021)
    result = create_epci(siren=CHARTRES, actor=None)
    taken.refresh_from_db()
    free.refresh_from_db()
    assert taken.epci == epci and taken.population == 5000
    assert result.elsewhere == [taken]
    assert result.attached == [free] and free.epci == result.epci
    assert (free.population_vintage, free.departement) == (2023, "28")
    assert Commune.objects.for_epci(result.epci.pk).count() == 65
    event = AuditEvent.objects.get(action="epci.created")
    assert event.data["communes_elsewhere"] == ["28209"]
    assert event.data["communes_attached"] == ["28220"]


@pytest.mark.django_db
def test_only_an_operator_creates_an_epci(secretariat):
    with pytest.raises(PermissionDenied):
        create_epci(siren=CHARTRES, actor=secretariat)
    assert not EPCI.objects.filter(siren=CHARTRES).exists()


def test_preview_shows_what_would_be_created_in_constant_queries(epci, django_assert_num_queries):
    CommuneFactory(epci=epci, insee_code="28209", name="Lèves")
    with django_assert_num_queries(2):
        preview = preview_epci(CHARTRES)
    assert preview.record.name == "CA Chartres Métropole" and preview.existing is None
    assert len(preview.rows) == 66
    assert [(row.commune.insee_code, row.other_epci) for row in preview.elsewhere] == [
        ("28209", epci)
    ]


@pytest.mark.django_db
def test_invite_first_secretariat(monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda f, using=None, robust=False: f())
    operator = UserFactory(is_superuser=True, is_staff=True, epci=None)
    epci = create_epci(siren=ANGERS, actor=operator).epci
    user = invite_first_secretariat(epci=epci, email="Secretariat@Angers.Test", actor=operator)
    assert (user.email, user.role, user.epci) == (
        "secretariat@angers.test",
        User.Role.SECRETARIAT,
        epci,
    )
    assert not user.has_usable_password()
    assert AuditEvent.objects.filter(
        action="account.invited", epci=epci, actor=operator, object_id=str(user.pk)
    ).exists()
    assert OutboundMessage.objects.get(dedup_key=f"invitation:user:{user.pk}")
    assert mail.outbox[0].subject == "Invitation au portail Interco — CU Angers Loire Métropole"


def test_invite_first_secretariat_is_for_operators(secretariat, other_epci):
    with pytest.raises(PermissionDenied):
        invite_first_secretariat(epci=other_epci, email="x@ailleurs.test", actor=secretariat)
    assert not User.objects.filter(email="x@ailleurs.test").exists()


@pytest.mark.django_db
def test_command_creates_the_epci_and_invites_its_secretariat(monkeypatch, capsys):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda f, using=None, robust=False: f())
    call_command("create_epci", CHARTRES, "--secretariat", "secretariat@chartres.test")
    out = capsys.readouterr().out
    assert "EPCI créé : CA Chartres Métropole (SIREN 200033181" in out
    assert "66 commune(s)" in out
    assert catalogue.ATTRIBUTION in out
    user = User.objects.get(email="secretariat@chartres.test")
    assert (user.role, user.epci.siren) == (User.Role.SECRETARIAT, CHARTRES)
    assert len(mail.outbox) == 1
    assert (
        "Vous êtes invité(e) à rejoindre le portail Interco de CA Chartres" in mail.outbox[0].body
    )


@pytest.mark.django_db
def test_command_with_an_address_already_taken_creates_nothing():
    UserFactory(email="deja@exemple.test", epci=EPCIFactory())
    with pytest.raises(CommandError, match="Un compte existe déjà avec cette adresse."):
        call_command("create_epci", CHARTRES, "--secretariat", "deja@exemple.test")
    assert not EPCI.objects.filter(siren=CHARTRES).exists()


@pytest.mark.django_db
def test_command_refuses_an_unknown_siren():
    with pytest.raises(CommandError, match="Aucun EPCI à fiscalité propre ne porte le SIREN"):
        call_command("create_epci", "999999999")
