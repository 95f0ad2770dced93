from django.urls import path

from conferences.mayors import views

urlpatterns = [
    path("demandes-des-maires/", views.mayors_request_list, name="mayors_request_list"),
    path(
        "demandes-des-maires/<int:pk>/", views.mayors_request_detail, name="mayors_request_detail"
    ),
]
