"""No double booking — of an item, of its driver, of an itinerant secretary — including under
concurrency on PostgreSQL; returns and damage; training seats with a waitlist."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction

from mutualisation.models import Booking, Mission, SeatReservation
from mutualisation.scheduling import services as scheduling
from tests.factories import CommuneFactory, UserFactory
from tests.mutualisation.factories import (
    BookingFactory,
    ConventionFactory,
    MissionFactory,
    StaffMemberFactory,
    TrainingSessionFactory,
    in_days,
)

pytestmark = pytest.mark.django_db

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrence : SQLite sérialise les écritures et n'a ni SELECT FOR UPDATE ni "
    "contrainte d'exclusion ; ce test tourne en CI sur PostgreSQL (DATABASE_URL).",
)


def test_booking_a_free_item(dgs, commune, convention, tent):
    booking = scheduling.book_item(
        actor=dgs, commune=commune, item=tent, starts_at=in_days(3), ends_at=in_days(4)
    )
    assert booking.driver is None
    assert booking.status == Booking.Status.BOOKED


def test_overlapping_booking_is_refused_adjacent_is_fine(dgs, commune, convention, tent):
    scheduling.book_item(
        actor=dgs, commune=commune, item=tent, starts_at=in_days(3), ends_at=in_days(5)
    )
    with pytest.raises(ValidationError, match="déjà réservé"):
        scheduling.book_item(
            actor=dgs, commune=commune, item=tent, starts_at=in_days(4), ends_at=in_days(6)
        )
    # [start, end): the next booking may start when the previous one ends.
    scheduling.book_item(
        actor=dgs, commune=commune, item=tent, starts_at=in_days(5), ends_at=in_days(6)
    )


def test_cancelled_booking_frees_the_slot(dgs, commune, convention, tent):
    booking = scheduling.book_item(
        actor=dgs, commune=commune, item=tent, starts_at=in_days(3), ends_at=in_days(4)
    )
    assert scheduling.cancel_booking(actor=dgs, booking=booking)[1] is True
    assert scheduling.cancel_booking(actor=dgs, booking=booking)[1] is False
    scheduling.book_item(
        actor=dgs, commune=commune, item=tent, starts_at=in_days(3), ends_at=in_days(4)
    )


def test_sweeper_books_its_driver(dgs, commune, convention, sweeper, driver):
    booking = scheduling.book_item(
        actor=dgs, commune=commune, item=sweeper, starts_at=in_days(3), ends_at=in_days(3, 17)
    )
    assert booking.driver == driver


def test_no_free_driver_refuses(dgs, commune, convention, sweeper, driver, epci, equipment_offer):
    from tests.mutualisation.factories import EquipmentItemFactory

    second = EquipmentItemFactory(
        epci=epci, offer=equipment_offer, road_sweeper=True, name="Balayeuse 2"
    )
    scheduling.book_item(
        actor=dgs, commune=commune, item=sweeper, starts_at=in_days(3), ends_at=in_days(3, 17)
    )
    with pytest.raises(ValidationError, match="chauffeur"):
        scheduling.book_item(
            actor=dgs, commune=commune, item=second, starts_at=in_days(3, 9), ends_at=in_days(4)
        )
    StaffMemberFactory(epci=epci)
    assert scheduling.book_item(
        actor=dgs, commune=commune, item=second, starts_at=in_days(3, 9), ends_at=in_days(4)
    ).driver


def test_booking_needs_the_equipment_option(dgs, commune, legal_offer, tent):
    ConventionFactory(commune=commune, options=[legal_offer])
    with pytest.raises(ValidationError, match="Prêt de matériel"):
        scheduling.book_item(
            actor=dgs, commune=commune, item=tent, starts_at=in_days(3), ends_at=in_days(4)
        )


def test_booking_in_the_past_is_refused(dgs, commune, convention, tent):
    with pytest.raises(ValidationError, match="passé"):
        scheduling.book_item(
            actor=dgs, commune=commune, item=tent, starts_at=in_days(-2), ends_at=in_days(-1)
        )


def test_return_and_damage(dgs, agent, commune, tent):
    booking = BookingFactory(item=tent, commune=commune, starts_at=in_days(-2))
    with pytest.raises(ValidationError, match="Décrivez"):
        scheduling.record_return(actor=agent, booking=booking, damaged=True)
    _, changed = scheduling.record_return(
        actor=agent, booking=booking, damaged=True, damage_notes="Toile déchirée."
    )
    assert changed
    assert scheduling.record_return(actor=agent, booking=booking, damaged=False)[1] is False
    booking.refresh_from_db()
    assert booking.status == Booking.Status.RETURNED and booking.damaged


def test_missions_of_one_secretary_cannot_overlap(secretariat, commune, other_commune, epci):
    secretary = StaffMemberFactory(epci=epci, secretary=True)
    start = datetime.date.today() + datetime.timedelta(days=10)
    scheduling.plan_mission(
        actor=secretariat,
        commune=commune,
        secretary=secretary,
        start_date=start,
        end_date=start + datetime.timedelta(days=30),
    )
    with pytest.raises(ValidationError, match="déjà en mission"):
        scheduling.plan_mission(
            actor=secretariat,
            commune=other_commune,
            secretary=secretary,
            start_date=start + datetime.timedelta(days=30),  # last day is included
            end_date=start + datetime.timedelta(days=40),
        )
    scheduling.plan_mission(
        actor=secretariat,
        commune=other_commune,
        secretary=secretary,
        start_date=start + datetime.timedelta(days=31),
        end_date=start + datetime.timedelta(days=40),
    )


def test_training_waitlist_and_promotion(dgs, commune, convention, training_offer, epci):
    session = TrainingSessionFactory(epci=epci, offer=training_offer, seats=1)
    first, _ = scheduling.reserve_seat(
        actor=dgs, session=session, commune=commune, attendee_name="A", attendee_email="a@x.test"
    )
    second, _ = scheduling.reserve_seat(
        actor=dgs, session=session, commune=commune, attendee_name="B", attendee_email="b@x.test"
    )
    again, created = scheduling.reserve_seat(
        actor=dgs, session=session, commune=commune, attendee_name="B", attendee_email="B@x.test"
    )
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    assert again == second and created is False
    scheduling.cancel_seat(actor=dgs, seat=first)
    second.refresh_from_db()
    assert second.status == SeatReservation.Status.CONFIRMED


# ---------------------------------------------------------------------------- PostgreSQL


def _race(target, n=2):
    """Run ``target`` in n threads released at the same instant; collect outcomes."""
    barrier = threading.Barrier(n)
    outcomes = []

    def run(i):
        close_old_connections()
        try:
            barrier.wait()
            outcomes.append(("ok", target(i)))
        except ValidationError as exc:
            outcomes.append(("refused", exc.messages[0]))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_bookings_of_one_item_exactly_one_wins(epci, equipment_offer, tent):
    communes = [CommuneFactory(epci=epci) for _ in range(2)]
    users = [UserFactory(epci=epci, dgs=True, commune=c) for c in communes]
    for commune in communes:
        ConventionFactory(commune=commune, options=[equipment_offer])

    outcomes = _race(
        lambda i: (
            scheduling.book_item(
                actor=users[i],
                commune=communes[i],
                item=tent,
                starts_at=in_days(3),
                ends_at=in_days(4),
            ).pk
        )
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    assert "déjà réservé" in next(v for k, v in outcomes if k == "refused")
    assert Booking.objects.filter(item=tent).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sweeper_bookings_share_no_driver(epci, equipment_offer, driver):
    from tests.mutualisation.factories import EquipmentItemFactory

    sweepers = [
        EquipmentItemFactory(epci=epci, offer=equipment_offer, road_sweeper=True, name=f"B{i}")
        for i in range(2)
    ]
    commune = CommuneFactory(epci=epci)
    user = UserFactory(epci=epci, dgs=True, commune=commune)
    ConventionFactory(commune=commune, options=[equipment_offer])
    outcomes = _race(
        lambda i: (
            scheduling.book_item(
                actor=user,
                commune=commune,
                item=sweepers[i],
                starts_at=in_days(3),
                ends_at=in_days(4),
            ).pk
        )
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    assert "chauffeur" in next(v for k, v in outcomes if k == "refused")
    assert Booking.objects.filter(driver=driver).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_missions_for_one_secretary_exactly_one_wins(epci):
    secretariat = UserFactory(epci=epci, secretariat=True)
    secretary = StaffMemberFactory(epci=epci, secretary=True)
    communes = [CommuneFactory(epci=epci) for _ in range(2)]
    start = datetime.date.today() + datetime.timedelta(days=5)
    outcomes = _race(
        lambda i: (
            scheduling.plan_mission(
                actor=secretariat,
                commune=communes[i],
                secretary=secretary,
                start_date=start + datetime.timedelta(days=i),
                end_date=start + datetime.timedelta(days=10),
            ).pk
        )
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    assert Mission.objects.filter(secretary=secretary).count() == 1


@needs_postgres
def test_database_refuses_overlaps_even_bypassing_the_services(epci, tent, driver, commune):
    BookingFactory(item=tent, commune=commune, starts_at=in_days(3), ends_at=in_days(5))
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(item=tent, commune=commune, starts_at=in_days(4), ends_at=in_days(6))
    BookingFactory(item=tent, commune=commune, starts_at=in_days(5), ends_at=in_days(6))
    BookingFactory(driver=driver, commune=commune, starts_at=in_days(3), ends_at=in_days(5))
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(driver=driver, commune=commune, starts_at=in_days(4), ends_at=in_days(6))
    mission = MissionFactory(epci=epci, commune=commune)
    with pytest.raises(IntegrityError), transaction.atomic():
        MissionFactory(
            secretary=mission.secretary,
            commune=commune,
            start_date=mission.end_date,
            end_date=mission.end_date + datetime.timedelta(days=3),
        )
