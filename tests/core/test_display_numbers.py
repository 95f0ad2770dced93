"""core.display for numbers, days and URLs prints exactly what the filters and {% url %} print."""

import datetime as dt

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import translation

from core.display import day, thousands, url_maker


@pytest.mark.parametrize(
    "value", [dt.date(2026, 3, 16), dt.date(2027, 12, 1), dt.date(999, 1, 2), None]
)
def test_day_is_the_date_filter(value):
    assert day(value) == date_filter(value, "d/m/Y")


def test_day_of_none_is_empty():
    assert day(None) == ""
    assert day(dt.date(2026, 3, 5)) == "05/03/2026"


@pytest.mark.parametrize("value", [0, 7, 999, 1000, 20_480, 1_939_077, -1234, 10**9])
@pytest.mark.parametrize("language", ["fr", "en", "de"])
def test_thousands_is_intcomma(value, language):
    with translation.override(language):
        assert thousands()(value) == intcomma(value)


def test_thousands_in_french_uses_a_no_break_space():
    with translation.override("fr"):
        assert thousands()(1_939_077) == "1\xa0939\xa0077"


@pytest.mark.parametrize("insee_code", ["13001", "2A004", "2B033", "7250395813"])
@pytest.mark.parametrize("pk", [200, 7250395813])
def test_url_maker_is_reverse(pk, insee_code):
    opinion_url = url_maker("referrals:opinion_detail", pk)
    assert opinion_url(insee_code) == reverse("referrals:opinion_detail", args=[pk, insee_code])


@pytest.mark.parametrize("filename", ["a b", "é", "pv 2026 (1).pdf"])
def test_url_maker_quotes_as_reverse_does(filename):
    # A free-text last argument (the INSEE-code converter only lets digits, A and B through).
    publication_url = url_maker("conferences:publication_download", 200)
    assert publication_url(filename) == reverse(
        "conferences:publication_download", args=[200, filename]
    )


@pytest.mark.parametrize("pk", [1, 7250395813, 10**12])
def test_url_maker_with_the_pk_only(pk):
    assert url_maker("referrals:referral_detail")(pk) == reverse(
        "referrals:referral_detail", args=[pk]
    )
    assert url_maker("mutualisation:request_detail")(pk) == reverse(
        "mutualisation:request_detail", args=[pk]
    )
