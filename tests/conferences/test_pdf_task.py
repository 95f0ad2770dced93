"""The rendering task: a fingerprint of the source data makes it a no-op on unchanged data; a
change regenerates the document (new file, old file deleted, same row); failures are recorded."""

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage

from conferences.models import RenderedDocument
from conferences.pdf import documents, ensure_rendered
from conferences.pdf.tasks import render_session_document
from tests.conferences.test_pdf_render import pdf_text, sat_session

pytestmark = pytest.mark.django_db

READY = RenderedDocument.Status.READY


@pytest.fixture(autouse=True)
def _fresh_cache():
    """ensure_rendered remembers queued renderings in the cache: start each test clean."""
    cache.clear()


def _forbid_rendering(monkeypatch):
    def explode(*args, **kwargs):
        raise AssertionError("rendered although nothing changed")

    monkeypatch.setattr(documents, "render_source", explode)


class TestTask:
    def test_renders_then_does_nothing_on_unchanged_data(
        self, epci, secretariat, monkeypatch, django_capture_on_commit_callbacks
    ):
        session, _, _ = sat_session(epci, secretariat)
        assert render_session_document(session.pk, "deliberations") == "rendered"
        document = RenderedDocument.objects.get(session=session, kind="deliberations")
        assert document.status == READY and document.page_count >= 1
        assert document.filename.endswith("_liste-des-deliberations.pdf")
        with document.file.open("rb") as handle:
            content = handle.read()
        assert document.size == len(content)
        assert len(pdf_text(content)[1]) == document.page_count
        _forbid_rendering(monkeypatch)
        assert render_session_document(session.pk, "deliberations") == "up-to-date"
        assert render_session_document(session.pk, "deliberations") == "up-to-date"

    def test_a_change_regenerates_and_replaces_the_file(
        self, epci, secretariat, django_capture_on_commit_callbacks
    ):
        session, agenda, _ = sat_session(epci, secretariat)
        render_session_document(session.pk, "convocation")
        before = RenderedDocument.objects.get(session=session, kind="convocation")
        old_name, old_fingerprint = before.file.name, before.fingerprint
        agenda[0].title = "Budget primitif modifié"
        agenda[0].save()
        with django_capture_on_commit_callbacks(execute=True):
            assert render_session_document(session.pk, "convocation") == "rendered"
        after = RenderedDocument.objects.get(session=session, kind="convocation")
        assert after.pk == before.pk
        assert after.fingerprint != old_fingerprint and after.file.name != old_name
        assert not default_storage.exists(old_name)
        assert default_storage.exists(after.file.name)
        with after.file.open("rb") as handle:
            assert "Budget primitif modifié" in "".join(pdf_text(handle.read())[1])
        assert RenderedDocument.objects.filter(session=session).count() == 1

    def test_signature_and_minutes_text_are_part_of_the_fingerprint(self, epci, secretariat):
        from conferences.models import Minutes
        from conferences.pdf import sources
        from conferences.pdf.fingerprint import fingerprint

        session, _, _ = sat_session(epci, secretariat)
        minutes = Minutes.objects.create(session=session)
        first = fingerprint(
            "minutes", sources.source_for(sources.load_session(session.pk), "minutes")
        )
        minutes.debates_html = "<p>Nouvelle intervention</p>"
        minutes.save()
        second = fingerprint(
            "minutes", sources.source_for(sources.load_session(session.pk), "minutes")
        )
        assert first != second

    def test_failure_is_recorded_then_a_rerun_succeeds(self, epci, secretariat, monkeypatch):
        session, _, _ = sat_session(epci, secretariat)
        real = documents.render_source

        def broken(*args, **kwargs):
            raise ValueError("mise en page impossible")

        monkeypatch.setattr(documents, "render_source", broken)
        assert render_session_document(session.pk, "opinions") == "failed"
        document = RenderedDocument.objects.get(session=session, kind="opinions")
        assert document.status == RenderedDocument.Status.FAILED
        assert "mise en page impossible" in document.error
        monkeypatch.setattr(documents, "render_source", real)
        assert render_session_document(session.pk, "opinions") == "rendered"
        document.refresh_from_db()
        assert document.status == READY and document.error == ""

    def test_missing_session(self, db):
        assert render_session_document(999_999, "convocation") == "missing"


class TestEnsureRendered:
    def test_missing_document_is_queued_on_commit_once(
        self, epci, secretariat, django_capture_on_commit_callbacks
    ):
        session, _, _ = sat_session(epci, secretariat)
        with django_capture_on_commit_callbacks() as queued:
            document = ensure_rendered(session=session, kind="convocation")
            ensure_rendered(session=session, kind="convocation")  # polled again
        assert document.status == RenderedDocument.Status.PENDING
        assert len(queued) == 1
        queued[0]()  # the worker (eager here)
        document.refresh_from_db()
        assert document.status == READY

    def test_current_document_is_left_alone(
        self, epci, secretariat, monkeypatch, django_capture_on_commit_callbacks
    ):
        session, agenda, _ = sat_session(epci, secretariat)
        render_session_document(session.pk, "convocation")
        _forbid_rendering(monkeypatch)
        with django_capture_on_commit_callbacks() as queued:
            assert ensure_rendered(session=session, kind="convocation").status == READY
        assert queued == []
        agenda[1].title = "Nouveau titre"
        agenda[1].save()
        with django_capture_on_commit_callbacks() as queued:
            stale = ensure_rendered(session=session, kind="convocation")
        assert stale.status == RenderedDocument.Status.PENDING and len(queued) == 1
