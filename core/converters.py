"""Path converters narrower than `str`, so that a path segment that cannot be what the view looks
up is a 404 from the resolver and never reaches the database: PostgreSQL refuses a NUL byte in a
text parameter (a DataError, i.e. a 500), where `str` lets `%00` through.

Numbers need no converter of their own: since Django 5.0 an `int` too large for its column makes
the lookup empty (IntegerFieldOverflow), a 404 on SQLite and PostgreSQL alike."""

from __future__ import annotations

from django.urls.converters import StringConverter


class TokenConverter(StringConverter):
    """A secret of a link (secrets.token_urlsafe: base64url alphabet), at most the 64
    characters its column holds."""

    regex = "[A-Za-z0-9_-]{1,64}"


class InseeCodeConverter(StringConverter):
    """The characters of a commune's INSEE code: digits, and A or B for Corsica (2A004). Whether
    the code is well formed and exists is the lookup's business (a 404); the length is left
    open so that core.display.url_maker can build the URL around its numeric marker."""

    regex = "[0-9AB]+"


class ExportFormatConverter(StringConverter):
    """`<export_format:fmt>`: only the formats of core.exports reach a view, so a crafted
    extension ("reponses.html", 'reponses.csv";filename="x.html') is a 404."""

    regex = "csv|xlsx"
