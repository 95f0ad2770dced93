from __future__ import annotations

from django import forms

from governance.seats.uploads import ORDER_PDF


class CouncilOrderForm(forms.Form):
    renewal_year = forms.IntegerField(
        label="Renouvellement général de", min_value=2020, max_value=2100
    )
    signed_on = forms.DateField(
        label="Date de l'arrêté", widget=forms.DateInput(attrs={"type": "date"})
    )
    number = forms.CharField(label="Numéro de l'arrêté", max_length=80)
    file = forms.FileField(
        label="Arrêté en PDF (20 Mo au plus)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        validators=[ORDER_PDF],
    )
