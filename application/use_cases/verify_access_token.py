from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.token_verifier import TokenVerifier
from application.results import Principal
from domain.errors import InvalidAccessToken
from domain.policy import TokenPolicy


class VerifyAccessToken:
    """The protected-request path: signature and clock-free claims (the verifier's, which may cache
    them), then the time claims against the clock and revocation, judged on every request. No I/O."""

    def __init__(self, verifier: TokenVerifier, revocations: RevocationView, clock: Clock, policy: TokenPolicy) -> None:
        self._verifier = verifier
        self._revocations = revocations
        self._clock = clock
        self._policy = policy
        self._leeway = policy.leeway.total_seconds()

    def execute(self, token: str) -> Principal:
        now = self._clock.now()
        principal, validity = self._verifier.verified_principal(token, self._policy)
        if not validity.holds_at(now.timestamp(), self._leeway):
            raise InvalidAccessToken
        if self._revocations.is_revoked(principal.session_id, now):
            raise InvalidAccessToken
        return principal
