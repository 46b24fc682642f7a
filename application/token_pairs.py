"""Issuing a token pair: shared by login and refresh, so that both hand out exactly the same shape."""

from datetime import datetime

from application.ports.token_generator import TokenGenerator
from application.ports.token_signer import TokenSigner
from application.results import TokenPair
from domain.claims import access_claims_for
from domain.policy import TokenPolicy
from domain.rotation import PlannedRotation, issue_refresh_token, plan_rotation
from domain.sessions import RefreshToken, Session, hash_refresh_token, open_session
from domain.successor_seal import SealKey, seal_successor
from domain.users import User


class TokenPairIssuer:
    """Every moment comes from the caller: one operation uses one `now` throughout, so that an
    access token is never dated after a revocation that its own operation raced with."""

    def __init__(self, signer: TokenSigner, ids: TokenGenerator, policy: TokenPolicy) -> None:
        self._signer = signer
        self._ids = ids
        self._policy = policy

    def open_session(
        self, user: User, now: datetime, *, remember: bool, user_agent: str | None, client_address: str | None
    ) -> Session:
        """A new session of `user`, its absolute lifetime set by the policy and the `remember` choice."""
        return open_session(
            user=user,
            session_id=self._ids.new_id(),
            now=now,
            policy=self._policy,
            remember=remember,
            user_agent=user_agent,
            client_address=client_address,
        )

    def new_refresh_token(self, session: Session, now: datetime) -> tuple[str, RefreshToken]:
        """A fresh secret and the record that stores only its hash."""
        secret = self._ids.new_refresh_token()
        record = issue_refresh_token(
            session, token_id=self._ids.new_id(), token_hash=hash_refresh_token(secret), now=now, policy=self._policy
        )
        return secret, record

    def plan_rotation(self, presented: str, now: datetime, seal_key: SealKey) -> tuple[str, PlannedRotation]:
        """A successor for `presented`, made before anything is read: the common refresh in one step."""
        secret = self._ids.new_refresh_token()
        plan = plan_rotation(
            hash_refresh_token(presented),
            seal_successor(presented, secret, seal_key),
            successor_id=self._ids.new_id(),
            successor_hash=hash_refresh_token(secret),
            now=now,
            policy=self._policy,
        )
        return secret, plan

    async def pair(self, user: User, session: Session, refresh: tuple[str, RefreshToken], now: datetime) -> TokenPair:
        """The one place a token pair is made (login, refresh, legacy exchange). Neither token outlives the
        session: the access token's `exp` and the refresh token's expiry are capped at its absolute end,
        and `expires_in` (hence the cookies' Max-Age) is read from the token's own claims, never the policy."""
        secret, record = refresh
        claims = access_claims_for(user, session, jti=self._ids.new_id(), now=now, policy=self._policy)
        return TokenPair(
            access_token=await self._signer.sign(claims),
            expires_in=max(0, claims.exp - claims.iat),
            refresh_token=secret,
            refresh_expires_in=max(0, int((record.expires_at - now).total_seconds())),
            remember=session.remember,
        )
