"""Property-based bad input (hypothesis) on every form and on the importers of official files.

Forms are found, not listed: every page of the permission matrix that a persona can open and
that holds a POST form to itself is fuzzed with its own field names (hostile text, wrong dates,
huge numbers, null bytes, script, and now and then a valid option of a select). A response is
never a 500; a rejected form says why in French and writes nothing (row counts of every table of
the portal's apps unchanged). Importers get real official files (tests/governance/fixtures)
damaged at random: rejected with messages naming the line, nothing written."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.importers.errors import ImportRejected
from governance.importers.services import import_file
from tests.security.test_permission_matrix import portal_patterns, url_for
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "9" * 40,
    "1e309",
    "NaN",
    "2026-02-30",
    "31/12/9999",
    "00:00",
    "<script>alert(1)</script>",
    "'; DROP TABLE governance_user; --",
    "\x00",
    "é" * 500,
    "../../etc/passwd",
]
APPS = ("governance", "conferences", "referrals", "mutualisation", "core")
ENGLISH = ("This field is required", "Enter a valid", "Select a valid choice")


class FormFinder(HTMLParser):
    """The POST forms of a page: their action and their fields (with a select's options)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {
                "action": a.get("action") or "",
                "fields": {},
                "hidden": {},
                "files": False,
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "textarea", "select") and a.get("name"):
            name = a["name"]
            if name == "csrfmiddlewaretoken" or a.get("type") in ("submit", "button"):
                return
            if a.get("type") == "file":
                self._form["files"] = True
                return
            if a.get("type") == "hidden":
                # Not typed by the user (e.g. which form of a page was sent): kept as given.
                self._form["hidden"][name] = a.get("value") or ""
                return
            self._form["fields"].setdefault(name, [])
            self._select = name if tag == "select" else None
        elif tag == "option" and self._select and a.get("value"):
            self._form["fields"][self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def row_counts() -> tuple[tuple[str, int], ...]:
    """Rows of every table of the portal's apps, in one query. Each row is labelled and sorted:
    PostgreSQL does not promise the order of a UNION ALL's branches."""
    tables = [
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.app_label in APPS and m._meta.managed and not m._meta.proxy
    ]
    sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM \"{t}\"" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(sorted(cursor.fetchall()))


def self_posting_forms(client, world, persona):
    """(url, fields) of every page the persona opens with a POST form to the page itself."""
    found = []
    for _, name, converters in portal_patterns():
        url = url_for(world, name, converters)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        finder = FormFinder()
        finder.feed(response.content.decode())
        for form in finder.forms:
            if form["action"] in ("", url) and form["fields"]:
                fields = {k: st.just(v) for k, v in form["hidden"].items()}
                fields.update({k: _value(options) for k, options in form["fields"].items()})
                found.append((name, url, fields))
    return found


def _value(options):
    hostile = st.one_of(st.sampled_from(NASTY), st.text(max_size=300))
    return st.one_of(hostile, st.sampled_from(options)) if options else hostile


# Who fuzzes the forms: each form once, as the first of these who can open it.
FUZZERS = ("secretariat", "dgs", "member")


@pytest.fixture
def forms_to_fuzz(client):
    world = build_world()
    seen, found = set(), []
    for persona in FUZZERS:
        client.force_login(world.users[persona])
        for name, url, fields in self_posting_forms(client, world, persona):
            if name not in seen:
                seen.add(name)
                found.append((persona, name, url, fields))
    return world, found


def test_every_form_rejects_bad_input_cleanly(client, forms_to_fuzz):
    world, forms = forms_to_fuzz
    assert len(forms) >= 15, [name for _, name, _, _ in forms]
    for persona, name, url, fields in forms:
        client.force_login(world.users[persona])
        _fuzz_form(client, name, url, fields)()


def _fuzz_form(client, name, url, fields):
    strategy = st.fixed_dictionaries(fields)

    @FUZZ
    @given(data=strategy)
    def post(data):
        before = row_counts()
        response = client.post(url, data)
        assert response.status_code < 500, f"{name} : {response.status_code} pour {data!r}"
        if response.status_code == 200:  # the form is shown again: rejected
            text = response.content.decode()
            assert row_counts() == before, f"{name} : écriture partielle pour {data!r}"
            assert not any(e in text for e in ENGLISH), f"{name} : message en anglais"
            assert "errorlist" in text or 'role="alert"' in text, (
                f"{name} : refus sans message pour {data!r}"
            )

    return post


FIXTURES = Path(__file__).resolve().parents[1] / "governance" / "fixtures"
OFFICIAL_FILES = [
    "insee_cog2026_v_commune_2026__m2a_amp.csv",
    "insee_populations_legales_2023_donnees_communes__m2a_amp.csv",
    "rne_conseillers_municipaux.csv",
    "dgcl_epcicom2026_sheet_Epcicom2025__m2a_amp.csv",
]


def _damage(content: bytes, draw) -> bytes:
    lines = content.split(b"\n")
    line = draw(st.integers(min_value=1, max_value=max(1, len(lines) - 2)))
    how = draw(st.sampled_from(["cell", "truncate", "bytes", "columns"]))
    if how == "cell":
        cells = lines[line].split(b";" if b";" in lines[line] else b",")
        cell = draw(st.integers(min_value=0, max_value=len(cells) - 1))
        cells[cell] = draw(st.sampled_from(NASTY)).encode("utf-8")
        lines[line] = (b";" if b";" in lines[line] else b",").join(cells)
    elif how == "truncate":
        return content[: draw(st.integers(min_value=0, max_value=len(content)))]
    elif how == "bytes":
        lines[line] = draw(st.binary(min_size=1, max_size=200))
    else:
        lines[line] = lines[line] + b";en-trop;colonnes"
    return b"\n".join(lines)


@pytest.mark.parametrize("filename", OFFICIAL_FILES)
def test_a_damaged_official_file_is_rejected_whole_with_a_french_message(filename, epci):
    content = (FIXTURES / filename).read_bytes()

    @FUZZ
    @given(data=st.data())
    def run(data):
        damaged = _damage(content, data.draw)
        before = row_counts()
        try:
            import_file(fileobj=io.BytesIO(damaged), name=filename, epci=epci, dry_run=True)
        except ImportRejected as rejected:
            # Only the audit row of the rejection is written.
            after = row_counts()
            changed = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if b != a]
            assert len(changed) <= 1, "écriture partielle"
            assert rejected.message and not any(e in rejected.message for e in ENGLISH)

    run()
