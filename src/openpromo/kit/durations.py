"""Strict ISO 8601 durations for fixed lengths of time: ``P30D``, ``PT12H``, ``P1DT6H30M``, ``P2W``.

Years and months are refused on purpose: their length depends on the calendar, and a grant
expiry must mean the same span of time whenever it is granted. Write ``P30D`` instead of ``P1M``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Final

MAX_DURATION: Final = timedelta(days=36_600)  # a hundred years is already absurd

_DURATION = re.compile(
    r"P(?:(?P<weeks>\d{1,6})W"
    r"|(?:(?P<days>\d{1,6})D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d{1,7})H)?(?:(?P<minutes>\d{1,9})M)?(?:(?P<seconds>\d{1,10})S)?)?)"
)


class InvalidDuration(ValueError):
    pass


def parse_duration(text: str) -> timedelta:
    """Parse a positive ISO 8601 duration of weeks, days, hours, minutes and seconds.

    Raises ``InvalidDuration`` (a ``ValueError``) with a message fit for an API error.
    """
    match = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if match is None or not any(match.groupdict().values()) or text.endswith("T"):
        raise InvalidDuration(
            f"'{text}' is not an ISO 8601 duration of weeks, days, hours, minutes or seconds "
            "(e.g. P30D, PT12H, P1DT6H, P2W; years and months are not fixed lengths)"
        )
    parts = {name: int(value) for name, value in match.groupdict().items() if value}
    duration = timedelta(**parts)
    if duration <= timedelta(0):
        raise InvalidDuration(f"'{text}' must be longer than zero")
    if duration > MAX_DURATION:
        raise InvalidDuration(f"'{text}' is longer than {MAX_DURATION.days} days")
    return duration
