from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.token_verifier import TokenVerifier
from application.results import Principal
from domain.claims import AccessClaims
from domain.errors import InvalidAccessToken
from domain.policy import TokenPolicy


class VerifyAccessToken:
    """The protected-request path: signature, exact claims, then revocation, with no I/O at all."""

    def __init__(self, verifier: TokenVerifier, revocations: RevocationView, clock: Clock, policy: TokenPolicy) -> None:
        self._verifier = verifier
        self._revocations = revocations
        self._clock = clock
        self._policy = policy

    def execute(self, token: str) -> Principal:
        now = self._clock.now()
        claims = AccessClaims.from_payload(self._verifier.verify(token), self._policy, now)
        if self._revocations.is_revoked(claims.sid, now):
            raise InvalidAccessToken
        return Principal(user_id=claims.sub, session_id=claims.sid, token_id=claims.jti, roles=claims.roles)
