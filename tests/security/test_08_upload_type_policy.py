"""Uploads are checked by content AND name, and served as the checked type, as attachments.

A file whose content and extension disagree is refused on every upload form: ``x.html`` that
starts with ``%PDF-`` (a browser trusting the name would render it as a page of the portal) and
``image.svg`` with a PNG header (SVG runs scripts). The refusal is in French, names the file and
stores nothing. A good file is stored under a plain name and downloaded as an attachment with
the content type of what it is, never text/html or image/svg+xml; files stored before these
checks (under their uploader's name) are typed by their content when downloaded."""

from __future__ import annotations

import datetime
import html
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conferences.models import AgendaDocument
from mutualisation.models import Convention, RequestAttachment
from questionnaires.models import Answer
from referrals.models import MailboxAttachment, Opinion, ReferralDocument
from tests.referrals.factories import MINIMAL_PDF, OpinionFactory, ReferralFactory
from tests.security.world import World, build_world

pytestmark = pytest.mark.django_db

PDF_TYPE = "application/pdf"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            # ODF wants its mimetype entry first and stored (ISO/IEC 26300 §3.3).
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=method)
    return buffer.getvalue()


def docx() -> bytes:
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
        f'{OOXML}wordprocessingml.document.main+xml"/></Types>'
    )
    return _zip([("[Content_Types].xml", types.encode()), ("word/document.xml", b"<w:document/>")])


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Commune", "Besoin"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odf(subtype: str) -> bytes:
    return _zip([("mimetype", f"{ODF}{subtype}".encode()), ("content.xml", b"<office/>")])


@dataclass(frozen=True)
class Good:
    name: str
    content: Callable[[], bytes]
    content_type: str


GOOD_PDF = Good("acte.pdf", lambda: MINIMAL_PDF, PDF_TYPE)


@dataclass(frozen=True)
class UploadForm:
    """One upload form: where it posts, as whom, its file field and other fields, the files it
    has stored (name → download URL), and a good file for it."""

    label: str
    persona: str
    url: Callable[[World], str]
    field: Callable[[World], str]
    data: Callable[[World], dict]
    stored: Callable[[World], dict[str, str]]
    good: Good = GOOD_PDF


def _agenda_documents(w):
    return {
        d.file.name: reverse("conferences:document_download", args=[d.pk])
        for d in AgendaDocument.objects.all()
    }


def _referral_documents(w):
    return {
        d.file.name: reverse("referrals:document_download", args=[d.referral_id, d.pk])
        for d in ReferralDocument.objects.all()
    }


def _deliberations(w):
    stored = {}
    for o in Opinion.objects.select_related("commune"):
        url = reverse("referrals:deliberation_download", args=[o.referral_id, o.commune.insee_code])
        if o.deliberation_pdf:
            stored[o.deliberation_pdf.name] = url
        if o.late_deliberation_pdf:
            stored[o.late_deliberation_pdf.name] = f"{url}?tardive=1"
    return stored


def _mailbox_attachments(w):
    return {
        a.file.name: reverse("referrals:attachment_download", args=[a.pk])
        for a in MailboxAttachment.objects.all()
    }


def _collection_answers(w):
    return {
        a.file.name: reverse(
            "referrals:answer_file_download",
            args=[w.collection.pk, w.commune.insee_code, a.question_id],
        )
        for a in Answer.objects.filter(question=w.file_question).exclude(file="")
    }


def _survey_answers(w):
    return {
        a.file.name: reverse("mutualisation:survey_answer_file", args=[w.survey.pk, a.question_id])
        for a in Answer.objects.filter(question=w.survey_file_question).exclude(file="")
    }


def _request_attachments(w):
    return {
        a.file.name: reverse("mutualisation:attachment_download", args=[a.request_id, a.pk])
        for a in RequestAttachment.objects.all()
    }


def _conventions(w):
    return {
        c.signed_pdf.name: reverse("mutualisation:convention_pdf", args=[c.pk])
        for c in Convention.objects.exclude(signed_pdf="")
    }


def _late_opinion(w) -> Opinion:
    """A line whose deadline passed long ago: the secretariat records a late deliberation."""
    referral = ReferralFactory(epci=w.epci)
    return OpinionFactory(
        referral=referral, commune=w.commune, received_on=datetime.date(2025, 1, 6)
    )


TODAY = timezone.localdate().isoformat()
FORMS = [
    UploadForm(
        "document d'un point de l'ordre du jour",
        "secretariat",
        lambda w: reverse("conferences:item_upload", args=[w.item.pk]),
        lambda w: "file",
        lambda w: {},
        _agenda_documents,
    ),
    UploadForm(
        "document d'une saisine",
        "secretariat",
        lambda w: reverse("referrals:document_add", args=[w.referral.pk]),
        lambda w: "file",
        lambda w: {"title": "Projet de statuts"},
        _referral_documents,
    ),
    UploadForm(
        "délibération d'une commune",
        "other_dgs",
        lambda w: reverse(
            "referrals:opinion_detail", args=[w.referral.pk, w.other_commune.insee_code]
        ),
        lambda w: "deliberation_pdf",
        lambda w: {
            "verdict": Opinion.FILED_VERDICTS[0],
            "deliberation_on": TODAY,
            "deliberation_number": "2026-07",
        },
        _deliberations,
    ),
    UploadForm(
        "délibération tardive",
        "secretariat",
        lambda w: reverse(
            "referrals:late_deliberation_record",
            args=[w.late_opinion.referral_id, w.commune.insee_code],
        ),
        lambda w: "late_deliberation_pdf",
        lambda w: {
            "late_verdict": Opinion.FILED_VERDICTS[0],
            "late_deliberation_on": "2025-06-02",
            "late_deliberation_number": "2025-31",
        },
        _deliberations,
    ),
    UploadForm(
        "nouveau message de la boîte aux lettres",
        "member",
        lambda w: reverse("referrals:thread_create"),
        lambda w: "attachments",
        lambda w: {"theme": "planning", "subject": "PLU", "body": "Texte saisi avec soin."},
        _mailbox_attachments,
        Good("plan.png", lambda: PNG, "image/png"),
    ),
    UploadForm(
        "réponse dans la boîte aux lettres",
        "secretariat",
        lambda w: reverse("referrals:thread_detail", args=[w.thread.pk]),
        lambda w: "attachments",
        lambda w: {"body": "Voici la réponse."},
        _mailbox_attachments,
        Good("reponse.docx", docx, f"{OOXML}wordprocessingml.document"),
    ),
    UploadForm(
        "réponse fichier à une collecte de données",
        "dgs",
        lambda w: reverse("referrals:opinion_detail", args=[w.collection.pk, w.commune.insee_code]),
        lambda w: f"q{w.file_question.pk}",
        lambda w: {"draft": ""},
        _collection_answers,
        Good("inventaire.odt", lambda: odf("text"), f"{ODF}text"),
    ),
    UploadForm(
        "réponse fichier à une enquête de besoins",
        "dgs",
        lambda w: reverse("mutualisation:survey_answer", args=[w.survey.pk]),
        lambda w: f"q{w.survey_file_question.pk}",
        lambda w: {"draft": ""},
        _survey_answers,
        Good("besoins.ods", lambda: odf("spreadsheet"), f"{ODF}spreadsheet"),
    ),
    UploadForm(
        "pièce jointe d'une nouvelle demande de service",
        "dgs",
        lambda w: reverse("mutualisation:request_create", args=[w.legal_offer.pk]),
        lambda w: "attachment",
        lambda w: {"subject": "Arrêté", "domain": "other", "description": "Relecture"},
        _request_attachments,
        Good("tableau.xlsx", xlsx, f"{OOXML}spreadsheetml.sheet"),
    ),
    UploadForm(
        "pièce ajoutée à une demande",
        "dgs",
        lambda w: reverse(
            "mutualisation:request_action", args=[w.service_request.pk, "attachment"]
        ),
        lambda w: "file",
        lambda w: {},
        _request_attachments,
        Good("photo.jpg", lambda: JPEG, "image/jpeg"),
    ),
    UploadForm(
        "convention enregistrée avec son PDF signé",
        "secretariat",
        lambda w: reverse("mutualisation:convention_create"),
        lambda w: "signed_pdf",
        lambda w: {
            "commune": w.other_commune.pk,
            "options": [w.legal_offer.pk],
            "valid_from": TODAY,
            "signed_on": TODAY,
        },
        _conventions,
    ),
    UploadForm(
        "convention signée déposée",
        "secretariat",
        lambda w: reverse("mutualisation:convention_detail", args=[w.convention.pk]),
        lambda w: "signed_pdf",
        lambda w: {"signed_on": TODAY},
        _conventions,
    ),
]
LYING_FILES = {
    "x.html commençant par %PDF-": ("x.html", MINIMAL_PDF, "text/html"),
    "image.svg à en-tête PNG": ("image.svg", PNG, "image/svg+xml"),
}
# Forms whose only accepted type is PDF: a PNG is refused for its content, whatever its name;
# the others accept PNG, so the same file is refused for a name that contradicts its content.
PDF_ONLY = {
    "document d'un point de l'ordre du jour",
    "document d'une saisine",
    "délibération d'une commune",
    "délibération tardive",
    "convention enregistrée avec son PDF signé",
    "convention signée déposée",
}


def _expected_refusal(form, name, content):
    if content.startswith(b"%PDF-"):
        return f"« {name} » est un fichier PDF d'après son contenu, mais son nom ne se termine pas"
    if form.label in PDF_ONLY:
        return f"« {name} » n'est pas un fichier PDF valide : son contenu ne correspond pas"
    return f"« {name} » est un fichier PNG d'après son contenu, mais son nom ne se termine pas"


@pytest.fixture
def world():
    world = build_world()
    world.objects["late_opinion"] = _late_opinion(world)
    return world


def _post(client, world, form: UploadForm, upload):
    client.force_login(world.users[form.persona])
    data = {**form.data(world), form.field(world): upload}
    return client.post(form.url(world), data, follow=True)


@pytest.mark.parametrize("lie", LYING_FILES)
@pytest.mark.parametrize("form", FORMS, ids=[f.label for f in FORMS])
def test_content_and_name_that_disagree_are_refused_and_nothing_is_stored(client, world, form, lie):
    name, content, browser_type = LYING_FILES[lie]
    before = form.stored(world)
    response = _post(client, world, form, SimpleUploadedFile(name, content, browser_type))
    assert response.status_code in (200, 400)
    page = html.unescape(response.content.decode())
    assert form.stored(world) == before, "un fichier a été enregistré"
    assert _expected_refusal(form, name, content) in page


@pytest.mark.parametrize("form", FORMS, ids=[f.label for f in FORMS])
def test_a_good_file_is_stored_plainly_and_served_as_an_attachment_of_its_type(client, world, form):
    good = form.good
    before = form.stored(world)
    upload = SimpleUploadedFile(f"../../{good.name}", good.content(), "text/html")
    response = _post(client, world, form, upload)
    assert response.status_code == 200
    (new,) = set(form.stored(world)) - set(before)
    assert ".." not in new and new.endswith(good.name.rsplit(".", 1)[-1]), new

    download = client.get(form.stored(world)[new])
    assert download.status_code == 200
    assert download["Content-Type"] == good.content_type
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == good.content()


def _downloads(w):
    """(label, persona, URL, object, file field, field holding the served name or None)."""
    answer = Answer.objects.get(question=w.file_question)
    survey_answer = Answer.objects.get(question=w.survey_file_question)
    return [
        (
            "document de séance",
            "secretariat",
            reverse("conferences:document_download", args=[w.document.pk]),
            w.document,
            "file",
            "name",
        ),
        (
            "document de saisine",
            "secretariat",
            reverse("referrals:document_download", args=[w.referral.pk, w.referral_document.pk]),
            w.referral_document,
            "file",
            "title",
        ),
        (
            "délibération",
            "dgs",
            reverse("referrals:deliberation_download", args=[w.referral.pk, w.commune.insee_code]),
            w.opinion,
            "deliberation_pdf",
            None,
        ),
        (
            "pièce de la boîte aux lettres",
            "member",
            reverse("referrals:attachment_download", args=[w.mailbox_attachment.pk]),
            w.mailbox_attachment,
            "file",
            "file_name",
        ),
        (
            "pièce d'une demande",
            "dgs",
            reverse(
                "mutualisation:attachment_download",
                args=[w.service_request.pk, w.request_attachment.pk],
            ),
            w.request_attachment,
            "file",
            "original_name",
        ),
        (
            "convention signée",
            "dgs",
            reverse("mutualisation:convention_pdf", args=[w.convention.pk]),
            w.convention,
            "signed_pdf",
            None,
        ),
        (
            "réponse fichier d'une collecte",
            "dgs",
            reverse(
                "referrals:answer_file_download",
                args=[w.collection.pk, w.commune.insee_code, w.file_question.pk],
            ),
            answer,
            "file",
            "file_name",
        ),
        (
            "réponse fichier d'une enquête",
            "dgs",
            reverse(
                "mutualisation:survey_answer_file", args=[w.survey.pk, w.survey_file_question.pk]
            ),
            survey_answer,
            "file",
            "file_name",
        ),
    ]


@pytest.mark.parametrize(
    "name,content,expected_types",
    [
        ("x.html", HTML, {"application/octet-stream"}),
        ("image.svg", PNG, {"image/png", "application/octet-stream"}),
        ("x.html", MINIMAL_PDF, {PDF_TYPE}),
    ],
)
def test_files_stored_under_their_uploaders_name_are_served_by_content(
    client, world, name, content, expected_types
):
    """Files stored before the checks kept any name: the download never trusts it."""
    for label, persona, url, obj, file_field, name_field in _downloads(world):
        getattr(obj, file_field).save(name, ContentFile(content), save=False)
        if name_field:
            setattr(obj, name_field, name)
        obj.save()
        client.force_login(world.users[persona])
        response = client.get(url)
        assert response.status_code == 200, label
        assert response["Content-Type"] in expected_types, f"{label} : {response['Content-Type']}"
        assert response["Content-Disposition"].startswith("attachment;"), label
        assert response["X-Content-Type-Options"] == "nosniff", label
        served_name = response["Content-Disposition"].split("filename=", 1)[1]
        assert not served_name.strip('"').endswith((".html", ".svg")), f"{label} : {served_name}"


@pytest.mark.parametrize(
    "name,content",
    [
        ("rapport.docx", xlsx),  # a workbook renamed as a text document
        ("archive.docx", lambda: _zip([("notes.txt", b"pas un document")])),  # any zip
        ("classeur.xlsx", lambda: _zip([("[Content_Types].xml", b"<Types/>")])),  # no main part
        ("texte.odt", lambda: odf("spreadsheet")),
        ("abime.docx", lambda: docx()[:-30]),  # truncated: no end record
    ],
)
def test_an_office_file_is_recognised_by_the_marker_inside_its_zip(client, world, name, content):
    form = next(f for f in FORMS if f.label == "pièce ajoutée à une demande")
    before = form.stored(world)
    response = _post(client, world, form, SimpleUploadedFile(name, content()))
    assert form.stored(world) == before
    page = html.unescape(response.content.decode())
    assert f"« {name} »" in page


def test_a_file_already_given_links_to_the_checked_download_not_to_the_storage(
    client, world, settings
):
    """The file input shows the answer already given: its link is the download view (typed by
    content), never the storage's URL (which serves the type the uploader's browser declared)."""
    w = world
    pages = [
        (
            reverse("referrals:opinion_detail", args=[w.collection.pk, w.commune.insee_code]),
            reverse(
                "referrals:answer_file_download",
                args=[w.collection.pk, w.commune.insee_code, w.file_question.pk],
            ),
        ),
        (
            reverse("mutualisation:survey_answer", args=[w.survey.pk]),
            reverse(
                "mutualisation:survey_answer_file", args=[w.survey.pk, w.survey_file_question.pk]
            ),
        ),
    ]
    client.force_login(w.users["dgs"])
    for url, download in pages:
        page = client.get(url).content.decode()
        assert f'href="{download}"' in page, url
        assert settings.MEDIA_URL not in page, url


def test_the_pdf_only_forms_named_above_exist():
    assert {form.label for form in FORMS} >= PDF_ONLY
