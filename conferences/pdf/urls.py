from django.urls import path

from conferences.pdf import views

urlpatterns = [
    path("<int:pk>/pdf/<str:kind>/", views.session_pdf, name="session_pdf"),
]
