"""The convocation forms: convening (with the emergency notice) and the reason given when a
session is cancelled or postponed."""

from django import forms


class ConveneForm(forms.Form):
    emergency = forms.BooleanField(label="Convoquer en urgence", required=False)
    emergency_reason = forms.CharField(
        label="Motif de l'urgence", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Motif communiqué aux destinataires", widget=forms.Textarea(attrs={"rows": 3})
    )
