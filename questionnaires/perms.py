"""Who may write questionnaires: the secretariat of the questionnaire's EPCI (a superuser: any),
asked by the services through governance.perms.ensure; the answers are checked by the app that
asks them (a referral's commune, a survey's commune)."""

from __future__ import annotations

from governance import perms as gov_perms
from questionnaires.models import Questionnaire


def can_create_questionnaire(user, epci) -> bool:
    return gov_perms.can_manage_epci(user, epci.pk)


def can_edit_questionnaire(user, questionnaire: Questionnaire) -> bool:
    return gov_perms.can_manage_epci(user, questionnaire.epci_id)
