from __future__ import annotations

from django.core.exceptions import ValidationError

from governance.models import EPCI

ALREADY_DONE = "Action déjà effectuée."


def epci_ref(epci_id: int) -> EPCI:
    """An EPCI reference for the audit log without a query (only its pk is stored)."""
    return EPCI(pk=epci_id)


def refuse(message: str, code: str = "refused") -> ValidationError:
    return ValidationError(message, code=code)
