"""Hypothesis strategies for what an attacker controls: header values, token-shaped strings, JSON."""

import json

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support.forgery import AUDIENCE, ISSUER, b64url

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""The search of the HTTP and verifier properties: 200 examples, no deadline on a loaded machine."""

BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
CLAIM_NAMES = ("iss", "aud", "sub", "exp", "iat", "nbf", "jti", "sid", "roles")
HEADER_NAMES = ("alg", "typ", "kid", "crit", "jku", "x5u", "jwk", "x5c", "b64", "zip", "enc")
FLOAT_RANGE = 2**1023
"""Integers stay where a float can hold them: those beyond are a known bug with a test of their own."""

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-FLOAT_RANGE, max_value=FLOAT_RANGE)
    | st.floats()
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


def _plausible(name: str) -> st.SearchStrategy[object]:
    """Values close to the real ones, and near misses of them, so that generated claims reach every rule."""
    near_now = st.integers(min_value=1_700_000_000, max_value=1_900_000_000)
    lookalikes = [ISSUER + ".evil", ISSUER[:-1], ISSUER + "/", ISSUER.upper(), "http" + ISSUER.removeprefix("https")]
    return {
        "iss": st.sampled_from([ISSUER, *lookalikes]),
        "aud": st.sampled_from([AUDIENCE, [AUDIENCE], ["other", AUDIENCE], "other", AUDIENCE + ".evil", [], ["x"]]),
        "sub": st.uuids().map(str) | st.sampled_from(["", "not-a-uuid", "0" * 32]),
        "jti": st.uuids().map(str) | st.sampled_from(["", "not-a-uuid"]),
        "sid": st.uuids().map(str) | st.sampled_from(["", "not-a-uuid"]),
        "exp": near_now | st.floats(min_value=1.7e9, max_value=1.9e9),
        "iat": near_now,
        "nbf": near_now,
        "roles": st.lists(st.text(max_size=8), max_size=3) | st.lists(json_scalars, min_size=1, max_size=3),
    }[name]


claim_dicts = st.fixed_dictionaries(
    {}, optional={name: _plausible(name) | json_values for name in CLAIM_NAMES}
) | st.dictionaries(st.sampled_from(CLAIM_NAMES) | st.text(max_size=8), json_values, max_size=10)
"""Dicts of the real claim names (plausible or arbitrary values), and of any names at all."""


def claims_near(moment: int, leeway: int) -> st.SearchStrategy[dict[str, object]]:
    """Valid claims at `moment` with a few replaced, by near misses or by anything, or dropped: most rules
    hold, so each example tests the ones that do not, and a good share is accepted."""
    edges = st.sampled_from([-2 * leeway, -leeway - 1, -leeway, -leeway + 1, -1, 0, 1, leeway - 1, leeway, leeway + 1])
    around = st.one_of(
        edges.map(lambda offset: moment + offset),
        edges.map(lambda offset: moment + offset),
        st.integers(min_value=moment - 3 * leeway, max_value=moment + 3 * leeway),
    )
    not_numbers = st.sampled_from([True, False, None, str(moment), float("nan"), float("inf")])
    near_miss = {name: _plausible(name) for name in CLAIM_NAMES} | {
        "exp": around | st.floats(min_value=moment - 3 * leeway, max_value=moment + 3 * leeway) | not_numbers,
        "iat": around | not_numbers,
        "nbf": around | not_numbers,
    }
    valid = st.fixed_dictionaries(
        {
            "iss": st.just(ISSUER),
            "aud": st.sampled_from([AUDIENCE, [AUDIENCE], ["other", AUDIENCE]]),
            "sub": st.uuids().map(str),
            "exp": st.integers(min_value=moment - leeway + 1, max_value=moment + 3600),
            "iat": st.integers(min_value=moment - 3600, max_value=moment + leeway),
            "jti": st.uuids().map(str),
            "sid": st.uuids().map(str),
        },
        optional={"nbf": st.integers(min_value=moment - 3600, max_value=moment + leeway), "roles": st.just(["user"])},
    )
    dropped = object()
    near = st.sampled_from(CLAIM_NAMES).flatmap(lambda name: st.tuples(st.just(name), near_miss[name]))
    anything = st.tuples(st.sampled_from(CLAIM_NAMES), json_values | st.just(dropped))
    return st.builds(
        lambda claims, first, more: {
            name: value for name, value in {**claims, **dict([first, *more])}.items() if value is not dropped
        },
        valid,
        near,
        st.lists(near | anything, max_size=2),
    )


header_dicts = st.fixed_dictionaries(
    {},
    optional={
        name: st.sampled_from(["RS256", "none", "HS256", "ES256", "at+jwt", "JWT", ""]) | json_values
        for name in HEADER_NAMES
    },
)


def _json_segment(value: object) -> str:
    return b64url(json.dumps(value).encode())


random_segments = st.lists(st.text(alphabet=BASE64URL, max_size=60), min_size=3, max_size=3).map(".".join)
json_shaped_tokens = st.builds(
    lambda header, payload, signature: f"{_json_segment(header)}.{_json_segment(payload)}.{b64url(signature)}",
    header_dicts | json_values,
    claim_dicts | json_values,
    st.binary(max_size=300),
)
token_strings = st.text() | random_segments | json_shaped_tokens
"""Anything, three base64url segments of anything, and JSON header and payload with a random signature."""

authorization_values = st.one_of(
    st.text().map(lambda text: text.encode()),
    st.text(alphabet=st.characters(max_codepoint=255)).map(lambda text: text.encode("latin-1")),
    st.text().map(lambda text: f"Bearer {text}".encode()),
    token_strings.map(lambda token: f"Bearer {token}".encode()),
)
"""As raw bytes: an HTTP header carries octets, and latin-1 text is any octet string."""
