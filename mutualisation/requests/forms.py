"""Forms of the service requests. They validate input (files: this app's upload policies) and hold
no business rule."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from mutualisation.models import Domain
from mutualisation.uploads import UploadField
from mutualisation.widgets import DATE


class RequestForm(forms.Form):
    subject = forms.CharField(label="Objet", max_length=200)
    domain = forms.ChoiceField(label="Domaine", choices=Domain.choices)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 6}))
    desired_start = forms.DateField(label="Souhaitée à partir du", required=False, widget=DATE)
    desired_end = forms.DateField(label="Souhaitée jusqu'au", required=False, widget=DATE)
    attachment = UploadField(
        label="Pièce jointe (facultative)",
        required=False,
        help_text="PDF, image ou document bureautique, 20 Mo au plus.",
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("desired_start"), cleaned.get("desired_end")
        if start and end and end < start:
            self.add_error("desired_end", "La date de fin souhaitée précède la date de début.")
        return cleaned


class AcceptForm(forms.Form):
    agent = forms.ModelChoiceField(label="Agent en charge", queryset=None, empty_label=None)

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents


class DeclineForm(forms.Form):
    reason = forms.CharField(label="Motif du refus", widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label="Réponse", widget=forms.Textarea(attrs={"rows": 6}))


class MessageForm(forms.Form):
    body = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 4}))


class TimeForm(forms.Form):
    minutes = forms.IntegerField(label="Durée (minutes)", min_value=1, max_value=24 * 60)
    spent_on = forms.DateField(label="Date", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="Note", max_length=200, required=False)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Votre satisfaction",
        coerce=int,
        choices=[(n, f"{n} sur 5") for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(forms.Form):
    file = UploadField(label="Fichier", help_text="20 Mo au plus.")
