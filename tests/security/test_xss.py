"""HTML and script typed into the text fields come back neutralised: escaped in every page of the
portal (all URLs of the permission matrix, as three personas), and never raw in the HTML handed
to WeasyPrint for the PDFs (the consultation synthesis, the schéma's progress report)."""

from __future__ import annotations

import pytest
from django.db import models

from governance.models import Body, Commune, Person
from mutualisation.models import ServiceRequest
from referrals.models import MailboxMessage, MailboxThread, Referral
from tests.referrals.factories import MINIMAL_PDF
from tests.security.test_permission_matrix import portal_patterns, url_for
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
RAW_MARKERS = ("<script>alert", "<img src=x onerror")


def _inject(world):
    """Every free-text field a user (or an imported official file) can fill, on shown objects."""
    from conferences.models import AgendaItem, MayorsRequest, Session

    targets: list[tuple[type[models.Model], int, list[str]]] = [
        (Session, world.session.pk, ["title", "address"]),
        (AgendaItem, world.item.pk, ["title"]),
        (MayorsRequest, world.mayors_request.pk, ["subject", "description"]),
        (Referral, world.referral.pk, ["subject"]),
        (MailboxThread, world.thread.pk, ["subject"]),
        (ServiceRequest, world.service_request.pk, ["subject", "description"]),
        (Commune, world.commune.pk, ["name"]),
        (Person, world.member_person.pk, ["first_name", "last_name"]),
        (Body, world.group.pk, ["name"]),
    ]
    for model, pk, fields in targets:
        model.objects.filter(pk=pk).update(**dict.fromkeys(fields, PAYLOAD[:150]))
    MailboxMessage.objects.filter(thread=world.thread).update(body=PAYLOAD)


@pytest.mark.parametrize("persona", ["member", "dgs", "secretariat"])
def test_script_in_text_fields_is_escaped_in_every_page(client, persona):
    world = build_world()
    _inject(world)
    client.force_login(world.users[persona])
    raw, escaped_seen = [], 0
    for _, name, converters in portal_patterns():
        response = client.get(url_for(world, name, converters))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        text = response.content.decode()
        if any(marker in text for marker in RAW_MARKERS):
            raw.append(name)
        escaped_seen += "&lt;script&gt;alert" in text
    assert not raw, f"{persona} : script non échappé dans {raw}"
    assert escaped_seen >= 3  # the payload was shown (escaped) on several pages


class CapturingHTML:
    """Stands for weasyprint.HTML: keeps the HTML string it was given."""

    seen: list[str] = []

    def __init__(self, string=None, **kwargs):
        CapturingHTML.seen.append(string)

    def write_pdf(self, *args, **kwargs):
        return MINIMAL_PDF


@pytest.fixture
def weasyprint_html(monkeypatch):
    CapturingHTML.seen = []
    monkeypatch.setattr("core.pdf.HTML", CapturingHTML)  # every document is built there
    return CapturingHTML.seen


def _assert_neutralised(html: str):
    assert html, "aucun HTML rendu"
    assert not any(marker in html for marker in RAW_MARKERS), "script brut dans le PDF"
    assert "&lt;script&gt;" in html


def test_no_raw_script_in_the_consultation_synthesis_pdf(weasyprint_html):
    world = build_world()
    _inject(world)
    from referrals.consultation.synthesis import render_synthesis_pdf

    render_synthesis_pdf(referral_id=world.referral.pk)
    _assert_neutralised(weasyprint_html[-1])


def test_no_raw_script_in_the_progress_report_pdf(weasyprint_html):
    world = build_world()
    _inject(world)
    from mutualisation.reports import indicators as reports

    data = reports.indicators(epci_id=world.epci.pk, year=2026)
    data["savings"] = [(PAYLOAD, "100.00")]
    reports.render_pdf(epci=world.epci, data=data)
    _assert_neutralised(weasyprint_html[-1])
