"""The legal calendar, pinned on real calendar cases (Easter weeks, 26 December in Alsace,
end-of-February months, overseas holidays). No database needed."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from governance import legal_calendar
from governance.legal_calendar import (
    Deadline,
    consultation_deadline,
    councillors_information_deadline,
    full_days_between,
    holidays_for,
    is_past_deadline,
    is_working_day,
    last_sending_date,
    legal_day_of,
    next_working_day,
    notice_is_respected,
    publication_deadline,
    second_convocation_earliest,
)

PARIS = ZoneInfo("Europe/Paris")


# --- Holidays by département ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("departement", "subdivision"),
    [
        ("57", "57"),
        ("67", "6AE"),
        ("68", "6AE"),
        (" 68 ", "6AE"),
        ("971", "971"),
        ("GP", "971"),
        ("972", "972"),
        ("973", "973"),
        ("974", "974"),
        ("RE", "974"),
        ("976", "976"),
        ("yt", "976"),
        ("13", None),
        ("75", None),
        ("2A", None),
        ("2b", None),
        ("999", None),
        ("", None),
        (None, None),
    ],
)
def test_departement_maps_to_holiday_subdivision(departement, subdivision):
    assert holidays_for(departement).subdivision == subdivision


def test_holidays_for_is_cached():
    assert holidays_for("68") is holidays_for("68")


@pytest.mark.parametrize(
    ("day", "departement", "expected"),
    [
        # 26 December (Saint-Étienne): Alsace-Moselle only.
        (date(2025, 12, 26), "68", True),
        (date(2025, 12, 26), "67", True),
        (date(2025, 12, 26), "57", True),
        (date(2025, 12, 26), "13", False),
        (date(2025, 12, 26), "974", False),
        # Good Friday 2026: Alsace-Moselle, not metropolitan France elsewhere.
        (date(2026, 4, 3), "57", True),
        (date(2026, 4, 3), "67", True),
        (date(2026, 4, 3), "68", True),
        (date(2026, 4, 3), "13", False),
        (date(2026, 4, 3), "75", False),
        (date(2026, 4, 3), "2A", False),
        (date(2026, 4, 3), "974", False),
        # Easter Monday, Ascension and Whit Monday 2026 everywhere.
        (date(2026, 4, 6), "13", True),
        (date(2026, 4, 6), "68", True),
        (date(2026, 4, 6), "974", True),
        (date(2026, 5, 14), "13", True),
        (date(2026, 5, 25), "13", True),
        # Fixed national holidays.
        (date(2026, 1, 1), "13", True),
        (date(2026, 5, 1), "13", True),
        (date(2026, 5, 8), "13", True),
        (date(2026, 7, 14), "13", True),
        (date(2026, 8, 15), "13", True),
        (date(2026, 11, 1), "13", True),
        (date(2026, 11, 11), "13", True),
        (date(2025, 12, 25), "13", True),
        # Abolition of slavery, each overseas département on its own day.
        (date(2024, 12, 20), "974", True),
        (date(2024, 12, 20), "13", False),
        (date(2026, 4, 27), "976", True),
        (date(2026, 4, 27), "974", False),
        (date(2026, 5, 22), "972", True),
        (date(2026, 5, 27), "971", True),
        (date(2026, 5, 27), "972", False),
        (date(2026, 6, 10), "973", True),
        (date(2026, 6, 10), "13", False),
        # Ordinary days.
        (date(2026, 4, 2), "68", False),
        (date(2026, 12, 24), "68", False),
    ],
)
def test_holidays_by_departement(day, departement, expected):
    assert (day in holidays_for(departement)) is expected


@pytest.mark.parametrize(
    ("day", "departement", "name"),
    [
        (date(2025, 12, 26), "68", "Saint-Étienne"),
        (date(2026, 4, 3), "57", "Vendredi saint"),
        (date(2026, 4, 6), "13", "Lundi de Pâques"),
        (date(2024, 12, 20), "974", "Abolition de l'esclavage"),
        (date(2025, 12, 26), "13", None),
    ],
)
def test_holiday_names_are_french(day, departement, name):
    assert holidays_for(departement).name(day) == name


@pytest.mark.parametrize(
    ("day", "departement", "expected"),
    [
        (date(2026, 4, 2), "68", True),  # Maundy Thursday: a working day
        (date(2026, 4, 3), "68", False),  # Good Friday in Alsace
        (date(2026, 4, 3), "13", True),  # Good Friday elsewhere
        (date(2026, 4, 4), "13", False),  # Saturday
        (date(2026, 4, 5), "13", False),  # Easter Sunday
        (date(2026, 4, 6), "13", False),  # Easter Monday
        (date(2026, 4, 7), "13", True),
        (date(2025, 12, 26), "68", False),
        (date(2025, 12, 26), "13", True),
    ],
)
def test_is_working_day(day, departement, expected):
    assert is_working_day(day, departement) is expected


@pytest.mark.parametrize(
    ("day", "departement", "expected"),
    [
        (date(2026, 4, 7), "13", date(2026, 4, 7)),  # a working day is its own next one
        (date(2026, 4, 3), "13", date(2026, 4, 3)),
        # Good Friday, the weekend and Easter Monday in Alsace: Tuesday.
        (date(2026, 4, 3), "68", date(2026, 4, 7)),
        (date(2026, 4, 4), "13", date(2026, 4, 7)),
        # Christmas on a Thursday: Friday elsewhere, Monday in Alsace-Moselle.
        (date(2025, 12, 25), "13", date(2025, 12, 26)),
        (date(2025, 12, 25), "57", date(2025, 12, 29)),
    ],
)
def test_next_working_day(day, departement, expected):
    assert next_working_day(day, departement) == expected


def test_holiday_lookup_refuses_datetimes():
    with pytest.raises(TypeError, match="legal_day_of"):
        is_working_day(datetime(2026, 4, 3, 12, tzinfo=UTC), "68")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 23:30 in Paris on a winter evening is 22:30 UTC, still the same legal day...
        (datetime(2026, 11, 20, 22, 30, tzinfo=UTC), date(2026, 11, 20)),
        # ...and 23:30 UTC is already the next day in Paris (summer time: +2).
        (datetime(2026, 6, 15, 22, 30, tzinfo=UTC), date(2026, 6, 16)),
        (datetime(2026, 6, 15, 23, 59, tzinfo=PARIS), date(2026, 6, 15)),
    ],
)
def test_legal_day_of(moment, expected):
    assert legal_day_of(moment) == expected


def test_legal_day_of_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        legal_day_of(datetime(2026, 6, 15, 12))


# --- Notice in jours francs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting_day", "notice_days", "expected"),
    [
        # Thursday meeting, 5 jours francs: the previous Friday (docs/DOMAIN.md §4).
        (date(2026, 11, 26), 5, date(2026, 11, 20)),
        (date(2026, 11, 26), 3, date(2026, 11, 22)),  # a Sunday: sending is electronic
        # The weekend and 8 May (a Friday) inside the period do not extend it.
        (date(2026, 5, 11), 5, date(2026, 5, 5)),
        # Good Friday, Easter weekend and Easter Monday inside the period, even in Alsace.
        (date(2026, 4, 8), 5, date(2026, 4, 2)),
        # Christmas and Saint-Étienne inside the period.
        (date(2025, 12, 29), 3, date(2025, 12, 25)),
        # Emergency: 1 jour franc, a Wednesday meeting is convened on Monday at the latest.
        (date(2026, 6, 17), 1, date(2026, 6, 15)),
        # Across a month end and a leap day.
        (date(2028, 3, 2), 5, date(2028, 2, 25)),
        (date(2028, 3, 2), 0, date(2028, 3, 1)),
    ],
)
def test_last_sending_date(meeting_day, notice_days, expected):
    assert last_sending_date(meeting_day, notice_days) == expected


@pytest.mark.parametrize(
    ("sent_on", "meeting_day", "expected"),
    [
        (date(2026, 11, 20), date(2026, 11, 26), 5),
        (date(2026, 11, 21), date(2026, 11, 26), 4),
        (date(2026, 11, 25), date(2026, 11, 26), 0),
        (date(2026, 11, 26), date(2026, 11, 26), 0),
        (date(2026, 11, 27), date(2026, 11, 26), 0),
        (date(2026, 4, 2), date(2026, 4, 8), 5),  # holidays count
    ],
)
def test_full_days_between(sent_on, meeting_day, expected):
    assert full_days_between(sent_on, meeting_day) == expected


@pytest.mark.parametrize(
    ("sent_on", "meeting_day", "notice_days", "expected"),
    [
        (date(2026, 11, 19), date(2026, 11, 26), 5, True),
        (date(2026, 11, 20), date(2026, 11, 26), 5, True),
        (date(2026, 11, 21), date(2026, 11, 26), 5, False),
        # The Easter weekend counts: sending on Maundy Thursday is in time, not on Good Friday.
        (date(2026, 4, 2), date(2026, 4, 8), 5, True),
        (date(2026, 4, 3), date(2026, 4, 8), 5, False),
        # Emergency, 1 jour franc.
        (date(2026, 6, 15), date(2026, 6, 17), 1, True),
        (date(2026, 6, 16), date(2026, 6, 17), 1, False),
        (date(2026, 6, 17), date(2026, 6, 17), 1, False),
        (date(2026, 6, 18), date(2026, 6, 17), 0, False),
    ],
)
def test_notice_is_respected(sent_on, meeting_day, notice_days, expected):
    assert (
        notice_is_respected(sent_on=sent_on, meeting_day=meeting_day, notice_days=notice_days)
        is expected
    )


@pytest.mark.parametrize("notice_days", [-1, 2.5, True])
def test_notice_days_must_be_a_count(notice_days):
    with pytest.raises(ValueError, match="notice_days"):
        last_sending_date(date(2026, 11, 26), notice_days)


def test_notice_refuses_datetimes():
    with pytest.raises(TypeError, match="sent_on"):
        notice_is_respected(
            sent_on=datetime(2026, 11, 20, 23, tzinfo=UTC),
            meeting_day=date(2026, 11, 26),
            notice_days=5,
        )


# --- Second convocation without quorum ------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_meeting_day", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 6)),  # Monday -> Friday
        (date(2026, 11, 26), date(2026, 11, 30)),  # Thursday -> Monday
        (date(2028, 2, 27), date(2028, 3, 2)),  # across a leap day
    ],
)
def test_second_convocation_earliest(first_meeting_day, expected):
    earliest = second_convocation_earliest(first_meeting_day)

    assert earliest == expected
    assert full_days_between(first_meeting_day, earliest) == 3


def test_second_convocation_interval_is_the_product_constant(monkeypatch):
    monkeypatch.setattr(legal_calendar, "SECOND_CONVOCATION_FULL_DAYS", 5)

    assert second_convocation_earliest(date(2026, 3, 2)) == date(2026, 3, 8)


# --- Consultation deadlines -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_on", "departement", "months", "days", "nominal", "effective"),
    [
        # 15 March + 3 months ends on 15 June, a Monday.
        (date(2026, 3, 15), "68", 3, 0, date(2026, 6, 15), date(2026, 6, 15)),
        # 30 November + 3 months ends on the last day of February, a Saturday -> Monday.
        (date(2025, 11, 30), "68", 3, 0, date(2026, 2, 28), date(2026, 3, 2)),
        (date(2025, 11, 30), "13", 3, 0, date(2026, 2, 28), date(2026, 3, 2)),
        # Leap year: 30 November 2027 + 3 months ends on 29 February 2028, a Tuesday.
        (date(2027, 11, 30), "68", 3, 0, date(2028, 2, 29), date(2028, 2, 29)),
        (date(2028, 1, 31), "13", 1, 0, date(2028, 2, 29), date(2028, 2, 29)),
        (date(2026, 1, 31), "13", 1, 0, date(2026, 2, 28), date(2026, 3, 2)),
        # Ending on Christmas: Friday 26 elsewhere, past Saint-Étienne and the weekend in Alsace.
        (date(2025, 9, 25), "13", 3, 0, date(2025, 12, 25), date(2025, 12, 26)),
        (date(2025, 9, 25), "68", 3, 0, date(2025, 12, 25), date(2025, 12, 29)),
        (date(2025, 9, 25), "57", 3, 0, date(2025, 12, 25), date(2025, 12, 29)),
        # Ending on Good Friday 2026: a working day except in Alsace-Moselle (Easter Monday next).
        (date(2026, 2, 3), "13", 2, 0, date(2026, 4, 3), date(2026, 4, 3)),
        (date(2026, 2, 3), "67", 2, 0, date(2026, 4, 3), date(2026, 4, 7)),
        # Ending on Réunion's abolition day (Friday 20 December 2024).
        (date(2024, 9, 20), "974", 3, 0, date(2024, 12, 20), date(2024, 12, 23)),
        (date(2024, 9, 20), "13", 3, 0, date(2024, 12, 20), date(2024, 12, 20)),
        # A day count (custom preset) ending on 8 May, a Friday.
        (date(2026, 4, 23), "13", 0, 15, date(2026, 5, 8), date(2026, 5, 11)),
        (date(2026, 4, 22), "13", 0, 15, date(2026, 5, 7), date(2026, 5, 7)),
        # Months then days.
        (date(2026, 1, 31), "13", 1, 2, date(2026, 3, 2), date(2026, 3, 2)),
    ],
)
def test_consultation_deadline(received_on, departement, months, days, nominal, effective):
    deadline = consultation_deadline(
        received_on=received_on, departement=departement, months=months, days=days
    )

    assert (deadline.nominal, deadline.effective) == (nominal, effective)
    assert deadline.is_extended is (nominal != effective)


def test_consultation_deadline_rule_without_extension():
    deadline = consultation_deadline(received_on=date(2026, 3, 15), departement="68", months=3)

    assert deadline == Deadline(
        nominal=date(2026, 6, 15),
        effective=date(2026, 6, 15),
        rule="3 mois à compter de la réception le 15/03/2026, jour de réception non compté : "
        "échéance le lundi 15/06/2026 à 24 h.",
    )


@pytest.mark.parametrize(
    ("received_on", "departement", "months", "days", "rule"),
    [
        (
            date(2025, 11, 30),
            "13",
            3,
            0,
            "3 mois à compter de la réception le 30/11/2025, jour de réception non compté : "
            "échéance le samedi 28/02/2026, jour non ouvré, reportée au lundi 02/03/2026 à 24 h.",
        ),
        (
            date(2025, 9, 25),
            "68",
            3,
            0,
            "3 mois à compter de la réception le 25/09/2025, jour de réception non compté : "
            "échéance le jeudi 25/12/2025, jour férié (Noël), reportée au lundi 29/12/2025 "
            "à 24 h.",
        ),
        (
            date(2026, 4, 23),
            "13",
            0,
            15,
            "15 jours à compter de la réception le 23/04/2026, jour de réception non compté : "
            "échéance le vendredi 08/05/2026, jour férié (Fête de la Victoire), reportée au "
            "lundi 11/05/2026 à 24 h.",
        ),
        (
            date(2026, 1, 1),
            "13",
            1,
            1,
            "1 mois et 1 jour à compter de la réception le 01/01/2026, jour de réception non "
            "compté : échéance le lundi 02/02/2026 à 24 h.",
        ),
    ],
)
def test_consultation_deadline_rule_explains_the_computation(
    received_on, departement, months, days, rule
):
    deadline = consultation_deadline(
        received_on=received_on, departement=departement, months=months, days=days
    )

    assert deadline.rule == rule


def test_consultation_deadline_without_extension_keeps_the_nominal_day(monkeypatch):
    monkeypatch.setattr(legal_calendar, "EXTEND_DEADLINE_TO_NEXT_WORKING_DAY", False)

    deadline = consultation_deadline(received_on=date(2025, 11, 30), departement="68", months=3)

    assert deadline.effective == deadline.nominal == date(2026, 2, 28)
    assert "reportée" not in deadline.rule


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({}, ValueError),
        ({"months": 0, "days": 0}, ValueError),
        ({"months": -1}, ValueError),
        ({"days": -3}, ValueError),
        ({"months": 3, "received_on": datetime(2026, 3, 15, 10, tzinfo=UTC)}, TypeError),
        ({"months": 3, "received_on": "2026-03-15"}, TypeError),
    ],
)
def test_consultation_deadline_refuses_bad_input(kwargs, error):
    kwargs = {"received_on": date(2026, 3, 15), "departement": "68", **kwargs}

    with pytest.raises(error):
        consultation_deadline(**kwargs)


def test_deadline_is_frozen():
    deadline = consultation_deadline(received_on=date(2026, 3, 15), departement="68", months=3)

    with pytest.raises(AttributeError):
        deadline.effective = date(2026, 6, 16)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 6, 15, 12, 0, tzinfo=PARIS), False),
        (datetime(2026, 6, 15, 23, 59, tzinfo=PARIS), False),
        (datetime(2026, 6, 15, 23, 59, 59, 999999, tzinfo=PARIS), False),
        (datetime(2026, 6, 16, 0, 0, tzinfo=PARIS), True),
        (datetime(2026, 6, 16, 8, 0, tzinfo=PARIS), True),
        # The same instants in UTC (summer time, Paris is UTC+2).
        (datetime(2026, 6, 15, 21, 59, tzinfo=UTC), False),
        (datetime(2026, 6, 15, 22, 0, tzinfo=UTC), True),
    ],
)
def test_is_past_deadline_at_midnight_paris_time(now, expected):
    deadline = consultation_deadline(received_on=date(2026, 3, 15), departement="68", months=3)

    assert is_past_deadline(deadline, now) is expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Nominal Saturday 28 February: not past on Sunday, nor on Monday 23:59 (winter, UTC+1).
        (datetime(2026, 3, 1, 10, 0, tzinfo=PARIS), False),
        (datetime(2026, 3, 2, 23, 59, tzinfo=PARIS), False),
        (datetime(2026, 3, 2, 22, 59, tzinfo=UTC), False),
        (datetime(2026, 3, 3, 0, 0, tzinfo=PARIS), True),
        (datetime(2026, 3, 2, 23, 0, tzinfo=UTC), True),
    ],
)
def test_is_past_deadline_uses_the_effective_day(now, expected):
    deadline = consultation_deadline(received_on=date(2025, 11, 30), departement="68", months=3)

    assert is_past_deadline(deadline, now) is expected


def test_deadline_ends_at_midnight_paris_after_the_effective_day():
    deadline = consultation_deadline(received_on=date(2025, 11, 30), departement="68", months=3)

    assert deadline.ends_at == datetime(2026, 3, 3, 0, 0, tzinfo=PARIS)


def test_is_past_deadline_refuses_naive_datetimes():
    deadline = consultation_deadline(received_on=date(2026, 3, 15), departement="68", months=3)

    with pytest.raises(ValueError, match="aware"):
        is_past_deadline(deadline, datetime(2026, 6, 16, 0, 0))


# --- Publication ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_day", "expected"),
    [
        (date(2026, 11, 26), date(2026, 12, 3)),
        (date(2026, 12, 28), date(2027, 1, 4)),
        (date(2028, 2, 24), date(2028, 3, 2)),
        # Not extended: a week after a Saturday session is a Saturday.
        (date(2026, 4, 4), date(2026, 4, 11)),
    ],
)
def test_publication_deadline(event_day, expected):
    assert publication_deadline(event_day) == expected


@pytest.mark.parametrize(
    ("event_day", "expected"),
    [
        (date(2026, 11, 26), date(2026, 12, 26)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_councillors_information_deadline(event_day, expected):
    assert councillors_information_deadline(event_day) == expected
