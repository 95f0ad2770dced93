"""Sessions (séances) of the bodies: agenda, convocations, replies and proxies, attendance,
votes, and the mayors' requests to convene the conférence des maires."""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.models import Body, Commune, Membership, Person, User


def _token() -> str:
    return secrets.token_urlsafe(24)


class SessionQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at", "pk")

    def past(self):
        return self.filter(starts_at__lt=timezone.now()).order_by("-starts_at", "-pk")

    def visible(self):
        """Sessions worth showing outside the secretariat (not drafts)."""
        return self.exclude(status=Session.Status.DRAFT)


class Session(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        CONVENED = "convened", "Convoquée"
        HELD = "held", "Tenue"
        CLOSED = "closed", "Close"
        CANCELLED = "cancelled", "Annulée"
        POSTPONED = "postponed", "Reportée"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "En présentiel"
        VIDEO = "video", "En visioconférence"
        HYBRID = "hybrid", "Hybride"

    class Origin(models.TextChoices):
        PRESIDENT = "president", "À l'initiative du président"
        MAYORS_REQUEST = "mayors_request", "À la demande des maires"
        SECOND_CONVOCATION = "second", "Seconde convocation (quorum non atteint)"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField("intitulé", max_length=200, blank=True)
    starts_at = models.DateTimeField("date et heure")
    place_commune = models.ForeignKey(
        Commune,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_sessions",
        verbose_name="commune d'accueil",
    )
    address = models.CharField("adresse", max_length=300, blank=True)
    video_url = models.URLField("lien de visioconférence", blank=True)
    mode = models.CharField("modalité", max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    origin = models.CharField(
        "origine", max_length=15, choices=Origin.choices, default=Origin.PRESIDENT
    )
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DRAFT)
    emergency = models.BooleanField("urgence", default=False)
    emergency_reason = models.TextField("motif de l'urgence", blank=True)
    first_session = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="second_convocations",
        verbose_name="première séance (sans quorum)",
    )
    mayors_request = models.ForeignKey(
        "MayorsRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    chair = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_sessions",
        verbose_name="présidence",
    )
    secretary = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="secrétaire de séance",
    )
    # Incremented by every change sent to the members after convening (agenda, date, place):
    # each version of the convocation is a distinct message in the outbox.
    version = models.PositiveSmallIntegerField(default=0)
    convened_at = models.DateTimeField("convoquée le", null=True, blank=True)
    convened_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["body", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(emergency=False) | ~Q(emergency_reason=""),
                name="session_emergency_has_reason",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.body.name} — {local:%d/%m/%Y %H:%M}"

    @property
    def display_title(self) -> str:
        return self.title_or_date(self.title, self.starts_at)

    @staticmethod
    def title_or_date(title: str, starts_at) -> str:
        """The title, or "Séance du 12/03/2031" for an untitled session (display_title, for
        the pages that read sessions as plain values)."""
        return title or f"Séance du {timezone.localtime(starts_at):%d/%m/%Y}"

    @property
    def is_open_for_replies(self) -> bool:
        return self.status == self.Status.CONVENED and timezone.now() < self.starts_at


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        INFORMATION = "information", "Information"
        DEBATE = "debate", "Débat"
        OPINION = "opinion", "Avis"
        DELIBERATION = "deliberation", "Délibération"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("rang")
    title = models.CharField("intitulé", max_length=300)
    rapporteur = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rapporteur",
    )
    kind = models.CharField(
        "nature", max_length=15, choices=Kind.choices, default=Kind.DELIBERATION
    )
    summary_note = models.TextField("note explicative de synthèse", blank=True)
    # Opinion items record the opinion given (conférence des maires).
    opinion = models.TextField("avis rendu", blank=True)

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["session", "position", "pk"]

    def __str__(self):
        return f"{self.position}. {self.title}"


def agenda_document_path(instance, filename):
    return f"sessions/{instance.item.session_id}/items/{instance.item_id}/{filename}"


class AgendaDocument(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("fichier", upload_to=agenda_document_path)
    name = models.CharField("nom", max_length=255)
    size = models.PositiveIntegerField("taille (octets)")
    content_type = models.CharField(max_length=100, default="application/pdf")
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "document"
        ordering = ["item", "name", "pk"]

    def __str__(self):
        return self.name


class Convocation(models.Model):
    """One recipient of one session's convocation. The mail itself is in the outbox
    (core.OutboundMessage), one message per version of the session."""

    class Kind(models.TextChoices):
        MEMBER = "member", "Membre"
        SUBSTITUTE = "substitute", "Suppléant"
        COPY = "copy", "Copie pour information (L5211-40-2)"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="convocations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="convocations")
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MEMBER)
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    acknowledged_at = models.DateTimeField("accusé de lecture", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("relance envoyée", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "convocation"
        ordering = ["session", "person__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="uniq_convocation"),
        ]

    def __str__(self):
        return f"{self.person} — {self.session}"


class Proxy(models.Model):
    """A written proxy (pouvoir, L2121-20) from one member to another member of the same body,
    valid for the session it was given for and at most two more consecutive sessions."""

    MAX_SESSIONS = 3

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="proxies")
    giver = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="proxies_given")
    holder = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="proxies_held")
    first_session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    session_count = models.PositiveSmallIntegerField(
        "nombre de séances",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SESSIONS)],
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "pouvoir"
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=models.F("holder")), name="proxy_not_to_self"
            ),
            models.CheckConstraint(
                condition=Q(session_count__gte=1, session_count__lte=3),
                name="proxy_at_most_three_sessions",
            ),
        ]

    def __str__(self):
        return f"{self.giver} → {self.holder}"


class Reply(models.Model):
    """A member's answer to a convocation. Every answer is kept (history); the current one is
    flagged. A proxy answer points to its Proxy."""

    class Answer(models.TextChoices):
        PRESENT = "present", "Présent(e)"
        VIDEO = "video", "Présent(e) en visioconférence"
        ABSENT = "absent", "Absent(e)"
        PROXY = "proxy", "Absent(e), donne pouvoir"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="replies")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="replies")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    proxy = models.ForeignKey(
        Proxy, on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    # The holder of a proxy, denormalised so that "one proxy per holder and session" is a
    # database constraint (L2121-20: a member may hold only one proxy).
    proxy_holder = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_current = models.BooleanField(default=True)
    answered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "réponse à la convocation"
        ordering = ["session", "person", "-answered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], condition=Q(is_current=True), name="one_current_reply"
            ),
            models.UniqueConstraint(
                fields=["session", "proxy_holder"],
                condition=Q(is_current=True, proxy_holder__isnull=False),
                name="one_proxy_per_holder",
            ),
            models.CheckConstraint(
                condition=Q(answer="proxy", proxy_holder__isnull=False)
                | (~Q(answer="proxy") & Q(proxy_holder__isnull=True)),
                name="proxy_answer_has_holder",
            ),
        ]

    def __str__(self):
        return f"{self.person} : {self.get_answer_display()}"


class AttendanceEvent(models.Model):
    """What the secretariat records during the session: arrivals and departures, each at an
    agenda item (the member is counted from that item on, or no longer from it)."""

    class Kind(models.TextChoices):
        ARRIVAL = "arrival", "Arrivée"
        DEPARTURE = "departure", "Départ"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="+", verbose_name="à partir du point"
    )
    by_video = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "arrivée ou départ"
        ordering = ["session", "recorded_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} de {self.person} ({self.from_item})"


class Recusal(models.Model):
    """A member who withdraws from an item (conflict of interest) is not counted for it."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recusals")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "déport"
        constraints = [models.UniqueConstraint(fields=["item", "person"], name="uniq_recusal")]

    def __str__(self):
        return f"{self.person} se déporte sur {self.item}"


class Vote(models.Model):
    class Method(models.TextChoices):
        SHOW_OF_HANDS = "hands", "À main levée"
        ROLL_CALL = "roll_call", "Scrutin public (appel nominal)"
        SECRET = "secret", "Scrutin secret"

    class Result(models.TextChoices):
        ADOPTED = "adopted", "Adopté"
        REJECTED = "rejected", "Rejeté"

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="vote")
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.SHOW_OF_HANDS)
    votes_for = models.PositiveIntegerField("pour", default=0)
    votes_against = models.PositiveIntegerField("contre", default=0)
    abstentions = models.PositiveIntegerField("abstentions", default=0)
    not_voting = models.PositiveIntegerField("ne prennent pas part au vote", default=0)
    casting_vote_used = models.BooleanField("voix prépondérante du président", default=False)
    result = models.CharField(max_length=10, choices=Result.choices)
    quorum_present = models.PositiveIntegerField("présents", default=0)
    quorum_required = models.PositiveIntegerField("quorum requis", default=0)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "vote"

    def __str__(self):
        return f"{self.item} : {self.get_result_display()}"


class Ballot(models.Model):
    """A named vote, for a roll-call ballot (scrutin public); also records votes cast by proxy."""

    class Choice(models.TextChoices):
        FOR = "for", "Pour"
        AGAINST = "against", "Contre"
        ABSTAIN = "abstain", "Abstention"
        NOT_VOTING = "not_voting", "Ne prend pas part au vote"

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=12, choices=Choice.choices)
    cast_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="voté par (pouvoir)",
    )

    class Meta:
        verbose_name = "bulletin"
        ordering = ["vote", "person__last_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["vote", "person"], name="uniq_ballot")]

    def __str__(self):
        return f"{self.person} : {self.get_choice_display()}"


class MayorsRequest(models.Model):
    """A request of mayors to convene the conférence des maires (L5211-11-3): once one third of
    the mayors have signed, the president must convene it; at most 4 such meetings a year."""

    class Status(models.TextChoices):
        OPEN = "open", "Signatures en cours"
        REACHED = "reached", "Seuil atteint : à convoquer"
        CONVENED = "convened", "Conférence convoquée"
        REFUSED = "refused", "Refusée"

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="mayors_requests")
    subject = models.CharField("objet", max_length=300)
    description = models.TextField("exposé", blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    threshold = models.PositiveSmallIntegerField("signatures requises")
    reached_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "demande de réunion des maires"
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return self.subject


class MayorsRequestSignature(models.Model):
    request = models.ForeignKey(MayorsRequest, on_delete=models.CASCADE, related_name="signatures")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "signature"
        ordering = ["request", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "commune"], name="one_signature_per_commune"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.commune})"


class CalendarFeed(models.Model):
    """A private iCalendar feed URL per user; revoking it issues a new token."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "flux de calendrier"

    def __str__(self):
        return f"Flux de {self.user}"


from conferences.models_minutes import (  # noqa: E402  (registers the minutes models)
    Minutes,
    MinutesSignature,
    MinutesVersion,
    Publication,
    RenderedDocument,
)

__all__ = [
    "AgendaDocument",
    "AgendaItem",
    "AttendanceEvent",
    "Ballot",
    "CalendarFeed",
    "Convocation",
    "MayorsRequest",
    "MayorsRequestSignature",
    "Minutes",
    "MinutesSignature",
    "MinutesVersion",
    "Proxy",
    "Publication",
    "Recusal",
    "RenderedDocument",
    "Reply",
    "Session",
    "Vote",
]
