# ruff: noqa: E501 - the expectation table reads best one URL per line
"""Every URL of the portal × every persona, POSTed → the expected status; a refused POST
changes nothing.

The URLs come from the resolver, filled with the objects of the small world, as in the GET
matrix (tests/security/test_permission_matrix.py, whose ARGS and codes this table shares). A view
that takes a POST has a row in POST_EXPECT; every other view is read-only (require_safe) and
answers 405 to a POST, or sends an anonymous visitor to log in first. So a new view that accepts
a POST without a row here fails the test with its name.

Each POST runs inside a transaction rolled back afterwards, on one world per persona. A POST
that is refused (login, 403, 404, 405) must leave the audit log and the outbox as they were.
The body is empty unless POST_DATA gives one: a refused persona is refused before any form is
read, and an allowed one gets the form again (200), is sent back with a message (3xx), or, for a
file upload without its file, 400.
Scope rule (STYLE.md): outside one's scope 404, inside it without the right 403. Superusers act
as the secretariat of every EPCI and for no commune or member (governance/perms.py).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import resolve

from core.models import OutboundMessage
from governance.models import AuditEvent
from tests.security.test_permission_matrix import (
    EXPECT,
    _describe,
    _matches,
    portal_patterns,
    url_for,
)
from tests.security.world import PERSONAS, build_world

pytestmark = pytest.mark.django_db

# fmt: off
POST_EXPECT = {
    #                                      anon    member  nonmem  dgs     odgs    agent   secr    super   outsid  out_elu out_dgs
    "conferences:session_create":                      "login   403     403     403     403     403     200     403     200     403     403",
    "conferences:session_edit":                        "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:session_agenda":                      "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:session_convene":                     "login   403     404     404     404     403     3xx     3xx     404     404     404",
    "conferences:session_cancel":                      "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:session_postpone":                    "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:item_edit":                           "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:item_move":                           "login   403     404     404     404     403     3xx     3xx     404     404     404",
    "conferences:item_remove":                         "login   403     404     404     404     403     3xx     3xx     404     404     404",
    "conferences:item_upload":                         "login   403     404     404     404     403     400     400     404     404     404",
    # The addressee confirms receipt by a click on the emailed link, signed in or not.
    "conferences:convocation_open":                    "3xx     3xx     403     403     403     403     403     403     403     403     403",
    "conferences:session_reply":                       "login   200     404     404     404     403     403     403     404     404     404",
    "conferences:session_attendance":                  "login   403     404     404     404     403     3xx     3xx     404     404     404",
    "conferences:item_vote":                           "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:session_second_convocation":          "login   403     404     404     404     403     200     200     404     404     404",
    # Everyone creates or revokes their own calendar feed.
    "conferences:feed_settings":                       "login   3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx",
    "conferences:mayors_request_list":                 "login   403     403     403     403     403     403     403     403     403     403",
    "conferences:mayors_request_detail":               "login   403     403     403     403     403     403     403     404     404     404",
    "conferences:minutes_edit":                        "login   403     403     403     403     403     3xx     3xx     404     404     404",
    "conferences:minutes_action":                      "login   403     403     403     403     403     3xx     3xx     404     404     404",
    "conferences:minutes_correction":                  "login   403     403     403     403     403     3xx     3xx     404     404     404",
    "mutualisation:convention_create":     "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:convention_detail":     "login   404     404     403     404     403     200     200     404     404     404",
    "mutualisation:request_create":        "login   403     403     200     200     403     403     403     404     404     404",
    "mutualisation:request_action":        "login   404     404     403     404     3xx     3xx     3xx     404     404     404",
    "mutualisation:booking_create":        "login   403     403     200     200     403     403     403     403     403     200",
    "mutualisation:booking_cancel":        "login   404     404     3xx     404     3xx     3xx     3xx     404     404     404",
    "mutualisation:booking_return":        "login   404     404     403     404     3xx     3xx     3xx     404     404     404",
    "mutualisation:mission_create":        "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:mission_cancel":        "login   404     404     403     404     403     3xx     3xx     404     404     404",
    "mutualisation:training_reserve":      "login   403     403     3xx     3xx     403     403     403     404     404     404",
    "mutualisation:seat_cancel":           "login   404     404     3xx     404     3xx     3xx     3xx     404     404     404",
    "mutualisation:setup_offer_create":    "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:setup_offer_edit":      "login   403     403     403     403     403     200     200     404     404     404",
    "mutualisation:setup_equipment_create": "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:setup_equipment_edit":  "login   403     403     403     403     403     200     200     404     404     404",
    "mutualisation:setup_staff_create":    "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:setup_staff_edit":      "login   403     403     403     403     403     200     200     404     404     404",
    "mutualisation:setup_training_create": "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:setup_training_edit":   "login   403     403     403     403     403     200     200     404     404     404",
    "mutualisation:survey_list":           "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:survey_detail":         "login   403     403     403     403     403     200     200     404     404     404",
    "mutualisation:survey_answer":         "login   403     403     200     200     403     403     403     404     404     404",
    "mutualisation:schema":                "login   403     403     403     403     403     200     403     200     403     403",
    "referrals:referral_create":           "login   403     403     403     403     403     200     403     200     403     403",
    "referrals:referral_send":             "login   404     404     403     403     403     3xx     3xx     404     404     404",
    "referrals:referral_close":            "login   404     404     403     403     403     3xx     3xx     404     404     404",
    "referrals:document_add":              "login   404     404     403     403     403     200     200     404     404     404",
    "referrals:questionnaire_edit":        "login   404     404     403     404     403     200     200     404     404     404",
    "referrals:question_remove":           "login   404     404     403     404     403     3xx     3xx     404     404     404",
    "referrals:opinion_detail":            "login   404     404     200     404     403     403     403     404     404     404",
    "referrals:receipt_record":            "login   404     404     403     404     403     3xx     3xx     404     404     404",
    "referrals:late_deliberation_record":  "login   404     404     403     404     403     200     200     404     404     404",
    "referrals:thread_create":             "login   200     200     403     403     403     403     403     403     200     403",
    "referrals:thread_detail":             "login   200     404     404     404     403     200     200     404     404     404",
    "referrals:thread_assign":             "login   403     404     404     404     403     3xx     3xx     404     404     404",
    "referrals:thread_close":              "login   403     404     404     404     403     3xx     3xx     404     404     404",
    "governance:invite_user":              "login   403     403     403     403     403     200     403     200     403     403",
    "governance:import_list":              "login   403     403     403     403     403     200     403     200     403     403",
    "governance:council_seats":            "login   403     403     403     403     403     200     200     404     404     404",
    "governance:epci_install":             "login   403     403     403     403     403     403     200     403     403     403",
}
# fmt: on

# Bodies sent with the POST (default: empty).
POST_DATA: dict[str, dict] = {}

REFUSED = ("login", "403", "404", "405")


def _read_only_row(url: str) -> str:
    """A read-only view: 405 to a POST, after the login wall unless the view opts out of it."""
    public = getattr(resolve(url).func, "login_required", True) is False
    return " ".join(["405" if public else "login"] + ["405"] * (len(PERSONAS) - 1))


def expected_row(name: str, url: str) -> str:
    return POST_EXPECT.get(name) or _read_only_row(url)


def _counts() -> tuple[int, int]:
    return AuditEvent.objects.count(), OutboundMessage.objects.count()


def test_every_post_row_names_a_url():
    names = {name for _, name, _ in portal_patterns()}
    stale = sorted(set(POST_EXPECT) - names)
    assert not stale, f"Règles POST pour des URL qui n'existent plus : {', '.join(stale)}"
    for name, row in POST_EXPECT.items():
        assert len(row.split()) == len(PERSONAS), f"{name} : {len(PERSONAS)} codes attendus"


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_matrix(client, persona):
    world = build_world()
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    column = PERSONAS.index(persona)
    failures = []
    for _, name, converters in portal_patterns():
        if name not in EXPECT:
            continue  # reported by the GET matrix's test_every_url_has_an_access_rule
        url = url_for(world, name, converters)
        expected = expected_row(name, url).split()[column]
        with transaction.atomic():
            before = _counts()
            try:
                response = client.post(url, POST_DATA.get(name, {}))
            except Exception as exc:  # noqa: BLE001 - reported with the URL, like a 500
                failures.append(f"{name} ({url}) : attendu {expected}, exception {exc!r}")
                transaction.set_rollback(True)
                continue
            after = _counts()
            transaction.set_rollback(True)
        if not _matches(expected, response):
            takes_post = name not in POST_EXPECT and response.status_code != 405
            hint = " (vue acceptant un POST : ajoutez-la à POST_EXPECT)" if takes_post else ""
            failures.append(
                f"{name} ({url}) : attendu {expected}, obtenu {_describe(response)}{hint}"
            )
        elif expected in REFUSED and after != before:
            failures.append(
                f"{name} ({url}) : POST refusé ({expected}) mais journal/outbox {before} → {after}"
            )
    assert not failures, f"{persona} :\n" + "\n".join(failures)
