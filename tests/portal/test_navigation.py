"""The main navigation, built once per variant (portal/navigation.py): the right links for the
right person, the current entry marked, on the pages themselves."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SECRETARIAT_ONLY = ["Gérer les séances", "Publications à faire", "Inviter", "Imports", "Journal"]


def _nav(html: str) -> list[tuple[str, str, bool]]:
    block = re.search(r'<nav class="main-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return [
        (href, label, bool(current))
        for href, current, label in re.findall(
            r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', block
        )
    ]


def test_an_elected_member_sees_the_common_entries_with_the_current_one_marked(client, elected):
    client.force_login(elected)
    links = _nav(client.get(reverse("conferences:my_sessions")).content.decode())
    labels = [label for _, label, _ in links]
    assert labels[:5] == ["Tableau de bord", "Communes", "Instances", "Mes séances", "Calendrier"]
    assert not set(SECRETARIAT_ONLY) & set(labels)
    assert [label for _, label, current in links if current] == ["Mes séances"]
    assert (reverse("governance:commune_list"), "Communes", False) in links


def test_the_secretariat_sees_its_entries_and_an_application_marks_its_entry(client, secretariat):
    client.force_login(secretariat)
    links = _nav(client.get(reverse("referrals:referral_list")).content.decode())
    labels = [label for _, label, _ in links]
    assert set(SECRETARIAT_ONLY) <= set(labels) and labels[-1] == "Sécurité du compte"
    assert [label for _, label, current in links if current] == ["Saisines"]
    assert (reverse("governance:audit_log"), "Journal", False) in links


def test_an_anonymous_visitor_gets_the_public_navigation(client):
    html = client.get(reverse("conferences:public_calendar")).content.decode()
    labels = [label for _, label, _ in _nav(html)]
    assert labels == ["Séances publiques", "Se connecter"]
