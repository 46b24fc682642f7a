"""Refreshing a session: the old token spent, only hashes stored, reuse revoking the session, a retry
within the grace window repeating its rotation."""

from dataclasses import astuple
from datetime import timedelta

import pytest

from adapters.memory.in_memory_session_repository import InMemorySessionRepository
from domain.errors import (
    InvalidAccessToken,
    InvalidRefreshToken,
    RefreshTokenReused,
)
from domain.sessions import RevocationReason

pytestmark = pytest.mark.anyio


async def test_refreshing_spends_the_old_token_and_stores_only_the_hash_of_the_new_one(app):
    first = await app.log_in()
    app.clock.advance(timedelta(minutes=10))

    second = await app.refresh(first.refresh_token)

    assert second.refresh_token != first.refresh_token
    assert app.record_of(first.refresh_token).rotated_at == app.clock.now()
    successor = app.record_of(second.refresh_token)
    assert successor.rotated_at is None
    assert successor.session_id == app.record_of(first.refresh_token).session_id
    assert app.verify(second.access_token).session_id == successor.session_id
    stored = [str(field) for record in app.store.tables.refresh_tokens.values() for field in astuple(record)]
    assert not any(secret in field for secret in (first.refresh_token, second.refresh_token) for field in stored)


async def test_reusing_a_rotated_refresh_token_revokes_the_session(app):
    first = await app.log_in()
    second = await app.refresh(first.refresh_token)
    app.verify(second.access_token)  # live before the theft is noticed
    app.clock.advance(timedelta(minutes=1))

    with pytest.raises(RefreshTokenReused):
        await app.refresh(first.refresh_token)

    session = app.session_of(first)
    assert (session.revoked_at, session.revocation_reason) == (app.clock.now(), RevocationReason.REFRESH_TOKEN_REUSED)
    with pytest.raises(InvalidRefreshToken):
        await app.refresh(second.refresh_token)
    for access_token in (first.access_token, second.access_token):
        with pytest.raises(InvalidAccessToken):
            app.verify(access_token)


async def test_a_retry_within_the_grace_window_gets_the_same_successor_until_the_window_closes(app):
    first = await app.log_in()
    second = await app.refresh(first.refresh_token)

    app.clock.advance(timedelta(seconds=5))
    assert (await app.refresh(first.refresh_token)).refresh_token == second.refresh_token
    app.clock.advance(timedelta(seconds=4))  # 9 s after the rotation: still within, though 4 s after the last retry
    assert (await app.refresh(first.refresh_token)).refresh_token == second.refresh_token
    assert not app.session_of(first).is_revoked

    app.clock.advance(timedelta(seconds=1))  # 10 s after the rotation: the window has closed
    with pytest.raises(RefreshTokenReused):
        await app.refresh(first.refresh_token)
    assert app.session_of(first).revocation_reason is RevocationReason.REFRESH_TOKEN_REUSED


async def test_a_retry_after_the_successor_was_used_is_theft(app):
    first = await app.log_in()
    second = await app.refresh(first.refresh_token)
    third = await app.refresh(second.refresh_token)

    with pytest.raises(RefreshTokenReused):
        await app.refresh(first.refresh_token)
    with pytest.raises(InvalidAccessToken):
        app.verify(third.access_token)


async def test_an_expired_refresh_token_is_refused_without_revoking_the_session(app):
    pair = await app.log_in()
    app.clock.advance(app.policy.refresh_ttl + timedelta(seconds=1))

    with pytest.raises(InvalidRefreshToken) as refused:
        await app.refresh(pair.refresh_token)

    assert not isinstance(refused.value, RefreshTokenReused)
    assert not app.session_of(pair).is_revoked
    assert app.record_of(pair.refresh_token).rotated_at is None


async def test_an_unknown_refresh_token_is_refused(app):
    await app.log_in()

    with pytest.raises(InvalidRefreshToken) as refused:
        await app.refresh("refresh-token-that-was-never-issued")

    assert not isinstance(refused.value, RefreshTokenReused)


async def test_a_refresh_that_races_a_logout_issues_nothing(app, monkeypatch: pytest.MonkeyPatch) -> None:
    pair = await app.log_in()
    session_id = app.session_of(pair).id
    touch = InMemorySessionRepository.touch

    async def logout_lands_first(repository: InMemorySessionRepository, sid: object, now: object) -> bool:
        from domain.sessions import RevocationReason

        await repository.revoke(session_id, now, RevocationReason.LOGOUT)  # type: ignore[arg-type]
        return await touch(repository, sid, now)  # type: ignore[arg-type]

    monkeypatch.setattr(InMemorySessionRepository, "touch", logout_lands_first)
    tokens_before = dict(app.store.tables.refresh_tokens)

    with pytest.raises(InvalidRefreshToken):
        await app.refresh(pair.refresh_token)

    assert app.store.tables.refresh_tokens == tokens_before  # the rotation was rolled back
