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
}
# fmt: on

# Bodies sent with the POST (default: empty).
POST_DATA: dict[str, dict] = {}

REFUSED = ("login", "403", "404", "405")


def _read_only_row(name: str) -> str:
    """A read-only view: 405 to a POST, after the login wall where the page has one."""
    anonymous = "login" if EXPECT[name].split()[0] == "login" else "405"
    return " ".join([anonymous] + ["405"] * (len(PERSONAS) - 1))


def expected_row(name: str) -> str:
    return POST_EXPECT.get(name) or _read_only_row(name)


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
        expected = expected_row(name).split()[column]
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
            hint = (
                "" if name in POST_EXPECT else " (vue acceptant un POST : ajoutez-la à POST_EXPECT)"
            )
            failures.append(
                f"{name} ({url}) : attendu {expected}, obtenu {_describe(response)}{hint}"
            )
        elif expected in REFUSED and after != before:
            failures.append(
                f"{name} ({url}) : POST refusé ({expected}) mais journal/outbox {before} → {after}"
            )
    assert not failures, f"{persona} :\n" + "\n".join(failures)
