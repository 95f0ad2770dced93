from django.urls import path

from conferences.sessions import views

urlpatterns = [
    path("gestion/", views.session_manage_list, name="session_manage_list"),
    path("nouvelle/", views.session_create, name="session_create"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/modifier/", views.session_edit, name="session_edit"),
    path("<int:pk>/ordre-du-jour/", views.session_agenda, name="session_agenda"),
    path("points/<int:pk>/modifier/", views.item_edit, name="item_edit"),
    path("points/<int:pk>/deplacer/", views.item_move, name="item_move"),
    path("points/<int:pk>/retirer/", views.item_remove, name="item_remove"),
    path("points/<int:pk>/document/", views.item_upload, name="item_upload"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
]
