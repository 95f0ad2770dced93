"""Writes of the council's seats. Keyword-only, atomic, each recording an audit event."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from governance import perms
from governance.audit import record_event
from governance.models import EPCI, User
from governance.seats.models import CouncilOrder
from governance.seats.uploads import ORDER_PDF


@transaction.atomic
def record_council_order(
    *,
    actor: User,
    epci: EPCI,
    renewal_year: int,
    signed_on: datetime.date,
    number: str,
    uploaded,
) -> CouncilOrder:
    """Keep the prefect's order fixing the council's seats (L5211-6-1 VII), with its PDF.

    A bad file raises ValidationError and writes nothing.
    """
    if not perms.can_manage(actor) or (not actor.is_superuser and actor.epci_id != epci.pk):
        raise PermissionDenied
    number = number.strip()
    if not number:
        raise ValidationError({"number": "Indiquez le numéro de l'arrêté."})
    ORDER_PDF.check(uploaded)
    order = CouncilOrder(
        epci=epci,
        renewal_year=renewal_year,
        signed_on=signed_on,
        number=number,
        name=uploaded.name,  # the plain name the check gave it
        recorded_by=actor,
    )
    order.file.save(uploaded.name, uploaded, save=False)
    order.save()
    record_event(
        action="seats.order_recorded",
        actor=actor,
        epci=epci,
        target=order,
        number=number,
        signed_on=signed_on.isoformat(),
        renewal_year=renewal_year,
    )
    return order
