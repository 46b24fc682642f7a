"""wrk logging in the users of a credentials file (`benchmarks.login_population`), the next user on each
request, each with their own password.

wrk thread k of n keeps lines k, k+n, k+2n… of the file; every run goes on where the previous one
stopped, so in a file longer than the whole part no user logs in twice. `done` prints where the
threads stopped and how many logins named a user a second time in the run (a file too short)."""

from dataclasses import dataclass
from pathlib import Path

from benchmarks import load
from benchmarks.load import Run

LOGINS_LUA = """
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  local stride = tonumber(args[2])
  bodies = {}
  local line_number = 0
  for line in io.lines(args[1]) do
    if line_number % stride == id then
      local email, password = line:match("^(%S+) (%S+)$")
      bodies[#bodies + 1] = '{"email":"' .. email .. '","password":"' .. password .. '"}'
    end
    line_number = line_number + 1
  end
  size = #bodies
  start = tonumber(args[3])
  position = start % size
  sent = 0
  headers = {["Content-Type"] = "application/json"}
end

function request()
  local body = bodies[position + 1]
  position = (position + 1) % size
  sent = sent + 1
  return wrk.format("POST", nil, headers, body)
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
class LoginList:
    """A credentials file and where the next run in it starts."""

    path: Path
    size: int
    next: int = 0

    def run(self, url: str, seconds: float, connections: int, threads: int = 1) -> Run:
        done = load.wrk(
            url,
            seconds,
            connections,
            threads,
            script=LOGINS_LUA,
            script_args=(str(self.path), str(threads), str(self.next)),
        )
        self.next = done.script.get("next", self.next)
        return done
