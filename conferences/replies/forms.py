"""The member's answer to a convocation, with the proxy they may give (L2121-20)."""

from __future__ import annotations

from django import forms

from conferences.models import Proxy, Reply
from conferences.sitting.forms import person_choices
from governance.models import Membership, Person


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(
        label="Ma réponse", choices=Reply.Answer.choices, widget=forms.RadioSelect
    )
    proxy_holder = forms.TypedChoiceField(
        label="Je donne pouvoir à", required=False, coerce=int, empty_value=None
    )
    session_count = forms.TypedChoiceField(
        label="Pour",
        coerce=int,
        initial=1,
        choices=[
            (n, f"{n} séance{'s' if n > 1 else ''}") for n in range(1, Proxy.MAX_SESSIONS + 1)
        ],
        help_text="Un pouvoir vaut pour trois séances consécutives au plus (article L2121-20).",
    )

    def __init__(
        self,
        *args,
        colleagues: list[Person],
        proxies_allowed: bool,
        membership: Membership,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.colleagues = {p.pk: p for p in colleagues}
        may_give = proxies_allowed and membership.role != Membership.Role.SUBSTITUTE
        if may_give:
            self.fields["proxy_holder"].choices = [("", "—"), *person_choices(colleagues)]
        else:
            self.fields["answer"].choices = [
                c for c in Reply.Answer.choices if c[0] != Reply.Answer.PROXY
            ]
            del self.fields["proxy_holder"]
            del self.fields["session_count"]

    def clean(self):
        data = super().clean()
        if data.get("answer") == Reply.Answer.PROXY and not data.get("proxy_holder"):
            self.add_error("proxy_holder", "Indiquez le collègue à qui vous donnez pouvoir.")
        return data

    def holder(self) -> Person | None:
        if self.cleaned_data.get("answer") != Reply.Answer.PROXY:
            return None
        return self.colleagues.get(self.cleaned_data.get("proxy_holder"))
