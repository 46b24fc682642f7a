"""The errors a verifier raises for a token it refuses."""

GENERIC = "The access token is invalid or expired."
CROSS_SITE = "A request with the access cookie must send 'X-Requested-With: tessera' from an accepted origin."
UNKNOWN_REVOCATIONS = "Revoked sessions cannot be checked at the moment: try again shortly."


class InvalidToken(Exception):
    """A token to refuse, with its RFC 6750 error code (`invalid_token`; `invalid_request` for a malformed
    Authorization header; `insufficient_scope` for a role the token lacks). The description is the same
    for every cause of `invalid_token`: it tells an attacker nothing about which check failed."""

    def __init__(self, error: str = "invalid_token", description: str = GENERIC) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


class RevocationsUnknown(InvalidToken):
    """A token that passed every rule, refused because the revocation feed has not been read for longer than
    the staleness bound: its session may have been revoked meanwhile. Not the client's fault, so the
    integrations answer 503 with `Retry-After` (not 401); an `InvalidToken` all the same, so code that
    catches only that still refuses: the verifier fails closed."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("temporarily_unavailable", UNKNOWN_REVOCATIONS)
        self.retry_after = retry_after


class CrossSiteRequestRefused(InvalidToken):
    """tessera's access cookie on an unsafe request without tessera's CSRF proof (`X-Requested-With: tessera`
    from an accepted origin): 403, no challenge, as tessera answers it. An `InvalidToken`, so code that catches
    only that refuses too."""

    def __init__(self) -> None:
        super().__init__("csrf", CROSS_SITE)
