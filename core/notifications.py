"""Notifications: what a kind of message says, declared once, and sent through the outbox.

A ``Notification`` names its category (kept on the outbox row), its subject as a one-line
template, its text template and, optionally, its HTML template. A feature declares its
notifications next to the service that sends them and builds one ``Email`` per recipient:

    TRANSMISSION = Notification(
        category="referral",
        subject="Saisine de l'EPCI : {{ referral.subject }}",
        text="email/referrals/transmission.txt",
    )
    queue_emails(emails=[TRANSMISSION.email(dedup_key=..., to_email=..., context={...})])

Every message still goes through ``core.services.queue_emails``: persisted first under its
dedup key, then sent by id, so a service or a task that runs twice sends it once.

Subjects are plain text (a mail header, not HTML): rendered without autoescaping, so that an
apostrophe in a name stays an apostrophe, and cut at the 250 characters of
``OutboundMessage.subject``. A fan-out to thousands of recipients renders its text once
(``render``) and only adds each recipient's greeting (``Rendered.email(greeting=...)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.template import Context, Engine
from django.template.loader import render_to_string

from core.services import Email

# OutboundMessage.subject's max_length.
SUBJECT_LENGTH = 250

# Subjects are headers: no HTML escaping. The built-in filters (|date, |lower...) are available.
_SUBJECT_ENGINE = Engine()


@dataclass(frozen=True)
class Rendered:
    """One notification rendered for one context: the same subject and texts for each of its
    recipients."""

    category: str
    subject: str
    text: str
    html: str = ""

    def email(
        self,
        *,
        dedup_key: str,
        to_email: str,
        to_name: str = "",
        greeting: str = "",
        attachments: tuple[dict, ...] = (),
    ) -> Email:
        """The message to one recipient; ``greeting`` (e.g. "Bonjour Jeanne Martin,") heads
        the text, followed by a blank line."""
        return Email(
            dedup_key=dedup_key,
            category=self.category,
            to_email=to_email,
            to_name=to_name,
            subject=self.subject,
            body_text=f"{greeting}\n\n{self.text}" if greeting else self.text,
            body_html=self.html,
            attachments=attachments,
        )


@dataclass(frozen=True)
class Notification:
    category: str
    subject: str  # a template string, rendered on one line without autoescaping
    text: str  # template name
    html: str = ""  # template name; none: a text-only message

    @cached_property
    def _subject_template(self):
        return _SUBJECT_ENGINE.from_string(self.subject)

    def render(self, context: dict) -> Rendered:
        return Rendered(
            category=self.category,
            subject=self._subject_template.render(Context(context, autoescape=False))[
                :SUBJECT_LENGTH
            ],
            text=render_to_string(self.text, context),
            html=render_to_string(self.html, context) if self.html else "",
        )

    def email(
        self,
        *,
        dedup_key: str,
        to_email: str,
        to_name: str = "",
        context: dict,
        attachments: tuple[dict, ...] = (),
    ) -> Email:
        """The message to one recipient, rendered for them (``context``)."""
        return self.render(context).email(
            dedup_key=dedup_key, to_email=to_email, to_name=to_name, attachments=attachments
        )
