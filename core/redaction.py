"""Secrets that travel in URL paths (convocation links, private calendar feeds, set-password
keys) kept out of the logs: an access log line is read by more people, and kept longer, than
the mail that carried the link."""

from __future__ import annotations

import logging
import re

# The path segment after each of these is a credential.
_SECRET_SEGMENT = re.compile(
    r"(/convocation/|/flux/|/password/reset/key/|/accuse-reception/)[^/\s?#\"']+"
)
MASK = "[masqué]"


def redact_secrets(text: str) -> str:
    return _SECRET_SEGMENT.sub(lambda m: m.group(1) + MASK, text)


class RedactSecretsFilter(logging.Filter):
    """On the handlers: every record, whatever its logger (runserver's django.server, the
    "Not Found: <path>" warnings of django.request...), is written with the secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
