from django import forms

from governance.territory.selectors import clean_siren


class SirenForm(forms.Form):
    siren = forms.CharField(
        label="SIREN de l'EPCI",
        max_length=20,
        help_text="9 chiffres, par exemple 200033181.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_siren(self):
        return clean_siren(self.cleaned_data["siren"])


class InstallForm(SirenForm):
    """The preview's confirmation: the SIREN travels again, the service checks it again."""

    secretariat_email = forms.EmailField(
        label="Adresse du premier compte du secrétariat",
        help_text="Cette personne reçoit un lien pour choisir son mot de passe.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siren"].widget = forms.HiddenInput()
