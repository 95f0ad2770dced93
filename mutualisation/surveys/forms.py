"""Form of a new needs survey."""

from __future__ import annotations

from django import forms

from mutualisation.widgets import DATE


class SurveyForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    description = forms.CharField(
        label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    closes_on = forms.DateField(label="Réponses attendues jusqu'au", required=False, widget=DATE)
