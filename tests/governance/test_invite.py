import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from core.models import OutboundMessage
from governance.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def _post(client, **data):
    payload = {
        "email": "nouvelle.elue@exemple.test",
        "first_name": "Aude",
        "last_name": "INVENTÉE",
        "role": User.Role.ELECTED,
    }
    payload.update(data)
    return client.post(reverse("governance:invite_user"), payload)


def test_secretariat_invites_and_the_invited_person_sets_a_password(client, secretariat):
    client.force_login(secretariat)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.db.transaction.on_commit", lambda f, using=None, robust=False: f())
        response = _post(client)
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.elue@exemple.test")
    assert user.epci_id == secretariat.epci_id
    assert not user.has_usable_password()
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
    assert AuditEvent.objects.filter(action="account.invited", object_id=str(user.pk)).exists()
    message = OutboundMessage.objects.get(dedup_key=f"invitation:user:{user.pk}")
    assert message.status == OutboundMessage.Status.SENT
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)

    client.logout()
    path = link.split("8000", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "Une-phrase-longue-2026", "password2": "Une-phrase-longue-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Une-phrase-longue-2026")


def test_elected_cannot_invite(client, elected):
    client.force_login(elected)
    assert client.get(reverse("governance:invite_user")).status_code == 403
    assert _post(client).status_code == 403
    assert not User.objects.filter(email="nouvelle.elue@exemple.test").exists()


def test_form_error_keeps_what_was_typed(client, secretariat):
    client.force_login(secretariat)
    response = _post(client, role=User.Role.DGS, first_name="Gardée")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Indiquez la commune pour laquelle ce DGS agit." in page
    assert 'value="Gardée"' in page
    assert 'value="nouvelle.elue@exemple.test"' in page
    assert not User.objects.filter(email="nouvelle.elue@exemple.test").exists()


def test_existing_email_is_refused(client, secretariat, elected):
    client.force_login(secretariat)
    response = _post(client, email=elected.email.upper())
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse." in response.content.decode()
    assert OutboundMessage.objects.count() == 0


def test_cannot_invite_a_dgs_for_another_epci_commune(client, secretariat, other_epci):
    from tests.factories import CommuneFactory

    foreign = CommuneFactory(epci=other_epci)
    client.force_login(secretariat)
    response = _post(client, role=User.Role.DGS, commune=foreign.pk)
    assert response.status_code == 200
    assert not User.objects.filter(email="nouvelle.elue@exemple.test").exists()


def test_no_open_signup(client):
    response = client.get(reverse("account_signup"))
    assert "les inscriptions sont actuellement fermées" in response.content.decode()
    client.post(
        reverse("account_signup"),
        {
            "email": "intrus@exemple.test",
            "password1": "Une-phrase-longue-2026",
            "password2": "Une-phrase-longue-2026",
        },
    )
    assert not User.objects.filter(email="intrus@exemple.test").exists()


def test_accounts_are_created_by_email():
    user = User.objects.create_user(email="Quelquun@Exemple.TEST", password="x-long-password")
    assert user.email == "quelquun@exemple.test"
    assert user.check_password("x-long-password")
    admin = User.objects.create_superuser(email="admin@exemple.test", password="y")
    assert admin.is_superuser and admin.is_staff and admin.role == User.Role.SECRETARIAT
