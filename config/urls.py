from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
    path("seances/", include("conferences.urls")),
    path("services/", include("mutualisation.urls")),
    path("saisines/", include("referrals.urls")),
    path("", include("governance.urls")),
]
