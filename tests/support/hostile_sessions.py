"""Legacy session values no well-behaved legacy app writes, for the bridge's refusals: nested
deeper than Python's decoders read, or signed from prepared bytes as a framework would sign them."""

DEEP = 100_000
"""Nesting deeper than any decoder's recursion limit (json and msgspec raise RecursionError)."""
DEEP_JSON = b'{"_user_id": "7", "cart": ' + b"[" * DEEP + b"]" * DEEP + b"}"


class RawSerializer:
    """Signs prepared bytes as they are: what a legacy app's own serializer could have written."""

    def dumps(self, obj: bytes) -> bytes:
        return obj

    def loads(self, data: bytes) -> object:
        raise AssertionError("only signing")


def signed_as_flask(prepared: bytes, secret: str = "s" * 32) -> str:
    """Prepared JSON signed as Flask signs its session cookie."""
    import hashlib

    from itsdangerous import URLSafeTimedSerializer

    # itsdangerous probes `dumps({})` for text output; everything else is the prepared JSON
    dump = staticmethod(lambda obj: obj.decode() if isinstance(obj, bytes) else "{}")
    text_serializer = type("Text", (), {"dumps": dump, "loads": None})
    serializer = URLSafeTimedSerializer(
        secret,
        salt="cookie-session",
        serializer=text_serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    return serializer.dumps(prepared)
