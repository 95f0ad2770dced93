"""A small, complete world for the security tests: one EPCI with two communes, every kind of
object a URL of the portal can point at, the nine personas, and an EPCI elsewhere.

Names are invented. Everything is built by the app factories, so the objects look like the real
ones (a convened session of a private working group, an open referral, a service request...)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from conferences.models import MayorsRequest, Publication
from governance.models import ImportRun, Membership
from governance.rules import BodyKind
from governance.seats.models import CouncilOrder
from mutualisation.models import (
    NeedsSurvey,
    ProgressReport,
    RequestAttachment,
    SeatReservation,
)
from questionnaires.models import Answer, Question, Response
from referrals.models import MailboxAttachment, ReferralDocument
from tests.conferences.factories import (
    AgendaDocumentFactory,
    AgendaItemFactory,
    CalendarFeedFactory,
    ConvocationFactory,
    MayorsConferenceFactory,
    MayorsRequestFactory,
    SessionFactory,
)
from tests.factories import (
    BodyFactory,
    CommuneFactory,
    EPCIFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)
from tests.mutualisation.factories import (
    BookingFactory,
    ConventionFactory,
    EquipmentItemFactory,
    MissionFactory,
    ServiceOfferFactory,
    ServiceRequestFactory,
    TrainingSessionFactory,
)
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory
from tests.referrals.factories import (
    MINIMAL_PDF,
    MailboxThreadFactory,
    OpinionFactory,
    ReferralFactory,
)

# The personas, in the column order of the permission matrix.
PERSONAS = (
    "anonymous",
    "member",  # elected, sits on the (private) body of the session
    "non_member",  # elected of the same EPCI, not on that body
    "dgs",  # DGS of the commune every commune-side object belongs to
    "other_dgs",  # DGS of another commune of the same EPCI
    "agent",  # EPCI agent
    "secretariat",  # EPCI secretariat, TOTP set up
    "superuser",  # platform superuser (no EPCI), TOTP set up
    "outsider",  # secretariat of another EPCI, TOTP set up
    "outsider_elected",  # elected member of another EPCI
    "outsider_dgs",  # DGS of a commune of another EPCI
)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _pdf(name: str) -> ContentFile:
    return ContentFile(MINIMAL_PDF, name=name)


def _file_answer(questionnaire, commune, question) -> Answer:
    response = Response.objects.create(questionnaire=questionnaire, commune=commune)
    return Answer.objects.create(
        response=response, question=question, file=_pdf("plan.pdf"), file_name="plan.pdf"
    )


def build_world() -> World:
    epci = EPCIFactory(siren="200066009", name="CA Monde-de-Test")
    other_epci = EPCIFactory(siren="200099999", name="CC Ailleurs-Lointain")
    commune = CommuneFactory(epci=epci, insee_code="68224", name="Villetest")
    other_commune = CommuneFactory(epci=epci, insee_code="68225", name="Autreville")

    member_person = PersonFactory(epci=epci)
    users = {
        "anonymous": None,
        "member": UserFactory(epci=epci, person=member_person, email=member_person.email),
        "non_member": UserFactory(epci=epci, person=PersonFactory(epci=epci)),
        "dgs": UserFactory(epci=epci, dgs=True, commune=commune),
        "other_dgs": UserFactory(epci=epci, dgs=True, commune=other_commune),
        "agent": UserFactory(epci=epci, agent=True),
        "secretariat": UserFactory(epci=epci, secretariat=True, with_totp=True),
        "superuser": UserFactory(epci=None, is_superuser=True, is_staff=True, with_totp=True),
        "outsider": UserFactory(epci=other_epci, secretariat=True, with_totp=True),
        "outsider_elected": UserFactory(epci=other_epci, person=PersonFactory(epci=other_epci)),
        "outsider_dgs": UserFactory(
            epci=other_epci,
            dgs=True,
            commune=CommuneFactory(epci=other_epci, insee_code="13055", name="Loinville"),
        ),
    }
    assert set(users) == set(PERSONAS)
    secretariat = users["secretariat"]

    # Bodies and sessions: a private working group (the member sits on it), the public council.
    council = BodyFactory(epci=epci, name="Conseil communautaire")
    group = BodyFactory(epci=epci, kind=BodyKind.WORKING_GROUP, name="Groupe Mobilités")
    council_order = CouncilOrder.objects.create(
        epci=epci,
        renewal_year=2026,
        signed_on=datetime.date(2025, 10, 30),
        number="2025-SIEGES",
        file=_pdf("arrete.pdf"),
        name="arrete.pdf",
    )
    MembershipFactory(body=group, person=member_person, role=Membership.Role.MEMBER)
    session = SessionFactory(body=group, place_commune=commune)
    item = AgendaItemFactory(session=session, position=1)
    document = AgendaDocumentFactory(item=item)
    convocation = ConvocationFactory(session=session, person=member_person)
    feed = CalendarFeedFactory(user=users["member"])
    held = SessionFactory(body=council, past=True, place_commune=commune)
    publication = Publication.objects.create(
        body=council,
        session=held,
        kind=Publication.Kind.MINUTES,
        title="Procès-verbal",
        file=_pdf("pv.pdf"),
        filename="proces-verbal.pdf",
        size=40,
        author="Secrétariat",
    )
    mayors_conference = MayorsConferenceFactory(epci=epci)
    mayors_request = MayorsRequestFactory(
        body=mayors_conference, created_by=member_person, status=MayorsRequest.Status.OPEN
    )

    # Consultations: an opinion referral (the commune answered with a deliberation) and a data
    # collection with its questionnaire; a thread in the mayors' mailbox with an attachment.
    referral = ReferralFactory(epci=epci)
    ReferralDocument.objects.create(referral=referral, title="Projet", file=_pdf("projet.pdf"))
    opinion = OpinionFactory(
        referral=referral, commune=commune, received_on=timezone.localdate(), filed=True
    )
    opinion.deliberation_pdf.save("deliberation.pdf", ContentFile(MINIMAL_PDF))
    OpinionFactory(referral=referral, commune=other_commune, received_on=timezone.localdate())
    collection = ReferralFactory(
        epci=epci, data_collection=True, questionnaire=QuestionnaireFactory(epci=epci)
    )
    question = QuestionFactory(questionnaire=collection.questionnaire)
    file_question = QuestionFactory(
        questionnaire=collection.questionnaire, kind=Question.Kind.FILE, label="Plan du site"
    )
    OpinionFactory(referral=collection, commune=commune)
    _file_answer(collection.questionnaire, commune, file_question)
    thread = MailboxThreadFactory(epci=epci, author=users["member"])
    mailbox_attachment = MailboxAttachment.objects.create(
        message=thread.messages.first(), file=_pdf("piece.pdf"), file_name="piece.pdf", size=40
    )

    # Shared services: the commune signed every option; a request, a booking, a mission, a seat.
    legal = ServiceOfferFactory(epci=epci, name="Assistance juridique", position=1)
    equipment = ServiceOfferFactory(epci=epci, name="Matériel", equipment=True, position=2)
    training = ServiceOfferFactory(epci=epci, name="Formations", training=True, position=3)
    convention = ConventionFactory(commune=commune, options=[legal, equipment, training])
    convention.signed_pdf.save("convention.pdf", ContentFile(MINIMAL_PDF))
    service_request = ServiceRequestFactory(commune=commune, offer=legal)
    request_attachment = RequestAttachment.objects.create(
        request=service_request,
        file=_pdf("piece.pdf"),
        original_name="piece.pdf",
        size=40,
        uploaded_by=users["dgs"],
    )
    booking = BookingFactory(item=EquipmentItemFactory(epci=epci, offer=equipment), commune=commune)
    mission = MissionFactory(epci=epci, commune=commune, secretary__epci=epci)
    training_session = TrainingSessionFactory(epci=epci, offer=training)
    seat = SeatReservation.objects.create(
        session=training_session,
        commune=commune,
        attendee_name="Dominique FICTIF",
        attendee_email="dominique@exemple.test",
        status=SeatReservation.Status.CONFIRMED,
        reserved_by=users["dgs"],
    )
    survey = NeedsSurvey.objects.create(
        epci=epci, questionnaire=QuestionnaireFactory(epci=epci), year=2026
    )
    survey_file_question = QuestionFactory(
        questionnaire=survey.questionnaire, kind=Question.Kind.FILE, label="Inventaire"
    )
    _file_answer(survey.questionnaire, commune, survey_file_question)
    report = ProgressReport.objects.create(
        epci=epci,
        year=2025,
        status=ProgressReport.Status.READY,
        file=_pdf("rapport.pdf"),
        generated_at=timezone.now(),
    )
    import_run = ImportRun.objects.create(
        epci=epci,
        file=ContentFile(b"code;nom\n", name="communes.csv"),
        original_name="communes.csv",
        created_by=secretariat,
    )

    return World(
        users=users,
        objects={
            "epci": epci,
            "other_epci": other_epci,
            "commune": commune,
            "other_commune": other_commune,
            "member_person": member_person,
            "council": council,
            "council_order": council_order,
            "group": group,
            "session": session,
            "held": held,
            "publication": publication,
            "item": item,
            "document": document,
            "convocation": convocation,
            "feed": feed,
            "mayors_request": mayors_request,
            "referral": referral,
            "referral_document": referral.documents.get(),
            "opinion": opinion,
            "collection": collection,
            "question": question,
            "file_question": file_question,
            "thread": thread,
            "mailbox_attachment": mailbox_attachment,
            "legal_offer": legal,
            "convention": convention,
            "service_request": service_request,
            "request_attachment": request_attachment,
            "booking": booking,
            "mission": mission,
            "equipment_item": booking.item,
            "staff_member": mission.secretary,
            "training_session": training_session,
            "seat": seat,
            "survey": survey,
            "survey_file_question": survey_file_question,
            "report": report,
            "import_run": import_run,
        },
    )
