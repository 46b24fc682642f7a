from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.token_verifier import TokenVerifier
from application.results import Principal
from domain.claims import AccessClaims, Validity
from domain.errors import InvalidAccessToken
from domain.policy import TokenPolicy

REMEMBERED_TOKENS = 2048
"""How many accepted tokens' claims the service remembers: a few hundred bytes each beside the token."""


class VerifyAccessToken:
    """The protected-request path: signature, exact claims, then revocation, with no I/O at all.

    With `remember` above zero, the claims of up to that many tokens are remembered by the exact
    token string (the oldest forgotten first), since they follow from the token and the policy
    alone. What can change is judged on every request all the same: the verifier (signature, or its
    cache, which any key-set change empties), the time claims against the clock, and revocation.
    """

    def __init__(
        self, verifier: TokenVerifier, revocations: RevocationView, clock: Clock, policy: TokenPolicy, remember: int = 0
    ) -> None:
        self._verifier = verifier
        self._revocations = revocations
        self._clock = clock
        self._policy = policy
        self._leeway = policy.leeway.total_seconds()
        self._remember = remember
        self._remembered: dict[str, tuple[Principal, Validity]] = {}

    def execute(self, token: str) -> Principal:
        now = self._clock.now()
        payload = self._verifier.verify(token)
        known = self._remembered.get(token)
        if known is None:
            claims, validity = AccessClaims.timeless_from_payload(payload, self._policy)
            principal = Principal(user_id=claims.sub, session_id=claims.sid, token_id=claims.jti, roles=claims.roles)
            if self._remember:
                self._keep(token, principal, validity)
        else:
            principal, validity = known
        if not validity.holds_at(now.timestamp(), self._leeway):
            raise InvalidAccessToken
        if self._revocations.is_revoked(principal.session_id, now):
            raise InvalidAccessToken
        return principal

    @property
    def remembered(self) -> int:
        """How many tokens' claims are remembered now."""
        return len(self._remembered)

    def _keep(self, token: str, principal: Principal, validity: Validity) -> None:
        remembered = self._remembered
        if len(remembered) >= self._remember:
            del remembered[next(iter(remembered))]
        remembered[token] = (principal, validity)
