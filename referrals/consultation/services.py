"""Writes of a consultation's life: create, document, send, receipts, answers, closing.

Keyword-only, typed, atomic; each records an audit event (governance.audit.record_event); mail
goes through the outbox (core.services.queue_emails) and is sent after commit. Deadlines come
only from governance.legal_calendar. The periodic sweeps (tacit opinions, reminders, closing)
are in referrals/sweeps.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

import questionnaires.selectors
import questionnaires.services
from core.queue import enqueue_on_commit
from governance.audit import record_event
from governance.legal_calendar import consultation_deadline, legal_day_of
from governance.models import Commune, User
from governance.perms import ensure
from questionnaires.models import Response
from referrals import perms
from referrals.consultation.notifications import queue_transmission
from referrals.consultation.rules import LegalBasis, preset_for
from referrals.models import Opinion, Referral, ReferralDocument


def mark_changed(*, referral_id: int) -> None:
    """The referral's data changed: its synthesis PDF is rebuilt after commit."""
    Referral.objects.filter(pk=referral_id).update(data_version=F("data_version") + 1)
    from referrals.consultation.tasks import build_synthesis

    enqueue_on_commit(build_synthesis, referral_id)


@transaction.atomic
def create_referral(
    *,
    actor: User,
    subject: str,
    description: str,
    legal_basis: str,
    communes: Iterable[Commune],
    months: int | None = None,
    days: int = 0,
    silence: str | None = None,
    reminder_days: Iterable[int] | None = None,
) -> Referral:
    """A consultation in preparation, with one line per consulted commune. The preset of the
    legal basis (referrals/rules.py) gives the deadline and the meaning of silence; for a data
    collection or a custom basis, `months`/`days` (and `silence`) come from the secretariat."""
    ensure(perms.can_create_referral, actor)
    preset = preset_for(legal_basis)
    communes = sorted({c.pk: c for c in communes}.values(), key=lambda c: c.insee_code)
    if not communes:
        raise ValidationError("Choisissez au moins une commune.")
    if any(c.epci_id != actor.epci_id for c in communes):
        raise ValidationError("Ces communes n'appartiennent pas toutes à votre EPCI.")
    if preset.single_commune and len(communes) != 1:
        raise ValidationError("Une décision concernant une seule commune consulte une commune.")
    if preset.months is not None:
        months, days = preset.months, 0
    if not (months or days):
        raise ValidationError("Indiquez le délai de réponse (en mois ou en jours).")
    if legal_basis != LegalBasis.CUSTOM or not silence:
        silence = preset.silence

    referral = Referral.objects.create(
        epci_id=actor.epci_id,
        subject=subject,
        description=description,
        legal_basis=legal_basis,
        reference=preset.reference,
        deadline_months=months or 0,
        deadline_days=days or 0,
        silence=silence,
        majority=preset.majority,
        reminder_days=sorted({int(d) for d in (reminder_days or [])}, reverse=True),
        created_by=actor,
    )
    if legal_basis == LegalBasis.DATA_COLLECTION:
        referral.questionnaire = questionnaires.services.create_questionnaire(
            actor=actor, epci=actor.epci, title=subject, description=description
        )
        referral.save(update_fields=["questionnaire"])
    Opinion.objects.bulk_create(
        Opinion(referral=referral, commune=c, population=c.population or 0) for c in communes
    )
    record_event(
        action="referral.created",
        actor=actor,
        epci=actor.epci,
        target=referral,
        legal_basis=legal_basis,
        communes=[c.insee_code for c in communes],
    )
    return referral


@transaction.atomic
def add_referral_document(*, actor: User, referral: Referral, title: str, file) -> ReferralDocument:
    ensure(perms.can_manage_referral, actor, referral)
    if referral.status == Referral.Status.CLOSED:
        raise ValidationError("La saisine est close.")
    document = ReferralDocument.objects.create(referral=referral, title=title, file=file)
    record_event(
        action="referral.document_added",
        actor=actor,
        epci=referral.epci,
        target=referral,
        title=title,
    )
    return document


@transaction.atomic
def send_referral(*, actor: User, referral: Referral, now: datetime | None = None) -> bool:
    """Transmit the consultation to every consulted commune. Returns False when it was already
    sent (a double submit is "already done", not an error)."""
    ensure(perms.can_manage_referral, actor, referral)
    now = now or timezone.now()
    if (
        referral.is_data_collection
        and not questionnaires.selectors.questions_of(referral.questionnaire).exists()
    ):
        raise ValidationError("Ajoutez au moins une question au questionnaire avant l'envoi.")
    sent = Referral.objects.filter(pk=referral.pk, status=Referral.Status.DRAFT).update(
        status=Referral.Status.OPEN, sent_at=now
    )
    if not sent:
        return False
    referral.refresh_from_db()
    referral.opinions.update(sent_at=now)
    record_event(action="referral.sent", actor=actor, epci=referral.epci, target=referral)
    queue_transmission(referral=referral)
    mark_changed(referral_id=referral.pk)
    return True


def _set_receipt(*, opinion: Opinion, received_on: date, method: str) -> None:
    referral = opinion.referral
    deadline = consultation_deadline(
        received_on=received_on,
        departement=opinion.commune.departement,
        months=referral.deadline_months,
        days=referral.deadline_days,
    )
    opinion.received_on = received_on
    opinion.receipt_method = method
    opinion.deadline_nominal = deadline.nominal
    opinion.deadline_effective = deadline.effective
    opinion.deadline_rule = deadline.rule
    opinion.deadline_ends_at = deadline.ends_at
    opinion.save(
        update_fields=[
            "received_on",
            "receipt_method",
            "deadline_nominal",
            "deadline_effective",
            "deadline_rule",
            "deadline_ends_at",
        ]
    )


@transaction.atomic
def acknowledge_receipt(*, actor: User, opinion: Opinion, now: datetime | None = None) -> bool:
    """The commune opened the consultation through its link: the first opening by its DGS or
    mayor is its receipt, from which its own deadline runs (docs/DOMAIN.md §5). Only once."""
    if not perms.can_answer(actor, opinion) or opinion.referral.status != Referral.Status.OPEN:
        return False
    locked = Opinion.objects.select_for_update(of=("self",)).select_related("referral", "commune")
    opinion = locked.get(pk=opinion.pk)
    if opinion.received_on is not None:
        return False
    _set_receipt(opinion=opinion, received_on=legal_day_of(now or timezone.now()), method="link")
    record_event(
        action="referral.received",
        actor=actor,
        epci=opinion.referral.epci,
        target=opinion,
        commune=opinion.commune.insee_code,
        received_on=opinion.received_on.isoformat(),
        method="link",
        deadline=opinion.deadline_rule,
    )
    mark_changed(referral_id=opinion.referral_id)
    return True


@transaction.atomic
def record_paper_receipt(*, actor: User, opinion: Opinion, received_on: date) -> Opinion:
    """The secretariat enters the receipt date of a paper notification (or corrects one) while
    the commune has not answered; the deadline is computed again from it."""
    opinion = (
        Opinion.objects.select_for_update(of=("self",))
        .select_related("referral", "commune")
        .get(pk=opinion.pk)
    )
    ensure(perms.can_manage_referral, actor, opinion.referral)
    if opinion.referral.status != Referral.Status.OPEN:
        raise ValidationError("La saisine n'est pas en cours.")
    if opinion.state != Opinion.State.AWAITING:
        raise ValidationError("La commune a déjà répondu : la date de réception est figée.")
    if opinion.sent_at and received_on < legal_day_of(opinion.sent_at):
        raise ValidationError("La réception ne peut précéder l'envoi.")
    previous = opinion.received_on
    _set_receipt(opinion=opinion, received_on=received_on, method="paper")
    record_event(
        action="referral.received",
        actor=actor,
        epci=opinion.referral.epci,
        target=opinion,
        commune=opinion.commune.insee_code,
        received_on=received_on.isoformat(),
        previous=previous.isoformat() if previous else None,
        method="paper",
        deadline=opinion.deadline_rule,
    )
    mark_changed(referral_id=opinion.referral_id)
    return opinion


def _lock_for_answer(*, actor: User, opinion: Opinion, now: datetime) -> Opinion:
    """Re-read the line under lock and check the commune may still answer."""
    opinion = (
        Opinion.objects.select_for_update(of=("self",))
        .select_related("referral", "commune")
        .get(pk=opinion.pk)
    )
    if not perms.can_answer(actor, opinion):
        raise PermissionDenied
    if opinion.referral.status != Referral.Status.OPEN:
        raise ValidationError("Cette saisine n'est pas ouverte aux réponses.")
    if opinion.state == Opinion.State.TACIT or not opinion.is_open_at(now):
        raise ValidationError(
            f"Le délai de réponse a expiré le {opinion.deadline_effective:%d/%m/%Y} à 24 h "
            f"({opinion.deadline_rule}) : la réponse est verrouillée. Une délibération tardive "
            "peut être transmise au secrétariat, qui l'enregistrera pour mémoire sans effet "
            "sur le résultat."
        )
    if opinion.received_on is None:
        _set_receipt(opinion=opinion, received_on=legal_day_of(now), method="link")
    return opinion


@transaction.atomic
def file_opinion(
    *,
    actor: User,
    opinion: Opinion,
    verdict: str,
    deliberation_on: date,
    deliberation_number: str,
    deliberation_pdf=None,
    comments: str = "",
    now: datetime | None = None,
) -> Opinion:
    """The commune's DGS or mayor files (or corrects) the council's opinion until 24:00 on the
    effective deadline; after it the answer is locked (docs/DOMAIN.md §5)."""
    now = now or timezone.now()
    opinion = _lock_for_answer(actor=actor, opinion=opinion, now=now)
    if opinion.referral.is_data_collection:
        raise ValidationError(
            "Cette saisine est une collecte de données : remplissez le questionnaire."
        )
    if verdict not in Opinion.FILED_VERDICTS:
        raise ValidationError("Avis inconnu.")
    if deliberation_pdf is None and not opinion.deliberation_pdf:
        raise ValidationError({"deliberation_pdf": "Joignez la délibération en PDF."})
    correction = opinion.state == Opinion.State.FILED
    opinion.state = Opinion.State.FILED
    opinion.verdict = verdict
    opinion.deliberation_on = deliberation_on
    opinion.deliberation_number = deliberation_number
    opinion.comments = comments
    opinion.filed_at = now
    opinion.filed_by = actor
    if deliberation_pdf is not None:
        opinion.deliberation_pdf = deliberation_pdf
    opinion.save()
    record_event(
        action="referral.opinion_corrected" if correction else "referral.opinion_filed",
        actor=actor,
        epci=opinion.referral.epci,
        target=opinion,
        commune=opinion.commune.insee_code,
        verdict=verdict,
        deliberation=f"{deliberation_number} du {deliberation_on:%d/%m/%Y}",
    )
    mark_changed(referral_id=opinion.referral_id)
    return opinion


@transaction.atomic
def save_data_answers(
    *, actor: User, opinion: Opinion, values: dict, submit: bool, now: datetime | None = None
) -> Response:
    """A commune answers the data collection: a draft as often as it likes, then one
    submission, before its deadline. Submitting is the commune's answer to the referral."""
    now = now or timezone.now()
    opinion = _lock_for_answer(actor=actor, opinion=opinion, now=now)
    response = questionnaires.services.save_response(
        actor=actor,
        questionnaire=opinion.referral.questionnaire,
        commune=opinion.commune,
        values=values,
        submit=submit,
    )
    if submit:
        opinion.state = Opinion.State.FILED
        opinion.filed_at = now
        opinion.filed_by = actor
        opinion.save(update_fields=["state", "filed_at", "filed_by"])
        record_event(
            action="referral.data_submitted",
            actor=actor,
            epci=opinion.referral.epci,
            target=opinion,
            commune=opinion.commune.insee_code,
        )
        mark_changed(referral_id=opinion.referral_id)
    return response


@transaction.atomic
def record_late_deliberation(
    *,
    actor: User,
    opinion: Opinion,
    verdict: str,
    deliberation_on: date,
    deliberation_number: str,
    deliberation_pdf=None,
    now: datetime | None = None,
) -> Opinion:
    """The secretariat records, for the record, a deliberation that arrived after the deadline.
    It never changes the legal outcome (state and verdict stay as the deadline left them)."""
    now = now or timezone.now()
    opinion = (
        Opinion.objects.select_for_update(of=("self",))
        .select_related("referral", "commune")
        .get(pk=opinion.pk)
    )
    ensure(perms.can_manage_referral, actor, opinion.referral)
    if opinion.is_open_at(now) and opinion.state != Opinion.State.TACIT:
        raise ValidationError("Le délai court encore : c'est à la commune de déposer son avis.")
    opinion.late_verdict = verdict
    opinion.late_deliberation_on = deliberation_on
    opinion.late_deliberation_number = deliberation_number
    opinion.late_recorded_at = now
    if deliberation_pdf is not None:
        opinion.late_deliberation_pdf = deliberation_pdf
    opinion.save()
    record_event(
        action="referral.late_deliberation_recorded",
        actor=actor,
        epci=opinion.referral.epci,
        target=opinion,
        commune=opinion.commune.insee_code,
        late_verdict=verdict,
        legal_outcome=opinion.verdict or opinion.state,
    )
    mark_changed(referral_id=opinion.referral_id)
    return opinion


@transaction.atomic
def close_referral(*, actor: User | None, referral: Referral, now: datetime | None = None) -> bool:
    """Close the consultation (the secretariat, or the sweep once every deadline has passed).
    Conditional: returns False when it was already closed."""
    ensure(perms.can_manage_referral, actor, referral)
    now = now or timezone.now()
    closed = Referral.objects.filter(pk=referral.pk, status=Referral.Status.OPEN).update(
        status=Referral.Status.CLOSED, closed_at=now
    )
    if not closed:
        return False
    counts = dict.fromkeys(Opinion.State.values, 0)
    for state in referral.opinions.values_list("state", flat=True):
        counts[state] += 1
    record_event(
        action="referral.closed",
        actor=actor,
        epci=referral.epci,
        target=referral,
        automatic=actor is None,
        **counts,
    )
    mark_changed(referral_id=referral.pk)
    return True
