"""Forms of the mayors' mailbox. They validate input (files: size and real type) and hold no
business rule: the services decide."""

from __future__ import annotations

from django import forms

from core.forms import validate_single_line
from governance.models import User
from referrals.mailbox.models import Theme
from referrals.uploads import ATTACHMENT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked by the field's validators."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class MailboxThreadForm(forms.Form):
    theme = forms.ChoiceField(label="Thème", choices=Theme.choices)
    # Subject of the EPCI's answer by mail: one line.
    subject = forms.CharField(label="Objet", max_length=200, validators=[validate_single_line])
    body = forms.CharField(label="Message", widget=forms.Textarea)
    attachments = MultipleFileField(
        label="Pièces jointes (PDF, images, bureautique ; 20 Mo au plus chacune)",
        validators=[ATTACHMENT],
    )


class MailboxReplyForm(forms.Form):
    body = forms.CharField(label="Réponse", widget=forms.Textarea)
    attachments = MultipleFileField(
        label="Pièces jointes (20 Mo au plus chacune)", validators=[ATTACHMENT]
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="Attribuer à", queryset=User.objects.none())

    def __init__(self, *args, epci_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            epci_id=epci_id, role__in=[User.Role.SECRETARIAT, User.Role.AGENT], is_active=True
        ).order_by("last_name", "first_name", "pk")
