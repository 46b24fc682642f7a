"""The fields a Litestar validation failure names, as RFC 9457 `invalid_params`.

Litestar decodes a body or a parameter with msgspec and reports each failure as `{"message", "key",
"source"}` in `ValidationException.extra`: `key` is the field's path (`email`, `claims.tenant`), or
`data` when the failure is the body's as a whole, where msgspec names the field in the message
instead ("Object missing required field `email`", "Object contains unknown field `username`")."""

import re
from collections.abc import Iterable

from entrypoints.http.problems.problem import WHOLE_BODY, InvalidParam

_FIELD_IN_MESSAGE = re.compile(r"field `([^`]+)`")
_QUOTED_VALUE = re.compile(r" '[^']*'")
"""msgspec quotes the value it refused in a few messages ("Invalid enum value 'x'"): never echoed back."""
MAX_REASON = 200
_BODY = "data"


def invalid_params(extra: object) -> tuple[InvalidParam, ...]:
    items: Iterable[object] = extra if isinstance(extra, list) else [extra] if isinstance(extra, dict) else []
    return tuple(_param(item) for item in items if isinstance(item, dict))


def _param(item: dict[object, object]) -> InvalidParam:
    reason = _QUOTED_VALUE.sub("", str(item.get("message") or "The value is not valid."))[:MAX_REASON]
    key = str(item.get("key") or _BODY)
    source = item.get("source") or ("body" if key == _BODY else "request")
    location = str(getattr(source, "value", source))  # Litestar's `ParamType` for a parameter
    path = "" if key == _BODY else key
    named = _FIELD_IN_MESSAGE.search(reason)
    if named is not None:
        path = f"{path}.{named.group(1)}" if path else named.group(1)
    return InvalidParam(path or WHOLE_BODY, location, reason)
