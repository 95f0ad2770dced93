"""Unguessable tokens for the links mailed or subscribed to (convocation links, calendar feeds)."""

import secrets


def new_token() -> str:
    return secrets.token_urlsafe(24)
