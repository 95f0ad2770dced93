from __future__ import annotations

from django import forms
from django.utils import timezone

from core.forms import ModelMultipleChoiceField
from governance.models import Commune
from mutualisation.models import (
    Domain,
    ServiceOffer,
)
from mutualisation.uploads import ATTACHMENT, SIGNED_CONVENTION

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class UploadField(forms.FileField):
    """A file checked by one of this app's upload policies (mutualisation.uploads)."""

    def __init__(self, *args, policy=ATTACHMENT, **kwargs):
        kwargs.setdefault("validators", [policy])
        super().__init__(*args, **kwargs)


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


class BookingForm(forms.Form):
    item = forms.ModelChoiceField(label="Matériel", queryset=None)
    starts_at = forms.DateTimeField(label="Du", widget=DATETIME)
    ends_at = forms.DateTimeField(label="Au", widget=DATETIME)
    purpose = forms.CharField(label="Usage prévu", max_length=200, required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", "La fin de la réservation doit suivre son début.")
        return cleaned


class ReturnForm(forms.Form):
    damaged = forms.BooleanField(label="Dommages constatés", required=False)
    damage_notes = forms.CharField(
        label="Constat", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MissionForm(forms.Form):
    commune = forms.ModelChoiceField(label="Commune", queryset=None)
    secretary = forms.ModelChoiceField(label="Secrétaire", queryset=None)
    start_date = forms.DateField(label="Du", widget=DATE)
    end_date = forms.DateField(label="Au (inclus)", widget=DATE)
    notes = forms.CharField(
        label="Précisions", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, communes, secretaries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["secretary"].queryset = secretaries
        self.fields["secretary"].label_from_instance = lambda s: s.person.full_name


class SeatForm(forms.Form):
    attendee_name = forms.CharField(label="Nom du participant", max_length=200)
    attendee_email = forms.EmailField(label="Courriel du participant")


class ConventionForm(forms.Form):
    commune = forms.ModelChoiceField(label="Commune", queryset=None)
    options = ModelMultipleChoiceField(
        label="Options souscrites", queryset=None, widget=forms.CheckboxSelectMultiple
    )
    valid_from = forms.DateField(label="En vigueur du", widget=DATE)
    valid_until = forms.DateField(label="Jusqu'au (facultatif)", required=False, widget=DATE)
    signed_on = forms.DateField(label="Signée le (facultatif)", required=False, widget=DATE)
    signed_pdf = UploadField(
        label="Convention signée (PDF, facultatif)", required=False, policy=SIGNED_CONVENTION
    )

    def __init__(self, *args, epci_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(epci_id=epci_id).order_by(
            "name", "pk"
        )
        self.fields["options"].queryset = ServiceOffer.objects.filter(
            epci_id=epci_id, active=True
        ).order_by("position", "name", "pk")


class SignedConventionForm(forms.Form):
    signed_on = forms.DateField(label="Signée le", widget=DATE)
    signed_pdf = UploadField(
        label="Convention signée (PDF, 20 Mo au plus)", policy=SIGNED_CONVENTION
    )


class SavingForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    label = forms.CharField(label="Objet", max_length=200)
    amount = forms.DecimalField(label="Économie (€)", max_digits=12, decimal_places=2, min_value=0)


class ProvisionForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    direction = forms.CharField(label="Direction", max_length=200)
    fte = forms.DecimalField(
        label="ETP mis à disposition", max_digits=7, decimal_places=2, min_value=0
    )


class SurveyForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    description = forms.CharField(
        label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    closes_on = forms.DateField(label="Réponses attendues jusqu'au", required=False, widget=DATE)


class SchemaForm(forms.Form):
    title = forms.CharField(label="Intitulé du schéma", max_length=200)
    consultation = forms.ModelChoiceField(
        label="Saisine des communes (modèle « schéma de mutualisation »)",
        queryset=None,
        required=False,
        empty_label="— pas encore lancée —",
    )

    def __init__(self, *args, consultations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].queryset = consultations


# Query strings are read through forms too: a year of twenty digits or a month 13 falls back to
# the page's default instead of reaching date() (OverflowError) or the database.


class MonthQuery(forms.Form):
    """?annee=&mois= of the equipment calendar; an absent one is the current one."""

    annee = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    mois = forms.IntegerField(min_value=1, max_value=12, required=False)


class YearQuery(forms.Form):
    """?annee= of the statistics."""

    annee = forms.IntegerField(min_value=2000, max_value=2100, required=False)


class BookingQuery(forms.Form):
    """?materiel= preselects an item of the booking form (the calendar's "Réserver" links)."""

    materiel = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
