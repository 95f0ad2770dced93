"""The upload form of official files (secretariat)."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from governance.models import ImportRun

ALLOWED_EXTENSIONS = (".csv", ".xlsx")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier officiel"),
        help_text=_(
            "CSV en UTF-8 (tel que publié par l'INSEE, la DGCL ou le ministère de l'Intérieur) "
            "ou classeur .xlsx de la DGCL. Le type est reconnu d'après l'en-tête."
        ),
        error_messages={
            "required": _("Choisissez un fichier."),
            "empty": _("Le fichier est vide."),
            "invalid": _("Ce n'est pas un fichier valide."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )
    kind = forms.ChoiceField(
        label=_("Type de fichier"),
        choices=ImportRun.Kind.choices,
        initial=ImportRun.Kind.AUTO,
        error_messages={"invalid_choice": _("Type de fichier inconnu.")},
    )
    vintage = forms.IntegerField(
        label=_("Millésime des populations (facultatif)"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_(
            "Pour le fichier des populations légales de l'INSEE, dont le nom ne porte pas "
            "l'année (par exemple 2023)."
        ),
        error_messages={
            "invalid": _("Indiquez une année, par exemple 2023."),
            "min_value": _("Indiquez une année à partir de 1990."),
            "max_value": _("Indiquez une année avant 2100."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(
                _("Seuls les fichiers .csv et .xlsx sont acceptés."), code="extension"
            )
        if upload.size > settings.IMPORT_MAX_UPLOAD_SIZE:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale de %(max)s."),
                code="too_large",
                params={"max": filesizeformat(settings.IMPORT_MAX_UPLOAD_SIZE)},
            )
        return upload
