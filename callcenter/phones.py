"""Caller numbers to E.164, so that one customer is one number whatever the trunk sent.

The PBX hands over caller numbers as the carrier delivered them: a local fixed-line number
without its area code (``62345678``), a national one with the trunk prefix (``01062345678``),
a mobile (``13800138000``), or an international form (``+86...``, ``0086...``). The call
registry (R4) and the screen-pop (R5) match customers on the E.164 form, so all of these
must come out the same. Anything that is not a valid number (``anonymous``, short service
codes, line noise) gives None: a caller id is untrusted input and must never break a call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from callcenter.errors import InvalidInput

# Local subscriber numbers are 7 or 8 digits in China (and shorter elsewhere); anything longer
# already carries an area code or is a mobile.
_LOCAL_MAX_DIGITS = 8
_LOCAL_MIN_DIGITS = 5
_SHORT_CODE_MAX_DIGITS = 6
_MAX_INPUT = 40


def normalise(number: str, region: str, area_code: str) -> str | None:
    """The E.164 form of `number` dialled from `region` at a site in `area_code`, or None.

    Cached: the same callers ring again and again, and parsing is the dearest step of
    finishing a call record.
    """
    return _normalise(number.strip(), region.upper(), area_code.strip().lstrip("0"))


@lru_cache(maxsize=8192)
def _normalise(number: str, region: str, area_code: str) -> str | None:
    if not number or len(number) > _MAX_INPUT or any(c.isalpha() for c in number):
        return None
    digits = "".join(c for c in number if c.isdigit())
    if not digits:
        return None
    international = number.startswith("+")
    if not international and _is_service_code(digits, region):
        return None
    candidates: list[str] = []
    if (
        not international
        and area_code
        and not digits.startswith("0")
        and _LOCAL_MIN_DIGITS <= len(digits) <= _LOCAL_MAX_DIGITS
    ):
        # A local fixed-line number: the site's own area code is implied (tried first, since
        # a short local number can look like a valid but different national number).
        candidates.append("0" + area_code + digits)
    candidates.append("+" + digits if international else digits)
    country = str(phonenumbers.country_code_for_region(region))
    if not international and digits.startswith(country):
        # Some trunks drop the "+" but keep the country code (8613800138000).
        candidates.append("+" + digits)
    for candidate in candidates:
        found = _valid_e164(candidate, region)
        if found is not None:
            return found
    return None


def _is_service_code(digits: str, region: str) -> bool:
    """Short codes (10086, 95555, 110) are services, not subscribers: no E.164 form."""
    if len(digits) > _SHORT_CODE_MAX_DIGITS:
        return False
    try:
        parsed = phonenumbers.parse(digits, region)
    except NumberParseException:
        return False
    return phonenumbers.is_valid_short_number_for_region(parsed, region)


def _valid_e164(candidate: str, region: str) -> str | None:
    try:
        parsed = phonenumbers.parse(candidate, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)



@dataclass(frozen=True, slots=True)
class NumberPlan:
    """How local numbers are read at this site (settings phone_region, area_code)."""

    region: str
    area_code: str

    def e164(self, key: str, raw: str) -> str:
        """The E.164 form of `raw`, or `InvalidInput` on `key` if it is not a number."""
        number = normalise(raw, self.region, self.area_code)
        if number is None:
            raise InvalidInput(key, f"{raw!r} is not a phone number")
        return number


__all__ = ["NumberPlan", "normalise"]
