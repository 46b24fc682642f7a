"""wrk, run for a bounded time against 127.0.0.1, and its report parsed."""

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}

ROTATE_LUA = """
-- Each request carries the next header line of a file, round robin (one file per wrk thread).
local lines = {}
local i = 0
function init(args)
  for line in io.lines(args[1]) do lines[#lines + 1] = line end
end
function request()
  i = i % #lines + 1
  local name, value = lines[i]:match("^([^:]+):%s*(.*)$")
  return wrk.format(nil, nil, {[name] = value})
end
"""

REFRESH_LUA = """
-- Chained refresh: every rotated token's successor goes back into this thread's pool.
local pool = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  for line in io.lines(args[1] .. "." .. id) do pool[#pool + 1] = line end
end
function request()
  local token = table.remove(pool) or "spent"
  return wrk.format("POST", "/auth/refresh", {["Content-Type"] = "application/json"},
    '{"refresh_token":"' .. token .. '"}')
end
function response(status, headers, body)
  local token = body:match('"refresh_token":"([^"]+)"')
  if token then pool[#pool + 1] = token end
end
"""


@dataclass(frozen=True)
class Run:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    """Non-2xx/3xx answers plus socket errors."""
    requests: int
    command: str
    script: dict[str, int] = field(default_factory=dict)
    """What the Lua script's `done` printed, as `bench-NAME NUMBER` lines."""


def wrk(
    url: str,
    seconds: float,
    connections: int,
    threads: int,
    headers: tuple[str, ...] = (),
    script: str | None = None,
    script_args: tuple[str, ...] = (),
) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        command = ["wrk", "--latency", "-d", f"{seconds:g}s", "-c", str(connections), "-t", str(threads)]
        command += ["--timeout", "10s"]
        for header in headers:
            command += ["-H", header]
        if script is not None:
            path = Path(tmp) / "script.lua"
            path.write_text(script)
            command += ["-s", str(path)]
        command.append(url)
        command += ["--", *script_args] if script_args else []
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return parse(done.stdout, _shown(command))


def _shown(command: list[str]) -> str:
    """The command as the report prints it: a credential header's value replaced by a placeholder."""
    return " ".join("'<credential>'" if part.startswith(("Authorization", "Cookie")) else part for part in command)


def parse(report: str, command: str) -> Run:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", report)
    if rate is None:
        raise RuntimeError(f"wrk said:\n{report}")
    total = re.search(r"(\d+) requests in", report)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(n) for n in sockets.groups()) if sockets else 0
    return Run(
        requests_per_s=float(rate.group(1)),
        p50_ms=_percentile(report, "50"),
        p99_ms=_percentile(report, "99"),
        errors=errors,
        requests=int(total.group(1)) if total else 0,
        command=command,
        script={name: int(n) for name, n in re.findall(r"^bench-([a-z-]+) (\d+)$", report, re.MULTILINE)},
    )


def _percentile(report: str, which: str) -> float:
    found = re.search(rf"^\s+{which}%\s+([\d.]+)(us|ms|s|m)\s*$", report, re.MULTILINE)
    return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")
