import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db.models import Prefetch

from conferences.browse.ics import calendar_bytes, session_event
from conferences.models import AgendaItem, Session
from tests.conferences.factories import AgendaItemFactory, SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def session(council, commune):
    session = SessionFactory(
        body=council,
        title="Budget primitif",
        starts_at=datetime.datetime(2031, 3, 13, 18, 30, tzinfo=PARIS),
        place_commune=commune,
        address="Salle du conseil, 2 rue de la Paix",
        version=3,
    )
    AgendaItemFactory(session=session, position=2, title="Vote des taux")
    AgendaItemFactory(session=session, position=1, title="Approbation du procès-verbal")
    return session


def test_session_event_fields(session, settings):
    settings.SITE_URL = "https://interco.example"
    event = session_event(session)

    assert str(event["uid"]) == f"seance-{session.pk}@interco"
    assert event.decoded("dtstart") == datetime.datetime(2031, 3, 13, 18, 30, tzinfo=PARIS)
    assert event.decoded("dtend") == datetime.datetime(2031, 3, 13, 20, 30, tzinfo=PARIS)
    assert event.decoded("dtstart").tzinfo is not None
    assert str(event["summary"]) == "Conseil communautaire — Budget primitif"
    assert str(event["location"]) == "Salle du conseil, 2 rue de la Paix, Villetest"
    description = str(event["description"])
    assert description.index("1. Approbation du procès-verbal") < description.index(
        "2. Vote des taux"
    )
    assert str(event["url"]) == f"https://interco.example/seances/{session.pk}/"
    assert event["sequence"] == 3
    assert str(event["status"]) == "CONFIRMED"


def test_explicit_sequence_and_cancellation(session):
    event = session_event(session, sequence=7, cancelled=True)
    assert event["sequence"] == 7
    assert str(event["status"]) == "CANCELLED"

    session.status = Session.Status.CANCELLED
    assert str(session_event(session)["status"]) == "CANCELLED"


def test_untitled_session_summary_uses_the_date(council):
    session = SessionFactory(
        body=council, title="", starts_at=datetime.datetime(2031, 1, 9, 9, 0, tzinfo=PARIS)
    )
    assert str(session_event(session)["summary"]) == "Conseil communautaire — Séance du 09/01/2031"


def test_calendar_bytes_parse_back(session):
    data = calendar_bytes([session], name="Séances — Conseil", method="REQUEST")

    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["prodid"]).startswith("-//Interco")
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["method"]) == "REQUEST"
    assert str(calendar["x-wr-calname"]) == "Séances — Conseil"
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"seance-{session.pk}@interco"]
    # The local time zone travels with the calendar.
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_cancel_method_cancels_every_event(session):
    calendar = icalendar.Calendar.from_ical(calendar_bytes([session], name="x", method="CANCEL"))
    assert [str(e["status"]) for e in calendar.walk("VEVENT")] == ["CANCELLED"]


def test_no_query_per_session_when_prefetched(council, commune, django_assert_num_queries):
    for _ in range(5):
        AgendaItemFactory.create_batch(3, session=SessionFactory(body=council))

    with django_assert_num_queries(2):
        sessions = list(
            Session.objects.select_related("body", "place_commune")
            .prefetch_related(Prefetch("items", queryset=AgendaItem.objects.order_by("position")))
            .order_by("starts_at", "pk")
        )
        data = calendar_bytes(sessions, name="Conseil")

    assert len(icalendar.Calendar.from_ical(data).walk("VEVENT")) == 5
