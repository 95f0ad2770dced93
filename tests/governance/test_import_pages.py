"""Upload page of official files: personas, background run, progress fragment, query counts."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import AuditEvent, Commune, ImportRun, Mandate
from governance.tasks import run_import
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
DGCL = FIXTURES / "dgcl_epcicom2026_sheet_Epcicom2025__m2a_amp.csv"
LIST_URL = reverse("governance:import_list")


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/csv")


def make_run(epci, user=None, status=ImportRun.Status.DONE, **kwargs) -> ImportRun:
    kwargs.setdefault("original_name", "v_commune_2026.csv")
    return ImportRun.objects.create(
        epci=epci,
        created_by=user,
        status=status,
        file=ContentFile(b"TYPECOM,COM\n", name="v_commune_2026.csv"),
        **kwargs,
    )


def post_upload(client, capture, data):
    with capture(execute=True):
        return client.post(LIST_URL, data)


class TestAccess:
    def test_anonymous_is_sent_to_login(self, client, epci):
        run = make_run(epci)
        for url in (LIST_URL, reverse("governance:import_detail", args=[run.pk])):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))

    def test_elected_of_the_same_epci_is_forbidden(self, client, elected, epci):
        run = make_run(epci)
        client.force_login(elected)
        assert client.get(LIST_URL).status_code == 403
        assert client.post(LIST_URL, {"kind": "auto"}).status_code == 403
        assert client.get(reverse("governance:import_detail", args=[run.pk])).status_code == 403

    def test_another_epci_run_is_not_found(self, client, outsider, epci):
        run = make_run(epci)
        client.force_login(outsider)
        assert client.get(reverse("governance:import_detail", args=[run.pk])).status_code == 404
        assert client.get(LIST_URL).status_code == 200  # their own (empty) list
        assert "v_commune_2026.csv" not in client.get(LIST_URL).content.decode()


class TestList:
    def test_secretariat_sees_form_and_runs(
        self, client, secretariat, epci, django_assert_num_queries
    ):
        make_run(epci, secretariat, original_name="v_commune_2026.csv")
        make_run(
            epci,
            secretariat,
            original_name="donnees_communes.csv",
            status=ImportRun.Status.REJECTED,
        )
        client.force_login(secretariat)
        # session, user, TOTP check, runs with their author, EPCI name in the header
        with django_assert_num_queries(5):
            response = client.get(LIST_URL)
        assert response.status_code == 200
        page = response.content.decode()
        assert '<input type="file" name="file"' in page
        assert '<label for="id_file"' in page
        assert "<caption>" in page and '<th scope="col">Statut</th>' in page
        assert page.count('<th scope="row">') == 2
        assert "donnees_communes.csv" in page and "Rejeté" in page

    def test_query_count_does_not_grow_with_runs(
        self, client, secretariat, epci, django_assert_num_queries
    ):
        for _ in range(5):
            make_run(epci, secretariat)
        client.force_login(secretariat)
        with django_assert_num_queries(5):
            client.get(LIST_URL)


class TestUpload:
    def test_upload_runs_the_import_in_the_background(
        self, client, secretariat, epci, django_capture_on_commit_callbacks
    ):
        client.force_login(secretariat)
        response = post_upload(
            client, django_capture_on_commit_callbacks, {"file": upload(DGCL), "kind": "auto"}
        )
        run = ImportRun.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("governance:import_detail", args=[run.pk])
        assert run.status == ImportRun.Status.DONE
        assert run.detected_kind == "epcicom"
        assert run.created_by == secretariat
        assert (run.summary["created"], run.summary["ignored"]) == (39, 92)
        assert run.rows_done == run.rows_total == 131
        assert run.finished_at is not None
        assert Commune.objects.filter(epci=epci).count() == 39
        assert default_storage.exists(run.file.name)  # no personal data: kept as evidence
        assert set(AuditEvent.objects.values_list("action", flat=True)) == {
            "import.queued",
            "import.done",
        }
        page = client.get(response["Location"]).content.decode()
        assert "Import lancé" in page
        assert "Terminé" in page and "<dd>39</dd>" in page
        assert 'value="100"' in page

    def test_rne_file_is_deleted_after_import(
        self, client, secretariat, epci, django_capture_on_commit_callbacks
    ):
        for code in ("68224", "68376", "68154"):
            CommuneFactory(epci=epci, insee_code=code)
        client.force_login(secretariat)
        with django_capture_on_commit_callbacks() as callbacks:
            client.post(LIST_URL, {"file": upload(FIXTURES / "rne_maires.csv"), "kind": "rne"})
        run = ImportRun.objects.get()
        stored = run.file.name
        assert default_storage.exists(stored)
        for callback in callbacks:
            callback()
        run.refresh_from_db()
        assert run.status == ImportRun.Status.DONE
        assert run.detected_kind == "rne_maires"
        assert Mandate.objects.filter(kind=Mandate.Kind.MAYOR).count() == 3
        assert not run.file
        assert not default_storage.exists(stored)

    def test_rejected_file_shows_the_errors(
        self, client, secretariat, epci, django_capture_on_commit_callbacks
    ):
        client.force_login(secretariat)
        response = post_upload(
            client,
            django_capture_on_commit_callbacks,
            {
                "file": upload(FIXTURES / "broken_populations_wrong_header.csv"),
                "kind": "auto",
                "vintage": "2023",
            },
        )
        run = ImportRun.objects.get()
        assert run.status == ImportRun.Status.REJECTED
        assert "colonne « PMUN »" in run.error
        assert run.summary["rejected"] == 1
        assert not run.file  # rejected before its type was known: may hold anything, deleted
        page = client.get(response["Location"]).content.decode()
        assert 'role="alert"' in page
        assert "Ligne 1, colonne « PMUN » : colonne manquante" in page

    def test_vintage_is_passed_to_the_import(
        self, client, secretariat, epci, django_capture_on_commit_callbacks
    ):
        CommuneFactory(epci=epci, insee_code="68224", population=1, population_vintage=2020)
        client.force_login(secretariat)
        path = FIXTURES / "insee_populations_legales_2023_donnees_communes__m2a_amp.csv"
        post_upload(
            client,
            django_capture_on_commit_callbacks,
            {
                "file": upload(path, "donnees_communes.csv"),
                "kind": "populations",
                "vintage": "2023",
            },
        )
        run = ImportRun.objects.get()
        assert run.status == ImportRun.Status.DONE, run.error
        commune = Commune.objects.get(insee_code="68224")
        assert (commune.population, commune.population_vintage) == (104_978, 2023)

    def test_wrong_extension_keeps_the_choices(self, client, secretariat):
        client.force_login(secretariat)
        response = client.post(
            LIST_URL,
            {
                "file": SimpleUploadedFile("notes.txt", b"TYPECOM,COM\n"),
                "kind": "cog",
                "vintage": "2023",
            },
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Seuls les fichiers .csv et .xlsx sont acceptés." in page
        assert '<option value="cog" selected>' in page
        assert 'value="2023"' in page
        assert not ImportRun.objects.exists()

    def test_too_large_file_is_refused(self, client, secretariat, settings):
        settings.IMPORT_MAX_UPLOAD_SIZE = 10
        client.force_login(secretariat)
        response = client.post(LIST_URL, {"file": upload(DGCL), "kind": "auto"})
        assert "Le fichier dépasse la taille maximale" in response.content.decode()
        assert not ImportRun.objects.exists()

    def test_missing_file(self, client, secretariat):
        client.force_login(secretariat)
        response = client.post(LIST_URL, {"kind": "auto"})
        assert "Choisissez un fichier." in response.content.decode()


class TestProgress:
    def test_htmx_gets_the_fragment_that_polls_while_running(self, client, secretariat, epci):
        run = make_run(
            epci, secretariat, status=ImportRun.Status.RUNNING, rows_total=2000, rows_done=500
        )
        client.force_login(secretariat)
        url = reverse("governance:import_detail", args=[run.pk])
        response = client.get(url, HTTP_HX_REQUEST="true")
        page = response.content.decode()
        assert "<html" not in page and "<h1" not in page
        assert 'hx-trigger="every 2s"' in page
        assert 'value="25"' in page and 'aria-valuetext="25 %"' in page
        assert "500 lignes sur 2000" in page
        assert "HX-Request" in response["Vary"]

    def test_finished_run_stops_polling(self, client, secretariat, epci):
        run = make_run(
            epci,
            secretariat,
            summary={
                "created": 2,
                "updated": 0,
                "unchanged": 1,
                "ignored": 4,
                "notes": ["Remarque fictive"],
            },
        )
        client.force_login(secretariat)
        url = reverse("governance:import_detail", args=[run.pk])
        response = client.get(url, HTTP_HX_REQUEST="true")
        page = response.content.decode()
        assert "hx-trigger" not in page
        assert "Remarque fictive" in page

    def test_full_page_includes_the_fragment(self, client, secretariat, epci):
        run = make_run(epci, secretariat, status=ImportRun.Status.QUEUED)
        client.force_login(secretariat)
        page = client.get(reverse("governance:import_detail", args=[run.pk])).content.decode()
        assert "<h1>Import de v_commune_2026.csv</h1>" in page
        assert 'hx-trigger="every 2s"' in page
        assert "En file d&#x27;attente" in page


class TestTask:
    @pytest.mark.parametrize(
        "status", [ImportRun.Status.DONE, ImportRun.Status.REJECTED, ImportRun.Status.RUNNING]
    )
    def test_a_run_not_queued_is_not_run_again(self, epci, status):
        run = make_run(epci, status=status)
        assert run_import.delay(run.pk).get() == "already-handled"
        run.refresh_from_db()
        assert run.status == status
        assert not AuditEvent.objects.exists()

    def test_run_twice_imports_once(self, epci):
        run = ImportRun.objects.create(
            epci=epci,
            file=ContentFile(DGCL.read_bytes(), name="epcicom.csv"),
            original_name="epcicom.csv",
        )
        assert run_import.delay(run.pk).get() == ImportRun.Status.DONE
        assert run_import.delay(run.pk).get() == "already-handled"
        assert AuditEvent.objects.filter(action="import.done").count() == 1
