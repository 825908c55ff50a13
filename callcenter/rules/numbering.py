"""R21 complaint numbers: 2-digit year + 2-digit month + serial restarting every month.

The year and month are those of the site's zone, not UTC: a complaint registered at
23:30 on 31 October in Shanghai is stored as 15:30 UTC the same day, but one registered at
00:30 on 1 November in Shanghai is still 31 October in UTC and must get a November number.

The serial is zero-padded to at least `SERIAL_WIDTH` (4) digits, so that up to 9,999
complaints a month the numbers have one length and sort as text ("26100001"). The
regulation's own form shows two digits (003 "流水编号(××)"), too few for a hotline; four
leaves room without making numbers long to read out on the phone. Beyond 9,999 the serial
simply grows ("261010000") and still parses, though text sorting no longer holds.

Handing out gap-free serials under concurrency is the storage layer's job; this module is
the pure part: the period a number belongs to, its formatting and its parsing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from callcenter.errors import InvalidInput
from callcenter.rules._time import require_aware

SERIAL_WIDTH = 4
_NUMBER = re.compile(rf"(?P<yy>[0-9]{{2}})(?P<mm>[0-9]{{2}})(?P<serial>[0-9]{{{SERIAL_WIDTH},}})")


@dataclass(frozen=True)
class ComplaintNumber:
    """A parsed complaint number. `year` assumes the 2000s (the 2-digit year of R21)."""

    year: int
    month: int
    serial: int

    @property
    def period(self) -> str:
        """The period key ("2610") whose serial sequence this number belongs to."""
        return f"{self.year % 100:02d}{self.month:02d}"

    def __str__(self) -> str:
        return f"{self.period}{self.serial:0{SERIAL_WIDTH}d}"


def period_key(at: datetime, zone: ZoneInfo) -> str:
    """The "YYMM" period of an instant in the site zone; serials restart for each key."""
    require_aware("at", at)
    local = at.astimezone(zone)
    return f"{local.year % 100:02d}{local.month:02d}"


def complaint_number(at: datetime, serial: int, zone: ZoneInfo) -> str:
    """The complaint number for the `serial`-th complaint of the site-local month of `at`."""
    if serial < 1:
        raise ValueError(f"serial must be at least 1, got {serial}")
    return f"{period_key(at, zone)}{serial:0{SERIAL_WIDTH}d}"


def parse_complaint_number(number: str) -> ComplaintNumber:
    """Split a complaint number typed or read back by a person; reject anything malformed.

    Full-width digits typed with a Chinese input method ("２６１００００１") are folded to
    ASCII (NFKC) first; any other non-ASCII digit is rejected. Raises `InvalidInput`
    (error id "invalid-input") so a web handler can return it as is.
    """
    match = _NUMBER.fullmatch(unicodedata.normalize("NFKC", number).strip())
    if match is None:
        raise InvalidInput(
            "complaint_number",
            f"expected YYMM followed by a serial of at least {SERIAL_WIDTH} digits, got {number!r}",
        )
    month = int(match["mm"])
    serial = int(match["serial"])
    if not 1 <= month <= 12:
        raise InvalidInput("complaint_number", f"month {month:02d} does not exist in {number!r}")
    if serial < 1:
        raise InvalidInput("complaint_number", f"serial 0 is never issued, got {number!r}")
    return ComplaintNumber(year=2000 + int(match["yy"]), month=month, serial=serial)
