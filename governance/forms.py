from django import forms

from governance.models import Commune, Person, User


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    role = forms.ChoiceField(label="Rôle", choices=User.Role.choices)
    commune = forms.ModelChoiceField(
        label="Commune (pour un DGS)",
        required=False,
        queryset=Commune.objects.none(),
        empty_label="— aucune —",
    )
    person = forms.ModelChoiceField(
        label="Fiche de la personne (facultatif)",
        required=False,
        queryset=Person.objects.none(),
        empty_label="— aucune —",
        help_text="Relie le compte à un élu ou un agent de l'annuaire.",
    )

    def __init__(self, *args, epci_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(epci_id=epci_id).order_by(
            "name", "pk"
        )
        self.fields["person"].queryset = Person.objects.filter(
            epci_id=epci_id, user__isnull=True
        ).order_by("last_name", "first_name", "pk")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == User.Role.DGS and not cleaned.get("commune"):
            self.add_error("commune", "Indiquez la commune pour laquelle ce DGS agit.")
        return cleaned
