"""Demo data for `make run`: the real m2A territory, with fictional people, bodies and accounts.

The territory is real: the 39 communes of the CA Mulhouse Alsace Agglomération and their
populations, from demo/data/ (Licence Ouverte 2.0, see its README). The people, mandates
and memberships are invented (demo.plan); the accounts are below.

`load_demo()` is idempotent: it creates what is missing, fills a few empty fields and never
overwrites a value, so `make run` can call it every time. The demo passwords and TOTP secret
are public: the management commands refuse to run unless DEBUG is on.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass, fields
from typing import TextIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from demo.activity import load_demo_activity
from demo.plan import (
    BODIES,
    DATA_DIR,
    DEMO_EMAIL_DOMAIN,
    DGS_COMMUNE,
    INSTALLATION_DATE,
    SECTORS,
    PlannedSeat,
    plan_demo,
    read_towns,
)
from governance.audit import record_event
from governance.models import EPCI, Body, Commune, Mandate, Membership, Person, Sector, User
from governance.perms import system_writes
from governance.rules import defaults_for
from governance.text import person_match_key

EPCI_CSV = DATA_DIR / "epci.csv"
DEMO_EPCI_SIREN = "200066009"
DEPARTEMENT = "68"
POPULATION_VINTAGE = 2023
DEMO_PASSWORD = "demo-interco-2026"
# Public on purpose (README, `manage.py demo_totp`): never load the demo on a real database.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_SOURCE = "demo"  # Mandate.source of the demo mandates


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str  # User.Role
    label: str  # the role as shown to people
    description: str  # what the account sees
    person: str | None = None  # which planned person the account is linked to
    commune: str | None = None  # INSEE code of the commune a DGS acts for
    superuser: bool = False
    totp: bool = False


_D = DEMO_EMAIL_DOMAIN
_ACCOUNTS = (
    DemoAccount(f"secretariat@{_D}", User.Role.SECRETARIAT, "Secrétariat (TOTP)",
                "tout l'EPCI : instances, séances, saisines, services, imports ; "
                "code TOTP : manage.py demo_totp", person="secretariat", totp=True),
    DemoAccount(f"elu@{_D}", User.Role.ELECTED, "Élu (maire de Rixheim)",
                "les instances où il siège (conseil, conférence des maires, conférence "
                "territoriale de son secteur, groupe Mobilités) et les séances publiques",
                person="elected"),
    DemoAccount(f"dgs@{_D}", User.Role.DGS, "DGS (Illzach)",
                "les saisines et demandes de services de sa commune, la collégiale des DGS",
                person="dgs", commune=DGS_COMMUNE),
    DemoAccount(f"agent@{_D}", User.Role.AGENT, "Agent de l'EPCI",
                "toutes les instances et l'annuaire de l'EPCI, sans droit de gestion",
                person="agent"),
    DemoAccount(f"admin@{_D}", User.Role.SECRETARIAT, "Administrateur (TOTP)",
                "comme le secrétariat, plus l'administration Django (/admin/) ; même code TOTP",
                superuser=True, totp=True),
)  # fmt: skip

# What the load_demo command (and the README) show.
DEMO_ACCOUNTS = [
    {"role": a.label, "email": a.email, "password": DEMO_PASSWORD, "description": a.description}
    for a in _ACCOUNTS
]
DEMO_TOTP_EMAILS = [a.email for a in _ACCOUNTS if a.totp]


def format_accounts_table() -> str:
    """The demo accounts as an aligned plain-text table."""
    header = {"role": "Rôle", "email": "Courriel", "password": "Mot de passe"}
    rows = [{**header, "description": "Ce qu'il voit"}, *DEMO_ACCOUNTS]
    widths = {key: max(len(row[key]) for row in rows) for key in header}
    lines = [
        "  ".join([*(row[key].ljust(width) for key, width in widths.items()), row["description"]])
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in [*widths.values(), 13]))
    return "\n".join(lines)


# --- Applying the plan: create what is missing --------------------------------------------


_SUMMARY_LABELS = {
    "epci": "EPCI", "sectors": "secteurs", "communes": "communes", "people": "personnes",
    "mandates": "mandats", "bodies": "instances", "memberships": "appartenances",
    "accounts": "comptes", "email_addresses": "adresses", "authenticators": "TOTP",
}  # fmt: skip


@dataclass
class DemoSummary:
    """Rows created by one run of load_demo (all zero on a second run)."""

    epci: int = 0
    sectors: int = 0
    communes: int = 0
    people: int = 0
    mandates: int = 0
    bodies: int = 0
    memberships: int = 0
    accounts: int = 0
    email_addresses: int = 0
    authenticators: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def describe(self) -> str:
        created = [f"{_SUMMARY_LABELS[name]} {n}" for name, n in self.as_dict().items() if n]
        return "créé : " + ", ".join(created) if created else "déjà chargée, rien à créer"

    @property
    def total(self) -> int:
        return sum(self.as_dict().values())


@system_writes()
@transaction.atomic
def load_demo(*, stdout: TextIO | None = None) -> DemoSummary:
    """Load the demo EPCI (m2A), its people, bodies and accounts; running it again is a no-op."""
    summary = DemoSummary()
    towns = read_towns()
    plan = plan_demo(towns)
    epci = _ensure_epci(summary)
    sectors = _ensure_sectors(epci, summary)
    communes = _ensure_communes(epci, towns, sectors, summary)
    people = _ensure_people(epci, plan.people, summary)
    _ensure_mandates(epci, plan.mandates, people, communes, summary)
    bodies = _ensure_bodies(epci, sectors, summary)
    _ensure_memberships(plan.seats, bodies, people, communes, summary)
    _ensure_accounts(epci, plan.account_people, people, communes, summary)
    if summary.total:
        record_event(action="demo.loaded", epci=epci, target=epci, created=summary.as_dict())
    if stdout is not None:
        stdout.write(f"Démonstration « {epci.name} » : {summary.describe()}.\n")
    load_demo_activity(epci, stdout=stdout)  # sessions, consultations, shared services
    return summary


def _create_missing(
    objs: Iterable[models.Model], key: Callable[[models.Model], Hashable], existing: Iterable
) -> int:
    """bulk_create the objects whose key is not among the existing keys (nor repeated)."""
    seen, new = set(existing), []
    for obj in objs:
        if key(obj) not in seen:
            seen.add(key(obj))
            new.append(obj)
    if new:
        type(new[0]).objects.bulk_create(new)
    return len(new)


def _ensure_epci(summary: DemoSummary) -> EPCI:
    with EPCI_CSV.open(encoding="utf-8-sig", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["siren"] == DEMO_EPCI_SIREN)
    epci, created = EPCI.objects.get_or_create(
        siren=DEMO_EPCI_SIREN, defaults={"name": row["name"], "nature": row["nature"]}
    )
    summary.epci = int(created)
    return epci


def _ensure_sectors(epci: EPCI, summary: DemoSummary) -> dict[str, int]:
    sectors = {}
    for name in SECTORS:
        sector, created = Sector.objects.get_or_create(epci=epci, name=name)
        sectors[name] = sector.pk
        summary.sectors += created
    return sectors


def _ensure_communes(epci, towns, sectors, summary) -> dict[str, int]:
    communes = Commune.objects.filter(insee_code__in=[town.insee for town in towns])
    existing = {commune.insee_code: commune for commune in communes}
    summary.communes = _create_missing(
        (
            Commune(
                insee_code=t.insee,
                name=t.name,
                departement=DEPARTEMENT,
                epci=epci,
                population=t.population,
                population_vintage=POPULATION_VINTAGE,
                sector_id=sectors[t.sector],
            )
            for t in towns
        ),
        key=lambda commune: commune.insee_code,
        existing=existing,
    )
    # A commune imported beforehand keeps its data; it only joins the EPCI and a sector.
    orphans = []
    for town in towns:
        commune = existing.get(town.insee)
        if commune is not None and (commune.epci_id is None or commune.sector_id is None):
            commune.epci_id = commune.epci_id or epci.pk
            commune.sector_id = commune.sector_id or sectors[town.sector]
            orphans.append(commune)
    Commune.objects.bulk_update(orphans, ["epci", "sector"])
    return dict(communes.values_list("insee_code", "pk"))


def _ensure_people(epci, plan_people, summary) -> dict[str, int]:
    """Demo people are recognised by their email, unique by construction."""
    people = Person.objects.filter(epci=epci, email__in=[p.email for p in plan_people])
    summary.people = _create_missing(
        # bulk_create bypasses Person.save(), which computes match_key: set it here.
        (
            Person(epci=epci, match_key=person_match_key(p.last_name, p.first_name), **asdict(p))
            for p in plan_people
        ),
        key=lambda person: person.email,
        existing=people.values_list("email", flat=True),
    )
    return dict(people.values_list("email", "pk"))


def _ensure_mandates(epci, plan_mandates, people, communes, summary) -> None:
    key_fields = ("person_id", "kind", "commune_id", "epci_id")
    existing = Mandate.objects.filter(person_id__in=people.values()).values_list(*key_fields)
    summary.mandates = _create_missing(
        (
            Mandate(
                person_id=people[m.person.email],
                commune_id=communes.get(m.commune),
                epci=epci if m.on_epci else None,
                source=DEMO_SOURCE,
                **m.extra,
            )
            for m in plan_mandates
        ),
        key=lambda m: tuple(getattr(m, name) for name in key_fields),
        existing=existing,
    )


def _ensure_bodies(epci, sectors, summary) -> dict[str, int]:
    """Bodies are recognised by their name; a new one gets the default rules of its kind."""
    bodies = Body.objects.filter(epci=epci)
    new = []
    for name, kind, description, sector in BODIES:
        rules = asdict(defaults_for(kind))
        del rules["source"]  # where the default comes from, not a field of Body
        new.append(
            Body(
                epci=epci,
                name=name,
                kind=kind,
                description=description,
                sector_id=sectors.get(sector),
                **rules,
            )
        )
    existing = bodies.values_list("name", flat=True)
    summary.bodies = _create_missing(new, key=lambda body: body.name, existing=existing)
    return dict(bodies.values_list("name", "pk"))


def _ensure_memberships(plan_seats, bodies, people, communes, summary) -> None:
    """Titular seats first, then the suppléants, whose membership points at the titular one
    (L5211-6). One membership per person and body: a role edited since is not duplicated."""
    memberships = Membership.objects.filter(body_id__in=bodies.values())

    def membership(seat: PlannedSeat, substitute_for_id: int | None = None) -> Membership:
        return Membership(
            body_id=bodies[seat.body],
            person_id=people[seat.person.email],
            commune_id=communes.get(seat.commune),
            start_date=INSTALLATION_DATE,
            substitute_for_id=substitute_for_id,
            **seat.extra,
        )

    def create(objs: Iterable[Membership]) -> int:
        existing = memberships.values_list("body_id", "person_id")
        return _create_missing(objs, key=lambda m: (m.body_id, m.person_id), existing=existing)

    summary.memberships = create(membership(s) for s in plan_seats if not s.substitute_for)
    seat_ids = {(b, p): pk for pk, b, p in memberships.values_list("pk", "body_id", "person_id")}
    summary.memberships += create(
        membership(s, seat_ids[bodies[s.body], people[s.substitute_for.email]])
        for s in plan_seats
        if s.substitute_for
    )


def _ensure_accounts(epci, account_people, people, communes, summary) -> None:
    """An existing demo account is left as it is (password included); only what it lacks,
    its email address row and its authenticator, is added."""
    existing = {u.email: u for u in User.objects.filter(email__in=[a.email for a in _ACCOUNTS])}
    # One hash for all accounts: hashing is slow on purpose, and this password is public anyway.
    password = make_password(DEMO_PASSWORD) if len(existing) < len(_ACCOUNTS) else None
    for account in _ACCOUNTS:
        user = existing.get(account.email)
        if user is None:
            person = account_people.get(account.person)
            user = User(
                email=account.email,
                role=account.role,
                epci=epci,
                person_id=people[person.email] if person else None,
                commune_id=communes.get(account.commune),
                first_name=person.first_name if person else "Administrateur",
                last_name=person.last_name if person else "Démo",
                is_staff=account.superuser,
                is_superuser=account.superuser,
            )
            user.password = password
            user.save()
            summary.accounts += 1
        summary.email_addresses += EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )[1]
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
        if account.totp and not totp.exists():
            secret = encrypt(DEMO_TOTP_SECRET)
            totp.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
            summary.authenticators += 1
