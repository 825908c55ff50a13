"""Manager event filters: ask the PBX to send only the events consumers want.

One answered queue call is ~80 AMI events with every class on, ~14 with an include filter for
what the product uses (VarSet and Newexten alone are ~40%). Filters belong to the session, so
they are added after every login.

Two syntaxes are tried, best first: Asterisk 21+/22's match criteria by event name (hashed,
exact; verified on the bench's Asterisk 22 with the `callcenter` user's `system` write
permission), then the legacy POSIX regex over the event text (any Asterisk since 10). Without
`system` permission neither works and the link runs unfiltered; the local parser then skips the
unwanted events before building anything.

A partly applied include filter would silently drop events, so filters are all or nothing: if
the PBX refuses one after accepting others, the session is dropped and the next one tries the
next syntax (or none).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from callcenter.ami.errors import AmiActionFailed, AmiError
from callcenter.ami.protocol import AmiConnection

log = logging.getLogger(__name__)

#: Filter syntaxes, best first.
FILTER_MODES = ("name", "regex")
OFF = "off"


class FiltersPartlyApplied(AmiError):
    """The PBX accepted some filters and refused others: this session must not be used."""

    error_id = "pbx-filter-partial"


def filter_headers(mode: str, name: str) -> dict[str, str]:
    """The `Filter` action's headers that include the events called `name`."""
    if mode == "name":
        return {"Operation": "Add", "MatchCriteria": f"action(include),name({name})"}
    # Legacy: a regex over the whole event text, which starts "Event: <name>\r\n".
    return {"Operation": "Add", "Filter": f"^Event: {name}[[:space:]]"}


class FilterPolicy:
    """Remembers which filter syntax this PBX accepts, across sessions."""

    def __init__(self, enabled: bool = True) -> None:
        self._untried = list(FILTER_MODES) if enabled else []
        #: The syntax in use on the current session, OFF, or None before the first login.
        self.mode: str | None = None

    async def install(
        self, conn: AmiConnection, names: Iterable[str], *, timeout_s: float
    ) -> str:
        """Add include filters for `names` on a fresh session; the syntax used, or OFF."""
        ordered = sorted(names)
        for mode in list(self._untried):
            try:
                await conn.action("Filter", filter_headers(mode, ordered[0]), timeout_s=timeout_s)
            except AmiActionFailed as exc:
                log.warning("AMI %s filters refused (%s); trying the next kind", mode, exc)
                self._untried.remove(mode)
                continue
            results = await asyncio.gather(
                *(conn.action("Filter", filter_headers(mode, n), timeout_s=timeout_s)
                  for n in ordered[1:]),
                return_exceptions=True,
            )
            errors = [r for r in results if isinstance(r, BaseException)]
            if errors:
                if not all(isinstance(e, AmiActionFailed) for e in errors):
                    raise errors[0]  # a connection problem, not a refusal
                self._untried.remove(mode)
                raise FiltersPartlyApplied(
                    f"PBX accepted only part of the {mode} filters; starting a clean session"
                )
            self.mode = mode
            return mode
        if self.mode != OFF:
            log.warning("AMI event filters unavailable: every event is sent and skipped here")
        self.mode = OFF
        return OFF


__all__ = ["FILTER_MODES", "OFF", "FilterPolicy", "FiltersPartlyApplied", "filter_headers"]
