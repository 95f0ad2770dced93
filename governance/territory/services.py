"""Installing an EPCI: create it with its communes from the shipped list, then invite its first
secretariat account. Platform operators only (a superuser, or the system: a management command,
``actor=None``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from governance.audit import record_event
from governance.importers.communes import assign, keep_newer_population
from governance.models import EPCI, Commune, User
from governance.services import invite_user
from governance.territory import catalogue
from governance.territory.selectors import communes_by_code, epci_record


@dataclass
class EpciCreation:
    """What ``create_epci`` did, for the operator's message."""

    epci: EPCI
    created: list[Commune] = field(default_factory=list)
    attached: list[Commune] = field(default_factory=list)
    # Members of the new EPCI in the official list that this portal already has in another EPCI:
    # left where they are, for the operator to look at (see _attach_communes).
    elsewhere: list[Commune] = field(default_factory=list)


def _check_operator(actor: User | None) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied


@transaction.atomic
def create_epci(*, siren: str, actor: User | None) -> EpciCreation:
    """Create the EPCI of this SIREN and its member communes (name, département, population
    municipale, SIREN) from the list shipped in governance/territory/data/."""
    _check_operator(actor)
    record = epci_record(siren)
    siren = record.siren
    existing = EPCI.objects.filter(siren=siren).first()
    if existing is not None:
        raise ValidationError(
            f"L'EPCI {existing.name} (SIREN {siren}) existe déjà dans ce portail."
        )
    try:
        with transaction.atomic():
            epci = EPCI.objects.create(siren=siren, name=record.name, nature=record.nature)
    except IntegrityError as exc:  # created meanwhile by a concurrent request
        raise ValidationError(f"L'EPCI SIREN {siren} existe déjà dans ce portail.") from exc
    result = _attach_communes(epci, record)
    record_event(
        action="epci.created",
        actor=actor,
        epci=epci,
        target=epci,
        siren=siren,
        name=epci.name,
        nature=epci.nature,
        communes_created=[c.insee_code for c in result.created],
        communes_attached=[c.insee_code for c in result.attached],
        communes_elsewhere=[c.insee_code for c in result.elsewhere],
        source=catalogue.SOURCE,
    )
    return result


def _attach_communes(epci: EPCI, record: catalogue.CatalogueEpci) -> EpciCreation:
    """Create the communes the portal does not know yet and take in those that belong to no EPCI.
    A commune of another EPCI of this installation is never moved: only that EPCI's own update of
    its composition (the DGCL import) lets a commune go, so its qualified majorities and history
    never change behind its secretariat's back."""
    result = EpciCreation(epci=epci)
    known = communes_by_code(record, lock=True)
    new = []
    for member in record.communes:
        values = {
            "name": member.name,
            "departement": member.departement,
            "population": member.population,
            "population_vintage": catalogue.POPULATION_VINTAGE,
            "siren": member.siren,
        }
        commune = known.get(member.insee_code)
        if commune is None:
            new.append(Commune(insee_code=member.insee_code, epci=epci, **values))
        elif commune.epci_id is not None:
            result.elsewhere.append(commune)
        else:
            wanted = {
                **keep_newer_population(commune, values),
                "epci_id": epci.pk,
                "sector_id": None,
            }
            changed = assign(commune, wanted)
            commune.save(update_fields=[name.removesuffix("_id") for name in changed])
            result.attached.append(commune)
    result.created = Commune.objects.bulk_create(new)
    return result


def invite_first_secretariat(
    *, epci: EPCI, email: str, actor: User | None, first_name: str = "", last_name: str = ""
) -> User:
    """The first secretariat account of a new EPCI, invited like every account (a link to
    choose a password; TOTP is set up at the first login)."""
    _check_operator(actor)
    validate_email(email)
    return invite_user(
        actor=actor,
        epci=epci,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=User.Role.SECRETARIAT,
    )


@transaction.atomic
def install_epci(
    *,
    siren: str,
    actor: User | None,
    secretariat_email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> tuple[EpciCreation, User | None]:
    """Both steps in one transaction: an address already taken leaves no EPCI behind that
    nobody was invited to run."""
    result = create_epci(siren=siren, actor=actor)
    user = None
    if secretariat_email:
        user = invite_first_secretariat(
            epci=result.epci,
            email=secretariat_email,
            actor=actor,
            first_name=first_name,
            last_name=last_name,
        )
    return result, user
