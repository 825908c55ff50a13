"""From a customer's stored E.164 number to what the dial string dials.

Numbers are stored in E.164 (R5); a carrier trunk wants them as dialled from the site: a
domestic number in national form (13800000001, 01062345678), a foreign one with the
international prefix (0044...). `dial_prefix` (e.g. a trunk's access code) goes in front.
"""

from __future__ import annotations

import phonenumbers


def dialable(e164: str, region: str, prefix: str = "") -> str | None:
    """The digits to dial for `e164` from `region`; None if it is not a valid number."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    formatted = phonenumbers.format_out_of_country_calling_number(number, region)
    digits = "".join(c for c in formatted if c.isdigit())
    return prefix + digits if digits else None


def dial_string(template: str, number: str) -> str:
    """The Originate channel, e.g. `PJSIP/{number}@trunk` → `PJSIP/13800000001@trunk`."""
    return template.format(number=number)


__all__ = ["dial_string", "dialable"]
