"""core.display prepares in Python what the long pages used to compute per row in the
template (URL, dates, sizes, paragraphs): each helper must give exactly what the template tag or
filter it replaces gives."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core import display

UTC = datetime.UTC
PARIS = ZoneInfo("Europe/Paris")


def _filter(expression: str, **values) -> str:
    with translation.override("fr"):
        return Template("{% autoescape off %}" + expression + "{% endautoescape %}").render(
            Context(values)
        )


aware_datetimes = st.datetimes(
    min_value=datetime.datetime(1900, 1, 2),
    max_value=datetime.datetime(2999, 12, 30),
    timezones=st.just(UTC),
)


class TestPkUrl:
    @pytest.mark.parametrize(
        "name", ["conferences:session_detail", "conferences:document_download"]
    )
    def test_same_as_reverse(self, name):
        url = display.pk_url(name)
        for pk in (1, 7, 608, 8642097531, 10**12):
            assert url(pk) == reverse(name, args=[pk])

    def test_keeps_the_script_prefix(self):
        set_script_prefix("/portail/")
        try:
            assert display.pk_url("conferences:session_detail")(12) == reverse(
                "conferences:session_detail", args=[12]
            )
            assert display.pk_url("conferences:session_detail")(12).startswith("/portail/")
        finally:
            set_script_prefix("/")

    def test_refuses_what_is_not_an_integer(self):
        with pytest.raises(ValueError):
            display.pk_url("conferences:session_detail")("12/../admin")


class TestDates:
    @settings(max_examples=200, deadline=None)
    @given(value=aware_datetimes)
    def test_long_datetime_is_the_date_filter(self, value):
        with translation.override("fr"):
            assert display.long_datetime(value) == _filter('{{ v|date:"l j F Y à H:i" }}', v=value)
            assert display.long_datetime(value, weekday=False) == _filter(
                '{{ v|date:"j F Y à H:i" }}', v=value
            )

    @settings(max_examples=100, deadline=None)
    @given(value=aware_datetimes)
    def test_iso_and_time_are_the_filters(self, value):
        assert display.iso_datetime(value) == _filter("{{ v|date:'c' }}", v=value)
        assert display.time_label(value) == _filter('{{ v|time:"H:i" }}', v=value)

    def test_shown_in_the_current_time_zone(self):
        # 23:30 UTC on 30 March 2031 is already the 31st in Paris (summer time: UTC+2).
        value = datetime.datetime(2031, 3, 30, 23, 30, tzinfo=UTC)
        with translation.override("fr"):
            assert display.long_datetime(value) == "lundi 31 mars 2031 à 01:30"
            assert display.iso_datetime(value) == "2031-03-31T01:30:00+02:00"
            assert display.time_label(value) == "01:30"
            with timezone.override(UTC):
                assert display.long_datetime(value) == "dimanche 30 mars 2031 à 23:30"

    @pytest.mark.parametrize(
        "fmt,value",
        [
            ("F Y", datetime.date(2031, 2, 1)),
            ("M", datetime.date(2030, 12, 30)),
            ("W", datetime.date(2030, 12, 30)),
            ("j F Y", datetime.date(2031, 2, 24)),
            ("d/m/Y à H\\hi", datetime.datetime(2031, 10, 26, 1, 30, tzinfo=UTC)),
            ("l j F Y", datetime.datetime(2031, 10, 25, 22, 30, tzinfo=UTC)),
        ],
    )
    def test_date_label_is_the_date_filter(self, fmt, value):
        with translation.override("fr"):
            assert display.date_label(value, fmt) == _filter("{{ v|date:f }}", v=value, f=fmt)
        assert display.date_label(None, fmt) == ""

    def test_date_labels_caches_for_one_page(self):
        labels = display.date_labels()
        first = labels(datetime.date(2031, 3, 1), "F Y")
        assert labels(datetime.date(2031, 3, 1), "F Y") is first
        assert labels.cache_info().hits == 1
        assert display.date_labels().cache_info().currsize == 0  # a new page starts empty


class TestTexts:
    @pytest.mark.parametrize("size", [0, 15, 1023, 1024, 2048, 1_500_000, 3 * 1024**3])
    def test_file_size_is_filesizeformat(self, size):
        with translation.override("fr"):
            assert display.file_size(size) == _filter("{{ s|filesizeformat }}", s=size)

    @pytest.mark.parametrize(
        "text",
        [
            "Une ligne",
            "Premier & <b>gras</b>\nsuite\r\n\r\nSecond « cité »",
            "a\n\n\n\nb\rc",
            "<script>alert(1)</script>",
        ],
    )
    def test_paragraphs_is_linebreaks_escaped(self, text):
        expected = Template("{{ t|linebreaks }}").render(Context({"t": text}))
        assert display.paragraphs(text) == expected
        assert "<script>" not in display.paragraphs(text)


@dataclass
class _Row(display.Row):
    title: str
    position: str


def test_rows_read_by_templates_like_objects():
    row = _Row(title="Budget & <annexes>", position="3")
    rendered = Template("{{ r.position }}. {{ r.title }}|{{ r.missing }}|{{ r.0 }}").render(
        Context({"r": row})
    )
    assert rendered == "3. Budget &amp; &lt;annexes&gt;||"
    assert row["title"] == row.title
    with pytest.raises(KeyError):
        row["missing"]
