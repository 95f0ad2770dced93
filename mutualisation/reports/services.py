"""The schéma de mutualisation: its record and the referral that consults the communes on it, its
indicators and its yearly progress report."""

from __future__ import annotations

from decimal import Decimal

from django.db import models, transaction

from core.queue import enqueue_on_commit
from governance.audit import record_event
from governance.models import EPCI, User
from governance.perms import ensure
from mutualisation import perms
from mutualisation.common import epci_ref, refuse
from mutualisation.models import (
    SCHEMA_CONSULTATION_BASIS,
    MutualisationSchema,
    ProgressReport,
    SavingRecord,
    StaffProvision,
)


def _regenerate_on_commit(*, epci_id: int, year: int) -> ProgressReport:
    """Data of a year changed: its report is queued for regeneration once this commits."""
    from mutualisation.reports.tasks import generate_progress_report

    report, _ = ProgressReport.objects.get_or_create(epci_id=epci_id, year=year)
    enqueue_on_commit(generate_progress_report, report.pk)
    return report


@transaction.atomic
def record_saving(
    *, actor: User, epci: EPCI, year: int, label: str, amount: Decimal
) -> SavingRecord:
    ensure(perms.can_manage_epci, actor, epci.pk)
    if amount < 0:
        raise refuse("Une économie est un montant positif.")
    saving = SavingRecord.objects.create(
        epci=epci, year=year, label=label, amount=amount, recorded_by=actor
    )
    record_event(
        action="mutualisation.saving.recorded",
        actor=actor,
        epci=epci_ref(epci.pk),
        target=saving,
        amount=str(amount),
        year=year,
    )
    _regenerate_on_commit(epci_id=epci.pk, year=year)
    return saving


@transaction.atomic
def record_staff_provision(
    *, actor: User, epci: EPCI, year: int, direction: str, fte: Decimal
) -> StaffProvision:
    ensure(perms.can_manage_epci, actor, epci.pk)
    """Set (or correct) the FTE a direction placed at disposal in a year."""
    if fte < 0:
        raise refuse("Le nombre d'ETP ne peut pas être négatif.")
    provision, _ = StaffProvision.objects.update_or_create(
        epci=epci, year=year, direction=direction.strip(), defaults={"fte": fte}
    )
    record_event(
        action="mutualisation.provision.recorded",
        actor=actor,
        epci=epci_ref(epci.pk),
        target=provision,
        fte=str(fte),
        year=year,
    )
    _regenerate_on_commit(epci_id=epci.pk, year=year)
    return provision


@transaction.atomic
def request_progress_report(*, actor: User, epci: EPCI, year: int) -> ProgressReport:
    ensure(perms.can_manage_epci, actor, epci.pk)
    report = _regenerate_on_commit(epci_id=epci.pk, year=year)
    record_event(
        action="mutualisation.report.requested",
        actor=actor,
        epci=epci_ref(epci.pk),
        target=report,
        year=year,
    )
    return report


@transaction.atomic
def link_schema_consultation(
    *, actor: User, epci: EPCI, title: str, consultation: models.Model | None
) -> MutualisationSchema:
    """Record the schéma and link the referral that consults the municipal councils on it."""
    ensure(perms.can_manage_epci, actor, epci.pk)
    if consultation is not None and (
        consultation.epci_id != epci.pk or consultation.legal_basis != SCHEMA_CONSULTATION_BASIS
    ):
        raise refuse("La consultation choisie n'est pas une saisine « schéma de mutualisation ».")
    schema = MutualisationSchema.objects.create(epci=epci, title=title, consultation=consultation)
    record_event(
        action="mutualisation.schema.recorded",
        actor=actor,
        epci=epci_ref(epci.pk),
        target=schema,
        consultation=consultation.pk if consultation else None,
    )
    return schema
