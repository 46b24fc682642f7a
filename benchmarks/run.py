"""`just bench`: every server measured side by side, in alternating rounds, and docs/performance.md written.

python -m benchmarks.run [--seconds 10] [--rounds 3] [--sessions 100000] [--out docs/performance.md]
python -m benchmarks.run --only throughput --variants tessera_health,tessera_protected   # a quick look, no report
"""

import argparse
import contextlib
import json
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import load, micro, report
from benchmarks.load import Run
from benchmarks.processes import ROOT, ensure_tools, free_port, python, rss_bytes, server
from benchmarks.tessera_setup import FAST_ARGON2, SessionWriter, log_in, post, register_and_log_in
from tests.support.redis import running_redis

CONNECTIONS, THREADS = 32, 2


def main() -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.run")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds over the variants")
    parser.add_argument("--sessions", type=int, default=100_000, help="active sessions for the RSS measure")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--plots", type=Path, default=None, help="folder of the PNGs (default: beside --out)")
    parser.add_argument(
        "--only", type=_names, default=None, help=f"comma-separated parts of {','.join(PARTS)}: print, write no report"
    )
    parser.add_argument("--variants", type=_names, default=None, help="comma-separated throughput variants")
    args = parser.parse_args()
    ensure_tools()
    if args.only is not None or args.variants is not None:
        return _partial(args.only or ["throughput"], args.variants, args.seconds, args.rounds, args.sessions)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tessera-bench-") as tmp:
        work = Path(tmp)
        results: dict[str, Any] = {"seconds": args.seconds, "rounds": args.rounds, "sessions": args.sessions}
        step("micro-benchmark (in process)")
        results["micro"] = micro.measure(max(0.5, args.seconds / 5))
        step("throughput by variant")
        results["throughput"] = throughput(work, args.seconds, args.rounds)
        step("refresh on PostgreSQL")
        results["refresh"] = refresh_on_postgres(work, args.seconds, args.rounds)
        step("login storm")
        results["storm"] = login_storm(work, args.seconds, args.rounds)
        step("memory against active sessions")
        results["memory"] = memory(work, args.sessions, args.seconds)
        results["elapsed_s"] = time.monotonic() - began
        plots = args.plots or args.out.parent
        report.write(results, args.out, plots)
        (work / "results.json").write_text(json.dumps(results, indent=1, default=str))
    step(f"wrote {args.out} in {results['elapsed_s']:.0f} s")


PARTS = ("micro", "throughput", "refresh", "storm", "memory")


def _names(raw: str) -> list[str]:
    return [name.strip() for name in raw.split(",") if name.strip()]


def _partial(parts: list[str], variants: list[str] | None, seconds: float, rounds: int, sessions: int) -> None:
    """Some parts only, their figures printed: for measuring one lever, never for docs/performance.md."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(f"benchmarks: unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    with tempfile.TemporaryDirectory(prefix="tessera-bench-") as tmp:
        work = Path(tmp)
        results: dict[str, Any] = {}
        if "micro" in parts:
            results["micro"] = micro.measure(max(0.5, seconds / 5))
        if "throughput" in parts:
            runs = throughput(work, seconds, rounds, variants)
            results["throughput"] = {
                name: {"median_rps": report.median(r, "requests_per_s"), "per_round": [x["requests_per_s"] for x in r]}
                for name, r in runs.items()
            }
        if "refresh" in parts:
            results["refresh"] = refresh_on_postgres(work, seconds, rounds)
        if "storm" in parts:
            results["storm"] = login_storm(work, seconds, rounds)
        if "memory" in parts:
            results["memory"] = memory(work, sessions, seconds)
    print(json.dumps(results, indent=1, default=str))


def step(message: str) -> None:
    print(f"bench: {message}", flush=True)


def tessera_env(work: Path, database_url: str, fast_argon2: bool = True) -> dict[str, str]:
    env = {
        "TESSERA_DATABASE_URL": database_url,
        "TESSERA_DEV_KEY_FILE": str(work / "signing-key.jwk"),
        "TESSERA_PURGE_INTERVAL_SECONDS": "0",
    }
    return {**env, **FAST_ARGON2} if fast_argon2 else env


@contextlib.contextmanager
def tessera(work: Path, env: dict[str, str], name: str) -> Iterator[tuple[str, int]]:
    port = free_port()
    command = [str(Path(python()).parent / "tessera"), "serve", "--port", str(port)]
    with server(command, "/health", port, work / f"{name}.log", env) as process:
        yield f"http://127.0.0.1:{port}", process.pid


@contextlib.contextmanager
def baseline(work: Path, variant: str, redis_url: str | None = None) -> Iterator[tuple[str, int]]:
    port = free_port()
    command = [python(), "-m", "benchmarks.baseline_app", variant, str(port), *([redis_url] if redis_url else [])]
    with server(command, "/ping", port, work / f"{variant}.log") as process:
        yield f"http://127.0.0.1:{port}", process.pid


@contextlib.contextmanager
def granian(work: Path, target: str, env: dict[str, str], ready: str, name: str) -> Iterator[str]:
    port = free_port()
    command = [
        str(Path(python()).parent / "granian"),
        "--interface",
        "asgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--access-log",
        *(["--factory"] if target.endswith("create_app") else []),
        target,
    ]
    with server(command, ready, port, work / f"{name}.log", env):
        yield f"http://127.0.0.1:{port}"


def throughput(work: Path, seconds: float, rounds: int, only: list[str] | None = None) -> dict[str, Any]:
    """Every variant on the same server (uvicorn, one worker), then granian for comparison."""
    env = tessera_env(work, "memory://")
    with contextlib.ExitStack() as stack:
        redis_url = stack.enter_context(running_redis(work))
        bare, _ = stack.enter_context(baseline(work, "bare"))
        jwt, _ = stack.enter_context(baseline(work, "jwt"))
        sessions, _ = stack.enter_context(baseline(work, "redis", redis_url))
        service, _ = stack.enter_context(tessera(work, env, "tessera"))
        granian_bare = stack.enter_context(granian(work, "benchmarks.granian_apps:bare", {}, "/ping", "granian-bare"))
        granian_jwt = stack.enter_context(granian(work, "benchmarks.granian_apps:jwt", {}, "/ping", "granian-jwt"))
        granian_sessions = stack.enter_context(
            granian(
                work, "benchmarks.granian_apps:redis", {"TESSERA_BENCH_REDIS_URL": redis_url}, "/ping", "granian-redis"
            )
        )
        granian_tessera = stack.enter_context(
            granian(work, "entrypoints.http.app:create_app", env, "/health", "granian-tessera")
        )
        bearer = f"Authorization: Bearer {register_and_log_in(service).access_token}"
        jwt_bearer = f"Authorization: Bearer {post(jwt, '/login', {})['access_token']}"
        cookie = f"Cookie: {_session_cookie(sessions)}"
        granian_jwt_bearer = f"Authorization: Bearer {post(granian_jwt, '/login', {})['access_token']}"
        granian_cookie = f"Cookie: {_session_cookie(granian_sessions)}"
        variants: dict[str, tuple[str, tuple[str, ...]]] = {
            "bare": (f"{bare}/ping", ()),
            "jwtauth": (f"{jwt}/ping", (jwt_bearer,)),
            "redis_session": (f"{sessions}/ping", (cookie,)),
            "tessera_health": (f"{service}/health", ()),
            "tessera_protected": (f"{service}/api/user/session", (bearer,)),
            "granian_bare": (f"{granian_bare}/ping", ()),
            "granian_jwtauth": (f"{granian_jwt}/ping", (granian_jwt_bearer,)),
            "granian_redis_session": (f"{granian_sessions}/ping", (granian_cookie,)),
            "granian_tessera_health": (f"{granian_tessera}/health", ()),
            "granian_tessera_protected": (f"{granian_tessera}/api/user/session", (bearer,)),
        }
        if only is not None:
            unknown = set(only) - set(variants)
            if unknown:
                raise SystemExit(f"benchmarks: unknown variant(s) {', '.join(sorted(unknown))}; see report.LABELS")
            variants = {name: variants[name] for name in only}
        for url, headers in variants.values() if seconds >= 2 else ():  # warm-up: imports, caches, pools
            load.wrk(url, 1, CONNECTIONS, THREADS, headers)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
        for round_number in range(rounds):
            order = list(variants) if round_number % 2 == 0 else list(reversed(variants))
            for name in order:
                url, headers = variants[name]
                runs[name].append(asdict(load.wrk(url, seconds, CONNECTIONS, THREADS, headers)))
    return runs


def _session_cookie(base: str) -> str:
    import urllib.request

    request = urllib.request.Request(base + "/login", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return str(answer.headers["set-cookie"].split(";")[0])


def _db_upgrade(env: dict[str, str]) -> None:
    subprocess.run(
        [str(Path(python()).parent / "tessera"), "db", "upgrade"],
        cwd=ROOT,
        env={**_environ(), **env},
        check=True,
        capture_output=True,
    )


def refresh_on_postgres(work: Path, seconds: float, rounds: int) -> dict[str, Any]:
    """Chained rotation: each connection presents the successor it was just given."""
    from tests.support.pg_cluster import local_cluster

    with local_cluster() as cluster:
        env = tessera_env(work, cluster.url)
        _db_upgrade(env)
        runs = []
        with tessera(work, env, "tessera-postgres") as (service, _):
            email = register_and_log_in(service).email
            for _ in range(rounds):
                pools = work / "refresh-tokens"
                for thread in range(1, THREADS + 1):
                    tokens = [log_in(service, email) for _ in range(2 * CONNECTIONS // THREADS)]
                    Path(f"{pools}.{thread}").write_text("\n".join(tokens) + "\n")
                run = load.wrk(
                    service, seconds, CONNECTIONS, THREADS, script=load.REFRESH_LUA, script_args=(str(pools),)
                )
                runs.append(asdict(run))
    return {"runs": runs}


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def login_storm(work: Path, seconds: float, rounds: int) -> dict[str, Any]:
    """The protected route's latency alone, then beside logins at argon2id's configured cost."""
    env = tessera_env(work, "memory://", fast_argon2=False)
    probe_connections = 4
    idle, storm, logins = [], [], []
    with tessera(work, env, "tessera-storm") as (service, _):
        account = register_and_log_in(service)
        bearer = (f"Authorization: Bearer {account.access_token}",)
        url = f"{service}/api/user/session"
        login_script = load.LOGIN_LUA % (account.email, "correct horse battery staple 42")
        load.wrk(url, 1, probe_connections, 1, bearer)
        for _ in range(rounds):
            idle.append(asdict(load.wrk(url, seconds, probe_connections, 1, bearer)))
            storm_result: list[Run] = []
            storm_thread = threading.Thread(
                target=_storm, args=(f"{service}/auth/login", seconds + 2, login_script, storm_result)
            )
            storm_thread.start()
            time.sleep(1)
            storm.append(asdict(load.wrk(url, seconds, probe_connections, 1, bearer)))
            storm_thread.join()
            logins.append(asdict(storm_result[0]))
            time.sleep(5)  # logins already accepted keep hashing after wrk leaves: the next idle run waits them out
    return {"idle": idle, "storm": storm, "logins": logins, "probe_connections": probe_connections}


def _storm(url: str, seconds: float, script: str, into: list[Run]) -> None:
    into.append(load.wrk(url, seconds, 16, 1, script=script))


def memory(work: Path, sessions: int, seconds: float) -> dict[str, Any]:
    """RSS as sessions are added straight into each store, each step followed by protected requests
    from a sample of the new sessions (tessera on SQLite; Litestar's in-memory server-side store)."""
    steps = 4
    per_step, sample = sessions // steps, min(1000, max(1, sessions // steps))
    drive = max(1.0, seconds / 5)
    database = work / "memory.db"
    env = tessera_env(work, f"sqlite+aiosqlite:///{database}")
    _db_upgrade(env)
    result: dict[str, Any] = {"active": [per_step * i for i in range(steps + 1)], "tessera": [], "memory_store": []}
    with tessera(work, env, "tessera-sqlite") as (service, pid):
        first = register_and_log_in(service)
        writer = SessionWriter(database, work / "signing-key.jwk")
        try:
            for i in range(steps + 1):
                tokens = writer.add(per_step, sample) if i else [first.access_token]
                _drive(work, f"{service}/api/user/session", [f"Authorization: Bearer {t}" for t in tokens], drive)
                result["tessera"].append(rss_bytes(pid))
        finally:
            writer.close()
    with baseline(work, "memory") as (store, pid):
        cookie = _session_cookie(store)
        for i in range(steps + 1):
            ids = post_list(store, f"/seed?n={per_step}&sample={sample}") if i else []
            lines = [f"Cookie: session={sid}" for sid in ids] or [f"Cookie: {cookie}"]
            _drive(work, f"{store}/ping", lines, drive)
            result["memory_store"].append(rss_bytes(pid))
    return result


def post_list(base: str, path: str) -> list[str]:
    import urllib.request

    request = urllib.request.Request(base + path, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=600) as answer:
        return list(json.loads(answer.read()))


def _drive(work: Path, url: str, lines: list[str], seconds: float) -> None:
    credentials = work / "credentials.txt"
    credentials.write_text("\n".join(lines) + "\n")
    run = load.wrk(url, seconds, CONNECTIONS, THREADS, script=load.ROTATE_LUA, script_args=(str(credentials),))
    if run.errors:
        raise RuntimeError(f"{run.errors} errors while driving {url}")


if __name__ == "__main__":
    main()
