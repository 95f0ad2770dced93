"""URLs of the shared services: one namespace, the features' patterns side by side."""

from mutualisation.catalogue import urls as catalogue
from mutualisation.reports import urls as reports
from mutualisation.requests import urls as requests
from mutualisation.scheduling import urls as scheduling
from mutualisation.surveys import urls as surveys

app_name = "mutualisation"

urlpatterns = [
    *catalogue.urlpatterns,
    *requests.urlpatterns,
    *scheduling.urlpatterns,
    *reports.urlpatterns,
    *surveys.urlpatterns,
]
