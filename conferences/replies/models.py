"""Members' replies to a convocation and the proxies (pouvoirs) they give (L2121-20)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from conferences.sessions.models import Session
from governance.models import Body, Person, User


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
