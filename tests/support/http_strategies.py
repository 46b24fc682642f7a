"""Hypothesis strategies for whole HTTP requests: header values a server lets through, and bodies of
every shape a route may meet, mixed with the genuine credentials `real` so that examples reach past
the first checks."""

import json
from urllib.parse import urlencode

from hypothesis import strategies as st

from tests.support.http import PASSWORD
from tests.support.legacy_stores import new_session_id
from tests.support.oauth import basic
from tests.support.strategies import json_values

FIELD_BYTES = [9, *range(0x20, 0x7F), *range(0x80, 0x100)]
"""What an HTTP/1.1 server passes on in a header value (RFC 9110 §5.5): HTAB, SP, VCHAR, obs-text."""

field_values = st.lists(st.sampled_from(FIELD_BYTES), max_size=60).map(bytes)


def headers(real: dict[str, str], own_origin: str, allowed_origin: str) -> st.SearchStrategy[dict[str, bytes]]:
    text = st.sampled_from
    genuine_cookie = text([real["cookie"], f"session={new_session_id()}", "__Host-tessera-access=x; session=zz"])
    likely = {
        "origin": text([own_origin, allowed_origin, "null", "https://evil.example", "http://[::1"]),
        "referer": text([f"{own_origin}/demo", "http://[::1", "https://[/", "//", "https://evil.example/"]),
        "cookie": genuine_cookie,
        "authorization": text([real["bearer"], basic()["Authorization"], "Bearer", "Basic !!", "Bearer a.b.c"]),
        "content-type": text(["application/json", "application/x-www-form-urlencoded", "text/plain", "a/b+json"]),
        "x-requested-with": text(["tessera"]),
    }
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.one_of(value.map(str.encode), value.map(str.encode), field_values)
            for name, value in likely.items()
        },
    )


def bodies(real: dict[str, str]) -> st.SearchStrategy[bytes]:
    fields = st.sampled_from(["email", "password", "transport", "refresh_token", "token", "token_type_hint", "x"])
    meaningful = st.sampled_from(["root@example.com", PASSWORD, "cookie", "bearer", real["refresh"], ""])
    objects = st.dictionaries(fields, meaningful | json_values, max_size=4)
    return st.one_of(
        st.binary(max_size=300),
        (objects | json_values).map(lambda value: json.dumps(value).encode()),
        # JSON whose strings are Latin-1, not UTF-8
        objects.map(lambda value: json.dumps(value, ensure_ascii=False).encode("latin-1", "replace")),
        objects.map(lambda value: urlencode({k: str(v) for k, v in value.items()}).encode()),
    )


segments = st.uuids().map(str) | st.text("abcXYZ019-._~%:@!$&'()*+,;=", max_size=20)
