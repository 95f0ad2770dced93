"""Forms of the schéma's figures and of the statistics' year."""

from __future__ import annotations

from django import forms


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


class YearQuery(forms.Form):
    """?annee= of the statistics."""

    annee = forms.IntegerField(min_value=2000, max_value=2100, required=False)
