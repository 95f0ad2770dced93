"""PDF documents are real: their text is extracted with pypdf and holds the attendance, the
votes and the page numbers expected (conferences.pdf)."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from conferences.models import AgendaItem, Minutes, MinutesSignature, MinutesVersion, Reply
from conferences.pdf import document_filename, render_pdf_bytes
from conferences.pdf.typography import NBSP, NNBSP, french_spacing
from conferences.sitting.services import BallotInput, record_arrival, record_vote
from tests.conferences.factories import AgendaDocumentFactory, AgendaItemFactory, ReplyFactory
from tests.conferences.sitting_setup import held
from tests.factories import BodyFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

NAMES = [
    ("Aline", "ARNAUD-FICTIVE"),
    ("Basile", "BERTIN-FICTIF"),
    ("Chloé", "CARON-FICTIVE"),
    ("Denis", "DUVAL-FICTIF"),
    ("Éva", "ESTIVE-FICTIVE"),
]


def sat_session(epci, secretariat, *, name="Conseil communautaire", items=3):
    """A council of five: three present from item 1, DUVAL represented by ARNAUD (proxy),
    ESTIVE absent; item 1 voted by show of hands 3-1, item 2 by roll call 2-1-1."""
    body = BodyFactory(epci=epci, name=name)
    people = [PersonFactory(epci=epci, first_name=f, last_name=last) for f, last in NAMES]
    for i, person in enumerate(people):
        MembershipFactory(body=body, person=person, role="chair" if i == 0 else "member")
    session, agenda = held(body, items=items, chair=people[0], secretary=people[1])
    ReplyFactory(
        session=session, person=people[3], answer=Reply.Answer.PROXY, proxy_holder=people[0]
    )
    ReplyFactory(session=session, person=people[4], answer=Reply.Answer.ABSENT)
    for person in people[:3]:
        record_arrival(actor=secretariat, session=session, person=person, from_item=agenda[0])
    record_vote(actor=secretariat, item=agenda[0], method="hands", votes_for=3, votes_against=1)
    record_vote(
        actor=secretariat,
        item=agenda[1],
        method="roll_call",
        ballots=[
            BallotInput(person=people[0], choice="for"),
            BallotInput(person=people[1], choice="for"),
            BallotInput(person=people[2], choice="against"),
            BallotInput(person=people[3], choice="abstain", cast_by=people[0]),
        ],
    )
    return session, agenda, people


def pdf_text(content: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


def small_pdf(pages: int, label: str) -> bytes:
    from weasyprint import HTML

    html = "".join(
        f'<p style="page-break-after: always">{label} — feuille {n + 1}</p>' for n in range(pages)
    )
    return HTML(string=f'<html lang="fr"><body>{html}</body></html>').write_pdf()


def assert_numbered(texts: list[str]) -> None:
    total = len(texts)
    for n, text in enumerate(texts, start=1):
        assert f"page {n} / {total}" in text


class TestTypography:
    def test_no_break_spaces_before_french_punctuation(self):
        out = french_spacing("Adopté ? Oui : à main levée ; « bravo » !")
        assert out == (
            f"Adopté{NNBSP}? Oui{NBSP}: à main levée{NNBSP}; «{NBSP}bravo{NBSP}»{NNBSP}!"
        )

    def test_escapes_text_and_keeps_markup(self):
        assert french_spacing("<b>x</b> :") == f"&lt;b&gt;x&lt;/b&gt;{NBSP}:"
        from django.utils.safestring import mark_safe

        html = mark_safe('<a href="https://x.test/a?b=1">lien</a> ?')
        assert french_spacing(html) == f'<a href="https://x.test/a?b=1">lien</a>{NNBSP}?'


class TestDocuments:
    def test_convocation_lists_the_agenda_with_page_numbers(self, epci, secretariat):
        session, agenda, _ = sat_session(epci, secretariat)
        content, pages = render_pdf_bytes(session=session, kind="convocation")
        reader, texts = pdf_text(content)
        assert pages == len(reader.pages) >= 1
        text = "\n".join(texts)
        assert "Convocation" in text and "Conseil communautaire" in text
        assert all(item.title in text for item in agenda)
        assert epci.name in text
        assert_numbered(texts)
        assert reader.metadata.title.startswith("Convocation et ordre du jour — Conseil")
        assert reader.metadata.author == epci.name
        # Tagged PDF/UA with the document language.
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "fr" and "/StructTreeRoot" in root

    def test_deliberations_print_attendance_and_vote_counts(self, epci, secretariat):
        session, agenda, _ = sat_session(epci, secretariat)
        content, pages = render_pdf_bytes(session=session, kind="deliberations")
        _, texts = pdf_text(content)
        text = "\n".join(texts)
        for _, last in NAMES:
            assert last in text
        assert "Représenté(e) par Aline ARNAUD-FICTIVE" in text
        assert "présents : 3 — représentés : 1 — absents : 1" in text
        # Show of hands 3 for, 1 against; roll call with names.
        assert re.search(r"3\s+3\s+3\s+1\s+0\s+0\s+Adopté", text), text
        assert "Scrutin public" in text and "Abstention" in text
        assert_numbered(texts)
        assert pages == len(texts)

    def test_adopted_minutes_print_their_frozen_text_and_signatures(self, epci, secretariat):
        from conferences.minutes.content import render_live_html

        session, agenda, people = sat_session(epci, secretariat, items=40)
        minutes = Minutes.objects.create(
            session=session, status=Minutes.Status.PUBLISHED, debates_html="<p>Débat : oui</p>"
        )
        version = MinutesVersion.objects.create(
            minutes=minutes,
            number=1,
            content_html=render_live_html(minutes),  # the text adoption freezes
            adopted_at=session.starts_at,
            adopting_session=session,
        )
        MinutesSignature.objects.create(version=version, role="president", person=people[0])
        MinutesSignature.objects.create(version=version, role="secretary", person=people[1])
        minutes.published_at = session.starts_at
        minutes.save()
        content, pages = render_pdf_bytes(session=session, kind="minutes")
        _, texts = pdf_text(content)
        text = "\n".join(texts)
        assert "Procès-verbal" in text and "Projet" not in text
        for _, last in NAMES:
            assert last in text
        assert "Signé le" in text and "Secrétaire de séance" in text
        assert "Mis en ligne le" in text
        assert f"Débat{NBSP}: oui" in text
        assert pages == len(texts) > 1
        assert_numbered(texts)

    def test_minutes_use_the_minutes_text_when_present(self, epci, secretariat, monkeypatch):
        from conferences.pdf import sources

        monkeypatch.setattr(
            sources, "_minutes_text", lambda minutes: "<h2>Texte du secrétariat : adopté</h2>"
        )
        session, _, _ = sat_session(epci, secretariat)
        Minutes.objects.create(session=session)
        content, _ = render_pdf_bytes(session=session, kind="minutes")
        text = "\n".join(pdf_text(content)[1])
        assert "Texte du secrétariat" in text and "Projet de procès-verbal" in text
        assert "Non encore mis en ligne" in text

    def test_opinions_given(self, epci, secretariat):
        session, _, _ = sat_session(epci, secretariat)
        AgendaItemFactory(
            session=session,
            position=9,
            kind=AgendaItem.Kind.OPINION,
            title="Schéma de mutualisation",
            opinion="Avis favorable à l'unanimité",
        )
        content, _ = render_pdf_bytes(session=session, kind="opinions")
        text = "\n".join(pdf_text(content)[1])
        assert "Schéma de mutualisation" in text and "Avis favorable" in text


class TestPack:
    def test_pack_merges_attachments_behind_a_contents_page(self, epci, secretariat):
        session, agenda, _ = sat_session(epci, secretariat)
        agenda[0].summary_note = "Le budget s'équilibre."
        agenda[0].save()
        AgendaDocumentFactory(
            item=agenda[0],
            name="Budget annexe.pdf",
            file=ContentFile(small_pdf(2, "ANNEXE-BUDGET"), name="budget.pdf"),
        )
        AgendaDocumentFactory(
            item=agenda[1],
            name="Rapport.pdf",
            file=ContentFile(small_pdf(3, "ANNEXE-RAPPORT"), name="rapport.pdf"),
        )
        AgendaDocumentFactory(item=agenda[2], name="Cassé.pdf")  # not a readable PDF
        content, pages = render_pdf_bytes(session=session, kind="pack")
        reader, texts = pdf_text(content)
        # contents (1) + convocation (1) + notes (1) + 2 + 3 attached pages + 1 notice.
        assert pages == len(texts) == 1 + 1 + 1 + 2 + 3 + 1
        assert "Sommaire" in texts[0] and "Convocation" in texts[1]
        assert "Notes explicatives" in texts[2]
        assert "ANNEXE-BUDGET — feuille 1" in texts[3]
        assert "ANNEXE-RAPPORT — feuille 1" in texts[5]
        assert "pas pu être inséré" in texts[8]
        # The printed contents gives the page of each part in the merged file.
        contents = texts[0]
        assert re.search(r"Budget annexe\.pdf\s*4", contents), contents
        assert re.search(r"Rapport\.pdf\s*6", contents), contents
        assert re.search(r"Cassé\.pdf\s*9", contents), contents
        assert f"page 1 / {pages}" in texts[0]
        # Bookmarks mirror the contents.
        titles = [o.title if not isinstance(o, list) else None for o in reader.outline]
        assert "Sommaire" in titles and "Documents annexés" in titles
        annexes = reader.outline[titles.index("Documents annexés") + 1]
        assert [reader.get_destination_page_number(o) for o in annexes] == [3, 5, 8]

    def test_pack_is_laid_out_once_and_numbers_every_page_of_the_merged_file(
        self, epci, secretariat, monkeypatch
    ):
        from conferences.pdf import render

        session, agenda, _ = sat_session(epci, secretariat)
        for item in agenda:
            item.summary_note = "Exposé des motifs. " * 400  # notes over several pages
            item.save()
        AgendaDocumentFactory(
            item=agenda[1],
            name="Long.pdf",
            file=ContentFile(small_pdf(7, "ANNEXE-LONGUE"), name="long.pdf"),
        )
        AgendaDocumentFactory(
            item=agenda[2],
            name="Court.pdf",
            file=ContentFile(small_pdf(2, "ANNEXE-COURTE"), name="court.pdf"),
        )
        layouts = []
        original = render.html_document
        monkeypatch.setattr(
            render, "html_document", lambda html: layouts.append(html) or original(html)
        )
        content, pages = render_pdf_bytes(session=session, kind="pack")
        assert len(layouts) == 1
        reader, texts = pdf_text(content)
        front = pages - 9
        assert front > 4  # contents, convocation, several pages of notes
        assert "ANNEXE-LONGUE — feuille 1" in texts[front]
        assert "ANNEXE-COURTE — feuille 1" in texts[front + 7]
        assert re.search(rf"Long\.pdf\s*{front + 1}\b", texts[0]), texts[0]
        assert re.search(rf"Court\.pdf\s*{front + 8}\b", texts[0]), texts[0]
        for number in range(front):  # no placeholder page left, every footer says the total
            assert f"page {number + 1} / {pages}" in texts[number]
        notes_page = next(i for i in range(1, front) if "Notes explicatives" in texts[i])
        assert re.search(rf"Notes explicatives de synthèse\s*{notes_page + 1}\b", texts[0])

    def test_pack_without_attachments_counts_its_own_pages(self, epci, secretariat):
        session, _, _ = sat_session(epci, secretariat)
        content, pages = render_pdf_bytes(session=session, kind="pack")
        _, texts = pdf_text(content)
        assert len(texts) == pages
        assert all(f"page {n + 1} / {pages}" in text for n, text in enumerate(texts))


def test_file_name_says_what_it_is(epci):
    import datetime

    from django.utils import timezone

    from tests.conferences.factories import SessionFactory

    body = BodyFactory(epci=epci, name="Conseil communautaire")
    starts = timezone.make_aware(datetime.datetime(2026, 12, 10, 18, 0))
    session = SessionFactory(body=body, starts_at=starts)
    assert (
        document_filename(session, "minutes")
        == "conseil-communautaire_2026-12-10_proces-verbal.pdf"
    )
