"""Issuing a token pair: shared by login and refresh, so that both hand out exactly the same shape."""

from application.ports.clock import Clock
from application.ports.token_generator import TokenGenerator
from application.ports.token_signer import TokenSigner
from application.results import TokenPair
from domain.lifecycle import access_claims_for, issue_refresh_token
from domain.policy import TokenPolicy
from domain.sessions import RefreshToken, Session, hash_refresh_token
from domain.users import User


class TokenPairIssuer:
    def __init__(self, signer: TokenSigner, ids: TokenGenerator, clock: Clock, policy: TokenPolicy) -> None:
        self._signer = signer
        self._ids = ids
        self._clock = clock
        self._policy = policy

    def new_refresh_token(self, session: Session) -> tuple[str, RefreshToken]:
        """A fresh secret and the record that stores only its hash."""
        secret = self._ids.new_refresh_token()
        record = issue_refresh_token(
            session,
            token_id=self._ids.new_id(),
            token_hash=hash_refresh_token(secret),
            now=self._clock.now(),
            policy=self._policy,
        )
        return secret, record

    def pair(self, user: User, session: Session, refresh_secret: str) -> TokenPair:
        claims = access_claims_for(user, session, jti=self._ids.new_id(), now=self._clock.now(), policy=self._policy)
        return TokenPair(
            access_token=self._signer.sign(claims),
            expires_in=int(self._policy.access_ttl.total_seconds()),
            refresh_token=refresh_secret,
            refresh_expires_in=int(self._policy.refresh_ttl.total_seconds()),
        )
