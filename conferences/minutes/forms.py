"""Forms of the minutes pages. No rule here: the services decide."""

from __future__ import annotations

from django import forms

from conferences.models import MinutesSignature, Session
from governance.models import Person

DEBATES_HELP = (
    "La teneur des débats. Vous pouvez coller un texte depuis un traitement de texte : seuls "
    "les paragraphes, le gras, l'italique, le souligné, les listes, les intertitres, les "
    "citations, les tableaux et les liens sont conservés ; la mise en forme Word est retirée."
)

STEPS = {
    "start": "Commencer le procès-verbal",
    "submit": "Soumettre à l'adoption de la séance suivante",
    "adopt": "Constater l'adoption",
    "sign": "Enregistrer la signature",
    "publish": "Publier le procès-verbal",
    "publish_deliberations": "Publier la liste des délibérations",
    "publish_opinions": "Publier et diffuser les avis",
}


class DebatesForm(forms.Form):
    debates_html = forms.CharField(
        label="Teneur des débats",
        required=False,
        help_text=DEBATES_HELP,
        widget=forms.Textarea(attrs={"rows": 16}),
    )


class StepForm(forms.Form):
    step = forms.ChoiceField(choices=list(STEPS.items()))
    role = forms.ChoiceField(choices=MinutesSignature.Role.choices, required=False)
    person = forms.ModelChoiceField(
        label="Secrétaire de séance", queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people


class CorrectionForm(forms.Form):
    adopting_session = forms.ModelChoiceField(
        label="Séance qui adopte la correction",
        queryset=Session.objects.none(),
        help_text="Une séance ultérieure de la même instance, déjà ouverte ou tenue.",
    )
    correction_note = forms.CharField(
        label="Objet de la correction",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce qui est corrigé et pourquoi : la mention figure dans l'historique.",
    )
    debates_html = forms.CharField(
        label="Teneur des débats corrigée",
        required=False,
        help_text=DEBATES_HELP,
        widget=forms.Textarea(attrs={"rows": 16}),
    )

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sessions is not None:
            self.fields["adopting_session"].queryset = sessions
            self.fields["adopting_session"].label_from_instance = lambda s: (
                f"{s.display_title} — {s.starts_at:%d/%m/%Y}"
            )
