"""Requests per second of every variant, all servers up at once, in alternating rounds.

tessera is measured as real API traffic reaches it: 20,000 users, each its own live session and access
token, one token after another (`*_tokens`), and tokens never seen before (`*_cold`); the profile route on
servers of its own, started afresh each round (`benchmarks.profile_passes`);
the bare Litestar app is sent exactly the same requests by the same Lua script, so their ratio holds the
script's cost on both sides. One token replayed, `/health`, JWTAuth and Redis sessions stay beside them."""

import contextlib
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import load, population
from benchmarks.load import Run
from benchmarks.profile_passes import NAMES as PROFILE_NAMES
from benchmarks.profile_passes import profile_passes
from benchmarks.servers import baseline, db_upgrade, tessera, tessera_env, verifier_app
from benchmarks.tessera_setup import post
from benchmarks.token_load import TokenList
from tests.support.redis import running_redis

CONNECTIONS, THREADS = 32, 2
MEMBERS = 20_000
WARM_UP_SECONDS = {"tokens": 10.0, "tokens_2_workers": 20.0}
"""Each warm-up chunk: long enough for each worker to meet every one of the 20,000 tokens before a measured
run, as a client's second request finds them."""
WARM_UP_CHUNKS = 12
"""A warm-up is repeated until two chunks in a row agree within 10% (the caches are full), at most this often."""

Variant = Callable[[float], Run]


def throughput(
    work: Path, seconds: float, rounds: int, cold_tokens: int, only: list[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    database = work / "throughput.db"
    env = tessera_env(work, f"sqlite+aiosqlite:///{database}")
    db_upgrade(env)
    key = population.signing_key_file(env)
    members = population.write_members(database, MEMBERS)
    hot = population.write_tokens(work / "tokens-live.txt", population.mint(key, members, MEMBERS))
    cold = population.write_tokens(work / "tokens-cold.txt", population.mint(key, members, cold_tokens))
    replayed = hot.read_text().split("\n", 1)[0]
    with contextlib.ExitStack() as stack:
        redis_url = stack.enter_context(running_redis(work))
        bare, _ = stack.enter_context(baseline(work, "bare"))
        bare_2, _ = stack.enter_context(baseline(work, "bare", workers=2))
        jwt, _ = stack.enter_context(baseline(work, "jwt"))
        sessions, _ = stack.enter_context(baseline(work, "redis", redis_url))
        service, _ = stack.enter_context(tessera(work, env, "tessera"))
        # Its own process, so that tokens never seen before do not push the live ones out of the caches.
        service_cold, _ = stack.enter_context(tessera(work, env, "tessera-cold"))
        service_2, _ = stack.enter_context(tessera(work, env, "tessera-2-workers", workers=2))
        protected, _ = stack.enter_context(verifier_app(work, service))
        jwt_bearer = f"Authorization: Bearer {post(jwt, '/login', {})['access_token']}"
        cookie = f"Cookie: {session_cookie(sessions)}"
        live = {url: TokenList(hot, MEMBERS) for url in (bare, bare_2, service, service_2, protected)}
        fresh = {url: TokenList(cold, cold_tokens) for url in (bare, service_cold)}

        def plain(url: str, *headers: str) -> Variant:
            return lambda s: load.wrk(url, s, CONNECTIONS, THREADS, headers)

        def tokens(base: str, path: str = "/api/user/session") -> Variant:
            return lambda s: live[base].run(base + path, s, CONNECTIONS, THREADS, go_on=False)

        def never_seen(base: str) -> Variant:
            return lambda s: fresh[base].run(base + "/api/user/session", s, CONNECTIONS, THREADS, go_on=True)

        variants: dict[str, Variant] = {
            "bare": plain(f"{bare}/ping"),
            "bare_tokens": tokens(bare),
            "bare_cold": never_seen(bare),
            "tessera_tokens": tokens(service),
            "tessera_cold": never_seen(service_cold),
            "tessera_replayed": plain(f"{service}/api/user/session", f"Authorization: Bearer {replayed}"),
            "tessera_health": plain(f"{service}/health"),
            "jwtauth": plain(f"{jwt}/ping", jwt_bearer),
            "redis_session": plain(f"{sessions}/ping", cookie),
            "bare_tokens_2_workers": tokens(bare_2),
            "tessera_tokens_2_workers": tokens(service_2),
            "verifier_open": tokens(protected, "/open"),
            "verifier_tokens": tokens(protected),
        }
        if only is not None:
            unknown = set(only) - set(variants) - set(PROFILE_NAMES)
            if unknown:
                raise SystemExit(f"benchmarks: unknown variant(s) {', '.join(sorted(unknown))}; see report.LABELS")
            variants = {name: variants[name] for name in only if name in variants}
        runs = _rounds(variants, seconds, rounds)
        if only is None or set(only) & set(PROFILE_NAMES):
            bare = max((run["requests_per_s"] for run in runs.get("bare_tokens", [])), default=None)
            runs |= profile_passes(work, env, hot, MEMBERS, seconds, rounds, CONNECTIONS, THREADS, bare)
        return runs


def _rounds(variants: dict[str, Variant], seconds: float, rounds: int) -> dict[str, list[dict[str, Any]]]:
    """Each variant once a round, the order reversed every other round so that drift hits all alike."""
    for name, variant in variants.items() if seconds >= 2 else ():  # warm-up: imports, caches, pools
        _warm_up(variant, next((t for suffix, t in reversed(WARM_UP_SECONDS.items()) if name.endswith(suffix)), 1.0))
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
    for round_number in range(rounds):
        order = list(variants) if round_number % 2 == 0 else list(reversed(variants))
        for name in order:
            runs[name].append(asdict(variants[name](seconds)))
    return runs


def _warm_up(variant: Variant, seconds: float) -> None:
    """Until the rate settles: a cache still filling is slower chunk after chunk."""
    last = variant(seconds).requests_per_s
    for _ in range(WARM_UP_CHUNKS - 1 if seconds > 1 else 0):
        rate = variant(seconds).requests_per_s
        if abs(rate - last) <= 0.1 * max(rate, last):
            return
        last = rate


def session_cookie(base: str) -> str:
    import urllib.request

    request = urllib.request.Request(base + "/login", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return str(answer.headers["set-cookie"].split(";")[0])
