from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# Django's own admin login checks the password alone: it would skip the TOTP step and the login
# rate limits. Anonymous visitors of /admin/ are sent to the portal's login instead.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
    path("seances/", include("conferences.urls")),
    path("services/", include("mutualisation.urls")),
    path("saisines/", include("referrals.urls")),
    path("", include("portal.urls")),
    path("", include("governance.urls")),
]

# French error pages (portal/views.py).
handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
