"""No query parameter, and no path segment, can make a page answer 500.

Every page of the permission matrix that a persona opens (200 without parameters) is requested
again with hostile query strings: huge and negative integers, floats, empty values, unicode
digits, NUL bytes, very long strings, impossible dates, repeated parameters. The parameters tried
are those the page shows (its GET forms, its own links), those of every FilterSet of the portal,
and a fixed list of common names. The page may fall back to its default, show a form error or
answer 400/404; it never answers 5xx nor raises.

Path segments get the same treatment: a number too large for its column finds nothing (Django
empties the lookup, on SQLite and PostgreSQL alike), and a NUL byte in a token or an INSEE code
is a 404 from the resolver instead of a DataError from PostgreSQL, which refuses NUL in text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import django_filters
import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clients import PortalClient as Client
from tests.security.test_permission_matrix import ARGS, _value, portal_patterns, url_for
from tests.security.world import PERSONAS, build_world

pytestmark = pytest.mark.django_db

# Names pages commonly read, whether or not the page shows them in a form or a link.
COMMON = (
    "annee", "year", "mois", "month", "date", "page", "q", "statut", "status", "commune",
    "body", "instance", "theme", "semaine", "week", "sort", "order", "format", "debut", "fin",
    "etat", "vue", "demande", "materiel", "tardive", "du", "au", "next",
)  # fmt: skip

HUGE = "99999999999999999999"  # > 2**63: overflows a bigint column, and C's int in date()
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "12",
    "13",
    HUGE,
    "-" + HUGE,
    "9" * 400,
    "9223372036854775808",  # 2**63
    "-9223372036854775809",
    "2147483648",  # 2**31
    "1e309",
    "1.5",
    "NaN",
    "inf",
    "²",  # str.isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits: int() accepts them
    "\x00",
    "1\x00",
    "x" * 10_000,
    "é" * 2_000,
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "9999-12",
    "0000-01",
    "2026-02-30",
    "31/12/9999",
    "2026-W53",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
]
SCALAR = st.one_of(
    st.sampled_from(NASTY),
    st.integers().map(str),
    st.floats().map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.text(max_size=40),
)
# One value or the same parameter repeated (?annee=1&annee=2).
VALUE = st.one_of(SCALAR, st.lists(SCALAR, min_size=2, max_size=3))

FUZZ = settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ---------------------------------------------------------------------------- the two reports


def test_equipment_calendar_with_a_year_too_large_shows_the_current_month(client):
    world = build_world()
    client.force_login(world.users["dgs"])
    response = client.get("/services/materiel/", {"annee": HUGE})
    assert response.status_code == 200
    today = timezone.localdate()
    assert (response.context["year"], response.context["month"]) == (today.year, today.month)


def test_statistics_with_a_negative_year_shows_the_default_year(client):
    world = build_world()
    client.force_login(world.users["secretariat"])
    response = client.get("/services/statistiques/", {"annee": "-1"})
    assert response.status_code == 200
    assert response.context["year"] == client.get("/services/statistiques/").context["year"]


def test_new_session_page_ignores_a_body_it_cannot_read_and_404s_an_unknown_request(client):
    world = build_world()
    client.force_login(world.users["secretariat"])
    # "²" passes str.isdigit() but not int(); the others overflow or are not numbers at all.
    for value in ("²", HUGE, "-1", "1.5", "\x00"):
        response = client.get("/seances/nouvelle/", {"instance": value})
        assert response.status_code == 200, value
        assert response.context["form"]["body"].value() is None
        assert client.get("/seances/nouvelle/", {"demande": value}).status_code == 404, value
    response = client.get("/seances/nouvelle/", {"instance": world.council.pk})
    assert response.context["form"]["body"].value() == world.council.pk


# ---------------------------------------------------------------------------- path segments


def test_a_session_number_too_large_for_the_database_is_a_404(client):
    world = build_world()
    client.force_login(world.users["secretariat"])
    assert client.get(f"/seances/{HUGE}/").status_code == 404
    assert client.get(f"/seances/{'9' * 30}/").status_code == 404
    assert client.get(f"/seances/{'9' * 5_000}/").status_code == 404  # beyond int()'s limit


def test_a_nul_byte_in_a_token_or_an_insee_code_is_a_404(client):
    world = build_world()
    client.force_login(world.users["secretariat"])
    assert client.get("/seances/convocation/%00/").status_code == 404
    assert client.get("/seances/flux/%00.ics").status_code == 404
    assert client.get("/communes/%00/").status_code == 404
    assert client.get(f"/saisines/{world.referral.pk}/communes/%00/").status_code == 404


PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
HOSTILE_SEGMENTS = {
    "int": [HUGE, "9223372036854775808", "9" * 5_000],
    "other": ["%00", "a%00b", "x" * 2_000, "%C3%A9" * 100],
}


def _urls_with_a_hostile_segment(world):
    """(name, url, converter) of every URL, one of its path arguments replaced at a time by a
    hostile value, the others taken from the world."""
    for route, name, converters in portal_patterns():
        values = {key: str(_value(world, ARGS[name][key])) for key in converters}
        for match in PLACEHOLDER.finditer(route):
            kind = "int" if match["converter"] == "int" else "other"
            for hostile in HOSTILE_SEGMENTS[kind]:
                url = PLACEHOLDER.sub(
                    lambda m, hostile=hostile, key=match["name"], values=values: (
                        hostile if m["name"] == key else values[m["name"]]
                    ),
                    route,
                )
                yield name, "/" + url, kind


@pytest.mark.parametrize("persona", ["anonymous", "member", "dgs", "secretariat"])
def test_no_path_segment_makes_a_page_fail(client, persona):
    """A number no column can hold finds nothing (never a 2xx); nothing is ever a 5xx."""
    world = build_world()
    if world.users[persona] is not None:
        client.force_login(world.users[persona])
    urls = list(_urls_with_a_hostile_segment(world))
    assert len(urls) >= 200, len(urls)
    failures = []
    for name, url, kind in urls:
        for method in ("get", "post"):
            try:
                code = getattr(client, method)(url).status_code
            except Exception as exc:  # noqa: BLE001 - reported with the URL, like a 500
                failures.append(f"{method.upper()} {url[:120]} ({name}) : {exc!r}")
                continue
            if code >= 500 or (kind == "int" and 200 <= code < 300):
                failures.append(f"{method.upper()} {url[:120]} ({name}) : {code}")
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------- query strings


class ParamFinder(HTMLParser):
    """Names of the query parameters a page uses: fields of its GET forms, keys of its links
    to itself."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_get_form = (a.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._in_get_form and a.get("name"):
            self.names.add(a["name"])
        elif tag == "a" and a.get("href"):
            link = urlsplit(a["href"])
            if link.query and link.path in ("", self.path):
                self.names.update(key for key, _ in parse_qsl(link.query))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def _filterset_names() -> set[str]:
    """The parameters of every FilterSet of the portal's apps."""
    found, todo = set(), [django_filters.FilterSet]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if re.match(r"(conferences|governance|mutualisation|referrals|core)\.", cls.__module__):
            found.update(cls.base_filters)
    return found


@pytest.fixture
def pages_to_fuzz():
    """(client, persona, url name, url, the page's own parameters, the shared ones) of every
    page each persona opens."""
    world = build_world()
    clients = {}
    for persona in PERSONAS:
        clients[persona] = Client()
        if world.users[persona] is not None:
            clients[persona].force_login(world.users[persona])
    shared = set(COMMON) | _filterset_names()
    found = []
    for _, name, converters in portal_patterns():
        url = url_for(world, name, converters)
        for persona in PERSONAS:
            response = clients[persona].get(url)
            if response.status_code != 200:
                continue
            own = set()
            if "html" in response.get("Content-Type", ""):
                finder = ParamFinder(urlsplit(url).path)
                finder.feed(response.content.decode())
                own = finder.names - {"csrfmiddlewaretoken"}
            found.append((clients[persona], persona, name, url, sorted(own), sorted(shared)))
    return found


def test_no_query_parameter_makes_a_page_fail(pages_to_fuzz):
    assert len(pages_to_fuzz) >= 100, len(pages_to_fuzz)
    failures = []
    for client, persona, name, url, own, shared in pages_to_fuzz:
        try:
            _fuzz_page(client, persona, name, url, own, shared)()
        except (AssertionError, ExceptionGroup) as failure:
            # Hypothesis groups distinct failures of one page: each is listed.
            for each in getattr(failure, "exceptions", [failure]):
                failures.append(str(each).splitlines()[0])
    assert not failures, "\n".join(failures)


def _fuzz_page(client, persona, name, url, own, shared):
    # Half of the draws go to the parameters the page itself shows: they are the ones it reads.
    key = st.sampled_from(shared)
    if own:
        key = st.one_of(st.sampled_from(own), key)

    @FUZZ
    @given(params=st.dictionaries(key, VALUE, max_size=4))
    def get(params):
        try:
            response = client.get(url, params)
        except Exception as exc:
            # A crash is what this test looks for: reported with its parameters, like a 500.
            raise AssertionError(f"{name} ({persona}) : {exc!r} pour {params!r}") from exc
        assert response.status_code < 500, (
            f"{name} ({persona}) : {response.status_code} pour {params!r}"
        )

    return get
