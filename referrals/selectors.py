"""Reads for the consultation pages. Each page's data comes in a fixed number of queries, however
many communes are consulted; summaries (by status, by sector, qualified majority) are computed
in Python from the one list of lines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from governance.models import Mandate, User
from referrals import majorities, perms
from referrals.models import Opinion, Referral, ReferralDocument
from referrals.rules import Majority


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


@dataclass
class Dashboard:
    referral: Referral
    opinions: list[Opinion]
    documents: list[ReferralDocument]
    full: bool  # every commune's line (staff, or a closed referral)
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
        by_state[opinion.get_state_display()] += 1
        if opinion.verdict:
            by_verdict[opinion.get_verdict_display()] += 1
        sector_name = opinion.commune.sector.name if opinion.commune.sector else "Sans secteur"
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


def referral_dashboard(user, pk: int) -> Dashboard:
    """The consultation page: the referral, its documents and the lines the user may see, with
    their communes and sectors (3 queries), and the summaries computed from them."""
    referral = referral_in_scope(user, pk)
    full = perms.can_see_dashboard(user, referral)
    opinions = referral.opinions.for_dashboard()
    if not full:
        opinions = opinions.filter(commune_id__in=perms.answering_commune_ids(user))
    dashboard = Dashboard(
        referral=referral,
        opinions=list(opinions),
        documents=list(referral.documents.order_by("uploaded_at", "pk")),
        full=full,
    )
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
