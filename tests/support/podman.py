"""Debian's podman as it works on these machines (.ci/ensure-podman, docs/deployment.md): the runc
runtime, no default ulimits (.ci/containers.conf), the host's network, and a local Debian base
image made by debootstrap, since no image registry is reachable."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
BASE_IMAGE = "localhost/debian:bookworm"
LABEL = "tessera.test-image=1"
"""On the images the tests build: a rebuild leaves the previous one untagged, and only those are pruned."""
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
"""Handed to the build as a secret: a TLS-inspecting proxy's CA is in it on machines behind one."""


def podman(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CONTAINERS_CONF": str(REPOSITORY / ".ci" / "containers.conf")}
    return subprocess.run(
        ["podman", "--runtime", "runc", *args],
        env=environment,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def require_podman() -> None:
    """Fails, never skips, where podman cannot build or run the image. `just test` started preparing
    them in the background (.ci/ensure-podman --background): this waits for that run to finish."""
    subprocess.run(["bash", str(REPOSITORY / ".ci" / "ensure-podman")], timeout=900, check=False)
    if shutil.which("podman") is None or shutil.which("runc") is None:
        pytest.fail("podman and runc are required: run .ci/ensure-podman (`just test` does)", pytrace=False)
    if podman("image", "exists", BASE_IMAGE).returncode != 0:
        pytest.fail(f"the local base image {BASE_IMAGE} is missing: run .ci/ensure-podman", pytrace=False)


def build_image(tag: str) -> None:
    """The repository's Containerfile on the local base; the Docker format keeps its HEALTHCHECK."""
    secret = ["--secret", f"id=ca_bundle,src={CA_BUNDLE}"] if CA_BUNDLE.exists() else []
    built = podman(
        *("build", "--format", "docker", "--network", "host", *secret),
        *("--build-arg", f"BASE={BASE_IMAGE}", "--label", LABEL, "--tag", tag, "--file", "Containerfile", "."),
        timeout=900,
    )
    assert built.returncode == 0, f"podman build failed:\n{built.stdout[-4000:]}\n{built.stderr[-4000:]}"
    podman("image", "prune", "--force", "--filter", f"label={LABEL}")
