"""`GET /api/user/profile` as a server meets it after it starts: the first pass over the 20,000 users
(every request a profile cache miss), then the rate once every user was seen, in each round on a
tessera started afresh, so that no round finds a profile an earlier one read.

Each round: the access tokens are first met once on `GET /api/user/session` (it reads no profile), so that
the first pass measures the profile miss and not an RS256 verification; then a run of the profile route
from the top of the list, short enough never to reach the end of a thread's share (a token sent twice in
it is reported as trouble: it would be a hit); then the rest of the pass; then, with nothing sent in
between, two runs over the whole list: the rate once every user was seen, and again, which tells
whether the first pass filled the cache (the second agrees) or it is still filling (the second is faster)."""

from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import load
from benchmarks.load import Run
from benchmarks.servers import tessera
from benchmarks.token_load import TokenList

FIRST_PASS = "tessera_profile_first_pass"
SEEN = "tessera_profile_seen"
SEEN_AGAIN = "tessera_profile_seen_again"
NAMES = (FIRST_PASS, SEEN, SEEN_AGAIN)
FIRST_PASS_SECONDS = 4.0
"""At most this long, and shorter still when the bare app is fast (`first_pass_seconds`)."""
FIRST_PASS_SHARE = 0.8
"""The part of the users the first pass may reach at the bare app's rate, which no tessera route passes:
so the run ends before a thread's share does, whatever the machine's speed."""


def first_pass_seconds(seconds: float, members: int, bare_rps: float | None) -> float:
    """How long the first pass runs, in whole seconds as wrk counts them (at least 1): never long enough to
    send any user twice, even at `bare_rps` (the fastest the bare app answered the same requests; None:
    unknown, `FIRST_PASS_SECONDS` then)."""
    bound = FIRST_PASS_SECONDS if not bare_rps else min(FIRST_PASS_SECONDS, FIRST_PASS_SHARE * members / bare_rps)
    return max(1, int(min(seconds, bound)))


PASS_CHUNK_SECONDS = 5.0
PASS_CHUNKS = 12
"""How often a chunk that starts at the top of the list is sent until one has gone through every thread's
whole share (the users already met are hits, so each chunk goes further)."""
PROFILE, SESSION = "/api/user/profile", "/api/user/session"

PASS_LUA = """
-- The next token of this thread's share on every request, from the top; `done` prints the fewest
-- requests any thread sent, so that the harness knows whether every share went by once.
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end
function init(args)
  local stride = tonumber(args[2])
  tokens = {}
  local line_number = 0
  for line in io.lines(args[1]) do
    if line_number % stride == id then tokens[#tokens + 1] = line end
    line_number = line_number + 1
  end
  position, sent, size = 0, 0, #tokens
end
function request()
  local token = tokens[position + 1]
  position = (position + 1) % size
  sent = sent + 1
  return wrk.format(nil, wrk.path, {["Authorization"] = "Bearer " .. token})
end
function done(summary, latency, requests)
  local least, size = math.huge, 0
  for _, thread in ipairs(threads) do
    least = math.min(least, thread:get("sent"))
    size = math.max(size, thread:get("size"))
  end
  io.write(string.format("bench-least %d\\nbench-share %d\\n", least, size))
end
"""


def profile_passes(
    work: Path,
    env: dict[str, str],
    tokens: Path,
    members: int,
    seconds: float,
    rounds: int,
    connections: int,
    threads: int,
    bare_rps: float | None = None,
) -> dict[str, list[dict[str, Any]]]:
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in NAMES}
    first_seconds = first_pass_seconds(seconds, members, bare_rps)
    for round_number in range(rounds):
        with tessera(work, env, f"tessera-profile-{round_number}") as (base, _):
            list_ = TokenList(tokens, members)

            def run(path: str, duration: float, *, go_on: bool, base: str = base, list_: TokenList = list_) -> Run:
                return list_.run(base + path, duration, connections, threads, go_on=go_on)

            one_pass(base + SESSION, tokens, connections, threads)
            first = run(PROFILE, first_seconds, go_on=True)
            one_pass(base + PROFILE, tokens, connections, threads)
            runs[FIRST_PASS].append(asdict(first))
            runs[SEEN].append(asdict(run(PROFILE, seconds, go_on=False)))
            runs[SEEN_AGAIN].append(asdict(run(PROFILE, seconds, go_on=False)))
    return runs


def one_pass(url: str, tokens: Path, connections: int, threads: int) -> None:
    """Every token of the list sent at least once: chunks from the top until one went through every share."""
    for _ in range(PASS_CHUNKS):
        chunk = load.wrk(
            url, PASS_CHUNK_SECONDS, connections, threads, script=PASS_LUA, script_args=(str(tokens), str(threads))
        )
        if chunk.script.get("least", 0) >= chunk.script.get("share", 1):
            return
    raise RuntimeError(f"{url}: {PASS_CHUNKS} chunks of {PASS_CHUNK_SECONDS:g} s did not send every token once")
