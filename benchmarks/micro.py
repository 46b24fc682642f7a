"""In-process rates: raw `cryptography` RS256 against tessera's own verification and signing."""

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from adapters.crypto.joserfc_token_signer import JoserfcTokenSigner
from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from adapters.crypto.signing_keys import SigningKeySet, generate_key
from adapters.process.process_revocation_view import ProcessRevocationView
from adapters.system_clock import SystemClock
from application.use_cases.verify_access_token import VerifyAccessToken
from domain.claims import AccessClaims
from domain.policy import TokenPolicy


def rate(work: Callable[[], object], seconds: float) -> float:
    """Calls per second over about `seconds`, in batches so the clock is read rarely."""
    done, began = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - began) < seconds:
        for _ in range(50):
            work()
        done += 50
    return done / elapsed


def measure(seconds: float) -> dict[str, float]:
    key = generate_key("RS256")
    key.ensure_kid()
    keys = SigningKeySet(key, "RS256")
    policy = TokenPolicy(
        issuer="http://localhost:8000",
        audience="tessera",
        access_ttl=timedelta(minutes=15),
        refresh_ttl=timedelta(days=14),
        leeway=timedelta(seconds=30),
        refresh_grace=timedelta(seconds=10),
    )
    now = datetime.now(UTC)
    claims = AccessClaims(
        iss=policy.issuer,
        aud=policy.audience,
        sub=uuid.uuid4(),
        exp=int(now.timestamp()) + 900,
        iat=int(now.timestamp()),
        jti=uuid.uuid4(),
        sid=uuid.uuid4(),
        roles=(),
    )
    signer = JoserfcTokenSigner(keys)
    token = signer.sign_now(claims)
    revocations = ProcessRevocationView(policy.revocation_window)
    uncached = VerifyAccessToken(JoserfcTokenVerifier(keys), revocations, SystemClock(), policy)

    private = key.raw_value
    public = private.public_key()
    signing_input, _, _ = token.rpartition(".")
    message = signing_input.encode()
    signature = private.sign(message, padding.PKCS1v15(), hashes.SHA256())
    work: dict[str, Callable[[], object]] = {
        "raw_verify": lambda: public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256()),
        "uncached_verify": lambda: uncached.execute(token),
        "raw_sign": lambda: private.sign(message, padding.PKCS1v15(), hashes.SHA256()),
        "tessera_sign": lambda: signer.sign_now(claims),
    }
    cached = _cached_use_case(keys, revocations, policy)
    if cached is not None:
        work["cached_verify"] = lambda: cached.execute(token)
    return best_of(work, seconds)


def best_of(work: dict[str, Callable[[], object]], seconds: float, slices: int = 5) -> dict[str, float]:
    """Each operation's best rate over `slices` short runs, the operations interleaved: a neighbour's
    load on a shared machine slows some runs, never speeds one up, so the best is the least disturbed."""
    best = dict.fromkeys(work, 0.0)
    for _ in range(slices):
        for name, call in work.items():
            best[name] = max(best[name], rate(call, seconds / slices))
    return best


def _cached_use_case(
    keys: SigningKeySet, revocations: ProcessRevocationView, policy: TokenPolicy
) -> VerifyAccessToken | None:
    try:
        from adapters.crypto.caching_token_verifier import CachingTokenVerifier
    except ImportError:  # before the cache existed
        return None
    verifier = CachingTokenVerifier(JoserfcTokenVerifier(keys), keys)
    return VerifyAccessToken(verifier, revocations, SystemClock(), policy)
