"""Reads for the browsing pages ("my sessions", calendars) and the iCalendar feeds. Each fetches
what its page needs in a constant number of queries, whatever the number of sessions, items,
documents or replies."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from conferences import perms
from conferences.filters import SessionFilter
from conferences.models import AgendaDocument, AgendaItem, CalendarFeed, Reply, Session
from governance import perms as gov_perms
from governance.models import Body, Commune, Membership

LIST_PAGE_SIZE = 50
# "Past sessions" on "my sessions" and in the feeds: the last twelve months are what people look
# back at; older sessions stay reachable from the calendar.
LOOK_BACK = datetime.timedelta(days=366)


# --- "My sessions" -----------------------------------------------------------------------------


def my_sessions(user) -> dict[str, list[Session]]:
    """Upcoming and past (last twelve months) sessions of the bodies the user currently sits on,
    each with the documents of its agenda (and the item each belongs to), the user's current
    answer (and so the proxy they gave) and the proxies they hold. 4 queries in all.

    The documents are read in one query joined to their items, not through a prefetch of every
    item: a council member's year holds some 2,000 items, nearly all without documents, and
    building them cost most of the page (benchmarks/README.md, issue 7)."""
    if not user.person_id:
        return {"upcoming": [], "past": []}
    person_id = user.person_id
    my_bodies = Membership.objects.current().filter(person_id=person_id).values("body_id")
    now = timezone.now()
    sessions = list(
        perms.sessions_for(user)
        .visible()
        .filter(body_id__in=my_bodies, starts_at__gte=now - LOOK_BACK)
        .select_related("body", "place_commune")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(person_id=person_id, is_current=True)
                .select_related("proxy_holder")
                .order_by("pk"),
                to_attr="my_replies",
            ),
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(proxy_holder_id=person_id, is_current=True)
                .select_related("person")
                .order_by("person__last_name", "person__first_name", "pk"),
                to_attr="proxies_held",
            ),
        )
        .order_by("starts_at", "pk")
    )
    documents: dict[int, list[AgendaDocument]] = {}
    for document in (
        AgendaDocument.objects.filter(item__session__in=[s.pk for s in sessions])
        .select_related("item")
        .order_by("item__session_id", "item__position", "item_id", "name", "pk")
    ):
        documents.setdefault(document.item.session_id, []).append(document)
    for session in sessions:
        session.my_reply = session.my_replies[0] if session.my_replies else None
        session.all_documents = documents.get(session.pk, [])
    return {
        "upcoming": [s for s in sessions if s.starts_at >= now],
        "past": [s for s in reversed(sessions) if s.starts_at < now],
    }


# --- Calendars ---------------------------------------------------------------------------------


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    sessions: list[Session] = field(default_factory=list)


@dataclass
class MonthGrid:
    month: datetime.date  # first day of the month
    weeks: list[list[Day]]
    previous: datetime.date
    next: datetime.date

    @property
    def session_count(self) -> int:
        return sum(len(day.sessions) for week in self.weeks for day in week if day.in_month)


def parse_month(value: str | None) -> datetime.date:
    """?mois=YYYY-MM; anything else means the current month."""
    if value:
        try:
            parsed = datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            parsed = None
        if parsed and 1900 <= parsed.year <= 2999:
            return parsed
    return timezone.localdate().replace(day=1)


def _month_grid(sessions: QuerySet[Session], month: datetime.date) -> MonthGrid:
    # Weeks start on Monday (French convention); leading and trailing days of the adjacent
    # months fill the grid and show their sessions too.
    weeks_dates = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        month.year, month.month
    )
    start, end = weeks_dates[0][0], weeks_dates[-1][-1]
    today = timezone.localdate()
    days = {
        d: Day(date=d, in_month=d.month == month.month, is_today=d == today)
        for week in weeks_dates
        for d in week
    }
    for session in sessions.filter(starts_at__date__gte=start, starts_at__date__lte=end):
        days[timezone.localdate(session.starts_at)].sessions.append(session)
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return MonthGrid(
        month=month,
        weeks=[[days[d] for d in week] for week in weeks_dates],
        previous=previous,
        next=following,
    )


@dataclass
class CalendarPage:
    filter: SessionFilter
    view: str  # "mois" or "liste"
    query: str  # the filters alone, urlencoded, for the links between months and views
    grid: MonthGrid | None = None
    page: Page | None = None


def _calendar_page(filterset: SessionFilter, params) -> CalendarPage:
    sessions = filterset.qs
    query = params.copy()
    for key in ("mois", "vue", "page"):
        query.pop(key, None)
    query = query.urlencode()
    if params.get("vue") == "liste":
        cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
        if not cleaned.get("du") and not cleaned.get("au"):
            # Without a date range the list is an agenda: from today on.
            sessions = sessions.filter(starts_at__date__gte=timezone.localdate())
        page = Paginator(sessions, LIST_PAGE_SIZE).get_page(params.get("page"))
        return CalendarPage(filter=filterset, view="liste", query=query, page=page)
    grid = _month_grid(sessions, parse_month(params.get("mois")))
    return CalendarPage(filter=filterset, view="mois", query=query, grid=grid)


def session_calendar(user, params) -> CalendarPage:
    """Every session visible to the user (perms.sessions_for), filtered. Month view: filter
    choices (2 queries) + sessions (1); list view: + 1 count for the paginator."""
    filterset = SessionFilter(
        params,
        queryset=perms.sessions_for(user)
        .select_related("body", "place_commune")
        .order_by("starts_at", "pk"),
        bodies=gov_perms.bodies_for(user),
        communes=gov_perms.communes_for(user),
        with_drafts=gov_perms.is_epci_staff(user) or user.is_superuser,
    )
    return _calendar_page(filterset, params)


def public_calendar(params) -> CalendarPage:
    """Public sessions of public bodies, for anyone (no login). Agenda items are shown, so
    they are prefetched (1 more query)."""
    public = perms.public_sessions()
    filterset = SessionFilter(
        params,
        queryset=public.select_related("body", "place_commune")
        .prefetch_related(Prefetch("items", queryset=AgendaItem.objects.order_by("position", "pk")))
        .order_by("starts_at", "pk"),
        bodies=Body.objects.filter(is_public=True, active=True),
        communes=Commune.objects.filter(Exists(public.filter(place_commune=OuterRef("pk")))),
    )
    return _calendar_page(filterset, params)


# --- Feeds -------------------------------------------------------------------------------------


def _feed_queryset(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """What conferences.ics needs, in 2 queries: drafts are not events yet; cancelled sessions
    stay in the feed (STATUS:CANCELLED) so that subscribed calendars drop them."""
    return (
        sessions.visible()
        .filter(starts_at__gte=timezone.now() - LOOK_BACK)
        .select_related("body", "place_commune")
        .prefetch_related(Prefetch("items", queryset=AgendaItem.objects.order_by("position", "pk")))
        .order_by("starts_at", "pk")
    )


def private_feed(token: str) -> tuple[CalendarFeed, list[Session]]:
    """The sessions visible to the owner of a feed token; 404 for an unknown (revoked) token
    or a deactivated account."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404("Flux de calendrier inconnu ou révoqué.")
    return feed, list(_feed_queryset(perms.sessions_for(feed.user)))


def public_feed(body_pk: int) -> tuple[Body, list[Session]]:
    body = get_object_or_404(Body, pk=body_pk, is_public=True, active=True)
    return body, list(_feed_queryset(perms.public_sessions().filter(body=body)))


def public_feed_bodies(user) -> QuerySet[Body]:
    """Public bodies of the user's EPCI, for the links to their public feeds."""
    return gov_perms.bodies_for(user).filter(is_public=True, active=True).order_by("name", "pk")
