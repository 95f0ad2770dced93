"""What every page of the shared services does: refuse a visitor without the right (403), report
a refusal of a service as messages, say "already done" for a repeated action."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from mutualisation import perms
from mutualisation.common import ALREADY_DONE


def require_staff(user):
    if not perms.is_staff(user):
        raise PermissionDenied


def require_manager(user):
    if not perms.can_manage(user):
        raise PermissionDenied


def require_own_epci_manager(user):
    """Creating writes into the account's EPCI (governance/perms.py, superusers)."""
    if not perms.can_manage_own_epci(user):
        raise PermissionDenied


def report_errors(request, exc: ValidationError, form=None):
    for text in exc.messages:
        if form is not None:
            form.add_error(None, text)
        else:
            messages.error(request, text)


def report_done(request, changed: bool, success: str):
    if changed:
        messages.success(request, success)
    else:
        messages.info(request, ALREADY_DONE)
