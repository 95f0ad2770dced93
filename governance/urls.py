from django.urls import include, path

from governance import views

app_name = "governance"

urlpatterns = [
    path("communes/", views.commune_list, name="commune_list"),
    path("communes/<insee:insee_code>/", views.commune_detail, name="commune_detail"),
    path("instances/", views.body_list, name="body_list"),
    path("instances/<int:pk>/", views.body_detail, name="body_detail"),
    path("", include("governance.seats.urls")),
    path("personnes/<int:pk>/", views.person_detail, name="person_detail"),
    path("secretariat/invitations/", views.invite_user, name="invite_user"),
    path("secretariat/imports/", include("governance.importers.urls")),
    path("secretariat/journal/", include("governance.audit.urls")),
    path("operateur/epci/", include("governance.territory.urls")),
]
