"""The legal calendar: every legal date of the portal comes from this module.

- Notice periods in jours francs (L2121-11, L2121-12, L5211-1; CE 13 Oct 1993 n° 141677).
- The interval before a second convocation without quorum (L2121-17).
- Deadlines of the communes' consultations in months or days (docs/DOMAIN.md §5).
- Publication deadlines (L2121-15, L2121-25) and the information of municipal councillors
  (L5211-40-2).
- Public holidays and working days by département (Code du travail L3133-1, Alsace-Moselle,
  overseas départements; docs/DOMAIN.md §7).

Easter and month arithmetic come from `holidays` and `dateutil.relativedelta`, never by hand.
Functions take calendar days (`date`), not instants: turn a timestamp into its legal day with
`legal_day_of()` first, so that a convocation sent at 00:30 in Paris is not dated the day
before, as it would be in UTC.

The product choices a jurist may revisit are the module-level constants just below.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta
from django.utils import timezone

# --- Product choices (a jurist changes them here, and only here) ----------------------------------

# docs/DOMAIN.md §5: whether a consultative deadline ending on a Saturday, Sunday or holiday is
# extended is unsettled. We extend it to the next working day of the commune's département:
# deeming an opinion tacit one day late cannot void the EPCI's act, deeming it tacit one day early
# can.
# Both dates are kept on the Deadline so that the screens can show them.
EXTEND_DEADLINE_TO_NEXT_WORKING_DAY = True

# L2121-17: without quorum the council "est à nouveau convoqué à trois jours au moins
# d'intervalle". We read the interval as 3 jours francs between the two meetings (neither meeting
# day counts), the stricter of the readings: a first meeting on a Monday allows a second one on
# the Friday at the earliest. A second meeting held a day too early deliberates without quorum
# on no legal basis, so its deliberations could be annulled; a day later costs nothing.
SECOND_CONVOCATION_FULL_DAYS = 3

# A legal day ends at 24:00 in metropolitan French time. For an overseas commune ahead of Paris
# (Réunion, Mayotte) that is later than its own midnight, hence conservative; for the Antilles and
# Guyane (behind Paris) it is earlier: revisit if such communes are ever in scope.
LEGAL_TIMEZONE = ZoneInfo("Europe/Paris")

# L2121-25: the list of deliberations is posted online within one week of the session;
# L2121-15: the minutes are published online within one week of their adoption.
PUBLICATION_DELAY = relativedelta(weeks=1)

# L5211-40-2: municipal councillors who do not sit on the EPCI's council receive the convocation,
# the list of deliberations and the minutes within one month.
COUNCILLORS_INFORMATION_DELAY = relativedelta(months=1)

# --- Holidays and working days --------------------------------------------------------------------

# Département code (as on Commune.departement, plus the ISO 3166-2 codes of the overseas
# départements) -> subdivision of the `holidays` package. The package groups Bas-Rhin (67) and
# Haut-Rhin (68) as "6AE" (Alsace) and keeps Moselle as "57". Any other code gets the national
# holidays only.
_HOLIDAY_SUBDIVISIONS: dict[str, str] = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "GP": "971",
    "972": "972",
    "MQ": "972",
    "973": "973",
    "GF": "973",
    "974": "974",
    "RE": "974",
    "976": "976",
    "YT": "976",
}

_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@functools.lru_cache(maxsize=512)
def _holidays_of_year(subdivision: str | None, year: int) -> holidays.HolidayBase:
    # Filled in full here and never expanded afterwards: with expand=True the package marks a year
    # as known before filling it, so a concurrent reader could briefly see it without holidays.
    return holidays.country_holidays(
        "FR", subdiv=subdivision, years=year, expand=False, language="fr"
    )


@dataclass(frozen=True)
class HolidayCalendar:
    """The public holidays of one département: the national ones (Code du travail L3133-1) plus
    its local ones (Good Friday and 26 December in Alsace-Moselle, abolition of slavery overseas).
    """

    subdivision: str | None

    def __contains__(self, day: object) -> bool:
        day = _require_day(day, "day")
        return day in _holidays_of_year(self.subdivision, day.year)

    def name(self, day: date) -> str | None:
        """The holiday's French name ("Saint-Étienne"), or None on an ordinary day."""
        day = _require_day(day, "day")
        return _holidays_of_year(self.subdivision, day.year).get(day)


@functools.lru_cache(maxsize=256)
def holidays_for(departement: str | None) -> HolidayCalendar:
    """The public holidays of a département code ("68", "2A", "974"), cached.

    Code du travail L3133-1 for the national holidays; Alsace-Moselle (57, 67, 68) adds Good Friday
    and 26 December; the overseas départements (971, 972, 973, 974, 976) add their day of the
    abolition of slavery (loi n° 83-550, décret n° 83-1003). An unknown, blank or metropolitan code
    gets the national holidays only.
    """
    code = (departement or "").strip().upper()
    return HolidayCalendar(subdivision=_HOLIDAY_SUBDIVISIONS.get(code))


def is_working_day(day: date, departement: str | None) -> bool:
    """Monday to Friday and not a public holiday of the département (docs/DOMAIN.md §7, L3133-1)."""
    day = _require_day(day, "day")
    return day.weekday() < 5 and day not in holidays_for(departement)


def next_working_day(day: date, departement: str | None) -> date:
    """The day itself if it is a working day of the département, else the next one (L3133-1).

    Used to extend a deadline that ends on a non-working day (docs/DOMAIN.md §5).
    """
    day = _require_day(day, "day")
    while not is_working_day(day, departement):
        day += timedelta(days=1)
    return day


def legal_day_of(moment: datetime) -> date:
    """The calendar day, in French legal time, of an aware instant (a sending timestamp, say).

    Jours francs (L2121-11, L2121-12) and deadlines count calendar days in France, not in UTC.
    Raises ValueError on a naive datetime.
    """
    if timezone.is_naive(moment):
        raise ValueError("legal_day_of() needs an aware datetime.")
    return timezone.localtime(moment, LEGAL_TIMEZONE).date()


# --- Notice of sessions (jours francs) ------------------------------------------------------------


def last_sending_date(meeting_day: date, notice_days: int) -> date:
    """The last day a convocation may be sent for `notice_days` jours francs of notice.

    L2121-11 (3 jours francs, communes under 3,500 inhabitants), L2121-12 (5 jours francs, applied
    to the EPCI's council by L5211-1; 1 jour franc in an emergency). Jours francs: neither the
    sending day nor the meeting day counts, and weekends and holidays count and never extend the
    period (CE 13 Oct 1993 n° 141677). Hence meeting day - (notice_days + 1) days: a Thursday
    meeting with 5 jours francs means sending on the previous Friday at the latest.
    """
    meeting_day = _require_day(meeting_day, "meeting_day")
    _require_count(notice_days, "notice_days")
    return meeting_day - timedelta(days=notice_days + 1)


def full_days_between(sent_on: date, meeting_day: date) -> int:
    """The number of jours francs between a sending and a meeting (L2121-11, L2121-12).

    Neither end counts; weekends and holidays do (CE 13 Oct 1993 n° 141677). Zero when the
    convocation was sent the day before the meeting or later.
    """
    sent_on = _require_day(sent_on, "sent_on")
    meeting_day = _require_day(meeting_day, "meeting_day")
    return max((meeting_day - sent_on).days - 1, 0)


def notice_is_respected(*, sent_on: date, meeting_day: date, notice_days: int) -> bool:
    """Whether a convocation sent on `sent_on` gives `notice_days` jours francs of notice.

    L2121-11, L2121-12, L5211-1; CE 13 Oct 1993 n° 141677. The period runs from each recipient's
    own sending date: pass the legal day of that recipient's sending timestamp.
    """
    sent_on = _require_day(sent_on, "sent_on")
    return sent_on <= last_sending_date(meeting_day, notice_days)


def second_convocation_earliest(first_meeting_day: date) -> date:
    """The earliest day of the second meeting convened after a first one without quorum.

    L2121-17: "à trois jours au moins d'intervalle", read as SECOND_CONVOCATION_FULL_DAYS jours
    francs between the two meetings (see the constant for why). The second convocation is still
    a convocation: its sending must also respect the body's notice (`notice_is_respected`).
    """
    first_meeting_day = _require_day(first_meeting_day, "first_meeting_day")
    return first_meeting_day + timedelta(days=SECOND_CONVOCATION_FULL_DAYS + 1)


# --- Consultation deadlines -----------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A consultation deadline: the date the law gives, the date the portal applies, and why.

    `nominal` is the last day by the text; `effective` is the same day, or the next working day
    when the nominal one is not a working day and EXTEND_DEADLINE_TO_NEXT_WORKING_DAY is set.
    Either ends at 24:00 French legal time. `rule` explains the computation in French, to be
    stored with whatever the deadline produced (a tacit opinion, say).
    """

    nominal: date
    effective: date
    rule: str

    @property
    def is_extended(self) -> bool:
        return self.effective != self.nominal

    @property
    def ends_at(self) -> datetime:
        """The aware instant the deadline has passed: 00:00 Paris time after the effective day."""
        return datetime.combine(self.effective + timedelta(days=1), time.min, LEGAL_TIMEZONE)


def consultation_deadline(
    *, received_on: date, departement: str | None, months: int = 0, days: int = 0
) -> Deadline:
    """The deadline of a commune consulted by the EPCI, from its own receipt date.

    docs/DOMAIN.md §5: L5211-39-1, L5211-57, L5211-17, L5211-20, L5211-11-2, Code de l'urbanisme
    L153-15, CGI 1609 nonies C IV. The day of receipt does not count; months run from date to
    same date (15 March + 3 months ends on 15 June at 24:00) and end on the month's last day when
    that date does not exist (30 November + 3 months ends on the last day of February). A day
    count (custom presets) ends on the n-th day after receipt. A deadline ending on a Saturday,
    Sunday or holiday of the commune's département is extended to the next working day, by the
    product choice EXTEND_DEADLINE_TO_NEXT_WORKING_DAY.
    """
    received_on = _require_day(received_on, "received_on")
    _require_count(months, "months")
    _require_count(days, "days")
    if not months and not days:
        raise ValueError("A consultation deadline needs a number of months or days.")

    nominal = received_on + relativedelta(months=months, days=days)
    effective = nominal
    if EXTEND_DEADLINE_TO_NEXT_WORKING_DAY:
        effective = next_working_day(nominal, departement)

    rule = (
        f"{_duration(months, days)} à compter de la réception le {received_on:%d/%m/%Y}, "
        f"jour de réception non compté : échéance le {_day_label(nominal)}"
    )
    if effective != nominal:
        holiday = holidays_for(departement).name(nominal)
        reason = f"férié ({holiday})" if holiday else "non ouvré"
        rule += f", jour {reason}, reportée au {_day_label(effective)}"
    return Deadline(nominal=nominal, effective=effective, rule=f"{rule} à 24 h.")


def is_past_deadline(deadline: Deadline, now: datetime) -> bool:
    """Whether the deadline has passed at the aware instant `now`.

    docs/DOMAIN.md §5: a deadline runs until 24:00 French legal time on its effective day, so a
    tacit opinion (L5211-17, L5211-20, L5211-57...) may be recorded from 00:00 the day after, not
    before.
    Raises ValueError on a naive datetime.
    """
    if timezone.is_naive(now):
        raise ValueError("is_past_deadline() needs an aware datetime.")
    return now >= deadline.ends_at


# --- Publication ----------------------------------------------------------------------------------


def publication_deadline(event_day: date) -> date:
    """The last day to publish online, one week after the event.

    L2121-25: the list of deliberations within one week of the session; L2121-15: the minutes
    within one week of their adoption. Not extended on a non-working day: the obligation lies on
    the EPCI, and publishing early costs nothing.
    """
    event_day = _require_day(event_day, "event_day")
    return event_day + PUBLICATION_DELAY


def councillors_information_deadline(event_day: date) -> date:
    """The last day to send municipal councillors who do not sit on the EPCI's council the
    convocation, the list of deliberations or the minutes: one month after the event
    (L5211-40-2). 31 January gives the last day of February. Not extended on a non-working day.
    """
    event_day = _require_day(event_day, "event_day")
    return event_day + COUNCILLORS_INFORMATION_DELAY


# --- Helpers --------------------------------------------------------------------------------------


def _require_day(value: object, name: str) -> date:
    # datetime is a subclass of date: refuse it, or a UTC timestamp would silently give the wrong
    # legal day around midnight.
    if isinstance(value, datetime):
        raise TypeError(f"{name} must be a date; convert instants with legal_day_of().")
    if not isinstance(value, date):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}.")
    return value


def _require_count(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, not {value!r}.")


def _duration(months: int, days: int) -> str:
    parts = []
    if months:
        parts.append(f"{months} mois")
    if days:
        parts.append(f"{days} jour{'s' if days > 1 else ''}")
    return " et ".join(parts)


def _day_label(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"
