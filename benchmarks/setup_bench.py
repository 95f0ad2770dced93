"""Prepare a generated database (manage.py generate_territory) for the HTTP benchmarks.

Creates four accounts linked to generated people (secretariat with TOTP, an elected mayor, a
DGS, an EPCI agent), an agenda document (a PDF file) to download, one signed-in session per
account, and writes the pages to measure, with their cookie, to $BENCH_OUT/targets.json.

Secretariat pages require TOTP: instead of typing a code, the session is made here with
Django's SessionStore, as allauth leaves it after a password + TOTP login.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interco_bench \
        .venv/bin/python benchmarks/setup_bench.py
"""

from __future__ import annotations

import json
import time

from bootstrap import OUT, setup

setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.utils import encrypt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.urls import reverse  # noqa: E402

from conferences.models import (  # noqa: E402
    AgendaDocument,
    Publication,
    RenderedDocument,
    Session,
)
from conferences.pdf.documents import build_document  # noqa: E402
from demo.scale.territory import EPCI_SIREN  # noqa: E402
from governance.models import EPCI, Mandate, User  # noqa: E402
from governance.rules import BodyKind  # noqa: E402
from referrals.models import Referral  # noqa: E402

DOMAIN = "bench.interco.test"
COMMUNE = "13001"  # Aix-en-Provence: its mayor sits on the council, bureau and conferences
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def account(email, role, epci, person, commune=None) -> User:
    user, _ = User.objects.update_or_create(
        email=email,
        defaults={
            "role": role,
            "epci": epci,
            "person": person,
            "commune": commune,
            "first_name": person.first_name,
            "last_name": person.last_name,
        },
    )
    user.set_unusable_password()
    user.save()
    return user


def signed_in_cookie(user: User, *, mfa: bool = False) -> str:
    now = time.time()
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    methods = [{"method": "password", "at": now, "email": user.email}]
    if mfa:
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        methods.append({"method": "mfa", "at": now, "id": totp.pk, "type": "totp"})
    store["account_authentication_methods"] = methods
    store["account_authentication_methods_user"] = str(user.pk)
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def pdf_bytes() -> bytes:
    from weasyprint import HTML

    paragraph = "<p>Point {} : texte de la délibération générée.</p>"
    paragraphs = "".join(paragraph.format(i) for i in range(400))
    return HTML(string=f"<h1>Rapport</h1>{paragraphs}").write_pdf()


def main() -> None:
    epci = EPCI.objects.get(siren=EPCI_SIREN)
    mandates = Mandate.objects.select_related("person", "commune")
    mayor = mandates.get(kind=Mandate.Kind.MAYOR, commune__insee_code=COMMUNE)
    dgs = mandates.get(kind=Mandate.Kind.DGS, commune__insee_code=COMMUNE)
    staff = {m.label: m.person for m in mandates.filter(kind=Mandate.Kind.EPCI_STAFF)}
    head = staff["Responsable du secrétariat général"]
    secretariat = account(f"secretariat@{DOMAIN}", User.Role.SECRETARIAT, epci, head)
    Authenticator.objects.get_or_create(
        user=secretariat,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(TOTP_SECRET)}},
    )
    elected = account(f"elu@{DOMAIN}", User.Role.ELECTED, epci, mayor.person)
    dgs_user = account(f"dgs@{DOMAIN}", User.Role.DGS, epci, dgs.person, commune=dgs.commune)
    agent = account(f"agent@{DOMAIN}", User.Role.AGENT, epci, staff["Chargé de mission mobilité"])

    council = Session.objects.filter(body__epci=epci, body__kind=BodyKind.COUNCIL)
    # The latest council session held: ~100 items and ~3,000 convocations (with the copies).
    session = (
        council.filter(status=Session.Status.CLOSED)
        .annotate(n=Count("convocations"))
        .order_by("-starts_at")
        .first()
    )
    item = session.items.order_by("position").first()
    document = AgendaDocument.objects.filter(item=item, name="rapport-bench.pdf").first()
    if document is None:
        content = pdf_bytes()
        document = AgendaDocument(item=item, name="rapport-bench.pdf", size=len(content))
        document.file.save("rapport-bench.pdf", ContentFile(content), save=False)
        document.save()
    # The minutes PDF of that session, rendered once and stored: each download checks that the
    # stored file is current (fingerprint of its data) and serves it, never rendering.
    build_document(session_id=session.pk, kind=RenderedDocument.Kind.MINUTES)
    minutes = RenderedDocument.objects.get(session=session, kind=RenderedDocument.Kind.MINUTES)
    assert minutes.status == RenderedDocument.Status.READY, minutes.error
    # The same minutes put online (a Publication: never re-rendered, never changed), as town
    # halls download them from the public page.
    publication = Publication.objects.filter(
        session=session, kind=Publication.Kind.MINUTES, version=1
    ).first()
    if publication is None:
        publication = Publication(
            body=session.body,
            session=session,
            kind=Publication.Kind.MINUTES,
            version=1,
            title=f"Procès-verbal — {session.body.name}",
            filename=minutes.filename,
            size=minutes.file.size,
            author=secretariat.get_full_name(),
            published_by=secretariat,
        )
        with minutes.file.open("rb") as handle:
            publication.file.save(minutes.filename, ContentFile(handle.read()), save=False)
        publication.save()
    referral = Referral.objects.filter(epci=epci, status=Referral.Status.OPEN).order_by("-pk")[0]
    month = session.starts_at.strftime("%Y-%m")

    cookies = {
        "secretariat": signed_in_cookie(secretariat, mfa=True),
        "elected": signed_in_cookie(elected),
        "dgs": signed_in_cookie(dgs_user),
        "agent": signed_in_cookie(agent),
        "anonymous": "",
    }
    pages = [
        ("plancher", reverse("bench_floor"), "elected"),
        ("calendrier", reverse("conferences:session_calendar") + f"?mois={month}", "secretariat"),
        ("seance", reverse("conferences:session_detail", args=[session.pk]), "secretariat"),
        ("mes-seances", reverse("conferences:my_sessions"), "elected"),
        ("saisine", reverse("referrals:referral_detail", args=[referral.pk]), "agent"),
        (
            "avis-dgs",
            reverse("referrals:opinion_detail", args=[referral.pk, COMMUNE]),
            "dgs",
        ),
        ("demandes", reverse("mutualisation:request_list"), "agent"),
        ("document", reverse("conferences:document_download", args=[document.pk]), "elected"),
        (
            "pdf-publie",
            reverse(
                "conferences:publication_download",
                kwargs={"pk": publication.pk, "filename": publication.filename},
            ),
            "anonymous",
        ),
        (
            "pdf-seance",
            reverse("conferences:session_pdf", kwargs={"pk": session.pk, "kind": "minutes"}),
            "secretariat",
        ),
    ]
    targets = {
        "pages": [
            {"name": name, "url": url, "persona": persona, "cookie": cookies[persona]}
            for name, url, persona in pages
        ],
        "users": {
            "secretariat": secretariat.pk,
            "elected": elected.pk,
            "dgs": dgs_user.pk,
            "agent": agent.pk,
        },
        "council_session": session.pk,
        "document_size": document.size,
        "minutes_pdf_size": minutes.file.size,
    }
    (OUT / "targets.json").write_text(json.dumps(targets, indent=2))
    for page in targets["pages"]:
        print(f"{page['name']:<12} {page['persona']:<12} {page['url']}")
    print(f"-> {OUT / 'targets.json'}")


if __name__ == "__main__":
    main()
