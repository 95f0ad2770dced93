"""The synthesis PDF of a consultation (WeasyPrint, templates/pdf/referrals/synthesis.html),
rendered by a task into a stored file and rebuilt whenever the referral's data_version moves
(services.mark_changed). The download view only serves the stored file."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from referrals.consultation.selectors import synthesis_context
from referrals.models import Referral


def render_synthesis_pdf(*, referral_id: int) -> bytes:
    from core.pdf import html_document

    html = render_to_string("pdf/referrals/synthesis.html", synthesis_context(referral_id))
    return html_document(html).write_pdf()


def build_synthesis(*, referral_id: int) -> str:
    """Rebuild the stored PDF if it lags behind the data. Safe to run twice: the file is
    recorded only if no newer build got there first, and a change during rendering leaves it
    out of date for the next run."""
    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None:
        return "missing"
    if referral.synthesis_ready:
        return "up-to-date"
    version = referral.data_version
    content = render_synthesis_pdf(referral_id=referral_id)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral_id)
        if referral.synthesis_version >= version and referral.synthesis:
            return "superseded"
        old_name = referral.synthesis.name if referral.synthesis else ""
        referral.synthesis.save(
            f"saisine-{referral_id}-v{version}.pdf", ContentFile(content), save=False
        )
        referral.synthesis_version = version
        referral.synthesis_built_at = timezone.now()
        referral.save(update_fields=["synthesis", "synthesis_version", "synthesis_built_at"])
    if old_name and old_name != referral.synthesis.name:
        referral.synthesis.storage.delete(old_name)
    return "built"
