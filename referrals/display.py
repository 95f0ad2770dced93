"""Text for long tables built in Python: the same output as the template's `date:"d/m/Y"` and
`intcomma` filters and as `{% url %}`, without a filter call or a reverse() per row. Selectors
use them to hand display-ready rows to pages that print dozens of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse
from django.utils import formats
from django.utils.http import RFC3986_SUBDELIMS

_MARKER = "7250395813"  # digits: accepted by the int, str and slug path converters
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


def day(value: dt.date | None) -> str:
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


def url_maker(viewname: str, *args) -> Callable[[object], str]:
    """reverse(viewname, args=(*args, value)) for many values of the last argument, from one
    reverse(): the URL is built once around a marker, each value takes the marker's place
    (quoted as reverse() quotes it). The values must be valid for the route's last converter
    (pks, INSEE codes): unlike reverse(), the function does not check them."""
    head, found, tail = reverse(viewname, args=(*args, _MARKER)).rpartition(_MARKER)
    if not found:  # pragma: no cover - a route that does not print its last argument
        raise ValueError(f"{viewname}: the last argument does not appear in the URL")
    return lambda value: f"{head}{quote(str(value), safe=_SAFE)}{tail}"
