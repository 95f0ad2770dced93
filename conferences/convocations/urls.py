from django.urls import path

from conferences.convocations import views

urlpatterns = [
    path("<int:pk>/convoquer/", views.session_convene, name="session_convene"),
    path("<int:pk>/annuler/", views.session_cancel, name="session_cancel"),
    path("<int:pk>/reporter/", views.session_postpone, name="session_postpone"),
    path("<int:pk>/destinataires/", views.session_recipients, name="session_recipients"),
    path("convocation/<token:token>/", views.convocation_open, name="convocation_open"),
]
