"""`pip install ./verifier` into a clean virtual environment (its dependencies from PyPI): it imports, ships
its type information, and brings no tessera server package along; its core and its ASGI, WSGI and decorator
integrations import without Django, DRF or Flask installed."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.served import REPOSITORY

pytestmark = [pytest.mark.app, pytest.mark.served]

CHECK = """
import importlib.resources, sys
import tessera_verifier, tessera_verifier.asgi, tessera_verifier.wsgi, tessera_verifier.decorators
import tessera_verifier.credentials, tessera_verifier.csrf, tessera_verifier.user
assert importlib.resources.files("tessera_verifier").joinpath("py.typed").is_file()
for server in ("domain", "application", "adapters", "entrypoints", "litestar", "django", "rest_framework", "flask"):
    assert server not in sys.modules, server
print(tessera_verifier.Verifier.__name__)
"""


def test_the_package_installs_into_a_clean_virtual_environment_with_pip(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(REPOSITORY / "verifier")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    imported = subprocess.run([str(python), "-c", CHECK], capture_output=True, text=True, timeout=60, check=False)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "Verifier"
