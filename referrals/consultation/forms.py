"""Forms of the consultations. They validate input (files: size and real type)
and hold no business rule: the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.forms import ModelMultipleChoiceField, validate_single_line
from governance.models import Commune, Sector
from referrals.consultation.models import Opinion
from referrals.consultation.rules import DEFAULT_REMINDER_DAYS, PRESETS, LegalBasis, Silence
from referrals.uploads import PDF_DOCUMENT

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _basis_choices():
    return [(basis, f"{label} — {PRESETS[basis].reference}") for basis, label in LegalBasis.choices]


class ReferralForm(forms.Form):
    SCOPE_ALL, SCOPE_SECTOR, SCOPE_LIST = "all", "sector", "list"

    # Subject of the mail to the communes: one line.
    subject = forms.CharField(label="Objet", max_length=250, validators=[validate_single_line])
    description = forms.CharField(label="Description", widget=forms.Textarea, required=False)
    legal_basis = forms.ChoiceField(
        label="Fondement juridique",
        choices=_basis_choices,
        help_text="Le fondement fixe le délai et le sens du silence (sauf « Autre »).",
    )
    months = forms.IntegerField(
        label="Délai en mois (collecte de données ou « Autre »)",
        min_value=0,
        max_value=24,
        required=False,
    )
    days = forms.IntegerField(
        label="Délai en jours (collecte de données ou « Autre »)",
        min_value=0,
        max_value=365,
        required=False,
    )
    silence = forms.ChoiceField(
        label="Sens du silence (« Autre » seulement)",
        choices=[("", "—")] + Silence.choices,
        required=False,
    )
    scope = forms.ChoiceField(
        label="Communes consultées",
        choices=[
            (SCOPE_ALL, "Toutes les communes membres"),
            (SCOPE_SECTOR, "Les communes d'un secteur"),
            (SCOPE_LIST, "Une liste de communes (ou une seule, pour L5211-57)"),
        ],
        widget=forms.RadioSelect,
        initial=SCOPE_ALL,
    )
    sector = forms.ModelChoiceField(label="Secteur", queryset=Sector.objects.none(), required=False)
    communes = ModelMultipleChoiceField(
        label="Communes de la liste",
        queryset=Commune.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    reminder_days = forms.CharField(
        label="Relances (jours avant l'échéance, séparés par des virgules)",
        initial=", ".join(str(d) for d in DEFAULT_REMINDER_DAYS),
        required=False,
    )

    def __init__(self, *args, epci_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.epci_id = epci_id
        self.fields["sector"].queryset = Sector.objects.filter(epci_id=epci_id).order_by(
            "name", "pk"
        )
        self.fields["communes"].queryset = Commune.objects.filter(epci_id=epci_id).order_by(
            "name", "pk"
        )

    def clean_reminder_days(self):
        raw = self.cleaned_data["reminder_days"]
        try:
            days = [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise ValidationError(
                "Indiquez des nombres de jours séparés par des virgules."
            ) from None
        if any(d < 0 or d > 365 for d in days):
            raise ValidationError("Chaque relance est entre 0 et 365 jours avant l'échéance.")
        return days

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        if scope == self.SCOPE_SECTOR and not cleaned.get("sector"):
            self.add_error("sector", "Choisissez le secteur.")
        if scope == self.SCOPE_LIST and not cleaned.get("communes"):
            self.add_error("communes", "Choisissez au moins une commune.")
        return cleaned

    def selected_communes(self):
        scope = self.cleaned_data["scope"]
        communes = Commune.objects.filter(epci_id=self.epci_id)
        if scope == self.SCOPE_SECTOR:
            return list(communes.filter(sector=self.cleaned_data["sector"]))
        if scope == self.SCOPE_LIST:
            return list(self.cleaned_data["communes"])
        return list(communes)


class DocumentForm(forms.Form):
    title = forms.CharField(label="Titre du document", max_length=200)
    file = forms.FileField(label="Fichier (PDF, 20 Mo au plus)", validators=[PDF_DOCUMENT])


class OpinionForm(forms.Form):
    verdict = forms.ChoiceField(
        label="Avis du conseil municipal",
        choices=[(v, Opinion.Verdict(v).label) for v in Opinion.FILED_VERDICTS],
        widget=forms.RadioSelect,
    )
    deliberation_on = forms.DateField(label="Date de la délibération", widget=DATE_INPUT)
    deliberation_number = forms.CharField(label="Numéro de la délibération", max_length=50)
    deliberation_pdf = forms.FileField(
        label="Délibération (PDF, 20 Mo au plus)", required=False, validators=[PDF_DOCUMENT]
    )
    comments = forms.CharField(label="Observations", widget=forms.Textarea, required=False)

    def __init__(self, *args, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_file = has_file
        if has_file:
            self.fields[
                "deliberation_pdf"
            ].help_text = (
                "Une délibération est déjà jointe : n'en choisissez une que pour la remplacer."
            )

    def clean(self):
        cleaned = super().clean()
        if (
            not self.has_file
            and not cleaned.get("deliberation_pdf")
            and "deliberation_pdf" not in self.errors
        ):
            self.add_error("deliberation_pdf", "Joignez la délibération en PDF.")
        return cleaned


class ReceiptForm(forms.Form):
    received_on = forms.DateField(label="Reçue le (notification papier)", widget=DATE_INPUT)


class LateDeliberationForm(forms.Form):
    late_verdict = forms.ChoiceField(
        label="Avis de la délibération tardive",
        choices=[(v, Opinion.Verdict(v).label) for v in Opinion.FILED_VERDICTS],
    )
    late_deliberation_on = forms.DateField(label="Date de la délibération", widget=DATE_INPUT)
    late_deliberation_number = forms.CharField(label="Numéro", max_length=50)
    late_deliberation_pdf = forms.FileField(
        label="Délibération (PDF)", required=False, validators=[PDF_DOCUMENT]
    )
