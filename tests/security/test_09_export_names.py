"""Crafted export names: the format of a download comes from a fixed list (csv, xlsx; anything
else in the URL is a 404), and the file name is built by the code, sent as exactly one
filename parameter whose extension and content type match the format."""

from __future__ import annotations

import io
import re
from email.message import Message

import pytest
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from tests.security.world import build_world

pytestmark = pytest.mark.django_db

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# A crafted tail in place of the format; ";" and '"' as a browser sends them, percent-encoded.
CRAFTED = [
    "html",
    "csv%22%3Bfilename=%22x.html",
    'csv";filename="x.html',
    "csv.html",
    "html.csv",
    "CSV",
    "xls",
    "xlsx%00",
    "csv%0D%0AX-Injected:%201",
    "",
]


@pytest.fixture
def world(client):
    world = build_world()
    client.force_login(world.users["secretariat"])
    return world


def _exports(world):
    """(URL name, kwargs without the format, formats, expected file name stem)."""
    return [
        ("referrals:answers_export", {"pk": world.collection.pk}, ("csv", "xlsx"),
         f"saisine-{world.collection.pk}"),
        ("mutualisation:statistics_export", {}, ("csv", "xlsx"), "services-mutualises"),
        ("governance:audit_export", None, ("csv",), "journal-audit"),
    ]  # fmt: skip


def _url(name, kwargs, fmt):
    return reverse(name, kwargs={**kwargs, "fmt": fmt}) if kwargs is not None else reverse(name)


def _filenames(disposition: str) -> tuple[int, str | None]:
    """How many filename parameters the header has, and the file name it gives."""
    message = Message()
    message["Content-Disposition"] = disposition
    return len(re.findall(r"filename\*?=", disposition)), message.get_filename()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("tail", CRAFTED)
def test_a_crafted_format_is_a_404(client, world, tail):
    for name, kwargs, formats, _ in _exports(world):
        good = _url(name, kwargs, formats[0])
        assert good.endswith("." + formats[0])
        crafted = good[: -len(formats[0])] + tail
        response = client.get(crafted)
        assert response.status_code == 404, (name, crafted, response.get("Content-Disposition"))


def test_an_unknown_format_cannot_even_be_linked():
    for name in ("referrals:answers_export", "mutualisation:statistics_export"):
        with pytest.raises(NoReverseMatch):
            reverse(
                name, kwargs={"pk": 1, "fmt": "html"} if "referrals" in name else {"fmt": "html"}
            )


# Query parameters a crafted link could add: ignored, never a 500, never in the file name.
QUERIES = [
    {},
    {"format": "html", "filename": 'x.html"', "fmt": "html"},
    {"start": "pas-une-date", "action": "<script>", "page": "-1"},
]


@pytest.mark.parametrize("query", QUERIES)
def test_each_export_has_one_filename_built_by_the_code(client, world, query):
    for name, kwargs, formats, stem in _exports(world):
        for fmt in formats:
            response = client.get(_url(name, kwargs, fmt), query)
            assert response.status_code == 200, (name, fmt)
            assert response["Content-Type"] == CONTENT_TYPES[fmt]
            count, filename = _filenames(response["Content-Disposition"])
            assert response["Content-Disposition"].startswith("attachment;")
            assert (count, filename) == (1, f"{stem}.{fmt}"), response["Content-Disposition"]
            body = _body(response)
            if fmt == "xlsx":
                assert load_workbook(io.BytesIO(body)).active.max_row >= 1
            else:
                assert body.startswith(b"\xef\xbb\xbf")  # a CSV with its BOM, not some HTML
                body.decode("utf-8")
