from django.urls import path

from conferences.replies import views

urlpatterns = [
    path("<int:pk>/reponse/", views.session_reply, name="session_reply"),
]
