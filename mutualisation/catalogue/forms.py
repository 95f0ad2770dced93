"""Forms of the catalogue: conventions, and the set-up of offers, equipment, lent staff and
training sessions. They validate input and hold no business rule."""

from __future__ import annotations

from django import forms

from core.forms import ModelMultipleChoiceField, validate_single_line
from governance.models import Commune, Person
from mutualisation.models import (
    EquipmentItem,
    ServiceOffer,
    StaffMember,
    TrainingSession,
)
from mutualisation.uploads import SIGNED_CONVENTION, UploadField
from mutualisation.widgets import DATE, DATETIME


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


class _EpciForm(forms.ModelForm):
    def __init__(self, *args, epci_id: int | None, **kwargs):
        self.epci_id = epci_id
        super().__init__(*args, **kwargs)


class OfferForm(_EpciForm):
    class Meta:
        model = ServiceOffer
        fields = [
            "kind",
            "name",
            "description",
            "min_population",
            "max_population",
            "requires_convention",
            "response_days",
            "position",
            "active",
        ]
        labels = {
            "kind": "Type d'offre",
            "name": "Nom",
            "description": "Description",
            "min_population": "Population municipale minimale (incluse, facultatif)",
            "max_population": "Population municipale maximale (incluse, facultatif)",
            "requires_convention": "Réservée aux communes signataires de la convention",
            "response_days": "Délai de réponse cible (jours ouvrés, facultatif)",
            "position": "Ordre d'affichage dans le catalogue",
            "active": "Offre proposée (décocher pour la retirer du catalogue)",
        }
        help_texts = {
            "max_population": "Ex. 4 999 pour « communes de moins de 5 000 habitants ».",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = ServiceOffer.objects.filter(epci_id=self.epci_id, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Une offre porte déjà ce nom.")
        return name

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_population"), cleaned.get("max_population")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_population",
                "La population maximale doit être supérieure ou égale à la population minimale.",
            )
        return cleaned


class EquipmentForm(_EpciForm):
    class Meta:
        model = EquipmentItem
        fields = ["name", "kind", "offer", "needs_driver", "active"]
        labels = {
            "name": "Nom",
            "kind": "Type de matériel",
            "offer": "Offre de prêt",
            "needs_driver": "Prêté avec son chauffeur",
            "active": "Disponible au prêt",
        }
        help_texts = {"offer": "L'option de la convention qui ouvre droit à ce prêt."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = ServiceOffer.objects.filter(
            epci_id=self.epci_id, kind=ServiceOffer.Kind.EQUIPMENT
        ).order_by("position", "name", "pk")
        self.fields["offer"].empty_label = None
        # The name is in the subject of the booking mails.
        self.fields["name"].validators.append(validate_single_line)


class StaffMemberForm(_EpciForm):
    class Meta:
        model = StaffMember
        fields = ["person", "role", "active"]
        labels = {"person": "Agent", "role": "Fonction", "active": "En activité"}
        help_texts = {
            "person": "La personne doit figurer dans l'annuaire de l'EPCI.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(epci_id=self.epci_id).order_by(
            "last_name", "first_name", "pk"
        )
        self.fields["person"].label_from_instance = lambda p: p.full_name


class TrainingSessionForm(_EpciForm):
    class Meta:
        model = TrainingSession
        fields = ["title", "offer", "starts_at", "location", "seats"]
        labels = {
            "title": "Intitulé",
            "offer": "Offre de formation",
            "starts_at": "Début",
            "location": "Lieu (facultatif)",
            "seats": "Nombre de places",
        }
        widgets = {"starts_at": DATETIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = ServiceOffer.objects.filter(
            epci_id=self.epci_id, kind=ServiceOffer.Kind.TRAINING
        ).order_by("position", "name", "pk")
        self.fields["offer"].empty_label = None
        self.fields["seats"].widget.attrs["min"] = 1
        # The title is in the subject of the seat mails.
        self.fields["title"].validators.append(validate_single_line)

    def clean_seats(self):
        seats = self.cleaned_data["seats"]
        if seats is not None and seats < 1:
            raise forms.ValidationError("Une session compte au moins une place.")
        return seats
