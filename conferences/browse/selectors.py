"""Reads for the browsing pages ("my sessions", calendars) and the iCalendar feeds. Each fetches
what its page needs in a constant number of queries, whatever the number of sessions, items,
documents or replies."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from conferences import perms
from conferences.browse.filters import SessionFilter
from conferences.models import AgendaDocument, AgendaItem, CalendarFeed, Reply, Session
from core import display
from governance import perms as gov_perms
from governance.models import Body, Commune, Membership

LIST_PAGE_SIZE = 50
# "Past sessions" on "my sessions" and in the feeds: the last twelve months are what people look
# back at; older sessions stay reachable from the calendar.
LOOK_BACK = datetime.timedelta(days=366)


# --- "My sessions" -----------------------------------------------------------------------------


@dataclass
class SessionDocument(display.Row):
    """A document on "my sessions", with the agenda item it belongs to, ready to display."""

    url: str
    name: str
    size: str  # "1,2 Mio"
    item_position: str  # as displayed: "3"
    item_title: str


@dataclass
class MySession(display.Row):
    """A session on "my sessions": what its card shows, ready to display, and the answers it
    is built from."""

    pk: int
    title: str
    starts_at: datetime.datetime
    status: str
    anchor: str  # id of the card's heading
    url: str
    heading: str  # "Conseil communautaire — Séance du 12/03/2031"
    starts_iso: str
    starts_label: str  # "jeudi 12 mars 2031 à 18:00"
    place: str  # "1 place de la Mairie, Rixheim (En présentiel)"
    status_label: str
    my_reply: Reply | None = None  # my current answer
    reply_label: str = ""  # "Absent(e), donne pouvoir à Jean Dupont"
    reply_date: str = ""
    proxies_held: list[Reply] = field(default_factory=list)  # answers giving me their proxy
    proxies_held_label: str = ""  # "de Jean Dupont, de Marie Curie"
    documents: list[SessionDocument] = field(default_factory=list)


def my_sessions(user) -> dict[str, list[MySession]]:
    """Upcoming and past (last twelve months) sessions of the bodies the user currently sits on,
    each with the documents of its agenda (and the item each belongs to), the user's current
    answer (and so the proxy they gave) and the proxies they hold. 3 queries in all; the
    sessions are read as plain values (a card shows a few fields of each).

    The documents are read in one query joined to their items, not through a prefetch of every
    item: a council member's year holds some 2,000 items, nearly all without documents, and
    building them cost most of the page (benchmarks/README.md)."""
    if not user.person_id:
        return {"upcoming": [], "past": []}
    person_id = user.person_id
    my_bodies = Membership.objects.current().filter(person_id=person_id).values("body_id")
    now = timezone.now()
    rows = list(
        perms.sessions_for(user)
        .visible()
        .filter(body_id__in=my_bodies, starts_at__gte=now - LOOK_BACK)
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "title",
            "starts_at",
            "status",
            "emergency",
            "mode",
            "address",
            "body__name",
            "place_commune_id",
            "place_commune__name",
        )
    )
    pks = [row[0] for row in rows]
    # My answers and the answers that give me a proxy, in one query.
    my_replies: dict[int, list[Reply]] = {}
    proxies_held: dict[int, list[Reply]] = {}
    for reply in (
        Reply.objects.filter(session_id__in=pks, is_current=True)
        .filter(Q(person_id=person_id) | Q(proxy_holder_id=person_id))
        .select_related("person", "proxy_holder")
        .order_by("person__last_name", "person__first_name", "pk")
    ):
        if reply.person_id == person_id:
            my_replies.setdefault(reply.session_id, []).append(reply)
        if reply.proxy_holder_id == person_id:
            proxies_held.setdefault(reply.session_id, []).append(reply)
    document_url = display.pk_url("conferences:document_download")
    documents: dict[int, list[SessionDocument]] = {}
    for pk, name, size, session_id, position, title in (
        AgendaDocument.objects.filter(item__session__in=pks)
        .order_by("item__session_id", "item__position", "item_id", "name", "pk")
        .values_list("pk", "name", "size", "item__session_id", "item__position", "item__title")
    ):
        documents.setdefault(session_id, []).append(
            SessionDocument(
                url=document_url(pk),
                name=name,
                size=display.file_size(size),
                item_position=str(position),
                item_title=title,
            )
        )
    session_url = display.pk_url("conferences:session_detail")
    modes = dict(Session.Mode.choices)
    statuses = dict(Session.Status.choices)
    answers = dict(Reply.Answer.choices)
    sessions = []
    for (
        pk,
        title,
        starts_at,
        status,
        emergency,
        mode,
        address,
        body_name,
        commune_id,
        commune_name,
    ) in rows:
        separator = ", " if address and commune_id is not None else ""
        urgency = " — convoquée en urgence" if emergency else ""
        session = MySession(
            pk=pk,
            title=title,
            starts_at=starts_at,
            status=status,
            anchor=f"seance-{pk}",
            url=session_url(pk),
            heading=f"{body_name} — {Session.title_or_date(title, starts_at)}",
            starts_iso=display.iso_datetime(starts_at),
            starts_label=display.long_datetime(starts_at),
            place=f"{address}{separator}{commune_name or ''} ({modes.get(mode, mode)})",
            status_label=f"{statuses.get(status, status)}{urgency}",
            proxies_held=proxies_held.get(pk, []),
            documents=documents.get(pk, []),
        )
        session.proxies_held_label = ", ".join(
            f"de {r.person.full_name}" for r in session.proxies_held
        )
        if pk in my_replies:
            reply = session.my_reply = min(my_replies[pk], key=lambda r: r.pk)
            holder = f" à {reply.proxy_holder.full_name}" if reply.proxy_holder else ""
            session.reply_label = f"{answers.get(reply.answer, reply.answer)}{holder}"
            session.reply_date = display.long_datetime(reply.answered_at, weekday=False)
        sessions.append(session)
    return {
        "upcoming": [s for s in sessions if s.starts_at >= now],
        "past": [s for s in reversed(sessions) if s.starts_at < now],
    }


# --- Calendars ---------------------------------------------------------------------------------


@dataclass
class GridSession(display.Row):
    """A session in a cell of the month grid, ready to display."""

    url: str
    time: str  # local "HH:MM"
    body_name: str
    status_label: str  # empty for a convened session, the usual case (no badge)


@dataclass
class Day(display.Row):
    date: datetime.date
    in_month: bool
    is_today: bool
    iso: str  # for <time datetime>
    label: str  # "12", or "30 Oct" for a day of an adjacent month
    sessions: list[GridSession] = field(default_factory=list)


@dataclass
class Week(display.Row):
    number: int  # ISO 8601 week number
    days: list[Day]


@dataclass
class MonthGrid:
    month: datetime.date  # first day of the month
    weeks: list[Week]
    previous: datetime.date
    next: datetime.date
    # "month", "previous", "next": their names ("mars 2031") and ?mois= values ("2031-03")
    names: dict[str, str]
    params: dict[str, str]

    @property
    def session_count(self) -> int:
        return sum(len(day.sessions) for week in self.weeks for day in week.days if day.in_month)


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


def month_param(month: datetime.date) -> str:
    """The ?mois= value of a month (YYYY-MM)."""
    return f"{month.year:04d}-{month.month:02d}"


def _month_grid(sessions: QuerySet[Session], month: datetime.date) -> MonthGrid:
    """The weeks of the month, each day with its sessions as display-ready rows (read as plain
    values: the grid shows four fields of each)."""
    # Weeks start on Monday (French convention); leading and trailing days of the adjacent
    # months fill the grid and show their sessions too.
    weeks_dates = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        month.year, month.month
    )
    start, end = weeks_dates[0][0], weeks_dates[-1][-1]
    today = timezone.localdate()
    date_label = display.date_labels()
    days = {}
    for week in weeks_dates:
        for d in week:
            in_month = d.month == month.month
            label = str(d.day) if in_month else f"{d.day} {date_label(d.replace(day=1), 'M')}"
            days[d] = Day(
                date=d, in_month=in_month, is_today=d == today, iso=d.isoformat(), label=label
            )
    session_url = display.pk_url("conferences:session_detail")
    status_labels = dict(Session.Status.choices)
    rows = (
        sessions.filter(starts_at__date__gte=start, starts_at__date__lte=end)
        .prefetch_related(None)  # the agenda items are for the public list view
        .values_list("pk", "starts_at", "body__name", "status")
    )
    for pk, starts_at, body_name, status in rows:
        days[timezone.localdate(starts_at)].sessions.append(
            GridSession(
                url=session_url(pk),
                time=display.time_label(starts_at),
                body_name=body_name,
                status_label=""
                if status == Session.Status.CONVENED
                else str(status_labels.get(status, status)),
            )
        )
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return MonthGrid(
        month=month,
        weeks=[
            Week(number=week[0].isocalendar()[1], days=[days[d] for d in week])
            for week in weeks_dates
        ],
        previous=previous,
        next=following,
        names={
            "month": date_label(month, "F Y"),
            "previous": date_label(previous, "F Y"),
            "next": date_label(following, "F Y"),
        },
        params={
            "month": month_param(month),
            "previous": month_param(previous),
            "next": month_param(following),
        },
    )


@dataclass
class CalendarPage:
    filter: SessionFilter
    view: str  # "mois" or "liste"
    query: str  # the filters alone, urlencoded, for the links between months and views
    grid: MonthGrid | None = None
    page: Page | None = None


def _label_list_page(page: Page) -> None:
    """The sessions of the list view get their link and date labels, ready to display."""
    session_url = display.pk_url("conferences:session_detail")
    page.object_list = list(page.object_list)
    for session in page.object_list:
        session.url = session_url(session.pk)
        session.starts_iso = display.iso_datetime(session.starts_at)
        session.starts_label = display.long_datetime(session.starts_at)


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
        _label_list_page(page)
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
    """Public sessions of public bodies, for anyone (no login). The list view shows agenda
    items, so they are prefetched (1 more query)."""
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
    """What conferences.browse.ics needs, in 2 queries: drafts are not events yet; cancelled
    sessions stay in the feed (STATUS:CANCELLED) so that subscribed calendars drop them."""
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
