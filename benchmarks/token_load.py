"""wrk sending a list of access tokens, the next one on each request, to tessera and to the bare app alike.

One Lua script serves every such run. wrk thread k of n keeps lines k, k+n, k+2n… of the token file, so
no token goes out on two threads; each thread starts at the position the previous run reached and goes
on from there, so in a list longer than any run no token is sent twice in a run, and a token comes back
only after the whole list has gone by. `done` prints where the threads stopped and how many tokens were
sent a second time within the run (a list too short for the run), for the harness to check."""

from dataclasses import dataclass
from pathlib import Path

from benchmarks import load
from benchmarks.load import Run

TOKENS_LUA = """
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
  size = #tokens
  start = tonumber(args[3])
  position = start % size
  sent = 0
  path = wrk.path
end

function request()
  local token = tokens[position + 1]
  position = (position + 1) % size
  sent = sent + 1
  return wrk.format(nil, path, {["Authorization"] = "Bearer " .. token})
end

function done(summary, latency, requests)
  local furthest, repeated = 0, 0
  for _, thread in ipairs(threads) do
    local sent, size = thread:get("sent"), thread:get("size")
    furthest = math.max(furthest, thread:get("start") + sent)
    repeated = repeated + math.max(0, sent - size)
  end
  io.write(string.format("bench-next %d\\nbench-repeated %d\\n", furthest, repeated))
end
"""


@dataclass
class TokenList:
    """A token file and where the next run in it starts (a position in each thread's share)."""

    path: Path
    size: int
    next: int = 0

    def run(self, url: str, seconds: float, connections: int, threads: int, *, go_on: bool) -> Run:
        """With `go_on`, this run starts where the last one stopped (a list of tokens never seen before);
        without it, at the top (a list of live tokens that the server may have seen)."""
        start = self.next if go_on else 0
        done = load.wrk(
            url,
            seconds,
            connections,
            threads,
            script=TOKENS_LUA,
            script_args=(str(self.path), str(threads), str(start)),
        )
        if go_on:
            self.next = done.script.get("next", start)
        return done
