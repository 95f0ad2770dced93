"""Filters of the session calendars (private and public). Parameter names are French because
they show in the page's URL, which people bookmark and share."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from conferences.models import AgendaItem, Session
from governance.models import Body, Commune
from governance.rules import BodyKind


class SessionFilter(django_filters.FilterSet):
    instance = django_filters.ModelChoiceFilter(
        label="Instance",
        field_name="body",
        queryset=Body.objects.none(),
        empty_label="Toutes les instances",
    )
    type = django_filters.ChoiceFilter(
        label="Type d'instance",
        field_name="body__kind",
        choices=BodyKind.choices,
        empty_label="Tous les types",
    )
    commune = django_filters.ModelChoiceFilter(
        label="Commune d'accueil",
        field_name="place_commune",
        queryset=Commune.objects.none(),
        empty_label="Toutes les communes",
    )
    theme = django_filters.CharFilter(
        label="Thème (intitulé ou point de l'ordre du jour)", method="filter_theme"
    )
    du = django_filters.DateFilter(
        label="Du",
        field_name="starts_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    au = django_filters.DateFilter(
        label="Au",
        field_name="starts_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    statut = django_filters.ChoiceFilter(
        label="Statut",
        field_name="status",
        choices=[c for c in Session.Status.choices if c[0] != Session.Status.DRAFT],
        empty_label="Tous les statuts",
    )

    class Meta:
        model = Session
        fields = ["instance", "type", "commune", "theme", "du", "au", "statut"]

    def __init__(
        self,
        *args,
        bodies: QuerySet[Body],
        communes: QuerySet[Commune],
        with_drafts: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.filters["instance"].queryset = bodies.order_by("kind", "name", "pk")
        self.filters["commune"].queryset = communes.order_by("name", "pk")
        if with_drafts:
            self.filters["statut"].extra["choices"] = Session.Status.choices

    def filter_theme(self, queryset, name, value):
        # Exists rather than a join: no duplicate rows, no DISTINCT over the whole page.
        items = AgendaItem.objects.filter(session=OuterRef("pk"), title__icontains=value)
        return queryset.filter(Q(title__icontains=value) | Exists(items))
