"""The product's one clock: every stored or compared instant is an aware UTC datetime.

Times are kept in UTC and shown in the site's zone (`CALLCENTER_TIMEZONE`); code that needs
"now" calls `utcnow` (or takes it as a parameter so tests can set the time), never
`datetime.now()` without a zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Now, as an aware UTC instant."""
    return datetime.now(UTC)


def iso(value: datetime | date | None) -> str | None:
    """JSON form of a stored time: ISO 8601, UTC for instants."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


__all__ = ["iso", "utcnow"]
