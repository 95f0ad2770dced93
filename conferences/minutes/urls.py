from django.urls import path

from conferences.minutes import views

urlpatterns = [
    path("<int:pk>/proces-verbal/", views.minutes_edit, name="minutes_edit"),
    path("<int:pk>/proces-verbal/action/", views.minutes_action, name="minutes_action"),
    path("<int:pk>/proces-verbal/correction/", views.minutes_correction, name="minutes_correction"),
    path("<int:pk>/proces-verbal/versions/", views.minutes_versions, name="minutes_versions"),
]
