"""Journey: a town hall (anonymous) goes from the home page to the council's public page
and downloads the published minutes of the last council; the PDF is real (text checked with
pypdf), and a screenshot of the public page (plus page 1 of the PDF when pdftoppm exists) is
kept under test-results/ as artifacts."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from conferences.models import Minutes, MinutesVersion, Publication
from conferences.pdf import document_filename, render_pdf_bytes
from tests.browser.a11y import assert_accessible
from tests.conferences.test_pdf_render import NAMES, sat_session
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def _publish_minutes(session):
    """What the minutes workflow does on publication: date put online, render, store."""
    from conferences.minutes.content import render_minutes_html

    now = timezone.now()
    minutes = Minutes.objects.create(session=session)
    text = render_minutes_html(minutes)
    MinutesVersion.objects.create(
        minutes=minutes, number=1, content_html=text, adopted_at=now, adopting_session=session
    )
    minutes.status, minutes.adopted_at, minutes.published_at = "published", now, now
    minutes.save(update_fields=["status", "adopted_at", "published_at"])
    content, pages = render_pdf_bytes(session=session, kind="minutes")
    filename = document_filename(session, "minutes")
    Publication.objects.create(
        body=session.body,
        session=session,
        kind=Publication.Kind.MINUTES,
        title=f"Procès-verbal de la séance du {timezone.localdate(session.starts_at):%d/%m/%Y}",
        file=ContentFile(content, name=filename),
        filename=filename,
        size=len(content),
        author="Le président",
        published_at=minutes.published_at,
    )
    return pages


def test_town_hall_downloads_the_last_council_minutes(browser, live_server, epci):
    secretariat = UserFactory(epci=epci, secretariat=True, with_totp=True)
    session, _, _ = sat_session(epci, secretariat)
    pages = _publish_minutes(session)
    ARTIFACTS.mkdir(exist_ok=True)

    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/")
    assert_accessible(page)
    page.get_by_role("heading", name="Conseil communautaire").get_by_role("link").click()  # 1
    page.wait_for_url(re.compile(r"/seances/public/instances/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Conseil communautaire"
    assert_accessible(page)
    page.screenshot(path=str(ARTIFACTS / "publication-page-publique.png"), full_page=True)

    with page.expect_download() as info:  # click 2
        page.get_by_role("link", name=re.compile(r"^Télécharger Procès-verbal")).click()
    download = info.value
    assert download.suggested_filename == document_filename(session, "minutes")
    target = ARTIFACTS / download.suggested_filename
    download.save_as(str(target))
    context.close()

    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert len(reader.pages) == pages
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert all(last in text for _, last in NAMES)
    assert f"page 1 / {pages}" in text and "Mis en ligne le" in text
    assert "Projet" not in text
    assert "<article" not in text and "</td>" not in text  # printed as HTML, not as tags

    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(target),
                str(ARTIFACTS / "proces-verbal-page-1"),
            ],
            check=True,
            timeout=60,
        )
        assert (ARTIFACTS / "proces-verbal-page-1.png").exists()
