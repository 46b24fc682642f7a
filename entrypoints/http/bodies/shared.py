"""What every area's JSON bodies share: the text bound, and how tokens travel.

The bodies themselves, as msgspec structs (decoded strictly, documented in OpenAPI), are by area in
this package: `auth`, `management`, `oauth`, `operations`, `password`. The problem JSON's documented
shape is in entrypoints/http/openapi/problem_shape.py.
"""

from typing import Annotated, Literal

import msgspec

# Generous outer bounds that stop oversized input at decoding; the domain applies the real rules.
Text = Annotated[str, msgspec.Meta(max_length=2048)]
Transport = Literal["bearer", "cookie"]
"""How a session's tokens travel: in the JSON body (bearer), or in HttpOnly cookies (browsers)."""
