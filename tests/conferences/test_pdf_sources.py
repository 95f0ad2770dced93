"""The source data of the PDF documents, read on every download to check that the stored file is
still current: read as rows (sitting.selectors.sitting_rows), they are the same as the model
reading of the sitting pages (sitting.selectors.sitting), and the fingerprint changes with
anything printed, whatever way the data were changed (queryset updates included)."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from conferences.models import (
    AgendaItem,
    AttendanceEvent,
    Ballot,
    Proxy,
    Recusal,
    Reply,
    Session,
    Vote,
)
from conferences.pdf import sources
from conferences.pdf.fingerprint import fingerprint
from conferences.sitting.selectors import board_rows, sitting, sitting_rows
from conferences.sitting.services import (
    BallotInput,
    record_arrival,
    record_departure,
    record_recusal,
    record_vote,
)
from governance.models import Body, Commune, Membership, Person
from tests.conferences.factories import ProxyFactory, ReplyFactory
from tests.conferences.sitting_setup import body_with_members, held, substitute_for
from tests.factories import CommuneFactory, PersonFactory

pytestmark = pytest.mark.django_db

KINDS = ["convocation", "deliberations", "pack", "minutes", "opinions"]


@pytest.fixture
def council(epci, secretariat):
    """A council of 8 (quorum: a third) being held, with 3 items and a bit of everything: a
    suppléant sitting for an absent titular, another titular absent with a suppléant who did not
    come, a proxy given in the reply, a proxy given at the previous sitting for two sessions, a
    late arrival, a departure, a recusal, a vote by show of hands and a roll call with a vote by
    proxy."""
    body, members = body_with_members(epci, 8, quorum_rule="third")
    people = [m.person for m in members]
    members[1].commune = CommuneFactory(epci=epci, name="Villefictive-Haute")
    members[1].save()
    previous, _ = held(body, items=1)
    previous.starts_at -= datetime.timedelta(days=30)
    previous.status = Session.Status.CLOSED
    previous.save()
    session, items = held(body, items=3, chair=people[0], secretary=people[1])
    items[0].rapporteur = people[2]
    items[0].save()
    sitting_in = substitute_for(members[5])
    absent_with_substitute = members[7]
    substitute_for(absent_with_substitute)
    ReplyFactory(session=session, person=people[5], answer=Reply.Answer.ABSENT)
    ReplyFactory(
        session=session, person=people[3], answer=Reply.Answer.PROXY, proxy_holder=people[0]
    )
    ProxyFactory(
        first_session=previous, giver=people[4], holder=people[1], session_count=2, body=body
    )
    for person in (people[0], people[1], people[2], sitting_in.person):
        record_arrival(actor=secretariat, session=session, person=person, from_item=items[0])
    record_arrival(actor=secretariat, session=session, person=people[6], from_item=items[1])
    record_departure(actor=secretariat, session=session, person=people[2], from_item=items[2])
    record_recusal(actor=secretariat, item=items[1], person=people[1])
    record_vote(actor=secretariat, item=items[0], method="hands", votes_for=3, votes_against=1)
    record_vote(
        actor=secretariat,
        item=items[2],
        method="roll_call",
        ballots=[
            BallotInput(person=people[0], choice="for"),
            BallotInput(person=people[1], choice="against"),
            BallotInput(person=sitting_in.person, choice="abstain"),
            BallotInput(person=people[3], choice="for", cast_by=people[0]),
        ],
    )
    return {
        "session": session,
        "previous": previous,
        "items": items,
        "people": people,
        "members": members,
        "sitting_in": sitting_in,
        "absent_with_substitute": absent_with_substitute,
        "secretariat": secretariat,
    }


def as_downloaded(session: Session) -> Session:
    """The session as the download view reads it (without chair, secretary, first session)."""
    return Session.objects.select_related("body__epci", "place_commune").get(pk=session.pk)


def print_fingerprint(session: Session, kind: str) -> str:
    return fingerprint(kind, sources.source_for(as_downloaded(session), kind))


class TestRowsAreTheModels:
    def test_sitting_rows_is_sitting(self, council):
        session = as_downloaded(council["session"])
        models, rows = sitting(session), sitting_rows(session)
        assert models.quorums == rows.quorums
        assert models.presence == rows.presence
        assert models.proxies == rows.proxies
        assert {p: (r.answer, r.proxy_holder_id) for p, r in models.replies.items()} == {
            p: (r.answer, r.proxy_holder_id) for p, r in rows.replies.items()
        }
        assert {p: person.full_name for p, person in models.people.items()} == {
            p: person.full_name for p, person in rows.people.items()
        }

        def seats(state):
            return [
                (
                    s.membership.pk,
                    s.substitute.pk if s.substitute else None,
                    s.substitute_sits,
                    s.as_seat(),
                )
                for s in state.seats
            ]

        def board(state):
            return [
                (
                    r.person.pk,
                    r.is_substitute,
                    r.holder.pk if r.holder else None,
                    r.presence,
                    r.sits,
                    [(e.person_id, e.kind, e.from_item_id) for e in r.movements],
                )
                for r in board_rows(state)
            ]

        assert seats(models) == seats(rows)
        assert board(models) == board(rows)
        # Every case of the attendance list is there.
        statuses = {row["status"] for row in sources.attendance(session)["rows"]}
        assert statuses == {"present", "represented", "substituted", "absent"}

    def test_attendance_is_the_same_read_from_the_models(self, council, monkeypatch):
        session = as_downloaded(council["session"])
        from_rows = sources.attendance(session)
        monkeypatch.setattr(sources, "sitting_rows", lambda session, items=None: sitting(session))
        assert sources.attendance(session) == from_rows

    @pytest.mark.parametrize("kind", KINDS)
    def test_the_download_reads_what_the_task_prints(self, council, kind):
        """The view's session (relations not loaded) and the task's (load_session) give the
        same source, so a document rendered by the task is current for the download."""
        session = council["session"]
        assert sources.source_for(as_downloaded(session), kind) == sources.source_for(
            sources.load_session(session.pk), kind
        )

    def test_header_of_a_second_convocation_read_without_its_relations(self, council):
        session, previous = council["session"], council["previous"]
        outsider = PersonFactory(epci=session.body.epci, first_name="Greffière")
        Session.objects.filter(pk=session.pk).update(
            first_session=previous, origin=Session.Origin.SECOND_CONVOCATION, secretary=outsider
        )
        header = sources.header(as_downloaded(session))
        assert header == sources.header(sources.load_session(session.pk))
        assert header["first_session_on"] == timezone.localdate(previous.starts_at)
        assert header["secretary"] == outsider.full_name

    def test_fixed_number_of_queries(self, council, django_assert_num_queries):
        session = as_downloaded(council["session"])
        # Minutes, items, ballots, replies, members (chair and secretary among them),
        # recusals, events, proxies and the sittings they cover.
        with django_assert_num_queries(9):
            sources.source_for(session, "minutes")
        # A chair who is not a member: +1 for the names.
        Session.objects.filter(pk=session.pk).update(chair=PersonFactory(epci=session.body.epci))
        session = as_downloaded(session)
        with django_assert_num_queries(10):
            source = sources.source_for(session, "minutes")
        assert source["header"]["chair"] == Session.objects.get(pk=session.pk).chair.full_name


def _change_vote_count(c):
    Vote.objects.filter(item=c["items"][0]).update(votes_for=F("votes_for") - 1)


def _change_ballot(c):
    Ballot.objects.filter(vote__item=c["items"][2], person=c["people"][1]).update(choice="for")


def _record_departure(c):
    record_departure(
        actor=c["secretariat"], session=c["session"], person=c["people"][0], from_item=c["items"][2]
    )


def _move_an_arrival(c):
    AttendanceEvent.objects.filter(
        session=c["session"], person=c["people"][0], kind="arrival"
    ).update(from_item=c["items"][1])


def _rename_member(c):
    Person.objects.filter(pk=c["people"][7].pk).update(last_name="RENOMMÉ-FICTIF")


def _rename_substitute(c):
    Person.objects.filter(pk=c["sitting_in"].person_id).update(first_name="Autre")


def _rename_commune(c):
    Commune.objects.filter(pk=c["members"][1].commune_id).update(name="Villefictive-Basse")


def _rename_chair(c):
    Person.objects.filter(pk=c["people"][0].pk).update(first_name="Présidente")


def _rename_rapporteur(c):
    Person.objects.filter(pk=c["people"][2].pk).update(first_name="Rapporteuse")


def _add_recusal(c):
    Recusal.objects.create(item=c["items"][0], person=c["people"][0])


def _titular_says_absent(c):
    ReplyFactory(
        session=c["session"],
        person=c["absent_with_substitute"].person,
        answer=Reply.Answer.ABSENT,
    )


def _revoke_standing_proxy(c):
    Proxy.objects.filter(first_session=c["previous"]).update(revoked_at=timezone.now())


def _cancel_previous_sitting(c):
    # The proxy given there no longer counts as given at one of the sittings before.
    Session.objects.filter(pk=c["previous"].pk).update(status=Session.Status.CANCELLED)


def _end_membership(c):
    Membership.objects.filter(pk=c["members"][7].pk).update(
        end_date=timezone.localdate(c["session"].starts_at) - datetime.timedelta(days=1)
    )


def _change_quorum_rule(c):
    Body.objects.filter(pk=c["session"].body_id).update(quorum_rule="majority")


def _retitle_item(c):
    AgendaItem.objects.filter(pk=c["items"][1].pk).update(title="Nouvel intitulé")


CHANGES = [
    _change_vote_count,
    _change_ballot,
    _record_departure,
    _move_an_arrival,
    _rename_member,
    _rename_substitute,
    _rename_commune,
    _rename_chair,
    _rename_rapporteur,
    _add_recusal,
    _titular_says_absent,
    _revoke_standing_proxy,
    _cancel_previous_sitting,
    _end_membership,
    _change_quorum_rule,
    _retitle_item,
]


class TestStaleness:
    @pytest.mark.parametrize("kind", ["deliberations", "minutes"])
    @pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
    def test_anything_printed_changes_the_fingerprint(self, council, kind, change):
        before = print_fingerprint(council["session"], kind)
        assert print_fingerprint(council["session"], kind) == before
        change(council)
        assert print_fingerprint(council["session"], kind) != before
