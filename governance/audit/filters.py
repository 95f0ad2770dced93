"""The audit log's filter: by action and by day."""

from __future__ import annotations

import django_filters
from django import forms

from governance.audit.presenters import ACTION_LABELS
from governance.models import AuditEvent


def _date_filter(label: str, lookup: str) -> django_filters.DateFilter:
    """A day in Paris time (the legal day), entered with the browser's date picker."""
    return django_filters.DateFilter(
        label=label,
        field_name="at",
        lookup_expr=lookup,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label="Action", empty_label="Toutes les actions")
    start = _date_filter("Du", "date__gte")
    end = _date_filter("Au", "date__lte")

    class Meta:
        model = AuditEvent
        fields = ["action", "start", "end"]

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["action"].extra["choices"] = [
            (action, ACTION_LABELS.get(action, action)) for action in actions
        ]
