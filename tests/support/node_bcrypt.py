"""bcrypt hashes made by Node's bcryptjs, the way a Node app's users table holds them.

bcryptjs is installed from the npm registry with the machine's `npm`, once, into a cached folder
under the temporary directory (named by the pinned versions, filled in a folder of its own and then
renamed, so two test processes never see half an install), and run with `node`. Version 3 writes
`$2b$`, version 2 wrote `$2a$`; both at their default cost (10)."""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

VERSIONS = {"bcryptjs": "3.0.3", "bcryptjs2": "2.4.3"}
_HASH_SCRIPT = """
const password = require("fs").readFileSync(0, "utf8");
const hashes = {};
for (const name of process.argv.slice(1)) hashes[name] = require(name).hashSync(password, require(name).genSaltSync());
process.stdout.write(JSON.stringify(hashes));
"""


def bcryptjs_folder() -> Path:
    """The folder whose `node_modules` holds both versions of bcryptjs, installed on first use."""
    folder = Path(tempfile.gettempdir()) / ("tessera-tests-" + "-".join(f"{k}@{v}" for k, v in VERSIONS.items()))
    if (folder / "node_modules" / "bcryptjs2" / "package.json").exists():
        return folder
    filling = Path(tempfile.mkdtemp(prefix="tessera-tests-npm-"))
    specs = [f"bcryptjs@{VERSIONS['bcryptjs']}", f"bcryptjs2@npm:bcryptjs@{VERSIONS['bcryptjs2']}"]
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(filling), *specs],
        check=True,
        timeout=300,
        capture_output=True,
    )
    try:
        filling.rename(folder)
    except OSError:  # another test process got there first
        shutil.rmtree(filling, ignore_errors=True)
    return folder


def bcryptjs_hashes(password: str) -> dict[str, str]:
    """`{"bcryptjs": "$2b$10$…", "bcryptjs2": "$2a$10$…"}`, hashes of `password` made by Node."""
    result = subprocess.run(
        ["node", "-e", _HASH_SCRIPT, *VERSIONS],
        input=password,
        cwd=bcryptjs_folder(),
        env={**os.environ, "NODE_PATH": str(bcryptjs_folder() / "node_modules")},
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    hashes: dict[str, str] = json.loads(result.stdout)
    return hashes
