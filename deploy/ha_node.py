"""One node of the HA tier (deploy/local_ha.py): its ports and files, and what its Patroni says of it."""

import contextlib
import json
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass
class HaNode:
    name: str
    pg_port: int
    rest_port: int
    root: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def config(self) -> Path:
        return self.root / "patroni.yml"

    @property
    def log(self) -> Path:
        return self.root / "patroni.log"

    def role(self) -> str | None:
        """What its Patroni says it is (`primary`, `replica`), None if its REST API does not answer."""
        with (
            contextlib.suppress(OSError, urllib.error.URLError, ValueError),
            urllib.request.urlopen(f"http://127.0.0.1:{self.rest_port}/patroni", timeout=1) as response,
        ):
            return str(json.loads(response.read())["role"])
        return None

    def is_primary(self) -> bool:
        return rest_status(f"http://127.0.0.1:{self.rest_port}/primary") == 200

    def postmaster_pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.data / "postmaster.pid").read_text().splitlines()[0])
        return None


def rest_status(url: str) -> int | None:
    """The HTTP status a REST endpoint answers with (Patroni's 503 included); None if it does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, urllib.error.URLError):
        return None
