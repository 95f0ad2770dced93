"""The error pages: in French, standalone, and the 500 page without the database."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import RequestFactory
from django.urls import get_resolver, reverse

from portal import views


@pytest.mark.django_db
def test_an_unknown_address_is_a_french_404(client, elected):
    client.force_login(elected)
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Page introuvable" in page
    assert f'href="{reverse("portal:home")}"' in page


@pytest.mark.django_db
def test_a_forbidden_page_is_a_french_403(client, elected):
    client.force_login(elected)
    response = client.get(reverse("governance:invite_user"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_the_handlers_are_the_portals():
    resolver = get_resolver()
    assert resolver.resolve_error_handler(400) is views.bad_request
    assert resolver.resolve_error_handler(403) is views.permission_denied
    assert resolver.resolve_error_handler(404) is views.page_not_found
    assert resolver.resolve_error_handler(500) is views.server_error


def test_a_bad_request_is_a_french_400_without_the_database():
    # No django_db mark: any query would fail the test.
    response = views.bad_request(RequestFactory().get("/"), SuspiciousOperation("x"))
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()


def test_a_server_error_is_a_french_500_without_the_database():
    # No django_db mark: any query would fail the test (the database may be what is down).
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="fr">' in page and "Erreur du serveur" in page


def test_the_403_page_does_not_show_the_exception_text():
    request = RequestFactory().get("/")
    response = views.permission_denied(request, PermissionDenied("détail interne"))
    assert response.status_code == 403
    assert "détail interne" not in response.content.decode()
