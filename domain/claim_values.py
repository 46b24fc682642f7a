"""A claim's value read strictly: a number that is a real, finite number (a bool or a string is not),
a UUID that is a string in UUID form; anything else refuses the token."""

import math
from collections.abc import Mapping
from uuid import UUID

from domain.errors import InvalidAccessToken


def claim_number(payload: Mapping[str, object], name: str) -> float:
    value = payload.get(name)
    if value.__class__ is bool or not isinstance(value, (int, float)):
        raise InvalidAccessToken
    try:
        number = float(value)  # an int beyond the float range overflows here
    except OverflowError:
        raise InvalidAccessToken from None
    if not math.isfinite(number):
        raise InvalidAccessToken
    return number


def claim_uuid(payload: Mapping[str, object], name: str) -> UUID:
    value = payload.get(name)
    if not isinstance(value, str):
        raise InvalidAccessToken
    try:
        return UUID(value)
    except ValueError:
        raise InvalidAccessToken from None
