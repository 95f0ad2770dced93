"""Response targets of the service desk, counted in working days of the commune's département
(the working-day rule itself comes from the legal calendar module)."""

from __future__ import annotations

from datetime import date, timedelta

from governance.legal_calendar import is_working_day


def add_working_days(start: date, days: int, departement: str | None) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, departement):
            remaining -= 1
    return current
