from django import forms
from django.utils import timezone

from conferences.models import AgendaItem, MayorsRequest, Session
from conferences.sessions.uploads import AGENDA_DOCUMENT
from core.forms import DateTimeLocalInput
from governance.models import Body, Commune, Person


class SessionForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label="Date et heure",
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    video_url = forms.URLField(
        label="Lien de visioconférence", required=False, assume_scheme="https"
    )

    class Meta:
        model = Session
        fields = ["body", "title", "starts_at", "mode", "place_commune", "address", "video_url"]
        help_texts = {"title": "Facultatif (par défaut : « Séance du … »)."}

    def __init__(self, *args, bodies, epci_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies.order_by("kind", "name", "pk")
        self.fields["body"].label = "Instance"
        self.fields["place_commune"].queryset = Commune.objects.filter(epci_id=epci_id).order_by(
            "name", "pk"
        )
        if self.instance.pk:
            self.fields["body"].disabled = True
            self.initial["starts_at"] = timezone.localtime(self.instance.starts_at)


class SessionCreateQuery(forms.Form):
    """The query string of the new-session page: ?instance= preselects a body (link from the
    body's page), ?demande= a reached mayors' request (L5211-11-3 CGCT) to convene. Read through
    a form so that any value, however long or odd, is either one of the user's objects or
    nothing."""

    instance = forms.ModelChoiceField(queryset=Body.objects.none(), required=False)
    demande = forms.ModelChoiceField(queryset=MayorsRequest.objects.none(), required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instance"].queryset = bodies
        self.fields["demande"].queryset = MayorsRequest.objects.filter(
            body__in=bodies, status=MayorsRequest.Status.REACHED
        ).select_related("body")


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "rapporteur", "summary_note"]
        widgets = {"summary_note": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rapporteur"].queryset = (
            Person.objects.filter(memberships__body=body)
            .distinct()
            .order_by("last_name", "first_name", "pk")
        )


class DocumentForm(forms.Form):
    file = forms.FileField(
        label="Document PDF (20 Mo au plus)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        validators=[AGENDA_DOCUMENT],
    )
