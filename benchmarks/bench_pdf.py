"""Benchmark of the PDF documents: minutes of a 40-item session with 130 and 240
members, and a 200-page session pack, each against a bare WeasyPrint render of the same HTML.

Builds everything in a throwaway SQLite database (never the project's db.sqlite3):

    .venv/bin/python benchmarks/bench_pdf.py

Prints a Markdown table: time of the portal's rendering (data reads + template + WeasyPrint
PDF/UA + merge), time of WeasyPrint alone on the same HTML (no tags, no variant), their ratio,
page count, size, and peak memory (tracemalloc for Python allocations, ru_maxrss for the
process).
"""

from __future__ import annotations

import datetime
import io
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="interco-bench-pdf-"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_session(members: int, items: int, *, attachments_pages: int = 0):
    """A held council session: `members` members (all present from item 1 but ten represented
    and five absent), `items` deliberations each voted by show of hands, a roll-call vote on the
    first one, and attached PDFs totalling `attachments_pages` pages."""
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from weasyprint import HTML

    from conferences.models import (
        AgendaDocument,
        AgendaItem,
        AttendanceEvent,
        Ballot,
        Reply,
        Session,
        Vote,
    )
    from governance.models import EPCI, Body, Commune, Membership, Person
    from governance.rules import BodyKind, defaults_for

    n = EPCI.objects.count()
    epci = EPCI.objects.create(siren=f"2009{n:05d}", name=f"CA Banc d'essai {n}", nature="CA")
    rules = defaults_for(BodyKind.COUNCIL)
    body = Body.objects.create(
        epci=epci,
        kind=BodyKind.COUNCIL,
        name=f"Conseil communautaire {members}",
        notice_days=rules.notice_days,
        emergency_notice_days=rules.emergency_notice_days,
        quorum_rule=rules.quorum_rule,
        proxies_allowed=True,
        is_public=True,
        deliberative=True,
        gives_opinions=False,
        convened_by=rules.convened_by,
    )
    communes = [
        Commune.objects.create(
            insee_code=f"9{n % 10}{i:03d}",
            name=f"Commune-essai-{i}",
            departement="99",
            population=1000 + i,
            population_vintage=2023,
            epci=epci,
        )
        for i in range(60)
    ]
    people = [
        Person.objects.create(epci=epci, first_name=f"Prénom{i}", last_name=f"ESSAI{i:03d}")
        for i in range(members)
    ]
    Membership.objects.bulk_create(
        Membership(
            body=body,
            person=p,
            role="chair" if i == 0 else "member",
            commune=communes[i % 60],
            start_date=datetime.date(2020, 7, 15),
        )
        for i, p in enumerate(people)
    )
    starts = timezone.now() - datetime.timedelta(days=2)
    session = Session.objects.create(
        body=body,
        starts_at=starts,
        status=Session.Status.HELD,
        address="Salle du conseil",
        chair=people[0],
        secretary=people[1],
    )
    agenda = AgendaItem.objects.bulk_create(
        AgendaItem(
            session=session,
            position=i + 1,
            kind="deliberation",
            title=f"Délibération n° {i + 1} : programme d'investissement ; tranche {i + 1}",
            summary_note="Exposé des motifs. " * 60,
        )
        for i in range(items)
    )
    absent, represented = people[-5:], people[-15:-5]
    present = people[: members - 15]
    AttendanceEvent.objects.bulk_create(
        AttendanceEvent(session=session, person=p, kind="arrival", from_item=agenda[0])
        for p in present
    )
    Reply.objects.bulk_create(
        [Reply(session=session, person=p, answer="absent") for p in absent]
        + [
            Reply(session=session, person=p, answer="proxy", proxy_holder=present[i])
            for i, p in enumerate(represented)
        ]
    )
    voters = len(present) + len(represented)
    votes = Vote.objects.bulk_create(
        Vote(
            item=item,
            method="roll_call" if i == 0 else "hands",
            votes_for=voters - 3,
            votes_against=2,
            abstentions=1,
            result="adopted",
            quorum_present=len(present),
            quorum_required=members // 2 + 1,
        )
        for i, item in enumerate(agenda)
    )
    Ballot.objects.bulk_create(
        Ballot(vote=votes[0], person=p, choice="for") for p in present + represented
    )
    if attachments_pages:
        per_doc = 20
        for d in range(attachments_pages // per_doc):
            html = "".join(
                f'<p style="page-break-after: always">Annexe {d + 1}, feuille {k + 1}. '
                + "Texte. " * 200
                + "</p>"
                for k in range(per_doc)
            )
            content = HTML(string=f"<html lang='fr'><body>{html}</body></html>").write_pdf()
            AgendaDocument.objects.create(
                item=agenda[d % items],
                file=ContentFile(content, name=f"annexe-{d}.pdf"),
                name=f"Annexe {d + 1}.pdf",
                size=len(content),
            )
    return session


def measure(label: str, func, *, memory: bool = False):
    """Wall time of one run; with memory=True a second run under tracemalloc (which slows
    Python several times, so it is never timed) gives the peak of Python allocations."""
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    peak = float("nan")
    if memory:
        tracemalloc.start()
        func()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return {"label": label, "seconds": elapsed, "peak_mb": peak, "result": result}


def bare_weasyprint(html: str):
    from weasyprint import HTML

    document = HTML(string=html).render()
    return document.write_pdf(), len(document.pages)


def row(name, portal, bare):
    content, pages = portal["result"]
    ratio = portal["seconds"] / bare["seconds"] if bare else float("nan")
    bare_s = f"{bare['seconds']:.2f}" if bare else "—"
    peak = "—" if portal["peak_mb"] != portal["peak_mb"] else f"{portal['peak_mb']:.0f} Mo"
    return (
        f"| {name} | {pages} | {len(content) / 1024:.0f} Kio | {portal['seconds']:.2f} | "
        f"{bare_s} | {ratio:.2f} | {peak} |"
    )


def bare_pack(html: str, session) -> tuple[bytes, int]:
    """The same pack made the plainest way: WeasyPrint renders the pack's final HTML once, and
    pypdf appends the same attached files, with no contents pass, no PDF/UA, no outline."""
    from django.core.files.storage import default_storage
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    from conferences.models import AgendaDocument

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(HTML(string=html).write_pdf())))
    documents = AgendaDocument.objects.filter(item__session=session).order_by(
        "item__position", "pk"
    )
    for document in documents:
        with default_storage.open(document.file.name, "rb") as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(writer.pages)


def in_child(func):
    """Run func in a forked process, as a Celery worker process would, REPEATS times: the
    median wall time, the result and the process's peak resident memory (ru_maxrss)."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)

    def target():
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child.send((elapsed, result, rss))

    runs = []
    for _ in range(REPEATS):
        process = context.Process(target=target)
        process.start()
        runs.append(parent.recv())
        process.join()
    elapsed = statistics.median(run[0] for run in runs)
    result = runs[0][1]
    rss = max(run[2] for run in runs)
    return {"seconds": elapsed, "result": result, "rss_mb": rss, "peak_mb": float("nan")}


def main() -> None:
    setup()
    from conferences.models import Minutes
    from conferences.pdf import pack, render, render_pdf_bytes, sources

    lines = [
        "| Document | Pages | Taille | Portail (s) | WeasyPrint seul (s) | Ratio "
        "| Pic Python | RSS du processus |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def add(name, portal, bare):
        lines.append(row(name, portal, bare) + f" {portal['rss_mb']:.0f} Mo |")

    bare_weasyprint("<p>Mise en route : polices et feuilles de style chargées une fois.</p>")
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for members in (130, 240):
        session = build_session(members, 40)
        Minutes.objects.create(session=session, debates_html="<p>Débat. </p>" * 40)
        portal = in_child(lambda s=session: render_pdf_bytes(session=s, kind="minutes"))
        if members == 130:
            portal["peak_mb"] = measure(
                "minutes",
                lambda s=session: render_pdf_bytes(session=s, kind="minutes"),
                memory=True,
            )["peak_mb"]
        html = render.html_for(
            "minutes", sources.source_for(sources.load_session(session.pk), "minutes")
        )
        bare = in_child(lambda h=html: bare_weasyprint(h))
        add(f"Procès-verbal, 40 points, {members} membres", portal, bare)
        delib = in_child(lambda s=session: render_pdf_bytes(session=s, kind="deliberations"))
        html = render.html_for(
            "deliberations",
            sources.source_for(sources.load_session(session.pk), "deliberations"),
        )
        bare = in_child(lambda h=html: bare_weasyprint(h))
        add(f"Liste des délibérations, {members} membres", delib, bare)

    session = build_session(240, 40, attachments_pages=180)
    portal = in_child(lambda: render_pdf_bytes(session=session, kind="pack"))
    portal["peak_mb"] = measure(
        "pack", lambda: render_pdf_bytes(session=session, kind="pack"), memory=True
    )["peak_mb"]
    # The HTML of the pack's last layout pass, for the bare render of the same document.
    seen = []
    original = render.html_document

    def recording(html):
        seen.append(html)
        return original(html)

    render.html_document = recording
    try:
        pack.render_pack(sources.source_for(sources.load_session(session.pk), "pack"))
    finally:
        render.html_document = original
    passes = len(seen)
    bare = in_child(lambda: bare_pack(seen[-1], session))
    add(
        "Dossier de séance (40 notes, 240 membres + 180 p. annexées ; "
        f"{passes} passe{'s' if passes > 1 else ''} de mise en page)",
        portal,
        bare,
    )
    from pypdf import PdfReader

    content, pages = portal["result"]
    assert len(PdfReader(io.BytesIO(content)).pages) == pages

    print(
        f"Machine : {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU ; {datetime.date.today():%Y-%m-%d} ; "
        f"charge {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
    )
    print("\n".join(lines))
    print(f"\nRSS du processus parent avant les rendus : {baseline:.0f} Mo")


if __name__ == "__main__":
    main()
