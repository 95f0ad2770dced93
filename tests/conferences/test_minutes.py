"""Minutes (L2121-15): the pre-filled text matches the records, the workflow refuses steps out of
order, the adopted text is frozen, corrections are new versions."""

import pytest
from django.core.exceptions import ValidationError

from conferences.minutes.content import minutes_context, render_minutes_html, sanitize_debates
from conferences.minutes.services import (
    AlreadyDone,
    adopt_correction,
    adopt_minutes,
    sign_minutes,
    start_minutes,
    submit_minutes,
    update_debates,
)
from conferences.models import AgendaItem, Minutes, MinutesSignature, MinutesVersion, Session
from conferences.sitting.services import record_vote
from core.models import OutboundMessage
from governance.models import AuditEvent
from tests.conferences.factories import ConvocationFactory, SessionFactory
from tests.conferences.minutes_setup import hold, next_session_of, recorded_session
from tests.conferences.sitting_setup import convened

pytestmark = pytest.mark.django_db

WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta name=Generator content="Microsoft Word 15">
<style><!-- p.MsoNormal {margin:0cm;} --></style>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/>
</o:OfficeDocumentSettings></xml><![endif]-->
</head><body lang=FR style='tab-interval:35.4pt'>
<p class=MsoNormal style='margin-bottom:0cm;mso-line-height-rule:exactly'><b><span
style='font-size:12.0pt;font-family:"Arial",sans-serif;mso-fareast-font-family:Calibri'>M. le
Président</span></b><span style='mso-spacerun:yes'>&nbsp;</span>ouvre le débat.<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>
<![if !supportLists]><span style='font-family:Symbol'>·<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]><i>Mme
TESTEUR</i> demande un <u>report</u>.<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<!-- commentaire interne -->
<table class=MsoTableGrid border=1 style='border-collapse:collapse'><tr><td width=200 valign=top
style='width:150pt'><p class=MsoNormal>Pour<o:p></o:p></p></td><td><p class=MsoNormal>12</p>
</td></tr></table>
<p><a href="https://exemple.test/rapport" onclick="steal()" class=MsoHyperlink>rapport</a>
<a href="javascript:alert(1)">piège</a><script>alert(1)</script><img src=x onerror=alert(1)></p>
</body></html>"""


class TestSanitising:
    def test_word_paste_comes_out_clean(self):
        clean = sanitize_debates(WORD_PASTE)
        for residue in (
            "mso-",
            "Mso",
            "<o:p",
            "style=",
            "class=",
            "<span",
            "<!--",
            "[if",
            "supportLists",
            "<script",
            "alert",
            "onclick",
            "javascript:",
            "<img",
            "OfficeDocumentSettings",
            "margin:0cm",
            "<html",
            "<body",
            "·",
            "Times New Roman",
        ):
            assert residue not in clean, residue
        assert "<strong>M. le\nPrésident</strong>" in clean
        assert "<em>Mme\nTESTEUR</em>" in clean and "<u>report</u>" in clean
        assert "<table>" in clean and "<td><p>Pour</p></td>" in clean
        assert '<a href="https://exemple.test/rapport" rel="noopener noreferrer nofollow">' in clean
        assert "<p></p>" not in clean

    def test_allowed_structure_is_kept_and_idempotent(self):
        html = (
            "<h3>Intertitre</h3><p>Texte <strong>gras</strong> <em>it</em></p>"
            "<ul><li>un</li></ul><ol><li>deux</li></ol><blockquote>cité</blockquote>"
            '<p><a href="mailto:secretariat@exemple.test">écrire</a></p>'
        )
        clean = sanitize_debates(html)
        assert "<h3>Intertitre</h3>" in clean and "<blockquote>cité</blockquote>" in clean
        assert sanitize_debates(clean) == clean


class TestPrefilledContent:
    def test_attendance_and_votes_match_the_records(self, epci, secretariat):
        session, items, people = recorded_session(epci, secretariat)
        minutes = start_minutes(actor=secretariat, session=session)
        context = minutes_context(minutes)
        assert [a.person for a in context["present"]] == people[:3]
        assert [(a.person, a.holder) for a in context["represented"]] == [(people[4], people[0])]
        assert [(a.person, a.excused) for a in context["absent"]] == [(people[3], True)]
        assert context["chair"] == people[0]
        first, second, third = context["items"]
        assert (first.quorum_present, first.quorum_required, first.quorum_reached) == (3, 3, True)
        assert (first.vote.votes_for, first.vote.votes_against, first.decision) == (3, 1, "Adopté")
        assert second.roll_call == [
            (
                "Pour",
                [
                    f"{people[0].last_name} {people[0].first_name}",
                    f"{people[4].last_name} {people[4].first_name} (par pouvoir, voté par "
                    f"{people[0].full_name})",
                ],
            ),
            ("Contre", [f"{people[1].last_name} {people[1].first_name}"]),
            ("Abstention", [f"{people[2].last_name} {people[2].first_name}"]),
        ]
        assert third.vote is None and third.decision == "Pas de vote enregistré"

        html = render_minutes_html(minutes)
        assert f"Représenté(e) par {people[0].full_name}" in html
        assert "Absent(e) excusé(e)" in html
        assert "Vote du point 1 — à main levée : adopté" in html
        assert "Contre : " + f"{people[1].last_name} {people[1].first_name}" in html

    def test_partial_presence_and_opinions(self, epci, secretariat):
        from conferences.sitting.services import record_arrival, record_departure, record_opinion
        from tests.conferences.factories import MayorsConferenceFactory
        from tests.factories import MembershipFactory

        body = MayorsConferenceFactory(epci=epci)
        members = [MembershipFactory(body=body) for _ in range(3)]
        session = convened(body, days=0, status=Session.Status.HELD)
        items = [
            AgendaItem.objects.create(
                session=session, position=i + 1, title=f"Avis {i + 1}", kind=AgendaItem.Kind.OPINION
            )
            for i in range(2)
        ]
        for m in members:
            record_arrival(actor=secretariat, session=session, person=m.person, from_item=items[0])
        record_departure(
            actor=secretariat, session=session, person=members[2].person, from_item=items[1]
        )
        record_opinion(actor=secretariat, item=items[0], opinion="Avis favorable unanime.")
        minutes = start_minutes(actor=secretariat, session=session)
        context = minutes_context(minutes)
        leaving = next(a for a in context["present"] if a.person == members[2].person)
        assert leaving.items == "1"
        assert [r.opinion for r in context["opinions"]] == ["Avis favorable unanime."]
        assert "Avis favorable unanime." in render_minutes_html(minutes)


def _adopted(epci, secretariat):
    session, items, people = recorded_session(epci, secretariat)
    minutes = start_minutes(actor=secretariat, session=session)
    update_debates(actor=secretariat, minutes=minutes, debates_html="<p>Premier texte</p>")
    nxt = next_session_of(session)
    submit_minutes(actor=secretariat, minutes=minutes)
    hold(nxt)
    version = adopt_minutes(actor=secretariat, minutes=minutes)
    return session, people, minutes, version, nxt


class TestWorkflow:
    def test_only_a_held_session_gets_minutes(self, epci, secretariat):
        session = SessionFactory(body__epci=epci)
        with pytest.raises(ValidationError, match="se rédige après la séance"):
            start_minutes(actor=secretariat, session=session)

    def test_double_start_is_already_done(self, epci, secretariat):
        session, _, _ = recorded_session(epci, secretariat)
        start_minutes(actor=secretariat, session=session)
        with pytest.raises(AlreadyDone, match="Action déjà effectuée"):
            start_minutes(actor=secretariat, session=session)
        assert Minutes.objects.count() == 1

    def test_submission_needs_a_next_session(self, epci, secretariat):
        session, _, _ = recorded_session(epci, secretariat)
        minutes = start_minutes(actor=secretariat, session=session)
        next_session_of(session, status=Session.Status.CANCELLED)
        with pytest.raises(ValidationError, match="programmez la prochaine séance"):
            submit_minutes(actor=secretariat, minutes=minutes)

    def test_submission_adds_the_adoption_item_and_renotifies(self, epci, secretariat):
        session, _, _ = recorded_session(epci, secretariat)
        minutes = start_minutes(actor=secretariat, session=session)
        later = next_session_of(session, days=30)
        nxt = next_session_of(session, days=12, status=Session.Status.CONVENED)
        ConvocationFactory(session=nxt)
        minutes = submit_minutes(actor=secretariat, minutes=minutes)
        day = session.starts_at.astimezone().strftime("%d/%m/%Y")
        assert minutes.status == Minutes.Status.SUBMITTED
        assert minutes.adopting_session == nxt and later.items.count() == 0
        item = minutes.adoption_item
        assert item.session == nxt and item.kind == AgendaItem.Kind.DELIBERATION
        assert item.title == f"Adoption du procès-verbal de la séance du {day}"
        assert OutboundMessage.objects.filter(category="session.update").count() == 1
        with pytest.raises(AlreadyDone):
            submit_minutes(actor=secretariat, minutes=minutes)
        assert nxt.items.count() == 1

    def test_out_of_order_steps_are_refused(self, epci, secretariat):
        session, _, _ = recorded_session(epci, secretariat)
        minutes = start_minutes(actor=secretariat, session=session)
        with pytest.raises(ValidationError, match="Soumettez d'abord"):
            adopt_minutes(actor=secretariat, minutes=minutes)
        with pytest.raises(ValidationError, match="se signe une fois adopté"):
            sign_minutes(actor=secretariat, minutes=minutes, role="president")
        nxt = next_session_of(session)
        submit_minutes(actor=secretariat, minutes=minutes)
        with pytest.raises(ValidationError, match="ouvrez d'abord la séance du"):
            adopt_minutes(actor=secretariat, minutes=minutes)
        hold(nxt)
        adopt_minutes(actor=secretariat, minutes=minutes)
        with pytest.raises(AlreadyDone):
            adopt_minutes(actor=secretariat, minutes=minutes)

    def test_a_rejected_adoption_vote_blocks_adoption(self, epci, secretariat):
        session, _, people = recorded_session(epci, secretariat)
        minutes = start_minutes(actor=secretariat, session=session)
        nxt = next_session_of(session)
        minutes = submit_minutes(actor=secretariat, minutes=minutes)
        hold(nxt)
        from conferences.sitting.services import record_arrival

        for person in people[:3]:
            record_arrival(
                actor=secretariat, session=nxt, person=person, from_item=minutes.adoption_item
            )
        record_vote(actor=secretariat, item=minutes.adoption_item, method="hands", votes_against=3)
        with pytest.raises(ValidationError, match="a rejeté le procès-verbal"):
            adopt_minutes(actor=secretariat, minutes=minutes)

    def test_adopted_text_is_frozen(self, epci, secretariat):
        session, people, minutes, version, _ = _adopted(epci, secretariat)
        assert version.number == 1 and "Premier texte" in version.content_html
        frozen = version.content_html
        with pytest.raises(ValidationError, match="adoptez une version corrigée"):
            update_debates(actor=secretariat, minutes=minutes, debates_html="<p>Autre</p>")
        # A change of the records after adoption does not change the adopted text either.
        Session.objects.filter(pk=session.pk).update(address="Ailleurs")
        minutes.refresh_from_db()
        assert render_minutes_html(minutes) == frozen
        assert list(MinutesVersion.objects.values_list("number", "content_html")) == [(1, frozen)]
        assert AuditEvent.objects.filter(action="minutes.adopted").count() == 1

    def test_correction_is_version_two_and_keeps_version_one(self, epci, secretariat):
        session, people, minutes, first, nxt = _adopted(epci, secretariat)
        later = hold(next_session_of(session, days=40))
        with pytest.raises(ValidationError):
            adopt_correction(
                actor=secretariat,
                minutes=minutes,
                debates_html="<p>x</p>",
                correction_note=" ",
                adopting_session=later,
            )
        second = adopt_correction(
            actor=secretariat,
            minutes=minutes,
            debates_html="<p>Texte corrigé</p>",
            correction_note="Erreur de nom au point 2.",
            adopting_session=later,
        )
        with pytest.raises(AlreadyDone):
            adopt_correction(
                actor=secretariat,
                minutes=minutes,
                debates_html="<p>Texte corrigé</p>",
                correction_note="Erreur de nom au point 2.",
                adopting_session=later,
            )
        assert second.number == 2 and "Texte corrigé" in second.content_html
        first.refresh_from_db()
        assert "Premier texte" in first.content_html and "Texte corrigé" not in first.content_html
        minutes.refresh_from_db()
        assert minutes.status == Minutes.Status.ADOPTED
        assert render_minutes_html(minutes) == second.content_html
        # The new version needs its own signatures.
        sign_minutes(actor=secretariat, minutes=minutes, role="president")
        assert MinutesSignature.objects.get(role="president").version == second

    def test_signatures(self, epci, secretariat):
        session, people, minutes, version, _ = _adopted(epci, secretariat)
        signature = sign_minutes(actor=secretariat, minutes=minutes, role="president")
        assert signature.person == people[0] and signature.signed_by == secretariat
        with pytest.raises(AlreadyDone):
            sign_minutes(actor=secretariat, minutes=minutes, role="president")
        with pytest.raises(ValidationError, match="Désignez le secrétaire"):
            sign_minutes(actor=secretariat, minutes=minutes, role="secretary")
        sign_minutes(actor=secretariat, minutes=minutes, role="secretary", person=people[1])
        session.refresh_from_db()
        minutes.refresh_from_db()
        assert session.secretary == people[1]
        assert minutes.status == Minutes.Status.SIGNED
        assert version.signatures.count() == 2
