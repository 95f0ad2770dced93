"""Display-ready values for the pages that list many rows (the month calendar, "my sessions",
the session page, a consultation's dashboard, the service requests). Their selectors hand the
templates strings built here instead of letting the templates run ``{% url %}``, ``|date``,
``intcomma``, ``|filesizeformat`` or ``|linebreaks`` once per row: one ``reverse()`` per URL
name, each value formatted once, with the same functions and names the template filters use
(active language, current time zone), so the page reads exactly the same."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import cache
from urllib.parse import quote

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.html import linebreaks
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe

# Stands for the last URL argument during the single reverse(): digits only, accepted by the
# int, str and slug converters and left alone by URL quoting.
_MARKER = "8642097531"
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


class Row:
    """Base of the display-ready rows (dataclasses). A template looks ``row.name`` up as
    ``row["name"]`` first and only then as an attribute: answering the key lookup spares the
    exception that each lookup on a plain object costs, hundreds of times on a long page."""

    def __getitem__(self, name: str):
        try:
            return getattr(self, name)
        except (AttributeError, TypeError):
            raise KeyError(name) from None


def url_maker(viewname: str, *args) -> Callable[[object], str]:
    """reverse(viewname, args=(*args, value)) for many values of the last argument, from one
    reverse(): the URL is built once around a marker, each value takes the marker's place
    (quoted as reverse() quotes it). The values must be valid for the route's last converter
    (pks, INSEE codes): unlike reverse(), the function does not check them."""
    head, found, tail = reverse(viewname, args=(*args, _MARKER)).rpartition(_MARKER)
    if not found:  # pragma: no cover - a route that does not print its last argument
        raise ValueError(f"{viewname}: the last argument does not appear in the URL")
    return lambda value: f"{head}{quote(str(value), safe=_SAFE)}{tail}"


def pk_url(name: str) -> Callable[[int], str]:
    """url_maker for a URL whose only argument is an integer pk: anything else is refused
    (ValueError) rather than spliced into the path."""
    url = url_maker(name)
    return lambda pk: url(f"{pk:d}")


def date_label(value: datetime.date | datetime.datetime | None, fmt: str) -> str:
    """``{{ value|date:fmt }}`` for a format string such as "F Y" (not a setting name like
    "SHORT_DATE_FORMAT"): names in the active language, an aware datetime in the current time
    zone."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, fmt)


def date_labels() -> Callable[[datetime.date | datetime.datetime | None, str], str]:
    """date_label with a cache for one page: the month names of a calendar grid. Build one per
    request (the language and time zone are the request's)."""
    return cache(date_label)


def long_datetime(value: datetime.datetime, *, weekday: bool = True) -> str:
    """``{{ value|date:"l j F Y à H:i" }}`` ("jeudi 12 mars 2031 à 18:00"), or without the
    weekday ``{{ value|date:"j F Y à H:i" }}``: the lists show one per row, so it is composed
    here from the names the date filter uses rather than by the generic formatter, which costs
    several times more."""
    local = timezone.localtime(value)
    text = (
        f"{local.day} {MONTHS[local.month]} {local.year:04d} à {local.hour:02d}:{local.minute:02d}"
    )
    return f"{WEEKDAYS[local.weekday()]} {text}" if weekday else text


def iso_datetime(value: datetime.datetime) -> str:
    """``{{ value|date:'c' }}`` (ISO 8601 in the current time zone), for ``<time datetime>``."""
    return timezone.localtime(value).isoformat()


def time_label(value: datetime.datetime) -> str:
    """``{{ value|time:'H:i' }}``."""
    local = timezone.localtime(value)
    return f"{local.hour:02d}:{local.minute:02d}"


def file_size(size: int) -> str:
    """``{{ size|filesizeformat }}`` ("1,2 Mio", with a no-break space)."""
    return filesizeformat(size)


def paragraphs(text: str) -> SafeString:
    """``{{ text|linebreaks }}``: the text escaped, in <p> paragraphs, single newlines as <br>."""
    return mark_safe(linebreaks(text, autoescape=True))


def day(value: datetime.date | None) -> str:
    """A date as `|date:"d/m/Y"` prints it (16/03/2026); "" for None, as the filter. For
    DateField values: a datetime would not be converted to local time."""
    if not value:
        return ""
    return f"{value.day:02}/{value.month:02}/{value.year:04}"


def thousands() -> Callable[[int], str]:
    """`intcomma` for many integers: the active language's separator is looked up once
    (1 939 077 in French, with a no-break space)."""
    separator = formats.get_format("THOUSAND_SEPARATOR")
    if formats.get_format("NUMBER_GROUPING") != 3:
        return lambda value: formats.number_format(value, force_grouping=True)
    return lambda value: f"{value:,}".replace(",", separator)
