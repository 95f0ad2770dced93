"""Demo consultations of the communes (demo.activity): a CLECT report closed with
its qualified-majority result, the open consultation on the transfer of the water competence
(Illzach, the DGS demo account's commune, still to answer), a data collection with a small
questionnaire, and two threads of the mayors' mailbox from the elected demo account.

Everything goes through referrals' services (dated with their `now` argument when in the past),
except the answers of communes that have no demo account: the service checks that the person
filing acts for the commune, so those opinions and their receipts' aftermath are written on the
Opinion rows directly, as file_opinion would, pointing at one shared placeholder deliberation.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db.models import Max

import questionnaires.forms
import questionnaires.selectors
import questionnaires.services
from demo.activity import (
    MONDAY,
    TUESDAY,
    WEDNESDAY,
    DemoActivity,
    pdf_bytes,
    pdf_upload,
)
from demo.plan import DGS_COMMUNE, ELECTED_COMMUNE, MULHOUSE
from governance.audit import record_event
from questionnaires.models import Question
from referrals.consultation.rules import LegalBasis
from referrals.consultation.services import (
    acknowledge_receipt,
    add_referral_document,
    create_referral,
    file_opinion,
    mark_changed,
    record_paper_receipt,
    save_data_answers,
    send_referral,
)
from referrals.consultation.sweeps import close_due_referrals, record_tacit_opinions
from referrals.mailbox.services import assign_thread, post_mailbox_thread, reply_to_thread
from referrals.models import MailboxThread, Opinion, Referral, Theme

V = Opinion.Verdict
WATER = "Transfert de la compétence eau"
CLECT_REPORT = "Rapport de la CLECT — évaluation des charges des équipements aquatiques"
DATA_COLLECTION = "Recensement des aires de jeux communales"
ACCOUNTS = (DGS_COMMUNE, ELECTED_COMMUNE)  # communes whose demo account answers itself
RECEIPT_FIELDS = ("received_on", "receipt_method", "deadline_nominal", "deadline_effective",
                  "deadline_rule", "deadline_ends_at")  # fmt: skip


def load(ctx: DemoActivity) -> None:
    _clect_report(ctx)  # first: its deadlines are past, the tacit sweep runs at that date
    _water_transfer(ctx)
    _data_collection(ctx)
    _mailbox(ctx)


def _exists(ctx: DemoActivity, subject: str) -> bool:
    return Referral.objects.filter(epci=ctx.epci, subject=subject).exists()


def _open(ctx: DemoActivity, subject, description, basis, *, sent: datetime, document=None,
          days: int = 0, questions=()) -> dict[str, Opinion]:  # fmt: skip
    """Create, document and send a consultation to every commune at `sent`; the communes
    without a demo account received it on paper the next day or the one after."""
    actor = ctx.secretariat
    referral = create_referral(
        actor=actor,
        subject=subject,
        description=description,
        legal_basis=basis,
        communes=ctx.communes.values(),
        days=days,
    )
    if document:
        title, filename, paragraphs = document
        content = ContentFile(pdf_bytes(title, paragraphs), name=filename)
        add_referral_document(actor=actor, referral=referral, title=title, file=content)
    for label, kind, choices in questions:
        questionnaires.services.add_question(
            actor=actor,
            questionnaire=referral.questionnaire,
            label=label,
            kind=kind,
            required=kind != Question.Kind.TEXT,
            choices=choices,
        )
    send_referral(actor=actor, referral=referral, now=sent)
    Referral.objects.filter(pk=referral.pk).update(created_at=sent - timedelta(days=4))
    ctx.created["referrals"] += 1
    opinions = {o.commune.insee_code: o for o in referral.opinions.select_related("commune")}
    _paper_receipts(ctx, opinions, sent)
    return opinions


def _paper_receipts(ctx: DemoActivity, opinions: dict[str, Opinion], sent: datetime) -> None:
    """The receipt date of each commune without a demo account, recorded by the secretariat.
    The deadline depends only on the day, the département and the referral: the service
    records it for the first commune of each (day, département), the others of the group get
    the same receipt and deadline in one UPDATE (a hundred service calls would slow every
    demo load, and so the test suite)."""
    groups: dict[tuple, list[Opinion]] = {}
    for n, (insee, opinion) in enumerate(opinions.items()):
        if insee not in ACCOUNTS:
            day = (sent + timedelta(days=1 + n % 2)).date()
            groups.setdefault((day, opinion.commune.departement), []).append(opinion)
    for (day, _), (first, *others) in groups.items():
        first = record_paper_receipt(actor=ctx.secretariat, opinion=first, received_on=day)
        Opinion.objects.filter(pk__in=[o.pk for o in others]).update(
            **{name: getattr(first, name) for name in RECEIPT_FIELDS}
        )


def _file_for(ctx, opinion: Opinion, verdict: str, when: datetime, pdf_name: str) -> None:
    """The opinion a commune without a demo account filed (what file_opinion writes)."""
    number = f"{when:%Y}-{opinion.commune.insee_code[-3:]}"
    Opinion.objects.filter(pk=opinion.pk).update(
        state=Opinion.State.FILED,
        verdict=verdict,
        deliberation_on=(when - timedelta(days=3)).date(),
        deliberation_number=number,
        deliberation_pdf=pdf_name,
        filed_at=when,
    )
    record_event(
        action="referral.opinion_filed",
        epci=ctx.epci,
        target=opinion,
        commune=opinion.commune.insee_code,
        verdict=verdict,
        deliberation=f"{number} du {when - timedelta(days=3):%d/%m/%Y}",
    )


def _placeholder_deliberation(opinions: dict[str, Opinion]) -> str:
    """One stored deliberation PDF the directly written opinions point at."""
    opinion = next(iter(opinions.values()))
    field = opinion.deliberation_pdf
    content = pdf_bytes("Extrait du registre des délibérations", ["Délibération fictive."])
    return field.storage.save(
        field.field.generate_filename(opinion, "deliberation-demo.pdf"), ContentFile(content)
    )


def _deliberation(title: str):
    return pdf_upload("deliberation.pdf", "Extrait du registre des délibérations", [title])


def _clect_report(ctx: DemoActivity) -> None:
    """Sent five months ago; most councils approved, a few refused, some stayed silent and were
    deemed not to approve at their deadline (tacit sweep); closed, majority reached."""
    if _exists(ctx, CLECT_REPORT):
        return
    sent = ctx.at(-152, 10, weekday=TUESDAY)
    opinions = _open(
        ctx,
        CLECT_REPORT,
        "Rapport de la CLECT évaluant les charges transférées avec les piscines communales.",
        LegalBasis.CLECT,
        sent=sent,
        document=(
            "Rapport de la CLECT",
            "rapport-clect.pdf",
            ["Évaluation des charges transférées : méthode, montants par commune."],
        ),
    )
    for insee, user in ((DGS_COMMUNE, ctx.dgs), (ELECTED_COMMUNE, ctx.elected)):
        acknowledge_receipt(actor=user, opinion=opinions[insee], now=sent + timedelta(days=1))
        file_opinion(
            actor=user,
            opinion=opinions[insee],
            verdict=V.FAVOURABLE,
            deliberation_on=(sent + timedelta(days=38)).date(),
            deliberation_number=f"{sent:%Y}-042",
            deliberation_pdf=_deliberation(CLECT_REPORT),
            now=sent + timedelta(days=40),
        )
    pdf_name = _placeholder_deliberation(opinions)
    for n, (insee, opinion) in enumerate(opinions.items()):
        if insee in ACCOUNTS or (n % 6 == 5 and insee != MULHOUSE):
            continue  # silent: deemed not to approve at the deadline
        verdict = V.UNFAVOURABLE if n % 9 == 4 else V.FAVOURABLE
        _file_for(ctx, opinion, verdict, sent + timedelta(days=20 + n), pdf_name)
    referral_id = opinions[MULHOUSE].referral_id
    mark_changed(referral_id=referral_id)
    last = Opinion.objects.filter(referral_id=referral_id).aggregate(last=Max("deadline_ends_at"))[
        "last"
    ]
    record_tacit_opinions(now=last + timedelta(minutes=5))
    close_due_referrals(now=last + timedelta(minutes=10))


def _water_transfer(ctx: DemoActivity) -> None:
    """Sent three weeks ago to the 39 communes (three-month deadline, silence = favourable,
    majority of L5211-5 II with Mulhouse); about half have answered; Illzach has opened it
    (its receipt) but not answered."""
    if _exists(ctx, WATER):
        return
    sent = ctx.at(-23, 10, weekday=MONDAY)
    opinions = _open(
        ctx,
        WATER,
        "Modification des statuts : transfert à l'agglomération de la compétence « eau » "
        "(production, transport, stockage et distribution d'eau potable) au 1er janvier.",
        LegalBasis.COMPETENCE,
        sent=sent,
        document=(
            "Projet de modification des statuts",
            "projet-statuts-eau.pdf",
            [
                "Article 1 : la compétence eau est ajoutée aux compétences obligatoires.",
                "Article 2 : les biens et contrats sont mis à disposition de l'agglomération.",
            ],
        ),  # fmt: skip
    )
    acknowledge_receipt(actor=ctx.dgs, opinion=opinions[DGS_COMMUNE], now=sent + timedelta(days=2))
    acknowledge_receipt(actor=ctx.elected, opinion=opinions[ELECTED_COMMUNE], now=sent)
    file_opinion(
        actor=ctx.elected,
        opinion=opinions[ELECTED_COMMUNE],
        verdict=V.RESERVED,
        deliberation_on=(sent + timedelta(days=12)).date(),
        deliberation_number=f"{sent:%Y}-061",
        deliberation_pdf=_deliberation(WATER),
        comments="Sous réserve d'une convergence des tarifs sur cinq ans au moins.",
        now=sent + timedelta(days=13),
    )
    pdf_name = _placeholder_deliberation(opinions)
    for n, (insee, opinion) in enumerate(opinions.items()):
        if insee in ACCOUNTS or not (n % 2 == 0 or insee == MULHOUSE):
            continue
        verdict = V.UNFAVOURABLE if n == 8 else V.RESERVED if n % 10 == 6 else V.FAVOURABLE
        _file_for(ctx, opinion, verdict, sent + timedelta(days=6 + n // 3), pdf_name)
    mark_changed(referral_id=opinions[MULHOUSE].referral_id)


def _data_collection(ctx: DemoActivity) -> None:
    """Ten days into a 45-day collection: Rixheim and a few communes have submitted, Illzach
    has a draft."""
    if _exists(ctx, DATA_COLLECTION):
        return
    sent = ctx.at(-13, 9, weekday=WEDNESDAY)
    opinions = _open(
        ctx,
        DATA_COLLECTION,
        "Pour préparer le plan pluriannuel d'investissement, merci d'indiquer vos aires de jeux.",
        LegalBasis.DATA_COLLECTION,
        sent=sent,
        days=45,
        questions=(
            ("Nombre d'aires de jeux communales", Question.Kind.NUMBER, ()),
            ("État général du parc", Question.Kind.CHOICE, ("Bon", "Moyen", "À rénover")),
            ("Projets de création ou de rénovation", Question.Kind.TEXT, ()),
        ),
    )
    questionnaire = opinions[MULHOUSE].referral.questionnaire
    names = [
        questionnaires.forms.field_name(q)
        for q in questionnaires.selectors.questions_of(questionnaire)
    ]
    states = ("Bon", "Moyen", "À rénover")

    def values(n: int) -> dict:
        project = "Rénovation de l'aire du parc municipal." if n % 2 else ""
        return dict(zip(names, (Decimal(1 + n % 5), states[n % 3], project), strict=True))

    save_data_answers(
        actor=ctx.elected,
        opinion=opinions[ELECTED_COMMUNE],
        values=values(4),
        submit=True,
        now=sent + timedelta(days=3),
    )
    save_data_answers(
        actor=ctx.dgs,
        opinion=opinions[DGS_COMMUNE],
        values=dict(list(values(2).items())[:1]),
        submit=False,
        now=sent + timedelta(days=4),
    )
    for n, (insee, opinion) in enumerate(opinions.items()):
        if insee in ACCOUNTS or n % 4 != 1:
            continue
        # The engine's save_response has no account check: the commune's submission itself.
        questionnaires.services.save_response(
            actor=None,
            questionnaire=questionnaire,
            commune=opinion.commune,
            values=values(n),
            submit=True,
        )
        Opinion.objects.filter(pk=opinion.pk).update(
            state=Opinion.State.FILED, filed_at=sent + timedelta(days=2 + n % 7)
        )
    mark_changed(referral_id=opinions[MULHOUSE].referral_id)


def _mailbox(ctx: DemoActivity) -> None:
    """Two threads from the elected demo account: one answered by the secretariat (and
    assigned to the agent), one new."""
    threads = (
        (Theme.MOBILITY, "Desserte en bus de la zone d'activités",
         "Les salariés de la zone d'activités demandent un arrêt supplémentaire le matin. "
         "Pouvez-vous étudier un renfort de la ligne aux heures de pointe ?",
         "Merci pour votre message. Le service mobilités étudie un renfort à la rentrée "
         "prochaine ; un comptage aura lieu le mois prochain. Nous revenons vers vous."),
        (Theme.SERVICES, "Prêt de la balayeuse pour la fête du village",
         "Est-il possible de réserver la balayeuse avec son chauffeur le lendemain de notre "
         "fête, un dimanche ?", None),
    )  # fmt: skip
    for theme, subject, body, answer in threads:
        if MailboxThread.objects.filter(author=ctx.elected, subject=subject).exists():
            continue
        thread = post_mailbox_thread(actor=ctx.elected, theme=theme, subject=subject, body=body)
        ctx.created["threads"] += 1
        if answer:
            assign_thread(actor=ctx.secretariat, thread=thread, assignee=ctx.agent)
            reply_to_thread(actor=ctx.secretariat, thread=thread, body=answer)
