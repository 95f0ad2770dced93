from django import forms

from conferences.models import MayorsRequest
from core.forms import validate_single_line
from governance.models import Body


class MayorsRequestForm(forms.ModelForm):
    body = forms.ModelChoiceField(
        label="Conférence", queryset=Body.objects.none(), empty_label=None
    )

    class Meta:
        model = MayorsRequest
        fields = ["body", "subject", "description"]
        labels = {"subject": "Objet de la réunion demandée", "description": "Exposé des motifs"}
        help_texts = {"description": "Facultatif : pourquoi la conférence doit se réunir."}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        # The subject becomes the subject of the mail to the secretariat.
        self.fields["subject"].validators.append(validate_single_line)
