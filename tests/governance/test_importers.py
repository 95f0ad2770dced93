"""Importers of the official files, on real excerpts (INSEE, DGCL) and invented RNE rows."""

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.utils import timezone

from governance.importers import values as v
from governance.importers.errors import MAX_ERRORS, ImportRejected
from governance.importers.rne import epci_function, municipal_function
from governance.importers.services import import_file
from governance.models import EPCI, AuditEvent, Commune, ImportRun, Mandate, Person
from tests.factories import CommuneFactory, MandateFactory

FIXTURES = Path(__file__).parent / "fixtures"
DGCL = FIXTURES / "dgcl_epcicom2026_sheet_Epcicom2025__m2a_amp.csv"
COG = FIXTURES / "insee_cog2026_v_commune_2026__m2a_amp.csv"
POPULATIONS = FIXTURES / "insee_populations_legales_2023_donnees_communes__m2a_amp.csv"
REFERENCE = Path("/work/shared/data")
M2A, AMP = "200066009", "200054807"
Kind = Mandate.Kind


def run(path: Path, *, epci=None, name=None, **kwargs):
    with open(path, "rb") as fileobj:
        return import_file(fileobj=fileobj, name=name or path.name, epci=epci, **kwargs)


def rejected(path: Path, **kwargs) -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        run(path, **kwargs)
    return info.value


def snapshot():
    """Everything an import may write, to compare before and after a rejected file."""
    return [
        list(model.objects.order_by("pk").values()) for model in (EPCI, Commune, Person, Mandate)
    ]


def dgcl_rows():
    with open(DGCL, encoding="utf-8") as fileobj:
        return list(csv.DictReader(fileobj))


def dgcl_xlsx(tmp_path: Path) -> Path:
    """The DGCL publishes a workbook: rebuild it from the CSV excerpt, with numbers as numbers
    (the SIRENs and populations are numeric cells in the real file)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Epcicom2025"
    with open(DGCL, encoding="utf-8") as fileobj:
        for i, row in enumerate(csv.reader(fileobj)):
            sheet.append([int(c) if i and c.isdigit() else c for c in row])
    path = tmp_path / "epcicom2026.xlsx"
    workbook.save(path)
    return path


@pytest.fixture
def m2a(db):
    run(DGCL, siren=M2A)
    return EPCI.objects.get(siren=M2A)


@pytest.fixture
def amp(db):
    run(DGCL, siren=AMP)
    return EPCI.objects.get(siren=AMP)


@pytest.fixture
def rne_communes(epci):
    """Three communes of the EPCI with SIREN 200066009 (conftest), as the RNE files need."""
    for code, name in (("68224", "Mulhouse"), ("68376", "Wittenheim"), ("68154", "Illzach")):
        CommuneFactory(epci=epci, insee_code=code, name=name)
    return epci


# Cell parsers --------------------------------------------------------------------------------


def test_dates_in_both_formats_and_codes_padded():
    assert v.parse_date("2026-03-15") == v.parse_date("15/03/2026") == datetime.date(2026, 3, 15)
    assert v.parse_date("") is None
    with pytest.raises(ValueError, match="date invalide"):
        v.parse_date("31/02/2020")
    assert v.parse_siren("200066009.0") == "200066009"
    assert v.parse_siren("1234567") == "001234567"
    assert v.parse_insee("1001") == "01001"
    assert v.parse_insee("2a004") == "2A004"
    assert v.year_in_name("imports/pop_legales_2023.csv") == 2023
    assert v.year_in_name("donnees_communes.csv") is None


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Maire", (Kind.MAYOR, None)),
        ("1er adjoint au Maire", (Kind.DEPUTY_MAYOR, 1)),
        ("2ème adjoint au Maire", (Kind.DEPUTY_MAYOR, 2)),
        ("1ère adjointe au maire", (Kind.DEPUTY_MAYOR, 1)),
        ("", None),
        ("Maire délégué", ("", None)),
    ],
)
def test_municipal_functions(label, expected):
    assert municipal_function(label) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Président du conseil communautaire", (Kind.PRESIDENT, None)),
        ("1er Vice-président", (Kind.VICE_PRESIDENT, 1)),
        ("12ème vice-présidente du conseil communautaire", (Kind.VICE_PRESIDENT, 12)),
        ("", None),
    ],
)
def test_epci_functions(label, expected):
    assert epci_function(label) == expected


# DGCL composition ------------------------------------------------------------------------------


def _assert_m2a(summary):
    epci = EPCI.objects.get(siren=M2A)
    assert (epci.name, epci.nature) == ("CA Mulhouse Alsace Agglomération", EPCI.Nature.CA)
    communes = Commune.objects.filter(epci=epci)
    assert communes.count() == 39
    assert summary.created == 39
    assert summary.ignored == 92  # the Aix-Marseille-Provence rows
    expected = {row["insee"]: row for row in dgcl_rows() if row["siren"] == M2A}
    for commune in communes:
        row = expected[commune.insee_code]
        assert commune.name == row["nom_membre"]
        assert commune.population == int(row["pmun_2025"])
        assert commune.population_vintage == 2022  # in force in 2025 = millésime 2022
        assert commune.siren == row["siren_membre"]
        assert commune.departement == "68"
    # The DGCL total of the excerpt (shared/data/epci.csv: dgcl_total_pop_mun).
    assert sum(c.population for c in communes) == 272950


def test_dgcl_csv_creates_the_epci_and_its_communes(db):
    _assert_m2a(run(DGCL, siren=M2A))


def test_dgcl_xlsx_gives_the_same_result(db, tmp_path):
    summary = run(dgcl_xlsx(tmp_path), siren=M2A)
    assert summary.kind == "epcicom"
    _assert_m2a(summary)


def test_dgcl_metropole_nature_from_the_file(db, tmp_path):
    run(dgcl_xlsx(tmp_path), siren=AMP)
    epci = EPCI.objects.get(siren=AMP)
    assert epci.nature == EPCI.Nature.METRO
    assert epci.communes.count() == 92


def test_dgcl_reimport_changes_nothing(m2a):
    summary = run(DGCL, siren=M2A)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 39)
    assert Commune.objects.count() == 39
    assert EPCI.objects.count() == 1


def test_dgcl_detaches_a_commune_that_left(m2a):
    former = CommuneFactory(epci=m2a, insee_code="68999", name="Villepartie")
    summary = run(DGCL, epci=m2a)
    former.refresh_from_db()
    assert former.epci is None
    assert summary.updated == 1
    assert any("Villepartie" in note for note in summary.notes)


# INSEE populations ---------------------------------------------------------------------------


def test_populations_add_up_marseille_districts(amp):
    with open(POPULATIONS, encoding="utf-8", newline="") as fileobj:
        rows = list(csv.DictReader(fileobj, delimiter=";"))
    districts = sum(int(r["PMUN"]) for r in rows if "13201" <= r["COM"] <= "13216")
    summary = run(POPULATIONS, epci=amp)  # vintage from the file name: 2023
    marseille = Commune.objects.get(insee_code="13055")
    assert marseille.population == districts == 886040
    assert marseille.population_vintage == 2023
    assert summary.updated == 92
    assert summary.ignored == 39  # m2A rows, not members of AMP
    # Cross-check with the reference list (INSEE PL 2023 via @etalab/decoupage-administratif).
    with open(REFERENCE / "aix_marseille_provence_metropole_communes.csv", encoding="utf-8") as f:
        reference = {r["code_insee"]: int(r["population"]) for r in csv.DictReader(f)}
    assert dict(Commune.objects.filter(epci=amp).values_list("insee_code", "population")) == (
        reference
    )


def test_populations_vintage_option_or_rejection(m2a):
    error = rejected(POPULATIONS, epci=m2a, name="donnees_communes.csv")
    assert "millésime" in error.message
    summary = run(POPULATIONS, epci=m2a, name="donnees_communes.csv", vintage=2023)
    assert summary.updated == 39
    assert set(Commune.objects.values_list("population_vintage", flat=True)) == {2023}


def test_older_dgcl_populations_do_not_replace_newer_ones(m2a):
    run(POPULATIONS, epci=m2a)
    before = dict(Commune.objects.values_list("insee_code", "population"))
    summary = run(DGCL, epci=m2a)
    assert dict(Commune.objects.values_list("insee_code", "population")) == before
    assert summary.updated == 0
    assert any("plus récent" in note for note in summary.notes)


# INSEE COG -----------------------------------------------------------------------------------


def test_cog_keeps_communes_only_and_members_only(m2a):
    Commune.objects.filter(insee_code="68224").update(name="Mulhouse (ancien nom)")
    summary = run(COG, epci=m2a)
    assert summary.kind == "cog"
    assert (summary.updated, summary.unchanged) == (1, 38)
    assert summary.ignored == 92 + 16 + 2  # AMP communes, Marseille ARM, Brunstatt COMD
    assert Commune.objects.get(insee_code="68224").name == "Mulhouse"
    # 68056 is both a COM (Brunstatt-Didenheim) and a COMD (Brunstatt): the COM wins.
    assert Commune.objects.get(insee_code="68056").name == "Brunstatt-Didenheim"
    assert Commune.objects.count() == 39


def test_cog_reimport_is_unchanged(m2a):
    run(COG, epci=m2a)
    summary = run(COG, epci=m2a)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 39)


# RNE -----------------------------------------------------------------------------------------


def _mandates(**filters):
    return Mandate.objects.filter(**filters).select_related("person", "commune")


def test_rne_municipal_councillors(rne_communes):
    summary = run(FIXTURES / "rne_conseillers_municipaux.csv", epci=rne_communes)
    assert summary.kind == "rne_conseillers_municipaux"
    assert summary.ignored == 1  # the Paris row
    assert summary.people_created == 6  # two DUPONTEL Testine: different communes, two people
    mayor = _mandates(kind=Kind.MAYOR, commune__insee_code="68224").get()
    assert mayor.person.full_name == "Testine DUPONTEL"
    assert mayor.person.civility == Person.Civility.MME
    assert (mayor.label, mayor.source, mayor.start_date) == (
        "Maire",
        "rne",
        datetime.date(2020, 7, 3),
    )
    deputies = _mandates(kind=Kind.DEPUTY_MAYOR).order_by("rank")
    assert [(m.person.last_name, m.rank) for m in deputies] == [("FICTIVUS", 1), ("IMAGINAIRE", 2)]
    # Every row is a municipal councillor, the mayor and deputies included.
    assert _mandates(kind=Kind.MUNICIPAL_COUNCILLOR).count() == 6
    assert _mandates(kind=Kind.MAYOR, commune__insee_code="68376").get().start_date == (
        datetime.date(2020, 5, 25)
    )
    assert Person.objects.filter(match_key="dupontel|testine").count() == 2


def test_rne_birth_dates_are_not_stored_anywhere(rne_communes):
    for name in (
        "rne_conseillers_municipaux.csv",
        "rne_maires.csv",
        "rne_conseillers_communautaires.csv",
    ):
        run(FIXTURES / name, epci=rne_communes)
    dump = serializers.serialize(
        "json",
        [
            *Person.objects.all(),
            *Mandate.objects.all(),
            *AuditEvent.objects.all(),
            *ImportRun.objects.all(),
        ],
    )
    for year in range(1901, 1910):
        assert str(year) not in dump
    assert not Mandate.objects.filter(start_date__year__lt=2000).exists()


def test_rne_rerun_does_not_duplicate(rne_communes):
    path = FIXTURES / "rne_conseillers_municipaux.csv"
    first = run(path, epci=rne_communes)
    counts = (Person.objects.count(), Mandate.objects.count())
    again = run(path, epci=rne_communes)
    assert (again.created, again.updated, again.ended, again.people_created) == (0, 0, 0, 0)
    assert again.unchanged == first.created == 10
    assert (Person.objects.count(), Mandate.objects.count()) == counts


def test_rne_newer_file_updates_ranks_and_ends_absent_mandates(rne_communes):
    run(FIXTURES / "rne_conseillers_municipaux.csv", epci=rne_communes)
    hector = Person.objects.get(last_name="BIDONVAL")
    manual = MandateFactory(
        person=hector, commune=Commune.objects.get(insee_code="68224"), kind=Kind.DGS
    )
    summary = run(FIXTURES / "rne_conseillers_municipaux_2026.csv", epci=rne_communes)
    assert summary.ended == 1
    ended = _mandates(person=hector, kind=Kind.MUNICIPAL_COUNCILLOR).get()
    assert ended.end_date == timezone.localdate()
    manual.refresh_from_db()
    assert manual.end_date is None  # entered by hand: never closed by an import
    deputies = _mandates(kind=Kind.DEPUTY_MAYOR, end_date=None).order_by("rank")
    assert [(m.person.last_name, m.rank) for m in deputies] == [("IMAGINAIRE", 1), ("FICTIVUS", 2)]
    assert deputies[0].start_date == datetime.date(2024, 1, 15)
    assert Mandate.objects.filter(kind=Kind.DEPUTY_MAYOR).count() == 2  # updated, not added
    assert summary.people_created == 0


def test_rne_mayors_file_matches_known_people(rne_communes):
    run(FIXTURES / "rne_conseillers_municipaux.csv", epci=rne_communes)
    summary = run(FIXTURES / "rne_maires.csv", epci=rne_communes)
    assert summary.kind == "rne_maires"
    assert (summary.created, summary.unchanged, summary.people_created) == (1, 2, 1)
    assert _mandates(kind=Kind.MAYOR, end_date=None).count() == 3
    assert Mandate.objects.filter(kind=Kind.MAYOR, commune__insee_code="68224").count() == 1


def test_rne_rows_outside_the_epci_are_only_ignored(rne_communes, tmp_path):
    """A national file: an odd row elsewhere in France must not block this EPCI's import."""
    text = (FIXTURES / "rne_maires.csv").read_text(encoding="utf-8")
    odd = "98;Outre-mer;;;ZZ999;Ailleurs;INCONNU;Fictif;M;;48;X;pas une date;\n"
    path = tmp_path / "elus-maires.csv"
    path.write_text(text + odd, encoding="utf-8")
    summary = run(path, epci=rne_communes)
    assert (summary.created, summary.ignored) == (3, 1)


def test_rne_community_councillors(rne_communes):
    run(FIXTURES / "rne_conseillers_municipaux.csv", epci=rne_communes)
    summary = run(FIXTURES / "rne_conseillers_communautaires.csv", epci=rne_communes)
    assert summary.kind == "rne_epci"
    assert summary.ignored == 1  # the row of another EPCI
    assert summary.people_created == 0  # matched through their municipal mandates
    president = _mandates(kind=Kind.PRESIDENT).get()
    assert (president.person.last_name, president.epci_id, president.commune) == (
        "DUPONTEL",
        rne_communes.pk,
        None,
    )
    vice_presidents = _mandates(kind=Kind.VICE_PRESIDENT).order_by("rank")
    assert [(m.person.last_name, m.rank) for m in vice_presidents] == [
        ("PSEUDONYME", 1),
        ("FICTIVUS", 2),
    ]
    councillors = _mandates(kind=Kind.COMMUNITY_COUNCILLOR)
    assert councillors.count() == 4
    assert {m.epci_id for m in councillors} == {rne_communes.pk}
    # The Mulhouse DUPONTEL, not her Wittenheim homonym.
    assert president.person.mandates.filter(kind=Kind.MAYOR, commune__insee_code="68224").exists()


# Rejected files ------------------------------------------------------------------------------


def test_wrong_header_names_the_missing_column(m2a):
    before = snapshot()
    error = rejected(FIXTURES / "broken_populations_wrong_header.csv", epci=m2a, vintage=2023)
    assert "Ligne 1, colonne « PMUN » : colonne manquante" in error.message
    assert snapshot() == before


def test_latin1_file_is_rejected_with_its_line(m2a):
    before = snapshot()
    error = rejected(FIXTURES / "broken_cog_latin1.csv", epci=m2a)
    assert "Encodage invalide : le fichier doit être en UTF-8 (ligne 10)" in error.message
    assert snapshot() == before


def test_unknown_commune_of_the_epci_is_rejected(rne_communes):
    run(FIXTURES / "rne_conseillers_communautaires.csv", epci=rne_communes)
    before = snapshot()
    error = rejected(FIXTURES / "broken_rne_unknown_commune.csv", epci=rne_communes)
    assert "Ligne 3, colonne « Code de la commune de rattachement »" in error.message
    assert "68999" in error.message
    assert snapshot() == before


def test_duplicate_insee_code_is_rejected(m2a):
    Commune.objects.filter(insee_code="68154").update(population=1)
    before = snapshot()
    error = rejected(FIXTURES / "broken_dgcl_duplicate_insee.csv", epci=m2a)
    assert "Ligne 7, colonne « insee » : code INSEE 68154 en double (déjà ligne 4)" in (
        error.message
    )
    assert snapshot() == before


def test_bad_date_and_sex_are_all_reported_and_nothing_written(rne_communes):
    run(FIXTURES / "rne_conseillers_municipaux.csv", epci=rne_communes)
    before = snapshot()
    error = rejected(FIXTURES / "broken_rne_bad_date.csv", epci=rne_communes)
    assert "2 erreurs" in error.message
    assert "Ligne 3, colonne « Date de début du mandat » : date invalide « 31/02/2020 »" in (
        error.message
    )
    assert "Ligne 4, colonne « Code sexe »" in error.message
    assert error.summary.rejected == 2
    assert snapshot() == before
    assert AuditEvent.objects.filter(action="import.rejected").count() == 1


def test_errors_are_capped(m2a, tmp_path):
    lines = COG.read_text(encoding="utf-8").splitlines()
    bad = [lines[0]] + [f"COM,ABCDE,44,68,,,0,X,X,X{i},," for i in range(30)]
    path = tmp_path / "v_commune_2026.csv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    error = rejected(path, epci=m2a)
    assert len(error.errors) == MAX_ERRORS
    assert f"lecture arrêtée après {MAX_ERRORS} erreurs" in error.message


def test_file_of_another_type_than_chosen_is_rejected(m2a):
    error = rejected(COG, epci=m2a, kind=ImportRun.Kind.RNE)
    assert "INSEE — COG communes" in error.message


def test_unrecognised_header_is_rejected(m2a, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("nom;adresse;telephone\nMairie fictive;1 rue Imaginaire;0000\n")
    assert "Ligne 1 : en-tête non reconnu" in rejected(path, epci=m2a).message


def test_header_resembling_a_format_names_its_missing_columns(m2a):
    """The BANATIC table shares half its columns with the DGCL file but is not one."""
    error = rejected(FIXTURES / "banatic_siren_insee_2024_sheet_insee_siren__m2a_amp.csv", epci=m2a)
    assert "colonne « siren_membre » : colonne manquante" in error.message


def test_wrong_delimiter_is_rejected(m2a, tmp_path):
    path = tmp_path / "v_commune_2026.csv"
    path.write_text(COG.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    assert "« , » attendu" in rejected(path, epci=m2a).message


def test_bom_and_crlf_are_accepted(m2a):
    data = b"\xef\xbb\xbf" + POPULATIONS.read_bytes()
    summary = import_file(fileobj=io.BytesIO(data), name="pop2023.csv", epci=m2a)
    assert summary.updated == 39


def test_rne_needs_the_epci(db):
    error = rejected(FIXTURES / "rne_maires.csv", siren=M2A)
    assert "EPCI inconnu" in error.message


def test_dry_run_writes_nothing(db):
    summary = run(DGCL, siren=M2A, dry_run=True)
    assert summary.created == 39
    assert not EPCI.objects.exists()


# Commands ------------------------------------------------------------------------------------


def call(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_commands_print_the_summary(db):
    output = call("import_epcicom", str(DGCL), "--siren", M2A)
    assert "Créées : 39, mises à jour : 0, inchangées : 0, ignorées : 92" in output
    assert "EPCI créé" in output
    output = call("import_cog", str(COG), "--epci", M2A)
    assert "Créées : 0, mises à jour : 0, inchangées : 39, ignorées : 110" in output
    output = call("import_populations", str(POPULATIONS), "--epci", M2A, "--vintage", "2023")
    assert "mises à jour : 39" in output
    assert "146 lignes lues" in output


def test_official_file_command_recognises_the_type(rne_communes):
    output = call("import_official_file", str(FIXTURES / "rne_maires.csv"), "--epci", M2A)
    assert "Créées : 3" in output
    assert "personnes créées : 3" in output
    output = call("import_rne", str(FIXTURES / "rne_conseillers_municipaux.csv"), "--epci", M2A)
    assert "Créées : 8, mises à jour : 0, inchangées : 2, ignorées : 1" in output


def test_official_file_command_creates_the_epci_from_dgcl(db, tmp_path):
    output = call("import_official_file", str(dgcl_xlsx(tmp_path)), "--epci", AMP)
    assert "Créées : 92" in output
    assert EPCI.objects.get(siren=AMP).nature == EPCI.Nature.METRO


def test_command_rejection_is_an_error(m2a):
    with pytest.raises(CommandError, match="colonne « PMUN »"):
        call(
            "import_populations",
            str(FIXTURES / "broken_populations_wrong_header.csv"),
            "--epci",
            M2A,
            "--vintage",
            "2023",
        )


def test_command_reports_progress_every_500_rows(m2a, tmp_path):
    header = COG.read_text(encoding="utf-8").splitlines()[0]
    rows = [f"COM,{29000 + i:05d},53,29,29D,291,0,X,X,Villefictive {i},2901," for i in range(1200)]
    path = tmp_path / "v_commune_2026.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    output = call("import_cog", str(path), "--epci", M2A)
    assert "500 lignes lues sur 1200" in output
    assert "1000 lignes lues sur 1200" in output
    assert "ignorées : 1200" in output


@pytest.mark.django_db
def test_sweep_requeues_lost_runs_and_closes_abandoned_ones(epci, monkeypatch):
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from governance.importers import services as import_services
    from governance.models import ImportRun

    queued_ids = []
    monkeypatch.setattr("governance.tasks.run_import.delay", queued_ids.append)
    old = timezone.now() - datetime.timedelta(hours=3)
    lost = ImportRun.objects.create(
        epci=epci, original_name="a.csv", created_at=old, file=ContentFile(b"x", name="a.csv")
    )
    abandoned = ImportRun.objects.create(
        epci=epci,
        original_name="b.csv",
        created_at=old,
        status=ImportRun.Status.RUNNING,
        file=ContentFile(b"x", name="b.csv"),
    )
    fresh = ImportRun.objects.create(
        epci=epci, original_name="c.csv", file=ContentFile(b"x", name="c.csv")
    )
    assert import_services.sweep_stuck_import_runs() == 1
    assert queued_ids == [lost.pk]
    abandoned.refresh_from_db()
    assert abandoned.status == ImportRun.Status.REJECTED
    assert "interrompu" in abandoned.error
    fresh.refresh_from_db()
    assert fresh.status == ImportRun.Status.QUEUED


def test_a_number_too_large_for_the_database_rejects_the_file(db, tmp_path):
    rows = dgcl_rows()
    rows[1]["pmun_2025"] = "9" * 40
    path = tmp_path / "epcicom2026.csv"
    with open(path, "w", encoding="utf-8", newline="") as fileobj:
        writer = csv.DictWriter(fileobj, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = snapshot()
    error = rejected(path, siren=rows[1]["siren"])
    assert "nombre trop grand" in error.message
    assert snapshot() == before
