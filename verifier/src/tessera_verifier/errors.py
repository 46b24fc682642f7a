"""The one error a verifier raises for a token it refuses."""

GENERIC = "The access token is invalid or expired."


class InvalidToken(Exception):
    """A token to refuse, with its RFC 6750 error code (`invalid_token`; `invalid_request` for a malformed
    Authorization header; `insufficient_scope` for a role the token lacks). The description is the same
    for every cause of `invalid_token`: it tells an attacker nothing about which check failed."""

    def __init__(self, error: str = "invalid_token", description: str = GENERIC) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
