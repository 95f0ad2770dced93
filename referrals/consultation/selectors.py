"""Reads for the consultation pages. Each page's data comes in a fixed number of queries, however
many communes are consulted; summaries (by status, by sector, qualified majority) are computed
in Python from the one list of lines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypedDict

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.display import day, thousands, url_maker
from governance.models import Mandate, User
from referrals import perms
from referrals.consultation import majorities
from referrals.consultation.rules import Majority
from referrals.models import Opinion, Referral, ReferralDocument

# Labels of the lines' choices, looked up in a dict: get_FOO_display() rebuilds its dict on
# every call, hundreds of times on a 92-commune dashboard.
STATE_LABELS = dict(Opinion.State.choices)
VERDICT_LABELS = dict(Opinion.Verdict.choices)


def commune_recipients(commune_ids) -> dict[int, list[User]]:
    """Who receives a commune's consultation mail: its DGS accounts and its mayor's account
    (2 queries). Ordered by account id so that dedup keys and sending order are stable."""
    commune_ids = set(commune_ids)
    found: dict[int, dict[int, User]] = defaultdict(dict)
    if not commune_ids:
        return {}
    for user in User.objects.filter(
        role=User.Role.DGS, commune_id__in=commune_ids, is_active=True
    ).order_by("pk"):
        found[user.commune_id][user.pk] = user
    mayors = (
        Mandate.objects.current()
        .filter(kind=Mandate.Kind.MAYOR, commune_id__in=commune_ids, person__user__isnull=False)
        .filter(person__user__is_active=True)
        .select_related("person__user")
        .order_by("pk")
    )
    for mandate in mayors:
        found[mandate.commune_id][mandate.person.user.pk] = mandate.person.user
    return {cid: sorted(users.values(), key=lambda u: u.pk) for cid, users in found.items()}


def referral_list(user):
    """The list page: referrals in scope with their answer counts (1 query)."""
    return (
        perms.referrals_for(user)
        .annotate(
            commune_count=Count("opinions", distinct=True),
            answered_count=Count(
                "opinions", filter=~Q(opinions__state=Opinion.State.AWAITING), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )


def referral_in_scope(user, pk: int) -> Referral:
    return get_object_or_404(
        perms.referrals_for(user).select_related("epci", "questionnaire"), pk=pk
    )


@dataclass
class SectorRow:
    name: str
    councils: int = 0
    population: int = 0
    answered: int = 0
    approving: int = 0
    approving_population: int = 0

    @property
    def approving_share(self) -> int:
        return round(100 * self.approving_population / self.population) if self.population else 0


class CommuneLine(TypedDict):
    """A row of the dashboard's table of communes, printed as is: its links, dates, numbers
    and labels are formatted once here rather than by a reverse() and filters per cell (a dict:
    the template's fastest lookup)."""

    name: str
    url: str
    sector: str
    population: str
    received_on: str
    deadline: str  # the applied deadline, "" while the referral is not received
    postponed: bool  # the applied deadline is not the legal one
    legal_deadline: str
    state: str
    verdict: str
    late_verdict: str  # "" without a late deliberation
    deliberation_url: str  # "" without a deliberation PDF
    deliberation: str


def commune_lines(referral: Referral, opinions: list[Opinion]) -> list[CommuneLine]:
    """The dashboard's table of communes, from lines read by for_dashboard() (no query)."""
    opinion_url = url_maker("referrals:opinion_detail", referral.pk)
    deliberation_url = url_maker("referrals:deliberation_download", referral.pk)
    grouped = thousands()
    return [
        CommuneLine(
            name=o.commune.name,
            url=opinion_url(o.commune.insee_code),
            sector=o.sector_name or "—",
            population=grouped(o.population),
            received_on=day(o.received_on) or "—",
            deadline=day(o.deadline_effective),
            postponed=o.deadline_effective != o.deadline_nominal,
            legal_deadline=day(o.deadline_nominal),
            state=STATE_LABELS.get(o.state, o.state),
            verdict=VERDICT_LABELS.get(o.verdict, o.verdict) or "—",
            late_verdict=VERDICT_LABELS.get(o.late_verdict, o.late_verdict),
            deliberation_url=deliberation_url(o.commune.insee_code) if o.deliberation_pdf else "",
            deliberation=f"n° {o.deliberation_number} du {day(o.deliberation_on)}",
        )
        for o in opinions
    ]


@dataclass
class Dashboard:
    referral: Referral
    opinions: list[Opinion]
    documents: list[ReferralDocument]
    full: bool  # every commune's line (staff, or a closed referral)
    lines: list[CommuneLine] = field(default_factory=list)  # the page's table, display-ready
    by_state: dict[str, int] = field(default_factory=dict)
    by_verdict: list[tuple[str, int]] = field(default_factory=list)
    sectors: list[SectorRow] = field(default_factory=list)
    population: int = 0
    outcome: majorities.Outcome | None = None


def _summarise(dashboard: Dashboard, now) -> None:
    by_state = dict.fromkeys(Opinion.State.labels, 0)
    by_verdict: dict[str, int] = defaultdict(int)
    sectors: dict[str, SectorRow] = {}
    for opinion in dashboard.opinions:
        by_state[STATE_LABELS[opinion.state]] += 1
        if opinion.verdict:
            by_verdict[VERDICT_LABELS[opinion.verdict]] += 1
        sector_name = "Sans secteur" if opinion.sector_name is None else opinion.sector_name
        row = sectors.setdefault(sector_name, SectorRow(sector_name))
        row.councils += 1
        row.population += opinion.population
        row.answered += opinion.state != Opinion.State.AWAITING
        if opinion.approved:
            row.approving += 1
            row.approving_population += opinion.population
    dashboard.by_state = by_state
    dashboard.by_verdict = sorted(by_verdict.items())
    dashboard.sectors = sorted(sectors.values(), key=lambda r: r.name)
    dashboard.population = sum(o.population for o in dashboard.opinions)
    if dashboard.referral.majority != Majority.NONE:
        dashboard.outcome = majorities.compute(
            dashboard.referral.majority,
            (
                majorities.Council(
                    key=o.commune.insee_code,
                    name=o.commune.name,
                    population=o.population,
                    approved=o.approved,
                    pending=o.state == Opinion.State.AWAITING and o.is_open_at(now),
                )
                for o in sorted(dashboard.opinions, key=lambda o: o.commune.insee_code)
            ),
        )


# What the dashboard reads of each line (commune_lines, _summarise): loading only these makes the
# 92-commune page cheaper. A field read but missing here costs one query per line, which the
# pinned query counts of the page's tests would show. "referral" is needed: the related manager
# reads referral_id to attach the referral to each line.
DASHBOARD_FIELDS = (
    "referral",
    "commune__name",
    "commune__insee_code",
    "population",
    "received_on",
    "deadline_nominal",
    "deadline_effective",
    "deadline_ends_at",
    "state",
    "verdict",
    "late_verdict",
    "deliberation_on",
    "deliberation_number",
    "deliberation_pdf",
)


def referral_dashboard(user, pk: int) -> Dashboard:
    """The consultation page: the referral, its documents and the lines the user may see, with
    their communes and sectors (3 queries), the table of communes ready to print and the
    summaries computed from them."""
    referral = referral_in_scope(user, pk)
    full = perms.can_see_dashboard(user, referral)
    opinions = referral.opinions.for_dashboard().only(*DASHBOARD_FIELDS)
    if not full:
        opinions = opinions.filter(commune_id__in=perms.answering_commune_ids(user))
    dashboard = Dashboard(
        referral=referral,
        opinions=list(opinions),
        documents=list(referral.documents.order_by("uploaded_at", "pk")),
        full=full,
    )
    dashboard.lines = commune_lines(referral, dashboard.opinions)
    if full:
        _summarise(dashboard, timezone.now())
    return dashboard


def opinion_in_scope(user, pk: int, insee_code: str) -> Opinion:
    """One commune's line (2 queries): outside the user's communes it does not exist (404)."""
    referral = referral_in_scope(user, pk)
    opinion = get_object_or_404(
        perms.opinions_for(user, referral).select_related("commune", "filed_by"),
        commune__insee_code=insee_code,
    )
    opinion.referral = referral
    return opinion


def synthesis_context(referral_id: int) -> dict:
    """Everything the synthesis PDF shows (4 queries), read afresh by the task."""
    referral = Referral.objects.select_related("epci").get(pk=referral_id)
    dashboard = Dashboard(
        referral=referral,
        opinions=list(referral.opinions.for_dashboard()),
        documents=list(referral.documents.order_by("uploaded_at", "pk")),
        full=True,
    )
    _summarise(dashboard, timezone.now())
    return {"dashboard": dashboard, "referral": referral, "generated_at": timezone.now()}
