"""Forms of the attendance, vote and second convocation pages. Choices come from lists the
selectors already loaded, so validating a form runs no query."""

from __future__ import annotations

from django import forms

from conferences.models import Ballot, Proxy, Reply, Vote
from core.forms import DateTimeLocalInput
from governance.models import Person


def person_choices(people) -> list[tuple[str, str]]:
    return [(str(p.pk), f"{p.last_name} {p.first_name}") for p in people]


class MovementForm(forms.Form):
    KINDS = [("arrival", "Arrivée"), ("departure", "Départ")]

    person = forms.TypedChoiceField(label="Membre", coerce=int)
    from_item = forms.TypedChoiceField(label="À partir du point", coerce=int)
    by_video = forms.BooleanField(label="En visioconférence", required=False)
    kind = forms.ChoiceField(choices=KINDS)

    def __init__(self, *args, people: dict[int, Person], items, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        self.items = {item.pk: item for item in items}
        self.fields["person"].choices = person_choices(people.values())
        self.fields["from_item"].choices = [(str(i.pk), f"{i.position}. {i.title}") for i in items]


class RecusalForm(forms.Form):
    person = forms.TypedChoiceField(label="Membre qui se déporte", coerce=int)
    item = forms.TypedChoiceField(label="Sur le point", coerce=int)

    def __init__(self, *args, people: dict[int, Person], items, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        self.items = {item.pk: item for item in items}
        self.fields["person"].choices = person_choices(
            sorted(people.values(), key=lambda p: (p.last_name, p.first_name, p.pk))
        )
        self.fields["item"].choices = [(str(i.pk), f"{i.position}. {i.title}") for i in items]


class OpinionForm(forms.Form):
    opinion = forms.CharField(label="Avis rendu", widget=forms.Textarea(attrs={"rows": 5}))


class VoteForm(forms.Form):
    """Counts for a show of hands or a secret ballot; one named choice per voter for a
    roll-call vote (fields ballot_<person id>)."""

    method = forms.ChoiceField(
        label="Mode de scrutin",
        choices=Vote.Method.choices,
        widget=forms.RadioSelect,
        initial=Vote.Method.SHOW_OF_HANDS,
    )
    votes_for = forms.IntegerField(label="Pour", min_value=0, initial=0, required=False)
    votes_against = forms.IntegerField(label="Contre", min_value=0, initial=0, required=False)
    abstentions = forms.IntegerField(label="Abstentions", min_value=0, initial=0, required=False)
    not_voting = forms.IntegerField(
        label="Ne prennent pas part au vote", min_value=0, initial=0, required=False
    )
    chair_choice = forms.ChoiceField(
        label="Vote du président (à main levée, en cas d'égalité)",
        required=False,
        choices=[("", "—"), ("for", "Pour"), ("against", "Contre"), ("abstain", "Abstention")],
    )

    def __init__(self, *args, voters: list[tuple[Person, Person | None]], **kwargs):
        super().__init__(*args, **kwargs)
        self.voters = voters
        self.ballot_fields = []
        for person, holder in voters:
            name = f"ballot_{person.pk}"
            label = f"{person.last_name} {person.first_name}"
            if holder is not None:
                label += f" (pouvoir à {holder.last_name} {holder.first_name})"
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=False,
                choices=Ballot.Choice.choices,
                widget=forms.RadioSelect,
            )
            self.ballot_fields.append(self[name])

    def clean(self):
        data = super().clean()
        for name in ("votes_for", "votes_against", "abstentions", "not_voting"):
            data[name] = data.get(name) or 0
        if data.get("method") == Vote.Method.ROLL_CALL:
            for person, _holder in self.voters:
                if not data.get(f"ballot_{person.pk}"):
                    self.add_error(f"ballot_{person.pk}", "Indiquez le vote de ce membre.")
        return data

    def ballots(self):
        from conferences.sitting.services import BallotInput

        if self.cleaned_data["method"] != Vote.Method.ROLL_CALL:
            return None
        return [
            BallotInput(
                person=person, choice=self.cleaned_data[f"ballot_{person.pk}"], cast_by=holder
            )
            for person, holder in self.voters
        ]


class SecondConvocationForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Date et heure de la seconde séance",
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class ReplyOnBehalfForm(forms.Form):
    """The secretariat records an answer received by phone or letter."""

    person = forms.TypedChoiceField(label="Membre", coerce=int)
    answer = forms.ChoiceField(label="Réponse", choices=Reply.Answer.choices)
    proxy_holder = forms.TypedChoiceField(
        label="Pouvoir donné à", required=False, coerce=int, empty_value=None
    )
    session_count = forms.TypedChoiceField(
        label="Pour",
        coerce=int,
        initial=1,
        choices=[
            (n, f"{n} séance{'s' if n > 1 else ''}") for n in range(1, Proxy.MAX_SESSIONS + 1)
        ],
    )

    def __init__(self, *args, people: dict[int, Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        ordered = sorted(people.values(), key=lambda p: (p.last_name, p.first_name, p.pk))
        self.fields["person"].choices = person_choices(ordered)
        self.fields["proxy_holder"].choices = [("", "—"), *person_choices(ordered)]
