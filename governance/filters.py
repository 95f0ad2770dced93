import django_filters
from django.db.models import Q

from governance.models import Commune, Sector

POPULATION_BRACKETS = [
    ("small", "Jusqu'à 2 000 habitants"),
    ("medium", "De 2 001 à 5 000 habitants"),
    ("large", "Plus de 5 000 habitants"),
]


class CommuneFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou code INSEE", method="filter_q")
    sector = django_filters.ModelChoiceFilter(
        label="Secteur", queryset=Sector.objects.none(), empty_label="Tous les secteurs"
    )
    population = django_filters.ChoiceFilter(
        label="Taille",
        choices=POPULATION_BRACKETS,
        method="filter_population",
        empty_label="Toutes les tailles",
    )

    class Meta:
        model = Commune
        fields = ["q", "sector", "population"]

    def __init__(self, *args, epci_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["sector"].queryset = Sector.objects.filter(epci_id=epci_id).order_by(
            "name", "pk"
        )

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(insee_code__startswith=value))

    def filter_population(self, queryset, name, value):
        if value == "small":
            return queryset.filter(population__lte=2000)
        if value == "medium":
            return queryset.filter(population__gt=2000, population__lte=5000)
        return queryset.filter(population__gt=5000)
