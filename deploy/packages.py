"""Debian packages `just cluster` needs, installed when missing and we may (root, apt-get), as the
test suite's .ci/ensure-* scripts do."""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable


def install_when_missing(present: Callable[[], bool], package: str) -> None:
    """`apt-get install package` unless `present()`; nothing when we are not root or have no apt-get
    (the caller then says what is missing)."""
    if present() or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return
    print(f"tessera cluster: installing Debian's {package}", file=sys.stderr, flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
        subprocess.run(command, env=environment, stdout=subprocess.DEVNULL, timeout=600, check=False)
