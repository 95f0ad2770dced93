from django.urls import path

from governance.territory import views

urlpatterns = [
    path("", views.epci_install, name="epci_install"),
]
