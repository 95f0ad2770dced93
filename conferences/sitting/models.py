"""What happens during the sitting: arrivals and departures, recusals, votes and ballots."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from conferences.sessions.models import AgendaItem, Session
from governance.models import Person, User


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
