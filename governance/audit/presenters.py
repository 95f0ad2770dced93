"""How audit events read on the log page and in its CSV export."""

from __future__ import annotations

import json

from django.utils import timezone

from governance.audit.selectors import newest_first

# Labels of the legal events (the others are shown by their technical name).
ACTION_LABELS = {
    "session.convened": "Convocation envoyée",
    "session.update_sent": "Convocation modifiée envoyée",
    "session.cancellation_sent": "Annulation envoyée",
    "session.postponement_sent": "Report envoyé",
    "reply.filed": "Réponse à une convocation",
    "referral.sent": "Saisine envoyée aux communes",
    "referral.opinion_filed": "Avis d'une commune déposé",
    "referral.opinion_corrected": "Avis d'une commune corrigé",
    "referral.tacit_opinion": "Avis tacite constaté",
    "referral.closed": "Saisine close",
    "minutes.adopted": "Procès-verbal adopté",
    "minutes.published": "Procès-verbal publié",
}

EXPORT_HEADER = ["date", "action", "libellé", "auteur", "objet", "identifiant", "détails"]


def export_rows(events):
    """One CSV row per event, newest first, read in bounded batches."""
    for event in newest_first(events):
        actor = event.actor
        yield [
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.action,
            ACTION_LABELS.get(event.action, ""),
            actor.email if actor else "système",
            event.object_type,
            event.object_id,
            json.dumps(event.data, ensure_ascii=False, sort_keys=True, default=str),
        ]
