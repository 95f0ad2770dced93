"""Hostile uploads on every upload form: a wrong type, a lying extension, an oversized file, a path
in the name. Each is refused with a clear French message and writes nothing, or (for the path)
is stored under a plain name inside the app's folder. No 500."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conferences.models import AgendaDocument
from governance.models import ImportRun
from mutualisation.models import RequestAttachment
from referrals.models import ReferralDocument
from tests.referrals.factories import MINIMAL_PDF
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

HTML_AS_PDF = b"<html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture
def world():
    return build_world()


def _forms(world):
    """(name, url, persona, file field, other fields, model whose rows must not change)."""
    return [
        (
            "document d'un point",
            reverse("conferences:item_upload", args=[world.item.pk]),
            "secretariat",
            "file",
            {},
            AgendaDocument,
        ),
        (
            "document d'une saisine",
            reverse("referrals:document_add", args=[world.referral.pk]),
            "secretariat",
            "file",
            {"title": "Projet de statuts"},
            ReferralDocument,
        ),
        (
            "pièce d'une demande",
            reverse("mutualisation:request_action", args=[world.service_request.pk, "attachment"]),
            "dgs",
            "file",
            {},
            RequestAttachment,
        ),
        (
            "import de fichier officiel",
            reverse("governance:import_list"),
            "secretariat",
            "file",
            {"kind": "auto"},
            ImportRun,
        ),
    ]


def _post(client, world, persona, url, field, data, upload):
    client.force_login(world.users[persona])
    return client.post(url, {**data, field: upload}, follow=True)


BAD_FILES = {
    "wrong type (an executable)": ("rapport.exe", EXE, "application/octet-stream"),
    "lying extension (HTML named .pdf)": ("deliberation.pdf", HTML_AS_PDF, "application/pdf"),
    "empty": ("vide.pdf", b"", "application/pdf"),
}


@pytest.mark.parametrize("bad", BAD_FILES)
def test_a_bad_file_is_refused_with_a_message_and_nothing_written(client, world, bad):
    name, content, content_type = BAD_FILES[bad]
    for label, url, persona, field, data, model in _forms(world):
        before = model.objects.count()
        response = _post(
            client,
            world,
            persona,
            url,
            field,
            data,
            SimpleUploadedFile(name, content, content_type),
        )
        assert response.status_code in (200, 400), f"{label} : {response.status_code}"
        text = response.content.decode()
        assert model.objects.count() == before, f"{label} : une ligne a été écrite"
        assert any(
            word in text for word in ("fichier", "Fichier", "PDF", "vide", "format", "reconnu")
        ), f"{label} : pas de message clair"


def test_an_oversized_file_is_refused(client, world, settings):
    """The limit is lowered for the test (20 MB files would slow the suite)."""
    settings.UPLOAD_MAX_SIZE = 1000
    big = MINIMAL_PDF + b"%" * 5000
    for label, url, persona, field, data, model in _forms(world)[:3]:
        before = model.objects.count()
        response = _post(
            client,
            world,
            persona,
            url,
            field,
            data,
            SimpleUploadedFile("gros.pdf", big, "application/pdf"),
        )
        assert response.status_code in (200, 400), label
        assert model.objects.count() == before, label
        assert "pèse 4,9\xa0Kio : la limite est de 1000\xa0octets" in html.unescape(
            response.content.decode()
        ), label


def test_a_path_in_the_name_is_reduced_to_a_plain_file_name(client, world):
    for label, url, persona, field, data, model in _forms(world)[:3]:
        before = set(model.objects.values_list("pk", flat=True))
        _post(
            client,
            world,
            persona,
            url,
            field,
            data,
            SimpleUploadedFile("../../../etc/cron.d/x.pdf", MINIMAL_PDF, "application/pdf"),
        )
        (created,) = model.objects.exclude(pk__in=before)
        stored = created.file.name
        assert ".." not in stored and "etc/cron.d" not in stored, f"{label} : {stored}"
        assert not stored.startswith("/"), f"{label} : {stored}"
