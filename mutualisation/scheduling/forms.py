"""Forms of bookings, missions and training seats, and the query strings of their pages."""

from __future__ import annotations

from django import forms

from mutualisation.widgets import DATE, DATETIME


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


# Query strings are read through forms too: a year of twenty digits or a month 13 falls back to
# the page's default instead of reaching date() (OverflowError) or the database.
class MonthQuery(forms.Form):
    """?annee=&mois= of the equipment calendar; an absent one is the current one."""

    annee = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    mois = forms.IntegerField(min_value=1, max_value=12, required=False)


class BookingQuery(forms.Form):
    """?materiel= preselects an item of the booking form (the calendar's "Réserver" links)."""

    materiel = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
